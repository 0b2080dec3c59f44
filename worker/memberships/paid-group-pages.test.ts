import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { newId } from "../db/ids";
import { groups, memberships, users } from "../db/schema";
import { billingSettingsOf } from "../invoices/settings";
import { createPlan, planInput, setPlanArchived, type PlanInput } from "../plans/service";
import { listMembers } from "../groups/membership";
import { loadGroup } from "../groups/service";
import { env, makeTenant } from "../test/helpers";
import { paidGroupFor, startPlanForGroup } from "./paid-groups";
import { cancelMembership, confirmMembership, givesAccess, latestMembership, startMembership, type Clock } from "./service";

// What the paid group's pages read, as services: the plans offered and the reader's standing
// (`paidGroupFor`), choosing a plan for a group (`startPlanForGroup`), and the plan column of a
// group's member list, which must say exactly what `givesAccess` says.

const NOW = Date.UTC(2027, 1, 10, 9);
const at = (today: string): Clock => ({ today, now: NOW });
const monthly = (over: Partial<PlanInput> = {}): PlanInput => planInput.parse({ name: "Flex", price: { amount: 4999, currency: "EUR" }, intervalMonths: 1, ...over });

async function paidGroup() {
  const tenant = await makeTenant();
  const t = tenantDb(env, tenant);
  const billing = await billingSettingsOf(t);
  const person = async (tenantRole: "owner" | "member" = "member") => {
    const id = newId();
    await t.db.insert(users).values({ id, tenantId: t.tenantId, email: `${id}@example.com`, name: `P ${id.slice(0, 6)}`, tenantRole, status: "active", createdAt: NOW });
    return id;
  };
  const owner = await person("owner");
  const groupId = newId();
  const slug = `paid-${groupId.slice(0, 6).toLowerCase()}`;
  await t.db.insert(groups).values({ id: groupId, tenantId: t.tenantId, slug, name: "Residents", description: "", joinPolicy: "open", questions: [], links: [], ownerId: owner, createdAt: NOW });
  await t.db.insert(memberships).values({ tenantId: t.tenantId, groupId, userId: owner, role: "owner", createdAt: NOW });
  const resident = await createPlan(t, billing, monthly({ name: "Resident", description: "A desk", groups: [slug] }), NOW);
  const vetted = await createPlan(t, billing, monthly({ name: "Vetted", approvalRequired: true, intervalMonths: 3, groups: [slug] }), NOW);
  const hidden = await createPlan(t, billing, monthly({ name: "Hidden", hidden: true, groups: [slug] }), NOW);
  const flex = await createPlan(t, billing, monthly({ name: "Flex" }), NOW);
  const join = (userId: string) => t.db.insert(memberships).values({ tenantId: t.tenantId, groupId, userId, role: "member", createdAt: NOW });
  return { t, billing, person, owner, groupId, slug, resident, vetted, hidden, flex, join };
}

