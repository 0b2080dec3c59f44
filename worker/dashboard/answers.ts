import { z } from "zod";
import { announcementAnswer } from "../announcements/answers";
import { dayAnswer, moneyAnswer } from "../invoices/answers";
import { statusAnswer } from "../tenancy/answers";

// What `GET /api/v1/me/dashboard` answers (API.md "Switches, status and messages"), from
// `Dashboard` (service.ts).
//
// For the integrator: `upcomingBookings` and `upcomingEvents` hold the bookings' and events' own
// answers (`BookingView`, `EventView`), whose schemas are `bookingAnswer`
// (worker/bookings/answers.ts) and `eventAnswer` (worker/events/answers.ts) on branch
// oa-portal-b. Until both branches are merged they are loose objects here; then replace
// `upcomingBooking` by `bookingAnswer` and `upcomingEvent` by `eventAnswer` (answers.test.ts
// already puts one of each in the answer it parses).
const upcomingBooking = z.looseObject({ id: z.string(), from: z.string(), to: z.string() });
const upcomingEvent = z.looseObject({ id: z.string(), title: z.string(), startsAt: z.string() });

export const dashboardAnswer = z.strictObject({
  name: z.string(),
  bio: z.string().nullable(),
  /** The latest membership that is not canceled. */
  membership: z.strictObject({ plan: z.strictObject({ id: z.string(), name: z.string() }), status: z.enum(["pending_approval", "active", "canceling"]) }).nullable(),
  nextInvoice: z.strictObject({ date: dayAnswer, total: moneyAnswer }).nullable(),
  /** Open with a balance, oldest due first; `balance` is what is left to pay. */
  unpaidInvoices: z.array(z.strictObject({ id: z.string(), number: z.string(), total: moneyAnswer, balance: moneyAnswer, dueOn: dayAnswer })),
  /** Markdown source. */
  welcomeMessage: z.string().nullable(),
  /** At most 10, those that reach the member. */
  announcements: z.array(announcementAnswer),
  /** At most 5, soonest first; empty while `features.bookings` is off. */
  upcomingBookings: z.array(upcomingBooking),
  /** Those the member is going to or waitlisted for, at most 5, soonest first; empty while `features.events` is off. */
  upcomingEvents: z.array(upcomingEvent),
  /** The status banner within its window. */
  status: statusAnswer.nullable(),
});
