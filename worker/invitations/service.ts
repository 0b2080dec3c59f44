import { and, desc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Lang } from "../../web/i18n";
import { atomic, chunkRows, directoryDb, tenantDb, type TenantDb } from "../db/client";
import { newId, newToken, sha256Hex } from "../db/ids";
import { groups, invitations, memberships, outbox, sessions, users, type Group, type Invitation, type Tenant, type User } from "../db/schema";
import type { Bindings } from "../env";
import { ApiError, forbidden, notFound } from "../http/errors";
import { email as emailSchema, language, password } from "../http/validate";
import { enqueueMail } from "../mail/outbox";
import { invitationMail, mailLang } from "../mail/templates";
import { newSession } from "../auth/sessions";
import { hashPassword } from "../auth/passwords";
import { forgetViewer } from "../groups/queries";
import { platformUrl } from "../tenancy/hosts";
import { msg } from "../../web/i18n";

export const INVITATION_TTL_MS = 30 * 24 * 3600_000;
export const REMINDER_AFTER_MS = 3 * 24 * 3600_000;
const MAX_EMAILS_PER_REQUEST = 1000;

export const inviteSchema = z.object({
  emails: z.union([z.string().max(200_000), z.array(z.string().max(320)).max(MAX_EMAILS_PER_REQUEST)]),
  groups: z.array(z.string().trim().toLowerCase().max(60)).max(50).optional().default([]),
  tenantRole: z.enum(["admin", "member"]).optional().default("member"),
  groupRole: z.enum(["moderator", "member"]).optional().default("member"),
  message: z.string().trim().max(2000, "at most 2000 characters").optional(),
  language: language.optional(),
});

export const acceptSchema = z.object({
  token: z.string().min(1).max(200),
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(100, "at most 100 characters"),
  password,
});

/** Emails pasted from anywhere: commas, semicolons, new lines, tabs or spaces between them. */
export function splitEmails(input: string | string[]): string[] {
  const parts = Array.isArray(input) ? input : input.split(/[,;\s]+/);
  return parts.map((p) => p.trim().replace(/^<|>$/g, "")).filter((p) => p !== "");
}

export type Inviter = { user: User; actsAsTenantAdmin: boolean };
export type InviteOptions = z.output<typeof inviteSchema>;
export type InviteResult = { invited: string[]; addedToGroups: string[]; skipped: { email: string; reason: string }[] };

/** Resolves group slugs of this tenant (live groups only); unknown ones answer 422 naming them. */
async function resolveGroups(t: TenantDb, slugs: string[]): Promise<Group[]> {
  if (slugs.length === 0) return [];
  const unique = [...new Set(slugs)];
  const found = await t.db.select().from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.slug, unique), isNull(groups.deletedAt)));
  const missing = unique.filter((s) => !found.some((g) => g.slug === s));
  if (missing.length) throw new ApiError(422, "validation_failed", "Some groups do not exist.", { groups: msg("admin.invitations.error_groups") });
  return found;
}

/**
 * Tenant owners and admins invite anyone to anything; a group's admins and owner
 * invite plain members into the groups they run, and nowhere else.
 */
async function assertMayInvite(t: TenantDb, inviter: Inviter, targetGroups: Group[], tenantRole: "admin" | "member"): Promise<void> {
  if (inviter.actsAsTenantAdmin) return;
  if (tenantRole === "admin") throw forbidden("forbidden", "Only community admins can invite admins.");
  if (targetGroups.length === 0) throw forbidden("forbidden", "Only community admins can invite people to the community without a group.");
  const rows = await t.db
    .select({ groupId: memberships.groupId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.userId, inviter.user.id), inArray(memberships.groupId, targetGroups.map((g) => g.id))));
  const runs = new Set(rows.filter((r) => r.role === "owner" || r.role === "admin").map((r) => r.groupId));
  const not = targetGroups.filter((g) => !runs.has(g.id));
  if (not.length) throw forbidden("forbidden", `You can invite only to groups you administer (not ${not.map((g) => g.slug).join(", ")}).`);
}

function acceptUrl(env: Bindings, tenant: Tenant, token: string): string {
  return platformUrl(env, tenant.subdomain, `/invite/${encodeURIComponent(token)}`);
}

