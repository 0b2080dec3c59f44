import type { Context } from "hono";
import { tenantDb } from "../db/client";
import type { AppEnv, Bindings } from "../env";
import { ApiError, isApiPath } from "../http/errors";
import { limitVar, reserveOrThrow, type Limit } from "../http/limits";
import { decideBearer } from "./policy";
import { findBearer, LAST_USED_EVERY_MS, touchApiToken } from "./service";

/**
 * `Authorization: Bearer <token>` on the JSON API (contract, "Integrations"). Pages ignore it
 * (they are for people). On the API it wins over a cookie: the cookie is not read at all.
 * Returns undefined when the request carries no bearer token for the API, else the secret
 * ("" when the header is malformed, which the check refuses).
 */
export function bearerSecret(c: Context<AppEnv>): string | undefined {
  if (!isApiPath(c.req.path)) return undefined;
  const header = c.req.header("authorization");
  if (header === undefined) return undefined;
  const m = /^Bearer(?:\s+(\S*))?\s*$/i.exec(header.trim());
  if (!m) return /^bearer\b/i.test(header.trim()) ? "" : undefined;
  return m[1] ?? "";
}

/** Requests one token may make per minute (`API_TOKEN_REQUESTS_PER_MINUTE`, default 600). */
export function tokenLimit(env: Pick<Bindings, "API_TOKEN_REQUESTS_PER_MINUTE">, tenantId: string, tokenId: string): Limit {
  return { key: `api-token:${tenantId}:${tokenId}`, max: limitVar(env.API_TOKEN_REQUESTS_PER_MINUTE, 600), windowMs: 60_000 };
}

const invalidToken = () =>
  new ApiError(401, "invalid_token", "This API token is not valid on this community (unknown, revoked, or its creator is no longer an admin).", undefined, {
    "WWW-Authenticate": 'Bearer error="invalid_token"',
  });

/** When this isolate last wrote a token's last-used time: a busy token costs no write per request. */
const touched = new Map<string, number>();

/**
 * Authenticates the request as the token's creator, acting as a tenant admin limited to the
 * token's scopes: 401 for an unknown or revoked token, another community's, or one whose
 * creator is no longer an active owner or admin; 429 past the token's own rate limit; 403
 * `insufficient_scope` beyond its scopes (and on `/me`, `/auth`, `/api-tokens`).
 */
export async function authenticateBearer(c: Context<AppEnv>, secret: string): Promise<void> {
  c.set("user", null);
  c.set("avatarUrl", null);
  c.set("sessionId", null);
  c.set("apiToken", null);
  const tenant = c.get("tenant");
  if (!tenant || !/^[A-Za-z0-9_-]{20,100}$/.test(secret)) throw invalidToken();
  const t = tenantDb(c.env, tenant);
  const found = await findBearer(t, secret);
  const decision = decideBearer(found && { revokedAt: found.revokedAt, scopes: found.scopes, creator: found.creator }, c.req.method, c.req.path);
  if (!found || (!decision.ok && decision.status === 401)) throw invalidToken();
  const now = Date.now();
  await reserveOrThrow(c.env.DB, [tokenLimit(c.env, tenant.id, found.id)], "Too many requests with this API token; try again later.");
  // The OpenAPI document is public on every host: any valid token may read it (oa-core).
  const publicDocument = c.req.path === "/api/v1/openapi.json" && (c.req.method === "GET" || c.req.method === "HEAD");
  if (!decision.ok && !publicDocument) {
    const needed = decision.status === 403 && decision.needed !== "refused" ? decision.needed : null;
    throw new ApiError(
      403,
      "insufficient_scope",
      needed ? `This API token lacks the scope ${needed}.` : "API tokens cannot call this route.",
      undefined,
      { "WWW-Authenticate": `Bearer error="insufficient_scope"${needed ? `, scope="${needed}"` : ""}` },
    );
  }
  const last = Math.max(found.lastUsedAt ?? 0, touched.get(found.id) ?? 0);
  if (now - last >= LAST_USED_EVERY_MS) {
    touched.set(found.id, now);
    await touchApiToken(t, found.id, now);
  }
  // A tenant admin (an owner's token too), recorded as its creator.
  c.set("user", found.creator.tenantRole === "owner" ? { ...found.creator, tenantRole: "admin" } : found.creator);
  c.set("apiToken", { id: found.id, scopes: found.scopes });
}
