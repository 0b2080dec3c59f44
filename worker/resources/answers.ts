import { z } from "zod";
import { moneyAnswer } from "../bookings/answers";

// What the resources routes answer (API.md "Resources and bookings"), as zod schemas for the
// OpenAPI document, written from `ResourceView` (types.ts, `resourceView` in service.ts) and held
// to the real answers by answers.test.ts (strict objects: no field more, none less).

/** A window of opening hours: ISO weekday (1 = Monday), wall-clock `HH:MM` times (`to` may be `24:00`). */
export const openingWindowAnswer = z.strictObject({ day: z.number().int().min(1).max(7), from: z.string(), to: z.string() });

/** A resource (`GET /resources/{id}`). */
export const resourceAnswer = z.strictObject({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  description: z.string(),
  /** Its picture under `/media/…`, or null. */
  image: z.string().nullable(),
  /** How many bookings may run at once. */
  units: z.number().int().min(1),
  capacity: z.number().int().nullable(),
  pricePerHour: moneyAnswer,
  /** Plan id → that plan's hourly price. */
  planPrices: z.record(z.string(), moneyAnswer),
  /** A percentage with up to two decimals. */
  taxRate: z.number(),
  minMinutes: z.number().int().nullable(),
  maxMinutes: z.number().int().nullable(),
  cutoffHours: z.number().int().nullable(),
  cancellationHours: z.number().int().nullable(),
  /** null: bookable at any time. */
  openingHours: z.array(openingWindowAnswer).nullable(),
  hidden: z.boolean(),
});

export const resourceEnvelope = z.strictObject({ resource: resourceAnswer });

/** `GET`/`PUT /members/{userId}/hidden-resources`. */
export const hiddenResourcesAnswer = z.strictObject({ resourceIds: z.array(z.string()) });
