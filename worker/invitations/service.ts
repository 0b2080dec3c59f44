import { and, desc, eq, inArray, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Lang } from "../../web/i18n";
import { atomic, changesGuard, chunkRows, directoryDb, isGuardFailure, tenantDb, type TenantDb } from "../db/client";
import { newId, newToken, sha256Hex } from "../db/ids";
import { groupBans, groups, invitations, memberships, outbox, sessions, users, type Group, type Invitation, type Tenant, type User } from "../db/schema";
import type { Bindings } from "../env";
import { ApiError, forbidden, notFound } from "../http/errors";
import { email as emailSchema, language, password } from "../http/validate";
import { enqueueMail } from "../mail/outbox";
import { groupInvitationMail, invitationMail, mailLang, tenantBrand } from "../mail/templates";
import { limitVar, reserveAll, tooManyRequests, type LimitAmount } from "../http/limits";
import { newSession } from "../auth/sessions";
import { hashPassword } from "../auth/passwords";
import { newUserRow } from "../auth/service";
import { forgetViewer } from "../groups/queries";
import { platformUrl } from "../tenancy/hosts";
import { contains, fold } from "../http/search";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { ReadCache } from "../db/read-cache";
import { msg } from "../../web/i18n";
import { paidGroupsWithoutPlan } from "../memberships/paid-groups";
import { existingAccountOutcome, listScope, mayAnswer, mayInvite, mayManageInvitation, quotaClass, recipientCapApplies } from "./policy";
import { memberItem } from "../members/service";
import { webhookEventAfterChange } from "../webhooks/emit";
import { groupMemberData } from "../webhooks/emit-many";

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

/** What an invitation form chooses besides its addresses, as typed (`""` for "not chosen"). */
export type InviteChoices = { groups: string[]; tenantRole: string; groupRole: string; language: string; message: string };

/** The choices as the schemas read them: "not chosen" is the schema's default, a blank message none. */
export function inviteOptions(form: InviteChoices) {
  return {
    groups: form.groups,
    tenantRole: form.tenantRole || undefined,
    groupRole: form.groupRole || undefined,
    language: form.language || undefined,
    ...(form.message.trim() ? { message: form.message } : {}),
  };
}

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

/** The inviter: who, and whether they act for the whole community (policy.ts `invitesForCommunity`). */
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

/** What a refused invitation answers (403 `forbidden`). */
export const INVITE_REFUSALS = {
  admin_role: "Only community admins can invite admins.",
  no_group: "Only community admins can invite people to the community without a group.",
  not_group_admin: (slugs: string[]) => `You can invite only to groups you administer (not ${slugs.join(", ")}).`,
} as const;

/** Whether the inviter may send this list (policy.ts `mayInvite`); reads which of the groups they run. */
async function assertMayInvite(t: TenantDb, inviter: Inviter, targetGroups: Group[], tenantRole: "admin" | "member"): Promise<void> {
  const runs = await groupsRun(t, inviter, targetGroups.map((g) => g.id));
  const d = mayInvite(inviter, { tenantRole, groups: targetGroups.map((g) => ({ slug: g.slug, run: runs.has(g.id) })) });
  if (d.ok) return;
  throw forbidden("forbidden", d.why === "not_group_admin" ? INVITE_REFUSALS.not_group_admin(d.groups ?? []) : INVITE_REFUSALS[d.why]);
}

/**
 * The groups (among `groupIds`, or all when omitted) whose owner or admin the inviter is,
 * by their membership as stored. Not read for a community inviter, whom the policy never asks.
 */
export async function groupsRun(t: TenantDb, inviter: Inviter, groupIds?: string[]): Promise<Set<string>> {
  if (inviter.actsAsTenantAdmin || (groupIds && groupIds.length === 0)) return new Set();
  const rows = await t.db
    .select({ groupId: memberships.groupId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.userId, inviter.user.id), groupIds ? inArray(memberships.groupId, groupIds) : undefined));
  return new Set(rows.filter((r) => r.role === "owner" || r.role === "admin").map((r) => r.groupId));
}

function acceptUrl(env: Bindings, tenant: Tenant, token: string): string {
  return platformUrl(env, tenant.subdomain, `/invite/${encodeURIComponent(token)}`);
}

// ── limits (all reserved before any work; see worker/http/limits.ts) ───────

const DAY_MS = 24 * 3600_000;
/** The same address is invited (or reminded by a resend) at most this often a day in one community, whoever invites. */
export const RECIPIENT_INVITATIONS_PER_DAY = 5;
/** A resend: at most one an hour, and five in all, per invitation. */
export const RESENDS_PER_HOUR = 1;
export const RESENDS_IN_ALL = 5;

