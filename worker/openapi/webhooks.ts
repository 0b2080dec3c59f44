import { z } from "zod";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../webhooks/types";

/**
 * The `data` of each webhook event type, for the document's top-level `webhooks`. The contract
 * ("Integrations"): `data` is what the type's GET answers (`group.*`: `{group: {id, slug},
 * member: {id, name}}`; `event.registered`: `{event, member, status}`).
 *
 * For the integrator: replace each loose object below by the features' own answer schemas
 * (`worker/<feature>/answers.ts`, e.g. `membershipAnswer`) once those branches are merged, so
 * the payloads are documented by the schemas the routes answer with.
 */
const ref = z.looseObject({ id: z.string() });
const member = z.looseObject({ id: z.string(), name: z.string() });
const group = z.looseObject({ id: z.string(), slug: z.string() });

export const webhookData: Record<WebhookEventType, z.ZodType> = {
  "member.created": z.looseObject({ member }),
  "group.member_joined": z.object({ group, member }),
  "group.join_requested": z.object({ group, member }),
  "invitation.accepted": z.looseObject({ invitation: ref, member }),
  "membership.created": z.looseObject({ membership: ref }),
  "membership.canceled": z.looseObject({ membership: ref }),
  "booking.created": z.looseObject({ booking: ref }),
  "booking.canceled": z.looseObject({ booking: ref }),
  "invoice.issued": z.looseObject({ invoice: ref }),
  "invoice.paid": z.looseObject({ invoice: ref }),
  "event.registered": z.looseObject({ event: ref, member, status: z.string() }),
  "issue.created": z.looseObject({ issue: ref }),
};

/** What a webhook delivery's body is (Standard Webhooks): `{type, timestamp, data}`. */
export function webhookPayload(type: WebhookEventType) {
  return z.object({ type: z.literal(type), timestamp: z.iso.datetime(), data: webhookData[type] });
}

export const webhookTypes: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES;
