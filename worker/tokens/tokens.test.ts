import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { tenantDb } from "../db/client";
import { sha256Hex } from "../db/ids";
import { announcements, apiTokens } from "../db/schema";
import { reserve } from "../http/limits";
import { call, env, errorCode, makeTenant, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { apiTokenCreatedAnswer, apiTokenListAnswer } from "./answers";
import { tokenLimit } from "./bearer";

async function makeToken(tenant: TestTenant, scopes: string[], cookie = tenant.owner.cookie, name = "CRM sync") {
  const res = await call(tenant.host, "POST", "/api/v1/api-tokens", { cookie, json: { name, scopes } });
  expect(res.status, await res.clone().text()).toBe(201);
  return apiTokenCreatedAnswer.parse(await res.json());
}

const bearer = (token: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${token}`, ...extra } });
const db = (tenant: TestTenant) => tenantDb(env, { id: tenant.id });
const row = async (tenant: TestTenant, id: string) => (await db(tenant).db.select().from(apiTokens).where(eq(apiTokens.id, id)))[0]!;
const PLAN = { name: "Resident", price: { amount: 100, currency: "EUR" }, intervalMonths: 1 };

describe("API tokens: POST/GET/DELETE /api/v1/api-tokens", () => {
  it("creates a token shown once (201 {id, token}), stored only as its SHA-256", async () => {
    const tenant = await makeTenant();
    const { id, token } = await makeToken(tenant, ["members:read", "members:read", "plans:read".replace("plans", "memberships")]);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await row(tenant, id);
    expect(stored.hash).toBe(await sha256Hex(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.scopes).toEqual(["members:read", "memberships:read"]);
    expect(stored.tenantId).toBe(tenant.id);
  });

  it("lists tokens without their secret, with their scopes, creator and last-used time", async () => {
    const tenant = await makeTenant();
    const { id, token } = await makeToken(tenant, ["bookings:write"]);
    const before = apiTokenListAnswer.parse(await (await call(tenant.host, "GET", "/api/v1/api-tokens", { cookie: tenant.owner.cookie })).json());
    expect(before.items).toEqual([expect.objectContaining({ id, name: "CRM sync", scopes: ["bookings:write"], createdBy: expect.objectContaining({ name: "Olivia Owner" }), lastUsedAt: null })]);
    expect(JSON.stringify(before)).not.toContain(token);
    expect(JSON.stringify(before)).not.toContain(await sha256Hex(token));
    expect((await call(tenant.host, "GET", "/api/v1/resources", bearer(token))).status).toBe(200);
    const after = apiTokenListAnswer.parse(await (await call(tenant.host, "GET", "/api/v1/api-tokens", { cookie: tenant.owner.cookie })).json());
    expect(after.items[0]!.lastUsedAt).not.toBeNull();
  });

  it("pages the list with limit and cursor", async () => {
    const tenant = await makeTenant();
    for (let i = 0; i < 3; i++) await makeToken(tenant, ["events:read"], tenant.owner.cookie, `T${i}`);
    const first = apiTokenListAnswer.parse(await (await call(tenant.host, "GET", "/api/v1/api-tokens?limit=2", { cookie: tenant.owner.cookie })).json());
    expect(first.items).toHaveLength(2);
    const second = apiTokenListAnswer.parse(await (await call(tenant.host, "GET", `/api/v1/api-tokens?limit=2&cursor=${first.nextCursor}`, { cookie: tenant.owner.cookie })).json());
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((t) => t.name))).toEqual(new Set(["T0", "T1", "T2"]));
    expect(await errorCode(await call(tenant.host, "GET", "/api/v1/api-tokens?cursor=nope", { cookie: tenant.owner.cookie }))).toBe("invalid_cursor");
  });

  it("refuses an unknown scope (422 invalid_scope), no scope or no name (422)", async () => {
    const tenant = await makeTenant();
    const post = (json: unknown) => call(tenant.host, "POST", "/api/v1/api-tokens", { cookie: tenant.owner.cookie, json });
    const unknown = await post({ name: "x", scopes: ["members:read", "members:delete"] });
    expect(unknown.status).toBe(422);
    expect(await errorCode(unknown)).toBe("invalid_scope");
    for (const body of [{ name: "x", scopes: [] }, { name: "", scopes: ["members:read"] }, { name: "x" }, { name: "x", scopes: "members:read" }]) {
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(await errorCode(res)).toBe("validation_failed");
    }
    expect(await db(tenant).db.select().from(apiTokens).where(eq(apiTokens.tenantId, tenant.id))).toEqual([]);
  });

  it("is for owners and admins only: members and moderators 403, signed out 401", async () => {
    const tenant = await makeTenant();
    const admin = await signUpMember(tenant, "admin@example.org", "Ada Admin");
    await setTenantRole(tenant, admin.id, "admin");
    await makeToken(tenant, ["members:read"], admin.cookie);
    const mod = await signUpMember(tenant, "mod@example.org");
    await setTenantRole(tenant, mod.id, "moderator");
    const member = await signUpMember(tenant, "member@example.org");
    for (const cookie of [mod.cookie, member.cookie]) {
      expect((await call(tenant.host, "POST", "/api/v1/api-tokens", { cookie, json: { name: "x", scopes: ["members:read"] } })).status).toBe(403);
      expect((await call(tenant.host, "GET", "/api/v1/api-tokens", { cookie })).status).toBe(403);
      expect((await call(tenant.host, "DELETE", "/api/v1/api-tokens/abc", { cookie })).status).toBe(403);
    }
    expect((await call(tenant.host, "GET", "/api/v1/api-tokens")).status).toBe(401);
  });

  it("revokes (204): the token then answers 401, a second revocation or another community's token 404", async () => {
    const tenant = await makeTenant();
    const other = await makeTenant();
    const { id, token } = await makeToken(tenant, ["memberships:read"]);
    expect((await call(tenant.host, "GET", "/api/v1/plans", bearer(token))).status).toBe(200);
    expect((await call(other.host, "DELETE", `/api/v1/api-tokens/${id}`, { cookie: other.owner.cookie })).status).toBe(404);
    expect((await call(tenant.host, "DELETE", `/api/v1/api-tokens/${id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    const refused = await call(tenant.host, "GET", "/api/v1/plans", bearer(token));
    expect(refused.status).toBe(401);
    expect(await errorCode(refused)).toBe("invalid_token");
    expect((await call(tenant.host, "DELETE", `/api/v1/api-tokens/${id}`, { cookie: tenant.owner.cookie })).status).toBe(404);
    const list = apiTokenListAnswer.parse(await (await call(tenant.host, "GET", "/api/v1/api-tokens", { cookie: tenant.owner.cookie })).json());
    expect(list.items).toEqual([]);
  });
});

