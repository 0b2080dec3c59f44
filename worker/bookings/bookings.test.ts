import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// The contract's bookings rows (API.md "Resources and bookings") through HTTP: the checks in
// order, no double booking under concurrency, prices and credits, the charge in the invoice
// preview, the calendar's privacy, cancelling. Requests run at the real time, so every slot is
// placed relative to now (whole hours in UTC; the community's timezone is Europe/Paris).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
/** A whole UTC hour `days` days ahead, at `hour` UTC. */
const at = (days: number, hour: number, minute = 0) => {
  const d = new Date(Date.now() + days * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour, minute);
};
/** The `day`th of the month `months` after the current one, at `hour` UTC. */
const inMonth = (months: number, day: number, hour: number) => {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, day, hour);
};

type Err = { status: number; code: string; problems?: string[]; fields?: Record<string, string> };
type Booking = { id: string; resource: { id: string; name: string; category: string }; from: string; to: string; price: { amount: number; currency: string }; creditsUsedMinutes: number };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
async function refused(res: Response): Promise<Err> {
  const body = (await res.json()) as { error: { code: string; fields?: Record<string, string> }; problems?: string[] };
  return { status: res.status, code: body.error.code, ...(body.problems ? { problems: body.problems } : {}), ...(body.error.fields ? { fields: body.error.fields } : {}) };
}

async function resource(tenant: TestTenant, json: Record<string, unknown> = {}) {
  return (await ok<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Salle Lovelace", category: "rooms", pricePerHour: { amount: 2000, currency: "EUR" }, ...json } }), 201)).resource;
}
async function plan(tenant: TestTenant, json: Record<string, unknown> = {}) {
  return (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1, ...json } }), 201)).plan;
}
/** A member signed up and put on `planId` (active from today). */
async function memberOn(tenant: TestTenant, email: string, planId: string | null, name = "Max Member") {
  const m = await signUpMember(tenant, email, name);
  if (planId) await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: m.cookie, json: { planId } }), 201);
  return m;
}
const book = (tenant: TestTenant, cookie: string, json: Record<string, unknown>) => call(tenant.host, "POST", "/api/v1/bookings", { cookie, json });
const preview = (tenant: TestTenant, cookie: string, json: Record<string, unknown>) => call(tenant.host, "POST", "/api/v1/bookings/preview", { cookie, json });

