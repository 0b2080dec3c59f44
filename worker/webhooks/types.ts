import type { WebhookEventType } from "./events";

export type { WebhookEventType };

/** An endpoint as the API answers it (never its secret). */
export type WebhookView = {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  /** `failures` when the product disabled it after 5 days of failed deliveries; null otherwise. */
  disabledReason: "failures" | null;
  /** The first failed attempt since the last success (ISO), null when not failing. */
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
};

/** One HTTP attempt of a delivery. */
export type WebhookAttemptView = {
  id: string;
  attemptedAt: string;
  /** The receiver's status, null when none came (timeout, refused address, network error). */
  statusCode: number | null;
  ok: boolean;
  error: string | null;
  durationMs: number;
};

export type WebhookDeliveryStatus = "pending" | "sending" | "delivered" | "failed";

/** One event for one endpoint; `id` is its `webhook-id`. */
export type WebhookDeliveryView = {
  id: string;
  webhookId: string;
  eventId: string;
  type: string;
  status: WebhookDeliveryStatus;
  /** The body every attempt sends: `{type, timestamp, data}`. */
  payload: { type: string; timestamp: string; data: unknown };
  createdAt: string;
  deliveredAt: string | null;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  lastError: string | null;
  /** Newest first, at most the last 20. */
  attempts: WebhookAttemptView[];
};
