import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import type { MiddlewareHandler } from "hono";
import { READ_TTL_MS, ReadCache } from "../db/read-cache";
import type { AppEnv } from "../env";
import { bookings, resources, users } from "../db/schema";
import { calendar, viewOf, type BookingView, type CalendarItem } from "./service";

// What the dashboard (`GET /api/v1/me/dashboard`, the page at `/`) shows of bookings: the
// member's next few, kept a few seconds per isolate (db/read-cache.ts) like the dashboard's other
// reads (invoices/cache.ts), so that a dashboard in the steady state makes no D1 round trip for
// them; on a miss they are read in the dashboard's one batch. Booking, cancelling (and anything
// else that changes a member's bookings) calls `forgetBookingsOf` in its isolate; other isolates
// see the change within READ_TTL_MS. A remembered list is read again as soon as one of its
// bookings has ended.

export const DASHBOARD_BOOKINGS = 5;

const upcomingCache = new ReadCache<BookingView[]>();

/** After a write that changes a member's bookings (`userId`), or any in the community (none given). */
export function forgetBookingsOf(tenantId: string, userId?: string): void {
  if (userId === undefined) upcomingCache.deleteWhere((key) => key.startsWith(`${tenantId}:`));
  else upcomingCache.delete(`${tenantId}:${userId}`);
}

/** The member's bookings ending after `now`, soonest first, at most five (index bookings_user_from): a query to batch. */
export function upcomingBookingsQuery(t: TenantDb, userId: string, now: number) {
  // Aliased: inside a D1 batch drizzle reads rows by column name, and `resources.name` and
  // `users.name` would collide (the member's name would show as the resource's).
  return t.db
    .select({ b: bookings, resourceName: sql<string>`${resources.name}`.as("resource_name"), category: resources.category, memberName: sql<string | null>`${users.name}`.as("member_name") })
    .from(bookings)
    .innerJoin(resources, eq(resources.id, bookings.resourceId))
    .leftJoin(users, eq(users.id, bookings.userId))
    .where(and(eq(bookings.tenantId, t.tenantId), eq(bookings.userId, userId), gt(bookings.toMs, now)))
    .orderBy(asc(bookings.fromMs), asc(bookings.id))
    .limit(DASHBOARD_BOOKINGS);
}

type UpcomingRow = Awaited<ReturnType<typeof upcomingBookingsQuery>>[number];

/**
 * The member's next bookings as `GET /me/bookings?when=upcoming` answers them (cached); `load`
 * lets the dashboard fetch them inside its own batch (called at once on a miss).
 */
export async function upcomingBookings(t: TenantDb, userId: string, now: number, load: () => Promise<UpcomingRow[]> = () => upcomingBookingsQuery(t, userId, now)): Promise<BookingView[]> {
  const key = `${t.tenantId}:${userId}`;
  const read = async () => (await load()).map((r) => viewOf(r, userId));
  let items = await upcomingCache.getOrLoad(key, read);
  if (items.some((b) => Date.parse(b.to) <= now)) {
    upcomingCache.delete(key);
    items = await upcomingCache.getOrLoad(key, read);
  }
  return items;
}

// The /bookings page's reads (the calendar of the range shown, the resources, the member's
// upcoming and past bookings, their feed's address), kept a few seconds per isolate the same
// way, so that a member paging through a busy week, or many members looking at it, make no D1
// round trip in the steady state. Any write request on the community forgets all of them in its
// isolate once it answered (`forgetCalendarAfterWrites`: bookings, resources, hidden resources,
// events holding a resource, the feed's address — a write is rare next to reads, and forgetting
// too much costs one reload); other isolates see a change within READ_TTL_MS. The calendar is
// advice: a slot shown free for those seconds is refused with 409 `slot_taken` when booked.

/** A calendar answer (up to 62 days of a community) is big: few of them are kept. */
const calendars = new ReadCache<unknown>(READ_TTL_MS, 300);
const pageReads = new ReadCache<unknown>(READ_TTL_MS, 5_000);

/** The page's read `what` for `key` (which names the viewer and every input the read takes), cached. */
export function calendarRead<V>(t: TenantDb, what: "calendar" | "resources" | "upcoming" | "past" | "feed", key: string, load: () => Promise<V>): Promise<V> {
  const cache = what === "calendar" ? calendars : pageReads;
  return cache.getOrLoad(`${t.tenantId}:${what}:${key}`, load) as Promise<V>;
}

/** `calendar()` for this viewer and query, through the cache: the page and `GET /api/v1/bookings` share entries. */
export function calendarCached(t: TenantDb, viewer: { userId: string; admin: boolean }, q: Parameters<typeof calendar>[2]): Promise<CalendarItem[]> {
  const key = `${viewer.userId}:${viewer.admin ? "a" : "m"}:${q.from}:${q.to}:${q.resourceId ?? ""}:${q.category ?? ""}`;
  return calendarRead(t, "calendar", key, () => calendar(t, viewer, q));
}

/** Forgets the calendar reads of a community in this isolate (every community's without an id). */
export function forgetCalendarOf(tenantId?: string): void {
  if (tenantId === undefined) {
    calendars.clear();
    pageReads.clear();
    return;
  }
  calendars.deleteWhere((key) => key.startsWith(`${tenantId}:`));
  pageReads.deleteWhere((key) => key.startsWith(`${tenantId}:`));
}

/** After any request but GET/HEAD, once it answered: the community's calendar reads are forgotten in this isolate. */
export function forgetCalendarAfterWrites(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === "GET" || c.req.method === "HEAD") return;
    forgetCalendarOf(c.get("tenant")?.id);
  };
}
