import { and, eq, inArray } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { planGroups, planMemberships, tenants, type Plan } from "../db/schema";
import { forgetViewer } from "../groups/queries";
import { ApiError } from "../http/errors";
import { plansOpening } from "../plans/service";
import { clockOf, givesAccess } from "./service";

// Paid groups: a group listed in some plans' `groups` is joined only by a member whose
// membership gives access on one of those plans. Owners, admins and community moderators
// need no plan. A membership never adds anyone to a group; when it stops giving access,
// or moves to a plan that does not open a group, the member leaves that group (its owner
// and admins stay).

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
export async function assertPlanAllowsJoin(t: TenantDb, groupId: string, userId: string, now: number, exempt: boolean): Promise<void> {
  if (exempt) return;
  const opening = await plansOpening(t, groupId);
  if (opening.length === 0) return;
  // Only a paid group needs the community's day.
  const [tenant] = await t.db.select({ timezone: tenants.timezone }).from(tenants).where(eq(tenants.id, t.tenantId)).limit(1);
  const { today } = clockOf({ timezone: tenant?.timezone ?? "UTC" }, now);
  const planIds = opening.map((p) => p.id);
  const held = await t.db
    .select()
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId), inArray(planMemberships.planId, planIds)));
  if (held.some((m) => givesAccess(m, today))) return;
  const err = new ApiError(403, "plan_required", "This group is open to members on one of its plans.");
  err.extra = { plans: offers(opening) };
  throw err;
}

export function offers(rows: Plan[]): PlanOffer[] {
  return rows
    .filter((p) => p.archivedAt === null && !p.hidden)
    .sort((a, b) => a.priceAmount - b.priceAmount || a.name.localeCompare(b.name))
    .map((p) => ({ id: p.id, name: p.name, price: { amount: p.priceAmount, currency: p.currency } }));
}

/**
 * Of `groupIds`, the paid groups `userId` (null: an account not made yet) holds no plan
 * for: the groups an invitation that does not skip the plan check may not put them in
 * (contract, "Paid groups": a tenant admin's invitation skips it, a group admin's does not).
 */
export async function paidGroupsWithoutPlan(t: TenantDb, groupIds: string[], userId: string | null, now: number): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const opening = await t.db
    .select({ groupId: planGroups.groupId, planId: planGroups.planId })
    .from(planGroups)
    .where(and(eq(planGroups.tenantId, t.tenantId), inArray(planGroups.groupId, groupIds)));
  if (opening.length === 0) return new Set();
  let held = new Set<string>();
  if (userId) {
    const [tenant] = await t.db.select({ timezone: tenants.timezone }).from(tenants).where(eq(tenants.id, t.tenantId)).limit(1);
    const { today } = clockOf({ timezone: tenant?.timezone ?? "UTC" }, now);
    const rows = await t.db.select().from(planMemberships).where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId)));
    held = new Set(rows.filter((m) => givesAccess(m, today)).map((m) => m.planId));
  }
  return new Set(opening.filter((o) => !opening.some((p) => p.groupId === o.groupId && held.has(p.planId))).map((o) => o.groupId));
}