/** Invitations an inviter may send a day: generous for community admins, small for anyone else (vars in wrangler.toml). */
export function inviterQuota(env: Bindings, tenantId: string, inviter: Inviter, amount: number): LimitAmount {
  const max = quotaClass(inviter) === "admin" ? limitVar(env.ADMIN_INVITATIONS_PER_DAY, 50_000) : limitVar(env.INVITATIONS_PER_DAY, 20);
  return { key: `invite:${tenantId}:${inviter.user.id}`, max, windowMs: DAY_MS, amount };
}

export function recipientCap(tenantId: string, address: string): LimitAmount {
  return { key: `invite-to:${tenantId}:${address}`, max: RECIPIENT_INVITATIONS_PER_DAY, windowMs: DAY_MS, amount: 1 };
}

/** Reserves the mails about to go out, or throws 429 `rate_limited` with `Retry-After`. */
export async function reserveInvitations(env: Bindings, limits: LimitAmount[], now = Date.now()): Promise<void> {
  const r = await reserveAll(env.DB, limits.filter((l) => l.amount > 0), now);
  if (!r.ok) throw tooManyRequests(r.retryAfter, "Too many invitations for now: try again later.");
}

// ── who is where: accounts, bans, memberships and pending invitations of a list ──

export type Standing = {
  accounts: Map<string, User>;
  /** email → group ids the account is banned from (among those asked about). */
  bannedFrom: Map<string, Set<string>>;
  /** email → group ids the account is already a member of (among those asked about). */
  memberOf: Map<string, Set<string>>;
  /** email → group ids of each pending, unexpired invitation. */
  pending: Map<string, string[][]>;
};

export async function standingOf(t: TenantDb, addresses: string[], groupIds: string[], now = Date.now()): Promise<Standing> {
  const out: Standing = { accounts: new Map(), bannedFrom: new Map(), memberOf: new Map(), pending: new Map() };
  for (const chunk of chunkRows(addresses, 1, 90)) {
    for (const u of await t.db.select().from(users).where(and(eq(users.tenantId, t.tenantId), inArray(users.email, chunk)))) out.accounts.set(u.email, u);
    const invited = await t.db
      .select({ email: invitations.email, groupIds: invitations.groupIds })
      .from(invitations)
      .where(and(eq(invitations.tenantId, t.tenantId), inArray(invitations.email, chunk), eq(invitations.status, "pending"), sql`${invitations.expiresAt} > ${now}`));
    for (const i of invited) out.pending.set(i.email, [...(out.pending.get(i.email) ?? []), i.groupIds]);
  }
  // Asked whether or not any address has an account: the same queries either way.
  if (groupIds.length) {
    const emailOf = new Map([...out.accounts.values()].map((u) => [u.id, u.email]));
    const ids = emailOf.size ? [...emailOf.keys()] : [""];
    const add = (m: Map<string, Set<string>>, userId: string, groupId: string) => {
      const email = emailOf.get(userId);
      if (email) m.set(email, (m.get(email) ?? new Set()).add(groupId));
    };
    for (const chunk of chunkRows(ids, 1, 80)) {
      const bans = await t.db
        .select({ userId: groupBans.userId, groupId: groupBans.groupId })
        .from(groupBans)
        .where(and(eq(groupBans.tenantId, t.tenantId), inArray(groupBans.userId, chunk), inArray(groupBans.groupId, groupIds.slice(0, 15))));
      for (const b of bans) add(out.bannedFrom, b.userId, b.groupId);
      const ms = await t.db
        .select({ userId: memberships.userId, groupId: memberships.groupId })
        .from(memberships)
        .where(and(eq(memberships.tenantId, t.tenantId), inArray(memberships.userId, chunk), inArray(memberships.groupId, groupIds.slice(0, 15))));
      for (const m of ms) add(out.memberOf, m.userId, m.groupId);
    }
    // More than 15 groups at once: the rest, a few at a time (rare; the bound keeps every statement under 100 parameters).
    for (let i = 15; i < groupIds.length; i += 15) {
      const gs = groupIds.slice(i, i + 15);
      for (const chunk of chunkRows(ids, 1, 80)) {
        for (const b of await t.db.select({ userId: groupBans.userId, groupId: groupBans.groupId }).from(groupBans).where(and(eq(groupBans.tenantId, t.tenantId), inArray(groupBans.userId, chunk), inArray(groupBans.groupId, gs))))
          add(out.bannedFrom, b.userId, b.groupId);
        for (const m of await t.db.select({ userId: memberships.userId, groupId: memberships.groupId }).from(memberships).where(and(eq(memberships.tenantId, t.tenantId), inArray(memberships.userId, chunk), inArray(memberships.groupId, gs))))
          add(out.memberOf, m.userId, m.groupId);
      }
    }
  }
  return out;
}

