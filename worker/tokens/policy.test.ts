import { describe, expect, it } from "vitest";
import type { TenantRole } from "../db/schema";
import { decideBearer, mayManageTokens, type BearerToken } from "./policy";

const token = (over: Partial<BearerToken> & { role?: TenantRole; status?: string } = {}): BearerToken => ({
  revokedAt: over.revokedAt ?? null,
  scopes: over.scopes ?? ["memberships:read"],
  creator: { tenantRole: over.role ?? "admin", status: over.status ?? "active" },
});

describe("token policy", () => {
  it.each([
    ["owner", true],
    ["admin", true],
    ["moderator", false],
    ["member", false],
    [null, false],
  ] as const)("a %s may manage tokens: %s", (tenantRole, expected) => {
    expect(mayManageTokens({ tenantRole })).toBe(expected);
  });

  const cases: [string, BearerToken | null, string, string, string][] = [
    ["no such token", null, "GET", "/api/v1/plans", "401 invalid_token"],
    ["revoked", token({ revokedAt: 1 }), "GET", "/api/v1/plans", "401 invalid_token"],
    ["creator now a member", token({ role: "member" }), "GET", "/api/v1/plans", "401 invalid_token"],
    ["creator now a moderator", token({ role: "moderator" }), "GET", "/api/v1/plans", "401 invalid_token"],
    ["creator suspended", token({ status: "suspended" }), "GET", "/api/v1/plans", "401 invalid_token"],
    ["creator the owner", token({ role: "owner" }), "GET", "/api/v1/plans", "ok memberships:read"],
    ["read with read", token(), "GET", "/api/v1/plans/abc", "ok memberships:read"],
    ["HEAD with read", token(), "HEAD", "/api/v1/plans", "ok memberships:read"],
    ["write with read only", token(), "POST", "/api/v1/plans", "403 insufficient_scope"],
    ["write with write", token({ scopes: ["memberships:write"] }), "PATCH", "/api/v1/plans/abc", "ok memberships:write"],
    ["read with write", token({ scopes: ["memberships:write"] }), "GET", "/api/v1/memberships", "ok memberships:read"],
    ["another area", token({ scopes: ["invoices:write"] }), "GET", "/api/v1/plans", "403 insufficient_scope"],
    ["/me", token({ scopes: ["members:write"] }), "GET", "/api/v1/me", "403 insufficient_scope"],
    ["/auth", token({ scopes: ["members:write"] }), "POST", "/api/v1/auth/logout", "403 insufficient_scope"],
    ["/api-tokens", token({ scopes: ["tenant:write"] }), "POST", "/api/v1/api-tokens", "403 insufficient_scope"],
    ["a stored scope that is no longer one", token({ scopes: ["plans:read"] }), "GET", "/api/v1/plans", "403 insufficient_scope"],
  ];
  it.each(cases)("%s → %s %s: %s", (_name, t, method, path, expected) => {
    const d = decideBearer(t, method, path);
    expect(d.ok ? `ok ${d.scope}` : `${d.status} ${d.why}`).toBe(expected);
  });
});
