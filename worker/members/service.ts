import { and, asc, eq, getTableColumns, inArray, isNull, ne, or, sql } from "drizzle-orm";
import { avatarKeyOf, avatarUrlOf } from "../profiles/avatar-column";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { contains, fold, foldedOr } from "../http/search";
import { z } from "zod";
import { t as tr } from "../../web/i18n";
import { verifyPassword } from "../auth/passwords";
import { forgetSessions } from "../auth/sessions";
import { atomic, type TenantDb } from "../db/client";
import { groups, memberships, planMemberships, sessions, users, type Tenant, type User } from "../db/schema";
import type { Bindings } from "../env";
import { forgetViewer } from "../groups/queries";
import { ApiError, conflict, forbidden, notFound } from "../http/errors";
import { reserveOrThrow } from "../http/limits";
import { enqueueMailAfterChange } from "../mail/outbox";
import { accountApprovedMail, accountDeclinedMail, brandOf, mailLang } from "../mail/templates";
import { groupRoom } from "../room/room";
import { webhookEventAfterChange } from "../webhooks/emit";
import { decide, isSuspended, mayDeleteOwnAccount, publicStatus, type AssignableRole, type MemberAction, type MemberActor } from "./policy";

export const memberStatusSchema = z.enum(["active", "pending_approval", "suspended"]);
export type MemberStatusFilter = z.output<typeof memberStatusSchema>;
export const changeRoleSchema = z.object({ tenantRole: z.enum(["admin", "moderator", "member"], { error: "admin, moderator or member" }) }).strict();
export const deleteMeSchema = z.object({ password: z.string({ error: "password is required" }).min(1, "password is required").max(512) });

/** Password checks of `DELETE /api/v1/me`, per account. */
const DELETE_ME_LIMIT = { max: 10, windowMs: 15 * 60_000 };

export type MemberItem = {
  id: string;
  name: string;
  email: string;
  tenantRole: User["tenantRole"];
  status: User["status"];
  groups: string[];
  createdAt: string;
  /** The member's uploaded picture (`/media/…`), null for initials; only where the list read it. */
  avatarUrl?: string | null;
};

const REFUSALS: Record<string, string> = {
  not_admin: "Only community owners and admins can do this.",
  owner_only: "Only the community's owner makes, changes, suspends or removes an admin.",
  owner_immutable: "The community's owner cannot be changed, suspended or removed.",
  invalid_state: "This account is not in a state that allows this.",
  self: "You cannot do this to your own account.",
};

/** Accounts an admin sees: every one but those staged by an import not yet committed. */
async function findMember(t: TenantDb, userId: string): Promise<User> {
  const user = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, userId), ne(users.status, "staged")) });
  if (!user) throw notFound("No such member in this community.");
  return user;
}

function assertDecision(actor: MemberActor, action: MemberAction, target: User, newRole?: AssignableRole): void {
  const d = decide(actor, action, target, newRole);
  if (d.ok) return;
  const message = REFUSALS[d.why ?? d.code] ?? REFUSALS.invalid_state!;
  throw new ApiError(d.status, d.code, message);
}

/** 403 before anything else for someone who does not administer members (the list included). */
export function assertAdministers(actor: MemberActor): void {
  if (actor.viewingAsMember || (actor.tenantRole !== "owner" && actor.tenantRole !== "admin")) throw forbidden("forbidden", REFUSALS.not_admin);
}

/** Group slugs of each account (live groups only). */
async function groupsOf(t: TenantDb, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await t.db
    .select({ userId: memberships.userId, slug: groups.slug })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(and(eq(memberships.tenantId, t.tenantId), inArray(memberships.userId, ids), isNull(groups.deletedAt)))
    .orderBy(asc(groups.slug));
  for (const r of rows) out.set(r.userId, [...(out.get(r.userId) ?? []), r.slug]);
  return out;
}

export function memberItem(u: User & { avatarKey?: string | null }, groupSlugs: string[]): MemberItem {
  const item: MemberItem = { id: u.id, name: u.name, email: u.email, tenantRole: u.tenantRole, status: publicStatus(u.status), groups: groupSlugs, createdAt: new Date(u.createdAt).toISOString() };
  if (u.avatarKey !== undefined) item.avatarUrl = avatarUrlOf(u.avatarKey);
  return item;
}

const membersCursor = cursorKind("members", z.strictObject({ name: z.string().max(200), id: cursorParts.id }));

