import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { TenantDb } from "../db/client";
import { newId, newToken, sha256Hex } from "../db/ids";
import { groups, invitations, memberships, passwordResets, sessions, users, type Tenant, type User } from "../db/schema";
import { ApiError, conflict, forbidden } from "../http/errors";
import { release, reserve, tooManyRequests, type Limit } from "../http/limits";
import { email, language, parseWith, password } from "../http/validate";
import { enqueueMail } from "../mail/outbox";
import { approvalNeededMail, brandOf, mailLang, passwordResetMail, welcomeMail } from "../mail/templates";
import { hashPassword, verifyPassword } from "./passwords";
import { forgetSessions, newSession } from "./sessions";
import { withProfileInputs } from "../profiles/fields";
import { signupValues } from "../profiles/service";
import { fold } from "../http/search";
import { billingDetails } from "../memberships/billing-details";
import { msg } from "../../web/i18n";
import { webhookEvent } from "../webhooks/emit";
import { memberItem } from "../members/service";

/** Failed logins for one account from one client, and distinct clients failing on one account. */
export const LOGIN_ACCOUNT_LIMIT = { max: 5, windowMs: 15 * 60_000 };
/** Failed logins from one client, whatever the account. */
export const LOGIN_CLIENT_LIMIT = { max: 30, windowMs: 15 * 60_000 };
/** Password-reset emails to one address. */
export const RESET_REQUEST_LIMIT = { max: 3, windowMs: 60 * 60_000 };
export const RESET_TTL_MS = 60 * 60_000;

const passwordNotEmail = <T extends { email: string; password: string }>(v: T) => v.password.trim().toLowerCase() !== v.email;

export const signupSchema = z.preprocess(
  withProfileInputs,
  z
    .object({
      email,
      password,
      name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(100, "at most 100 characters"),
      language: language.optional(),
      /** Profile fields asked at sign-up, `{key: value}`; forms post them as `profile.{key}`. */
      fields: z.record(z.string().max(100), z.unknown(), { error: "fields must be an object {key: value}" }).optional(),
      fieldsFrom: z.literal("form").optional(),
      /** A plan chosen at sign-up (member portal), with the billing details for its invoices. */
      planId: z.string().min(1, "field.required").max(64).optional(),
      billing: billingDetails.optional(),
    })
    .refine(passwordNotEmail, { message: "field.password_is_email", path: ["password"] }),
);

/** A sign-up form's values as the sign-up's input (422 when they do not fit): an empty language is none. */
export function signupInput(form: Record<string, unknown>): z.output<typeof signupSchema> {
  return parseWith(signupSchema, { ...form, language: form.language || undefined });
}

export const loginSchema = z.object({
  email: z.string({ error: "email is required" }).trim().toLowerCase().max(254),
  password: z.string({ error: "password is required" }).max(512),
});

export const resetRequestSchema = z.object({ email: z.string({ error: "email is required" }).trim().toLowerCase().max(254) });
export const resetConfirmSchema = z.object({ token: z.string().min(1).max(200), password });

type Urls = { base: string };

export async function findUserByEmail(t: TenantDb, address: string): Promise<User | undefined> {
  return t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.email, address)) });
}

/** A new account's row: what the caller gives, the rest as every new account starts. */
export function newUserRow(
  t: TenantDb,
  fields: Pick<User, "email" | "name" | "passwordHash" | "language" | "tenantRole" | "status"> & Partial<Pick<User, "emailVerifiedAt" | "extraInfo">>,
  now: number,
): User {
  return { id: newId(), tenantId: t.tenantId, searchText: fold(fields.name), bio: null, emailVerifiedAt: null, extraInfo: null, importId: null, createdAt: now, ...fields };
}

export async function hasPendingInvitation(t: TenantDb, address: string, now = Date.now()): Promise<boolean> {
  const row = await t.db.query.invitations.findFirst({
    columns: { id: true },
    where: and(eq(invitations.tenantId, t.tenantId), eq(invitations.email, address), eq(invitations.status, "pending"), gt(invitations.expiresAt, now)),
  });
  return row !== undefined;
}

export type SignupResult = { user: User; status: "active" | "pending_approval"; sessionToken: string | null };

