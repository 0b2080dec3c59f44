import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { TenantDb } from "../db/client";
import * as schema from "../db/schema";
import { invoices } from "../db/schema";
import { forgetInvoicesOf, invoiceFacts } from "../invoices/cache";
import { forgetMemberPlans } from "../memberships/cache";
import { clockOf } from "../memberships/service";
import { call, getPage, makeTenant, signUpMember, type TestTenant, tenantAndUserRows } from "../test/helpers";
import { readDashboard } from "./service";

// The dashboard's invoices (`GET /api/v1/me/dashboard` and `/`): the member's unpaid invoices,
// oldest due first, with a "Pay" link, and their next invoice from the run's own preview; and
// what it costs: no D1 round trip more for a community that never invoiced, the unpaid invoices
// read in the dashboard's one batch on a miss, none at all in the steady state.

type Money = { amount: number; currency: string };
type Dashboard = { nextInvoice: { date: string; total: Money } | null; unpaidInvoices: { id: string; number: string; total: Money; balance: Money; dueOn: string }[] };

const eur = (amount: number): Money => ({ amount, currency: "EUR" });
async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
const charge = async (tenant: TestTenant, userId: string, description: string, amount: number, taxRate = 0) =>
  ok(await call(tenant.host, "POST", `/api/v1/members/${userId}/charges`, { cookie: tenant.owner.cookie, json: { description, amount: eur(amount), taxRate } }), 201);
const tick = async (tenant: TestTenant, iso: string) => ok(await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: iso } }));
const dashboard = async (tenant: TestTenant, cookie: string) => ok<Dashboard>(await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie }));
const preview = async (tenant: TestTenant, cookie: string) => {
  const res = await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie });
  return res.status === 404 ? null : ((await res.json()) as { date: string; total: Money });
};

/**
 *   July 1st, terms 14 days: "Desk day" 10000 at 21 % (2100) → INV2026-0001, 12100, due 2026-07-15 (overdue);
 *   August 1st, terms 365 days: "Printing" 2500 at 20 % (500) → INV2026-0002, 3000, due 2027-08-01.
 */
async function billed() {
  const tenant = await makeTenant();
  await ok(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { paymentTermsDays: 14 } }));
  const member = await signUpMember(tenant, "dues@example.org", "Dee Dues");
  const other = await signUpMember(tenant, "clean@example.org", "Cleo Clean");
  await charge(tenant, member.id, "Desk day", 10000, 21);
  await tick(tenant, "2026-07-01T08:00:00Z");
  await ok(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { paymentTermsDays: 365 } }));
  await charge(tenant, member.id, "Printing", 2500, 20);
  await tick(tenant, "2026-08-01T08:00:00Z");
  return { tenant, member, other };
}

describe("the dashboard's invoices", () => {
  it("answers the unpaid invoices oldest due first and the next invoice as the preview computes it; writes show at once", async () => {
    const { tenant, member, other } = await billed();
    let d = await dashboard(tenant, member.cookie);
    // 12100 = 10000 + 2100; 3000 = 2500 + 500.
    expect(d.unpaidInvoices.map((i) => [i.number, i.total.amount, i.balance.amount, i.dueOn])).toEqual([
      ["INV2026-0001", 12100, 12100, "2026-07-15"],
      ["INV2026-0002", 3000, 3000, "2027-08-01"],
    ]);
    expect(Object.keys(d.unpaidInvoices[0]!).sort()).toEqual(["balance", "dueOn", "id", "number", "total"]);
    expect(d.nextInvoice).toBeNull();
    expect(await dashboard(tenant, other.cookie)).toMatchObject({ unpaidInvoices: [], nextInvoice: null });

    // A charge added: the next invoice appears (4000 + 5.5 % of 1000 = 55 → 5055), equal to the preview.
    await charge(tenant, member.id, "Locker", 4000);
    await charge(tenant, member.id, "Coffee", 1000, 5.5);
    d = await dashboard(tenant, member.cookie);
    const p = (await preview(tenant, member.cookie))!;
    expect(d.nextInvoice).toEqual({ date: p.date, total: eur(5055) });
    expect(p.total).toEqual(eur(5055));

    // Payments recorded by an admin (they forget the cached lists): the paid one is gone at once.
    const pay = async (id: string, amount: number) =>
      ok(await call(tenant.host, "POST", `/api/v1/invoices/${id}/payments`, { cookie: tenant.owner.cookie, json: { amount: eur(amount), method: "bank_transfer", paidOn: "2026-08-02" } }), 201);
    await pay(d.unpaidInvoices[0]!.id, 12100);
    await pay(d.unpaidInvoices[1]!.id, 1000);
    d = await dashboard(tenant, member.cookie);
    // 3000 − 1000 paid = 2000 left.
    expect(d.unpaidInvoices.map((i) => [i.number, i.total.amount, i.balance.amount])).toEqual([["INV2026-0002", 3000, 2000]]);

    // The run issues the pending charges: a new unpaid invoice, and nothing left for the next one.
    await tick(tenant, "2026-09-01T08:00:00Z");
    d = await dashboard(tenant, member.cookie);
    expect(d.unpaidInvoices.map((i) => [i.number, i.total.amount])).toEqual([
      ["INV2026-0002", 3000],
      ["INV2026-0003", 5055],
    ]);
    expect(d.nextInvoice).toBeNull();
  });

  it("shows the next invoice of a member on a plan, from the preview", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "planned@example.org");
    const plan = await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Desk", price: eur(20000), intervalMonths: 1, taxRate: 21 } }), 201);
    await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.plan.id } }), 201);
    const p = (await preview(tenant, member.cookie))!;
    expect(p).not.toBeNull();
    expect((await dashboard(tenant, member.cookie)).nextInvoice).toEqual({ date: p.date, total: p.total });
  });

  it("shows the unpaid invoices card on / with amounts, due days (overdue highlighted) and Pay links, and the next invoice beside the plan", async () => {
    const { tenant, member, other } = await billed();
    await charge(tenant, member.id, "Locker", 4000);
    const html = await (await getPage(tenant, "/?lang=en", member.cookie)).text();
    const card = /<section class="card dashboard-card dashboard-invoices-card"[\s\S]*?<\/section>/.exec(html)![0];
    const items = [...card.matchAll(/<li class="([^"]+)">([\s\S]*?)<\/li>/g)].map((m) => `${m[1]}: ${m[2]!.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()}`);
    expect(items).toEqual(["dashboard-invoice dashboard-invoice-overdue: INV2026-0001 €121.00 Overdue since July 15, 2026 Pay", "dashboard-invoice: INV2026-0002 €30.00 Due on August 1, 2027 Pay"]);
    const [first] = (await dashboard(tenant, member.cookie)).unpaidInvoices;
    expect(card).toContain(`<a class="btn btn-primary btn-sm" href="/membership/invoices/${first!.id}" aria-label="Pay invoice INV2026-0001">Pay</a>`);
    // The next invoice (4000, no tax) in the plan card.
    expect(html).toMatch(/<span class="dashboard-next-invoice-label">Next invoice<\/span><span class="dashboard-next-invoice-value">€40.00 on [A-Z][a-z]+ \d+, \d{4}<\/span>/);
    const fr = await (await getPage(tenant, "/?lang=fr", member.cookie)).text();
    expect(fr).toContain("En retard depuis le 15 juillet 2026");
    expect(fr).toContain("Factures à payer");
    // Nothing unpaid: no card.
    expect(await (await getPage(tenant, "/?lang=en", other.cookie)).text()).not.toContain("dashboard-invoices-card");
  });
});