export async function invite(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, opts: InviteOptions, now = Date.now()): Promise<InviteResult> {
  const targetGroups = await resolveGroups(t, opts.groups);
  await assertMayInvite(t, inviter, targetGroups, opts.tenantRole);
  const result: InviteResult = { invited: [], addedToGroups: [], skipped: [] };

  const candidates: string[] = [];
  const seen = new Set<string>();
  for (const raw of splitEmails(opts.emails)) {
    const parsed = emailSchema.safeParse(raw);
    if (!parsed.success) {
      result.skipped.push({ email: raw, reason: "invalid_email" });
      continue;
    }
    if (seen.has(parsed.data)) {
      result.skipped.push({ email: parsed.data, reason: "duplicate" });
      continue;
    }
    seen.add(parsed.data);
    candidates.push(parsed.data);
  }
  if (candidates.length > MAX_EMAILS_PER_REQUEST) throw new ApiError(413, "payload_too_large", `At most ${MAX_EMAILS_PER_REQUEST} addresses at once; use the file import for more.`);
  if (candidates.length === 0) return result;

  const existingUsers: User[] = [];
  const pending = new Set<string>();
  for (const chunk of chunkRows(candidates, 1, 90)) {
    existingUsers.push(...(await t.db.select().from(users).where(and(eq(users.tenantId, t.tenantId), inArray(users.email, chunk)))));
    const invited = await t.db
      .select({ email: invitations.email })
      .from(invitations)
      .where(and(eq(invitations.tenantId, t.tenantId), inArray(invitations.email, chunk), eq(invitations.status, "pending")));
    for (const i of invited) pending.add(i.email);
  }
  const byEmail = new Map(existingUsers.map((u) => [u.email, u]));

  type Stmt = Parameters<typeof t.db.batch>[0][number];
  const statements: Stmt[] = [];
  for (const address of candidates) {
    const user = byEmail.get(address);
    if (user) {
      if (targetGroups.length === 0) {
        result.skipped.push({ email: address, reason: "already_member" });
        continue;
      }
      for (const g of targetGroups) {
        statements.push(
          t.db.insert(memberships).values({ tenantId: t.tenantId, groupId: g.id, userId: user.id, role: opts.groupRole, createdAt: now }).onConflictDoNothing(),
        );
      }
      result.addedToGroups.push(address);
      continue;
    }
    if (pending.has(address)) {
      result.skipped.push({ email: address, reason: "already_invited" });
      continue;
    }
    const token = newToken();
    const invitation: Invitation = {
      id: newId(),
      tenantId: t.tenantId,
      email: address,
      tokenHash: await sha256Hex(token),
      status: "pending",
      tenantRole: opts.tenantRole,
      groupRole: opts.groupRole,
      groupIds: targetGroups.map((g) => g.id),
      firstName: null,
      lastName: null,
      message: opts.message ?? null,
      language: opts.language ?? null,
      invitedBy: inviter.user.id,
      invitedAt: now,
      expiresAt: now + INVITATION_TTL_MS,
      remindedAt: null,
      acceptedAt: null,
      revokedAt: null,
      reminderTokenHash: null,
      importId: null,
    };
    // The invitation and its email are one atomic write.
    statements.push(t.db.insert(invitations).values(invitation));
    statements.push(enqueueMail(t, invitationEmail(env, tenant, invitation, inviter.user.name, token, targetGroups, false), now));
    result.invited.push(address);
  }
  // Bounded batches keep a big list from holding the database for long.
  for (let i = 0; i < statements.length; i += 200) {
    const slice = statements.slice(i, i + 200);
    if (slice.length) await t.db.batch(slice as [Stmt, ...Stmt[]]);
  }
  for (const address of result.addedToGroups) forgetViewer(t.tenantId, byEmail.get(address)!.id);
  return result;
}

function invitationEmail(env: Bindings, tenant: Tenant, inv: Invitation, inviterName: string | null, token: string, gs: Pick<Group, "name">[], reminder: boolean) {
  const lang: Lang = mailLang(inv.language, tenant.defaultLanguage);
  return invitationMail(lang, {
    to: inv.email,
    community: tenant.name,
    inviter: inviterName,
    message: inv.message,
    groups: gs.map((g) => g.name),
    url: acceptUrl(env, tenant, token),
    expiresAt: inv.expiresAt,
    timezone: tenant.timezone,
    reminder,
  });
}

