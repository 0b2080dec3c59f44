import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { groups, memberships, type GroupRole } from "../db/schema";

export type DirectoryGroup = { id: string; slug: string; name: string; description: string; joinPolicy: string; memberCount: number };
export type GroupCard = Omit<DirectoryGroup, "id" | "joinPolicy"> & { role: GroupRole | null };

const directoryCache = new ReadCache<DirectoryGroup[]>();
const rolesCache = new ReadCache<Record<string, GroupRole>>();

/** After a group is created, edited, deleted or its membership changes. */
export function forgetGroups(tenantId: string): void {
  directoryCache.delete(tenantId);
}

/** After a user joins, leaves, is approved, promoted, removed or banned. */
export function forgetViewer(tenantId: string, userId: string): void {
  rolesCache.delete(`${tenantId}:${userId}`);
  directoryCache.delete(tenantId);
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
  return directory.map(({ id, joinPolicy: _joinPolicy, ...g }) => ({ ...g, role: roles[id] ?? null }));
}
