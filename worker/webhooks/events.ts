/**
 * The webhook event types of the contract ("Integrations"). An endpoint subscribes to some
 * of them; the OpenAPI document lists each under `webhooks`; each is emitted in the D1
 * batch of the change it names.
 */
export const WEBHOOK_EVENT_TYPES = [
  "member.created",
  "group.member_joined",
  "group.join_requested",
  "invitation.accepted",
  "membership.created",
  "membership.canceled",
  "booking.created",
  "booking.canceled",
  "invoice.issued",
  "invoice.paid",
  "event.registered",
  "issue.created",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
