import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { groups, memberships, users } from "../db/schema";
import { ApiError } from "../http/errors";
import { billingSettingsOf, billingSettingsPatch, updateBillingSettings, type BillingSettingsView } from "../invoices/settings";
import { createPlan, getPlan, listPlans, planInput, setPlanArchived, updatePlan, type PlanInput } from "../plans/service";
import { call, env, makeTenant } from "../test/helpers";
import { assertPlanAllowsJoin } from "./paid-groups";
import {
  cancelMembership,
  changePlan,
  confirmMembership,
  editBilling,
  givesAccess,
  latestMembership,
  listMemberships,
  startMembership,
  undoCancel,
  viewsOf,
  type Clock,
} from "./service";
import { applyMembershipChanges } from "./job";

// Plans and memberships as services, without HTTP: plain values in, rows and views out.
// Days are the community's calendar days; every expected day below is worked out by hand.

const NOW = Date.UTC(2027, 1, 10, 9);
const at = (today: string, now = NOW): Clock => ({ today, now });

async function community(): Promise<{ t: TenantDb; billing: BillingSettingsView; member: () => Promise<string> }> {
  const tenant = await makeTenant();
  const t = tenantDb(env, tenant);
  const billing = await billingSettingsOf(t);
  const member = async () => {
    const id = newId();
    await t.db.insert(users).values({ id, tenantId: t.tenantId, email: `${id}@example.com`, name: `Member ${id.slice(0, 4)}`, tenantRole: "member", status: "active", createdAt: NOW });
    return id;
  };
  return { t, billing, member };
}

const monthly = (over: Partial<PlanInput> = {}): PlanInput => planInput.parse({ name: "Flex desk", price: { amount: 4999, currency: "EUR" }, intervalMonths: 1, ...over });

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; fields?: Record<string, string> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code, ...(err.fields ? { fields: err.fields } : {}) };
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("billing settings", () => {
  it("default to EUR and invoices on the 1st, and change within 1..28", async () => {
    const { t } = await community();
    expect(await billingSettingsOf(t, "Atelier")).toEqual({
      currency: "EUR",
      invoiceDay: 1,
      numberPrefix: "INV",
      paymentTermsDays: 14,
      defaultTaxRate: 0,
      seller: { name: "Atelier", address: "", taxId: null, iban: null, bic: null },
    });
    const saved = await updateBillingSettings(t, "Atelier", billingSettingsPatch.parse({ invoiceDay: 15, defaultTaxRate: 5.5, seller: { address: "Rue Ł 1", iban: "fr76 3000 6000 0112 3456 7890 189" } }), NOW, async () => false);
    expect(saved).toMatchObject({ invoiceDay: 15, defaultTaxRate: 5.5, seller: { name: "Atelier", address: "Rue Ł 1", iban: "FR7630006000011234567890189" } });
    const { stripe, ...view } = saved;
    expect(stripe).toEqual({ connected: false });
    expect(await billingSettingsOf(t, "Atelier")).toEqual(view);
  });

  it("keep the currency and the invoice day once money is set in them (409 billing_locked)", async () => {
    const { t } = await community();
    const asked: unknown[] = [];
    const locked = async (changing: { currency: boolean; invoiceDay: boolean }) => (asked.push(changing), changing.currency);
    expect(await refusal(updateBillingSettings(t, "Atelier", { currency: "USD" }, NOW, locked))).toMatchObject({ status: 409, code: "billing_locked" });
    expect((await updateBillingSettings(t, "Atelier", { invoiceDay: 28, numberPrefix: "F" }, NOW, locked)).invoiceDay).toBe(28);
    expect(asked).toEqual([{ currency: true, invoiceDay: false }, { currency: false, invoiceDay: true }]);
    expect((await billingSettingsOf(t)).currency).toBe("EUR");
  });
});

