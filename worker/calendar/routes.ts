import { Hono } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant } from "../http/context";
import { signedIn } from "../http/validate";
import { secretsKeyOf } from "../invoices/sealed";
import { allowedTo, isBookingAdmin } from "../resources/http";
import { icsResponse } from "./ics";
import { bookingDocument, feedDocument, feedUrl, replaceFeedUrl } from "./service";

/** The member's secret iCalendar feed and a booking's `.ics` (mounted before the bookings API: `/bookings/{id}.ics`). */
export const calendarApi = new Hono<AppEnv>()
  .get("/me/calendar", signedIn, async (c) => {
    const tenant = requireTenant(c);
    return c.json(await feedUrl(tenantDb(c.env, tenant), secretsKeyOf(c.env), requestOrigin(c), requireUser(c).id));
  })
  .post("/me/calendar-token", signedIn, async (c) => {
    const tenant = requireTenant(c);
    return c.json(await replaceFeedUrl(tenantDb(c.env, tenant), secretsKeyOf(c.env), requestOrigin(c), requireUser(c).id));
  })
  // No session: the token is the credential (calendar apps fetch it on their own).
  .get("/me/calendar.ics", async (c) => {
    const tenant = requireTenant(c);
    const body = await feedDocument(tenantDb(c.env, tenant), tenant, secretsKeyOf(c.env), c.req.query("token"), Date.now(), requestOrigin(c));
    return icsResponse(body, "calendar.ics");
  })
  .get("/bookings/:file{[^/]+\\.ics}", allowedTo("readBookings"), async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const id = c.req.param("file").slice(0, -".ics".length);
    const body = await bookingDocument(tenantDb(c.env, tenant), tenant, id.length <= 64 ? id : "", { userId: user.id, admin: isBookingAdmin(user) }, requestOrigin(c));
    return icsResponse(body, `booking-${id.slice(0, 64)}.ics`);
  });