export type Decision = { action: "invite" } | { action: "add_to_groups" } | { action: "skip"; reason: "banned" | "already_member" | "already_invited" };

/**
 * What happens to one address. Community admins add existing accounts to the groups at
 * once. Anyone else (a group admin) never learns whether an address has an account:
 * an existing account gets a group invitation to accept or decline, answered exactly as
 * a new address is. The only reasons a group admin can read were already theirs to
 * see: a ban or a membership in the groups they run, an invitation pending for them.
 */
export function decide(inviter: Inviter, st: Standing, address: string, groupIds: string[]): Decision {
  const account = st.accounts.get(address);
  if (account && groupIds.some((g) => st.bannedFrom.get(address)?.has(g))) return { action: "skip", reason: "banned" };
  if (existingAccountOutcome(inviter) === "add_to_groups") {
    if (account) return groupIds.length ? { action: "add_to_groups" } : { action: "skip", reason: "already_member" };
    if (st.pending.has(address)) return { action: "skip", reason: "already_invited" };
    return { action: "invite" };
  }
  if (account && groupIds.every((g) => st.memberOf.get(address)?.has(g))) return { action: "skip", reason: "already_member" };
  if ((st.pending.get(address) ?? []).some((gs) => gs.some((g) => groupIds.includes(g)))) return { action: "skip", reason: "already_invited" };
  return { action: "invite" };
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

  const groupIds = targetGroups.map((g) => g.id);
  const st = await standingOf(t, candidates, groupIds, now);
  const toInvite: string[] = [];
  for (const address of candidates) {
    const d = decide(inviter, st, address, groupIds);
    if (d.action === "skip") result.skipped.push({ email: address, reason: d.reason });
    else if (d.action === "add_to_groups") result.addedToGroups.push(address);
    else toInvite.push(address);
  }
  // Reserve first (the inviter's daily quota and each recipient's cap, all or nothing), then work.
  if (toInvite.length) {
    const caps = recipientCapApplies(inviter, "list") ? toInvite.map((a) => recipientCap(t.tenantId, a)) : [];
    await reserveInvitations(env, [inviterQuota(env, t.tenantId, inviter, toInvite.length), ...caps], now);
  }

  const statements: Parameters<typeof atomic>[1] = [];
  for (const address of result.addedToGroups) {
    const user = st.accounts.get(address)!;
    for (const g of targetGroups) {
      // Never into a group that banned the person meanwhile.
      statements.push(
        sql`insert into ${memberships} (tenant_id, group_id, user_id, role, created_at)
          select ${t.tenantId}, ${g.id}, ${user.id}, ${opts.groupRole}, ${now}
          where not exists (select 1 from ${groupBans} where group_id = ${g.id} and user_id = ${user.id})
          on conflict do nothing`,
        // Only when the insert made a member (pairs: the slices of 200 below never split one).
        webhookEventAfterChange(t, "group.member_joined", groupMemberData(g, user), now),
      );
    }
  }
  for (const address of toInvite) {
    // The same work whether or not the address has an account: a token, its hash, a row and one email.
    const { invitation, token } = await newInvitation(
      t,
      inviter,
      { email: address, status: "pending", tenantRole: opts.tenantRole, groupRole: opts.groupRole, groupIds, firstName: null, lastName: null, message: opts.message ?? null, language: opts.language ?? null, importId: null },
      now,
    );
    // The invitation and its email are one atomic write.
    statements.push(t.db.insert(invitations).values(invitation));
    statements.push(enqueueMail(t, invitationEmail(env, tenant, invitation, inviter.user.name, token, targetGroups, false, st.accounts.get(address)), now));
    result.invited.push(address);
  }
  // Bounded batches keep a big list from holding the database for long.
  for (let i = 0; i < statements.length; i += 200) {
    const slice = statements.slice(i, i + 200);
    if (slice.length) await atomic(t, slice);
  }
  for (const address of result.addedToGroups) forgetViewer(t.tenantId, st.accounts.get(address)!.id);
  for (const address of result.invited) forgetInvitationsOf(t.tenantId, address);
  return result;
}

/** What an inviter chooses of a new invitation (the rest is the inviter's, the time's, or empty). */
type InvitationFields = Pick<Invitation, "email" | "status" | "tenantRole" | "groupRole" | "groupIds" | "firstName" | "lastName" | "message" | "language" | "importId">;