export type InvitationStatus = "pending" | "accepted" | "expired" | "revoked";

/** Pending invitations past their date read as expired even before the cron marks them. */
export function effectiveStatus(inv: Pick<Invitation, "status" | "expiresAt">, now = Date.now()): InvitationStatus {
  // A staged row (an import not yet committed) does not exist for anyone; callers never see one.
  if (inv.status === "staged") return "revoked";
  return inv.status === "pending" && inv.expiresAt <= now ? "expired" : inv.status;
}

/** Community admins see every invitation; a group admin sees the ones they sent (`invitedBy`). */
export async function listInvitations(t: TenantDb, opts: { status?: InvitationStatus; q?: string; limit: number; cursor: string | null }, invitedBy?: string, now = Date.now()) {
  let after: { at: number; id: string } | null = null;
  if (opts.cursor) {
    try {
      after = JSON.parse(atob(opts.cursor)) as { at: number; id: string };
    } catch {
      throw new ApiError(400, "invalid_cursor", "The cursor is not valid.");
    }
  }
  const statusFilter =
    opts.status === "pending"
      ? and(eq(invitations.status, "pending"), sql`${invitations.expiresAt} > ${now}`)
      : opts.status === "expired"
        ? or(eq(invitations.status, "expired"), and(eq(invitations.status, "pending"), lte(invitations.expiresAt, now)))
        : opts.status
          ? eq(invitations.status, opts.status)
          : undefined;
  const rows = await t.db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tenantId, t.tenantId),
        sql`${invitations.status} <> 'staged'`,
        invitedBy ? eq(invitations.invitedBy, invitedBy) : undefined,
        statusFilter,
        opts.q ? sql`${invitations.email} like ${"%" + opts.q.toLowerCase().replace(/[%_\\]/g, (m) => "\\" + m) + "%"} escape '\\'` : undefined,
        after ? or(lt(invitations.invitedAt, after.at), and(eq(invitations.invitedAt, after.at), lt(invitations.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(invitations.invitedAt), desc(invitations.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  const groupIds = [...new Set(page.flatMap((r) => r.groupIds))];
  const names = groupIds.length
    ? await t.db.select({ id: groups.id, slug: groups.slug }).from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, groupIds.slice(0, 90))))
    : [];
  const slugOf = new Map(names.map((g) => [g.id, g.slug]));
  return {
    items: page.map((r) => ({
      id: r.id,
      email: r.email,
      status: effectiveStatus(r, now),
      tenantRole: r.tenantRole,
      groupRole: r.groupRole,
      invitedAt: new Date(r.invitedAt).toISOString(),
      expiresAt: new Date(r.expiresAt).toISOString(),
      remindedAt: r.remindedAt ? new Date(r.remindedAt).toISOString() : null,
      acceptedAt: r.acceptedAt ? new Date(r.acceptedAt).toISOString() : null,
      groups: r.groupIds.map((id) => slugOf.get(id)).filter((s): s is string => !!s),
    })),
    nextCursor: rows.length > opts.limit && last ? btoa(JSON.stringify({ at: last.invitedAt, id: last.id })) : null,
  };
}

export async function byToken(t: TenantDb, token: string): Promise<Invitation | undefined> {
  const hash = await sha256Hex(token);
  const inv = await t.db.query.invitations.findFirst({ where: and(eq(invitations.tenantId, t.tenantId), or(eq(invitations.tokenHash, hash), eq(invitations.reminderTokenHash, hash))) });
  return inv?.status === "staged" ? undefined : inv;
}

const gone = () => notFound("This invitation link is not valid any more.");

/** What the invitation page shows: 404 for an unknown, used, revoked or replaced token. */
export async function lookupInvitation(t: TenantDb, tenant: Tenant, token: string, now = Date.now()) {
  const inv = await byToken(t, token);
  if (!inv || inv.status === "accepted" || inv.status === "revoked") throw gone();
  const gs = inv.groupIds.length ? await t.db.select({ slug: groups.slug, name: groups.name }).from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, inv.groupIds), isNull(groups.deletedAt))) : [];
  return {
    invitation: inv,
    view: { email: inv.email, tenant: { name: tenant.name, subdomain: tenant.subdomain }, groups: gs, expired: effectiveStatus(inv, now) === "expired", language: inv.language },
  };
}