describe("booking: the checks in the contract's order", () => {
  it("401, 403 feature_disabled, 404 (unknown, hidden, hidden for the member), 403 membership_required, 422 listing every problem, 409 slot_taken", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    // On the plan since a week ago (an admin may start a membership any day), so that yesterday it gave access.
    const member = await memberOn(tenant, "bk-order@example.com", null);
    const weekAgo = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);
    await ok(await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: member.id, planId: p.id, startsOn: weekAgo } }), 201);
    const stranger = await memberOn(tenant, "bk-noplan@example.com", null);
    const r = await resource(tenant, { cutoffHours: 2, minMinutes: 30, maxMinutes: 120, openingHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from: "08:00", to: "20:00" })) });
    const hidden = await resource(tenant, { name: "Back office", hidden: true });
    const lab = await resource(tenant, { name: "Lab" });
    await ok(await call(tenant.host, "PUT", `/api/v1/members/${member.id}/hidden-resources`, { cookie: tenant.owner.cookie, json: { resourceIds: [lab.id] } }));
    const slot = { resourceId: r.id, from: iso(at(7, 9)), to: iso(at(7, 10)) };

    expect((await call(tenant.host, "POST", "/api/v1/bookings", { json: slot })).status).toBe(401);
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: false } } }));
    expect(await refused(await book(tenant, member.cookie, slot))).toMatchObject({ status: 403, code: "feature_disabled" });
    expect(await refused(await preview(tenant, member.cookie, slot))).toMatchObject({ status: 403, code: "feature_disabled" });
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: true } } }));
    expect(await refused(await book(tenant, member.cookie, { ...slot, resourceId: "nope" }))).toMatchObject({ status: 404 });
    expect(await refused(await book(tenant, member.cookie, { ...slot, resourceId: hidden.id }))).toMatchObject({ status: 404 });
    expect(await refused(await book(tenant, member.cookie, { ...slot, resourceId: lab.id }))).toMatchObject({ status: 404 });
    // A hidden resource is 404 before membership_required; membership_required before any rule.
    expect(await refused(await book(tenant, stranger.cookie, { ...slot, resourceId: hidden.id }))).toMatchObject({ status: 404 });
    expect(await refused(await book(tenant, stranger.cookie, { ...slot, from: iso(at(-1, 3)), to: iso(at(-1, 3, 10)) }))).toMatchObject({ status: 403, code: "membership_required" });
    // In the past (so inside the cutoff too), 10 minutes (too short), at 03:00Z (closed).
    expect(await refused(await book(tenant, member.cookie, { ...slot, from: iso(at(-1, 3)), to: iso(at(-1, 3, 10)) }))).toEqual({
      status: 422,
      code: "in_past",
      problems: ["in_past", "inside_cutoff", "too_short", "outside_opening_hours"],
    });
    expect(await refused(await book(tenant, member.cookie, { ...slot, from: iso(at(7, 8)), to: iso(at(7, 11)) }))).toMatchObject({ status: 422, code: "too_long", problems: ["too_long"] });
    // In an hour, on a whole minute (the clock read once: read twice, a tick between the reads
    // made `to` no whole minute, a 422 validation_failed).
    const now = Date.now();
    const soon = now + HOUR - ((now + HOUR) % 60_000);
    expect(await refused(await book(tenant, member.cookie, { ...slot, from: iso(soon), to: iso(soon + HOUR) }))).toMatchObject({ status: 422, problems: expect.arrayContaining(["inside_cutoff"]) });
    const first = await ok<{ booking: Booking }>(await book(tenant, member.cookie, slot), 201);
    expect(first.booking).toMatchObject({ id: expect.any(String), resource: { id: r.id, name: "Salle Lovelace", category: "rooms" }, from: slot.from, to: slot.to, price: { amount: 2000, currency: "EUR" }, creditsUsedMinutes: 0 });
    expect(await refused(await book(tenant, member.cookie, slot))).toMatchObject({ status: 409, code: "slot_taken" });
  });

  it("bad input is 422 in the envelope: whole minutes only, from < to, ISO times with a zone, strict fields", async () => {
    const tenant = await makeTenant();
    const r = await resource(tenant);
    const base = { resourceId: r.id, from: iso(at(7, 9)), to: iso(at(7, 10)) };
    const bad = async (json: Record<string, unknown>) => refused(await book(tenant, tenant.owner.cookie, json));
    expect(await bad({ ...base, from: iso(at(7, 9) + 30_000) })).toMatchObject({ status: 422, code: "validation_failed", fields: { from: expect.any(String) } });
    expect(await bad({ ...base, to: base.from })).toMatchObject({ status: 422, fields: { to: expect.any(String) } });
    expect(await bad({ ...base, from: "2030-01-01T09:00:00" })).toMatchObject({ status: 422, fields: { from: expect.any(String) } });
    expect(await bad({ ...base, from: "tomorrow" })).toMatchObject({ status: 422 });
    expect(await bad({ ...base, from: 5 })).toMatchObject({ status: 422 });
    expect(await bad({ ...base, title: "x".repeat(201) })).toMatchObject({ status: 422, fields: { title: expect.any(String) } });
    expect(await bad({ ...base, colour: "red" })).toMatchObject({ status: 422 });
    expect(await bad({ resourceId: r.id })).toMatchObject({ status: 422, fields: { from: expect.any(String), to: expect.any(String) } });
    // An offset is fine: 10:00+01:00 is 09:00Z.
    const d = new Date(at(7, 9));
    const local = `${d.toISOString().slice(0, 10)}T10:00:00+01:00`;
    expect((await ok<{ booking: Booking }>(await book(tenant, tenant.owner.cookie, { ...base, from: local }), 201)).booking.from).toBe(base.from);
  });
});

