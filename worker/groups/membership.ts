import { and, asc, eq, gt, or, sql } from "drizzle-orm";
import { webhookEventAfterChange } from "../webhooks/emit";
import { groupMemberData } from "../webhooks/emit-many";
import { avatarKeyOf, avatarUrlOf } from "../profiles/avatar-column";
import { z } from "zod";
import { logIn, loginSchema, signUp, signupInput } from "../auth/service";
import type { TenantDb } from "../db/client";
import { groupBans, memberProfiles, memberships, users, type GroupRole, type Tenant, type User } from "../db/schema";
import type { Bindings } from "../env";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { ApiError, conflict, notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { assertCan, groupView, loadGroup, type GroupContext, type GroupView } from "./service";
import { can } from "./policy";
import { forgetViewer } from "./queries";
import { assertPlanAllowsJoin, startPlanForGroup } from "../memberships/paid-groups";
import { memberPlanOf, type MemberPlan } from "../memberships/member-plan-column";
import type { Day } from "../memberships/periods";
import { clockOf } from "../memberships/service";
import { billingSettingsOf } from "../invoices/settings";
import { groupRoom, type JoinAnswer, type JoinRequest } from "../room/room";
import { completeProfileForJoin, profileAnswers } from "../profiles/service";
import { msg } from "../../web/i18n";

export const joinSchema = z.object({
  answers: z.record(z.string(), z.string().max(2000, "at most 2000 characters")).optional().default({}),
  /** Required profile fields the group asks for, `{key: value}` (forms send them as answers `profile.{key}`). */
  fields: z.record(z.string().max(100), z.unknown()).optional().default({}),
});

export const roleSchema = z.object({ role: z.enum(["admin", "moderator", "member"], { error: "field.option" }) });

export type JoinResult = { status: "member" } | { status: "pending"; requestId: string };
/** Choosing a plan to join a paid group: joined (or asked to), or the membership waits for the community's approval first. */
export type PlanJoinResult = JoinResult | { status: "plan_pending" };

const ownerImmutable = () => conflict("owner_immutable", "The group's owner cannot be changed or removed.");

/** Checks the answers against the group's questions: 422 naming each required one left empty. */
export function validateAnswers(ctx: GroupContext, raw: Record<string, string>): JoinAnswer[] {
  const fields: Record<string, string> = {};
  const answers: JoinAnswer[] = [];
  for (const q of ctx.group.questions) {
    const answer = (raw[q.id] ?? "").trim();
    if (q.required && !answer) fields[`answers.${q.id}`] = msg("field.answer_required");
    if (answer) answers.push({ questionId: q.id, label: q.label, answer });
  }
  if (Object.keys(fields).length) throw new ApiError(422, "validation_failed", "Some questions need an answer.", fields);
  return answers;
}

/** Joining twice is harmless: it answers the current state. */
export async function joinGroup(env: Bindings, t: TenantDb, ctx: GroupContext, user: User, rawAnswers: Record<string, string>, now = Date.now(), profile: Record<string, unknown> = {}): Promise<JoinResult> {
  if (assertMayAsk(ctx)) return { status: "member" };
  // Paid groups (a plan opens them): community owners, admins and moderators need no plan.
  await assertPlanAllowsJoin(t, ctx.group.id, user.id, now, user.tenantRole !== "member");
  const room = groupRoom(env, t.tenantId, ctx.group.id);
  if (ctx.group.joinPolicy === "approval") {
    const pending = await room.pendingFor(user.id);
    if (pending) return { status: "pending", requestId: pending.id };
    const answers = validateAnswers(ctx, rawAnswers);
    await completeProfileForJoin(t, ctx.group.id, user, { json: profile, form: profileAnswers(rawAnswers) }, now);
    const [picture] = await t.db.select({ key: memberProfiles.avatarKey }).from(memberProfiles).where(and(eq(memberProfiles.tenantId, t.tenantId), eq(memberProfiles.userId, user.id)));
    const { request } = await room.submitJoinRequest(t.tenantId, ctx.group.id, { id: user.id, name: user.name, email: user.email, avatarUrl: avatarUrlOf(picture?.key) }, answers);
    return { status: "pending", requestId: request.id };
  }
  validateAnswers(ctx, rawAnswers);
  await completeProfileForJoin(t, ctx.group.id, user, { json: profile, form: profileAnswers(rawAnswers) }, now);
  await t.db.batch([
    t.db.insert(memberships).values({ tenantId: t.tenantId, groupId: ctx.group.id, userId: user.id, role: "member", createdAt: now }).onConflictDoNothing(),
    // Not for a second join (the insert did nothing).
    webhookEventAfterChange(t, "group.member_joined", groupMemberData(ctx.group, user), now),
  ]);
  forgetViewer(t.tenantId, user.id);
  return { status: "member" };
}

/** A join's first checks, in the contract's order (404, `banned`, `invite_only`); true when already a member. */
function assertMayAsk(ctx: GroupContext): boolean {
  if (ctx.group.deletedAt !== null) throw notFound("No such group.");
  if (ctx.actor.groupRole !== null) return true;
  if (ctx.actor.banned) throw new ApiError(403, "banned", "You cannot join this group.");
  if (ctx.group.joinPolicy === "invite") throw new ApiError(403, "invite_only", "This group accepts members by invitation only.");
  return false;
}

/**
 * A paid group's one flow: choose one of the plans that open it and join. The membership
 * starts today as `POST /api/v1/me/membership` starts it (409 `membership_exists` when the
 * member has another one); a plan that needs approval leaves it pending and the member out
 * of the group (`plan_pending`) until an admin confirms it. Community staff, and a member
 * whose membership already opens the group, just join. The answers are checked first, so a
 * missing answer starts no membership.
 */
export async function joinWithPlan(env: Bindings, t: TenantDb, tenant: Tenant, ctx: GroupContext, user: User, planId: string, rawAnswers: Record<string, string>, now = Date.now()): Promise<PlanJoinResult> {
  if (assertMayAsk(ctx)) return { status: "member" };
  if (user.tenantRole === "member") {
    validateAnswers(ctx, rawAnswers);
    const billing = await billingSettingsOf(t, tenant.name);
    const started = await startPlanForGroup(t, billing, clockOf(tenant, now), ctx.group.id, user.id, planId);
    if (started?.status === "pending_approval") return { status: "plan_pending" };
  }
  return joinGroup(env, t, ctx, user, rawAnswers, now);
}

export async function leaveGroup(env: Bindings, t: TenantDb, ctx: GroupContext, user: User): Promise<void> {
  if (ctx.actor.groupRole === "owner") throw ownerImmutable();
  await t.db.delete(memberships).where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, ctx.group.id), eq(memberships.userId, user.id)));
  forgetViewer(t.tenantId, user.id);
  await groupRoom(env, t.tenantId, ctx.group.id).disconnect(user.id);
}

