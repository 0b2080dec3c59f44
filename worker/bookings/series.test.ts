import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApiError } from "../http/errors";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { occurrences } from "./service";

// Recurring bookings (API.md "Prices and credits": a series keeps the first occurrence's
// wall-clock time, is booked all or nothing, and names its conflicts).

const Z = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe("occurrences of a series", () => {
  it("weekly across the spring DST change keeps 10:00-11:00 in Paris (09:00Z, then 08:00Z)", () => {
    const first = { fromMs: Z("2026-03-23T09:00:00Z"), toMs: Z("2026-03-23T10:00:00Z") };
    expect(occurrences(first, { every: "week", count: 3 }, "Europe/Paris").map((o) => [iso(o.fromMs), iso(o.toMs)])).toEqual([
      ["2026-03-23T09:00:00.000Z", "2026-03-23T10:00:00.000Z"],
      ["2026-03-30T08:00:00.000Z", "2026-03-30T09:00:00.000Z"],
      ["2026-04-06T08:00:00.000Z", "2026-04-06T09:00:00.000Z"],
    ]);
  });

  it("daily until a day (included); overnight bookings keep their end on the next day; exactly one of count and until; at most 100", () => {
    const night = { fromMs: Z("2026-10-23T20:00:00Z"), toMs: Z("2026-10-24T05:00:00Z") }; // 22:00 → 07:00 Paris (summer time)
    const list = occurrences(night, { every: "day", until: "2026-10-25" }, "Europe/Paris");
    // Oct 25 22:00 is winter time (UTC+1): 21:00Z → 06:00Z next day.
    expect(list.map((o) => [iso(o.fromMs), iso(o.toMs)])).toEqual([
      ["2026-10-23T20:00:00.000Z", "2026-10-24T05:00:00.000Z"],
      ["2026-10-24T20:00:00.000Z", "2026-10-25T06:00:00.000Z"],
      ["2026-10-25T21:00:00.000Z", "2026-10-26T06:00:00.000Z"],
    ]);
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof ApiError ? err.status : -1;
      }
      return 0;
    };
    expect(refusal(() => occurrences(night, { every: "day" }, "Europe/Paris"))).toBe(422);
    expect(refusal(() => occurrences(night, { every: "day", count: 2, until: "2026-10-30" }, "Europe/Paris"))).toBe(422);
    expect(refusal(() => occurrences(night, { every: "day", until: "2027-03-01" }, "Europe/Paris"))).toBe(422);
    expect(refusal(() => occurrences(night, { every: "day", until: "2026-10-01" }, "Europe/Paris"))).toBe(422);
    expect(occurrences(night, { every: "week", until: "2027-10-20" }, "Europe/Paris")).toHaveLength(52);
  });
});

