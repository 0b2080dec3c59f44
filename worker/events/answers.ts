import { z } from "zod";
import { fieldValueAnswer } from "../profiles/answers";
import { instantAnswer, moneyAnswer, resourceRefAnswer } from "../bookings/answers";

// What the events routes answer (API.md "Events"), as zod schemas for the OpenAPI document,
// written from `EventView` and `AttendeeView` (service.ts) and held to the real answers by
// answers.test.ts (strict objects: no field more, none less).

export const myEventStatusAnswer = z.enum(["going", "waitlisted"]);

/** An event (`GET /events/{id}`; the `event` of `event.*` webhooks). */
export const eventAnswer = z.strictObject({
  id: z.string(),
  title: z.string(),
  /** The Markdown source. */
  description: z.string(),
  /** The description rendered safely. */
  descriptionHtml: z.string(),
  type: z.string().nullable(),
  startsAt: instantAnswer,
  endsAt: instantAnswer,
  location: z.string().nullable(),
  /** The resource it holds over its time. */
  resource: resourceRefAnswer.nullable(),
  /** null: no limit. */
  capacity: z.number().int().nullable(),
  /** null: free. */
  price: moneyAnswer.nullable(),
  taxRate: z.number(),
  /** null: a community-wide event. */
  group: z.strictObject({ slug: z.string(), name: z.string() }).nullable(),
  /** Profile field keys every registrant answers. */
  fields: z.array(z.string()),
  going: z.number().int().min(0),
  waitlisted: z.number().int().min(0),
  myStatus: myEventStatusAnswer.nullable(),
  canceledAt: instantAnswer.nullable(),
});

export const eventEnvelope = z.strictObject({ event: eventAnswer });

/** `POST /events/{id}/attend`. */
export const attendAnswer = z.strictObject({ status: myEventStatusAnswer });

/** A profile field's value as a registrant answered it. */
export { fieldValueAnswer };

/** One registrant (`GET /events/{id}/attendees`): going first, then the waitlist, in registration order. */
export const attendeeAnswer = z.strictObject({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  status: myEventStatusAnswer,
  position: z.number().int().min(1),
  registeredAt: instantAnswer,
  answers: z.record(z.string(), fieldValueAnswer),
});

export const CSV_MEDIA = { media: "text/csv" } as const;
