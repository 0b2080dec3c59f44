import { and, asc, eq, gt } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { eventRegistrations, events, type EventRow, type Tenant } from "../db/schema";
import type { Bindings } from "../env";
import { icsDocument, icsResponse, type CalendarEntry } from "../calendar/ics";
import { platformUrl } from "../tenancy/hosts";
import { getEvent, type EventViewer } from "./service";

// Events as iCalendar (API.md "Events": `GET /api/v1/events/{id}.ics`, and the member's feed),
// through bk-ical's module (worker/calendar/ics.ts).

/** The same UID wherever an event is written (its `.ics`, the member's feed). */
export const eventUid = (eventId: string) => `event-${eventId}@edge-communities`;

/** One event as a calendar entry; a canceled one is CANCELLED (calendar apps take it out). `base`: the community's origin. */
export function eventEntry(e: Pick<EventRow, "id" | "title" | "description" | "startsMs" | "endsMs" | "location" | "canceledAt">, base?: string): CalendarEntry {
  return {
    uid: eventUid(e.id),
    start: new Date(e.startsMs),
    end: new Date(e.endsMs),
    summary: e.title,
    description: e.description || null,
    location: e.location,
    url: base ? `${base}/events/${encodeURIComponent(e.id)}` : null,
    status: e.canceledAt !== null ? "CANCELLED" : "CONFIRMED",
  };
}

/** The events the member is going to that end after `since`, by start (through the registrations of the member). */
export async function goingEntries(t: TenantDb, userId: string, since: number, base: string | undefined, max: number): Promise<CalendarEntry[]> {
  const rows = await t.db
    .select({ e: events })
    .from(eventRegistrations)
    .innerJoin(events, eq(events.id, eventRegistrations.eventId))
    .where(and(eq(eventRegistrations.tenantId, t.tenantId), eq(eventRegistrations.userId, userId), eq(eventRegistrations.status, "going"), gt(events.endsMs, since)))
    .orderBy(asc(events.startsMs), asc(events.id))
    .limit(max);
  return rows.map((r) => eventEntry(r.e, base));
}

/** `GET /api/v1/events/{id}.ics`: the event the viewer may see (404 otherwise), as a calendar of one. */
export async function eventIcsResponse(env: Pick<Bindings, "ROOT_DOMAIN">, t: TenantDb, tenant: Tenant, viewer: EventViewer, id: string): Promise<Response> {
  const e = await getEvent(t, tenant, viewer, id);
  const row = { id: e.id, title: e.title, description: e.description, startsMs: Date.parse(e.startsAt), endsMs: Date.parse(e.endsAt), location: e.location, canceledAt: e.canceledAt === null ? null : Date.parse(e.canceledAt) };
  return icsResponse(icsDocument([eventEntry(row, platformUrl(env, tenant.subdomain))], { name: e.title, timezone: tenant.timezone }), `event-${e.id}.ics`);
}
