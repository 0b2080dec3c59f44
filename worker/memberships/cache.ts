import { and, desc, eq, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { forgetInvoicesOf } from "../invoices/cache";
import { planMemberships, plans, type PlanMembership } from "../db/schema";

// What every page a member opens asks of plans and memberships, kept a few seconds per isolate
// (db/read-cache.ts) so a page view in the steady state makes no D1 round trip: whether the
// community offers a plan (the Membership tab, the dashboard's "choose a plan"), and the
// member's memberships with their plans' names (the tab, the dashboard). The writes that change
// them forget them here (plans written; a membership started, changed or moved by the job);
// other isolates see a change within READ_TTL_MS, as with sessions and group roles.

export type PlanFacts = { /** a plan members can choose on /membership */ offered: boolean; /** any plan, archived or hidden ones included */ any: boolean };
export type MemberPlanRow = { m: PlanMembership; planName: string };

const facts = new ReadCache<PlanFacts>();
const memberPlansCache = new ReadCache<MemberPlanRow[]>();

/** After a plan is created, edited (its name shows on dashboards), archived or restored. */
export function forgetPlans(tenantId: string): void {
  facts.delete(tenantId);
  memberPlansCache.deleteWhere((key) => key.startsWith(`${tenantId}:`));
  forgetInvoicesOf(tenantId);
}

/** After memberships of these members were started or changed. */
export function forgetMemberPlans(tenantId: string, userIds: readonly string[]): void {
  for (const userId of userIds) {
    memberPlansCache.delete(`${tenantId}:${userId}`);
    // What their next invoice bills changes with their membership.
    forgetInvoicesOf(tenantId, userId);
  }
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

/** The member's memberships, newest first, with their plans' names (index plan_memberships_user): a query to batch. */
export function memberPlansQuery(t: TenantDb, userId: string) {
  return t.db
    .select({ m: planMemberships, planName: plans.name })
    .from(planMemberships)
    .innerJoin(plans, and(eq(plans.id, planMemberships.planId), eq(plans.tenantId, t.tenantId)))
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId)))
    .orderBy(desc(planMemberships.createdAt), desc(planMemberships.id))
    .limit(50);
}

/** The member's memberships (cached); `load` lets a caller fetch them inside its own batch. */
export function memberPlans(t: TenantDb, userId: string, load: () => Promise<MemberPlanRow[]> = () => memberPlansQuery(t, userId)): Promise<MemberPlanRow[]> {
  return memberPlansCache.getOrLoad(`${t.tenantId}:${userId}`, load);
}

/** The Membership tab's rule: the community offers a plan, or this member has (had) a membership. */
export async function showsMembershipTab(t: TenantDb, userId: string): Promise<boolean> {
  const f = await planFacts(t);
  if (f.offered) return true;
  // Without any plan nobody can hold a membership: no per-member read.
  if (!f.any) return false;
  return (await memberPlans(t, userId)).length > 0;
}