describe("booking: access and communities", () => {
  it("a booking that starts after the membership's last day of access is 403 membership_required; another community's resources and bookings are 404", async () => {
    const tenant = await makeTenant();
    const other = await makeTenant();
    const p = await plan(tenant, { noticeDays: 0 });
    const ana = await memberOn(tenant, "bk-cancels@example.com", p.id);
    const r = await resource(tenant);
    const mine = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, { resourceId: r.id, from: iso(at(1, 9)), to: iso(at(1, 10)) }), 201)).booking;
    const cancel = await ok<{ membership: { cancelsOn: string } }>(await call(tenant.host, "POST", "/api/v1/me/membership/cancel", { cookie: ana.cookie }));
    // cancelsOn is the end of the current period (invoice day 1): two months ahead is after it.
    expect(cancel.membership.cancelsOn < new Date(inMonth(2, 3, 9)).toISOString().slice(0, 10)).toBe(true);
    expect(await refused(await book(tenant, ana.cookie, { resourceId: r.id, from: iso(inMonth(2, 3, 9)), to: iso(inMonth(2, 3, 10)) }))).toMatchObject({ status: 403, code: "membership_required" });
    expect(await refused(await book(other, other.owner.cookie, { resourceId: r.id, from: iso(at(2, 9)), to: iso(at(2, 10)) }))).toMatchObject({ status: 404 });
    expect((await call(other.host, "GET", `/api/v1/bookings/${mine.id}`, { cookie: other.owner.cookie })).status).toBe(404);
    expect((await call(other.host, "DELETE", `/api/v1/bookings/${mine.id}`, { cookie: other.owner.cookie })).status).toBe(404);
    const range = `from=${encodeURIComponent(iso(at(0, 0)))}&to=${encodeURIComponent(iso(at(3, 0)))}`;
    expect((await ok<{ items: unknown[] }>(await call(other.host, "GET", `/api/v1/bookings?${range}`, { cookie: other.owner.cookie }))).items).toEqual([]);
  });
});

describe("no double booking", () => {
  it("of 50 concurrent requests for one slot of a one-unit resource exactly one gets 201, the others 409 slot_taken", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const members = await Promise.all([0, 1, 2, 3, 4].map((i) => memberOn(tenant, `bk-race${i}@example.com`, p.id)));
    const r = await resource(tenant);
    const slot = { resourceId: r.id, from: iso(at(9, 14)), to: iso(at(9, 15)) };
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => book(tenant, members[i % 5]!.cookie, slot)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(new Set(await Promise.all(answers.filter((a) => a.status === 409).map(async (a) => (await refused(a)).code)))).toEqual(new Set(["slot_taken"]));
    const rows = await env.DB.prepare("select count(*) as n from bookings where resource_id = ?1").bind(r.id).first<{ n: number }>();
    expect(rows?.n).toBe(1);
    // Its charge exists once: 20.00 €/h × 60 min = 2000 cents, one charge row.
    const charges = await env.DB.prepare("select count(*) as n, sum(amount) as total from charges where tenant_id = ?1 and kind = 'booking'").bind(tenant.id).first<{ n: number; total: number }>();
    expect(charges).toEqual({ n: 1, total: 2000 });
  });

  it("with units: 3, exactly three of 50 concurrent requests get 201", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const member = await memberOn(tenant, "bk-race3@example.com", p.id);
    const r = await resource(tenant, { units: 3 });
    const slot = { resourceId: r.id, from: iso(at(9, 14)), to: iso(at(9, 16)) };
    const statuses = (await Promise.all(Array.from({ length: 50 }, () => book(tenant, member.cookie, slot)))).map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(47);
  });

  it("intervals are half-open: back-to-back bookings are fine; overlaps count at every instant", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const member = await memberOn(tenant, "bk-b2b@example.com", p.id);
    const one = await resource(tenant);
    const b = (r: { id: string }, from: number, to: number) => book(tenant, member.cookie, { resourceId: r.id, from: iso(from), to: iso(to) });
    const h = (hour: number, minute = 0) => at(8, hour, minute);
    expect((await b(one, h(10), h(11))).status).toBe(201);
    expect((await b(one, h(11), h(12))).status).toBe(201);
    expect((await b(one, h(9), h(10))).status).toBe(201);
    expect((await b(one, h(10, 30), h(11, 30))).status).toBe(409);
    expect((await b(one, h(8), h(13))).status).toBe(409);
    // Two units: A [10, 12) and B [11, 13) leave one unit at 10:00 and at 12:00, none at 11:00.
    const two = await resource(tenant, { units: 2, name: "Desks" });
    expect((await b(two, h(10), h(12))).status).toBe(201);
    expect((await b(two, h(11), h(13))).status).toBe(201);
    expect((await b(two, h(9), h(12, 30))).status).toBe(409);
    expect((await b(two, h(11, 30), h(12, 30))).status).toBe(409);
    expect((await b(two, h(12), h(14))).status).toBe(201);
    expect((await b(two, h(12), h(13))).status).toBe(409);
    expect((await b(two, h(8), h(11))).status).toBe(201);
    expect((await b(two, h(13), h(15))).status).toBe(201);
  });
});