/** A D1 binding that records every round trip: a statement run alone, or a batch (with its size). */
function counting(d1: D1Database): { d1: D1Database; trips: string[] } {
  const trips: string[] = [];
  const originals = new WeakMap<object, D1PreparedStatement>();
  const statement = (s: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(s, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => statement(target.bind(...args), sql);
        if (prop === "all" || prop === "first" || prop === "run" || prop === "raw")
          return (...args: unknown[]) => {
            trips.push(sql);
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    originals.set(proxy, s);
    return proxy;
  };
  const wrapped = new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => statement(target.prepare(sql), sql);
      if (prop === "batch")
        return (list: D1PreparedStatement[]) => {
          trips.push(`batch of ${list.length}`);
          return target.batch(list.map((s) => originals.get(s) ?? s));
        };
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { d1: wrapped, trips };
}

describe("what the dashboard's invoices cost", () => {
  it("adds no D1 round trip for a community that never invoiced; reads unpaid invoices in the dashboard's one batch on a miss; none in the steady state", async () => {
    // A community that never invoiced: its member's dashboard, caches cold for the member.
    const quiet = await makeTenant();
    const nobody = await signUpMember(quiet, "quiet@example.org");
    const q = await tenantAndUserRows(quiet.id, nobody.id);
    const qc = counting(env.DB);
    const qt: TenantDb = { db: drizzle(qc.d1, { schema }), tenantId: quiet.id, d1: qc.d1 };
    const clock = clockOf(q.tenant);
    await readDashboard(qt, q.tenant, q.user, clock.today, clock.now);
    // The member's caches cold; the community's invoice facts (read once per isolate, and
    // forgotten with the member's memberships) read again before counting.
    forgetMemberPlans(quiet.id, [nobody.id]);
    await invoiceFacts(qt);
    qc.trips.length = 0;
    const quietRead = await readDashboard(qt, q.tenant, q.user, clock.today, clock.now);
    // One round trip, as before invoices: the batch of the member's memberships, the announcements
    // and (bookings on by default) their upcoming bookings.
    expect(qc.trips).toEqual(["batch of 4"]);
    expect(quietRead.dashboard).toMatchObject({ unpaidInvoices: [], nextInvoice: null });
    qc.trips.length = 0;
    await readDashboard(qt, q.tenant, q.user, clock.today, clock.now);
    expect(qc.trips).toEqual([]);

    // A community with invoices: on a miss, the unpaid invoices come in the same batch.
    const { tenant, member } = await billed();
    const r = await tenantAndUserRows(tenant.id, member.id);
    const c = counting(env.DB);
    const t: TenantDb = { db: drizzle(c.d1, { schema }), tenantId: tenant.id, d1: c.d1 };
    await readDashboard(t, r.tenant, r.user, clock.today, clock.now);
    forgetMemberPlans(tenant.id, [member.id]);
    await invoiceFacts(t);
    c.trips.length = 0;
    const read = await readDashboard(t, r.tenant, r.user, clock.today, clock.now);
    expect(read.dashboard.unpaidInvoices.map((i) => i.number)).toEqual(["INV2026-0001", "INV2026-0002"]);
    expect(c.trips[0]).toBe("batch of 5");
    expect(c.trips.filter((s) => /from "invoices"/.test(s) && /"status" = /.test(s))).toEqual([]);
    // The steady state: nothing at all.
    c.trips.length = 0;
    await readDashboard(t, r.tenant, r.user, clock.today, clock.now);
    expect(c.trips).toEqual([]);
  });
});
