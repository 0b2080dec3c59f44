import { z } from "zod";

// What the calendar routes answer (API.md "Resources and bookings"): the member's secret feed
// URL as JSON; the feed and a booking's `.ics` are `text/calendar` (documented as media).

/** `GET /me/calendar` and `POST /me/calendar-token`. */
export const feedUrlAnswer = z.strictObject({ url: z.url() });

/** The query of `GET /me/calendar.ics` (read by hand: the token is the credential). */
export const feedQuery = z.object({ token: z.string().describe("The secret token of the member's feed URL (404 for a replaced one or another community's).") });

export const CALENDAR_MEDIA = { media: "text/calendar" } as const;