describe("plans", () => {
  it("are created with their defaults and the groups they open", async () => {
    const { t, billing, member } = await community();
    await t.db.insert(groups).values({ id: newId(), tenantId: t.tenantId, slug: "residents", name: "Residents", description: "", joinPolicy: "open", questions: [], links: [], ownerId: await member(), createdAt: NOW });
    const plan = await createPlan(t, billing, monthly({ taxRate: 5.5, setupFee: { amount: 2500, currency: "EUR" }, credits: { minutes: 600, categories: ["rooms", "rooms"] }, groups: ["residents"] }), NOW);
    expect(plan).toMatchObject({
      name: "Flex desk",
      description: "",
      price: { amount: 4999, currency: "EUR" },
      intervalMonths: 1,
      taxRate: 5.5,
      approvalRequired: false,
      hidden: false,
      noticeDays: 0,
      setupFee: { amount: 2500, currency: "EUR" },
      credits: { minutes: 600, categories: ["rooms"] },
      groups: ["residents"],
      archived: false,
    });
  });

  it("refuse another currency (422 currency_mismatch) and an unknown group (422 on groups)", async () => {
    const { t, billing } = await community();
    expect(await refusal(createPlan(t, billing, monthly({ price: { amount: 100, currency: "USD" } }), NOW))).toMatchObject({ status: 422, code: "currency_mismatch", fields: { price: expect.any(String) } });
    expect(await refusal(createPlan(t, billing, monthly({ groups: ["nope"] }), NOW))).toMatchObject({ status: 422, code: "validation_failed", fields: { groups: expect.any(String) } });
    expect(await listPlans(t, { all: true })).toEqual([]);
  });

  it("hidden and archived plans are not offered; a hidden plan has its own link; archive and restore", async () => {
    const { t, billing } = await community();
    const open = await createPlan(t, billing, monthly({ name: "Open" }), NOW);
    const hidden = await createPlan(t, billing, monthly({ name: "Secret", hidden: true }), NOW);
    const old = await createPlan(t, billing, monthly({ name: "Old" }), NOW);
    await setPlanArchived(t, old.id, true, NOW);
    expect((await listPlans(t, { all: false })).map((p) => p.name)).toEqual(["Open"]);
    expect((await listPlans(t, { all: true })).map((p) => [p.name, p.archived])).toEqual([
      ["Old", true],
      ["Open", false],
      ["Secret", false],
    ]);
    expect((await getPlan(t, hidden.id, { archived: false }))?.name).toBe("Secret");
    expect(await getPlan(t, old.id, { archived: false })).toBeNull();
    expect((await setPlanArchived(t, old.id, false, NOW)).archived).toBe(false);
    expect((await updatePlan(t, open.id, { price: { amount: 5999, currency: "EUR" }, noticeDays: 30 }, NOW)).price.amount).toBe(5999);
  });
});

