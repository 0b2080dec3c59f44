import { and, eq } from "drizzle-orm";
import { msg } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { invoices, type Tenant } from "../db/schema";
import { ApiError, badRequest } from "../http/errors";
import { recordPayment } from "../invoices/payments";
import { dayInTimeZone } from "../memberships/periods";
import { WebhookPayloadError, WebhookSignatureError, type CardEvent } from "./provider";
import { cardProviderOf, notConnected } from "./service";

// The provider's webhook, on the community's own host: the body is checked with that
// community's webhook secret, and a paid checkout records ONE `card` payment through
// `recordPayment` (keyed by the provider's reference, so a second delivery, even at the
// same moment, records nothing). An event the app cannot apply (another community's
// invoice, an unknown, void or already paid one) is answered 200 and logged: the provider
// would retry it for days, and no retry would change the answer.

export type WebhookOutcome = "recorded" | "duplicate" | "ignored";

/** 401 `invalid_signature` for a missing or wrong signature, 400 `invalid_event` for a signed body that is no event; 409 `payments_not_connected` without keys. */
export async function applyCardWebhook(t: TenantDb, tenant: Pick<Tenant, "id" | "timezone">, secret: string | null, rawBody: string, signature: string | undefined, now: number): Promise<WebhookOutcome> {
  const provider = await cardProviderOf(t, secret);
  if (!provider) throw notConnected();
  let event: CardEvent;
  try {
    event = await provider.parseWebhook(rawBody, signature);
  } catch (err) {
    if (err instanceof WebhookSignatureError) throw new ApiError(401, "invalid_signature", msg("payments.error.invalid_signature"));
    if (err instanceof WebhookPayloadError) throw badRequest("invalid_event", "The body is not an event.");
    throw err;
  }
  if (event.kind !== "checkout_paid") return "ignored";
  return applyPaidCheckout(t, tenant, event, now);
}

const skip = (event: Extract<CardEvent, { kind: "checkout_paid" }>, tenantId: string, why: string): WebhookOutcome => {
  console.warn(`card webhook ${event.eventId} (${event.type}, ${event.sessionId}) for tenant ${tenantId} not applied: ${why}`);
  return "ignored";
};

async function applyPaidCheckout(t: TenantDb, tenant: Pick<Tenant, "id" | "timezone">, event: Extract<CardEvent, { kind: "checkout_paid" }>, now: number): Promise<WebhookOutcome> {
  if (event.tenantId !== t.tenantId) return skip(event, t.tenantId, `it names tenant ${event.tenantId ?? "none"}`);
  if (!event.invoiceId) return skip(event, t.tenantId, "it names no invoice");
  const [invoice] = await t.db
    .select()
    .from(invoices)
    .where(and(eq(invoices.tenantId, t.tenantId), eq(invoices.id, event.invoiceId)))
    .limit(1);
  if (!invoice) return skip(event, t.tenantId, `no invoice ${event.invoiceId}`);
  if (invoice.status === "void") return skip(event, t.tenantId, `invoice ${invoice.number} is void: refund ${event.providerRef} in Stripe`);
  if (event.amount.currency !== invoice.currency) return skip(event, t.tenantId, `paid in ${event.amount.currency}, invoice ${invoice.number} is in ${invoice.currency}`);
  // Paid in the community's day of the event (never after today: the event is not from the future).
  const paidOn = dayInTimeZone(Math.min(event.createdAt, now), tenant.timezone);
  try {
    const { duplicate } = await recordPayment(
      t,
      invoice.id,
      { amount: event.amount.amount, currency: event.amount.currency, method: "card", paidOn, note: `Stripe ${event.sessionId}`, providerRef: event.providerRef },
      { userId: null },
      now,
    );
    return duplicate ? "duplicate" : "recorded";
  } catch (err) {
    // Already paid (by hand, say) or a balance smaller than the card payment: nothing a retry would change.
    if (err instanceof ApiError && err.status < 500) return skip(event, t.tenantId, `${err.code} on invoice ${invoice.number}: ${err.message} (refund ${event.providerRef} in Stripe if the money is not due)`);
    throw err;
  }
}
