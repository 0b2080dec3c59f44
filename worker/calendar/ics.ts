// iCalendar documents (RFC 5545) for bookings and events, built with ical-generator
// (DESIGN.md "Documents"). Times are written in UTC (`…Z`), which RFC 5545 allows without
// a VTIMEZONE; the tenant's timezone is named in X-WR-TIMEZONE so that calendar apps show
// the feed in it. ical-generator writes CRLF line endings, folds lines at 75 octets
// (counting UTF-8 bytes, never splitting a character), escapes text values, and writes
// UID, SEQUENCE and DTSTAMP on every VEVENT.
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";

export type CalendarEntry = {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description?: string | null;
  location?: string | null;
  url?: string | null;
  status?: "CONFIRMED" | "CANCELLED";
};

export const ICS_PRODID = { company: "Edge Communities", product: "Member portal", language: "EN" } as const;

/**
 * One VCALENDAR with a VEVENT per entry. `method` is the iTIP method: PUBLISH for feeds and
 * downloads (the default), REQUEST for a confirmation email, CANCEL for a cancellation (the
 * entries then carry STATUS:CANCELLED and the UID of the event they cancel; a cancelled entry's
 * SEQUENCE is 1 so that calendar apps apply it over the original, sent with SEQUENCE 0).
 */
export function icsDocument(entries: CalendarEntry[], opts: { name: string; timezone: string; method?: "PUBLISH" | "REQUEST" | "CANCEL" }): string {
  const calendar = ical({ name: opts.name, prodId: ICS_PRODID, method: ICalCalendarMethod[opts.method ?? "PUBLISH"] });
  // Not calendar.timezone(): without a VTIMEZONE generator it would write local times without
  // a TZID (floating). X-WR-TIMEZONE only tells apps which zone to show the UTC times in.
  calendar.x("X-WR-TIMEZONE", opts.timezone);
  const stamp = new Date();
  for (const entry of entries) {
    const status = entry.status ?? (opts.method === "CANCEL" ? "CANCELLED" : "CONFIRMED");
    calendar.createEvent({
      id: entry.uid,
      start: entry.start,
      end: entry.end,
      stamp,
      summary: entry.summary,
      description: entry.description ?? null,
      location: entry.location ?? null,
      url: entry.url ?? null,
      status: status === "CANCELLED" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      sequence: status === "CANCELLED" ? 1 : 0,
    });
  }
  return calendar.toString();
}

/** A `text/calendar` answer, named for download; never cached by a shared cache. */
export function icsResponse(body: string, filename: string): Response {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, "_") || "calendar.ics";
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `inline; filename="${safe}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