/** The community's accounts, by name, with an optional status and a search on name or email. */
export async function listMembers(
  t: TenantDb,
  opts: { status?: MemberStatusFilter | undefined; q: string; limit: number; cursor: string | null },
): Promise<{ items: MemberItem[]; users: User[]; nextCursor: string | null }> {
  const after = decodeOptionalCursor(membersCursor, opts.cursor);
  const q = fold(opts.q);
  const statuses: User["status"][] = opts.status === "suspended" ? ["suspended", "disabled"] : opts.status ? [opts.status] : ["active", "pending_approval", "suspended", "disabled"];
  const rows = await t.db
    .select({ ...getTableColumns(users), avatarKey: avatarKeyOf(users.id) })
    .from(users)
    .where(
      and(
        eq(users.tenantId, t.tenantId),
        inArray(users.status, statuses),
        q ? or(contains(foldedOr(users.searchText, users.name), q), contains(sql`lower(${users.email})`, q)) : undefined,
        after ? sql`(${users.name} > ${after.name} or (${users.name} = ${after.name} and ${users.id} > ${after.id}))` : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const gs = await groupsOf(t, page.map((u) => u.id));
  const last = page[page.length - 1];
  return {
    items: page.map((u) => memberItem(u, gs.get(u.id) ?? [])),
    users: page,
    nextCursor: rows.length > opts.limit && last ? encodeCursor(membersCursor, { name: last.name, id: last.id }) : null,
  };
}

/** Sign-up requests waiting for an admin (the count in the admin navigation). */
export async function pendingApprovalCount(t: TenantDb): Promise<number> {
  const [row] = await t.db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(and(eq(users.tenantId, t.tenantId), eq(users.status, "pending_approval")));
  return row?.n ?? 0;
}

/**
 * The admin navigation's counts, in the one query its middleware makes on every admin page:
 * sign-up requests and plan memberships waiting for approval.
 */
export async function waitingCounts(t: TenantDb): Promise<{ members: number; memberships: number }> {
  const [row] = await t.db
    .select({
      members: sql<number>`count(*)`,
      memberships: sql<number>`(select count(*) from ${planMemberships} where ${planMemberships.tenantId} = ${t.tenantId} and ${planMemberships.status} = 'pending_approval')`,
    })
    .from(users)
    .where(and(eq(users.tenantId, t.tenantId), eq(users.status, "pending_approval")));
  return { members: row?.members ?? 0, memberships: row?.memberships ?? 0 };
}

async function viewOf(t: TenantDb, userId: string): Promise<MemberItem> {
  const user = await findMember(t, userId);
  return memberItem(user, (await groupsOf(t, [user.id])).get(user.id) ?? []);
}

/** Every group room of the tenant (deleted ones included: a socket may still be open there). */
async function tenantGroupIds(t: TenantDb): Promise<string[]> {
  const rows = await t.db.select({ id: groups.id }).from(groups).where(eq(groups.tenantId, t.tenantId));
  return rows.map((r) => r.id);
}

/** Closes the person's sockets in every group of the community. */
async function closeSockets(env: Pick<Bindings, "GROUP_ROOM">, t: TenantDb, userId: string): Promise<void> {
  const ids = await tenantGroupIds(t);
  for (let i = 0; i < ids.length; i += 20) await Promise.all(ids.slice(i, i + 20).map((id) => groupRoom(env, t.tenantId, id).disconnect(userId)));
}

function forgetAccount(t: TenantDb, userId: string): void {
  forgetSessions({ userId });
  forgetViewer(t.tenantId, userId);
}

/** An account pending approval becomes active; the person is told by email. */
export async function approveMember(t: TenantDb, tenant: Tenant, actor: MemberActor, userId: string, urls: { base: string }, now = Date.now()): Promise<MemberItem> {
  assertAdministers(actor);
  const target = await findMember(t, userId);
  assertDecision(actor, "approve", target);
  const groupSlugs = (await groupsOf(t, [target.id])).get(target.id) ?? [];
  const mail = accountApprovedMail(mailLang(target.language, tenant.defaultLanguage), { to: target.email, name: target.name, community: tenant.name, url: `${urls.base}/login?email=${encodeURIComponent(target.email)}`, brand: brandOf(tenant, urls.base) });
  // The change and its email in one atomic batch: the email goes only with the approval that won.
  const [changed] = await atomic(t, [
    t.db
      .update(users)
      .set({ status: "active" })
      .where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId), eq(users.status, "pending_approval")))
      .returning({ id: users.id }),
    enqueueMailAfterChange(t, mail, now),
    // The email above went only with the approval that won, so `changes()` still tells it.
    webhookEventAfterChange(t, "member.created", memberItem({ ...target, status: "active" }, groupSlugs), now),
  ]);
  if (changed?.results.length !== 1) throw conflict("invalid_state", REFUSALS.invalid_state!);
  forgetAccount(t, userId);
  return viewOf(t, userId);
}

/** An account pending approval is deleted (the address may sign up again); the person is told by email. */
export async function declineMember(t: TenantDb, tenant: Tenant, actor: MemberActor, userId: string, urls: { base: string }, now = Date.now()): Promise<MemberItem> {
  assertAdministers(actor);
  const target = await findMember(t, userId);
  assertDecision(actor, "decline", target);
  const mail = accountDeclinedMail(mailLang(target.language, tenant.defaultLanguage), { to: target.email, name: target.name, community: tenant.name, brand: brandOf(tenant, urls.base) });
  const [deleted] = await atomic(t, [
    t.db
      .delete(users)
      .where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId), eq(users.status, "pending_approval")))
      .returning({ id: users.id }),
    enqueueMailAfterChange(t, mail, now),
  ]);
  if (deleted?.results.length !== 1) throw conflict("invalid_state", REFUSALS.invalid_state!);
  forgetAccount(t, userId);
  return memberItem(target, []);
}

