import { describe, expect, it } from "vitest";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// The contract's "Plans and memberships" and the billing settings, through HTTP: who may
// call what, the answers' shapes and the errors. The arithmetic is proven in
// memberships.test.ts against the services.

type Plan = { id: string; name: string; hidden: boolean; archived: boolean; price: { amount: number; currency: string } };
type Membership = { id: string; status: string; plan: { id: string }; cancelsOn: string | null; scheduledChange: unknown; billing: unknown };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

async function refused(res: Response): Promise<{ status: number; code: string; fields?: Record<string, string> }> {
  const body = (await res.json()) as { error: { code: string; fields?: Record<string, string> } };
  return { status: res.status, code: body.error.code, ...(body.error.fields ? { fields: body.error.fields } : {}) };
}

const plan = (tenant: TestTenant, json: Record<string, unknown>) =>
  call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { price: { amount: 4999, currency: "EUR" }, intervalMonths: 1, ...json } });

describe("plans over HTTP", () => {
  it("only tenant admins create (401 signed out, 403 members); everyone lists what they can choose; hidden plans have their own link", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "plans-member@example.com");
    expect((await call(tenant.host, "POST", "/api/v1/plans", { json: { name: "x" } })).status).toBe(401);
    expect(await refused(await call(tenant.host, "POST", "/api/v1/plans", { cookie: member.cookie, json: { name: "x", price: { amount: 1, currency: "EUR" }, intervalMonths: 1 } }))).toMatchObject({ status: 403 });
    const open = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Flex" }), 201)).plan;
    const hidden = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Friends", hidden: true }), 201)).plan;
    expect(open).toMatchObject({ name: "Flex", price: { amount: 4999, currency: "EUR" }, hidden: false, archived: false });
    const asMember = await ok<{ items: Plan[]; nextCursor: null }>(await call(tenant.host, "GET", "/api/v1/plans", { cookie: member.cookie }));
    expect(asMember.items.map((p) => p.name)).toEqual(["Flex"]);
    const asVisitor = await ok<{ items: Plan[] }>(await call(tenant.host, "GET", "/api/v1/plans"));
    expect(asVisitor.items.map((p) => p.name)).toEqual(["Flex"]);
    expect((await ok<{ plan: Plan }>(await call(tenant.host, "GET", `/api/v1/plans/${hidden.id}`, { cookie: member.cookie }))).plan.name).toBe("Friends");
    const asAdmin = await ok<{ items: Plan[] }>(await call(tenant.host, "GET", "/api/v1/plans", { cookie: tenant.owner.cookie }));
    expect(asAdmin.items.map((p) => p.name).sort()).toEqual(["Flex", "Friends"]);
  });

  it("validate (422 with fields, 422 currency_mismatch), archive (204) and restore; an archived plan is 404 to members", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "plans-archive@example.com");
    expect(await refused(await plan(tenant, { name: "", intervalMonths: 13 }))).toMatchObject({ status: 422, code: "validation_failed", fields: { name: expect.any(String), intervalMonths: expect.any(String) } });
    expect(await refused(await plan(tenant, { name: "Dollars", price: { amount: 100, currency: "USD" } }))).toMatchObject({ status: 422, code: "currency_mismatch" });
    const p = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Old" }), 201)).plan;
    expect((await call(tenant.host, "PATCH", `/api/v1/plans/${p.id}`, { cookie: tenant.owner.cookie, json: { noticeDays: 400 } })).status).toBe(422);
    expect((await ok<{ plan: Plan }>(await call(tenant.host, "PATCH", `/api/v1/plans/${p.id}`, { cookie: tenant.owner.cookie, json: { name: "Older" } }))).plan.name).toBe("Older");
    expect((await call(tenant.host, "DELETE", `/api/v1/plans/${p.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "GET", `/api/v1/plans/${p.id}`, { cookie: member.cookie })).status).toBe(404);
    expect((await ok<{ plan: Plan }>(await call(tenant.host, "GET", `/api/v1/plans/${p.id}`, { cookie: tenant.owner.cookie }))).plan.archived).toBe(true);
    expect((await ok<{ plan: Plan }>(await call(tenant.host, "POST", `/api/v1/plans/${p.id}/restore`, { cookie: tenant.owner.cookie }))).plan.archived).toBe(false);
    expect((await call(tenant.host, "DELETE", `/api/v1/plans/nope`, { cookie: tenant.owner.cookie })).status).toBe(404);
  });
});

describe("memberships over HTTP", () => {
  it("a member chooses a plan (201), once (409 membership_exists), reads it, cancels, undoes", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ms-member@example.com");
    const p = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Flex", noticeDays: 0 }), 201)).plan;
    expect(await refused(await call(tenant.host, "GET", "/api/v1/me/membership", { cookie: member.cookie }))).toMatchObject({ status: 404 });
    const created = await ok<{ membership: Membership }>(
      await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: p.id, billing: { name: "Ana Łęcka", address: "1 Main St" } } }),
      201,
    );
    expect(created.membership).toMatchObject({ status: "active", plan: { id: p.id }, billing: { name: "Ana Łęcka", address: "1 Main St", taxId: null } });
    expect(await refused(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: p.id } }))).toMatchObject({ status: 409, code: "membership_exists" });
    const read = await ok<Membership>(await call(tenant.host, "GET", "/api/v1/me/membership", { cookie: member.cookie }));
    expect(read.id).toBe(created.membership.id);
    const canceling = (await ok<{ membership: Membership }>(await call(tenant.host, "POST", "/api/v1/me/membership/cancel", { cookie: member.cookie }))).membership;
    expect(canceling.status).toBe("canceling");
    expect(canceling.cancelsOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await ok<{ membership: Membership }>(await call(tenant.host, "POST", "/api/v1/me/membership/undo-cancel", { cookie: member.cookie }))).membership.status).toBe("active");
  });

  it("each member action can be switched off: 403 feature_disabled (the owner, acting as one, is not stopped)", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ms-switch@example.com");
    const a = (await ok<{ plan: Plan }>(await plan(tenant, { name: "A" }), 201)).plan;
    const b = (await ok<{ plan: Plan }>(await plan(tenant, { name: "B" }), 201)).plan;
    await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: a.id } }), 201);
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { cancelMembership: false, changeMembership: false, editBillingDetails: false } } }));
    const asMember = (method: string, path: string, json?: unknown) => call(tenant.host, method, path, { cookie: member.cookie, ...(json ? { json } : {}) });
    expect(await refused(await asMember("POST", "/api/v1/me/membership/cancel"))).toMatchObject({ status: 403, code: "feature_disabled" });
    expect(await refused(await asMember("POST", "/api/v1/me/membership/change", { planId: b.id }))).toMatchObject({ status: 403, code: "feature_disabled" });
    expect(await refused(await asMember("PATCH", "/api/v1/me/membership/billing", { name: "X" }))).toMatchObject({ status: 403, code: "feature_disabled" });
    // Back on: the change is scheduled for the next period.
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { changeMembership: true } } }));
    const changed = (await ok<{ membership: Membership }>(await asMember("POST", "/api/v1/me/membership/change", { planId: b.id }))).membership;
    expect(changed.scheduledChange).toMatchObject({ plan: { id: b.id }, on: expect.stringMatching(/^\d{4}-\d{2}-01$/) });
    expect((await ok<{ membership: Membership }>(await asMember("DELETE", "/api/v1/me/membership/change"))).membership.scheduledChange).toBeNull();
  });

  it("approval: pending until an admin confirms; admins list with a status filter and pages, assign, cancel on a day", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ms-pending@example.com");
    const other = await signUpMember(tenant, "ms-assigned@example.com");
    const vetted = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Resident", approvalRequired: true }), 201)).plan;
    const pending = (await ok<{ membership: Membership }>(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: vetted.id } }), 201)).membership;
    expect(pending.status).toBe("pending_approval");
    expect(await refused(await call(tenant.host, "GET", "/api/v1/memberships", { cookie: member.cookie }))).toMatchObject({ status: 403 });
    const list = await ok<{ items: (Membership & { member: { email: string } })[]; nextCursor: string | null }>(
      await call(tenant.host, "GET", "/api/v1/memberships?status=pending_approval", { cookie: tenant.owner.cookie }),
    );
    expect(list.items.map((m) => m.member.email)).toEqual(["ms-pending@example.com"]);
    expect((await call(tenant.host, "GET", "/api/v1/memberships?status=nope", { cookie: tenant.owner.cookie })).status).toBe(422);
    expect(await refused(await call(tenant.host, "GET", "/api/v1/memberships?cursor=forged", { cookie: tenant.owner.cookie }))).toMatchObject({ status: 400, code: "invalid_cursor" });
    const confirmed = (await ok<{ membership: Membership }>(await call(tenant.host, "POST", `/api/v1/memberships/${pending.id}/confirm`, { cookie: tenant.owner.cookie }))).membership;
    expect(confirmed.status).toBe("active");
    expect(await refused(await call(tenant.host, "POST", `/api/v1/memberships/${pending.id}/confirm`, { cookie: tenant.owner.cookie }))).toMatchObject({ status: 409 });
    const assigned = (await ok<{ membership: Membership }>(await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: other.id, planId: vetted.id } }), 201)).membership;
    expect(assigned.status).toBe("active");
    expect((await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: "nobody", planId: vetted.id } })).status).toBe(404);
    const page = await ok<{ items: Membership[]; nextCursor: string | null }>(await call(tenant.host, "GET", "/api/v1/memberships?limit=1", { cookie: tenant.owner.cookie }));
    expect(page.items).toHaveLength(1);
    const next = await ok<{ items: Membership[]; nextCursor: string | null }>(await call(tenant.host, "GET", `/api/v1/memberships?limit=1&cursor=${page.nextCursor}`, { cookie: tenant.owner.cookie }));
    expect(next.items.map((m) => m.id)).not.toEqual(page.items.map((m) => m.id));
    expect(await refused(await call(tenant.host, "POST", `/api/v1/memberships/${assigned.id}/cancel`, { cookie: tenant.owner.cookie, json: { on: "2000-01-01" } }))).toMatchObject({ status: 422, fields: { on: expect.any(String) } });
    const ended = (await ok<{ membership: Membership }>(await call(tenant.host, "POST", `/api/v1/memberships/${assigned.id}/cancel`, { cookie: tenant.owner.cookie, json: {} }))).membership;
    expect(ended.status).toBe("canceling");
  });

  it("of 10 concurrent choices exactly one gets 201", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ms-race@example.com");
    const p = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Flex" }), 201)).plan;
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: p.id } })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
  });
});

describe("billing settings over HTTP", () => {
  it("answer a new community's defaults to its admins only, and change them", async () => {
    const tenant = await makeTenant({ name: "Atelier Ș" });
    const member = await signUpMember(tenant, "billing-member@example.com");
    expect((await call(tenant.host, "GET", "/api/v1/billing/settings", { cookie: member.cookie })).status).toBe(403);
    expect(await ok(await call(tenant.host, "GET", "/api/v1/billing/settings", { cookie: tenant.owner.cookie }))).toEqual({
      currency: "EUR",
      invoiceDay: 1,
      numberPrefix: "INV",
      paymentTermsDays: 14,
      defaultTaxRate: 0,
      seller: { name: "Atelier Ș", address: "", taxId: null, iban: null, bic: null },
      stripe: { connected: false },
    });
    expect(await refused(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { invoiceDay: 29 } }))).toMatchObject({ status: 422, fields: { invoiceDay: expect.any(String) } });
    expect(await refused(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { seller: { iban: "FR00 1234" } } }))).toMatchObject({ status: 422 });
    expect(await ok(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { invoiceDay: 15, seller: { address: "2 rue Ł" } } }))).toMatchObject({ invoiceDay: 15, seller: { address: "2 rue Ł" } });
    await ok(await plan(tenant, { name: "Flex" }), 201);
    expect(await refused(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { currency: "USD" } }))).toMatchObject({ status: 409, code: "billing_locked" });
  });
});

describe("paid groups over HTTP", () => {
  it("POST /groups/{slug}/join answers 403 plan_required with the plans beside the error, then lets a member on one of them in", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "paid-join@example.com");
    expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Residents", slug: "residents", joinPolicy: "open" } })).status).toBe(201);
    const resident = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Resident", price: { amount: 19900, currency: "EUR" }, groups: ["residents"] }), 201)).plan;
    await ok(await plan(tenant, { name: "Hidden", hidden: true, groups: ["residents"] }), 201);
    const join = () => call(tenant.host, "POST", "/api/v1/groups/residents/join", { cookie: member.cookie, json: {} });
    const first = await join();
    expect(first.status).toBe(403);
    expect(await first.json()).toMatchObject({ error: { code: "plan_required" }, plans: [{ id: resident.id, name: "Resident", price: { amount: 19900, currency: "EUR" } }] });
    await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: resident.id } }), 201);
    expect((await join()).status).toBe(200);
    // The owner needs no plan.
    expect((await call(tenant.host, "POST", "/api/v1/groups/residents/join", { cookie: tenant.owner.cookie, json: {} })).status).toBe(200);
  });
});

describe("a plan chosen at sign-up", () => {
  it("POST /auth/signup with planId and billing: the account and its membership (pending when the plan needs approval); an unavailable plan makes no account", async () => {
    const tenant = await makeTenant();
    const vetted = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Resident", approvalRequired: true }), 201)).plan;
    const old = (await ok<{ plan: Plan }>(await plan(tenant, { name: "Old" }), 201)).plan;
    await call(tenant.host, "DELETE", `/api/v1/plans/${old.id}`, { cookie: tenant.owner.cookie });
    const signup = (email: string, planId: string) =>
      call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email, password: "a long enough password", name: "Sam Plan", planId, billing: { name: "Sam Plan SRL", address: "Strada Ș 1" } } });
    const refusedPlan = await signup("plan-old@example.com", old.id);
    expect(await refused(refusedPlan)).toMatchObject({ status: 422, code: "plan_unavailable", fields: { planId: expect.any(String) } });
    expect((await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "plan-old@example.com", password: "a long enough password" } })).status).toBe(401);
    const res = await signup("plan-new@example.com", vetted.id);
    const body = await ok<{ status: string; membership: { status: string } }>(res, 201);
    expect(body).toMatchObject({ status: "active", membership: { status: "pending_approval" } });
    const cookie = res.headers.getSetCookie().find((h) => h.startsWith("sid="))!.split(";")[0]!;
    expect(await ok<Membership>(await call(tenant.host, "GET", "/api/v1/me/membership", { cookie }))).toMatchObject({ status: "pending_approval", plan: { id: vetted.id }, billing: { name: "Sam Plan SRL", address: "Strada Ș 1" } });
  });
});
