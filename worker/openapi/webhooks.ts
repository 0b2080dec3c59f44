import { z } from "zod";
import { bookingAnswer } from "../bookings/answers";
import { eventAnswer, myEventStatusAnswer } from "../events/answers";
import { issueAnswer } from "../helpdesk/answers";
import { invitationAnswer } from "../invitations/answers";
import { invoiceAnswer } from "../invoices/answers";
import { memberAnswer } from "../members/answers";
import { oneMembershipAnswer } from "../memberships/answers";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../webhooks/events";

/**
 * The `data` of each webhook event type, for the document's top-level `webhooks`. The contract
 * ("Integrations"): `data` is what the type's GET answers (`group.*`: `{group: {id, slug},
 * member: {id, name}}`; `event.registered`: `{event, member, status}`), so the features' own
 * answer schemas describe it; worker/webhooks/emit-sites.test.ts parses every emitted payload
 * with these.
 */
const person = z.strictObject({ id: z.string(), name: z.string() });
const groupEvent = z.strictObject({ group: z.strictObject({ id: z.string(), slug: z.string() }), member: person });

export const webhookData: Record<WebhookEventType, z.ZodType> = {
  "member.created": memberAnswer,
  "group.member_joined": groupEvent,
  "group.join_requested": groupEvent,
  "invitation.accepted": invitationAnswer,
  "membership.created": oneMembershipAnswer,
  "membership.canceled": oneMembershipAnswer,
  "booking.created": z.strictObject({ booking: bookingAnswer }),
  "booking.canceled": z.strictObject({ booking: bookingAnswer }),
  "invoice.issued": invoiceAnswer,
  "invoice.paid": invoiceAnswer,
  "event.registered": z.strictObject({ event: eventAnswer, member: person, status: myEventStatusAnswer }),
  "issue.created": z.strictObject({ issue: issueAnswer }),
};

/** What a webhook delivery's body is (Standard Webhooks): `{type, timestamp, data}`. */
export function webhookPayload(type: WebhookEventType) {
  return z.object({ type: z.literal(type), timestamp: z.iso.datetime(), data: webhookData[type] });
}

export const webhookTypes: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES;