/** `plan`: the plan of their membership that opens the group and gives access today (paid groups), else null. */
export type MemberRow = { userId: string; name: string; email: string; role: GroupRole; joinedAt: number; avatarKey?: string | null; plan?: MemberPlan | null };
const membersCursor = cursorKind("group_members", z.strictObject({ rank: z.number().int().min(0).max(3), name: cursorParts.text, id: cursorParts.id }));
const requestsCursor = cursorKind("join_requests", z.strictObject({ createdAt: cursorParts.int, id: cursorParts.id }));

const ROLE_ORDER = sql`case ${memberships.role} when 'owner' then 0 when 'admin' then 1 when 'moderator' then 2 else 3 end`;

/** Members by rank then name, each with the plan they are in through (on `today`, the community's day); cursor-paged. */
export async function listMembers(t: TenantDb, ctx: GroupContext, opts: { limit: number; cursor: string | null; today: Day }) {
  assertCan(ctx, "viewMembers");
  const after = decodeOptionalCursor(membersCursor, opts.cursor);
  const rows = await t.db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
      rank: sql<number>`${ROLE_ORDER}`.mapWith(Number),
      avatarKey: avatarKeyOf(users.id),
      plan: memberPlanOf(memberships.tenantId, memberships.groupId, memberships.userId, opts.today),
    })
    .from(memberships)
    .innerJoin(users, and(eq(users.id, memberships.userId), eq(users.tenantId, t.tenantId)))
    .where(
      and(
        eq(memberships.tenantId, t.tenantId),
        eq(memberships.groupId, ctx.group.id),
        after
          ? or(
              gt(ROLE_ORDER, after.rank),
              and(eq(ROLE_ORDER, after.rank), or(gt(users.name, after.name), and(eq(users.name, after.name), gt(users.id, after.id)))),
            )
          : undefined,
      ),
    )
    .orderBy(asc(ROLE_ORDER), asc(users.name), asc(users.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    rows: page as (MemberRow & { rank: number })[],
    nextCursor: rows.length > opts.limit && last ? encodeCursor(membersCursor, { rank: last.rank, name: last.name, id: last.userId }) : null,
  };
}

