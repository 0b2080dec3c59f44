import { and, asc, eq, gt } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { bookings, resources, type Tenant } from "../db/schema";
import type { CalendarEntry } from "./ics";
import { goingEntries } from "../events/ics";

// What the member's secret feed (`GET /api/v1/me/calendar.ics?token=`) holds: their bookings
// (and, once events land, the events they are going to) from 30 days back, each switched off
// feature left out. One query per kind, however many bookings the member has.

export const FEED_DAYS_BACK = 30;
/** A bound on one feed's size (a member with more bookings than this in the window sees the first ones). */
export const FEED_MAX_ENTRIES = 5000;
const DAY_MS = 86_400_000;

/** The same UID wherever a booking is written (feed, `.ics`, confirmation and cancellation emails). */
export const bookingUid = (bookingId: string) => `booking-${bookingId}@edge-communities`;

/** A booking as a calendar entry: the resource's name (and the member's title) as summary. */
export function bookingEntry(b: { id: string; fromMs: number; toMs: number; title: string | null }, resource: { name: string; category: string }, opts: { base?: string; status?: CalendarEntry["status"] } = {}): CalendarEntry {
  return {
    uid: bookingUid(b.id),
    start: new Date(b.fromMs),
    end: new Date(b.toMs),
    summary: b.title ? `${resource.name} · ${b.title}` : resource.name,
    description: b.title ? `${resource.name} (${resource.category}) · ${b.title}` : `${resource.name} (${resource.category})`,
    location: resource.name,
    url: opts.base ? `${opts.base}/bookings/${encodeURIComponent(b.id)}` : null,
    ...(opts.status ? { status: opts.status } : {}),
  };
}

/** The member's bookings ending after `now` − 30 days, by start (index bookings on user): one query. */
async function bookingEntries(t: TenantDb, userId: string, since: number, base: string | undefined): Promise<CalendarEntry[]> {
  const rows = await t.db
    .select({ id: bookings.id, fromMs: bookings.fromMs, toMs: bookings.toMs, title: bookings.title, name: resources.name, category: resources.category })
    .from(bookings)
    .innerJoin(resources, eq(resources.id, bookings.resourceId))
    .where(and(eq(bookings.tenantId, t.tenantId), eq(bookings.userId, userId), gt(bookings.toMs, since)))
    .orderBy(asc(bookings.fromMs), asc(bookings.id))
    .limit(FEED_MAX_ENTRIES);
  return rows.map((r) => bookingEntry(r, r, base ? { base } : {}));
}

/**
 * Every entry of the member's feed at `now`: bookings unless `features.bookings` is off (events
 * are added here when the events feature lands, respecting `features.events`). `base` is the
 * community's origin, for each entry's link back to the portal.
 */
export async function feedEntries(t: TenantDb, tenant: Pick<Tenant, "features">, userId: string, now: number, base?: string): Promise<CalendarEntry[]> {
  const since = now - FEED_DAYS_BACK * DAY_MS;
  const kinds: Promise<CalendarEntry[]>[] = [];
  if (tenant.features.bookings !== false) kinds.push(bookingEntries(t, userId, since, base));
  // The events the member is going to (branch ev-api), unless `features.events` is off.
  if (tenant.features.events !== false) kinds.push(goingEntries(t, userId, since, base, FEED_MAX_ENTRIES));
  return (await Promise.all(kinds)).flat().sort((a, b) => a.start.getTime() - b.start.getTime());
}
