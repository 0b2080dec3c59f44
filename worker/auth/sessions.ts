import { and, eq, gt, lt, sql } from "drizzle-orm";
import { ReadCache } from "../db/read-cache";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Database, TenantDb } from "../db/client";
import { preparedQuery, tenantDb } from "../db/client";
import { newToken, sha256Hex } from "../db/ids";
import { memberProfiles, sessions, users, type User } from "../db/schema";
import { isDevelopment, type AppEnv, type Bindings } from "../env";
import { unauthorized } from "../http/errors";
import { authenticateBearer, bearerSecret } from "../tokens/bearer";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
// Extend a session only once it is past half its life: one write per ~2 weeks, not per request.
const RENEW_AFTER_MS = SESSION_TTL_MS / 2;

export function sessionCookieName(env: Pick<Bindings, "ENVIRONMENT">): string {
  // __Host- pins the cookie to this exact host over HTTPS, so no sibling subdomain can set or read it.
  return isDevelopment(env) ? "sid" : "__Host-sid";
}

/** A new session row; the caller puts it in its batch and then sets the cookie. */
export async function newSession(t: TenantDb, userId: string, now = Date.now()) {
  const token = newToken();
  const row = { id: await sha256Hex(token), tenantId: t.tenantId, userId, createdAt: now, expiresAt: now + SESSION_TTL_MS };
  return { token, id: row.id, expiresAt: row.expiresAt, insert: t.db.insert(sessions).values(row) };
}

export async function startSession(c: Context<AppEnv>, t: TenantDb, userId: string): Promise<void> {
  const session = await newSession(t, userId);
  await session.insert;
  setSessionCookie(c, session.token);
}

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, sessionCookieName(c.env), token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: !isDevelopment(c.env),
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, sessionCookieName(c.env), { path: "/", secure: !isDevelopment(c.env) });
}

/** The session row (joined to its user) behind a cookie, for this tenant only. */
const sessionStatement = preparedQuery((db) =>
  db
    .select({ user: users, expiresAt: sessions.expiresAt, avatarKey: memberProfiles.avatarKey })
    .from(sessions)
    .innerJoin(users, and(eq(users.id, sessions.userId), eq(users.tenantId, sql.placeholder("tenantId"))))
    // The header's picture comes with the session row: no query of its own.
    .leftJoin(memberProfiles, and(eq(memberProfiles.userId, users.id), eq(memberProfiles.tenantId, sql.placeholder("tenantId"))))
    .where(and(eq(sessions.id, sql.placeholder("sessionId")), eq(sessions.tenantId, sql.placeholder("tenantId")), gt(sessions.expiresAt, sql.placeholder("now"))))
    .limit(1)
    .prepare(),
);

function sessionQuery(t: TenantDb, sessionId: string, now: number) {
  return sessionStatement(t.db).all({ tenantId: t.tenantId, sessionId, now });
}

type SessionHit = { user: User; expiresAt: number; avatarKey: string | null };

/**
 * Cookie token → session id (its SHA-256), remembered for READ_TTL_MS like the session row
 * itself, so a signed-in page view in the steady state hashes nothing. The tokens kept are
 * those arriving on this isolate's requests anyway, and only for seconds.
 */
const sessionIds = new ReadCache<string>();

function sessionIdOf(token: string): Promise<string> {
  return sessionIds.getOrLoad(token, () => sha256Hex(token));
}
const sessionCache = new ReadCache<SessionHit | null>();

/** Forget cached sessions after logout, a password change or a change to the user. */
export function forgetSessions(match: { sessionId?: string; userId?: string }): void {
  if (match.sessionId) sessionCache.delete(match.sessionId);
  if (match.userId) sessionCache.deleteWhere((_k, v) => v?.user.id === match.userId);
}

/**
 * Resolves the signed-in user of this tenant (a cookie minted on another tenant's host
 * never matches). Served from the read cache when fresh: no D1 round trip.
 */
export async function authenticate(c: Context<AppEnv>): Promise<User | null> {
  c.set("user", null);
  c.set("avatarUrl", null);
  c.set("sessionId", null);
  const tenant = c.get("tenant");
  const token = getCookie(c, sessionCookieName(c.env));
  if (!tenant || !token || token.length > 200) return null;
  const t = tenantDb(c.env, tenant);
  const sessionId = await sessionIdOf(token);
  const now = Date.now();
  // A write (or a socket, which writes) reads the session, the account's status and its role
  // from D1: a suspension or a removal refuses it at once. Reads may use the cache (seconds).
  const method = c.req.method;
  const fresh = (method !== "GET" && method !== "HEAD") || c.req.header("upgrade")?.toLowerCase() === "websocket";
  let row: SessionHit | null | undefined = fresh ? undefined : sessionCache.get(sessionId, now);
  if (fresh) {
    row = (await sessionQuery(t, sessionId, now))[0] ?? null;
    if (row) sessionCache.set(sessionId, row, now);
    else sessionCache.delete(sessionId);
    if (!row || row.user.tenantId !== t.tenantId) return null;
  } else if (!row || row.user.tenantId !== t.tenantId || row.expiresAt <= now) {
    row = (await sessionCache.getOrLoad(sessionId, async () => (await sessionQuery(t, sessionId, now))[0] ?? null, now, (v) => v !== null)) as SessionHit | null;
    if (!row || row.user.tenantId !== t.tenantId) return null;
  }
  if (row.user.status !== "active") return null;
  c.set("user", row.user);
  c.set("avatarUrl", row.avatarKey ? `/media/${row.avatarKey}` : null);
  c.set("sessionId", sessionId);
  if (row.expiresAt - now < RENEW_AFTER_MS) {
    const renewed = now + SESSION_TTL_MS;
    sessionCache.set(sessionId, { ...row, expiresAt: renewed }, now);
    c.executionCtx.waitUntil(
      t.db.update(sessions).set({ expiresAt: renewed }).where(and(eq(sessions.id, sessionId), eq(sessions.tenantId, t.tenantId))).then(() => undefined),
    );
    setSessionCookie(c, token);
  }
  return row.user;
}

/**
 * Loads the signed-in user for every route that does not batch its own reads with it: from
 * an API token on the JSON API when the request carries `Authorization: Bearer` (it wins over
 * a cookie), else from the session cookie.
 */
export function sessionLoader(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bearer = bearerSecret(c);
    if (bearer !== undefined) await authenticateBearer(c, bearer);
    else await authenticate(c);
    await next();
  };
}

export function requireUser(c: Context<AppEnv>): User {
  const user = c.get("user");
  if (!user) throw unauthorized();
  return user;
}

export async function revokeSession(t: TenantDb, sessionId: string): Promise<void> {
  forgetSessions({ sessionId });
  await t.db.delete(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.tenantId, t.tenantId)));
}

export function revokeAllSessions(t: TenantDb, userId: string) {
  forgetSessions({ userId });
  return t.db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.tenantId, t.tenantId)));
}

export async function purgeExpiredSessions(db: Database, now = Date.now()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