async function membershipOf(t: TenantDb, groupId: string, userId: string) {
  const [row] = await t.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, groupId), eq(memberships.userId, userId)))
    .limit(1);
  return row ?? null;
}

export async function changeRole(t: TenantDb, ctx: GroupContext, userId: string, role: "admin" | "moderator" | "member"): Promise<MemberRow> {
  assertCan(ctx, "changeRole");
  const target = await membershipOf(t, ctx.group.id, userId);
  if (!target) throw notFound("This person is not a member of the group.");
  if (target.role === "owner") throw ownerImmutable();
  await t.db.update(memberships).set({ role }).where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, ctx.group.id), eq(memberships.userId, userId)));
  forgetViewer(t.tenantId, userId);
  const [row] = await t.db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, ctx.group.id), eq(memberships.userId, userId)));
  return row!;
}

export async function removeMember(env: Bindings, t: TenantDb, ctx: GroupContext, userId: string): Promise<void> {
  assertCan(ctx, "removeMember");
  const target = await membershipOf(t, ctx.group.id, userId);
  if (!target) throw notFound("This person is not a member of the group.");
  if (target.role === "owner") throw ownerImmutable();
  await t.db.delete(memberships).where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, ctx.group.id), eq(memberships.userId, userId)));
  forgetViewer(t.tenantId, userId);
  // Their open group pages stop receiving the group's chat at once.
  await groupRoom(env, t.tenantId, ctx.group.id).disconnect(userId);
}

/** Removes the user (if a member), withdraws any pending request, and bars them until unbanned. */
export async function banMember(env: Bindings, t: TenantDb, ctx: GroupContext, userId: string, by: User, now = Date.now()): Promise<void> {
  assertCan(ctx, "ban");
  const target = await membershipOf(t, ctx.group.id, userId);
  if (target?.role === "owner") throw ownerImmutable();
  const user = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, userId)) });
  if (!user) throw notFound("No such member.");
  await t.db.batch([
    t.db.insert(groupBans).values({ tenantId: t.tenantId, groupId: ctx.group.id, userId, bannedBy: by.id, createdAt: now }).onConflictDoNothing(),
    t.db.delete(memberships).where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, ctx.group.id), eq(memberships.userId, userId))),
  ]);
  const room = groupRoom(env, t.tenantId, ctx.group.id);
  await room.withdraw(userId);
  forgetViewer(t.tenantId, userId);
  await room.disconnect(userId);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A group's members and bans as its admin page lists them: every member (up to 200) whatever the viewer's view, with their plan on `today`; the bans for who may ban. */
