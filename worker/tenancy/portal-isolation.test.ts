import { describe, expect, it } from "vitest";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// The member portal's records across communities (contract, Hosts: a record of tenant A is
// never readable or writable through tenant B's host, it answers 404 as if it did not exist):
// plans, memberships, announcements, the groups a plan opens, and the development clock's
// membership job, which runs for the host's community only.

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

const code = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code });

async function portal(tenant: TestTenant, email: string) {
  expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Residents", slug: "residents", joinPolicy: "open" } })).status).toBe(201);
  const plan = (await json<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Resident", price: { amount: 100, currency: "EUR" }, intervalMonths: 1, groups: ["residents"] } }), 201)).plan;
  const member = await signUpMember(tenant, email);
  const membership = (await json<{ membership: { id: string } }>(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.id } }), 201)).membership;
  const announcement = (await json<{ announcement: { id: string } }>(await call(tenant.host, "POST", "/api/v1/announcements", { cookie: tenant.owner.cookie, json: { title: `News of ${tenant.subdomain}`, body: "Hello" } }), 201)).announcement;
  return { plan, member, membership, announcement };
}

describe("the member portal across communities", () => {
  it("A's plans, memberships and announcements are 404 through B's host, even to B's owner, and never listed there", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const inA = await portal(a, "iso-a@example.com");
    const inB = await portal(b, "iso-b@example.com");
    const asB = (method: string, path: string, body?: unknown) => call(b.host, method, path, { cookie: b.owner.cookie, ...(body !== undefined ? { json: body } : {}) });

    for (const [method, path, body] of [
      ["GET", `/api/v1/plans/${inA.plan.id}`],
      ["PATCH", `/api/v1/plans/${inA.plan.id}`, { name: "Taken" }],
      ["DELETE", `/api/v1/plans/${inA.plan.id}`],
      ["POST", `/api/v1/plans/${inA.plan.id}/restore`],
      ["GET", `/api/v1/memberships/${inA.membership.id}`],
      ["POST", `/api/v1/memberships/${inA.membership.id}/confirm`],
      ["POST", `/api/v1/memberships/${inA.membership.id}/cancel`, {}],
      ["POST", `/api/v1/memberships/${inA.membership.id}/undo-cancel`],
      ["POST", `/api/v1/memberships/${inA.membership.id}/change`, { planId: inB.plan.id }],
      ["PATCH", `/api/v1/memberships/${inA.membership.id}/billing`, { name: "X" }],
      ["PATCH", `/api/v1/announcements/${inA.announcement.id}`, { title: "Taken" }],
      ["DELETE", `/api/v1/announcements/${inA.announcement.id}`],
      // An admin of B cannot put A's member on a plan.
      ["POST", "/api/v1/memberships", { userId: inA.member.id, planId: inB.plan.id }],
    ] as [string, string, unknown?][]) {
      expect([method, path, (await asB(method, path, body)).status]).toEqual([method, path, 404]);
    }
    // Nor choose, target or open A's records from B.
    const fresh = await signUpMember(b, "iso-b2@example.com");
    expect(await code(await call(b.host, "POST", "/api/v1/me/membership", { cookie: fresh.cookie, json: { planId: inA.plan.id } }))).toEqual({ status: 422, code: "plan_unavailable" });
    expect((await asB("POST", "/api/v1/announcements", { title: "x", body: "y", plans: [inA.plan.id] })).status).toBe(422);

    // Lists and dashboards in B show B's only.
    const ids = async (path: string) => (await json<{ items: { id: string }[] }>(await asB("GET", path), 200)).items.map((x) => x.id);
    expect(await ids("/api/v1/plans")).toEqual([inB.plan.id]);
    expect(await ids("/api/v1/memberships")).toEqual([inB.membership.id]);
    expect(await ids("/api/v1/announcements")).toEqual([inB.announcement.id]);
    const dash = await json<{ announcements: { id: string }[] }>(await call(b.host, "GET", "/api/v1/me/dashboard", { cookie: inB.member.cookie }), 200);
    expect(dash.announcements.map((x) => x.id)).toEqual([inB.announcement.id]);

    // A's records are untouched.
    const plan = await json<{ plan: { name: string; archived: boolean } }>(await call(a.host, "GET", `/api/v1/plans/${inA.plan.id}`, { cookie: a.owner.cookie }), 200);
    expect(plan.plan).toMatchObject({ name: "Resident", archived: false });
    const m = await json<{ membership: { status: string; billing: unknown } }>(await call(a.host, "GET", `/api/v1/memberships/${inA.membership.id}`, { cookie: a.owner.cookie }), 200);
    expect(m.membership).toMatchObject({ status: "active", billing: null });
  });

  it("the development clock on B's host runs B's membership job only", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const inA = await portal(a, "clock-a@example.com");
    const inB = await portal(b, "clock-b@example.com");
    // Both end today (an admin's cancel on today's date: the last day of access).
    const on = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(Date.now());
    await json(await call(a.host, "POST", `/api/v1/memberships/${inA.membership.id}/cancel`, { cookie: a.owner.cookie, json: { on } }), 200);
    await json(await call(b.host, "POST", `/api/v1/memberships/${inB.membership.id}/cancel`, { cookie: b.owner.cookie, json: { on } }), 200);
    const status = async (t: TestTenant, id: string) => (await json<{ membership: { status: string } }>(await call(t.host, "GET", `/api/v1/memberships/${id}`, { cookie: t.owner.cookie }), 200)).membership.status;
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    expect((await call(b.host, "POST", "/api/v1/dev/scheduled", { json: { at: later } })).status).toBe(200);
    expect([await status(a, inA.membership.id), await status(b, inB.membership.id)]).toEqual(["canceling", "canceled"]);
    expect((await call(a.host, "POST", "/api/v1/dev/scheduled", { json: { at: later } })).status).toBe(200);
    expect(await status(a, inA.membership.id)).toBe("canceled");
  });
});
