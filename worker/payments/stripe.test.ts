import { afterEach, describe, expect, it } from "vitest";
import { checkoutEvent, fakeStripe, signStripe, type FakeStripe } from "../test/fake-stripe";
import { CardProviderError, WebhookPayloadError, WebhookSignatureError, type CheckoutInvoice } from "./provider";
import { StripeCardProvider } from "./stripe";

// The Stripe provider alone, with Stripe's HTTP answered by the test (worker/test/fake-stripe.ts):
// what a checkout sends, how Stripe's failures come back, and the webhook signature check.

const KEYS = { secretKey: "sk_test_provider1234567890", webhookSecret: "whsec_provider1234567890" };
const INVOICE: CheckoutInvoice = {
  tenantId: "tn_1",
  invoiceId: "inv_1",
  number: "INV2026-0007",
  amount: { amount: 12345, currency: "EUR" },
  description: "Invoice INV2026-0007",
  lang: "fr",
};
const URLS = { successUrl: "https://acme.example/membership/invoices/inv_1?done=card_paid", cancelUrl: "https://acme.example/membership/invoices/inv_1?done=card_canceled" };

let stripe: FakeStripe | null = null;
afterEach(() => {
  stripe?.restore();
  stripe = null;
});

describe("Stripe provider: checkout", () => {
  it("posts one Checkout Session to /v1/checkout/sessions with the balance in minor units, the currency in lower case, the number, metadata, return URLs and an idempotency key", async () => {
    stripe = fakeStripe();
    const session = await new StripeCardProvider(KEYS).createCheckout(INVOICE, URLS);
    expect(session.sessionId).toMatch(/^cs_test_/);
    expect(session.url).toBe(`https://checkout.stripe.com/c/pay/${session.sessionId}`);
    expect(stripe.requests).toHaveLength(1);
    const [req] = stripe.requests;
    expect(req!.method).toBe("POST");
    expect(req!.url.href).toBe("https://api.stripe.com/v1/checkout/sessions");
    expect(req!.authorization).toBe(`Bearer ${KEYS.secretKey}`);
    expect(Object.fromEntries(req!.form)).toMatchObject({
      mode: "payment",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "12345",
      "line_items[0][price_data][product_data][name]": "Invoice INV2026-0007",
      client_reference_id: "inv_1",
      "metadata[tenantId]": "tn_1",
      "metadata[invoiceId]": "inv_1",
      "metadata[invoiceNumber]": "INV2026-0007",
      "payment_intent_data[metadata][invoiceId]": "inv_1",
      locale: "fr",
      success_url: URLS.successUrl,
      cancel_url: URLS.cancelUrl,
    });
    expect(req!.idempotencyKey).toMatch(/^checkout-inv_1-[0-9a-f]{32}$/);
  });

  it("uses the same idempotency key for the same checkout and another one when the balance changes", async () => {
    stripe = fakeStripe();
    const provider = new StripeCardProvider(KEYS);
    const a = await provider.createCheckout(INVOICE, URLS);
    const b = await provider.createCheckout(INVOICE, URLS);
    await provider.createCheckout({ ...INVOICE, amount: { amount: 100, currency: "EUR" } }, URLS);
    const keys = stripe.requests.map((r) => r.idempotencyKey);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(b.sessionId).toBe(a.sessionId);
  });

  it("turns Stripe's refusals (4xx) and unreachable Stripe into CardProviderError, never anything else", async () => {
    stripe = fakeStripe();
    stripe.behave({ kind: "error", status: 401, body: { error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****7890" } } });
    const refused = await new StripeCardProvider(KEYS).createCheckout(INVOICE, URLS).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CardProviderError);
    expect((refused as CardProviderError).providerStatus).toBe(401);

    stripe.behave({ kind: "error", status: 400, body: { error: { type: "invalid_request_error", code: "amount_too_small", message: "Amount must be at least €0.50 eur" } } });
    const small = await new StripeCardProvider(KEYS).createCheckout(INVOICE, URLS).catch((e: unknown) => e);
    expect(small).toBeInstanceOf(CardProviderError);
    expect((small as CardProviderError).providerCode).toBe("amount_too_small");

    stripe.behave({ kind: "network" });
    const before = stripe.requests.length;
    const down = await new StripeCardProvider(KEYS).createCheckout(INVOICE, URLS).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(CardProviderError);
    expect((down as CardProviderError).providerStatus).toBeNull();
    // One retry, with the same idempotency key.
    const tries = stripe.requests.slice(before);
    expect(tries.length).toBe(2);
    expect(tries[1]!.idempotencyKey).toBe(tries[0]!.idempotencyKey);
  });
});

describe("Stripe provider: webhook signature", () => {
  const provider = new StripeCardProvider(KEYS);
  const body = checkoutEvent({ tenantId: "tn_1", invoiceId: "inv_1", amount: 12345, paymentIntent: "pi_123" });

  it("reads a correctly signed checkout.session.completed as checkout_paid, keyed by its payment intent", async () => {
    const event = await provider.parseWebhook(body, await signStripe(body, KEYS.webhookSecret));
    expect(event).toMatchObject({ kind: "checkout_paid", providerRef: "pi_123", amount: { amount: 12345, currency: "EUR" }, tenantId: "tn_1", invoiceId: "inv_1" });
  });

  it("keys a payment without a payment intent by its session", async () => {
    const noIntent = checkoutEvent({ tenantId: "tn_1", invoiceId: "inv_1", amount: 5, paymentIntent: null, sessionId: "cs_test_abc" });
    expect(await provider.parseWebhook(noIntent, await signStripe(noIntent, KEYS.webhookSecret))).toMatchObject({ kind: "checkout_paid", providerRef: "cs_test_abc" });
  });

  it("refuses a missing, wrong, foreign-secret, altered or stale signature", async () => {
    const sig = await signStripe(body, KEYS.webhookSecret);
    await expect(provider.parseWebhook(body, null)).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(provider.parseWebhook(body, "")).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(provider.parseWebhook(body, "t=1,v1=00")).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(provider.parseWebhook(body, await signStripe(body, "whsec_someoneelse"))).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(provider.parseWebhook(body.replace("12345", "99999"), sig)).rejects.toBeInstanceOf(WebhookSignatureError);
    // Stripe's default tolerance is 300 s.
    const stale = await signStripe(body, KEYS.webhookSecret, Math.floor(Date.now() / 1000) - 301);
    await expect(provider.parseWebhook(body, stale)).rejects.toBeInstanceOf(WebhookSignatureError);
    const recent = await signStripe(body, KEYS.webhookSecret, Math.floor(Date.now() / 1000) - 200);
    await expect(provider.parseWebhook(body, recent)).resolves.toMatchObject({ kind: "checkout_paid" });
  });

  it("ignores other events and checkouts not yet paid; a signed body that is not JSON is a payload error", async () => {
    const other = JSON.stringify({ id: "evt_1", object: "event", type: "customer.created", created: 1, data: { object: { id: "cus_1", object: "customer" } } });
    expect(await provider.parseWebhook(other, await signStripe(other, KEYS.webhookSecret))).toEqual({ kind: "ignored", eventId: "evt_1", type: "customer.created" });
    const unpaid = checkoutEvent({ tenantId: "tn_1", invoiceId: "inv_1", amount: 5, paymentStatus: "unpaid" });
    expect(await provider.parseWebhook(unpaid, await signStripe(unpaid, KEYS.webhookSecret))).toMatchObject({ kind: "ignored", type: "checkout.session.completed" });
    const later = checkoutEvent({ tenantId: "tn_1", invoiceId: "inv_1", amount: 5, type: "checkout.session.async_payment_succeeded" });
    expect(await provider.parseWebhook(later, await signStripe(later, KEYS.webhookSecret))).toMatchObject({ kind: "checkout_paid", type: "checkout.session.async_payment_succeeded" });
    await expect(provider.parseWebhook("not json", await signStripe("not json", KEYS.webhookSecret))).rejects.toBeInstanceOf(WebhookPayloadError);
  });
});