describe("prices and credits", () => {
  it("the plan's price else the base price, credits first (their categories), the rest half-up; each period has the full credits", async () => {
    const tenant = await makeTenant();
    const flex = await plan(tenant, { name: "Flex", credits: { minutes: 120, categories: ["rooms"] } });
    const basic = await plan(tenant, { name: "Basic" });
    const room = await resource(tenant, { pricePerHour: { amount: 2000, currency: "EUR" }, planPrices: { [flex.id]: { amount: 1500, currency: "EUR" } } });
    const desk = await resource(tenant, { name: "Desk", category: "desks", pricePerHour: { amount: 700, currency: "EUR" } });
    const odd = await resource(tenant, { name: "Booth", category: "rooms", pricePerHour: { amount: 1001, currency: "EUR" } });
    const ana = await memberOn(tenant, "bk-price-ana@example.com", flex.id, "Ana");
    const bob = await memberOn(tenant, "bk-price-bob@example.com", basic.id, "Bob");
    const slot = (r: { id: string }, from: number, minutes: number) => ({ resourceId: r.id, from: iso(from), to: iso(from + minutes * 60_000) });
    const m1 = (day: number, hour: number) => inMonth(1, day, hour);

    // Bob's plan has no price for the room: the base price, 20.00 €/h × 90 min = 3000 cents.
    expect(await ok(await preview(tenant, bob.cookie, slot(room, m1(3, 9), 90)))).toEqual({ price: { amount: 3000, currency: "EUR" }, creditsUsedMinutes: 0, available: true, problems: [] });
    // Ana: 90 of her 120 credit minutes, nothing to pay.
    const a1 = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, slot(room, m1(3, 9), 90)), 201)).booking;
    expect(a1).toMatchObject({ price: { amount: 0, currency: "EUR" }, creditsUsedMinutes: 90 });
    // Then 90 minutes more: 30 credit minutes left, 60 minutes at her plan's 15.00 €/h = 1500 cents.
    expect(await ok(await preview(tenant, ana.cookie, slot(room, m1(4, 9), 90)))).toEqual({ price: { amount: 1500, currency: "EUR" }, creditsUsedMinutes: 30, available: true, problems: [] });
    const a2 = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, slot(room, m1(4, 9), 90)), 201)).booking;
    expect(a2).toMatchObject({ price: { amount: 1500 }, creditsUsedMinutes: 30 });
    // Desks are not among her credits' categories: 7.00 €/h × 50 min = 583.33… → 583 cents.
    expect((await ok<{ booking: Booking }>(await book(tenant, ana.cookie, slot(desk, m1(5, 9), 50)), 201)).booking).toMatchObject({ price: { amount: 583 }, creditsUsedMinutes: 0 });
    // Half-up: 10.01 €/h × 30 min = 500.5 → 501 cents (her credits are spent this period).
    expect((await ok<{ booking: Booking }>(await book(tenant, ana.cookie, slot(odd, m1(6, 9), 30)), 201)).booking).toMatchObject({ price: { amount: 501 }, creditsUsedMinutes: 0 });
    // The next billing period (invoice day 1) has the full 120 minutes again: 150 min = 120 credits + 30 min at 15.00 €/h = 750 cents.
    expect((await ok<{ booking: Booking }>(await book(tenant, ana.cookie, slot(room, inMonth(2, 3, 9), 150)), 201)).booking).toMatchObject({ price: { amount: 750 }, creditsUsedMinutes: 120 });
  });

  it("concurrent bookings of one member never spend the same credits twice", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant, { credits: { minutes: 60 } });
    const ana = await memberOn(tenant, "bk-credit-race@example.com", p.id);
    const desks = await resource(tenant, { name: "Desks", category: "desks", units: 10 });
    const slot = { resourceId: desks.id, from: iso(at(12, 9)), to: iso(at(12, 10)) };
    const answers = await Promise.all(Array.from({ length: 10 }, () => book(tenant, ana.cookie, slot)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    const booked = await Promise.all(answers.map(async (a) => ((await a.json()) as { booking: Booking }).booking));
    // One booking uses the 60 credit minutes; nine pay 20.00 €/h × 60 min = 2000 cents each, 18000 in all.
    expect(booked.reduce((n, b) => n + b.creditsUsedMinutes, 0)).toBe(60);
    expect(booked.reduce((n, b) => n + b.price.amount, 0)).toBe(18000);
  });

  it("the rest becomes a booking charge on the member's next invoice: visible in GET /me/invoices/preview", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant, { credits: { minutes: 60 } });
    const room = await resource(tenant, { pricePerHour: { amount: 2400, currency: "EUR" }, taxRate: 20 });
    const ana = await memberOn(tenant, "bk-invoice@example.com", p.id);
    const before = await ok<{ lines: { description: string; amount: { amount: number } }[] }>(await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: ana.cookie }));
    // 150 minutes: 60 credit minutes, then 90 minutes at 24.00 €/h = 3600 cents, taxed 20 % = 720 cents.
    const b = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, { resourceId: room.id, from: iso(at(10, 9)), to: iso(at(10, 11, 30)) }), 201)).booking;
    expect(b).toMatchObject({ price: { amount: 3600 }, creditsUsedMinutes: 60 });
    const after = await ok<{ lines: { description: string; amount: { amount: number }; taxRate: number }[]; total: { amount: number } }>(await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: ana.cookie }));
    expect(after.lines).toHaveLength(before.lines.length + 1);
    const line = after.lines.find((l) => l.description.includes("Salle Lovelace"));
    expect(line).toMatchObject({ amount: { amount: 3600 }, taxRate: 20 });
    // Cancelling (no cancellation deadline) removes the charge and gives the credits back.
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${b.id}`, { cookie: ana.cookie })).status).toBe(204);
    const again = await ok<{ lines: { description: string }[] }>(await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: ana.cookie }));
    expect(again.lines.some((l) => l.description.includes("Salle Lovelace"))).toBe(false);
    expect(await ok(await preview(tenant, ana.cookie, { resourceId: room.id, from: iso(at(10, 9)), to: iso(at(10, 11, 30)) }))).toMatchObject({ price: { amount: 3600 }, creditsUsedMinutes: 60 });
  });

  it("admins book for a member with userId: priced and charged as that member, past every rule but slot_taken; members cannot", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const ana = await memberOn(tenant, "bk-admin-ana@example.com", p.id);
    const bob = await memberOn(tenant, "bk-admin-bob@example.com", null);
    const room = await resource(tenant, { cutoffHours: 48, planPrices: { [p.id]: { amount: 1000, currency: "EUR" } } });
    const slot = { resourceId: room.id, from: iso(at(1, 9)), to: iso(at(1, 10)) };
    expect(await refused(await book(tenant, ana.cookie, slot))).toMatchObject({ status: 422, code: "inside_cutoff" });
    expect(await refused(await book(tenant, bob.cookie, { ...slot, userId: ana.id }))).toMatchObject({ status: 403 });
    expect(await refused(await book(tenant, tenant.owner.cookie, { ...slot, userId: "nobody" }))).toMatchObject({ status: 404 });
    // Ana's plan price: 10.00 €/h × 60 min = 1000 cents, on Ana's charges.
    const forAna = (await ok<{ booking: Booking }>(await book(tenant, tenant.owner.cookie, { ...slot, userId: ana.id }), 201)).booking;
    expect(forAna.price.amount).toBe(1000);
    const charge = await env.DB.prepare("select user_id as userId, amount from charges where tenant_id = ?1 and kind = 'booking'").bind(tenant.id).first();
    expect(charge).toEqual({ userId: ana.id, amount: 1000 });
    // Bob has no membership: the base price 20.00 €/h × 60 min, still a slot rule: taken.
    expect(await refused(await book(tenant, tenant.owner.cookie, { ...slot, userId: bob.id }))).toMatchObject({ status: 409, code: "slot_taken" });
    expect((await ok<{ booking: Booking }>(await book(tenant, tenant.owner.cookie, { ...slot, from: iso(at(-2, 9)), to: iso(at(-2, 10)), userId: bob.id }), 201)).booking.price.amount).toBe(2000);
    expect(await ok(await preview(tenant, tenant.owner.cookie, { ...slot, userId: bob.id }))).toEqual({ price: { amount: 2000, currency: "EUR" }, creditsUsedMinutes: 0, available: false, problems: ["slot_taken"] });
    expect(await ok(await preview(tenant, bob.cookie, { ...slot, from: iso(at(3, 9)), to: iso(at(3, 10)) }))).toEqual({ price: { amount: 2000, currency: "EUR" }, creditsUsedMinutes: 0, available: false, problems: ["membership_required"] });
  });
});

describe("reading bookings", () => {
  it("the calendar shows others' bookings as busy (no title, no member), one's own and everything to admins; 62 days at most", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const ana = await memberOn(tenant, "bk-cal-ana@example.com", p.id, "Ana Secret");
    const bob = await memberOn(tenant, "bk-cal-bob@example.com", p.id, "Bob");
    const room = await resource(tenant);
    const desk = await resource(tenant, { name: "Desk", category: "desks" });
    const hidden = await resource(tenant, { name: "Back office", hidden: true });
    await ok(await book(tenant, ana.cookie, { resourceId: room.id, from: iso(at(5, 9)), to: iso(at(5, 10)), title: "Confidential merger" }), 201);
    await ok(await book(tenant, bob.cookie, { resourceId: desk.id, from: iso(at(5, 8)), to: iso(at(5, 12)), title: "Bob's day" }), 201);
    await ok(await book(tenant, tenant.owner.cookie, { resourceId: hidden.id, from: iso(at(5, 9)), to: iso(at(5, 10)), userId: ana.id }), 201);
    const range = `from=${encodeURIComponent(iso(at(4, 0)))}&to=${encodeURIComponent(iso(at(6, 0)))}`;
    const asBob = await call(tenant.host, "GET", `/api/v1/bookings?${range}`, { cookie: bob.cookie });
    const text = await asBob.clone().text();
    expect(text).not.toContain("Confidential");
    expect(text).not.toContain("Ana Secret");
    expect(text).not.toContain("Back office");
    const bobView = await ok<{ items: Record<string, unknown>[]; nextCursor: null }>(asBob);
    expect(bobView.nextCursor).toBeNull();
    expect(bobView.items).toEqual([
      { id: expect.any(String), resource: { id: desk.id, name: "Desk", category: "desks" }, from: iso(at(5, 8)), to: iso(at(5, 12)), mine: true, title: "Bob's day", member: { id: bob.id, name: "Bob" } },
      { id: expect.any(String), resource: { id: room.id, name: "Salle Lovelace", category: "rooms" }, from: iso(at(5, 9)), to: iso(at(5, 10)), mine: false },
    ]);
    const admin = await ok<{ items: { title?: string; member?: { name: string } }[] }>(await call(tenant.host, "GET", `/api/v1/bookings?${range}`, { cookie: tenant.owner.cookie }));
    expect(admin.items.map((i) => i.member?.name).sort()).toEqual(["Ana Secret", "Ana Secret", "Bob"]);
    const rooms = await ok<{ items: unknown[] }>(await call(tenant.host, "GET", `/api/v1/bookings?${range}&category=rooms`, { cookie: bob.cookie }));
    expect(rooms.items).toHaveLength(1);
    const one = await ok<{ items: unknown[] }>(await call(tenant.host, "GET", `/api/v1/bookings?${range}&resourceId=${desk.id}`, { cookie: tenant.owner.cookie }));
    expect(one.items).toHaveLength(1);
    // Overlap: a range ending exactly when a booking starts does not show it.
    const before = await ok<{ items: unknown[] }>(await call(tenant.host, "GET", `/api/v1/bookings?from=${encodeURIComponent(iso(at(5, 0)))}&to=${encodeURIComponent(iso(at(5, 8)))}`, { cookie: bob.cookie }));
    expect(before.items).toHaveLength(0);
    expect(await refused(await call(tenant.host, "GET", `/api/v1/bookings?from=${encodeURIComponent(iso(at(0, 0)))}&to=${encodeURIComponent(iso(at(63, 0)))}`, { cookie: bob.cookie }))).toMatchObject({ status: 422 });
    expect(await refused(await call(tenant.host, "GET", `/api/v1/bookings?from=${encodeURIComponent(iso(at(0, 0)))}`, { cookie: bob.cookie }))).toMatchObject({ status: 422, fields: { to: expect.any(String) } });
    expect(await refused(await call(tenant.host, "GET", `/api/v1/bookings?from=yesterday&to=today`, { cookie: bob.cookie }))).toMatchObject({ status: 422 });
  });

  it("GET /me/bookings upcoming (soonest first) and past (newest first); GET /bookings/{id} for one's own (404 for others', 200 for admins)", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const ana = await memberOn(tenant, "bk-mine-ana@example.com", p.id);
    const bob = await memberOn(tenant, "bk-mine-bob@example.com", p.id);
    const room = await resource(tenant);
    const later = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, { resourceId: room.id, from: iso(at(6, 9)), to: iso(at(6, 10)) }), 201)).booking;
    const sooner = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, { resourceId: room.id, from: iso(at(2, 9)), to: iso(at(2, 10)) }), 201)).booking;
    const old = (await ok<{ booking: Booking }>(await book(tenant, tenant.owner.cookie, { resourceId: room.id, from: iso(at(-3, 9)), to: iso(at(-3, 10)), userId: ana.id }), 201)).booking;
    const older = (await ok<{ booking: Booking }>(await book(tenant, tenant.owner.cookie, { resourceId: room.id, from: iso(at(-5, 9)), to: iso(at(-5, 10)), userId: ana.id }), 201)).booking;
    const ids = async (q: string) => (await ok<{ items: { id: string }[] }>(await call(tenant.host, "GET", `/api/v1/me/bookings${q}`, { cookie: ana.cookie }))).items.map((i) => i.id);
    expect(await ids("")).toEqual([sooner.id, later.id]);
    expect(await ids("?when=upcoming")).toEqual([sooner.id, later.id]);
    expect(await ids("?when=past")).toEqual([old.id, older.id]);
    const page1 = await ok<{ items: { id: string }[]; nextCursor: string }>(await call(tenant.host, "GET", "/api/v1/me/bookings?limit=1", { cookie: ana.cookie }));
    expect(page1.items.map((i) => i.id)).toEqual([sooner.id]);
    const page2 = await ok<{ items: { id: string }[]; nextCursor: null }>(await call(tenant.host, "GET", `/api/v1/me/bookings?limit=1&cursor=${page1.nextCursor}`, { cookie: ana.cookie }));
    expect(page2.items.map((i) => i.id)).toEqual([later.id]);
    expect((await call(tenant.host, "GET", "/api/v1/me/bookings?when=soon", { cookie: ana.cookie })).status).toBe(422);
    expect((await call(tenant.host, "GET", "/api/v1/me/bookings?cursor=forged", { cookie: ana.cookie })).status).toBe(400);
    expect(await ids("")).not.toContain(undefined);
    expect((await call(tenant.host, "GET", "/api/v1/me/bookings", { cookie: bob.cookie })).status).toBe(200);
    expect((await ok<{ booking: Booking }>(await call(tenant.host, "GET", `/api/v1/bookings/${later.id}`, { cookie: ana.cookie }))).booking.id).toBe(later.id);
    expect((await call(tenant.host, "GET", `/api/v1/bookings/${later.id}`, { cookie: bob.cookie })).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/bookings/${later.id}`, { cookie: tenant.owner.cookie })).status).toBe(200);
  });
});