function membershipStatements(t: TenantDb, inv: Invitation, userId: string, now: number) {
  return inv.groupIds.map((groupId) =>
    t.db
      .insert(memberships)
      .values({ tenantId: t.tenantId, groupId, userId, role: inv.groupRole, createdAt: now })
      .onConflictDoNothing(),
  );
}

/**
 * Creates the account (verified, with the invitation's tenant role and groups) and a
 * session, consuming the token with a conditional update in the same atomic batch.
 */
export async function acceptInvitation(t: TenantDb, input: z.output<typeof acceptSchema>, now = Date.now()): Promise<{ user: User; sessionToken: string }> {
  const inv = await byToken(t, input.token);
  if (!inv || inv.status === "accepted" || inv.status === "revoked") throw gone();
  if (effectiveStatus(inv, now) === "expired") throw new ApiError(410, "invitation_expired", "This invitation has expired. Ask for a new one.");
  if (input.password.trim().toLowerCase() === inv.email) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { password: msg("field.password_is_email") });
  const existing = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.email, inv.email)) });
  if (existing) throw new ApiError(409, "account_exists", "An account already exists for this email: log in, then open the link again to join its groups.");
  const user: User = {
    id: newId(),
    tenantId: t.tenantId,
    email: inv.email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
    language: inv.language,
    tenantRole: inv.tenantRole,
    status: "active",
    bio: null,
    emailVerifiedAt: now,
    extraInfo: null,
    importId: null,
    createdAt: now,
  };
  const session = await newSession(t, user.id, now);
  const consumed = sql`exists (select 1 from ${invitations} where ${invitations.id} = ${inv.id} and ${invitations.acceptedAt} = ${now} and ${invitations.status} = 'accepted')`;
  const [claimed] = await atomic(t, [
    t.db
      .update(invitations)
      .set({ status: "accepted", acceptedAt: now })
      .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id), eq(invitations.status, "pending")))
      .returning({ id: invitations.id }),
    // Everything below happens only if this very batch consumed the token.
    sql`insert into ${users} (id, tenant_id, email, name, password_hash, language, tenant_role, status, email_verified_at, created_at)
      select ${user.id}, ${t.tenantId}, ${user.email}, ${user.name}, ${user.passwordHash}, ${user.language}, ${user.tenantRole}, 'active', ${now}, ${now}
      where ${consumed}`,
    sql`insert into ${sessions} (id, tenant_id, user_id, created_at, expires_at)
      select ${session.id}, ${t.tenantId}, ${user.id}, ${now}, ${session.expiresAt} where ${consumed}`,
    ...inv.groupIds.map(
      (groupId) => sql`insert into ${memberships} (tenant_id, group_id, user_id, role, created_at)
        select ${t.tenantId}, ${groupId}, ${user.id}, ${inv.groupRole}, ${now} where ${consumed} on conflict do nothing`,
    ),
  ]);
  if (claimed?.results.length !== 1) throw gone();
  forgetViewer(t.tenantId, user.id);
  return { user, sessionToken: session.token };
}

/** A signed-in user who opens an invitation for their own email simply gets its groups. */
export async function acceptAsExistingUser(t: TenantDb, token: string, user: User, now = Date.now()): Promise<Invitation> {
  const inv = await byToken(t, token);
  if (!inv || inv.status === "accepted" || inv.status === "revoked") throw gone();
  if (inv.email !== user.email) throw forbidden("wrong_account", "This invitation was sent to another email address.");
  if (effectiveStatus(inv, now) === "expired") throw new ApiError(410, "invitation_expired", "This invitation has expired. Ask for a new one.");
  const [claimed] = await t.db.batch([
    t.db
      .update(invitations)
      .set({ status: "accepted", acceptedAt: now })
      .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id), eq(invitations.status, "pending")))
      .returning({ id: invitations.id }),
    ...membershipStatements(t, inv, user.id, now),
  ]);
  if (claimed.length !== 1) throw gone();
  forgetViewer(t.tenantId, user.id);
  return inv;
}

async function manageable(t: TenantDb, inviter: Inviter, id: string): Promise<Invitation> {
  const inv = await t.db.query.invitations.findFirst({ where: and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, id)) });
  if (!inv || inv.status === "staged") throw notFound("No such invitation.");
  if (!inviter.actsAsTenantAdmin && inv.invitedBy !== inviter.user.id) throw forbidden("forbidden", "Only community admins and the person who invited can manage this invitation.");
  return inv;
}