export async function signUp(t: TenantDb, tenant: Tenant, input: z.output<typeof signupSchema>, urls: Urls, now = Date.now()): Promise<SignupResult> {
  // The invitation link is the only way in for an invited address, whatever the policy.
  if (await hasPendingInvitation(t, input.email, now)) {
    throw conflict("invite_required", "An invitation was sent to this address: use the link in that email to join.");
  }
  if (tenant.signupPolicy === "invite_only") throw forbidden("signup_closed", "This community accepts new members by invitation only.");
  if (await findUserByEmail(t, input.email)) throw conflict("email_taken", "An account already exists for this email. Log in or reset your password.");
  const profileRows = await signupValues(t, input.fields ?? {}, input.fieldsFrom ?? "json");

  const status = tenant.signupPolicy === "approval" ? "pending_approval" : "active";
  const lang = mailLang(input.language, tenant.defaultLanguage);
  const user = newUserRow(t, { email: input.email, name: input.name, passwordHash: await hashPassword(input.password), language: input.language ?? null, tenantRole: "member", status }, now);
  const insertUser = t.db.insert(users).values(user);
  let sessionToken: string | null = null;
  try {
    if (status === "active") {
      const session = await newSession(t, user.id, now);
      sessionToken = session.token;
      await t.db.batch([
        insertUser,
        ...profileRows(user.id, now),
        session.insert,
        enqueueMail(t, welcomeMail(lang, { to: user.email, name: user.name, community: tenant.name, url: urls.base + "/", brand: brandOf(tenant, urls.base) }), now),
        // The account is active from this batch on (the insert fails on a taken email, and the event with it).
        webhookEvent(t, "member.created", memberItem(user, []), now),
      ]);
    } else {
      const admins = await t.db.query.users.findMany({
        where: and(eq(users.tenantId, t.tenantId), inArray(users.tenantRole, ["owner", "admin"]), eq(users.status, "active")),
        limit: 20,
      });
      await t.db.batch([
        insertUser,
        ...profileRows(user.id, now),
        ...admins.map((a) =>
          enqueueMail(t, approvalNeededMail(mailLang(a.language, tenant.defaultLanguage), { to: a.email, name: user.name, email: user.email, community: tenant.name, url: urls.base + "/admin/members", brand: brandOf(tenant, urls.base) }), now),
        ),
      ]);
    }
  } catch (err) {
    if (String(err).includes("UNIQUE constraint failed: users.tenant_id, users.email")) {
      throw conflict("email_taken", "An account already exists for this email. Log in or reset your password.");
    }
    throw err;
  }
  return { user, status, sessionToken };
}

/**
 * The limits of one login attempt, all keyed by the address typed (an unknown email is
 * throttled exactly like a real one):
 * - `pair`: failures for this account from this client (5 stop this client only);
 * - `clients`: distinct clients that failed on this account (a client counts on its first
 *   attempt; once 5 have, every client is stopped, the owner included, who can still get
 *   in by an emailed sign-in link);
 * - `client`: failures from this client over every account.
 */
function loginLimits(t: TenantDb, address: string, clientIp: string) {
  const account = `${t.tenantId}:${address}`;
  return {
    pair: { key: `login:pair:${account}:${clientIp}`, ...LOGIN_ACCOUNT_LIMIT } satisfies Limit,
    clients: { key: `login:clients:${account}`, ...LOGIN_ACCOUNT_LIMIT } satisfies Limit,
    client: { key: `login:client:${t.tenantId}:${clientIp}`, ...LOGIN_CLIENT_LIMIT } satisfies Limit,
  };
}

export const tooManyAttempts = (retryAfter: number) =>
  tooManyRequests(retryAfter, "Too many failed attempts. Try again later, or get a sign-in link by email.", "too_many_attempts", { loginLink: true });

/**
 * Reserves one login attempt before any password is looked at, so that of many
 * concurrent attempts only as many are evaluated as the limits allow. Returns the
 * units to give back should the attempt succeed; throws the 429 otherwise.
 */
export async function reserveLoginAttempt(t: TenantDb, address: string, clientIp: string, now = Date.now()): Promise<Limit[]> {
  const { pair, clients, client } = loginLimits(t, address, clientIp);
  const first = await reserve(t.d1, [pair, client], { now });
  if (!first.ok) throw tooManyAttempts(first.retryAfter);
  // This client's first attempt on the account in the window makes it one more distinct client;
  // a later one takes nothing there but is still stopped once the account's clients are exhausted.
  const newClient = first.counts[0] === 1;
  const second = await reserve(t.d1, [newClient ? clients : { ...clients, consume: false }], { now });
  if (!second.ok) {
    await release(t.d1, [pair, client], { now });
    throw tooManyAttempts(second.retryAfter);
  }
  return newClient ? [pair, client, clients] : [pair, client];
}

const invalidCredentials = () => new ApiError(401, "invalid_credentials", "Email or password is incorrect.");

/**
 * The account's state, told only to someone who gave the right password: an account
 * waiting for approval (401 `account_pending`) or suspended (401 `account_suspended`).
 */
export function assertMaySignIn(user: Pick<User, "status">): void {
  if (user.status === "pending_approval") throw new ApiError(401, "account_pending", "An administrator has not approved your account yet.");
  if (user.status === "suspended" || user.status === "disabled") throw new ApiError(401, "account_suspended", "This account is suspended.");
}

/**
 * Same answer, same work, whether or not the email has an account. The attempt is
 * reserved first (a failure keeps it, a success gives it back), then the password is
 * checked, then the account's state decides whether a session opens.
 */