/** A new invitation from `inviter`, valid `INVITATION_TTL_MS`, and the token its link carries (only its hash is kept). */
export async function newInvitation(t: TenantDb, inviter: Inviter, fields: InvitationFields, now: number): Promise<{ invitation: Invitation; token: string }> {
  const token = newToken();
  const invitation: Invitation = {
    id: newId(),
    tenantId: t.tenantId,
    tokenHash: await sha256Hex(token),
    reminderTokenHash: null,
    ...fields,
    invitedBy: inviter.user.id,
    invitedAt: now,
    expiresAt: now + INVITATION_TTL_MS,
    remindedAt: null,
    acceptedAt: null,
    revokedAt: null,
  };
  return { invitation, token };
}

/**
 * The email of an invitation. An address with an account (only ever invited by a group
 * admin) is asked to sign in and accept or decline; a new address gets the link that
 * creates its account.
 */
export function invitationEmail(env: Bindings, tenant: Tenant, inv: Invitation, inviterName: string | null, token: string, gs: Pick<Group, "name">[], reminder: boolean, account?: Pick<User, "language" | "name">) {
  // An account's own language first: the inviter's choice is a guess made for new addresses.
  const lang: Lang = mailLang(account?.language, inv.language, tenant.defaultLanguage);
  if (account) {
    return groupInvitationMail(lang, {
      to: inv.email,
      name: account.name,
      community: tenant.name,
      inviter: inviterName,
      message: inv.message,
      groups: gs.map((g) => g.name),
      url: platformUrl(env, tenant.subdomain, "/me/invitations"),
      expiresAt: inv.expiresAt,
      timezone: tenant.timezone,
      brand: tenantBrand(env, tenant),
    });
  }
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
    brand: tenantBrand(env, tenant),
  });
}

export type InvitationStatus = "pending" | "accepted" | "expired" | "revoked" | "declined";

/** Pending invitations past their date read as expired even before the cron marks them. */
export function effectiveStatus(inv: Pick<Invitation, "status" | "expiresAt">, now = Date.now()): InvitationStatus {
  // A staged row (an import not yet committed) does not exist for anyone; callers never see one.
  if (inv.status === "staged") return "revoked";
  return inv.status === "pending" && inv.expiresAt <= now ? "expired" : inv.status;
}

const invitationsCursor = cursorKind("invitations", z.strictObject({ at: cursorParts.int, id: cursorParts.id }));

/** The community's invitations that meet every condition (undefined ones are left out). */
function tenantInvitations(t: TenantDb, ...conditions: (SQL | undefined)[]) {
  return t.db.select().from(invitations).where(and(eq(invitations.tenantId, t.tenantId), ...conditions));
}

/** The `invitedBy` filter of an inviter's list (policy.ts `listScope`): none for every invitation, else their own id. */
export function listedFor(inviter: Inviter): string | undefined {
  return listScope(inviter) === "all" ? undefined : inviter.user.id;
}

/** An invitation as the list shows it (and `invitation.accepted` carries it); `slugOf`: group id → slug. */
export function invitationItem(r: Invitation, slugOf: Map<string, string>, now: number) {
  return {
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
  };
}

/** The groups of `ids` that are live, as `{id, slug}`. */
async function liveGroups(t: TenantDb, ids: string[]): Promise<{ id: string; slug: string }[]> {
  return ids.length ? t.db.select({ id: groups.id, slug: groups.slug }).from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, ids), isNull(groups.deletedAt))) : [];
}

/** Community admins see every invitation; a group admin sees the ones they sent (`invitedBy`). */
export async function listInvitations(t: TenantDb, opts: { status?: InvitationStatus; q?: string; limit: number; cursor: string | null }, invitedBy?: string, now = Date.now()) {
  const after = decodeOptionalCursor(invitationsCursor, opts.cursor);
  const q = opts.q ? fold(opts.q) : "";
  const statusFilter =
    opts.status === "pending"
      ? and(eq(invitations.status, "pending"), sql`${invitations.expiresAt} > ${now}`)
      : opts.status === "expired"
        ? or(eq(invitations.status, "expired"), and(eq(invitations.status, "pending"), lte(invitations.expiresAt, now)))
        : opts.status
          ? eq(invitations.status, opts.status)
          : undefined;
  const rows = await tenantInvitations(
    t,
    sql`${invitations.status} <> 'staged'`,
    invitedBy ? eq(invitations.invitedBy, invitedBy) : undefined,
    statusFilter,
    q ? contains(invitations.email, q) : undefined,
    after ? or(lt(invitations.invitedAt, after.at), and(eq(invitations.invitedAt, after.at), lt(invitations.id, after.id))) : undefined,
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
    items: page.map((r) => invitationItem(r, slugOf, now)),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(invitationsCursor, { at: last.invitedAt, id: last.id }) : null,
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
  if (!inv || (inv.status !== "pending" && inv.status !== "expired")) throw gone();
  const gs = inv.groupIds.length ? await t.db.select({ slug: groups.slug, name: groups.name }).from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, inv.groupIds), isNull(groups.deletedAt))) : [];
  return {
    invitation: inv,
    view: { email: inv.email, tenant: { name: tenant.name, subdomain: tenant.subdomain }, groups: gs, expired: effectiveStatus(inv, now) === "expired", language: inv.language },
  };
}

