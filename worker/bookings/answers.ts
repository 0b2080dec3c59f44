import { z } from "zod";
import { RULE_PROBLEMS } from "./service";

// What the bookings routes answer (API.md "Resources and bookings"), as zod schemas for the
// OpenAPI document, written from service.ts (`BookingAnswer`, `BookingView`, `CalendarItem`,
// `PreviewAnswer`) and held to the real answers by answers.test.ts. Objects are strict: an
// answer with a field a schema does not name fails the test, as does a named field it lacks.
// Money, a list page and a paging query are the invoices' (worker/invoices/answers.ts).

import { listAnswer, moneyAnswer, pageQuery } from "../invoices/answers";

export { listAnswer, moneyAnswer, pageQuery };

/** An ISO 8601 UTC time as answers write it (`2026-12-06T17:00:00.000Z`, `Date#toISOString`); a short pattern, not zod's calendar-checking one, to keep the document small. */
export const instantAnswer = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  .meta({ format: "date-time" });

/** A list that is never paginated: `nextCursor` is always null. */
export const wholeListAnswer = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.null() });


/** A resource as a booking names it. */
export const resourceRefAnswer = z.strictObject({ id: z.string(), name: z.string(), category: z.string() });

/** Someone as a booking names them (`name` is "" once the account is gone). */
export const bookingMemberAnswer = z.strictObject({ id: z.string(), name: z.string() });

export const PROBLEMS = ["membership_required", ...RULE_PROBLEMS, "slot_taken"] as const;
export const problemAnswer = z.enum(PROBLEMS);

/** `POST /bookings/preview`. */
export const previewAnswer = z.strictObject({ price: moneyAnswer, creditsUsedMinutes: z.number().int().min(0), available: z.boolean(), problems: z.array(problemAnswer) });

const bookingFields = {
  id: z.string(),
  resource: resourceRefAnswer,
  from: instantAnswer,
  to: instantAnswer,
  /** What will be charged: the minutes not covered by credits at the member's hourly price. */
  price: moneyAnswer,
  creditsUsedMinutes: z.number().int().min(0),
  title: z.string().nullable(),
  /** Set on the bookings of one `repeat` series. */
  seriesId: z.string().nullable(),
};

/** A booking as `POST /bookings` answers it (`{booking}`, or each of `{bookings}` with `repeat`). */
export const newBookingAnswer = z.strictObject(bookingFields);

/**
 * A booking as `GET /bookings/{id}` and `GET /me/bookings` answer it: the created booking, plus
 * whether it is the caller's and whose it is (the payload of `booking.*` webhooks).
 */
export const bookingAnswer = z.strictObject({ ...bookingFields, mine: z.boolean(), member: bookingMemberAnswer.nullable() });

export const bookingEnvelope = z.strictObject({ booking: bookingAnswer });

/** `POST /bookings`: one booking, or the whole series with `repeat`. */
export const bookingCreatedAnswer = z.union([z.strictObject({ booking: newBookingAnswer }), z.strictObject({ bookings: z.array(newBookingAnswer) })]);

const calendarBase = { id: z.string(), resource: resourceRefAnswer, from: instantAnswer, to: instantAnswer };

/**
 * One entry of the calendar (`GET /bookings?from=&to=`): the caller's own bookings (every one
 * for admins) with title and member; others' bookings as busy; an event holding a resource
 * with its `eventId` and `title` (busy only, to those who may not see that event).
 */
export const calendarItemAnswer = z.union([
  z.strictObject({ ...calendarBase, mine: z.boolean(), title: z.string().nullable(), member: bookingMemberAnswer }),
  z.strictObject({ ...calendarBase, mine: z.literal(false), eventId: z.string(), title: z.string() }),
  z.strictObject({ ...calendarBase, mine: z.literal(false) }),
]);