export async function membersForAdmin(t: TenantDb, ctx: GroupContext, today: Day) {
  const { rows } = await listMembers(t, { ...ctx, actor: { ...ctx.actor, viewingAsMember: false } }, { limit: 200, cursor: null, today });
  const bans = can(ctx.actor, "ban") ? await listBans(t, ctx) : [];
  return {
    members: rows.map((m) => ({ userId: m.userId, name: m.name, email: m.email, role: m.role, joinedAt: iso(m.joinedAt), avatarUrl: avatarUrlOf(m.avatarKey), plan: m.plan ?? null })),
    bans: bans.map((b) => ({ ...b, bannedAt: iso(b.bannedAt) })),
  };
}

export async function unbanMember(t: TenantDb, ctx: GroupContext, userId: string): Promise<void> {
  assertCan(ctx, "ban");
  const deleted = await t.db
    .delete(groupBans)
    .where(and(eq(groupBans.tenantId, t.tenantId), eq(groupBans.groupId, ctx.group.id), eq(groupBans.userId, userId)))
    .returning({ userId: groupBans.userId });
  if (deleted.length === 0) throw notFound("This person is not banned.");
  forgetViewer(t.tenantId, userId);
}

export async function listBans(t: TenantDb, ctx: GroupContext) {
  assertCan(ctx, "ban");
  return t.db
    .select({ userId: users.id, name: users.name, email: users.email, bannedAt: groupBans.createdAt })
    .from(groupBans)
    .innerJoin(users, and(eq(users.id, groupBans.userId), eq(users.tenantId, t.tenantId)))
    .where(and(eq(groupBans.tenantId, t.tenantId), eq(groupBans.groupId, ctx.group.id)))
    .orderBy(asc(users.name))
    .limit(1000);
}

// ── the approval queue, kept by the group's room ──────────────────────────

/** Pending requests, oldest first, cursor-paged (the queue can hold thousands). */
export async function pendingRequests(env: Bindings, t: TenantDb, ctx: GroupContext, limit = 200, cursor: string | null = null): Promise<{ items: JoinRequest[]; nextCursor: string | null }> {
  assertCan(ctx, "viewRequests");
  const after = decodeOptionalCursor(requestsCursor, cursor) ?? undefined;
  const rows = await groupRoom(env, t.tenantId, ctx.group.id).pendingRequests(limit + 1, after);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(requestsCursor, { createdAt: last.createdAt, id: last.id }) : null };
}

export async function pendingCount(env: Bindings, t: TenantDb, ctx: GroupContext): Promise<number> {
  if (!can(ctx.actor, "viewRequests") || ctx.group.joinPolicy !== "approval") return 0;
  return groupRoom(env, t.tenantId, ctx.group.id).pendingCount();
}

export async function decideRequest(env: Bindings, t: TenantDb, ctx: GroupContext, requestId: string, decision: "approve" | "reject", by: User): Promise<JoinRequest> {
  assertCan(ctx, "decideRequests");
  const result = await groupRoom(env, t.tenantId, ctx.group.id).decide(t.tenantId, ctx.group.id, requestId, decision, by.id);
  if (!result) throw notFound("No such request.");
  const wanted = decision === "approve" ? "approved" : "rejected";
  if (!result.applied && result.request.status !== wanted) {
    throw conflict("already_decided", `This request was already ${result.request.status}.`);
  }
  forgetViewer(t.tenantId, result.request.userId);
  return result.request;
}

export async function approveAllRequests(env: Bindings, t: TenantDb, ctx: GroupContext, by: User): Promise<number> {
  assertCan(ctx, "decideRequests");
  const { approved } = await groupRoom(env, t.tenantId, ctx.group.id).approveAll(t.tenantId, ctx.group.id, by.id);
  return approved;
}

/** The viewer's standing, including a request waiting in the room (asked only when it matters). */
export async function membershipState(env: Bindings, t: TenantDb, ctx: GroupContext, viewer: User | null): Promise<"member" | "pending" | "none" | "banned"> {
  if (ctx.actor.groupRole) return "member";
  if (ctx.actor.banned) return "banned";
  if (!viewer || ctx.group.joinPolicy !== "approval") return "none";
  return (await groupRoom(env, t.tenantId, ctx.group.id).pendingFor(viewer.id)) ? "pending" : "none";
}