describe("memberships", () => {
  it("a plan without approval is active at once; with approval it waits (no access) until confirmed", async () => {
    const { t, billing, member } = await community();
    const open = await createPlan(t, billing, monthly(), NOW);
    const vetted = await createPlan(t, billing, monthly({ name: "Resident", approvalRequired: true }), NOW);
    const a = await startMembership(t, billing, at("2027-02-10"), { userId: await member(), planId: open.id }, "member");
    expect(a.status).toBe("active");
    expect(givesAccess(a, "2027-02-10")).toBe(true);
    const b = await startMembership(t, billing, at("2027-02-10"), { userId: await member(), planId: vetted.id, startsOn: "2027-02-12" }, "member");
    expect(b.status).toBe("pending_approval");
    expect(givesAccess(b, "2027-02-12")).toBe(false);
    const [view] = await viewsOf(t, [b], billing, "2027-02-12");
    expect(view).toMatchObject({ currentPeriod: null, nextInvoiceDate: null });
    // Confirmed on the 15th, after its start day: it starts on the day of confirmation.
    const confirmed = await confirmMembership(t, at("2027-02-15"), b);
    expect(confirmed).toMatchObject({ status: "active", startsOn: "2027-02-15", periodsFrom: "2027-02-15" });
    expect(await refusal(confirmMembership(t, at("2027-02-15"), confirmed))).toMatchObject({ status: 409, code: "membership_not_pending" });
  });

  it("an admin's assignment is confirmed, whatever the plan asks", async () => {
    const { t, billing, member } = await community();
    const vetted = await createPlan(t, billing, monthly({ approvalRequired: true }), NOW);
    const m = await startMembership(t, billing, at("2027-02-10"), { userId: await member(), planId: vetted.id, startsOn: "2026-12-01" }, "admin");
    expect(m).toMatchObject({ status: "active", startsOn: "2026-12-01" });
  });

  it("members start today up to a year ahead (422 otherwise); archived plans cannot be chosen", async () => {
    const { t, billing, member } = await community();
    const plan = await createPlan(t, billing, monthly(), NOW);
    const user = await member();
    expect(await refusal(startMembership(t, billing, at("2027-02-10"), { userId: user, planId: plan.id, startsOn: "2027-02-09" }, "member"))).toMatchObject({ status: 422, fields: { startsOn: expect.any(String) } });
    expect(await refusal(startMembership(t, billing, at("2027-02-10"), { userId: user, planId: plan.id, startsOn: "2028-02-11" }, "member"))).toMatchObject({ status: 422 });
    await setPlanArchived(t, plan.id, true, NOW);
    expect(await refusal(startMembership(t, billing, at("2027-02-10"), { userId: user, planId: plan.id }, "member"))).toMatchObject({ status: 422, code: "plan_unavailable" });
    expect(await latestMembership(t, user)).toBeNull();
  });

  it("one at a time: of 10 concurrent choices exactly one gets in, the others 409 membership_exists", async () => {
    const { t, billing, member } = await community();
    const plan = await createPlan(t, billing, monthly(), NOW);
    const user = await member();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => startMembership(t, billing, at("2027-02-10"), { userId: user, planId: plan.id }, "member")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => (r.reason as ApiError).code);
    expect(refused).toEqual(Array(9).fill("membership_exists"));
    expect((await listMemberships(t, billing, "2027-02-10", { limit: 50 })).items).toHaveLength(1);
  });

  it("periods follow the invoice day: a start on the 15th has a short first period, then whole months", async () => {
    const { t, billing, member } = await community();
    const plan = await createPlan(t, billing, monthly(), NOW);
    const m = await startMembership(t, billing, at("2027-01-15"), { userId: await member(), planId: plan.id }, "member");
    const [view] = await viewsOf(t, [m], billing, "2027-01-20");
    expect(view).toMatchObject({ status: "active", startedOn: "2027-01-15", currentPeriod: { start: "2027-01-15", end: "2027-01-31" }, nextInvoiceDate: "2027-02-01", cancelsOn: null, scheduledChange: null });
  });

  it("cancelling: cancelsOn is the end of the first period ending 30 days of notice after today; undo; the job ends it the day after, once", async () => {
    const { t, billing, member } = await community();
    const plan = await createPlan(t, billing, monthly({ noticeDays: 30 }), NOW);
    const m = await startMembership(t, billing, at("2027-01-15"), { userId: await member(), planId: plan.id }, "member");
    // 2027-02-10 + 30 days = 2027-03-12, in the period 2027-03-01..2027-03-31.
    const canceling = await cancelMembership(t, billing, at("2027-02-10"), m);
    expect(canceling).toMatchObject({ status: "canceling", cancelsOn: "2027-03-31" });
    expect((await viewsOf(t, [canceling], billing, "2027-02-10"))[0]!.nextInvoiceDate).toBe("2027-03-01");
    expect((await viewsOf(t, [canceling], billing, "2027-03-05"))[0]!.nextInvoiceDate).toBeNull();
    const undone = await undoCancel(t, at("2027-02-11"), canceling);
    expect(undone).toMatchObject({ status: "active", cancelsOn: null });
    const again = await cancelMembership(t, billing, at("2027-03-02"), undone);
    // 2027-03-02 + 30 = 2027-04-01, in the period 2027-04-01..2027-04-30.
    expect(again.cancelsOn).toBe("2027-04-30");
    expect((await applyMembershipChanges(t, at("2027-04-30"))).ended).toHaveLength(0);
    expect(givesAccess(again, "2027-04-30")).toBe(true);
    expect((await applyMembershipChanges(t, at("2027-05-01"))).ended.map((r) => r.id)).toEqual([m.id]);
    expect((await applyMembershipChanges(t, at("2027-05-01"))).ended).toHaveLength(0);
    expect((await latestMembership(t, m.userId))!.status).toBe("canceled");
    expect(await refusal(undoCancel(t, at("2027-05-02"), (await latestMembership(t, m.userId))!))).toMatchObject({ status: 409, code: "membership_not_canceling" });
  });

  it("cancelling a pending membership ends it at once (a declined request); an admin may end one today", async () => {
    const { t, billing, member } = await community();
    const vetted = await createPlan(t, billing, monthly({ approvalRequired: true, noticeDays: 60 }), NOW);
    const pending = await startMembership(t, billing, at("2027-02-10"), { userId: await member(), planId: vetted.id }, "member");
    expect(await cancelMembership(t, billing, at("2027-02-10"), pending)).toMatchObject({ status: "canceled", cancelsOn: null });
    const active = await startMembership(t, billing, at("2027-02-10"), { userId: await member(), planId: vetted.id }, "admin");
    expect(await refusal(cancelMembership(t, billing, at("2027-02-10"), active, "2027-02-09"))).toMatchObject({ status: 422, fields: { on: expect.any(String) } });
    expect(await cancelMembership(t, billing, at("2027-02-10"), active, "2027-02-10")).toMatchObject({ status: "canceling", cancelsOn: "2027-02-10" });
    expect((await applyMembershipChanges(t, at("2027-02-11"))).ended).toHaveLength(1);
  });

  it("changing plan takes effect at the next period; the job applies it once; refused while canceling or pending or to the same plan", async () => {
    const { t, billing, member } = await community();
    const flex = await createPlan(t, billing, monthly({ name: "Flex" }), NOW);
    const fixed = await createPlan(t, billing, monthly({ name: "Fixed", intervalMonths: 3, price: { amount: 45000, currency: "EUR" } }), NOW);
    const m = await startMembership(t, billing, at("2027-01-15"), { userId: await member(), planId: flex.id }, "member");
    expect(await refusal(changePlan(t, billing, at("2027-02-10"), m, flex.id))).toMatchObject({ status: 422, code: "plan_unavailable" });
    const scheduled = await changePlan(t, billing, at("2027-02-10"), m, fixed.id);
    expect(scheduled).toMatchObject({ changePlanId: fixed.id, changeOn: "2027-03-01" });
    const [view] = await viewsOf(t, [scheduled], billing, "2027-02-10");
    expect(view!.scheduledChange).toMatchObject({ plan: { id: fixed.id }, on: "2027-03-01" });
    expect((await applyMembershipChanges(t, at("2027-02-28"))).changed).toHaveLength(0);
    expect((await applyMembershipChanges(t, at("2027-03-01"))).changed).toHaveLength(1);
    expect((await applyMembershipChanges(t, at("2027-03-01"))).changed).toHaveLength(0);
    const now = (await latestMembership(t, m.userId))!;
    expect(now).toMatchObject({ planId: fixed.id, periodsFrom: "2027-03-01", changePlanId: null });
    // Three-month periods from March 1st.
    expect((await viewsOf(t, [now], billing, "2027-04-10"))[0]).toMatchObject({ currentPeriod: { start: "2027-03-01", end: "2027-05-31" }, nextInvoiceDate: "2027-06-01" });
    const canceling = await cancelMembership(t, billing, at("2027-04-10"), now);
    expect(await refusal(changePlan(t, billing, at("2027-04-10"), canceling, flex.id))).toMatchObject({ status: 409, code: "membership_canceling" });
    const vetted = await createPlan(t, billing, monthly({ name: "Vetted", approvalRequired: true }), NOW);
    const pending = await startMembership(t, billing, at("2027-02-10"), { userId: await member(), planId: vetted.id }, "member");
    expect(await refusal(changePlan(t, billing, at("2027-02-10"), pending, flex.id))).toMatchObject({ status: 409, code: "membership_pending" });
  });

  it("cancelling drops a scheduled change; billing details are kept and edited", async () => {
    const { t, billing, member } = await community();
    const a = await createPlan(t, billing, monthly({ name: "A" }), NOW);
    const b = await createPlan(t, billing, monthly({ name: "B" }), NOW);
    const m = await startMembership(t, billing, at("2027-02-01"), { userId: await member(), planId: a.id, billing: { name: "Łukasz Ștefan", address: "1 rue de la Paix, Paris" } }, "member");
    const changed = await changePlan(t, billing, at("2027-02-10"), m, b.id);
    const canceling = await cancelMembership(t, billing, at("2027-02-10"), changed);
    expect(canceling).toMatchObject({ changePlanId: null, changeOn: null });
    const edited = await editBilling(t, at("2027-02-10"), canceling, { taxId: "FR12345678901" });
    expect((await viewsOf(t, [edited], billing, "2027-02-10"))[0]!.billing).toEqual({ name: "Łukasz Ștefan", address: "1 rue de la Paix, Paris", taxId: "FR12345678901" });
  });
});

