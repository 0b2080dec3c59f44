import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { charges, invoices } from "../db/schema";
import { addDays, addMonths, dayInTimeZone, daysBetween, invoiceDayOnOrAfter } from "../memberships/periods";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// An admin changes a member's plan on a day of their choosing (`POST /memberships/{id}/change
// {planId, on}`), possibly in the middle of a period already charged in advance. The new plan
// applies from `on` with periods counted from there and no setup fee (API.md "Changing plan");
// what was already charged is not charged again: the new plan's fee starts with the first day
// not yet paid for, prorated when a new period is partly covered.
//
// Requests run at the real time (an admin's `on` must be after today), so the days here are
// counted from the real today; the development clock moves the jobs.

const eur = (amount: number) => ({ amount, currency: "EUR" });
const tick = async (tenant: TestTenant, day: string) => {
  const res = await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: `${day}T08:00:00Z` } });
  expect(res.status, await res.clone().text()).toBe(200);
};
async function plan(tenant: TestTenant, json: Record<string, unknown>): Promise<string> {
  const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { plan: { id: string } }).plan.id;
}
async function onPlan(tenant: TestTenant, email: string, planId: string, startsOn: string) {
  const member = await signUpMember(tenant, email);
  const res = await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: member.id, planId, startsOn } });
  expect(res.status, await res.clone().text()).toBe(201);
  return { member, membershipId: ((await res.json()) as { membership: { id: string } }).membership.id };
}
async function change(tenant: TestTenant, membershipId: string, planId: string, on: string) {
  const res = await call(tenant.host, "POST", `/api/v1/memberships/${membershipId}/change`, { cookie: tenant.owner.cookie, json: { planId, on } });
  expect(res.status, await res.clone().text()).toBe(200);
}
const linesOf = async (tenant: TestTenant, issuedOn: string) => {
  const rows = (await directoryDb(env).select().from(invoices).where(eq(invoices.tenantId, tenant.id))).filter((i) => i.issuedOn === issuedOn);
  expect(rows).toHaveLength(1);
  // The period of each line, from the charge it carries (the line's text writes the days for people).
  const period = new Map((await directoryDb(env).select().from(charges).where(eq(charges.tenantId, tenant.id))).map((c) => [c.id, [c.periodStart, c.periodEnd]]));
  return rows[0]!.lines.map((l) => [l.kind, l.unitAmount, period.get(l.chargeId)]);
};
const halfUp = (n: number, d: number) => Math.floor((2 * n + d) / (2 * d));

/** The first invoice day (the 1st) at least two days after the real today: the tests' month 0. */
const month0 = () => invoiceDayOnOrAfter(addDays(dayInTimeZone(Date.now(), "Europe/Paris"), 2), 1);

describe("an admin's plan change in the middle of a period already charged", () => {
  it("monthly to monthly on the 15th: the rest of the month is not billed twice, and no setup fee", async () => {
    const tenant = await makeTenant();
    const small = await plan(tenant, { name: "Small", price: eur(10_000), intervalMonths: 1 });
    const big = await plan(tenant, { name: "Big", price: eur(20_000), intervalMonths: 1, setupFee: eur(5_000) });
    const m0 = month0();
    const m1 = addMonths(m0, 1);
    const m2 = addMonths(m0, 2);
    const { membershipId } = await onPlan(tenant, "midchange@example.com", small, m0);
    await tick(tenant, m0);
    await tick(tenant, m1); // the month m1 charged in advance on Small
    expect(await linesOf(tenant, m1)).toEqual([["plan_period", 10_000, [m1, addDays(m2, -1)]]]);

    const on = addDays(m1, 14);
    await change(tenant, membershipId, big, on);
    await tick(tenant, on); // the job applies the change
    await tick(tenant, m2);
    // Big from m2 on, whole: the days from `on` to the end of m1 were paid for on Small.
    expect(await linesOf(tenant, m2)).toEqual([["plan_period", 20_000, [m2, addDays(addMonths(m0, 3), -1)]]]);
  });

  it("quarterly to half-yearly a month in: only the part of the new period not yet paid for, prorated", async () => {
    const tenant = await makeTenant();
    const quarter = await plan(tenant, { name: "Quarter", price: eur(30_000), intervalMonths: 3 });
    const half = await plan(tenant, { name: "Half", price: eur(54_000), intervalMonths: 6 });
    const m0 = month0();
    const { membershipId } = await onPlan(tenant, "quarter@example.com", quarter, m0);
    await tick(tenant, m0);
    expect(await linesOf(tenant, m0)).toEqual([["plan_period", 30_000, [m0, addDays(addMonths(m0, 3), -1)]]]);

    const m1 = addMonths(m0, 1);
    await change(tenant, membershipId, half, m1);
    await tick(tenant, m1);
    // The new period runs m1 … m7 − 1; m1 … m3 − 1 is paid for: the rest, m3 … m7 − 1, at its share of the price.
    const end = addDays(addMonths(m1, 6), -1);
    const uncovered = daysBetween(addMonths(m0, 3), end) + 1;
    const whole = daysBetween(m1, end) + 1;
    expect(await linesOf(tenant, m1)).toEqual([["plan_period", halfUp(54_000 * uncovered, whole), [addMonths(m0, 3), end]]]);
    // The next one on the new schedule, whole.
    await tick(tenant, addMonths(m1, 6));
    expect(await linesOf(tenant, addMonths(m1, 6))).toEqual([["plan_period", 54_000, [addMonths(m1, 6), addDays(addMonths(m1, 12), -1)]]]);
  });
});