export async function changeMemberRole(t: TenantDb, actor: MemberActor, userId: string, tenantRole: AssignableRole): Promise<MemberItem> {
  assertAdministers(actor);
  const target = await findMember(t, userId);
  assertDecision(actor, "changeRole", target, tenantRole);
  // Guarded on the role read: a concurrent change by someone else is not overwritten blindly.
  const changed = await t.db
    .update(users)
    .set({ tenantRole })
    .where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId), eq(users.tenantRole, target.tenantRole), ne(users.tenantRole, "owner")))
    .returning({ id: users.id });
  if (changed.length !== 1) throw conflict("invalid_state", REFUSALS.invalid_state!);
  forgetAccount(t, userId);
  return viewOf(t, userId);
}

/** Suspends: every session ends in the same batch, every socket closes, sign-in answers 401 `account_suspended`. */
export async function suspendMember(env: Pick<Bindings, "GROUP_ROOM">, t: TenantDb, actor: MemberActor, userId: string): Promise<MemberItem> {
  assertAdministers(actor);
  const target = await findMember(t, userId);
  assertDecision(actor, "suspend", target);
  const [changed] = await t.db.batch([
    t.db
      .update(users)
      .set({ status: "suspended" })
      .where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId), eq(users.status, "active"), ne(users.tenantRole, "owner")))
      .returning({ id: users.id }),
    // Only if the account is suspended now (this batch or a concurrent one), never an active one's.
    t.db
      .delete(sessions)
      .where(
        and(
          eq(sessions.tenantId, t.tenantId),
          eq(sessions.userId, userId),
          sql`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.status} = 'suspended')`,
        ),
      ),
  ]);
  forgetAccount(t, userId);
  if (changed.length !== 1) throw conflict("invalid_state", REFUSALS.invalid_state!);
  await closeSockets(env, t, userId);
  return viewOf(t, userId);
}

export async function unsuspendMember(t: TenantDb, actor: MemberActor, userId: string): Promise<MemberItem> {
  assertAdministers(actor);
  const target = await findMember(t, userId);
  assertDecision(actor, "unsuspend", target);
  const changed = await t.db
    .update(users)
    .set({ status: "active" })
    .where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId), inArray(users.status, ["suspended", "disabled"])))
    .returning({ id: users.id });
  if (changed.length !== 1) throw conflict("invalid_state", REFUSALS.invalid_state!);
  forgetAccount(t, userId);
  return viewOf(t, userId);
}

/**
 * The account leaves the community: its row goes (sessions, group memberships, bans and
 * profile values with it), its sockets close, and in every group room its posts stay
 * under "former member" — or are deleted too with `deletePosts`.
 */
async function erase(env: Pick<Bindings, "GROUP_ROOM">, t: TenantDb, tenant: Tenant, user: User, opts: { deletePosts: boolean; by: string }): Promise<void> {
  const [deleted] = await t.db.batch([
    t.db.delete(users).where(and(eq(users.tenantId, t.tenantId), eq(users.id, user.id), ne(users.tenantRole, "owner"))).returning({ id: users.id }),
    t.db.delete(sessions).where(and(eq(sessions.tenantId, t.tenantId), eq(sessions.userId, user.id))),
    t.db.delete(memberships).where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.userId, user.id))),
  ]);
  forgetAccount(t, user.id);
  if (deleted.length !== 1) throw notFound("No such member in this community.");
  const label = tr(mailLang(tenant.defaultLanguage), "members.former_member");
  const ids = await tenantGroupIds(t);
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(ids.slice(i, i + 20).map((id) => groupRoom(env, t.tenantId, id).forgetMember({ tenantId: t.tenantId, groupId: id }, user.id, label, opts.deletePosts, opts.by)));
  }
}

export async function removeMember(env: Pick<Bindings, "GROUP_ROOM">, t: TenantDb, tenant: Tenant, actor: MemberActor, userId: string, opts: { deletePosts: boolean }): Promise<void> {
  assertAdministers(actor);
  const target = await findMember(t, userId);
  assertDecision(actor, "remove", target);
  await erase(env, t, tenant, target, { deletePosts: opts.deletePosts, by: actor.id });
}

/** `DELETE /api/v1/me`: the person deletes their own account with their password (not the owner). */
export async function deleteOwnAccount(env: Pick<Bindings, "GROUP_ROOM">, t: TenantDb, tenant: Tenant, user: User, password: string): Promise<void> {
  if (!mayDeleteOwnAccount(user.tenantRole)) throw conflict("owner_immutable", "The community's owner cannot delete their account.");
  await reserveOrThrow(t.d1, [{ key: `delete-me:${t.tenantId}:${user.id}`, ...DELETE_ME_LIMIT }], "Too many attempts. Try again later.");
  const fresh = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, user.id)) });
  if (!fresh) throw notFound("No such member in this community.");
  const check = await verifyPassword(password, fresh.passwordHash);
  if (!check.ok) throw forbidden("invalid_password", "The password is not correct.");
  await erase(env, t, tenant, fresh, { deletePosts: false, by: user.id });
}

export { isSuspended };