describe("paid groups", () => {
  async function paidGroup() {
    const c = await community();
    const owner = await c.member();
    const groupId = newId();
    await c.t.db.insert(groups).values({ id: groupId, tenantId: c.t.tenantId, slug: `paid-${groupId.slice(0, 6)}`, name: "Residents", description: "", joinPolicy: "open", questions: [], links: [], ownerId: owner, createdAt: NOW });
    await c.t.db.insert(memberships).values({ tenantId: c.t.tenantId, groupId, userId: owner, role: "owner", createdAt: NOW });
    const slug = (await c.t.db.select({ slug: groups.slug }).from(groups).where(eq(groups.id, groupId)))[0]!.slug;
    const resident = await createPlan(c.t, c.billing, monthly({ name: "Resident", price: { amount: 19900, currency: "EUR" }, groups: [slug] }), NOW);
    const secret = await createPlan(c.t, c.billing, monthly({ name: "Secret", hidden: true, groups: [slug] }), NOW);
    const flex = await createPlan(c.t, c.billing, monthly({ name: "Flex" }), NOW);
    const inGroup = async (userId: string) => (await c.t.db.select().from(memberships).where(and(eq(memberships.groupId, groupId), eq(memberships.userId, userId)))).length === 1;
    const join = (userId: string) => c.t.db.insert(memberships).values({ tenantId: c.t.tenantId, groupId, userId, role: "member", createdAt: NOW });
    return { ...c, owner, groupId, resident, secret, flex, inGroup, join };
  }

  it("refuse a member without a plan that opens the group: 403 plan_required offering the plans (not hidden ones)", async () => {
    const { t, billing, member, groupId, resident, flex } = await paidGroup();
    const user = await member();
    let err: ApiError | null = null;
    await assertPlanAllowsJoin(t, groupId, user, Date.UTC(2027, 1, 10, 12), false).catch((e: ApiError) => (err = e));
    expect(err).toMatchObject({ status: 403, code: "plan_required", extra: { plans: [{ id: resident.id, name: "Resident", price: { amount: 19900, currency: "EUR" } }] } });
    // A membership on another plan does not open it; on the resident plan it does, from its start day.
    const m = await startMembership(t, billing, at("2027-02-10"), { userId: user, planId: flex.id }, "member");
    await expect(assertPlanAllowsJoin(t, groupId, user, Date.UTC(2027, 1, 10, 12), false)).rejects.toMatchObject({ code: "plan_required" });
    await cancelMembership(t, billing, at("2027-02-10"), m, "2027-02-10");
    await applyMembershipChanges(t, at("2027-02-11"));
    await startMembership(t, billing, at("2027-02-11"), { userId: user, planId: resident.id, startsOn: "2027-02-20" }, "member");
    await expect(assertPlanAllowsJoin(t, groupId, user, Date.UTC(2027, 1, 19, 12), false)).rejects.toMatchObject({ code: "plan_required" });
    await expect(assertPlanAllowsJoin(t, groupId, user, Date.UTC(2027, 1, 20, 12), false)).resolves.toBeUndefined();
    // Exempt (owners, admins, moderators, a tenant admin's invitation): no plan needed.
    await expect(assertPlanAllowsJoin(t, groupId, await member(), Date.UTC(2027, 1, 10, 12), true)).resolves.toBeUndefined();
  });

  it("a member whose membership ends, or moves to a plan that does not open the group, leaves it; the group's owner stays; once", async () => {
    const { t, billing, member, owner, resident, secret, flex, inGroup, join } = await paidGroup();
    const leaver = await member();
    const mover = await member();
    const stayer = await member();
    const a = await startMembership(t, billing, at("2027-01-01"), { userId: leaver, planId: resident.id }, "member");
    const b = await startMembership(t, billing, at("2027-01-01"), { userId: mover, planId: resident.id }, "member");
    const c = await startMembership(t, billing, at("2027-01-01"), { userId: stayer, planId: resident.id }, "member");
    const o = await startMembership(t, billing, at("2027-01-01"), { userId: owner, planId: flex.id }, "member");
    for (const u of [leaver, mover, stayer]) await join(u);
    await cancelMembership(t, billing, at("2027-02-10"), a, "2027-02-20");
    await changePlan(t, billing, at("2027-02-10"), b, flex.id);
    await changePlan(t, billing, at("2027-02-10"), c, secret.id);
    await cancelMembership(t, billing, at("2027-02-10"), o, "2027-02-20");
    expect((await applyMembershipChanges(t, at("2027-02-20"))).ended).toHaveLength(0);
    expect(await inGroup(leaver)).toBe(true);
    const run = await applyMembershipChanges(t, at("2027-03-01"));
    expect([run.ended.length, run.changed.length]).toEqual([2, 2]);
    expect(await inGroup(leaver)).toBe(false);
    expect(await inGroup(mover)).toBe(false);
    expect(await inGroup(stayer)).toBe(true);
    expect(await inGroup(owner)).toBe(true);
    // Joined again (say by an admin) after the run: a second run at the same time takes nobody out.
    await join(leaver);
    expect(await applyMembershipChanges(t, at("2027-03-01"))).toMatchObject({ ended: [], changed: [] });
    expect(await inGroup(leaver)).toBe(true);
  });

  it("the development clock runs the job for the tenant of the host", async () => {
    const tenant = await makeTenant();
    const t = tenantDb(env, tenant);
    const billing = await billingSettingsOf(t);
    const plan = await createPlan(t, billing, monthly(), NOW);
    const userId = newId();
    await t.db.insert(users).values({ id: userId, tenantId: t.tenantId, email: `${userId}@example.com`, name: "Clock", tenantRole: "member", status: "active", createdAt: NOW });
    const m = await startMembership(t, billing, at("2027-01-01"), { userId, planId: plan.id }, "member");
    await cancelMembership(t, billing, at("2027-01-10"), m);
    expect((await latestMembership(t, userId))!.cancelsOn).toBe("2027-01-31");
    const tick = (iso: string) => call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: iso } });
    expect((await tick("2027-01-31T22:00:00Z")).status).toBe(200); // 23:00 in Paris, still the 31st
    expect((await latestMembership(t, userId))!.status).toBe("canceling");
    const res = await tick("2027-01-31T23:30:00Z"); // 00:30 on February 1st in Paris
    expect(((await res.json()) as { ran: string[] }).ran).toContain("memberships");
    expect((await latestMembership(t, userId))!.status).toBe("canceled");
  });
});
