import { describe, expect, it } from "vitest";
import { answer, isStrict, noContent } from "../test/answers";
import { call, makeGroup, makeTenant } from "../test/helpers";
import { onePlanAnswer, planAnswer, planListAnswer } from "./answers";

// The plan routes' answers parsed by their schemas (answers.ts), every route called for real.

describe("plans: the answers match their schemas", () => {
  it("create, list (signed out and admin), read, change, archive, restore", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    await makeGroup(tenant, { slug: "studio", name: "Studio" });
    const body = { name: "Resident", description: "A desk of your own", price: { amount: 24900, currency: "EUR" }, intervalMonths: 1, taxRate: 5.5, noticeDays: 30, setupFee: { amount: 5000, currency: "EUR" }, credits: { minutes: 120, categories: ["rooms"] }, groups: ["studio"] };
    const { plan } = await answer(onePlanAnswer, await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: body }), 201);
    expect(plan).toMatchObject({ name: "Resident", price: body.price, taxRate: 5.5, credits: { minutes: 120, categories: ["rooms"] }, groups: ["studio"], archived: false });
    isStrict(planAnswer, plan);
    const hidden = (await answer(onePlanAnswer, await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: { name: "Friends", price: { amount: 0, currency: "EUR" }, intervalMonths: 12, hidden: true } }), 201)).plan;

    const offered = await answer(planListAnswer, await call(tenant.host, "GET", "/api/v1/plans"));
    expect(offered.items.map((p) => p.id)).toEqual([plan.id]);
    expect((await answer(onePlanAnswer, await call(tenant.host, "GET", `/api/v1/plans/${hidden.id}`))).plan.hidden).toBe(true);

    const changed = await answer(onePlanAnswer, await call(tenant.host, "PATCH", `/api/v1/plans/${plan.id}`, { cookie: admin, json: { name: "Resident+", groups: [] } }));
    expect(changed.plan).toMatchObject({ name: "Resident+", groups: [] });
    await noContent(await call(tenant.host, "DELETE", `/api/v1/plans/${plan.id}`, { cookie: admin }));
    const all = await answer(planListAnswer, await call(tenant.host, "GET", "/api/v1/plans", { cookie: admin }));
    expect(all.items.find((p) => p.id === plan.id)?.archived).toBe(true);
    expect((await answer(onePlanAnswer, await call(tenant.host, "POST", `/api/v1/plans/${plan.id}/restore`, { cookie: admin }))).plan.archived).toBe(false);
  });
});
