import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { avatarKeyOf } from "../profiles/avatar-column";
import { memberPlanOf, type MemberPlan } from "../memberships/member-plan-column";
import type { TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { groupBans, groups, memberships, users, type Group, type GroupRole } from "../db/schema";

export type DirectoryGroup = { id: string; slug: string; name: string; description: string; joinPolicy: string; memberCount: number };
export type GroupCard = Omit<DirectoryGroup, "id" | "joinPolicy"> & { role: GroupRole | null };

/** `plan`: the plan they are in through (paid groups), else null. */
export type MemberPreview = { userId: string; name: string; role: GroupRole; joinedAt: number; avatarKey: string | null; plan: MemberPlan | null };

const directoryCache = new ReadCache<DirectoryGroup[]>();
const rolesCache = new ReadCache<Record<string, GroupRole>>();
const bySlugCache = new ReadCache<Group | null>();
const membersCache = new ReadCache<{ count: number; preview: MemberPreview[] }>();

const ofTenant = (tenantId: string) => (key: string) => key.startsWith(`${tenantId}:`);

/** After a group is created, edited, deleted or restored. */
export function forgetGroups(tenantId: string): void {
  directoryCache.delete(tenantId);
  bySlugCache.deleteWhere(ofTenant(tenantId));
  membersCache.deleteWhere(ofTenant(tenantId));
}

/** After a user joins, leaves, is approved, promoted, removed or banned. */
export function forgetViewer(tenantId: string, userId: string): void {
  rolesCache.delete(`${tenantId}:${userId}`);
  directoryCache.delete(tenantId);
  membersCache.deleteWhere(ofTenant(tenantId));
}

/** A group by its current slug, deleted or not (the caller applies the policy). */
export function groupBySlug(t: TenantDb, slug: string): Promise<Group | null> {
  return bySlugCache.getOrLoad(`${t.tenantId}:${slug.toLowerCase()}`, async () => {
    const row = await t.db.query.groups.findFirst({ where: and(eq(groups.tenantId, t.tenantId), eq(groups.slug, slug.toLowerCase())) });
    return row ?? null;
  });
}

/** Member count and the first members (owner and admins first) with their plan on `today` (the community's day), for the group page. */
export function membersPreview(t: TenantDb, groupId: string, today: string, size = 12): Promise<{ count: number; preview: MemberPreview[] }> {
  return membersCache.getOrLoad(`${t.tenantId}:${groupId}:${today}`, async () => {
    const [count, preview] = await t.db.batch([
      t.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(memberships).where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, groupId))),
      t.db
        .select({
          userId: users.id,
          name: users.name,
          role: memberships.role,
          joinedAt: memberships.createdAt,
          avatarKey: avatarKeyOf(users.id),
          plan: memberPlanOf(memberships.tenantId, memberships.groupId, memberships.userId, today),
        })
        .from(memberships)
        .innerJoin(users, and(eq(users.id, memberships.userId), eq(users.tenantId, t.tenantId)))
        .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, groupId)))
        .orderBy(sql`case ${memberships.role} when 'owner' then 0 when 'admin' then 1 when 'moderator' then 2 else 3 end`, asc(memberships.createdAt))
        .limit(size),
    ]);
    return { count: count[0]?.n ?? 0, preview };
  });
}

export async function isBanned(t: TenantDb, groupId: string, userId: string): Promise<boolean> {
  const row = await t.db.query.groupBans.findFirst({ columns: { userId: true }, where: and(eq(groupBans.tenantId, t.tenantId), eq(groupBans.groupId, groupId), eq(groupBans.userId, userId)) });
  return row !== undefined;
}

/** The tenant's live groups with their member counts (cached briefly: the home page's hot read). */
export function groupDirectory(t: TenantDb): Promise<DirectoryGroup[]> {
  return directoryCache.getOrLoad(t.tenantId, () =>
    t.db
      .select({
        id: groups.id,
        slug: groups.slug,
        name: groups.name,
        description: groups.description,
        joinPolicy: groups.joinPolicy,
        memberCount: sql<number>`(select count(*) from ${memberships} m where m.group_id = ${groups.id})`.mapWith(Number),
      })
      .from(groups)
      .where(and(eq(groups.tenantId, t.tenantId), isNull(groups.deletedAt)))
      .orderBy(asc(groups.name))
      .limit(500),
  );
}

/** A user's role in each group they belong to, by group id. */
export function viewerRoles(t: TenantDb, userId: string): Promise<Record<string, GroupRole>> {
  return rolesCache.getOrLoad(`${t.tenantId}:${userId}`, async () => {
    const rows = await t.db
      .select({ groupId: memberships.groupId, role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.userId, userId)));
    return Object.fromEntries(rows.map((r) => [r.groupId, r.role]));
  });
}

/** Home page cards: the directory with the viewer's role in each group. */
export async function groupCards(t: TenantDb, viewerId: string | null): Promise<GroupCard[]> {
  const [directory, roles] = await Promise.all([groupDirectory(t), viewerId ? viewerRoles(t, viewerId) : Promise.resolve({} as Record<string, GroupRole>)]);
  return cardsOf(directory, roles);
}

/** The directory as cards, with the viewer's role (read already) in each group. */
export function cardsOf(directory: DirectoryGroup[], roles: Record<string, GroupRole>): GroupCard[] {
  return directory.map(({ id, joinPolicy: _joinPolicy, ...g }) => ({ ...g, role: roles[id] ?? null }));
}