/**
 * Claiming a pending invitation: the conditional update (first in its batch), and the
 * condition "this very batch claimed it" that every write going with it is made on.
 */
function claimOf(t: TenantDb, inv: Invitation, now: number) {
  return {
    claim: t.db
      .update(invitations)
      .set({ status: "accepted", acceptedAt: now })
      .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id), eq(invitations.status, "pending")))
      .returning({ id: invitations.id }),
    claimed: sql`exists (select 1 from ${invitations} where ${invitations.id} = ${inv.id} and ${invitations.acceptedAt} = ${now} and ${invitations.status} = 'accepted')`,
    // Right after the claim: fails on purpose (so the whole batch rolls back) unless this very
    // batch claimed it. `claimed` alone cannot tell two accepts in the same millisecond apart:
    // the second would then create the account again (a UNIQUE failure, a 500, not a 404).
    guard: changesGuard(t.d1, 1, "the invitation was taken by another request"),
  };
}

/** An accept batch whose guard failed: another request took the invitation first (404, as for a used link). */
async function claiming<T>(batch: Promise<T>): Promise<T> {
  try {
    return await batch;
  } catch (err) {
    if (isGuardFailure(err)) throw gone();
    throw err;
  }
}

/**
 * The invitation's groups its accepter may not enter for want of a plan (paid groups): none
 * when a tenant owner or admin invited, or when the accepter is community staff (they need
 * no plan); otherwise the paid groups on none of whose plans they have access.
 */
async function groupsNeedingPlan(t: TenantDb, inv: Invitation, groupIds: string[], accepter: { id: string | null; tenantRole: string }, now: number): Promise<Set<string>> {
  if (groupIds.length === 0 || accepter.tenantRole !== "member") return new Set();
  if (inv.invitedBy) {
    const [inviter] = await t.db.select({ tenantRole: users.tenantRole }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.id, inv.invitedBy))).limit(1);
    if (inviter?.tenantRole === "owner" || inviter?.tenantRole === "admin") return new Set();
  }
  return paidGroupsWithoutPlan(t, groupIds, accepter.id, now);
}

/**
 * Creates the account (verified, with the invitation's tenant role and groups) and a
 * session, consuming the token with a conditional update in the same atomic batch. A group
 * admin's invitation does not open paid groups (the new account holds no plan yet).
 */
