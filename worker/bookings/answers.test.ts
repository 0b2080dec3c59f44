import { describe, expect, it } from "vitest";
import { z } from "zod";
import { call, makeGroup, makeTenant, signUpMember } from "../test/helpers";
import { bookingAnswer, bookingCreatedAnswer, bookingEnvelope, calendarItemAnswer, listAnswer, moneyAnswer, newBookingAnswer, previewAnswer, wholeListAnswer } from "./answers";
import { at, iso } from "../test/time";

// The bookings routes' answer schemas (answers.ts, the OpenAPI document's) against what the
// routes really answer: every main route called for real, its body parsed by its schema. The
// schemas are strict: a field the answer has and the schema lacks fails, and so does a field the
// schema names and the answer lacks. The calendar's three kinds of entries each appear.


async function answer<S extends z.ZodType>(schema: S, res: Response, status = 200): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success ? [] : parsed.error.issues, text).toEqual([]);
  return parsed.data as z.output<S>;
}

describe("bookings: the answers match their schemas", () => {
  it("preview, book (one and a series), the member's bookings, one booking, the calendar (member and admin), cancel", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    const plan = (await (await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1, credits: { minutes: 60 } } })).json()) as { plan: { id: string } };
    const room = ((await (await call(tenant.host, "POST", "/api/v1/resources", { cookie: admin, json: { name: "Salle Lovelace", category: "rooms", units: 3, pricePerHour: { amount: 2000, currency: "EUR" } } })).json()) as { resource: { id: string } }).resource;
    const member = await signUpMember(tenant, "bk-answers@example.com", "Max Member");
    expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.plan.id } })).status).toBe(201);
    const other = await signUpMember(tenant, "bk-answers-2@example.com", "Olga Other");

    const slot = { resourceId: room.id, from: iso(at(3, 9)), to: iso(at(3, 11)) };
    const priced = await answer(previewAnswer, await call(tenant.host, "POST", "/api/v1/bookings/preview", { cookie: member.cookie, json: slot }));
    expect(priced).toEqual({ price: { amount: 2000, currency: "EUR" }, creditsUsedMinutes: 60, available: true, problems: [] });
    const refusedPreview = await answer(previewAnswer, await call(tenant.host, "POST", "/api/v1/bookings/preview", { cookie: other.cookie, json: slot }));
    expect(refusedPreview.problems).toEqual(["membership_required"]);

    const one = await answer(bookingCreatedAnswer, await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { ...slot, title: "Planning" } }), 201);
    expect("booking" in one && one.booking.seriesId).toBe(null);
    const series = await answer(bookingCreatedAnswer, await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.id, from: iso(at(4, 13)), to: iso(at(4, 14)), repeat: { every: "week", count: 2 } } }), 201);
    expect("bookings" in series && series.bookings.map((b) => typeof b.seriesId)).toEqual(["string", "string"]);
    // Each shape alone, too: the union must not let one pass for the other.
    expect(newBookingAnswer.safeParse(("booking" in one && one.booking) || null).success).toBe(true);
    // Someone else's booking, made by the admin for them.
    await answer(bookingCreatedAnswer, await call(tenant.host, "POST", "/api/v1/bookings", { cookie: admin, json: { resourceId: room.id, from: iso(at(3, 10)), to: iso(at(3, 12)), userId: other.id } }), 201);

    const mine = await answer(listAnswer(bookingAnswer), await call(tenant.host, "GET", "/api/v1/me/bookings?limit=2", { cookie: member.cookie }));
    expect(mine.items).toHaveLength(2);
    expect(mine.nextCursor).toEqual(expect.any(String));
    await answer(listAnswer(bookingAnswer), await call(tenant.host, "GET", "/api/v1/me/bookings?when=past", { cookie: member.cookie }));
    // The dashboard's `upcomingBookings` are the same objects (oa-portal-a's dashboard answer can use `bookingAnswer`).
    const dashboard = (await (await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: member.cookie })).json()) as { upcomingBookings: unknown };
    expect(z.array(bookingAnswer).min(1).safeParse(dashboard.upcomingBookings).error?.issues ?? []).toEqual([]);
    const id = "booking" in one ? one.booking.id : "";
    const read = await answer(bookingEnvelope, await call(tenant.host, "GET", `/api/v1/bookings/${id}`, { cookie: member.cookie }));
    expect(read.booking).toMatchObject({ mine: true, member: { id: member.id, name: "Max Member" }, title: "Planning" });
    await answer(bookingEnvelope, await call(tenant.host, "GET", `/api/v1/bookings/${id}`, { cookie: admin }));

    // Events holding the room: a community-wide one (its title shows) and a group's (busy only to non-members).
    const group = await makeGroup(tenant, { slug: `bk-${Date.now().toString(36)}` });
    for (const [hour, extra] of [[15, {}], [17, { group: group.slug }]] as const) {
      const res = await call(tenant.host, "POST", "/api/v1/events", { cookie: admin, json: { title: `Hold ${hour}`, startsAt: iso(at(3, hour)), endsAt: iso(at(3, hour + 1)), resourceId: room.id, ...extra } });
      expect(res.status, await res.text()).toBe(201);
    }
    const range = `from=${encodeURIComponent(iso(at(3, 0)))}&to=${encodeURIComponent(iso(at(5, 0)))}`;
    const seen = await answer(wholeListAnswer(calendarItemAnswer), await call(tenant.host, "GET", `/api/v1/bookings?${range}`, { cookie: member.cookie }));
    const kinds = seen.items.map((i) => ("member" in i ? "own" : "eventId" in i ? "event" : "busy"));
    expect(new Set(kinds)).toEqual(new Set(["own", "event", "busy"]));
    const all = await answer(wholeListAnswer(calendarItemAnswer), await call(tenant.host, "GET", `/api/v1/bookings?${range}&resourceId=${room.id}`, { cookie: admin }));
    expect(all.items.filter((i) => "member" in i)).toHaveLength(3);
    expect(all.items.filter((i) => "eventId" in i)).toHaveLength(2);

    const gone = await call(tenant.host, "DELETE", `/api/v1/bookings/${id}`, { cookie: member.cookie });
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe("");
  });

  it("the schemas refuse an answer with a field more or a field less", async () => {
    const booking = { id: "b1", resource: { id: "r1", name: "Room", category: "rooms" }, from: "2030-01-01T09:00:00.000Z", to: "2030-01-01T10:00:00.000Z", price: { amount: 0, currency: "EUR" }, creditsUsedMinutes: 0, title: null, seriesId: null };
    expect(newBookingAnswer.safeParse(booking).success).toBe(true);
    expect(newBookingAnswer.safeParse({ ...booking, mine: true }).success).toBe(false);
    expect(bookingAnswer.safeParse({ ...booking, mine: true, member: null }).success).toBe(true);
    expect(bookingAnswer.safeParse({ ...booking, mine: true }).success).toBe(false);
    expect(moneyAnswer.safeParse({ amount: 1.5, currency: "EUR" }).success).toBe(false);
    const busy = { id: "b1", resource: booking.resource, from: booking.from, to: booking.to, mine: false };
    expect(calendarItemAnswer.safeParse(busy).success).toBe(true);
    expect(calendarItemAnswer.safeParse({ ...busy, title: "Secret" }).success).toBe(false);
    expect(calendarItemAnswer.safeParse({ ...busy, member: { id: "u", name: "U" } }).success).toBe(false);
  });
});
