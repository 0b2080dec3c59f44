import type { Money } from "../invoices/money";

// Card payments go through a provider: it opens a hosted checkout page for an invoice's
// balance and tells, through its signed webhook, that the money arrived. Stripe is the
// first (worker/payments/stripe.ts); each community is its own merchant, so a provider is
// built per request from that community's own keys.

/** What a checkout charges: one invoice's balance, named by its number. */
export type CheckoutInvoice = {
  tenantId: string;
  invoiceId: string;
  number: string;
  /** The balance due, in minor units of the invoice's currency. */
  amount: Money;
  /** The line the payer sees ("Invoice INV2026-0001"), in their language. */
  description: string;
  /** The checkout page's language, when the provider has it. */
  lang?: string;
};

/** Where the payer comes back: after paying, or after giving up. */
export type CheckoutUrls = { successUrl: string; cancelUrl: string };

export type CheckoutSession = { url: string; sessionId: string };

/**
 * A verified webhook event, reduced to what the app acts on: a checkout whose money is in
 * (`checkout_paid`), or anything else (`ignored`, answered 200 so the provider stops).
 */
export type CardEvent =
  | {
      kind: "checkout_paid";
      eventId: string;
      type: string;
      sessionId: string;
      /** Unique per payment at the provider (the payment intent, else the session): recorded once. */
      providerRef: string;
      amount: Money;
      /** What the checkout was opened for (its metadata), null when it does not say. */
      tenantId: string | null;
      invoiceId: string | null;
      /** When the provider made the event (ms). */
      createdAt: number;
    }
  | { kind: "ignored"; eventId: string; type: string };

export interface CardPaymentProvider {
  readonly name: "stripe";
  /** Opens a hosted checkout for the invoice's balance; throws `CardProviderError` when the provider fails or refuses. */
  createCheckout(invoice: CheckoutInvoice, urls: CheckoutUrls): Promise<CheckoutSession>;
  /** The event of a webhook body, after checking its signature; throws `WebhookSignatureError` when it does not hold (or is missing or too old). */
  parseWebhook(rawBody: string, signatureHeader: string | null | undefined): Promise<CardEvent>;
}

/** The provider could not be reached, or refused the request: not the payer's fault (503). */
export class CardProviderError extends Error {
  constructor(
    message: string,
    readonly providerStatus: number | null,
    readonly providerCode: string | null,
  ) {
    super(message);
    this.name = "CardProviderError";
  }
}

/** A webhook body whose signature is missing, wrong, or outside the provider's tolerance (401). */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookSignatureError";
  }
}

/** A signed webhook body that is not an event the provider would send (400). */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookPayloadError";
  }
}