export async function acceptInvitation(t: TenantDb, input: z.output<typeof acceptSchema>, now = Date.now()): Promise<{ user: User; sessionToken: string }> {
  const inv = await byToken(t, input.token);
  if (!inv || (inv.status !== "pending" && inv.status !== "expired")) throw gone();
  if (effectiveStatus(inv, now) === "expired") throw new ApiError(410, "invitation_expired", "This invitation has expired. Ask for a new one.");
  if (input.password.trim().toLowerCase() === inv.email) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { password: msg("field.password_is_email") });
  const existing = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.email, inv.email)) });
  if (existing) throw new ApiError(409, "account_exists", "An account already exists for this email: log in, then open the link again to join its groups.");
  const user = newUserRow(t, { email: inv.email, name: input.name, passwordHash: await hashPassword(input.password), language: inv.language, tenantRole: inv.tenantRole, status: "active", emailVerifiedAt: now }, now);
  const needPlan = await groupsNeedingPlan(t, inv, inv.groupIds, { id: null, tenantRole: inv.tenantRole }, now);
  const session = await newSession(t, user.id, now);
  const { claim, claimed: consumed, guard } = claimOf(t, inv, now);
  const live = await liveGroups(t, inv.groupIds);
  const slugOf = new Map(live.map((g) => [g.id, g.slug]));
  const joining = inv.groupIds.filter((groupId) => !needPlan.has(groupId));
  const [claimed] = await claiming(atomic(t, [
    claim,
    guard,
    // Each event right after the write it tells of: it goes only if that write changed its row.
    webhookEventAfterChange(t, "invitation.accepted", invitationItem({ ...inv, status: "accepted", acceptedAt: now }, slugOf, now), now),
    // Everything below happens only if this very batch consumed the token.
    sql`insert into ${users} (id, tenant_id, email, name, search_text, password_hash, language, tenant_role, status, email_verified_at, created_at)
      select ${user.id}, ${t.tenantId}, ${user.email}, ${user.name}, ${user.searchText}, ${user.passwordHash}, ${user.language}, ${user.tenantRole}, 'active', ${now}, ${now}
      where ${consumed}`,
    webhookEventAfterChange(t, "member.created", memberItem(user, joining.map((id) => slugOf.get(id)).filter((s): s is string => !!s).sort()), now),
    sql`insert into ${sessions} (id, tenant_id, user_id, created_at, expires_at)
      select ${session.id}, ${t.tenantId}, ${user.id}, ${now}, ${session.expiresAt} where ${consumed}`,
    ...joining.flatMap((groupId) => [
      sql`insert into ${memberships} (tenant_id, group_id, user_id, role, created_at)
        select ${t.tenantId}, ${groupId}, ${user.id}, ${inv.groupRole}, ${now} where ${consumed} on conflict do nothing`,
      ...(slugOf.has(groupId) ? [webhookEventAfterChange(t, "group.member_joined", groupMemberData({ id: groupId, slug: slugOf.get(groupId)! }, user), now)] : []),
    ]),
  ]));
  if (claimed?.results.length !== 1) throw gone();
  forgetViewer(t.tenantId, user.id);
  forgetInvitationsOf(t.tenantId, user.email);
  return { user, sessionToken: session.token };
}

export type JoinedFromInvitation = { invitation: Invitation; joined: string[]; skipped: { group: string; reason: "banned" | "plan_required" }[] };

/**
 * An existing account takes up an invitation sent to its email: the invitation is
 * claimed by a conditional update and the memberships are written in the same batch,
 * except in groups the person is banned from (reported as skipped, `banned`).
 */
async function joinFromInvitation(t: TenantDb, inv: Invitation, user: User, now: number): Promise<JoinedFromInvitation> {
  if (effectiveStatus(inv, now) === "expired") throw new ApiError(410, "invitation_expired", "This invitation has expired. Ask for a new one.");
  const live = inv.groupIds.length
    ? await t.db.select({ id: groups.id, slug: groups.slug }).from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, inv.groupIds), isNull(groups.deletedAt)))
    : [];
  const bans = live.length
    ? await t.db.select({ groupId: groupBans.groupId }).from(groupBans).where(and(eq(groupBans.tenantId, t.tenantId), eq(groupBans.userId, user.id), inArray(groupBans.groupId, live.map((g) => g.id))))
    : [];
  const banned = new Set(bans.map((b) => b.groupId));
  const needPlan = await groupsNeedingPlan(t, inv, live.filter((g) => !banned.has(g.id)).map((g) => g.id), user, now);
  const joining = live.filter((g) => !banned.has(g.id) && !needPlan.has(g.id));
  const { claim, claimed: claimedNow, guard } = claimOf(t, inv, now);
  const [claimed] = await claiming(atomic(t, [
    claim,
    guard,
    webhookEventAfterChange(t, "invitation.accepted", invitationItem({ ...inv, status: "accepted", acceptedAt: now }, new Map(live.map((g) => [g.id, g.slug])), now), now),
    // Written only if this very batch claimed the invitation, and never into a group that bans the person.
    ...joining.flatMap((g) => [
      sql`insert into ${memberships} (tenant_id, group_id, user_id, role, created_at)
        select ${t.tenantId}, ${g.id}, ${user.id}, ${inv.groupRole}, ${now}
        where ${claimedNow} and not exists (select 1 from ${groupBans} where group_id = ${g.id} and user_id = ${user.id})
        on conflict do nothing`,
      // Not when the person was a member already (the insert did nothing).
      webhookEventAfterChange(t, "group.member_joined", groupMemberData(g, user), now),
    ]),
  ]));
  if (claimed?.results.length !== 1) throw gone();
  forgetViewer(t.tenantId, user.id);
  return {
    invitation: { ...inv, status: "accepted", acceptedAt: now },
    joined: joining.map((g) => g.slug),
    skipped: live
      .filter((g) => banned.has(g.id) || needPlan.has(g.id))
      .map((g) => ({ group: g.slug, reason: banned.has(g.id) ? ("banned" as const) : ("plan_required" as const) })),
  };
}

