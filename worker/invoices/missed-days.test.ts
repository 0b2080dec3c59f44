import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { invoiceRuns, invoices } from "../db/schema";
import { countingD1 } from "../test/counting";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { invoiceRunDue, runInvoiceJob } from "./run";

// Invoice days the cron missed (API.md: "a run issues what every invoice day up to its own day
// left unissued, oldest first"; `issuedOn` is the run's day): a community is picked when its
// latest invoice day on or before today has no finished run, decided from the one query that
// lists the communities, so an idle minute costs one query however many communities there are.

const eur = (amount: number) => ({ amount, currency: "EUR" });
const tick = async (tenant: TestTenant, iso: string) => {
  const res = await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: iso } });
  expect(res.status, await res.clone().text()).toBe(200);
};
const issued = async (tenant: TestTenant) =>
  (await directoryDb(env).select({ number: invoices.number, issuedOn: invoices.issuedOn, dueOn: invoices.dueOn, lines: invoices.lines }).from(invoices).where(eq(invoices.tenantId, tenant.id))).sort((a, b) =>
    a.number.localeCompare(b.number),
  );

async function memberOnPlan(tenant: TestTenant, email: string, startsOn: string) {
  const member = await signUpMember(tenant, email);
  const planRes = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Desk", price: eur(20_000), intervalMonths: 1 } });
  expect(planRes.status).toBe(201);
  const plan = ((await planRes.json()) as { plan: { id: string } }).plan;
  const res = await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: member.id, planId: plan.id, startsOn } });
  expect(res.status, await res.clone().text()).toBe(201);
  return member;
}

describe("invoiceRunDue", () => {
  const none = { lastRun: null, firstStart: null, firstChargeDay: null };
  it("runs on the invoice day, catches up a missed one that had work, and never runs a day twice", () => {
    expect(invoiceRunDue("2026-07-01", 1, none)).toBe(true);
    expect(invoiceRunDue("2026-07-01", 1, { ...none, lastRun: "2026-07-01" })).toBe(false);
    // Missed on the 1st: due on the 3rd when something was billed by the 1st…
    expect(invoiceRunDue("2026-07-03", 1, { ...none, lastRun: "2026-06-01", firstStart: "2026-05-10" })).toBe(true);
    expect(invoiceRunDue("2026-07-03", 1, { ...none, firstChargeDay: "2026-06-20" })).toBe(true);
    // …then done by the catch-up run of the 3rd, until the next invoice day.
    expect(invoiceRunDue("2026-07-20", 1, { ...none, lastRun: "2026-07-03", firstStart: "2026-05-10" })).toBe(false);
    expect(invoiceRunDue("2026-08-01", 1, { ...none, lastRun: "2026-07-03", firstStart: "2026-05-10" })).toBe(true);
    // Nothing to bill by the 1st (a membership starting on the 2nd, a charge made on the 2nd): wait for August.
    expect(invoiceRunDue("2026-07-03", 1, { ...none, firstStart: "2026-07-02", firstChargeDay: "2026-07-02" })).toBe(false);
    // A membership starting on the invoice day itself is billed that day.
    expect(invoiceRunDue("2026-07-03", 1, { ...none, firstStart: "2026-07-01" })).toBe(true);
    // An earlier clock after a later run issues nothing.
    expect(invoiceRunDue("2026-06-01", 1, { ...none, lastRun: "2026-07-03", firstStart: "2026-05-10" })).toBe(false);
    // Invoice day 15: on the 10th, the latest one is last month's 15th.
    expect(invoiceRunDue("2026-07-10", 15, { ...none, lastRun: "2026-06-15", firstStart: "2026-01-01" })).toBe(false);
    expect(invoiceRunDue("2026-07-10", 15, { ...none, lastRun: "2026-05-15", firstStart: "2026-01-01" })).toBe(true);
  });
});

describe("missed invoice days", () => {
  it("the clock jumps from the 30th to the 3rd of the next month: the run issues on the 3rd with the period due on the 1st, and running again issues nothing", async () => {
    const tenant = await makeTenant();
    await memberOnPlan(tenant, "jump@example.com", "2026-06-01");
    await tick(tenant, "2026-06-01T08:00:00Z");
    expect((await issued(tenant)).map((i) => [i.number, i.issuedOn])).toEqual([["INV2026-0001", "2026-06-01"]]);
    await tick(tenant, "2026-06-30T08:00:00Z");
    expect(await issued(tenant)).toHaveLength(1);

    await tick(tenant, "2026-07-03T08:00:00Z");
    const after = await issued(tenant);
    expect(after.map((i) => [i.number, i.issuedOn, i.dueOn])).toEqual([
      ["INV2026-0001", "2026-06-01", "2026-06-15"],
      ["INV2026-0002", "2026-07-03", "2026-07-17"],
    ]);
    expect(after[1]!.lines.map((l) => [l.kind, l.unitAmount])).toEqual([["plan_period", 20_000]]);
    expect(after[1]!.lines[0]!.description).toContain("du 1 juillet 2026");
    expect(await directoryDb(env).select().from(invoiceRuns).where(and(eq(invoiceRuns.tenantId, tenant.id), eq(invoiceRuns.day, "2026-07-03")))).toHaveLength(1);

    // Again the same minute, later that day, the next days: nothing new.
    await tick(tenant, "2026-07-03T08:00:00Z");
    await tick(tenant, "2026-07-03T18:00:00Z");
    await tick(tenant, "2026-07-10T08:00:00Z");
    expect(await issued(tenant)).toHaveLength(2);
    // The next invoice day bills August as usual.
    await tick(tenant, "2026-08-01T08:00:00Z");
    expect((await issued(tenant)).map((i) => [i.number, i.issuedOn])).toEqual([
      ["INV2026-0001", "2026-06-01"],
      ["INV2026-0002", "2026-07-03"],
      ["INV2026-0003", "2026-08-01"],
    ]);
  });

  it("several missed invoice days: one invoice on the run's day with every period left, oldest first", async () => {
    const tenant = await makeTenant();
    await memberOnPlan(tenant, "months@example.com", "2026-06-01");
    await tick(tenant, "2026-06-01T08:00:00Z");
    await tick(tenant, "2026-08-05T08:00:00Z");
    const [, second, ...rest] = await issued(tenant);
    expect(rest).toEqual([]);
    expect(second).toMatchObject({ number: "INV2026-0002", issuedOn: "2026-08-05" });
    expect(second!.lines.map((l) => l.description.match(/du (\d+ \S+ \d{4})/)![1])).toEqual(["1 juillet 2026", "1 août 2026"]);
  });

  it("an idle minute costs one query however many communities bill (the invoice day included, once its runs are done)", async () => {
    const tenants = await Promise.all([makeTenant(), makeTenant(), makeTenant()]);
    for (const [i, tenant] of tenants.entries()) await memberOnPlan(tenant, `idle${i}@example.com`, "2026-06-01");
    const at = Date.parse("2026-06-01T08:00:00Z");
    // Every community of this file's database billed at `at`, until nothing is left.
    for (let round = 0; (await runInvoiceJob(env, at)).more; round++) expect(round).toBeLessThan(20);

    for (const when of [at, at + 60_000, Date.parse("2026-06-02T08:00:00Z"), Date.parse("2026-06-20T08:00:00Z")]) {
      const counted = countingD1(env.DB);
      expect(await runInvoiceJob({ ...env, DB: counted.db }, when)).toMatchObject({ issued: 0, failed: 0, more: false });
      expect(counted.count()).toBe(1);
    }
  });
});