describe("cancelling", () => {
  it("409 cancellation_closed inside cancellationHours (admins still may); outside: 204, credits back, the charge removed while not invoiced", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant, { credits: { minutes: 60 } });
    const ana = await memberOn(tenant, "bk-cancel-ana@example.com", p.id);
    const bob = await memberOn(tenant, "bk-cancel-bob@example.com", p.id);
    const room = await resource(tenant, { cancellationHours: 48 });
    const soon = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, { resourceId: room.id, from: iso(at(1, 9)), to: iso(at(1, 10)) }), 201)).booking;
    expect(await refused(await call(tenant.host, "DELETE", `/api/v1/bookings/${soon.id}`, { cookie: ana.cookie }))).toMatchObject({ status: 409, code: "cancellation_closed" });
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${soon.id}`, { cookie: bob.cookie })).status).toBe(404);
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${soon.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "GET", `/api/v1/bookings/${soon.id}`, { cookie: ana.cookie })).status).toBe(404);
    // Far enough ahead: 120 min = 60 credit minutes + 60 min at 20.00 €/h = 2000 cents.
    const far = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, { resourceId: room.id, from: iso(at(10, 9)), to: iso(at(10, 11)) }), 201)).booking;
    expect(far).toMatchObject({ creditsUsedMinutes: 60, price: { amount: 2000 } });
    const again = { resourceId: room.id, from: iso(at(10, 12)), to: iso(at(10, 13)) };
    expect(await ok(await preview(tenant, ana.cookie, again))).toMatchObject({ creditsUsedMinutes: 0, price: { amount: 2000 } });
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${far.id}`, { cookie: ana.cookie })).status).toBe(204);
    expect(await ok(await preview(tenant, ana.cookie, again))).toMatchObject({ creditsUsedMinutes: 60, price: { amount: 0 } });
    expect(await env.DB.prepare("select count(*) as n from charges where tenant_id = ?1").bind(tenant.id).first<{ n: number }>()).toEqual({ n: 0 });
    // An invoiced charge stays when its booking is cancelled.
    const invoiced = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, { resourceId: room.id, from: iso(at(11, 9)), to: iso(at(11, 12)) }), 201)).booking;
    await env.DB.prepare("update charges set invoice_id = 'inv-test' where tenant_id = ?1").bind(tenant.id).run();
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${invoiced.id}`, { cookie: ana.cookie })).status).toBe(204);
    expect(await env.DB.prepare("select count(*) as n from charges where tenant_id = ?1").bind(tenant.id).first<{ n: number }>()).toEqual({ n: 1 });
  });

  it("features.bookings off: members' reads and cancellations answer 403 feature_disabled; admins go on", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const ana = await memberOn(tenant, "bk-off@example.com", p.id);
    const room = await resource(tenant);
    const b = (await ok<{ booking: Booking }>(await book(tenant, ana.cookie, { resourceId: room.id, from: iso(at(5, 9)), to: iso(at(5, 10)) }), 201)).booking;
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: false } } }));
    for (const [method, path] of [["GET", "/api/v1/me/bookings"], ["GET", `/api/v1/bookings/${b.id}`], ["DELETE", `/api/v1/bookings/${b.id}`], ["GET", `/api/v1/bookings?from=${encodeURIComponent(iso(at(4, 0)))}&to=${encodeURIComponent(iso(at(6, 0)))}`]] as const) {
      expect(await refused(await call(tenant.host, method, path, { cookie: ana.cookie }))).toMatchObject({ status: 403, code: "feature_disabled" });
    }
    expect((await book(tenant, tenant.owner.cookie, { resourceId: room.id, from: iso(at(5, 11)), to: iso(at(5, 12)) })).status).toBe(201);
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${b.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
  });
});
