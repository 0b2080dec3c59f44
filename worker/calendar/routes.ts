import { Hono } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant } from "../http/context";
import { signedIn } from "../http/validate";
import { doc } from "../openapi/describe";
import { CALENDAR_MEDIA, feedQuery, feedUrlAnswer } from "./answers";
import { secretsKeyOf } from "../invoices/sealed";
import { allowedTo, isBookingAdmin } from "../resources/http";
import { icsResponse } from "./ics";
import { bookingDocument, feedDocument, feedUrl, replaceFeedUrl } from "./service";

/** The member's secret iCalendar feed and a booking's `.ics` (mounted before the bookings API: `/bookings/{id}.ics`). */
export const calendarApi = new Hono<AppEnv>()
  .get("/me/calendar", doc({ summary: "The caller's secret iCalendar feed URL (their bookings and the events they are going to).", answers: { 200: feedUrlAnswer }, errors: { 409: ["calendar_unavailable"] } }), signedIn, async (c) => {
    const tenant = requireTenant(c);
    return c.json(await feedUrl(tenantDb(c.env, tenant), secretsKeyOf(c.env), requestOrigin(c), requireUser(c).id));
  })
  .post("/me/calendar-token", doc({ summary: "Replace the caller's feed URL; the previous one answers 404 from now on.", answers: { 200: feedUrlAnswer }, errors: { 409: ["calendar_unavailable"] } }), signedIn, async (c) => {
    const tenant = requireTenant(c);
    return c.json(await replaceFeedUrl(tenantDb(c.env, tenant), secretsKeyOf(c.env), requestOrigin(c), requireUser(c).id));
  })
  // No session: the token is the credential (calendar apps fetch it on their own).
  .get("/me/calendar.ics", doc({ summary: "The member's feed as iCalendar (RFC 5545), from 30 days back; the token is the credential.", answers: { 200: CALENDAR_MEDIA }, errors: { 404: ["not_found"] }, public: true, query: feedQuery }), async (c) => {
    const tenant = requireTenant(c);
    const body = await feedDocument(tenantDb(c.env, tenant), tenant, secretsKeyOf(c.env), c.req.query("token"), Date.now(), requestOrigin(c));
    return icsResponse(body, "calendar.ics");
  })
  .get("/bookings/:id{[^/]+\\.ics}", doc({ summary: "One of the caller's bookings (admins: any) as iCalendar.", answers: { 200: CALENDAR_MEDIA }, errors: { 403: ["feature_disabled"], 404: ["not_found"] } }), allowedTo("readBookings"), async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const id = c.req.param("id").slice(0, -".ics".length);
    const body = await bookingDocument(tenantDb(c.env, tenant), tenant, id.length <= 64 ? id : "", { userId: user.id, admin: isBookingAdmin(user) }, requestOrigin(c));
    return icsResponse(body, `booking-${id.slice(0, 64)}.ics`);
  });
