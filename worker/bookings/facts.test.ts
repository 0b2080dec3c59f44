import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { periodContaining } from "../memberships/periods";
import { countedRequest } from "../test/counted-request";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { at, HOUR, iso } from "../test/time";

// POST /api/v1/bookings prices a booking from facts kept a few seconds per isolate (facts.ts):
// in the steady state it costs two D1 calls (the session, the write batch), three on a miss. The
// facts are never trusted: here they are changed straight in D1, behind this isolate's back (as
// another isolate would), and the next booking must be priced, or refused, on the real ones.

const slot = (resourceId: string, days: number, hour: number, hours = 1) => ({ resourceId, from: iso(at(days, hour)), to: iso(at(days, hour) + hours * HOUR) });

type Booking = { id: string; price: { amount: number; currency: string }; creditsUsedMinutes: number };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}
async function resource(tenant: TestTenant, json: Record<string, unknown> = {}) {
  return (await ok<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Salle Hopper", category: "rooms", pricePerHour: { amount: 2000, currency: "EUR" }, ...json } }), 201)).resource;
}
async function plan(tenant: TestTenant, json: Record<string, unknown> = {}) {
  return (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1, ...json } }), 201)).plan;
}
async function memberOn(tenant: TestTenant, email: string, planId: string) {
  const m = await signUpMember(tenant, email, "Fay Facts");
  await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: m.cookie, json: { planId } }), 201);
  return m;
}

/** The after-response work (the outbox's drain, webhooks' due check): not the request's cost. */
const afterResponse = (call: string[]) => call.every((s) => /\b(outbox|dev_mail|webhook_\w+)\b/i.test(s));

/** One request through `worker.fetch` on a counted D1: its status, body and the D1 calls the request made. */
async function counted(tenant: TestTenant, cookie: string, method: string, path: string, json: unknown): Promise<{ status: number; body: string; calls: string[][] }> {
  const { status, body, counted: c } = await countedRequest(tenant.host, method, path, { cookie, json });
  return { status, body, calls: c.log.filter((x) => !afterResponse(x)) };
}

const book = (tenant: TestTenant, cookie: string, json: Record<string, unknown>) => call(tenant.host, "POST", "/api/v1/bookings", { cookie, json });
const booked = async (tenant: TestTenant, cookie: string, json: Record<string, unknown>) => (await ok<{ booking: Booking }>(await book(tenant, cookie, json), 201)).booking;
const refusal = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code });
const membershipOf = async (userId: string) => (await env.DB.prepare("select id, periods_from from plan_memberships where user_id = ?1 and status <> 'canceled'").bind(userId).first<{ id: string; periods_from: string }>())!;

describe("POST /api/v1/bookings: D1 calls", () => {
  it("makes 3 D1 calls on a cold isolate (session, one batch of reads, the write batch), then 2 (session, write batch); the preview 2", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant, { credits: { minutes: 120 } });
    const room = await resource(tenant);
    const fay = await memberOn(tenant, "facts-count@example.com", p.id);
    const cold = await counted(tenant, fay.cookie, "POST", "/api/v1/bookings", slot(room.id, 8, 9));
    expect(cold.status, cold.body).toBe(201);
    expect(cold.calls.length, JSON.stringify(cold.calls)).toBeLessThanOrEqual(3);
    const steady = await counted(tenant, fay.cookie, "POST", "/api/v1/bookings", slot(room.id, 8, 10));
    expect(steady.status, steady.body).toBe(201);
    expect(steady.calls.length, JSON.stringify(steady.calls)).toBe(2);
    expect(steady.calls[0]!.join(" ")).toMatch(/sessions/);
    expect(steady.calls[1]![0]).toMatch(/^insert into bookings/);
    // 60 credit minutes left of 120, then 20.00 €/h: 60 credits, 0 cents.
    expect(JSON.parse(steady.body)).toMatchObject({ booking: { creditsUsedMinutes: 60, price: { amount: 0 } } });
    const preview = await counted(tenant, fay.cookie, "POST", "/api/v1/bookings/preview", slot(room.id, 8, 11));
    expect(preview.status, preview.body).toBe(200);
    expect(preview.calls.length, JSON.stringify(preview.calls)).toBe(2);
    // Credits spent: 20.00 €/h × 1 h = 2000 cents.
    expect(JSON.parse(preview.body)).toEqual({ price: { amount: 2000, currency: "EUR" }, creditsUsedMinutes: 0, available: true, problems: [] });
  });
});

