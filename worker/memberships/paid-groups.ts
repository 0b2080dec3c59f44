import { and, eq, inArray } from "drizzle-orm";
import { msg } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { planGroups, planMemberships, plans as plansTable, tenants, type Plan, type PlanMembership } from "../db/schema";
import { forgetViewer } from "../groups/queries";
import { ApiError } from "../http/errors";
import type { BillingSettingsView } from "../invoices/settings";
import { cachedPlansOpening, plansOpening } from "../plans/service";
import type { Day } from "./periods";
import { clockOf, givesAccess, openMembership, startMembership, type Clock } from "./service";

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
  if (await holdsPlan(t, opening, userId, today)) return;
  const err = new ApiError(403, "plan_required", "This group is open to members on one of its plans.");
  err.extra = { plans: offers(opening) };
  throw err;
}

/** Whether the member's membership on one of `opening` gives access on `today`. */
async function holdsPlan(t: TenantDb, opening: Plan[], userId: string, today: Day): Promise<boolean> {
  const held = await t.db
    .select()
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId), inArray(planMemberships.planId, opening.map((p) => p.id))));
  return held.some((m) => givesAccess(m, today));
}

export function offers(rows: Plan[]): PlanOffer[] {
  return rows
    .filter((p) => p.archivedAt === null && !p.hidden)
    .sort((a, b) => a.priceAmount - b.priceAmount || a.name.localeCompare(b.name))
    .map((p) => ({ id: p.id, name: p.name, price: { amount: p.priceAmount, currency: p.currency } }));
}

// ── the pages of a paid group: its plans, the viewer's standing, choosing a plan to join ──

/** A plan that opens a paid group, as the group and join pages offer it. */
export type PaidGroupPlan = PlanOffer & { description: string; intervalMonths: number; approvalRequired: boolean };

/**
 * Where a signed-in reader stands toward a paid group they are not in:
 * `exempt` (community staff acting as such: the normal join), `access` (their membership on
 * one of its plans gives access: the normal join), `choose` (no open membership: choose one
 * of its plans), `pending` (their membership on one of its plans waits for approval),
 * `other` (an open membership on another plan, or one not started yet: change plan on
 * `/membership`, a second membership is refused).
 */
export type PaidGroupStanding = "exempt" | "access" | "choose" | "pending" | "other";

/**
 * A paid group as a page shows it: the plans that open it and are offered (neither archived
 * nor hidden, cheapest first), the reader's standing (null for a visitor or a member of the
 * group) and the plan of their open membership, if any.
 */
export type PaidGroup = { plans: PaidGroupPlan[]; standing: PaidGroupStanding | null; current: { id: string; name: string } | null };

function offeredPlans(rows: Plan[]): PaidGroupPlan[] {
  const byId = new Map(rows.map((p) => [p.id, p]));
  return offers(rows).map((o) => {
    const p = byId.get(o.id)!;
    return { ...o, description: p.description, intervalMonths: p.intervalMonths, approvalRequired: p.approvalRequired };
  });
}

/**
 * The group's plans and the reader's standing, null when no plan opens the group.
 * `reader`: signed in and not in the group (a member of it, or a visitor, has no standing);
 * `exempt` for community staff acting as such.
 */
export async function paidGroupFor(t: TenantDb, groupId: string, reader: { userId: string; exempt: boolean } | null, today: Day): Promise<PaidGroup | null> {
  const opening = await cachedPlansOpening(t, groupId);
  if (opening.length === 0) return null;
  const plans = offeredPlans(opening);
  if (!reader) return { plans, standing: null, current: null };
  const open = await openMembership(t, reader.userId);
  const planOf = open ? (opening.find((p) => p.id === open.planId) ?? null) : null;
  const current = open ? { id: open.planId, name: planOf?.name ?? (await currentPlanName(t, open)) } : null;
  return { plans, standing: reader.exempt ? "exempt" : standingOf(open, planOf !== null, today), current };
}

function standingOf(open: PlanMembership | null, opensGroup: boolean, today: Day): PaidGroupStanding {
  if (!open) return "choose";
  if (opensGroup && givesAccess(open, today)) return "access";
  if (opensGroup && open.status === "pending_approval") return "pending";
  return "other";
}

async function currentPlanName(t: TenantDb, m: PlanMembership): Promise<string> {
  const [row] = await t.db.select({ name: plansTable.name }).from(plansTable).where(and(eq(plansTable.tenantId, t.tenantId), eq(plansTable.id, m.planId))).limit(1);
  return row?.name ?? "";
}

/**
 * The group-joining side of choosing a plan on a paid group's page: whether the member
 * already holds access through one of its plans (then they just join), else starts their
 * membership on `planId`, today, exactly as `POST /api/v1/me/membership` does (pending
 * when the plan needs approval; 409 `membership_exists` when they have another one).
 * 422 on `planId` when it does not open the group or is archived. A membership already
 * waiting for approval on one of the group's plans is answered as it is.
 */
export async function startPlanForGroup(t: TenantDb, billing: BillingSettingsView, clock: Clock, groupId: string, userId: string, planId: string): Promise<PlanMembership | null> {
  const opening = await plansOpening(t, groupId);
  if (opening.length === 0 || (await holdsPlan(t, opening, userId, clock.today))) return null;
  // Asked again while their membership on one of the plans waits: still waiting.
  const open = await openMembership(t, userId);
  if (open?.status === "pending_approval" && opening.some((p) => p.id === open.planId)) return open;
  const plan = opening.find((p) => p.id === planId);
  if (!plan || plan.archivedAt !== null) throw new ApiError(422, "plan_unavailable", "This plan cannot be chosen.", { planId: msg("field.plan_unavailable") });
  return startMembership(t, billing, clock, { userId, planId }, "member");
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
