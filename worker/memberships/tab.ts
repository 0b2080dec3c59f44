import { and, eq, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { planMemberships, plans } from "../db/schema";

// Whether the member navigation shows the Membership tab: when the community offers a plan
// (not archived, not hidden), or when this member has (or had) a membership. Asked by every
// page a member opens, so both facts are kept a few seconds per isolate (db/read-cache.ts) and
// forgotten here on the writes that change them (plans written, a membership started); other
// isolates see a change within READ_TTL_MS. A community that never had a plan (most of them)
// costs one cached read per community, none per member.

export type PlanFacts = { /** a plan members can choose on /membership */ offered: boolean; /** any plan, archived or hidden ones included */ any: boolean };

const facts = new ReadCache<PlanFacts>();
const hasMembership = new ReadCache<boolean>();

/** After a plan is created, edited, archived or restored. */
export function forgetPlanFacts(tenantId: string): void {
  facts.delete(tenantId);
}

/** After a membership starts for this member (memberships are never deleted, only canceled). */
export function forgetMembershipFact(tenantId: string, userId: string): void {
  hasMembership.delete(`${tenantId}:${userId}`);
}

export function planFacts(t: TenantDb): Promise<PlanFacts> {
  return facts.getOrLoad(t.tenantId, async () => {
    const [row] = await t.db
      .select({ offered: sql<number>`coalesce(max(${plans.archivedAt} is null and ${plans.hidden} = 0), 0)`.mapWith(Number), any: sql<number>`count(*)`.mapWith(Number) })
      .from(plans)
      .where(eq(plans.tenantId, t.tenantId));
    return { offered: (row?.offered ?? 0) > 0, any: (row?.any ?? 0) > 0 };
  });
}

/** The Membership tab's rule: the community offers a plan, or this member has (had) a membership. */
export async function showsMembershipTab(t: TenantDb, userId: string): Promise<boolean> {
  const f = await planFacts(t);
  if (f.offered) return true;
  // Without any plan nobody can hold a membership: no per-member read.
  if (!f.any) return false;
  return hasMembership.getOrLoad(`${t.tenantId}:${userId}`, async () => {
    const rows = await t.db
      .select({ id: planMemberships.id })
      .from(planMemberships)
      .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId)))
      .limit(1);
    return rows.length > 0;
  });
}
