import type { BookingNotice } from "../calendar/mail";
import { z } from "zod";
import { msg } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { ApiError } from "../http/errors";
import { parseWith } from "../http/validate";
import { isDay } from "../memberships/periods";
import type { Clock } from "../memberships/service";
import { minutesOf, wallTimeMs } from "./hours";
import { bookingInput, createBooking, createSeries, previewBooking, type BookingAnswer, type BookingInput, type Booker, type PreviewAnswer } from "./service";

// The /bookings page's booking form: a resource, a day, a start and an end in the community's
// wall-clock time, an optional title and repetition, turned into the API's booking input, then
// previewed or booked through the bookings service. Refusals name the form's fields.

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const day = z.string({ error: "field.required" }).min(1, "field.required").refine(isDay, { message: "field.day" });
const time = z.string({ error: "field.required" }).min(1, "field.required").regex(TIME, "field.invalid");
const count = z.string().trim().regex(/^\d{1,3}$/, "field.invalid").transform(Number);

/** What the booking form posts: a resource, a day, a start and an end (wall clock), a title, a repetition. */
export const bookingForm = z.object({
  resourceId: z.string({ error: "field.required" }).min(1, "field.required").max(64, msg("field.too_long", { max: 64 })),
  date: day,
  start: time,
  end: time,
  title: z.string().max(200, msg("field.too_long", { max: 200 })).optional(),
  repeat: z.enum(["", "day", "week"], { error: "field.option" }).optional(),
  repeatEnds: z.enum(["count", "until"], { error: "field.option" }).optional(),
  count: z.union([z.literal(""), count]).optional(),
  until: z.union([z.literal(""), day]).optional(),
});
export type BookingFormValues = z.input<typeof bookingForm>;

/** The form's wall-clock times as the API's booking (an end of 00:00 after a later start is midnight); 422 naming the form's fields. */
export function parseBookingForm(values: Record<string, string>, timeZone: string): BookingInput {
  const v = parseWith(bookingForm, values);
  const start = minutesOf(v.start)!;
  const endRaw = minutesOf(v.end)!;
  const end = endRaw === 0 && start > 0 ? 1440 : endRaw;
  const repeat =
    v.repeat === "day" || v.repeat === "week"
      ? { every: v.repeat, ...(v.repeatEnds === "until" ? { until: v.until || "" } : { count: typeof v.count === "number" ? v.count : Number.NaN }) }
      : undefined;
  const title = v.title?.trim();
  try {
    return parseWith(bookingInput, {
      resourceId: v.resourceId,
      from: new Date(wallTimeMs(v.date, start, timeZone)).toISOString(),
      to: new Date(wallTimeMs(v.date, end, timeZone)).toISOString(),
      ...(title ? { title } : {}),
      ...(repeat ? { repeat } : {}),
    });
  } catch (err) {
    throw asFormFields(err);
  }
}

/** The API's field names as the form's (`from` is the start time, `repeat.count` the count…). */
const FORM_FIELD: Record<string, string> = { from: "start", to: "end", "repeat.count": "count", "repeat.until": "until", "repeat.every": "repeat" };

/** A refusal whose fields are named as the API names them, renamed to the form's inputs. */
export function asFormFields(err: unknown): unknown {
  if (!(err instanceof ApiError) || !err.fields) return err;
  const fields = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [FORM_FIELD[k] ?? k, v]));
  const out = new ApiError(err.status, err.code, err.message, fields);
  if (err.extra) out.extra = err.extra;
  return out;
}

type Community = { timezone: string; defaultLanguage: string };

/** The preview step: the form parsed, then `previewBooking` (422 naming the form's fields when it does not parse). */
export async function previewFromForm(t: TenantDb, tenant: Community, clock: Clock, booker: Booker, values: Record<string, string>): Promise<PreviewAnswer & { from: string; to: string }> {
  const input = parseBookingForm(values, tenant.timezone);
  try {
    const answer = await previewBooking(t, tenant, clock, booker, input);
    return { ...answer, from: new Date(input.from).toISOString(), to: new Date(input.to).toISOString() };
  } catch (err) {
    throw asFormFields(err);
  }
}

/** Confirming: one booking, or a series when the form repeats it (its email through `notice`); refusals name the form's fields. */
export async function bookFromForm(t: TenantDb, tenant: Community, clock: Clock, booker: Booker, values: Record<string, string>, notice: BookingNotice | null): Promise<BookingAnswer | BookingAnswer[]> {
  const input = parseBookingForm(values, tenant.timezone);
  try {
    return input.repeat ? await createSeries(t, tenant, clock, booker, input, notice) : await createBooking(t, tenant, clock, booker, input, notice);
  } catch (err) {
    throw asFormFields(err);
  }
}
