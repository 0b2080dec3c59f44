import type Stripe from "stripe";
import {
  CardProviderError,
  WebhookPayloadError,
  WebhookSignatureError,
  type CardEvent,
  type CardPaymentProvider,
  type CheckoutInvoice,
  type CheckoutSession,
  type CheckoutUrls,
} from "./provider";

// Card payments through Stripe, with the official `stripe` package as it runs on workerd:
// its fetch HTTP client and its Web Crypto provider (the Node ones need node:https and
// node:crypto). Each community is its own merchant: a provider holds that community's keys.

/**
 * The `fetch` every Stripe request goes through. Production keeps the global one; tests
 * replace `stripeHttp.fetch` with a function that answers Stripe's API themselves
 * (worker/test/fake-stripe.ts), so nothing ever calls the real service.
 */
export const stripeHttp: { fetch: typeof fetch } = { fetch: (input, init) => fetch(input, init) };

type StripeSdk = { Stripe: typeof Stripe; httpClient: Stripe.HttpClient; cryptoProvider: Stripe.CryptoProvider };
let sdk: Promise<StripeSdk> | null = null;

/**
 * The package, loaded on first use: it is most of a megabyte that only card payments need,
 * so an isolate that never takes one never evaluates it (the bundle keeps it behind a lazy
 * module initialiser).
 */
function stripeSdk(): Promise<StripeSdk> {
  sdk ??= import("stripe").then(({ default: S }) => ({
    Stripe: S,
    httpClient: S.createFetchHttpClient(((input: RequestInfo | URL, init?: RequestInit) => stripeHttp.fetch(input, init)) as typeof fetch),
    cryptoProvider: S.createSubtleCryptoProvider(),
  }));
  // A failed load is not kept: the next payment tries again.
  sdk.catch(() => {
    sdk = null;
  });
  return sdk;
}

/** Events that mean a checkout's money is in (`completed` only when already `paid`: bank debits complete first and succeed later). */
const PAID_EVENTS = new Set(["checkout.session.completed", "checkout.session.async_payment_succeeded"]);

/** The idempotency key of a checkout: the same invoice, amount and return addresses give Stripe's same session back (a double click opens one). */
async function idempotencyKey(invoice: CheckoutInvoice, urls: CheckoutUrls): Promise<string> {
  const what = JSON.stringify([invoice.tenantId, invoice.invoiceId, invoice.amount.amount, invoice.amount.currency, invoice.description, invoice.lang ?? null, urls.successUrl, urls.cancelUrl]);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(what)));
  const hex = Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `checkout-${invoice.invoiceId}-${hex}`;
}

/** Checkout's own page languages among ours (`auto` otherwise: the payer's browser decides). */
function checkoutLocale(lang: string | undefined): Stripe.Checkout.SessionCreateParams.Locale {
  return lang === "fr" || lang === "nl" || lang === "en" ? lang : "auto";
}

export class StripeCardProvider implements CardPaymentProvider {
  readonly name = "stripe" as const;
  private client: Stripe | null = null;

  constructor(private readonly keys: { secretKey: string; webhookSecret: string }) {}

  private stripe({ Stripe, httpClient }: StripeSdk): Stripe {
    // One retry on a network error or a 5xx (with the same idempotency key), within a request's time.
    this.client ??= new Stripe(this.keys.secretKey, { httpClient, maxNetworkRetries: 1, timeout: 10_000, telemetry: false });
    return this.client;
  }

  async createCheckout(invoice: CheckoutInvoice, urls: CheckoutUrls): Promise<CheckoutSession> {
    const metadata = { tenantId: invoice.tenantId, invoiceId: invoice.invoiceId, invoiceNumber: invoice.number };
    const loaded = await stripeSdk();
    const { Stripe } = loaded;
    let session: Stripe.Checkout.Session;
    try {
      session = await this.stripe(loaded).checkout.sessions.create(
        {
          mode: "payment",
          line_items: [
            {
              quantity: 1,
              price_data: { currency: invoice.amount.currency.toLowerCase(), unit_amount: invoice.amount.amount, product_data: { name: invoice.description } },
            },
          ],
          client_reference_id: invoice.invoiceId,
          metadata,
          payment_intent_data: { description: invoice.description, metadata },
          locale: checkoutLocale(invoice.lang),
          success_url: urls.successUrl,
          cancel_url: urls.cancelUrl,
        },
        { idempotencyKey: await idempotencyKey(invoice, urls) },
      );
    } catch (err) {
      if (err instanceof Stripe.errors.StripeError) throw new CardProviderError(`Stripe refused the checkout: ${err.message}`, err.statusCode ?? null, err.code ?? err.type ?? null);
      throw new CardProviderError(`Stripe could not be reached: ${err instanceof Error ? err.message : String(err)}`, null, null);
    }
    if (!session.url) throw new CardProviderError("Stripe answered a checkout session without a URL.", null, null);
    return { url: session.url, sessionId: session.id };
  }

  async parseWebhook(rawBody: string, signatureHeader: string | null | undefined): Promise<CardEvent> {
    if (!signatureHeader) throw new WebhookSignatureError("The Stripe-Signature header is missing.");
    const { Stripe, cryptoProvider } = await stripeSdk();
    let event: Stripe.Event;
    try {
      // Stripe's default tolerance (5 minutes) between the signed timestamp and now.
      event = await Stripe.webhooks.constructEventAsync(rawBody, signatureHeader, this.keys.webhookSecret, undefined, cryptoProvider);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeSignatureVerificationError) throw new WebhookSignatureError(err.message);
      throw new WebhookPayloadError(err instanceof Error ? err.message : "The event could not be read.");
    }
    if (!event || typeof event !== "object" || typeof event.type !== "string" || typeof event.id !== "string") throw new WebhookPayloadError("The body is not a Stripe event.");
    return cardEventOf(event);
  }
}

/** The app's reading of a verified Stripe event. */
export function cardEventOf(event: Stripe.Event): CardEvent {
  if (!PAID_EVENTS.has(event.type)) return { kind: "ignored", eventId: event.id, type: event.type };
  const session = event.data?.object as Partial<Stripe.Checkout.Session> | undefined;
  if (!session || session.object !== "checkout.session" || typeof session.id !== "string") return { kind: "ignored", eventId: event.id, type: event.type };
  if (session.payment_status !== "paid" || typeof session.amount_total !== "number" || typeof session.currency !== "string") {
    return { kind: "ignored", eventId: event.id, type: event.type };
  }
  const intent = session.payment_intent;
  const providerRef = typeof intent === "string" ? intent : intent && typeof intent.id === "string" ? intent.id : session.id;
  const meta = session.metadata ?? {};
  return {
    kind: "checkout_paid",
    eventId: event.id,
    type: event.type,
    sessionId: session.id,
    providerRef,
    amount: { amount: session.amount_total, currency: session.currency.toUpperCase() },
    tenantId: typeof meta.tenantId === "string" ? meta.tenantId : null,
    invoiceId: typeof meta.invoiceId === "string" ? meta.invoiceId : typeof session.client_reference_id === "string" ? session.client_reference_id : null,
    createdAt: typeof event.created === "number" ? event.created * 1000 : Date.now(),
  };
}
