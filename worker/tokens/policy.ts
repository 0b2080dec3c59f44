import type { TenantRole } from "../db/schema";
import { grants, isScope, scopeFor, type Scope } from "./scopes";

/**
 * Who may manage API tokens, and whether a bearer token may make a request, as pure functions.
 *
 *   - Tenant owners and admins create, list and revoke the community's tokens (never through a
 *     token: `/api-tokens*` is refused to tokens by `scopeFor`).
 *   - A token works while it is not revoked and its creator is an active owner or admin of the
 *     token's community; otherwise, and for an unknown token, 401.
 *   - Then the request needs the scope `scopeFor` names, held by the token (write includes
 *     read); a route no token may call (`/me`, `/auth`, …) and a scope beyond the token's: 403
 *     `insufficient_scope`.
 */
export type TokenActor = { tenantRole: TenantRole | null };

export const mayManageTokens = (actor: TokenActor): boolean => actor.tenantRole === "owner" || actor.tenantRole === "admin";

/** What the bearer check knows of a token found by its hash on this community (null: none). */
export type BearerToken = { revokedAt: number | null; scopes: readonly string[]; creator: { tenantRole: TenantRole; status: string } };

export type BearerDecision = { ok: true; scope: Scope } | { ok: false; status: 401; why: "invalid_token" } | { ok: false; status: 403; why: "insufficient_scope"; needed: Scope | "refused" };

export function decideBearer(token: BearerToken | null, method: string, path: string): BearerDecision {
  if (!token || token.revokedAt !== null || token.creator.status !== "active" || !mayManageTokens(token.creator)) return { ok: false, status: 401, why: "invalid_token" };
  const needed = scopeFor(method, path);
  if (needed === "refused" || !grants(token.scopes.filter(isScope), needed)) return { ok: false, status: 403, why: "insufficient_scope", needed };
  return { ok: true, scope: needed };
}
