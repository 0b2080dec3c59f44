import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { atomic, type TenantDb } from "../db/client";
import { newToken, sha256Hex } from "../db/ids";
import { passwordResets, users, type Tenant, type User } from "../db/schema";
import { ApiError } from "../http/errors";
import { reserve } from "../http/limits";
import { email } from "../http/validate";
import { enqueueMail } from "../mail/outbox";
import { brandOf, loginLinkMail, mailLang } from "../mail/templates";
import { newSession } from "./sessions";

/**
 * One-time sign-in links: 32 random bytes given once (in an email), stored as SHA-256
 * in `password_resets` with purpose `login`, used once by a conditional update.
 * Admins send them from the members page (`worker/accounts/service.ts`);
 * anyone asks for one for their own address (`POST /api/v1/auth/login-link`, or the
 * button a throttled login page offers).
 */

/** A link a person asks for themselves works for 15 minutes. */
export const SELF_LOGIN_LINK_TTL_MS = 15 * 60_000;
/**
 * Links emailed to one address: 3 per 15 minutes. The window equals the link's life, so
 * whoever is refused by this cap has a link sent within the window in the mailbox, still
 * valid: flooding an address with requests cannot keep its owner out.
 */
export const LOGIN_LINK_LIMIT = { max: 3, windowMs: SELF_LOGIN_LINK_TTL_MS };

export const loginLinkRequestSchema = z.object({ email: z.string({ error: "email is required" }).trim().toLowerCase().max(254) });
export const loginLinkConfirmSchema = z.object({ token: z.string({ error: "token is required" }).max(200) });

/** A new one-time token for a `password_resets` purpose, and the insert that stores its hash. */
export async function oneTimeToken(t: TenantDb, userId: string, purpose: "reset" | "setup" | "login", ttlMs: number, now: number) {
  const token = newToken();
  return {
    token,
    insert: t.db.insert(passwordResets).values({ tokenHash: await sha256Hex(token), tenantId: t.tenantId, userId, purpose, createdAt: now, expiresAt: now + ttlMs }),
  };
}

/** The page a sign-in link opens (it signs in on a click, so mail scanners cannot use it up). */
export const loginLinkPath = (token: string) => `/login/link?token=${encodeURIComponent(token)}`;

/**
 * Always succeeds from the caller's point of view: nothing tells whether the email has an
 * account. Reserved first, for any address, so the cap holds under concurrency.
 */
export async function requestLoginLink(t: TenantDb, tenant: Tenant, address: string, urls: { base: string }, now = Date.now()): Promise<void> {
  const parsed = email.safeParse(address);
  if (!parsed.success) return;
  if (!(await reserve(t.d1, [{ key: `login-link:${t.tenantId}:${parsed.data}`, ...LOGIN_LINK_LIMIT }], { now })).ok) return;
  const user = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.email, parsed.data)) });
  if (!user || user.status !== "active") return;
  const link = await oneTimeToken(t, user.id, "login", SELF_LOGIN_LINK_TTL_MS, now);
  await t.db.batch([
    link.insert,
    enqueueMail(
      t,
      loginLinkMail(mailLang(user.language, tenant.defaultLanguage), { to: user.email, name: user.name, community: tenant.name, url: urls.base + loginLinkPath(link.token), requested: true, brand: brandOf(tenant, urls.base) }),
      now,
    ),
  ]);
}

/** Consumes a sign-in link (once, before it expires) and opens a session, in one atomic batch. */
export async function useLoginLink(t: TenantDb, token: string, now = Date.now()): Promise<{ user: User; sessionToken: string }> {
  const tokenHash = await sha256Hex(token);
  const invalid = () => new ApiError(400, "invalid_token", "This sign-in link is invalid or has expired. Ask for a new one.");
  const row = await t.db.query.passwordResets.findFirst({
    where: and(eq(passwordResets.tenantId, t.tenantId), eq(passwordResets.tokenHash, tokenHash), eq(passwordResets.purpose, "login"), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
  });
  if (!row) throw invalid();
  const user = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, row.userId)) });
  if (!user || user.status !== "active") throw invalid();
  const session = await newSession(t, user.id, now);
  const [claimed] = await atomic(t, [
    t.db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.tenantId, t.tenantId), eq(passwordResets.tokenHash, tokenHash), eq(passwordResets.purpose, "login"), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
      .returning({ userId: passwordResets.userId }),
    // Acts only if the statement above consumed the token in this very batch.
    sql`insert into sessions (id, tenant_id, user_id, created_at, expires_at)
      select ${session.id}, ${t.tenantId}, ${user.id}, ${now}, ${session.expiresAt}
      where exists (select 1 from password_resets where token_hash = ${tokenHash} and used_at = ${now})`,
  ]);
  if (claimed?.results.length !== 1) throw invalid();
  return { user, sessionToken: session.token };
}
