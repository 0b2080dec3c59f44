import { stripeHttp } from "../payments/stripe";
import { call } from "./helpers";

// Stripe's HTTP API answered by the tests themselves: `fakeStripe()` puts a function in place
// of the `fetch` the Stripe client uses (worker/payments/stripe.ts `stripeHttp`), records
// every request (its form body parsed) and answers `POST /v1/checkout/sessions` as Stripe
// would. Nothing reaches the real service: any other request fails the test. Webhook bodies
// are signed here too, the way Stripe signs them (`t=<unix>,v1=<hex HMAC-SHA256>`).

export type StripeRequest = { method: string; url: URL; headers: Headers; form: URLSearchParams; authorization: string | null; idempotencyKey: string | null };

/** How the fake answers a checkout: a session (default), an HTTP error from Stripe, or no answer at all. */
export type StripeBehaviour = { kind: "ok" } | { kind: "error"; status: number; body: unknown } | { kind: "network" };

export type FakeStripe = {
  requests: StripeRequest[];
  behave(b: StripeBehaviour): void;
  restore(): void;
};

export function fakeStripe(): FakeStripe {
  const requests: StripeRequest[] = [];
  let behaviour: StripeBehaviour = { kind: "ok" };
  const previous = stripeHttp.fetch;
  const sessions = new Map<string, string>();
  stripeHttp.fetch = async (input, init) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    const body = new TextDecoder().decode(await req.arrayBuffer());
    const recorded: StripeRequest = {
      method: req.method,
      url,
      headers: req.headers,
      form: new URLSearchParams(body),
      authorization: req.headers.get("authorization"),
      idempotencyKey: req.headers.get("idempotency-key"),
    };
    requests.push(recorded);
    if (url.origin !== "https://api.stripe.com") throw new Error(`unexpected request to ${url.origin}`);
    if (behaviour.kind === "network") throw new TypeError("Network connection lost.");
    if (behaviour.kind === "error") return Response.json(behaviour.body, { status: behaviour.status, headers: { "request-id": "req_fake" } });
    if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      // The same idempotency key answers the same session, as Stripe does.
      const key = recorded.idempotencyKey ?? crypto.randomUUID();
      const id = sessions.get(key) ?? `cs_test_${crypto.randomUUID().replace(/-/g, "")}`;
      sessions.set(key, id);
      return Response.json(
        {
          id,
          object: "checkout.session",
          mode: "payment",
          status: "open",
          payment_status: "unpaid",
          amount_total: Number(recorded.form.get("line_items[0][price_data][unit_amount]")),
          currency: recorded.form.get("line_items[0][price_data][currency]"),
          url: `https://checkout.stripe.com/c/pay/${id}`,
          metadata: { tenantId: recorded.form.get("metadata[tenantId]"), invoiceId: recorded.form.get("metadata[invoiceId]") },
        },
        { headers: { "request-id": "req_fake" } },
      );
    }
    return Response.json({ error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname}).` } }, { status: 404 });
  };
  return {
    requests,
    behave: (b) => {
      behaviour = b;
    },
    restore: () => {
      stripeHttp.fetch = previous;
    },
  };
}

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/** The `Stripe-Signature` header Stripe sends with `body`, signed with `secret` at `timestamp` (seconds, default now). */
export async function signStripe(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`));
  return `t=${timestamp},v1=${hex(signature)}`;
}

/** A `checkout.session.*` event body as Stripe sends it (snapshot payload), for one invoice of one tenant. */
export function checkoutEvent(opts: {
  tenantId: string;
  invoiceId: string;
  amount: number;
  currency?: string;
  type?: string;
  paymentStatus?: "paid" | "unpaid" | "no_payment_required";
  paymentIntent?: string | null;
  sessionId?: string;
  eventId?: string;
}): string {
  const sessionId = opts.sessionId ?? `cs_test_${crypto.randomUUID().replace(/-/g, "")}`;
  return JSON.stringify({
    id: opts.eventId ?? `evt_${crypto.randomUUID().replace(/-/g, "")}`,
    object: "event",
    api_version: "2026-02-25.clover",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: opts.type ?? "checkout.session.completed",
    data: {
      object: {
        id: sessionId,
        object: "checkout.session",
        mode: "payment",
        status: "complete",
        payment_status: opts.paymentStatus ?? "paid",
        amount_total: opts.amount,
        currency: (opts.currency ?? "EUR").toLowerCase(),
        client_reference_id: opts.invoiceId,
        payment_intent: opts.paymentIntent === undefined ? `pi_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}` : opts.paymentIntent,
        metadata: { tenantId: opts.tenantId, invoiceId: opts.invoiceId },
      },
    },
  });
}

/** The keys tests connect (they only ever reach the fake). */
export const TEST_STRIPE_KEYS = { secretKey: "sk_test_fakeStripeKey1234567890", webhookSecret: "whsec_fakeWebhookSecret1234567890" };

/** Connects the community's Stripe account as its owner (the keys are sealed like real ones). */
export async function connectStripe(tenant: { host: string; owner: { cookie: string } }, keys: { secretKey: string; webhookSecret: string } = TEST_STRIPE_KEYS): Promise<void> {
  const res = await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { stripe: keys } });
  if (res.status !== 200) throw new Error(`Stripe not connected: ${res.status} ${await res.text()}`);
}