/** A signed-in user who opens an invitation for their own email simply gets its groups (not those that ban them). */
export async function acceptAsExistingUser(t: TenantDb, token: string, user: User, now = Date.now()): Promise<JoinedFromInvitation> {
  const inv = await byToken(t, token);
  if (!inv || (inv.status !== "pending" && inv.status !== "expired")) throw gone();
  if (!mayAnswer("acceptAsMe", user, inv).ok) throw forbidden("wrong_account", "This invitation was sent to another email address.");
  return joinFromInvitation(t, inv, user, now);
}

// ── a member's own pending group invitations (/me/invitations) ─────────────

/** Pending, unexpired invitations to the member's email that carry groups. */
export async function myInvitations(t: TenantDb, user: Pick<User, "email">, now = Date.now()) {
  const rows = await tenantInvitations(t, eq(invitations.email, user.email), eq(invitations.status, "pending"), sql`${invitations.expiresAt} > ${now}`, sql`${invitations.groupIds} <> '[]'`)
    .orderBy(desc(invitations.invitedAt), desc(invitations.id))
    .limit(200);
  const groupIds = [...new Set(rows.flatMap((r) => r.groupIds))].slice(0, 90);
  const inviterIds = [...new Set(rows.map((r) => r.invitedBy).filter((x): x is string => !!x))].slice(0, 90);
  const gs = groupIds.length
    ? await t.db.select({ id: groups.id, slug: groups.slug, name: groups.name }).from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, groupIds), isNull(groups.deletedAt)))
    : [];
  const inviters = inviterIds.length ? await t.db.select({ id: users.id, name: users.name }).from(users).where(and(eq(users.tenantId, t.tenantId), inArray(users.id, inviterIds))) : [];
  const groupOf = new Map(gs.map((g) => [g.id, { slug: g.slug, name: g.name }]));
  const nameOf = new Map(inviters.map((u) => [u.id, u.name]));
  return rows
    .map((r) => ({
      id: r.id,
      status: "pending" as const,
      groups: r.groupIds.map((id) => groupOf.get(id)).filter((g): g is { slug: string; name: string } => !!g),
      invitedBy: r.invitedBy && nameOf.has(r.invitedBy) ? { name: nameOf.get(r.invitedBy)! } : null,
      message: r.message,
      invitedAt: new Date(r.invitedAt).toISOString(),
      expiresAt: new Date(r.expiresAt).toISOString(),
    }))
    .filter((r) => r.groups.length > 0);
}
export type MyInvitation = Awaited<ReturnType<typeof myInvitations>>[number];

/** The home page asks on every view: remembered a few seconds per isolate, forgotten here on every change. */
const myInvitationsCache = new ReadCache<MyInvitation[]>();
export function myInvitationsCached(t: TenantDb, user: Pick<User, "email">): Promise<MyInvitation[]> {
  return myInvitationsCache.getOrLoad(`${t.tenantId}:${user.email}`, () => myInvitations(t, user));
}
export function forgetInvitationsOf(tenantId: string, address: string): void {
  myInvitationsCache.delete(`${tenantId}:${address}`);
}

/** One of the member's own invitations; anyone else's answers 404, as if it did not exist. */
async function mine(t: TenantDb, user: User, id: string, answer: "acceptMine" | "declineMine"): Promise<Invitation> {
  const found = await t.db.query.invitations.findFirst({ where: and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, id), eq(invitations.email, user.email)) });
  const inv = found && mayAnswer(answer, user, found).ok ? found : undefined;
  if (!inv || (inv.status !== "pending" && inv.status !== "expired")) throw notFound("No such invitation.");
  return inv;
}

export async function acceptMyInvitation(t: TenantDb, user: User, id: string, now = Date.now()): Promise<JoinedFromInvitation> {
  return joinFromInvitation(t, await mine(t, user, id, "acceptMine"), user, now);
}

/** Declining ends the invitation: its links stop working and nobody joins anything. */
export async function declineMyInvitation(t: TenantDb, user: User, id: string, now = Date.now()): Promise<Invitation> {
  return declineInvitation(t, await mine(t, user, id, "declineMine"), now);
}

/** The link's owner says no without an account (the same outcome as from one: the invitation is declined). */
export async function declineByToken(t: TenantDb, token: string, now = Date.now()): Promise<Invitation> {
  const inv = await byToken(t, token);
  if (!inv || (inv.status !== "pending" && inv.status !== "expired")) throw gone();
  return declineInvitation(t, inv, now);
}

async function declineInvitation(t: TenantDb, inv: Invitation, now: number): Promise<Invitation> {
  const [row] = await t.db
    .update(invitations)
    .set({ status: "declined", revokedAt: now })
    .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id), eq(invitations.status, "pending")))
    .returning();
  if (!row) throw gone();
  forgetInvitationsOf(t.tenantId, row.email);
  return row;
}

