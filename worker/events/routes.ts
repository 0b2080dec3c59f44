import { Hono, type Context } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { pageParams } from "../http/pagination";
import { guard, json, query } from "../http/validate";
import { billingSettingsOf } from "../invoices/settings";
import { clockOf } from "../memberships/service";
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
  listEvents,
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
  .post("/events", allowedTo("manage"), json(eventInput), async (c) => {
    const { t, ctx, viewer } = await writer(c);
    return c.json({ event: await createEvent(t, ctx, viewer, c.req.valid("json")) }, 201);
  })
  .get("/events", allowedTo("read"), query(eventsQuery), async (c) => {
    const { t, viewer } = await reader(c);
    return c.json(await listEvents(t, viewer, c.req.valid("query"), Date.now(), pageParams(c)));
  })
  .get("/events/:id/attendees.csv", allowedTo("seeAttendees"), async (c) => {
    const { t, tenant, viewer } = await reader(c);
    const csv = await attendeesCsv(t, tenant, viewer, idOf(c.req.param("id")));
    return c.body(csv.body, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${csv.filename}"`, "cache-control": "no-store" });
  })
  .get("/events/:id/attendees", allowedTo("seeAttendees"), async (c) => {
    const { t, tenant, viewer } = await reader(c);
    return c.json({ items: (await attendees(t, tenant, viewer, idOf(c.req.param("id")))).items, nextCursor: null });
  })
  .get("/events/:id", allowedTo("read"), async (c) => {
    const { t, tenant, viewer } = await reader(c);
    const id = c.req.param("id");
    // `GET /api/v1/events/{id}.ics`: the event as iCalendar.
    if (id.endsWith(".ics")) return eventIcsResponse(c.env, t, tenant, viewer, idOf(id.slice(0, -4)));
    return c.json({ event: await getEvent(t, tenant, viewer, idOf(id)) });
  })
  .patch("/events/:id", allowedTo("manage"), json(eventPatch), async (c) => {
    const { t, ctx, viewer } = await writer(c);
    return c.json({ event: await updateEvent(t, ctx, viewer, idOf(c.req.param("id")), c.req.valid("json")) });
  })
  .delete("/events/:id", allowedTo("manage"), async (c) => {
    const { t, ctx, viewer } = await writer(c);
    await cancelEvent(t, ctx, viewer, idOf(c.req.param("id")));
    return c.body(null, 204);
  })
  // The body is optional: a bare POST registers (no fields to answer).
  .post("/events/:id/attend", allowedTo("attend"), json(attendInput, { optional: true }), async (c) => {
    const { t, ctx, viewer, user } = await writer(c);
    return c.json(await attendEvent(t, ctx, viewer, user, idOf(c.req.param("id")), c.req.valid("json")), 201);
  })
  .delete("/events/:id/attend", allowedTo("attend"), async (c) => {
    const { t, ctx, viewer } = await writer(c);
    await leaveEvent(t, ctx, viewer, idOf(c.req.param("id")));
    return c.body(null, 204);
  });