describe("Authorization: Bearer on the API", () => {
  it("calls the API with the token's scope and answers 403 insufficient_scope beyond it", async () => {
    const tenant = await makeTenant();
    const { token } = await makeToken(tenant, ["memberships:read"]);
    expect((await call(tenant.host, "GET", "/api/v1/plans", bearer(token))).status).toBe(200);
    expect((await call(tenant.host, "HEAD", "/api/v1/plans", bearer(token))).status).toBe(200);
    const write = await call(tenant.host, "POST", "/api/v1/plans", { json: PLAN, ...bearer(token) });
    expect(write.status).toBe(403);
    expect(await errorCode(write)).toBe("insufficient_scope");
    const other = await call(tenant.host, "GET", "/api/v1/members", bearer(token));
    expect(other.status).toBe(403);
    expect(await errorCode(other)).toBe("insufficient_scope");
    expect(other.headers.get("www-authenticate")).toContain('scope="members:read"');
  });

  it("write includes read", async () => {
    const tenant = await makeTenant();
    const { token } = await makeToken(tenant, ["memberships:write"]);
    const created = await call(tenant.host, "POST", "/api/v1/plans", { json: PLAN, ...bearer(token) });
    expect(created.status).toBe(201);
    const { plan } = (await created.json()) as { plan: { id: string } };
    expect((await call(tenant.host, "GET", `/api/v1/plans/${plan.id}`, bearer(token))).status).toBe(200);
  });

  it("acts as a tenant admin, its writes recorded as made by its creator", async () => {
    const tenant = await makeTenant();
    const admin = await signUpMember(tenant, "admin@example.org", "Ada Admin");
    await setTenantRole(tenant, admin.id, "admin");
    const { token } = await makeToken(tenant, ["tenant:write", "members:read"], admin.cookie);
    expect((await call(tenant.host, "GET", "/api/v1/members", bearer(token))).status).toBe(200);
    const res = await call(tenant.host, "POST", "/api/v1/announcements", { json: { title: "Hello", body: "From the CRM" }, ...bearer(token) });
    expect(res.status).toBe(201);
    const { announcement } = (await res.json()) as { announcement: { id: string } };
    const [stored] = await db(tenant).db.select().from(announcements).where(and(eq(announcements.id, announcement.id), eq(announcements.tenantId, tenant.id)));
    expect(stored!.createdBy).toBe(admin.id);
  });

  it("is never refused by a switch", async () => {
    const tenant = await makeTenant();
    await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: false } } });
    const { token } = await makeToken(tenant, ["bookings:read"]);
    expect((await call(tenant.host, "GET", "/api/v1/resources", bearer(token))).status).toBe(200);
    expect((await call(tenant.host, "GET", "/api/v1/resources", { cookie: (await signUpMember(tenant, "m@example.org")).cookie })).status).toBe(403);
  });

  it("answers 401 on another community's host", async () => {
    const tenant = await makeTenant();
    const other = await makeTenant();
    const { token } = await makeToken(tenant, ["memberships:read"]);
    const res = await call(other.host, "GET", "/api/v1/plans", bearer(token));
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("invalid_token");
    expect((await call(tenant.host, "GET", "/api/v1/plans", bearer(token))).status).toBe(200);
  });

  it("stops working when its creator is no longer an owner or admin", async () => {
    const tenant = await makeTenant();
    const admin = await signUpMember(tenant, "admin@example.org", "Ada Admin");
    await setTenantRole(tenant, admin.id, "admin");
    const { token } = await makeToken(tenant, ["memberships:read"], admin.cookie);
    expect((await call(tenant.host, "GET", "/api/v1/plans", bearer(token))).status).toBe(200);
    await setTenantRole(tenant, admin.id, "member");
    expect((await call(tenant.host, "GET", "/api/v1/plans", bearer(token))).status).toBe(401);
    await setTenantRole(tenant, admin.id, "admin");
    expect((await call(tenant.host, "GET", "/api/v1/plans", bearer(token))).status).toBe(200);
    expect((await call(tenant.host, "POST", `/api/v1/members/${admin.id}/suspend`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await call(tenant.host, "GET", "/api/v1/plans", bearer(token))).status).toBe(401);
  });

  it("refuses /me, /auth and /api-tokens (403 insufficient_scope), whatever its scopes", async () => {
    const tenant = await makeTenant();
    const { token } = await makeToken(tenant, ["members:write", "tenant:write", "profiles:write"]);
    for (const [method, path] of [
      ["GET", "/api/v1/me"],
      ["GET", "/api/v1/me/profile"],
      ["DELETE", "/api/v1/me"],
      ["POST", "/api/v1/auth/logout"],
      ["GET", "/api/v1/api-tokens"],
      ["POST", "/api/v1/api-tokens"],
    ] as const) {
      const res = await call(tenant.host, method, path, bearer(token));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await errorCode(res)).toBe("insufficient_scope");
    }
  });

  it("skips the Origin check for bearer calls (a cookie call from another site is still refused)", async () => {
    const tenant = await makeTenant();
    const { token } = await makeToken(tenant, ["memberships:write"]);
    const origin = { origin: "https://crm.example.com" };
    expect((await call(tenant.host, "POST", "/api/v1/plans", { json: PLAN, ...bearer(token, origin) })).status).toBe(201);
    const cookieCall = await call(tenant.host, "POST", "/api/v1/plans", { json: PLAN, cookie: tenant.owner.cookie, headers: origin });
    expect(cookieCall.status).toBe(403);
    expect(await errorCode(cookieCall)).toBe("origin_mismatch");
  });

  it("wins over a cookie: the token's scopes apply, and an invalid one is 401 even with a valid cookie", async () => {
    const tenant = await makeTenant();
    const { token } = await makeToken(tenant, ["memberships:read"]);
    const withCookie = { cookie: tenant.owner.cookie };
    const write = await call(tenant.host, "POST", "/api/v1/plans", { json: PLAN, ...withCookie, ...bearer(token) });
    expect(write.status).toBe(403);
    expect(await errorCode(write)).toBe("insufficient_scope");
    for (const header of [`Bearer ${"x".repeat(43)}`, "Bearer", "Bearer ", "bearer %%%", `Bearer ${token}x`]) {
      const res = await call(tenant.host, "GET", "/api/v1/plans", { ...withCookie, headers: { authorization: header } });
      expect(res.status, header).toBe(401);
    }
    expect((await call(tenant.host, "GET", "/api/v1/plans", withCookie)).status).toBe(200);
  });

  it("is ignored on pages: they are for people", async () => {
    const tenant = await makeTenant();
    const { token } = await makeToken(tenant, ["memberships:write"]);
    const anonymous = await call(tenant.host, "GET", "/admin/plans", bearer(token));
    expect(anonymous.status).not.toBe(200);
    const withCookie = await call(tenant.host, "GET", "/admin/plans", { cookie: tenant.owner.cookie, headers: { authorization: "Bearer nonsense" } });
    expect(withCookie.status).toBe(200);
  });

  it("writes the last-used time at most once a minute", async () => {
    const tenant = await makeTenant();
    const { id, token } = await makeToken(tenant, ["memberships:read"]);
    const t = db(tenant);
    await call(tenant.host, "GET", "/api/v1/plans", bearer(token));
    const first = (await row(tenant, id)).lastUsedAt!;
    expect(first).toBeGreaterThan(Date.now() - 10_000);
    const recent = Date.now() - 30_000;
    await t.db.update(apiTokens).set({ lastUsedAt: recent }).where(eq(apiTokens.id, id));
    await Promise.all(Array.from({ length: 5 }, () => call(tenant.host, "GET", "/api/v1/plans", bearer(token))));
    expect((await row(tenant, id)).lastUsedAt).toBe(recent);
    // A minute later (the clock moved on for this isolate's memory too), the next use is written.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      await call(tenant.host, "GET", "/api/v1/plans", bearer(token));
      expect((await row(tenant, id)).lastUsedAt).toBeGreaterThan(recent + 60_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("has its own rate limit: of parallel requests past it, exactly the room left passes, the rest 429 with Retry-After", async () => {
    const tenant = await makeTenant();
    const { id, token } = await makeToken(tenant, ["memberships:read"]);
    const other = await makeToken(tenant, ["memberships:read"]);
    const limit = tokenLimit(env, tenant.id, id);
    // Use all but 4 of this minute's requests at once, then fire 12 together.
    expect((await reserve(env.DB, [limit], { amount: limit.max - 4 })).ok).toBe(true);
    const answers = await Promise.all(Array.from({ length: 12 }, () => call(tenant.host, "GET", "/api/v1/plans", bearer(token))));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(8);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await errorCode(refused)).toBe("rate_limited");
    // Another token of the same community has its own limit.
    expect((await call(tenant.host, "GET", "/api/v1/plans", bearer(other.token))).status).toBe(200);
  });
});