async function manageable(t: TenantDb, inviter: Inviter, id: string): Promise<Invitation> {
  const inv = await t.db.query.invitations.findFirst({ where: and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, id)) });
  if (!inv || inv.status === "staged") throw notFound("No such invitation.");
  if (!mayManageInvitation(inviter, inv)) throw forbidden("forbidden", "Only community admins and the person who invited can manage this invitation.");
  return inv;
}

/**
 * New token (the old link dies), expiry reset to 30 days, the email sent again. At most
 * one resend an hour and five in all per invitation; each counts against the inviter's
 * daily quota and the recipient's cap. Reserved before anything is written.
 */
export async function resendInvitation(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, id: string, now = Date.now()): Promise<Invitation> {
  const inv = await manageable(t, inviter, id);
  if (inv.status !== "pending" && inv.status !== "expired") throw new ApiError(409, "invitation_closed", `This invitation was ${inv.status}.`);
  await reserveInvitations(
    env,
    [
      { key: `resend:${t.tenantId}:${inv.id}`, max: RESENDS_PER_HOUR, windowMs: 3600_000, amount: 1 },
      { key: `resend-all:${t.tenantId}:${inv.id}`, max: RESENDS_IN_ALL, windowMs: INVITATION_TTL_MS * 12, amount: 1 },
      inviterQuota(env, t.tenantId, inviter, 1),
      ...(recipientCapApplies(inviter, "resend") ? [recipientCap(t.tenantId, inv.email)] : []),
    ],
    now,
  );
  const token = newToken();
  const next: Invitation = { ...inv, tokenHash: await sha256Hex(token), reminderTokenHash: null, status: "pending", invitedAt: now, expiresAt: now + INVITATION_TTL_MS, remindedAt: null };
  const gs = inv.groupIds.length ? await t.db.select().from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, inv.groupIds))) : [];
  const inviterUser = inv.invitedBy ? await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, inv.invitedBy)) }) : undefined;
  const account = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.email, inv.email)) });
  await t.db.batch([
    t.db
      .update(invitations)
      .set({ tokenHash: next.tokenHash, reminderTokenHash: null, status: "pending", invitedAt: now, expiresAt: next.expiresAt, remindedAt: null })
      .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id))),
    enqueueMail(t, invitationEmail(env, tenant, next, inviterUser?.name ?? null, token, gs, false, account), now),
  ]);
  forgetInvitationsOf(t.tenantId, inv.email);
  return next;
}

export async function revokeInvitation(t: TenantDb, inviter: Inviter, id: string, now = Date.now()): Promise<void> {
  const inv = await manageable(t, inviter, id);
  if (inv.status === "accepted") throw new ApiError(409, "invitation_closed", "This invitation was already accepted.");
  await t.db
    .update(invitations)
    .set({ status: "revoked", revokedAt: now })
    .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, inv.id), or(eq(invitations.status, "pending"), eq(invitations.status, "expired"))));
  forgetInvitationsOf(t.tenantId, inv.email);
}

/**
 * Cron: one reminder 3 days after sending, never twice (a conditional update claims
 * it, and the email is written in the same batch only if the claim took), and expiry
 * after 30 days. Running twice, or late, changes nothing the second time.
 */
/** Reminders sent per run; a run that fills it says `more`, and the next cron (or the dev clock's loop) goes on. */
const REMINDER_CHUNK = 500;

export async function runInvitationLifecycle(env: Bindings, now = Date.now(), scope: { tenantId?: string } = {}): Promise<{ reminded: number; expired: number; more: boolean }> {
  const db = directoryDb(env);
  const inScope = scope.tenantId ? eq(invitations.tenantId, scope.tenantId) : undefined;
  const expired = await db
    .update(invitations)
    .set({ status: "expired" })
    .where(and(inScope, eq(invitations.status, "pending"), lte(invitations.expiresAt, now)))
    .returning({ id: invitations.id });
  const due = await db
    .select()
    .from(invitations)
    .where(and(inScope, eq(invitations.status, "pending"), isNull(invitations.remindedAt), lte(invitations.invitedAt, now - REMINDER_AFTER_MS), sql`${invitations.expiresAt} > ${now}`))
    .limit(REMINDER_CHUNK);
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
    const account = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.email, inv.email)) });
    const mail = invitationEmail(env, tenant, inv, null, token, gs, true, account);
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
  return { reminded, expired: expired.length, more: due.length === REMINDER_CHUNK };
}
