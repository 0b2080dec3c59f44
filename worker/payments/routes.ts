import { Hono, type Context } from "hono";
import type { Lang } from "../../web/i18n";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant } from "../http/context";
import { secretsKeyOf } from "../invoices/sealed";
import { openCheckout } from "./service";
import { applyCardWebhook } from "./webhook";
import { doc } from "../openapi/describe";
import { checkoutAnswer, stripeWebhookAnswer } from "./answers";

// Card payments' JSON API: a member (or an admin) opens a checkout for an invoice's balance;
// the provider's signed webhook, on the community's own host, records what was paid.

export const apiActor = (c: Context<AppEnv>) => {
  const user = requireUser(c);
  return { tenantRole: user.tenantRole, userId: user.id };
};
export const langOf = (c: Context<AppEnv>) => (c.get("language") ?? "fr") as Lang;

export const cardPaymentsApi = new Hono<AppEnv>()
  .post("/invoices/:id/checkout", doc({ summary: "Open a Stripe Checkout page for an invoice's balance (the member it bills or an admin)", answers: { 200: checkoutAnswer }, errors: { 404: ["not_found"], 409: ["invoice_void", "invoice_paid", "payments_not_connected"], 429: ["too_many_checkouts"], 503: ["payments_unavailable"] } }), async (c) => {
    const t = tenantDb(c.env, requireTenant(c));
    const session = await openCheckout(t, secretsKeyOf(c.env), apiActor(c), c.req.param("id"), { origin: requestOrigin(c), lang: langOf(c) });
    return c.json({ url: session.url });
  })
  // No session, no Origin check (worker/http/origin.ts exempts this path): the signature is the proof.
  .post(
    "/payments/stripe/webhook",
    doc({
      summary: "Receive the community's Stripe events (a paid Checkout records one card payment)",
      description:
        "Called by Stripe, not by integrations: the body is Stripe's event exactly as sent (`application/json`, read raw), signed in the `Stripe-Signature` header with the community's own webhook secret (`whsec_…`, set in the billing settings). No session and no Origin check: the signature is the proof. A paid Checkout (`checkout.session.completed`, `checkout.session.async_payment_succeeded`) for an invoice of this community records one `card` payment however often it arrives; any other event, or one the app cannot apply, answers 200 `ignored`.",
      public: true,
      body: { media: "application/json", description: "Stripe's event, exactly as Stripe sent it (the signature covers these bytes)." },
      answers: { 200: stripeWebhookAnswer },
      errors: { 400: ["invalid_event"], 401: ["invalid_signature"], 409: ["payments_not_connected"], 503: ["payments_unavailable"] },
    }),
    async (c) => {
    const tenant = requireTenant(c);
    const outcome = await applyCardWebhook(tenantDb(c.env, tenant), tenant, secretsKeyOf(c.env), new TextDecoder().decode(await c.req.arrayBuffer()), c.req.header("stripe-signature"), Date.now());
    return c.json({ received: true, outcome });
  });
