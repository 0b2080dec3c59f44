import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { TenantDb } from "../db/client";
import { newId, newToken, sha256Hex } from "../db/ids";
import { apiTokens, users, type User } from "../db/schema";
import { ApiError, notFound } from "../http/errors";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { msg } from "../../web/i18n";
import { isScope, SCOPES, type Scope } from "./scopes";
import type { ApiTokenView } from "./types";

export type { ApiTokenView };

// API tokens (contract, "Integrations"): named, scoped, shown once, stored as SHA-256,
// revocable. Plain arguments; the routes and the admin page call these.

export const tokenInput = z.strictObject({
  name: z.string({ error: "field.required" }).trim().min(1, "field.required").max(200, msg("field.too_long", { max: 200 })),
  scopes: z
    .array(z.string().max(100), { error: "field.required" })
    .min(1, "field.tokens_scopes_required")
    .max(100, msg("field.too_many", { max: 100 })),
});
export type TokenInput = z.output<typeof tokenInput>;


const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The scopes asked for, each known (422 `invalid_scope` naming the first that is not), without repeats, in the catalog's order. */
export function checkScopes(asked: readonly string[]): Scope[] {
  const unknown = asked.find((s) => !isScope(s));
  if (unknown !== undefined) throw new ApiError(422, "invalid_scope", `Unknown scope: ${unknown.slice(0, 100)}.`, { scopes: msg("field.tokens_scope_unknown") });
  return SCOPES.filter((s) => asked.includes(s));
}

/** A new token: its id and the secret, which is never readable again. */
export async function createApiToken(t: TenantDb, input: TokenInput, creatorId: string, now: number): Promise<{ id: string; token: string }> {
  const scopes = checkScopes(input.scopes);
  const token = newToken();
  const id = newId();
  await t.db.insert(apiTokens).values({ id, tenantId: t.tenantId, name: input.name, scopes, hash: await sha256Hex(token), createdBy: creatorId, createdAt: now });
  return { id, token };
}

const tokensCursor = cursorKind("api-tokens", z.strictObject({ at: cursorParts.int, id: cursorParts.id }));

/** The community's tokens that are not revoked, newest first, without their secret. */
export async function listApiTokens(t: TenantDb, opts: { limit: number; cursor: string | null }): Promise<{ items: ApiTokenView[]; nextCursor: string | null }> {
  const after = decodeOptionalCursor(tokensCursor, opts.cursor);
  const rows = await t.db
    .select({ token: apiTokens, creatorName: users.name })
    .from(apiTokens)
    .innerJoin(users, and(eq(users.id, apiTokens.createdBy), eq(users.tenantId, t.tenantId)))
    .where(
      and(
        eq(apiTokens.tenantId, t.tenantId),
        isNull(apiTokens.revokedAt),
        after ? or(lt(apiTokens.createdAt, after.at), and(eq(apiTokens.createdAt, after.at), lt(apiTokens.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ token: r, creatorName }) => ({
      id: r.id,
      name: r.name,
      scopes: r.scopes.filter(isScope),
      createdBy: { id: r.createdBy, name: creatorName },
      createdAt: iso(r.createdAt)!,
      lastUsedAt: iso(r.lastUsedAt),
    })),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(tokensCursor, { at: last.token.createdAt, id: last.token.id }) : null,
  };
}

/** Revokes a token of this community at once (404 when there is no such token, or it is already revoked). */
export async function revokeApiToken(t: TenantDb, id: string, now: number): Promise<void> {
  const changed = await t.db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.tenantId, t.tenantId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (changed.length !== 1) throw notFound("No such token.");
}

/** The token of this community with this secret, with its creator (null when none). */
export async function findBearer(t: TenantDb, secret: string): Promise<{ id: string; scopes: string[]; revokedAt: number | null; lastUsedAt: number | null; creator: User } | null> {
  const [row] = await t.db
    .select({ token: apiTokens, creator: users })
    .from(apiTokens)
    .innerJoin(users, and(eq(users.id, apiTokens.createdBy), eq(users.tenantId, t.tenantId)))
    .where(and(eq(apiTokens.hash, await sha256Hex(secret)), eq(apiTokens.tenantId, t.tenantId)))
    .limit(1);
  return row ? { id: row.token.id, scopes: row.token.scopes, revokedAt: row.token.revokedAt, lastUsedAt: row.token.lastUsedAt, creator: row.creator } : null;
}

/** How stale a token's last-used time may be: it is written at most once per this period. */
export const LAST_USED_EVERY_MS = 60_000;

/** Records a use, unless one was recorded less than LAST_USED_EVERY_MS ago (then it writes nothing). */
export async function touchApiToken(t: TenantDb, id: string, now: number): Promise<void> {
  await t.db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.tenantId, t.tenantId), or(isNull(apiTokens.lastUsedAt), sql`${apiTokens.lastUsedAt} <= ${now - LAST_USED_EVERY_MS}`)));
}
