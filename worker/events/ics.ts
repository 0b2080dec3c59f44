import type { TenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { Bindings } from "../env";
import { icsDocument, icsResponse, type CalendarEntry } from "../calendar/ics";
import { platformUrl } from "../tenancy/hosts";
import { getEvent, type EventView, type EventViewer } from "./service";

// Events as iCalendar (API.md "Events": `GET /api/v1/events/{id}.ics`, and the member's feed),
// through bk-ical's module (worker/calendar/ics.ts).

/** One event as a calendar entry: its UID is stable per event and community, a canceled one is CANCELLED. */
export function eventEntry(env: Pick<Bindings, "ROOT_DOMAIN">, tenant: Pick<Tenant, "subdomain">, e: Pick<EventView, "id" | "title" | "description" | "startsAt" | "endsAt" | "location" | "canceledAt">): CalendarEntry {
  return {
    uid: `event-${e.id}@${tenant.subdomain}.${env.ROOT_DOMAIN}`,
    start: new Date(e.startsAt),
    end: new Date(e.endsAt),
    summary: e.title,
    description: e.description || null,
    location: e.location,
    url: platformUrl(env, tenant.subdomain, `/events/${e.id}`),
    status: e.canceledAt ? "CANCELLED" : "CONFIRMED",
  };
}

/** `GET /api/v1/events/{id}.ics`: the event the viewer may see (404 otherwise), as a calendar of one. */
export async function eventIcsResponse(env: Pick<Bindings, "ROOT_DOMAIN">, t: TenantDb, tenant: Tenant, viewer: EventViewer, id: string): Promise<Response> {
  const e = await getEvent(t, tenant, viewer, id);
  return icsResponse(icsDocument([eventEntry(env, tenant, e)], { name: e.title, timezone: tenant.timezone }), `event-${e.id}.ics`);
}
