import type { MiddlewareHandler } from "hono";
import type { TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import type { Tenant, User } from "../db/schema";
import type { AppEnv } from "../env";
import { decideEvent } from "./policy";
import { eventTypes, eventViewer, groupUpcomingEvents, myUpcomingEvents, type EventView } from "./service";

// The dashboard's `upcomingEvents` (the events a member is going to or waiting for) and the
// event types of the lists' filters, kept a few seconds per isolate (db/read-cache.ts) like
// the dashboard's other reads, so that a dashboard in the steady state makes no D1 round trip
// for them. Every request that writes
// events (the events API, the events pages, the development clock's jobs) forgets the
// community's entries in its isolate once it answered (`forgetEventsAfterWrites`); other
// isolates see the change within READ_TTL_MS.

const upcoming = new ReadCache<EventView[]>();
const types = new ReadCache<string[]>();

/** Forgets every member's upcoming events of a community, and its event types (after any write to its events). */
export function forgetEventsOf(tenantId: string): void {
  upcoming.deleteWhere((key) => key.startsWith(`${tenantId}:`));
  types.delete(tenantId);
}

/** The event types in use, for the filters of /events and /admin/events (cached like the rest). */
export function eventTypesCached(t: TenantDb): Promise<string[]> {
  return types.getOrLoad(t.tenantId, () => eventTypes(t));
}

/**
 * The member's upcoming events for the dashboard: at most 5, soonest first, those they are
 * going to or waitlisted for; none when the community switched events off. While viewing as a
 * member, an admin sees what a member would (only the events a member may see).
 */
/** One shared empty list (frozen): the dashboard names its reads by identity. */
const NONE = Object.freeze([]) as never[];

export async function upcomingEventsFor(t: TenantDb, tenant: Pick<Tenant, "features">, user: Pick<User, "id" | "tenantRole">, now: number, viewingAsMember = false): Promise<EventView[]> {
  if (tenant.features.events === false) return NONE;
  return upcoming.getOrLoad(`${t.tenantId}:${user.id}:${viewingAsMember ? "m" : "a"}`, async () => myUpcomingEvents(t, await eventViewer(t, user, { viewingAsMember }), now, 5));
}

/** Paths whose writes change events or registrations. */
const WRITES = /^\/(?:api\/v1\/)?(?:admin\/)?events(?:\/|$)|^\/api\/v1\/dev\/scheduled$/;

/** After a request that may have written events (any method but GET/HEAD on their paths), forget the community's cached lists. */
export function forgetEventsAfterWrites(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === "GET" || c.req.method === "HEAD" || !WRITES.test(c.req.path)) return;
    const tenant = c.get("tenant");
    if (tenant) forgetEventsOf(tenant.id);
    else {
      upcoming.clear();
      types.clear();
    }
  };
}

/**
 * A group's upcoming events on its page (`/g/{slug}`): for a signed-in reader who may see them
 * (the group's members, community admins), and not while events are switched off for them.
 * Kept like the dashboard's list (and forgotten with it), so the group page in the steady
 * state makes no D1 round trip for them.
 */
export async function groupEventsFor(t: TenantDb, tenant: Pick<Tenant, "features">, user: Pick<User, "id" | "tenantRole"> | null, groupId: string, now: number, viewingAsMember: boolean): Promise<EventView[]> {
  if (!user || !decideEvent({ tenantRole: user.tenantRole, viewingAsMember }, "read", tenant.features).ok) return [];
  const viewer = await eventViewer(t, user, { viewingAsMember });
  // Who may see them is decided on every request (the roles are cached and forgotten by their
  // own writes); only the rows, with the reader's registrations, are kept.
  if (!viewer.admin && viewer.groupRoles[groupId] === undefined) return [];
  return upcoming.getOrLoad(`${t.tenantId}:g:${groupId}:${user.id}:${viewingAsMember ? "m" : "a"}`, () => groupUpcomingEvents(t, viewer, groupId, now, 5));
}
