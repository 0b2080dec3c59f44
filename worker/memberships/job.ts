import { and, eq, isNotNull, or, sql, type SQL } from "drizzle-orm";
import { atomic, directoryDb, tenantDb, type TenantDb } from "../db/client";
import { memberships, planGroups, planMemberships, tenants, users, type PlanMembership } from "../db/schema";
import type { Bindings } from "../env";
import { forgetMemberPlans } from "./cache";
import { forgetLeavers } from "./paid-groups";
import { clockOf, viewsOf, type Clock } from "./service";
import { billingSettingsOf } from "../invoices/settings";
import { eventRef, subscribed, webhookEvents } from "../webhooks/emit-many";

// The memberships' daily job: cancellations whose last day has passed end, then scheduled
// plan changes take effect (before any invoice run of the same day). One atomic batch per
// community, set-based: first the group departures the changes cause, then the changes
// themselves. The departures select exactly the rows the updates then change, so the batch
// is exactly-once by construction: a second run finds nothing due.

/** Group members that a paid group keeps only through a plan: not the group's owner or admins, not the community's staff. */
const leavable = (t: TenantDb) =>
  sql`${memberships.tenantId} = ${t.tenantId} and ${memberships.role} in ('member', 'moderator')
    and ${memberships.userId} in (select ${users.id} from ${users} where ${users.tenantId} = ${t.tenantId} and ${users.tenantRole} = 'member')
    and ${memberships.groupId} in (select ${planGroups.groupId} from ${planGroups} where ${planGroups.tenantId} = ${t.tenantId})`;

const ending = (t: TenantDb, today: string) =>
  sql`pm.tenant_id = ${t.tenantId} and pm.status = 'canceling' and pm.cancels_on < ${today}`;
const changing = (t: TenantDb, today: string) =>
  sql`pm.tenant_id = ${t.tenantId} and pm.status = 'active' and pm.change_plan_id is not null and pm.change_on <= ${today}`;

/** One community on its `today`. */
export async function applyMembershipChanges(t: TenantDb, clock: Clock): Promise<{ ended: PlanMembership[]; changed: PlanMembership[] }> {
  const results = await atomic(t, [
    // `membership.canceled` for each membership that ends, before the update: exactly the rows it then changes.
    ...(await endingEvents(t, clock)),
    // Members whose membership ends leave every paid group…
    sql`delete from ${memberships} where ${leavable(t)}
      and ${memberships.userId} in (select pm.user_id from ${planMemberships} pm where ${ending(t, clock.today)})`,
    // …and those changing plan leave the paid groups their new plan does not open.
    sql`delete from ${memberships} where ${leavable(t)}
      and exists (select 1 from ${planMemberships} pm where ${changing(t, clock.today)} and pm.user_id = ${memberships.userId}
        and ${memberships.groupId} not in (select ${planGroups.groupId} from ${planGroups} where ${planGroups.planId} = pm.change_plan_id))`,
    sql`update ${planMemberships} as pm set status = 'canceled', ended_at = ${clock.now}, updated_at = ${clock.now} where ${ending(t, clock.today)} returning *`,
    sql`update ${planMemberships} as pm set plan_id = change_plan_id, periods_from = change_on, change_plan_id = null, change_on = null, updated_at = ${clock.now}
      where ${changing(t, clock.today)} returning *`,
  ]);
  const rows = (i: number) => ((results.at(i)?.results ?? []) as Record<string, unknown>[]).map(fromRow);
  const ended = rows(-2);
  const changed = rows(-1);
  forgetLeavers(t, [...ended, ...changed].map((m) => m.userId));
  forgetMemberPlans(t.tenantId, [...ended, ...changed].map((m) => m.userId));
  return { ended, changed };
}

/** The events of the memberships that end on `clock.today`, as they will be (none when no endpoint wants them). */
async function endingEvents(t: TenantDb, clock: Clock): Promise<SQL[]> {
  if (!(await subscribed(t, "membership.canceled"))) return [];
  const due = (await t.d1.prepare(`select pm.* from plan_memberships pm where pm.tenant_id = ?1 and pm.status = 'canceling' and pm.cancels_on < ?2`).bind(t.tenantId, clock.today).all<Record<string, unknown>>()).results.map(fromRow);
  if (due.length === 0) return [];
  const billing = await billingSettingsOf(t);
  const views = await viewsOf(t, due.map((m) => ({ ...m, status: "canceled" as const, endedAt: clock.now, updatedAt: clock.now })), billing, clock.today);
  const stillEnding = sql`exists (select 1 from ${planMemberships} pm where pm.id = ${eventRef} and ${ending(t, clock.today)})`;
  return webhookEvents(t, "membership.canceled", views.map((membership) => ({ data: { membership }, ref: membership.id })), clock.now, stillEnding);
}

/** A raw `returning *` row as the table's type (snake_case columns). */
function fromRow(r: Record<string, unknown>): PlanMembership {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    userId: r.user_id as string,
    planId: r.plan_id as string,
    status: r.status as PlanMembership["status"],
    startsOn: r.starts_on as string,
    periodsFrom: r.periods_from as string,
    cancelsOn: (r.cancels_on as string | null) ?? null,
    changePlanId: (r.change_plan_id as string | null) ?? null,
    changeOn: (r.change_on as string | null) ?? null,
    billingName: (r.billing_name as string | null) ?? null,
    billingAddress: (r.billing_address as string | null) ?? null,
    billingTaxId: (r.billing_tax_id as string | null) ?? null,
    createdAt: r.created_at as number,
    confirmedAt: (r.confirmed_at as number | null) ?? null,
    endedAt: (r.ended_at as number | null) ?? null,
    updatedAt: r.updated_at as number,
  };
}

/** One batch per community does all its due work: nothing is ever left for another round. */
export type MembershipJobReport = { ended: number; changed: number };

/** Every community with due memberships (or one), each on its own day in its timezone. */
export async function runMembershipJob(env: Bindings, now: number, scope: { tenantId?: string } = {}): Promise<MembershipJobReport> {
  const candidates = await directoryDb(env)
    .selectDistinct({ id: tenants.id, timezone: tenants.timezone })
    .from(planMemberships)
    .innerJoin(tenants, eq(tenants.id, planMemberships.tenantId))
    .where(
      and(
        ...(scope.tenantId ? [eq(planMemberships.tenantId, scope.tenantId)] : []),
        or(eq(planMemberships.status, "canceling"), and(eq(planMemberships.status, "active"), isNotNull(planMemberships.changePlanId))),
      ),
    );
  const report: MembershipJobReport = { ended: 0, changed: 0 };
  for (const tenant of candidates) {
    const r = await applyMembershipChanges(tenantDb(env, tenant), clockOf(tenant, now));
    report.ended += r.ended.length;
    report.changed += r.changed.length;
  }
  return report;
}
