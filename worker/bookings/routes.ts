import { Hono } from "hono";
import { bookingNoticesOf } from "../calendar/http";
import { deliverSoon } from "../mail/deliver";
import type { AppEnv } from "../env";
import { pageParams } from "../http/pagination";
import { json, query } from "../http/validate";
import { portalRequest } from "../memberships/http";
import { calendarRead } from "./cache";
import { allowedTo, isBookingAdmin } from "../resources/http";
import { bookerOf, bookingFor, bookingInput, calendar, calendarQuery, cancelBooking, cancelQuery, createBooking, createSeries, myBookings, myBookingsQuery, previewBooking, previewInput } from "./service";

const idOf = (id: string | undefined) => (id && id.length <= 64 ? id : "");

/** "Resources and bookings": preview, book, read and cancel bookings. */
export const bookingsApi = new Hono<AppEnv>()
  .post("/bookings/preview", allowedTo("book"), json(previewInput), async (c) => {
    const { t, tenant, billing, clock, user } = await portalRequest(c);
    const input = c.req.valid("json");
    const booker = await bookerOf(t, user, isBookingAdmin(user), input.userId);
    return c.json(await previewBooking(t, tenant, billing, clock, booker, input));
  })
  .post("/bookings", allowedTo("book"), json(bookingInput), async (c) => {
    const { t, tenant, billing, clock, user } = await portalRequest(c);
    const input = c.req.valid("json");
    const booker = await bookerOf(t, user, isBookingAdmin(user), input.userId);
    const { confirmed } = bookingNoticesOf(c, t, tenant);
    const answer = input.repeat ? { bookings: await createSeries(t, tenant, billing, clock, booker, input, confirmed) } : { booking: await createBooking(t, tenant, billing, clock, booker, input, confirmed) };
    deliverSoon(c);
    return c.json(answer, 201);
  })
  .get("/me/bookings", allowedTo("readBookings"), query(myBookingsQuery), async (c) => {
    const { t, clock, user } = await portalRequest(c);
    return c.json(await myBookings(t, user.id, c.req.valid("query").when ?? "upcoming", clock.now, pageParams(c)));
  })
  .get("/bookings", allowedTo("readBookings"), query(calendarQuery), async (c) => {
    const { t, user } = await portalRequest(c);
    const admin = isBookingAdmin(user);
    const q = c.req.valid("query");
    const key = `${user.id}:${admin ? "a" : "m"}:${q.from}:${q.to}:${q.resourceId ?? ""}:${q.category ?? ""}`;
    return c.json({ items: await calendarRead(t, "calendar", key, () => calendar(t, { userId: user.id, admin }, q)), nextCursor: null });
  })
  .get("/bookings/:id", allowedTo("readBookings"), async (c) => {
    const { t, user } = await portalRequest(c);
    return c.json({ booking: (await bookingFor(t, idOf(c.req.param("id")), { userId: user.id, admin: isBookingAdmin(user) })).view });
  })
  .delete("/bookings/:id", allowedTo("cancelOwnBooking"), query(cancelQuery), async (c) => {
    const { t, tenant, clock, user } = await portalRequest(c);
    await cancelBooking(t, clock, idOf(c.req.param("id")), { userId: user.id, admin: isBookingAdmin(user) }, { following: c.req.valid("query").series === "following", notice: bookingNoticesOf(c, t, tenant).canceled });
    deliverSoon(c);
    return c.body(null, 204);
  });
