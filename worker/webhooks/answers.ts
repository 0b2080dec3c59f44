import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "./events";

// The shapes the webhooks routes answer (the OpenAPI document), from the views in types.ts;
// answers.test.ts parses real answers with them.

const isoTime = z.string().describe("ISO 8601 UTC time");

export const webhookEventType = z.enum(WEBHOOK_EVENT_TYPES);

export const webhookAnswer = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventType),
  enabled: z.boolean(),
  disabledReason: z.enum(["failures"]).nullable().describe("`failures` when disabled by the product after 5 days of failed deliveries"),
  failingSince: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const webhookAttemptAnswer = z.object({
  id: z.string(),
  attemptedAt: isoTime,
  statusCode: z.number().int().nullable(),
  ok: z.boolean(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});

export const webhookDeliveryAnswer = z.object({
  id: z.string().describe("the `webhook-id` header, the same for every attempt"),
  webhookId: z.string(),
  eventId: z.string(),
  type: z.string(),
  status: z.enum(["pending", "sending", "delivered", "failed"]),
  payload: z.object({ type: z.string(), timestamp: isoTime, data: z.unknown() }),
  createdAt: isoTime,
  deliveredAt: isoTime.nullable(),
  nextAttemptAt: isoTime.nullable(),
  lastError: z.string().nullable(),
  attempts: z.array(webhookAttemptAnswer),
});

export const webhookCreatedAnswer = z.object({ id: z.string(), secret: z.string().describe("`whsec_` + base64 of 32 random bytes, shown here only"), webhook: webhookAnswer });
export const webhookSecretAnswer = z.object({ secret: z.string() });
export const webhookOneAnswer = z.object({ webhook: webhookAnswer });
export const webhookListAnswer = z.object({ items: z.array(webhookAnswer), nextCursor: z.string().nullable() });
export const webhookDeliveryListAnswer = z.object({ items: z.array(webhookDeliveryAnswer), nextCursor: z.string().nullable() });
export const webhookDeliveryOneAnswer = z.object({ delivery: webhookDeliveryAnswer });
