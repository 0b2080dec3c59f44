import { describe, expect, it } from "vitest";
import { addDays, dayInTimeZone } from "./periods";
import { onePlanAnswer } from "../plans/answers";
import { answer, isStrict } from "../test/answers";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { membershipAnswer, membershipListAnswer, membershipListItemAnswer, oneMembershipAnswer } from "./answers";

// The membership routes' answers parsed by their schemas (answers.ts), every route called for
// real: the member's own membership through its states, and the admins' routes.

const today = () => dayInTimeZone(Date.now(), "Europe/Paris");

describe("memberships: the answers match their schemas", () => {
  it("the member's own: choose, read, change and drop the change, billing details, cancel and undo", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    const plan = async (name: string, amount: number) =>
      (await answer(onePlanAnswer, await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: { name, price: { amount, currency: "EUR" }, intervalMonths: 1 } }), 201)).plan;
    const basic = await plan("Basic", 9900);
    const pro = await plan("Pro", 19900);
    const member = await signUpMember(tenant, "ms-answers@example.com", "Mia Member");
    const me = (method: string, path = "", json?: unknown) => call(tenant.host, method, `/api/v1/me/membership${path}`, { cookie: member.cookie, ...(json !== undefined ? { json } : {}) });

    const chosen = (await answer(oneMembershipAnswer, await me("POST", "", { planId: basic.id }), 201)).membership;
    expect(chosen).toMatchObject({ status: "active", startedOn: today(), billing: null, scheduledChange: null, cancelsOn: null });
    expect(chosen.currentPeriod).not.toBeNull();
    isStrict(membershipAnswer, chosen);
    expect(await answer(membershipAnswer, await me("GET"))).toEqual(chosen);

    const changing = (await answer(oneMembershipAnswer, await me("POST", "/change", { planId: pro.id }))).membership;
    expect(changing.scheduledChange?.plan.id).toBe(pro.id);
    expect((await answer(oneMembershipAnswer, await me("DELETE", "/change"))).membership.scheduledChange).toBeNull();
    const billed = (await answer(oneMembershipAnswer, await me("PATCH", "/billing", { name: "Mia SARL", address: "1 rue de la Paix\n75002 Paris", taxId: "FR123" }))).membership;
    expect(billed.billing).toEqual({ name: "Mia SARL", address: "1 rue de la Paix\n75002 Paris", taxId: "FR123" });
    const canceling = (await answer(oneMembershipAnswer, await me("POST", "/cancel"))).membership;
    expect(canceling.status).toBe("canceling");
    expect(canceling.cancelsOn).not.toBeNull();
    expect((await answer(oneMembershipAnswer, await me("POST", "/undo-cancel"))).membership).toMatchObject({ status: "active", cancelsOn: null });
  });

  it("the admins': list, assign, read, confirm, change, billing, cancel with a day, undo", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    const approval = (await answer(onePlanAnswer, await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: { name: "Studio", price: { amount: 15000, currency: "EUR" }, intervalMonths: 3, approvalRequired: true } }), 201)).plan;
    const other = (await answer(onePlanAnswer, await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: { name: "Desk", price: { amount: 9000, currency: "EUR" }, intervalMonths: 1 } }), 201)).plan;
    const asking = await signUpMember(tenant, "ms-asking@example.com", "Ada Asking");
    const placed = await signUpMember(tenant, "ms-placed@example.com", "Paul Placed");
    const pending = (await answer(oneMembershipAnswer, await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: asking.cookie, json: { planId: approval.id } }), 201)).membership;
    expect(pending).toMatchObject({ status: "pending_approval", currentPeriod: null, nextInvoiceDate: null });

    const assigned = (await answer(oneMembershipAnswer, await call(tenant.host, "POST", "/api/v1/memberships", { cookie: admin, json: { userId: placed.id, planId: other.id, startsOn: addDays(today(), 10) } }), 201)).membership;
    expect(assigned).toMatchObject({ status: "active", userId: placed.id, currentPeriod: null });
    const list = await answer(membershipListAnswer, await call(tenant.host, "GET", "/api/v1/memberships?limit=1", { cookie: admin }));
    expect(list.items).toHaveLength(1);
    expect(list.nextCursor).not.toBeNull();
    isStrict(membershipListItemAnswer, list.items[0]!);
    const page2 = await answer(membershipListAnswer, await call(tenant.host, "GET", `/api/v1/memberships?limit=1&cursor=${encodeURIComponent(list.nextCursor!)}`, { cookie: admin }));
    expect(page2.items[0]?.member).toEqual({ id: asking.id, name: "Ada Asking", email: "ms-asking@example.com" });

    const at = (id: string, path: string) => `/api/v1/memberships/${id}${path}`;
    expect((await answer(oneMembershipAnswer, await call(tenant.host, "GET", at(pending.id, ""), { cookie: admin }))).membership).toEqual(pending);
    const confirmed = (await answer(oneMembershipAnswer, await call(tenant.host, "POST", at(pending.id, "/confirm"), { cookie: admin }))).membership;
    expect(confirmed.status).toBe("active");
    const changed = (await answer(oneMembershipAnswer, await call(tenant.host, "POST", at(pending.id, "/change"), { cookie: admin, json: { planId: other.id } }))).membership;
    expect(changed.scheduledChange?.plan.id).toBe(other.id);
    const billed = (await answer(oneMembershipAnswer, await call(tenant.host, "PATCH", at(pending.id, "/billing"), { cookie: admin, json: { name: "Ada Ltd", address: "2 Main St" } }))).membership;
    expect(billed.billing).toEqual({ name: "Ada Ltd", address: "2 Main St", taxId: null });
    const canceled = (await answer(oneMembershipAnswer, await call(tenant.host, "POST", at(pending.id, "/cancel"), { cookie: admin, json: { on: addDays(today(), 3) } }))).membership;
    expect(canceled).toMatchObject({ status: "canceling", cancelsOn: addDays(today(), 3) });
    expect((await answer(oneMembershipAnswer, await call(tenant.host, "POST", at(pending.id, "/undo-cancel"), { cookie: admin }))).membership.status).toBe("active");
  });
});