describe("paid group pages' services", () => {
  it("paidGroupFor: the plans offered (not hidden, not archived; description, interval, approval) and each reader's standing", async () => {
    const { t, billing, person, groupId, resident, vetted, flex } = await paidGroup();
    const reader = async (userId: string, exempt = false) => (await paidGroupFor(t, groupId, { userId, exempt }, "2027-02-10"))!;
    const visitor = (await paidGroupFor(t, groupId, null, "2027-02-10"))!;
    expect(visitor).toEqual({
      plans: [
        { id: resident.id, name: "Resident", price: { amount: 4999, currency: "EUR" }, description: "A desk", intervalMonths: 1, approvalRequired: false },
        { id: vetted.id, name: "Vetted", price: { amount: 4999, currency: "EUR" }, description: "", intervalMonths: 3, approvalRequired: true },
      ],
      standing: null,
      current: null,
    });
    const none = await person();
    expect((await reader(none)).standing).toBe("choose");
    expect((await reader(none, true)).standing).toBe("exempt");
    const onFlex = await person();
    await startMembership(t, billing, at("2027-02-10"), { userId: onFlex, planId: flex.id }, "member");
    expect(await reader(onFlex)).toMatchObject({ standing: "other", current: { id: flex.id, name: "Flex" } });
    const waiting = await person();
    await startMembership(t, billing, at("2027-02-10"), { userId: waiting, planId: vetted.id }, "member");
    expect(await reader(waiting)).toMatchObject({ standing: "pending", current: { id: vetted.id, name: "Vetted" } });
    const later = await person();
    await startMembership(t, billing, at("2027-02-10"), { userId: later, planId: resident.id, startsOn: "2027-03-01" }, "member");
    expect((await reader(later)).standing).toBe("other");
    const inside = await person();
    await startMembership(t, billing, at("2027-02-10"), { userId: inside, planId: resident.id }, "member");
    expect((await reader(inside)).standing).toBe("access");
    // A group no plan opens is not paid; archiving a plan takes it off the offer at once.
    await setPlanArchived(t, vetted.id, true, NOW);
    expect((await paidGroupFor(t, groupId, null, "2027-02-10"))!.plans.map((p) => p.name)).toEqual(["Resident"]);
  });

  it("startPlanForGroup: a plan of the group starts today (pending when it needs approval, answered again as pending); another or an archived plan is refused; access already held starts nothing", async () => {
    const { t, billing, person, groupId, resident, vetted, hidden, flex } = await paidGroup();
    const a = await person();
    expect(await startPlanForGroup(t, billing, at("2027-02-10"), groupId, a, resident.id)).toMatchObject({ status: "active", startsOn: "2027-02-10", planId: resident.id });
    expect(await startPlanForGroup(t, billing, at("2027-02-10"), groupId, a, vetted.id)).toBeNull();
    const b = await person();
    const pending = await startPlanForGroup(t, billing, at("2027-02-10"), groupId, b, vetted.id);
    expect(pending).toMatchObject({ status: "pending_approval" });
    expect(await startPlanForGroup(t, billing, at("2027-02-10"), groupId, b, resident.id)).toMatchObject({ id: pending!.id, status: "pending_approval" });
    const c = await person();
    await expect(startPlanForGroup(t, billing, at("2027-02-10"), groupId, c, flex.id)).rejects.toMatchObject({ status: 422, fields: { planId: expect.any(String) } });
    await setPlanArchived(t, hidden.id, true, NOW);
    await expect(startPlanForGroup(t, billing, at("2027-02-10"), groupId, c, hidden.id)).rejects.toMatchObject({ status: 422 });
    expect(await latestMembership(t, c)).toBeNull();
    const d = await person();
    await startMembership(t, billing, at("2027-02-10"), { userId: d, planId: flex.id }, "member");
    await expect(startPlanForGroup(t, billing, at("2027-02-10"), groupId, d, resident.id)).rejects.toMatchObject({ status: 409, code: "membership_exists" });
  });

  it("the member list's plan is the plan whose membership gives access that day (givesAccess), in one page of over 100 members", async () => {
    const { t, billing, person, owner, slug, resident, vetted, flex, join } = await paidGroup();
    const add = async (planId: string, opts: { startsOn?: string; cancelOn?: string; confirm?: boolean } = {}) => {
      const userId = await person();
      let m = await startMembership(t, billing, at("2027-02-10"), { userId, planId, ...(opts.startsOn ? { startsOn: opts.startsOn } : {}) }, "member");
      if (opts.confirm) m = await confirmMembership(t, at("2027-02-10"), m);
      if (opts.cancelOn) await cancelMembership(t, billing, at("2027-02-10"), m, opts.cancelOn);
      await join(userId);
      return userId;
    };
    const active = await add(resident.id);
    const future = await add(resident.id, { startsOn: "2027-02-20" });
    const waiting = await add(vetted.id);
    const confirmed = await add(vetted.id, { confirm: true });
    const lastDay = await add(resident.id, { cancelOn: "2027-02-10" });
    const other = await add(flex.id);
    for (let i = 0; i < 100; i++) await join(await person());
    for (const day of ["2027-02-10", "2027-02-11", "2027-02-20"]) {
      const ctx = await loadGroup(t, slug, (await t.db.select().from(users).where(eq(users.id, owner)))[0]!);
      const { rows } = await listMembers(t, ctx, { limit: 200, cursor: null, today: day });
      expect(rows).toHaveLength(107);
      for (const userId of [owner, active, future, waiting, confirmed, lastDay, other]) {
        const m = await latestMembership(t, userId);
        const expected = m && m.planId !== flex.id && givesAccess(m, day) ? m.planId : null;
        expect(rows.find((r) => r.userId === userId)?.plan?.id ?? null, `${userId} on ${day}`).toBe(expected);
      }
    }
  });
});
