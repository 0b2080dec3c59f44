import { and, eq, inArray, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { memberships, planGroups, planMemberships, plans, type Plan } from "../db/schema";
import { forgetViewer } from "../groups/queries";
import { ApiError } from "../http/errors";
import { givesAccess } from "./service";
import type { Day } from "./periods";

// Paid groups: a group listed in some plans' `groups` is joined only by a member whose
// membership gives access on one of those plans. Owners, admins and community moderators
// need no plan. A membership never adds anyone to a group; when it stops giving access,
// or moves to a plan that does not open a group, the member leaves that group (its owner
// and admins stay).

/**
 * The statement that takes a member out of the paid groups `planId` does not open (null:
 * every paid group). It runs only if the statement before it in the same atomic batch (the
 * membership's change) changed exactly one row (SQLite's `changes()`), so a change that lost
 * a race, or a second run, takes nobody out.
 */
export function leavePaidGroupsAfterChange(t: TenantDb, userId: string, planId: string | null) {
  const kept = planId === null ? sql`` : sql` and ${memberships.groupId} not in (select ${planGroups.groupId} from ${planGroups} where ${planGroups.planId} = ${planId})`;
  return sql`delete from ${memberships} where ${memberships.tenantId} = ${t.tenantId} and ${memberships.userId} = ${userId}
    and ${memberships.role} in ('member', 'moderator')
    and ${memberships.userId} in (select id from users where tenant_id = ${t.tenantId} and tenant_role = 'member')
    and ${memberships.groupId} in (select ${planGroups.groupId} from ${planGroups} where ${planGroups.tenantId} = ${t.tenantId})${kept}
    and changes() = 1`;
}

/** After the job moved members out of groups: their cached views and open sockets follow. */
export function forgetLeavers(t: TenantDb, userIds: string[]): void {
  for (const id of new Set(userIds)) forgetViewer(t.tenantId, id);
}

export type PlanOffer = { id: string; name: string; price: { amount: number; currency: string } };

/**
 * 403 `plan_required` (with the plans that open the group, neither archived nor hidden,
 * beside the error) when the group is paid and the member's membership does not give access
 * on one of its plans. `exempt`: community owners, admins and moderators, and a tenant
 * admin's invitation.
 */
export async function assertPlanAllowsJoin(t: TenantDb, groupId: string, userId: string, today: Day, exempt: boolean): Promise<void> {
  if (exempt) return;
  const opening = await t.db
    .select({ plan: plans })
    .from(planGroups)
    .innerJoin(plans, eq(plans.id, planGroups.planId))
    .where(and(eq(planGroups.tenantId, t.tenantId), eq(planGroups.groupId, groupId)));
  if (opening.length === 0) return;
  const planIds = opening.map((r) => r.plan.id);
  const held = await t.db
    .select()
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId), inArray(planMemberships.planId, planIds)));
  if (held.some((m) => givesAccess(m, today))) return;
  const err = new ApiError(403, "plan_required", "This group is open to members on one of its plans.");
  err.extra = { plans: offers(opening.map((r) => r.plan)) };
  throw err;
}

export function offers(rows: Plan[]): PlanOffer[] {
  return rows
    .filter((p) => p.archivedAt === null && !p.hidden)
    .sort((a, b) => a.priceAmount - b.priceAmount || a.name.localeCompare(b.name))
    .map((p) => ({ id: p.id, name: p.name, price: { amount: p.priceAmount, currency: p.currency } }));
}