export async function logIn(t: TenantDb, input: z.output<typeof loginSchema>, clientIp: string, now = Date.now()): Promise<{ user: User; sessionToken: string }> {
  const reserved = await reserveLoginAttempt(t, input.email, clientIp, now);

  const user = await findUserByEmail(t, input.email);
  const check = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!user || !check.ok || user.status === "staged") throw invalidCredentials();
  await release(t.d1, reserved, { now });

  assertMaySignIn(user);
  return openSession(t, user, check.needsRehash ? input.password : null, now);
}

async function openSession(t: TenantDb, user: User, rehash: string | null, now: number): Promise<{ user: User; sessionToken: string }> {
  const session = await newSession(t, user.id, now);
  if (rehash !== null) {
    await t.db.batch([session.insert, t.db.update(users).set({ passwordHash: await hashPassword(rehash) }).where(and(eq(users.id, user.id), eq(users.tenantId, t.tenantId)))]);
  } else {
    await t.db.batch([session.insert]);
  }
  return { user, sessionToken: session.token };
}

/** Always succeeds from the caller's point of view: nothing tells whether the email has an account. */
export async function requestPasswordReset(t: TenantDb, tenant: Tenant, address: string, urls: Urls, now = Date.now()): Promise<void> {
  const parsed = email.safeParse(address);
  if (!parsed.success) return;
  // Reserved before anything else, for any address: at most 3 emails an hour, however many arrive at once.
  if (!(await reserve(t.d1, [{ key: `reset:${t.tenantId}:${parsed.data}`, ...RESET_REQUEST_LIMIT }], { now })).ok) return;
  const user = await findUserByEmail(t, parsed.data);
  if (!user || user.status === "disabled" || user.status === "suspended") return;
  const token = newToken();
  const lang = mailLang(user.language, tenant.defaultLanguage);
  await t.db.batch([
    t.db.insert(passwordResets).values({ tokenHash: await sha256Hex(token), tenantId: t.tenantId, userId: user.id, createdAt: now, expiresAt: now + RESET_TTL_MS }),
    enqueueMail(t, passwordResetMail(lang, { to: user.email, community: tenant.name, url: `${urls.base}/reset?token=${encodeURIComponent(token)}`, brand: brandOf(tenant, urls.base) }), now),
  ]);
}

/**
 * Consumes the token (a conditional update that must change exactly one row), sets
 * the password and revokes every session of the account, all in one atomic batch.
 */
export async function confirmPasswordReset(t: TenantDb, input: z.output<typeof resetConfirmSchema>, now = Date.now()): Promise<User> {
  const tokenHash = await sha256Hex(input.token);
  const reset = await t.db.query.passwordResets.findFirst({
    where: and(eq(passwordResets.tenantId, t.tenantId), eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now), inArray(passwordResets.purpose, ["reset", "setup"])),
  });
  const invalid = () => new ApiError(400, "invalid_token", "This reset link is invalid or has expired. Ask for a new one.");
  if (!reset) throw invalid();
  const user = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, reset.userId)) });
  if (!user) throw invalid();
  if (input.password.trim().toLowerCase() === user.email) {
    throw new ApiError(422, "validation_failed", "Some fields are invalid.", { password: msg("field.password_is_email") });
  }
  const consumedNow = sql`exists (select 1 from ${passwordResets} where ${passwordResets.tokenHash} = ${tokenHash} and ${passwordResets.usedAt} = ${now})`;
  const [consumed] = await t.db.batch([
    t.db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.tenantId, t.tenantId), eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt)))
      .returning({ userId: passwordResets.userId }),
    // The statements below act only if the first one consumed the token in this very batch.
    t.db
      .update(users)
      .set({ passwordHash: await hashPassword(input.password), emailVerifiedAt: user.emailVerifiedAt ?? now })
      .where(and(eq(users.tenantId, t.tenantId), eq(users.id, user.id), consumedNow)),
    t.db.delete(sessions).where(and(eq(sessions.tenantId, t.tenantId), eq(sessions.userId, user.id), consumedNow)),
    // Other outstanding reset links for this account die with the password they were meant to replace.
    t.db.update(passwordResets).set({ usedAt: now }).where(and(eq(passwordResets.tenantId, t.tenantId), eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt))),
  ]);
  if (consumed.length !== 1) throw invalid();
  forgetSessions({ userId: user.id });
  return user;
}

export async function userGroups(t: TenantDb, userId: string) {
  return t.db
    .select({ slug: groups.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(groups, and(eq(groups.id, memberships.groupId), eq(groups.tenantId, t.tenantId)))
    .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.userId, userId), isNull(groups.deletedAt)));
}

export function publicUser(user: User) {
  return { id: user.id, email: user.email, name: user.name, language: user.language, tenantRole: user.tenantRole, status: user.status };
}
