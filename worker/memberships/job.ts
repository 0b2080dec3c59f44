import { and, asc, eq, isNotNull, lt, lte, or } from "drizzle-orm";
import { atomic, directoryDb, tenantDb, type TenantDb } from "../db/client";
import { planMemberships, tenants, type PlanMembership } from "../db/schema";
import type { Bindings } from "../env";
import { forgetLeavers, leavePaidGroupsAfterChange } from "./paid-groups";
import { dayInTimeZone } from "./periods";
import type { Clock } from "./service";

// The memberships' daily job: cancellations whose last day has passed end, then scheduled
// plan changes take effect (before any invoice run of the same day). Each change is a
// conditional update, batched with the group departures it causes (which run only if the
// update changed its row), so a second run at the same `now` changes nothing and a crash between
// the two cannot leave someone in a group they no longer pay for.

/** Rows handled per round: two statements each, well under D1's 1,000 queries per invocation. */
const ROUND = 200;

export type MembershipJobReport = { ended: number; changed: number; more: boolean };

async function due(t: TenantDb, clock: Clock): Promise<PlanMembership[]> {
  return t.db
    .select()
    .from(planMemberships)
    .where(
      and(
        eq(planMemberships.tenantId, t.tenantId),
        or(
          and(eq(planMemberships.status, "canceling"), lt(planMemberships.cancelsOn, clock.today)),
          and(eq(planMemberships.status, "active"), isNotNull(planMemberships.changePlanId), lte(planMemberships.changeOn, clock.today)),
        ),
      ),
    )
    .orderBy(asc(planMemberships.id))
    .limit(ROUND);
}

/** One community on its `today`; `more` when rows were left for another round. */
export async function applyMembershipChanges(t: TenantDb, clock: Clock): Promise<{ ended: PlanMembership[]; changed: PlanMembership[]; more: boolean }> {
  const rows = await due(t, clock);
  const ended: PlanMembership[] = [];
  const changed: PlanMembership[] = [];
  for (const m of rows) {
    const ending = m.status === "canceling";
    const update = ending
      ? t.db
          .update(planMemberships)
          .set({ status: "canceled", endedAt: clock.now, updatedAt: clock.now })
          .where(and(eq(planMemberships.id, m.id), eq(planMemberships.status, "canceling"), eq(planMemberships.updatedAt, m.updatedAt)))
      : t.db
          .update(planMemberships)
          .set({ planId: m.changePlanId!, periodsFrom: m.changeOn!, changePlanId: null, changeOn: null, updatedAt: clock.now })
          .where(and(eq(planMemberships.id, m.id), eq(planMemberships.status, "active"), eq(planMemberships.updatedAt, m.updatedAt)));
    const [result] = await atomic(t, [update, leavePaidGroupsAfterChange(t, m.userId, ending ? null : m.changePlanId!)]);
    if ((result?.meta.changes ?? 0) !== 1) continue;
    const after = ending ? { ...m, status: "canceled" as const, endedAt: clock.now, updatedAt: clock.now } : { ...m, planId: m.changePlanId!, periodsFrom: m.changeOn!, changePlanId: null, changeOn: null, updatedAt: clock.now };
    (ending ? ended : changed).push(after);
  }
  forgetLeavers(t, [...ended, ...changed].map((m) => m.userId));
  return { ended, changed, more: rows.length === ROUND };
}

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
  const report: MembershipJobReport = { ended: 0, changed: 0, more: false };
  for (const tenant of candidates) {
    const r = await applyMembershipChanges(tenantDb(env, tenant), { today: dayInTimeZone(now, tenant.timezone), now });
    report.ended += r.ended.length;
    report.changed += r.changed.length;
    report.more ||= r.more;
  }
  return report;
}