// ── joining from the join page, with an account made or opened on the way ──

/** A group as one reader sees it on its join page: its context and its view with their membership. */
export type JoinView = { ctx: GroupContext; view: GroupView };

/** The group `slug` as `viewer` sees it on its join page (member, pending, banned or none). */
export async function joinView(env: Bindings, tenant: Tenant, t: TenantDb, slug: string, viewer: User | null, viewingAsMember: boolean): Promise<JoinView> {
  const ctx = await loadGroup(t, slug, viewer, viewingAsMember);
  return { ctx, view: groupView(env, tenant, ctx, await membershipState(env, t, ctx, viewer)) };
}

/** The answers of a join form: fields named `answer.{questionId}` (and `answer.profile.{key}` for profile fields). */
export function answersFrom(form: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) if (k.startsWith("answer.")) out[k.slice(7)] = v;
  return out;
}

export interface JoinWithAccountInput {
  /** The group as the poster saw it (`joinView`). */
  group: JoinView;
  /** The poster when signed in; a visitor logs in (`mode=login`) or signs up in the same post. */
  user: User | null;
  /** The join form's text values: `mode`, `email`, `password`, `name`, `language`, sign-up fields, `answer.{questionId}`. */
  form: Record<string, string>;
  /** Whether the reader asked to view as a member (the `view_as` cookie): it applies once they are signed in. */
  asksMemberView: boolean;
  /** Who is logging in, for the login limits. */
  clientIp: string;
  /** This host's origin, for the links in mail. */
  base: string;
}

export interface JoinEvents {
  /**
   * A visitor has a session now (logged in, or signed up to a community that needs no
   * approval): keep it (a cookie), whether joining then works or not. `group` is the group
   * as they now see it, what a page shows them from here on.
   */
  signedIn?(session: { user: User; sessionToken: string; group: JoinView }): void;
  /** Mail was queued (a sign-up's welcome, or the admins' approval request): send it soon. */
  mailQueued?(): void;
}

export type JoinOutcome =
  /** A member now (or already). */
  | { status: "member"; group: JoinView }
  /** Asked to join: the group's admins decide. */
  | { status: "pending"; group: JoinView }
  /** Chose a plan (of a paid group) that needs approval: the membership waits, nothing joined yet. */
  | { status: "plan_pending"; group: JoinView }
  /** Signed up, but the community approves new accounts first: nothing joined yet. */
  | { status: "account_pending"; group: JoinView };

/**
 * The join page's one form: a visitor logs in or signs up, answers the group's questions
 * and joins (or asks to), in a single post; a signed-in member only joins. The answers are
 * checked before any account is made, so a missing answer creates none. A refusal is
 * thrown (`ApiError`); a session opened before it stays open (`on.signedIn`).
 */
export async function joinWithAccount(env: Bindings, t: TenantDb, tenant: Tenant, input: JoinWithAccountInput, on: JoinEvents = {}): Promise<JoinOutcome> {
  let { group, user } = input;
  const answers = answersFrom(input.form);
  if (!user) {
    if (group.view.joinPolicy !== "invite") validateAnswers(group.ctx, answers);
    const login = input.form.mode === "login";
    const session = login
      ? await logIn(t, parseWith(loginSchema, input.form), input.clientIp)
      : await signUp(t, tenant, signupInput(input.form), { base: input.base });
    if (!login) on.mailQueued?.();
    // The community approves new accounts: nothing to join until an admin lets them in.
    const { sessionToken } = session;
    if (!sessionToken) return { status: "account_pending", group };
    user = session.user;
    group = await joinView(env, tenant, t, group.ctx.group.slug, user, input.asksMemberView);
    on.signedIn?.({ user, sessionToken, group });
  }
  // A paid group's plan choice (`planId`) starts the membership on the way.
  const planId = input.form.planId?.trim();
  const result = planId ? await joinWithPlan(env, t, tenant, group.ctx, user, planId, answers) : await joinGroup(env, t, group.ctx, user, answers);
  return { status: result.status, group };
}
