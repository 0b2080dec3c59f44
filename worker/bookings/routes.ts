import { Hono, type Context } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import { requireTenant } from "../http/context";
import { clockOf } from "../memberships/service";
import { bookingNoticesOf } from "../calendar/http";
import { deliverSoon } from "../mail/deliver";
import type { AppEnv } from "../env";
import { pageParams } from "../http/pagination";
import { json, query } from "../http/validate";
import { doc } from "../openapi/describe";
import { bookingAnswer, bookingCreatedAnswer, bookingEnvelope, calendarItemAnswer, listAnswer, previewAnswer, wholeListAnswer } from "./answers";
import { portalBasics } from "../memberships/http";
import { calendarCached } from "./cache";
import { allowedTo, isBookingAdmin } from "../resources/http";
import { bookerOf, bookingFor, bookingInput, calendarQuery, cancelBooking, cancelQuery, createBooking, createSeries, myBookings, myBookingsQuery, previewBooking, previewInput } from "./service";

/** A booking request's community, database, member and clock: the billing facts it needs are kept with the others (facts.ts), not read here. */
function bookingRequest(c: Context<AppEnv>) {
  const tenant = requireTenant(c);
  return { tenant, t: tenantDb(c.env, tenant), user: requireUser(c), clock: clockOf(tenant) };
}

const idOf = (id: string | undefined) => (id && id.length <= 64 ? id : "");

/** "Resources and bookings": preview, book, read and cancel bookings. */
export const bookingsApi = new Hono<AppEnv>()
  .post("/bookings/preview", doc({ summary: "Price a booking and list every problem it would meet now, without booking.", answers: { 200: previewAnswer }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), allowedTo("book"), json(previewInput), async (c) => {
    const { t, tenant, clock, user } = bookingRequest(c);
    const input = c.req.valid("json");
    const booker = await bookerOf(t, user, isBookingAdmin(user), input.userId);
    return c.json(await previewBooking(t, tenant, clock, booker, input));
  })
  .post("/bookings", doc({ summary: "Book a resource (with `repeat`, a series: all or none); admins may book for a member with `userId`.", description: "A refused rule answers 422 with the first problem as `error.code` and `problems` beside the envelope (a series: `problems: [{from, to, problems}]`); a taken series answers 409 `slot_taken` with `conflicts: [{from, to}]`.", answers: { 201: bookingCreatedAnswer }, errors: { 403: ["feature_disabled", "membership_required", "forbidden"], 404: ["not_found"], 409: ["slot_taken"], 422: ["in_past", "inside_cutoff", "too_short", "too_long", "outside_opening_hours"] } }), allowedTo("book"), json(bookingInput), async (c) => {
    const { t, tenant, clock, user } = bookingRequest(c);
    const input = c.req.valid("json");
    const booker = await bookerOf(t, user, isBookingAdmin(user), input.userId);
    const { confirmed } = bookingNoticesOf(c, t, tenant);
    const answer = input.repeat ? { bookings: await createSeries(t, tenant, clock, booker, input, confirmed) } : { booking: await createBooking(t, tenant, clock, booker, input, confirmed) };
    deliverSoon(c);
    return c.json(answer, 201);
  })
  .get("/me/bookings", doc({ summary: "The caller's bookings: upcoming (ending after now, soonest first) or past (newest first).", answers: { 200: listAnswer(bookingAnswer) }, errors: { 400: ["invalid_cursor"], 403: ["feature_disabled"] } }), allowedTo("readBookings"), query(myBookingsQuery), async (c) => {
    const { t, clock, user } = portalBasics(c);
    return c.json(await myBookings(t, user.id, c.req.valid("query").when ?? "upcoming", clock.now, pageParams(c)));
  })
  .get("/bookings", doc({ summary: "The calendar: every booking and resource hold overlapping [from, to) (at most 62 days), by start; others' bookings without title or member.", answers: { 200: wholeListAnswer(calendarItemAnswer) }, errors: { 403: ["feature_disabled"] } }), allowedTo("readBookings"), query(calendarQuery), async (c) => {
    const { t, user } = portalBasics(c);
    return c.json({ items: await calendarCached(t, { userId: user.id, admin: isBookingAdmin(user) }, c.req.valid("query")), nextCursor: null });
  })
  .get("/bookings/:id", doc({ summary: "Read one of the caller's bookings (admins: any).", answers: { 200: bookingEnvelope }, errors: { 403: ["feature_disabled"], 404: ["not_found"] } }), allowedTo("readBookings"), async (c) => {
    const { t, user } = portalBasics(c);
    return c.json({ booking: (await bookingFor(t, idOf(c.req.param("id")), { userId: user.id, admin: isBookingAdmin(user) })).view });
  })
  .delete("/bookings/:id", doc({ summary: "Cancel a booking (with `?series=following`, the later ones of its series too); its credits go back, its charge goes while not invoiced.", answers: { 204: null }, errors: { 403: ["feature_disabled"], 404: ["not_found"], 409: ["cancellation_closed"] } }), allowedTo("cancelOwnBooking"), query(cancelQuery), async (c) => {
    const { t, tenant, clock, user } = portalBasics(c);
    await cancelBooking(t, clock, idOf(c.req.param("id")), { userId: user.id, admin: isBookingAdmin(user) }, { following: c.req.valid("query").series === "following", notice: bookingNoticesOf(c, t, tenant).canceled });
    deliverSoon(c);
    return c.body(null, 204);
  });