/** New token (the old link dies), expiry reset to 30 days, the email sent again. */
export async function resendInvitation(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, id: string, now = Date.now()): Promise<Invitation> {
  const inv = await manageable(t, inviter, id);
  if (inv.status === "accepted" || inv.status === "revoked") throw new ApiError(409, "invitation_closed", `This invitation was ${inv.status}.`);
  const token = newToken();
  const next: Invitation = { ...inv, tokenHash: await sha256Hex(token), reminderTokenHash: null, status: "pending", invitedAt: now, expiresAt: now + INVITATION_TTL_MS, remindedAt: null };
  const gs = inv.groupIds.length ? await t.db.select().from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, inv.groupIds))) : [];
  const inviterUser = inv.invitedBy ? await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, inv.invitedBy)) }) : undefined;
  await t.db.batch([
    t.db
      .update(invitations)
      .set({ tokenHash: next.tokenHash, reminderTokenHash: null, status: "pending", invitedAt: now, expiresAt: next.expiresAt, remindedAt: null })
      .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id))),
    enqueueMail(t, invitationEmail(env, tenant, next, inviterUser?.name ?? null, token, gs, false), now),
  ]);
  return next;
}

export async function revokeInvitation(t: TenantDb, inviter: Inviter, id: string, now = Date.now()): Promise<void> {
  const inv = await manageable(t, inviter, id);
  if (inv.status === "accepted") throw new ApiError(409, "invitation_closed", "This invitation was already accepted.");
  await t.db
    .update(invitations)
    .set({ status: "revoked", revokedAt: now })
    .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id), or(eq(invitations.status, "pending"), eq(invitations.status, "expired"))));
}

/**
 * Cron: one reminder 3 days after sending, never twice (a conditional update claims
 * it, and the email is written in the same batch only if the claim took), and expiry
 * after 30 days. Running twice, or late, changes nothing the second time.
 */
export async function runInvitationLifecycle(env: Bindings, now = Date.now()): Promise<{ reminded: number; expired: number }> {
  const db = directoryDb(env);
  const expired = await db
    .update(invitations)
    .set({ status: "expired" })
    .where(and(eq(invitations.status, "pending"), lte(invitations.expiresAt, now)))
    .returning({ id: invitations.id });
  const due = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.status, "pending"), isNull(invitations.remindedAt), lte(invitations.invitedAt, now - REMINDER_AFTER_MS), sql`${invitations.expiresAt} > ${now}`))
    .limit(500);
  let reminded = 0;
  const tenantCache = new Map<string, Tenant | undefined>();
  for (const inv of due) {
    if (!tenantCache.has(inv.tenantId)) tenantCache.set(inv.tenantId, await db.query.tenants.findFirst({ where: (x, { eq: is }) => is(x.id, inv.tenantId) }));
    const tenant = tenantCache.get(inv.tenantId);
    if (!tenant) continue;
    const t = tenantDb(env, tenant);
    // The reminder carries a link of its own; the first email's link keeps working.
    const token = newToken();
    const tokenHash = await sha256Hex(token);
    const gs = inv.groupIds.length ? await t.db.select().from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, inv.groupIds))) : [];
    const mail = invitationEmail(env, tenant, inv, null, token, gs, true);
    const [claimed] = await atomic(t, [
      t.db
        .update(invitations)
        .set({ remindedAt: now, reminderTokenHash: tokenHash })
        .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id), eq(invitations.status, "pending"), isNull(invitations.remindedAt)))
        .returning({ id: invitations.id }),
      // Written only if the claim above took, in this same atomic batch.
      sql`insert into ${outbox} (id, tenant_id, "to", subject, text, html, status, attempts, next_attempt_at, created_at)
        select ${newId()}, ${t.tenantId}, ${mail.to}, ${mail.subject}, ${mail.text}, ${mail.html}, 'pending', 0, ${now}, ${now}
        where exists (select 1 from ${invitations} where id = ${inv.id} and reminded_at = ${now} and reminder_token_hash = ${tokenHash})`,
    ]);
    if (claimed?.results.length === 1) reminded++;
  }
  return { reminded, expired: expired.length };
}
