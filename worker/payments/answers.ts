import { z } from "zod";

// What the card payment routes answer (API.md "Invoices and payments").

/** `POST /api/v1/invoices/{id}/checkout`: the provider's hosted checkout page for the invoice's balance. */
export const checkoutAnswer = z.strictObject({ url: z.url() });

/** `POST /api/v1/payments/stripe/webhook`: what the event did (`ignored` for an event the app cannot apply, logged). */
export const stripeWebhookAnswer = z.strictObject({ received: z.literal(true), outcome: z.enum(["recorded", "duplicate", "ignored"]) });
