import { and, eq, gt, isNull } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { newSession } from "../auth/sessions";
import { atomic, tenantDb, type TenantDb } from "../db/client";
import { newToken, sha256Hex } from "../db/ids";
import { passwordResets, users, type Tenant } from "../db/schema";
import type { Bindings } from "../env";
import { ApiError } from "../http/errors";

/**
 * The new owner's way from the root host's `/new` to their community, signed in. The root
 * host never sets a cookie for another host: it hands over a one-time token (32 random
 * bytes, stored only as SHA-256, valid 2 minutes) that the tenant host exchanges for a
 * session, once (a conditional update that must change exactly one row).
 */
export const HANDOFF_TTL_MS = 2 * 60_000;
export const HANDOFF_PATH = "/welcome";

export async function mintHandoff(env: Pick<Bindings, "DB">, tenant: Tenant, now = Date.now()): Promise<string> {
  const t = tenantDb(env, tenant);
  const owner = await t.db.query.users.findFirst({ columns: { id: true }, where: and(eq(users.tenantId, t.tenantId), eq(users.tenantRole, "owner")) });
  if (!owner) throw new ApiError(404, "not_found", "No owner for this community.");
  const token = newToken();
  await t.db.insert(passwordResets).values({ tokenHash: await sha256Hex(token), tenantId: t.tenantId, userId: owner.id, purpose: "handoff", createdAt: now, expiresAt: now + HANDOFF_TTL_MS });
  return token;
}

/** Consumes a handoff token of this tenant and opens a session for its owner; 400 `invalid_token` otherwise. */
export async function useHandoff(t: TenantDb, token: string, now = Date.now()): Promise<{ sessionToken: string }> {
  const invalid = () => new ApiError(400, "invalid_token", "This link is invalid or has expired. Sign in instead.");
  if (!token || token.length > 200) throw invalid();
  const tokenHash = await sha256Hex(token);
  const row = await t.db.query.passwordResets.findFirst({
    where: and(eq(passwordResets.tenantId, t.tenantId), eq(passwordResets.tokenHash, tokenHash), eq(passwordResets.purpose, "handoff"), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
  });
  if (!row) throw invalid();
  const session = await newSession(t, row.userId, now);
  const [claimed] = await atomic(t, [
    t.db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResets.tenantId, t.tenantId),
          eq(passwordResets.tokenHash, tokenHash),
          eq(passwordResets.purpose, "handoff"),
          isNull(passwordResets.usedAt),
          gt(passwordResets.expiresAt, now),
        ),
      )
      .returning({ userId: passwordResets.userId }),
    // The session exists only if this very batch consumed the token, for an active account.
    sql`insert into sessions (id, tenant_id, user_id, created_at, expires_at)
      select ${session.id}, ${t.tenantId}, ${row.userId}, ${now}, ${session.expiresAt}
      where exists (select 1 from password_resets where token_hash = ${tokenHash} and used_at = ${now})
        and exists (select 1 from users where id = ${row.userId} and tenant_id = ${t.tenantId} and status = 'active')`,
  ]);
  if (claimed?.results.length !== 1) throw invalid();
  return { sessionToken: session.token };
}