type Booking = { id: string; from: string; to: string; price: { amount: number }; creditsUsedMinutes: number; seriesId: string };
async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
/** The 10th of next month at `hour` UTC, plus `days`. */
const nextMonth = (days: number, hour: number) => {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 10 + days, hour);
};
async function setUp(credits = 0) {
  const tenant = await makeTenant();
  const plan = (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1, ...(credits ? { credits: { minutes: credits } } : {}) } }), 201)).plan;
  const member = await signUpMember(tenant, `series-${crypto.randomUUID().slice(0, 8)}@example.com`);
  await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.id } }), 201);
  return { tenant, member };
}
const resource = async (tenant: TestTenant, json: Record<string, unknown> = {}) =>
  (await ok<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Salle Lovelace", category: "rooms", pricePerHour: { amount: 2000, currency: "EUR" }, ...json } }), 201)).resource;

describe("recurring bookings over HTTP", () => {
  it("books every occurrence with one seriesId, credits used occurrence by occurrence in date order", async () => {
    const { tenant, member } = await setUp(90);
    const room = await resource(tenant);
    const res = await ok<{ bookings: Booking[] }>(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.id, from: iso(nextMonth(0, 9)), to: iso(nextMonth(0, 10)), repeat: { every: "day", count: 3 } } }), 201);
    // 90 credit minutes: 60 (0 cents), then 30 + 30 min at 20.00 €/h (1000 cents), then 60 min (2000 cents).
    expect(res.bookings.map((b) => [b.creditsUsedMinutes, b.price.amount])).toEqual([
      [60, 0],
      [30, 1000],
      [0, 2000],
    ]);
    expect(new Set(res.bookings.map((b) => b.seriesId)).size).toBe(1);
    expect(res.bookings[0]!.seriesId).toEqual(expect.any(String));
    const charges = await env.DB.prepare("select sum(amount) as total from charges where tenant_id = ?1 and kind = 'booking'").bind(tenant.id).first<{ total: number }>();
    expect(charges?.total).toBe(3000);
  });

  it("all or nothing: one taken occurrence refuses the series with 409 slot_taken naming it; a rule refuses it with 422 per occurrence", async () => {
    const { tenant, member } = await setUp();
    const room = await resource(tenant, { openingHours: [1, 2, 3, 4, 5].map((day) => ({ day, from: "08:00", to: "20:00" })) });
    const other = await signUpMember(tenant, "series-other@example.com");
    // The owner takes the second occurrence's slot.
    await ok(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: tenant.owner.cookie, json: { resourceId: room.id, from: iso(nextMonth(7, 9)), to: iso(nextMonth(7, 10)), userId: other.id } }), 201);
    const refused = await call(tenant.host, "POST", "/api/v1/bookings", { cookie: tenant.owner.cookie, json: { resourceId: room.id, from: iso(nextMonth(0, 9)), to: iso(nextMonth(0, 10)), userId: member.id, repeat: { every: "week", count: 3 } } });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "slot_taken" }, conflicts: [{ from: iso(nextMonth(7, 9)), to: iso(nextMonth(7, 10)) }] });
    const count = await env.DB.prepare("select count(*) as n from bookings where tenant_id = ?1").bind(tenant.id).first<{ n: number }>();
    expect(count?.n).toBe(1);
    expect(await env.DB.prepare("select count(*) as n from charges where tenant_id = ?1").bind(tenant.id).first<{ n: number }>()).toEqual({ n: 1 });
    // Daily for 7 days meets a weekend: those occurrences are named with their problems.
    const weekly = await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.id, from: iso(nextMonth(14, 9)), to: iso(nextMonth(14, 10)), repeat: { every: "day", count: 7 } } });
    expect(weekly.status).toBe(422);
    const body = (await weekly.json()) as { error: { code: string }; problems: { from: string; problems: string[] }[] };
    expect(body.error.code).toBe("outside_opening_hours");
    expect(body.problems).toHaveLength(2);
    expect(body.problems.every((p) => p.problems.includes("outside_opening_hours"))).toBe(true);
    expect((await env.DB.prepare("select count(*) as n from bookings where tenant_id = ?1").bind(tenant.id).first<{ n: number }>())?.n).toBe(1);
    expect((await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.id, from: iso(nextMonth(14, 9)), to: iso(nextMonth(14, 10)), repeat: { every: "day" } } })).status).toBe(422);
    expect((await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.id, from: iso(nextMonth(14, 9)), to: iso(nextMonth(14, 10)), repeat: { every: "month", count: 2 } } })).status).toBe(422);
  });

  it("?series=following cancels this occurrence and the later ones, all or none (409 cancellation_closed inside the deadline)", async () => {
    const { tenant, member } = await setUp();
    const room = await resource(tenant, { cancellationHours: 24 });
    const list = (await ok<{ bookings: Booking[] }>(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.id, from: iso(nextMonth(0, 9)), to: iso(nextMonth(0, 10)), repeat: { every: "day", count: 4 } } }), 201)).bookings;
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${list[1]!.id}?series=all`, { cookie: member.cookie })).status).toBe(422);
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${list[2]!.id}?series=following`, { cookie: member.cookie })).status).toBe(204);
    const left = await env.DB.prepare("select id from bookings where tenant_id = ?1 order by from_ms").bind(tenant.id).all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual([list[0]!.id, list[1]!.id]);
    expect((await env.DB.prepare("select sum(amount) as total from charges where tenant_id = ?1").bind(tenant.id).first<{ total: number }>())?.total).toBe(4000);
    // Move the first occurrence inside its deadline: cancelling from it is refused, and nothing goes.
    await env.DB.prepare("update bookings set from_ms = ?2, to_ms = ?3 where id = ?1").bind(list[0]!.id, Date.now() + 2 * HOUR, Date.now() + 3 * HOUR).run();
    const closed = await call(tenant.host, "DELETE", `/api/v1/bookings/${list[0]!.id}?series=following`, { cookie: member.cookie });
    expect(closed.status).toBe(409);
    expect((await env.DB.prepare("select count(*) as n from bookings where tenant_id = ?1").bind(tenant.id).first<{ n: number }>())?.n).toBe(2);
  });
});
