import { z } from "zod";
import { msg } from "../../web/i18n";
import { unixLines } from "../http/text";
import { isCurrency } from "../invoices/money";
import { fieldKey } from "../profiles/fields";

// The request bodies and queries of "Events" (API.md), as zod schemas. Times are ISO instants
// (`Z` or an offset); titles at most 200 characters, descriptions at most 20,000.

const instant = z
  .string({ error: "field.required" })
  .max(40, msg("field.too_long", { max: 40 }))
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)), { message: "field.invalid" })
  .transform((s) => Date.parse(s));
const id = z.string({ error: "field.required" }).min(1, "field.required").max(64, msg("field.too_long", { max: 64 }));
const count = (min: number, max: number) => z.number({ error: "field.invalid" }).int("field.invalid").min(min, msg("field.too_small", { min })).max(max, msg("field.too_big", { max }));
const amount = z.number({ error: "field.required" }).int(msg("field.invalid")).min(0, msg("field.too_small", { min: 0 })).max(100_000_000, msg("field.too_big", { max: 100_000_000 }));
const percent = z
  .number({ error: "field.required" })
  .min(0, msg("field.too_small", { min: 0 }))
  .max(100, msg("field.too_big", { max: 100 }))
  .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, { message: "field.invalid" });
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, msg("field.too_long", { max }))
    .transform((s) => s || null)
    .nullable();

const eventFields = {
  title: z.string({ error: "field.required" }).trim().min(1, "field.required").max(200, msg("field.too_long", { max: 200 })),
  description: z.string().max(20_000, msg("field.too_long", { max: 20_000 })).transform(unixLines).nullable(),
  type: optionalText(60),
  startsAt: instant,
  endsAt: instant,
  location: optionalText(200),
  resourceId: id.nullable(),
  /** null: no limit. */
  capacity: count(0, 100_000).nullable(),
  /** null or 0: free. */
  price: z.strictObject({ amount, currency: z.string({ error: "field.required" }).refine(isCurrency, { message: "field.invalid" }) }).nullable(),
  taxRate: percent,
  /** A group's slug (null: the whole community). */
  group: z.string().trim().min(1, "field.required").max(100, msg("field.too_long", { max: 100 })).nullable(),
  fields: z.array(fieldKey).max(30, msg("field.too_many", { max: 30 })).refine((keys) => new Set(keys).size === keys.length, { message: "field.invalid" }),
};

const ordered = <T extends { startsAt?: number | undefined; endsAt?: number | undefined }>(s: z.ZodType<T>) =>
  s.superRefine((v, ctx) => {
    if (v.startsAt !== undefined && v.endsAt !== undefined && v.startsAt >= v.endsAt) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "field.invalid" });
  });

/** `POST /api/v1/events`. */
export const eventInput = ordered(
  z.strictObject({
    ...eventFields,
    description: eventFields.description.optional(),
    type: eventFields.type.optional(),
    location: eventFields.location.optional(),
    resourceId: eventFields.resourceId.optional(),
    capacity: eventFields.capacity.optional(),
    price: eventFields.price.optional(),
    taxRate: eventFields.taxRate.optional(),
    group: eventFields.group.optional(),
    fields: eventFields.fields.optional(),
  }),
);
export type EventInput = z.output<typeof eventInput>;

/** `PATCH /api/v1/events/{id}`: any field of the creation, `null` clears an optional one. */
export const eventPatch = ordered(z.strictObject(eventFields).partial());
export type EventPatch = z.output<typeof eventPatch>;

/** `GET /api/v1/events?when=&type=&from=&to=` (plus `limit`, `cursor`). */
export const eventsQuery = z.strictObject({
  when: z.enum(["upcoming", "past"], { error: "field.option" }).optional(),
  type: z.string().max(60, msg("field.too_long", { max: 60 })).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.string().optional(),
  cursor: z.string().optional(),
});
export type EventsQuery = z.output<typeof eventsQuery>;

/** `POST /api/v1/events/{id}/attend`: answers to the event's fields, by profile field key. */
export const attendInput = z.strictObject({
  fields: z.record(z.string().max(100), z.unknown(), { error: "field.invalid" }).optional(),
});
export type AttendInput = z.output<typeof attendInput>;
