import { Hono, type Context } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { pageParams } from "../http/pagination";
import { guard, json, query } from "../http/validate";
import { billingSettingsOf } from "../invoices/settings";
import { clockOf } from "../memberships/service";
import { doc } from "../openapi/describe";
import { listAnswer, wholeListAnswer } from "../bookings/answers";
import { CALENDAR_MEDIA } from "../calendar/answers";
import { attendAnswer, attendeeAnswer, CSV_MEDIA, eventAnswer, eventEnvelope } from "./answers";
import { eventIcsResponse } from "./ics";
import { decideEvent, type EventAction } from "./policy";
import {
  attendEvent,
  attendees,
  attendeesCsv,
  attendInput,
  cancelEvent,
  createEvent,
  eventInput,
  eventPatch,
  eventsQuery,
  eventViewer,
  getEvent,
  leaveEvent,
  listEventsJson,
  refusal,
  updateEvent,
  type EventContext,
} from "./service";

const idOf = (id: string | undefined) => (id && id.length <= 64 ? id : "");

/** Before the body is read: signed in (401), then the switch for members (403 `feature_disabled`). */
const allowedTo = (action: EventAction) =>
  guard((c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const err = refusal(decideEvent({ tenantRole: user.tenantRole }, action, tenant.features));
    if (err) throw err;
  });

/** Who asks, on which community (reads need nothing more). */
async function reader(c: Context<AppEnv>) {
  const tenant = requireTenant(c);
  const t = tenantDb(c.env, tenant);
  const user = requireUser(c);
  return { tenant, t, user, viewer: await eventViewer(t, user) };
}

/** Writes also need the billing settings and the clock. */
async function writer(c: Context<AppEnv>) {
  const r = await reader(c);
  const ctx: EventContext = { tenant: r.tenant, env: c.env, billing: await billingSettingsOf(r.t, r.tenant.name), clock: clockOf(r.tenant) };
  return { ...r, ctx };
}

/** API.md "Events". */
export const eventsApi = new Hono<AppEnv>()
  .post("/events", doc({ summary: "Create an event (tenant admins; a group's admins for a free event of their group).", answers: { 201: eventEnvelope }, errors: { 403: ["feature_disabled", "forbidden"], 409: ["slot_taken"], 422: ["currency_mismatch"] } }), allowedTo("manage"), json(eventInput), async (c) => {
    const { t, ctx, viewer } = await writer(c);
    return c.json({ event: await createEvent(t, ctx, viewer, c.req.valid("json")) }, 201);
  })
  .get("/events", doc({ summary: "The events the caller may see: upcoming (the default, by start), past (newest first), or those overlapping [from, to).", answers: { 200: listAnswer(eventAnswer) }, errors: { 400: ["invalid_cursor"], 403: ["feature_disabled"] } }), allowedTo("read"), query(eventsQuery), async (c) => {
    const { t, viewer } = await reader(c);
    // The page's JSON as serialized once for every read of the same cached list (service.ts `answeredPage`).
    return c.body(await listEventsJson(t, viewer, c.req.valid("query"), Date.now(), pageParams(c)), 200, { "content-type": "application/json" });
  })
  .get("/events/:id/attendees.csv", doc({ summary: "The attendees and the waitlist with their answers, as CSV (tenant admins; a group's admins for its events).", answers: { 200: CSV_MEDIA }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), allowedTo("seeAttendees"), async (c) => {
    const { t, tenant, viewer } = await reader(c);
    const csv = await attendeesCsv(t, tenant, viewer, idOf(c.req.param("id")));
    return c.body(csv.body, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${csv.filename}"`, "cache-control": "no-store" });
  })
  .get("/events/:id/attendees", doc({ summary: "The attendees, then the waitlist, with their answers (tenant admins; a group's admins for its events).", answers: { 200: wholeListAnswer(attendeeAnswer) }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), allowedTo("seeAttendees"), async (c) => {
    const { t, tenant, viewer } = await reader(c);
    return c.json({ items: (await attendees(t, tenant, viewer, idOf(c.req.param("id")))).items, nextCursor: null });
  })
  // `GET /api/v1/events/{id}.ics`: the event as iCalendar (before `/events/:id`, which would take the name whole).
  .get("/events/:id{[^/]+\\.ics}", doc({ summary: "An event the caller may see, as iCalendar.", answers: { 200: CALENDAR_MEDIA }, errors: { 403: ["feature_disabled"], 404: ["not_found"] } }), allowedTo("read"), async (c) => {
    const { t, tenant, viewer } = await reader(c);
    return eventIcsResponse(c.env, t, tenant, viewer, idOf(c.req.param("id").slice(0, -".ics".length)));
  })
  .get("/events/:id", doc({ summary: "Read an event the caller may see (a group's event: that group's members; 404 to others).", answers: { 200: eventEnvelope }, errors: { 403: ["feature_disabled"], 404: ["not_found"] } }), allowedTo("read"), async (c) => {
    const { t, tenant, viewer } = await reader(c);
    return c.json({ event: await getEvent(t, tenant, viewer, idOf(c.req.param("id"))) });
  })
  .patch("/events/:id", doc({ summary: "Change an event: moving it moves its resource hold and emails the registrants; raising capacity promotes waiting members.", answers: { 200: eventEnvelope }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"], 409: ["event_closed", "slot_taken"], 422: ["currency_mismatch"] } }), allowedTo("manage"), json(eventPatch), async (c) => {
    const { t, ctx, viewer } = await writer(c);
    return c.json({ event: await updateEvent(t, ctx, viewer, idOf(c.req.param("id")), c.req.valid("json")) });
  })
  .delete("/events/:id", doc({ summary: "Cancel an event: it stays listed with `canceledAt`, unbilled tickets are removed, registrants emailed, the resource freed.", answers: { 204: null }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), allowedTo("manage"), async (c) => {
    const { t, ctx, viewer } = await writer(c);
    await cancelEvent(t, ctx, viewer, idOf(c.req.param("id")));
    return c.body(null, 204);
  })
  // The body is optional: a bare POST registers (no fields to answer).
  .post("/events/:id/attend", doc({ summary: "Register for an event: going, or waitlisted when it is full (a priced event adds its ticket to the next invoice).", answers: { 201: attendAnswer }, errors: { 403: ["feature_disabled", "membership_required"], 404: ["not_found"], 409: ["already_registered", "event_closed"] } }), allowedTo("attend"), json(attendInput, { optional: true }), async (c) => {
    const { t, ctx, viewer, user } = await writer(c);
    return c.json(await attendEvent(t, ctx, viewer, user, idOf(c.req.param("id")), c.req.valid("json")), 201);
  })
  .delete("/events/:id/attend", doc({ summary: "Unregister from an event (its unbilled ticket is removed; a freed seat promotes the first waiting member).", answers: { 204: null }, errors: { 403: ["feature_disabled"], 404: ["not_found"], 409: ["event_closed"] } }), allowedTo("attend"), async (c) => {
    const { t, ctx, viewer } = await writer(c);
    await leaveEvent(t, ctx, viewer, idOf(c.req.param("id")));
    return c.body(null, 204);
  });