describe("POST /api/v1/bookings on facts changed behind this isolate's back", () => {
  it("a membership canceled elsewhere: 403 membership_required, nothing booked", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const room = await resource(tenant);
    const fay = await memberOn(tenant, "facts-canceled@example.com", p.id);
    await booked(tenant, fay.cookie, slot(room.id, 8, 9));
    await env.DB.prepare("update plan_memberships set status = 'canceled', ended_at = ?2 where user_id = ?1").bind(fay.id, Date.now()).run();
    expect(await refusal(await book(tenant, fay.cookie, slot(room.id, 8, 10)))).toEqual({ status: 403, code: "membership_required" });
    expect((await env.DB.prepare("select count(*) as n from bookings where user_id = ?1").bind(fay.id).first<{ n: number }>())!.n).toBe(1);
  });

  it("a resource's price, its plan price, the plan's credits changed elsewhere: the new price is charged", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const room = await resource(tenant);
    const fay = await memberOn(tenant, "facts-price@example.com", p.id);
    // 20.00 €/h × 1 h.
    expect(await booked(tenant, fay.cookie, slot(room.id, 8, 9))).toMatchObject({ price: { amount: 2000 }, creditsUsedMinutes: 0 });
    await env.DB.prepare("update resources set price_per_hour_amount = 3000 where id = ?1").bind(room.id).run();
    // 30.00 €/h × 1 h.
    expect(await booked(tenant, fay.cookie, slot(room.id, 8, 10))).toMatchObject({ price: { amount: 3000 }, creditsUsedMinutes: 0 });
    await env.DB.prepare("update resources set plan_prices = ?2 where id = ?1").bind(room.id, JSON.stringify({ [p.id]: 1250 })).run();
    // The plan's price: 12.50 €/h × 2 h = 2500 cents.
    expect(await booked(tenant, fay.cookie, slot(room.id, 8, 11, 2))).toMatchObject({ price: { amount: 2500 }, creditsUsedMinutes: 0 });
    await env.DB.prepare("update plans set credit_minutes = 30 where id = ?1").bind(p.id).run();
    // 30 credit minutes, then 30 minutes at 12.50 €/h = 625 cents.
    expect(await booked(tenant, fay.cookie, slot(room.id, 8, 14))).toMatchObject({ price: { amount: 625 }, creditsUsedMinutes: 30 });
  });

  it("credits used by bookings written elsewhere (added or removed): the credits and the charge come from the real sum", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant, { credits: { minutes: 120 } });
    const room = await resource(tenant);
    const desk = await resource(tenant, { name: "Desk", units: 10 });
    const fay = await memberOn(tenant, "facts-credits@example.com", p.id);
    const first = await booked(tenant, fay.cookie, slot(room.id, 8, 9));
    expect(first).toMatchObject({ creditsUsedMinutes: 60, price: { amount: 0 } });
    const { period_start: period, membership_id: membershipId } = (await env.DB.prepare("select period_start, membership_id from bookings where id = ?1").bind(first.id).first<{ period_start: string; membership_id: string }>())!;
    // Another isolate books 60 credit minutes of the same period: 120 used, none left.
    await env.DB.prepare(
      "insert into bookings (id, tenant_id, resource_id, user_id, from_ms, to_ms, price_amount, currency, credits_used_minutes, membership_id, period_start, created_at) values (?1, ?2, ?3, ?4, ?5, ?6, 0, 'EUR', 60, ?7, ?8, ?9)",
    )
      .bind(`elsewhere-${first.id}`, tenant.id, desk.id, fay.id, at(8, 15), at(8, 16), membershipId, period, Date.now())
      .run();
    // No credits left: 20.00 €/h × 1 h = 2000 cents.
    expect(await booked(tenant, fay.cookie, slot(room.id, 8, 10))).toMatchObject({ creditsUsedMinutes: 0, price: { amount: 2000 } });
    // Another isolate cancels both credit bookings: 0 used, the next hour is all credits (a stale 120 would charge 2000).
    await env.DB.prepare("delete from bookings where id in (?1, ?2)").bind(first.id, `elsewhere-${first.id}`).run();
    expect(await booked(tenant, fay.cookie, slot(room.id, 8, 11))).toMatchObject({ creditsUsedMinutes: 60, price: { amount: 0 } });
    // 90 minutes: the 60 credit minutes left, then 30 minutes at 20.00 €/h = 1000 cents.
    expect(await booked(tenant, fay.cookie, { resourceId: room.id, from: iso(at(8, 12)), to: iso(at(8, 13) + 30 * 60_000) })).toMatchObject({ creditsUsedMinutes: 60, price: { amount: 1000 } });
  });

  it("a resource hidden, hidden from the member, or deleted elsewhere: 404, nothing booked", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const fay = await memberOn(tenant, "facts-hidden@example.com", p.id);
    const rooms = [await resource(tenant, { name: "A" }), await resource(tenant, { name: "B" }), await resource(tenant, { name: "C" })];
    for (const [i, r] of rooms.entries()) await booked(tenant, fay.cookie, slot(r.id, 8, 9 + i));
    await env.DB.prepare("update resources set hidden = 1 where id = ?1").bind(rooms[0]!.id).run();
    await env.DB.prepare("insert into hidden_resources (tenant_id, user_id, resource_id) values (?1, ?2, ?3)").bind(tenant.id, fay.id, rooms[1]!.id).run();
    await env.DB.prepare("update resources set deleted_at = ?2 where id = ?1").bind(rooms[2]!.id, Date.now()).run();
    for (const r of rooms) expect(await refusal(await book(tenant, fay.cookie, slot(r.id, 9, 9)))).toEqual({ status: 404, code: "not_found" });
    expect((await env.DB.prepare("select count(*) as n from bookings where user_id = ?1").bind(fay.id).first<{ n: number }>())!.n).toBe(3);
  });

  it("the invoice day changed elsewhere: the credits of the period the new day gives", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant, { credits: { minutes: 60 } });
    const room = await resource(tenant, { units: 2 });
    const fay = await memberOn(tenant, "facts-invoice-day@example.com", p.id);
    // A day 40 to 50 days ahead whose day of the month is 2 to 28: the new invoice day.
    const k = [40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50].find((d) => Number(new Date(at(d, 9)).getUTCDate()) >= 2 && new Date(at(d, 9)).getUTCDate() <= 28)!;
    const day = iso(at(k, 9)).slice(0, 10);
    const newDay = new Date(at(k, 9)).getUTCDate();
    const { periods_from: from } = await membershipOf(fay.id);
    const before = periodContaining({ startsOn: from, invoiceDay: 1, intervalMonths: 1 }, day)!;
    const after = periodContaining({ startsOn: from, invoiceDay: newDay, intervalMonths: 1 }, day)!;
    expect(after.start).not.toBe(before.start);
    // The day's period under invoice day 1: its 60 credit minutes are used.
    expect(await booked(tenant, fay.cookie, slot(room.id, k, 9))).toMatchObject({ creditsUsedMinutes: 60, price: { amount: 0 } });
    expect(await booked(tenant, fay.cookie, slot(room.id, k, 10))).toMatchObject({ creditsUsedMinutes: 0, price: { amount: 2000 } });
    await env.DB.prepare("insert into billing_settings (tenant_id, invoice_day, updated_at) values (?1, ?2, ?3) on conflict (tenant_id) do update set invoice_day = excluded.invoice_day")
      .bind(tenant.id, newDay, Date.now())
      .run();
    // Under the new day that day opens a period of its own, whose credits are untouched.
    const b = await booked(tenant, fay.cookie, slot(room.id, k, 11));
    expect(b).toMatchObject({ creditsUsedMinutes: 60, price: { amount: 0 } });
    expect((await env.DB.prepare("select period_start from bookings where id = ?1").bind(b.id).first<{ period_start: string }>())!.period_start).toBe(after.start);
  });
});
