import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { groups, memberships } from "../db/schema";

export type GroupCard = { slug: string; name: string; description: string; memberCount: number; role: string | null };

/** Live groups of the tenant with their member counts and the viewer's role, for the home page. */
export async function groupCards(t: TenantDb, viewerId: string | null, limit = 100): Promise<GroupCard[]> {
  const rows = await t.db
    .select({
      slug: groups.slug,
      name: groups.name,
      description: groups.description,
      memberCount: sql<number>`(select count(*) from ${memberships} m where m.group_id = ${groups.id} and m.tenant_id = ${t.tenantId})`,
      role: viewerId
        ? sql<string | null>`(select m.role from ${memberships} m where m.group_id = ${groups.id} and m.tenant_id = ${t.tenantId} and m.user_id = ${viewerId})`
        : sql<null>`null`,
    })
    .from(groups)
    .where(and(eq(groups.tenantId, t.tenantId), isNull(groups.deletedAt)))
    .orderBy(asc(groups.name))
    .limit(limit);
  return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount) }));
}
