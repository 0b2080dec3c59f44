import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tenantDb } from "../db/client";
import { forgetMemberPlans } from "../memberships/cache";
import { clockOf } from "../memberships/service";
import { call, getPage, makeTenant, signUpMember, type TestTenant, tenantAndUserRows } from "../test/helpers";
import { dashboardPage } from "./service";

// The dashboard's view is remembered by the identities of the cached reads it is made of
// (service.ts `dashboardPage`), not by their contents. These tests hold the two sides of that:
// in the steady state the view is the very same object (nothing is rebuilt or serialised), and
// what changes with time alone, while every cached read stays the same object, still shows at
// once: the banner's window closing, an announcement's `until` passing, a membership's last
// day ending at midnight. Only `Date` is faked, and each step moves it by less than the read
// caches' few seconds, so the same cached objects are read before and after.

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const setNow = (ms: number | string) => vi.setSystemTime(typeof ms === "string" ? Date.parse(ms) : ms);

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
const page = async (tenant: TestTenant, cookie: string) => {
  const res = await getPage(tenant, "/?lang=en", cookie);
  expect(res.status).toBe(200);
  return res.text();
};
describe("the dashboard's remembered view", () => {
  it("is the same object while its reads stay the same, and a new one, equal in content, once one of them is read again", async () => {
    setNow("2027-03-10T10:00:00Z");
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "view-same@example.org", "Vera View");
    const plan = (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Resident", price: { amount: 9000, currency: "EUR" }, intervalMonths: 1 } }), 201)).plan.id;
    await ok(await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: member.id, planId: plan } }), 201);
    await ok(await call(tenant.host, "POST", "/api/v1/announcements", { cookie: tenant.owner.cookie, json: { title: "Hello", body: "All of you." } }), 201);
    const r = await tenantAndUserRows(tenant.id, member.id);
    const t = tenantDb(env, r.tenant);
    const clock = clockOf(r.tenant);
    // (A cold read may load one cache twice, its roles for instance, once for the groups and once
    // for the events, and keep the second: the steady state starts from the second view.)
    await dashboardPage(t, r.tenant, r.user, clock.today, clock.now, false);
    const first = await dashboardPage(t, r.tenant, r.user, clock.today, clock.now, false);
    expect(first.membership?.plan.name).toBe("Resident");
    expect(first.announcements.map((a) => a.title)).toEqual(["Hello"]);
    expect(await dashboardPage(t, r.tenant, r.user, clock.today, clock.now, false)).toBe(first);
    // Another reader's view, or the same member viewing as a member, is another object.
    expect(await dashboardPage(t, r.tenant, r.user, clock.today, clock.now, true)).not.toBe(first);
    // The memberships read again (what a write does): a new object with the same content.
    forgetMemberPlans(tenant.id, [member.id]);
    const again = await dashboardPage(t, r.tenant, r.user, clock.today, clock.now, false);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    // The community's row read again (a renamed community is a new row): a new view too.
    expect(await dashboardPage(t, { ...r.tenant }, r.user, clock.today, clock.now, false)).not.toBe(again);
  });

  it("drops the status banner when its window closes, with nothing else read again", async () => {
    setNow("2027-03-10T10:00:00Z");
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "view-banner@example.org");
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { status: { state: "temporarily_closed", message: "Closed for works", until: "2027-03-10T10:00:02Z" } } }));
    expect(await page(tenant, member.cookie)).toContain("Closed for works");
    setNow("2027-03-10T10:00:01.999Z");
    expect(await page(tenant, member.cookie)).toContain("Closed for works");
    setNow("2027-03-10T10:00:02Z");
    const after = await page(tenant, member.cookie);
    expect(after).not.toContain("Closed for works");
    expect(after).not.toContain("dashboard-status");
  });

  it("drops an announcement when its `until` passes, with nothing else read again", async () => {
    setNow("2027-03-10T10:00:00Z");
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "view-until@example.org");
    await ok(await call(tenant.host, "POST", "/api/v1/announcements", { cookie: tenant.owner.cookie, json: { title: "Stays", body: "Here." } }), 201);
    await ok(await call(tenant.host, "POST", "/api/v1/announcements", { cookie: tenant.owner.cookie, json: { title: "Short notice", body: "Gone soon.", until: "2027-03-10T10:00:02Z" } }), 201);
    const before = await page(tenant, member.cookie);
    expect(before).toContain("Short notice");
    expect(before).toContain("Stays");
    setNow("2027-03-10T10:00:02Z");
    const after = await page(tenant, member.cookie);
    expect(after).not.toContain("Short notice");
    expect(after).toContain("Stays");
    // And the API says the same.
    const api = await ok<{ announcements: { title: string }[] }>(await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: member.cookie }));
    expect(api.announcements.map((a) => a.title)).toEqual(["Stays"]);
  });

  it("drops a plan's announcement at midnight after the membership's last day, with nothing else read again", async () => {
    // Europe/Paris is UTC+1 in March before the 28th: midnight of the 11th is 23:00 UTC on the 10th.
    setNow("2027-03-10T10:00:00Z");
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "view-midnight@example.org");
    const plan = (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Resident", price: { amount: 9000, currency: "EUR" }, intervalMonths: 1 } }), 201)).plan.id;
    const membership = (await ok<{ membership: { id: string } }>(await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: member.id, planId: plan } }), 201)).membership.id;
    await ok(await call(tenant.host, "POST", `/api/v1/memberships/${membership}/cancel`, { cookie: tenant.owner.cookie, json: { on: "2027-03-10" } }));
    await ok(await call(tenant.host, "POST", "/api/v1/announcements", { cookie: tenant.owner.cookie, json: { title: "Residents only", body: "Plan news.", plans: [plan] } }), 201);
    setNow("2027-03-10T22:59:58Z");
    expect(await page(tenant, member.cookie)).toContain("Residents only");
    setNow("2027-03-10T22:59:59.999Z");
    expect(await page(tenant, member.cookie)).toContain("Residents only");
    setNow("2027-03-10T23:00:00Z");
    expect(await page(tenant, member.cookie)).not.toContain("Residents only");
  });

  it("marks an unpaid invoice overdue at midnight after its due day, with nothing else read again", async () => {
    // Terms of 14 days: the invoice issued on August 1st is due on August 15th. All charges
    // invoiced and no plan, so no next invoice: at midnight (22:00 UTC, Paris in summer) only the
    // day changes.
    setNow("2026-07-25T10:00:00Z");
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "view-overdue@example.org");
    await ok(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { paymentTermsDays: 14 } }));
    await ok(await call(tenant.host, "POST", `/api/v1/members/${member.id}/charges`, { cookie: tenant.owner.cookie, json: { description: "Printing", amount: { amount: 2500, currency: "EUR" }, taxRate: 20 } }), 201);
    await ok(await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: "2026-08-01T08:00:00Z" } }));
    const invoiceItem = (html: string) => /<li class="(dashboard-invoice[^"]*)">/.exec(html)?.[1];
    setNow("2026-08-15T21:59:58Z");
    expect(invoiceItem(await page(tenant, member.cookie))).toBe("dashboard-invoice");
    setNow("2026-08-15T21:59:59.999Z");
    expect(invoiceItem(await page(tenant, member.cookie))).toBe("dashboard-invoice");
    setNow("2026-08-15T22:00:00Z");
    expect(invoiceItem(await page(tenant, member.cookie))).toBe("dashboard-invoice dashboard-invoice-overdue");
  });
});
