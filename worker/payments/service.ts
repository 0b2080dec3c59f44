import { msg, t as translate, type Lang } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { ApiError, notFound, unauthorized } from "../http/errors";
import { reserveOrThrow } from "../http/limits";
import { invoiceById } from "../invoices/invoices";
import type { InvoiceActor } from "../invoices/policy";
import { SealedError } from "../invoices/sealed";
import { stripeConnected, stripeKeysOf } from "../invoices/settings";
import { decideCardPayment } from "./policy";
import { CardProviderError, type CardPaymentProvider, type CheckoutSession } from "./provider";
import { StripeCardProvider } from "./stripe";

// Card payments, the app's side: which provider a community uses (its own Stripe keys,
// unsealed with the deployment's SECRETS_KEY), opening a checkout for an invoice's balance,
// and (webhook.ts) recording what the provider says was paid.

/** The `?done=` notices of the invoice page the checkout returns to. */
export const CHECKOUT_DONE = { paid: "card_paid", canceled: "card_canceled" } as const;

const unavailable = (why: string) => {
  console.error(`card payments unavailable: ${why}`);
  return new ApiError(503, "payments_unavailable", msg("payments.error.unavailable"));
};

/**
 * The community's card provider, built from its own keys; null when it connected none.
 * 503 `payments_unavailable` when the keys cannot be opened (the deployment's SECRETS_KEY is
 * missing or was changed since they were stored: the admins must enter them again).
 */
export async function cardProviderOf(t: TenantDb, secret: string | null): Promise<CardPaymentProvider | null> {
  if (!(await stripeConnected(t))) return null;
  if (!secret) throw unavailable("SECRETS_KEY is not set");
  let keys: { secretKey: string; webhookSecret: string } | null;
  try {
    keys = await stripeKeysOf(t, secret);
  } catch (err) {
    if (err instanceof SealedError) throw unavailable(`the Stripe keys of tenant ${t.tenantId} do not open with SECRETS_KEY (${err.message})`);
    throw err;
  }
  return keys ? new StripeCardProvider(keys) : null;
}

/** Checkouts one person may open in a community per hour: each is a call to the community's Stripe account. */
export const CHECKOUT_LIMIT = { max: 30, windowMs: 3600_000 };

/** 409 when the community has no card provider. */
export const notConnected = () => new ApiError(409, "payments_not_connected", msg("payments.error.not_connected"));

/**
 * Opens a hosted checkout for the balance of an invoice, for the member it bills or an
 * admin (404 for anyone else, as reading it); 409 `invoice_void`, `invoice_paid` (nothing
 * due), `payments_not_connected`; 429 `too_many_checkouts` beyond `CHECKOUT_LIMIT`; 503
 * `payments_unavailable` when the provider fails (never the payer's fault). The payer comes
 * back to the invoice's page on this host.
 */
export async function openCheckout(
  t: TenantDb,
  secret: string | null,
  actor: InvoiceActor,
  invoiceId: string,
  opts: { origin: string; lang: Lang },
): Promise<CheckoutSession> {
  const invoice = await invoiceById(t, invoiceId);
  const d = decideCardPayment(actor, invoice);
  if (!d.ok) {
    if (d.why === "signed_out") throw unauthorized();
    if (d.why === "not_found") throw notFound("No such invoice.");
    if (d.why === "invoice_void") throw new ApiError(409, "invoice_void", msg("payments.error.invoice_void"));
    throw new ApiError(409, "invoice_paid", msg("payments.error.invoice_paid"));
  }
  const provider = await cardProviderOf(t, secret);
  if (!provider) throw notConnected();
  await reserveOrThrow(t.d1, [{ key: `checkout:${t.tenantId}:${actor.userId}`, ...CHECKOUT_LIMIT }], msg("payments.error.too_many"), { code: "too_many_checkouts" });
  const back = `${opts.origin}/membership/invoices/${encodeURIComponent(invoice.id)}`;
  try {
    return await provider.createCheckout(
      {
        tenantId: t.tenantId,
        invoiceId: invoice.id,
        number: invoice.number,
        amount: { amount: invoice.total - invoice.paid, currency: invoice.currency },
        description: translate(opts.lang, "payments.checkout.line", { number: invoice.number }),
        lang: opts.lang,
      },
      { successUrl: `${back}?done=${CHECKOUT_DONE.paid}`, cancelUrl: `${back}?done=${CHECKOUT_DONE.canceled}` },
    );
  } catch (err) {
    if (err instanceof CardProviderError) throw unavailable(`checkout for invoice ${invoice.id} of tenant ${t.tenantId}: ${err.message} (${err.providerStatus ?? "no answer"}, ${err.providerCode ?? "-"})`);
    throw err;
  }
}
