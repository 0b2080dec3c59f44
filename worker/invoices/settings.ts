import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import { preparedQuery, type TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { billingSettings, invoices, plans } from "../db/schema";
import { ApiError } from "../http/errors";
import { unixLines } from "../http/text";
import { forgetInvoicesOf } from "./cache";
import { isValidBic, isValidIban, normalizeIban } from "./epc";
import { basisPointsToPercent, isCurrency, percentToBasisPoints } from "./money";
import { seal, unseal, type SealedContext } from "./sealed";
import type { BillingLocks } from "./types";

export type { BillingLocks };

/** A community's billing settings (contract, "Invoices and payments"), with a new community's defaults. */
export type BillingSettingsView = {
  currency: string;
  invoiceDay: number;
  numberPrefix: string;
  paymentTermsDays: number;
  defaultTaxRate: number;
  seller: { name: string; address: string; taxId: string | null; iban: string | null; bic: string | null };
};

export function defaultBilling(tenantName: string): BillingSettingsView {
  return { currency: "EUR", invoiceDay: 1, numberPrefix: "INV", paymentTermsDays: 14, defaultTaxRate: 0, seller: { name: tenantName, address: "", taxId: null, iban: null, bic: null } };
}

/** A percentage with at most two decimals (5.5, 20.25; not 5.555), as `percentToBasisPoints` reads it. */
function hasTwoDecimalsAtMost(rate: number): boolean {
  try {
    percentToBasisPoints(rate);
    return true;
  } catch {
    return false;
  }
}

const optionalText = (max: number) => z.string().trim().max(max, msg("field.too_long", { max })).nullish();

export const billingSettingsPatch = z.strictObject({
  currency: z
    .string({ error: "field.required" })
    .transform((s) => s.trim().toUpperCase())
    .refine(isCurrency, { message: "field.invalid" })
    .optional(),
  invoiceDay: z.number({ error: "field.required" }).int("field.invalid").min(1, msg("field.too_small", { min: 1 })).max(28, msg("field.too_big", { max: 28 })).optional(),
  numberPrefix: z
    .string()
    .trim()
    .max(12, msg("field.too_long", { max: 12 }))
    .regex(/^[A-Za-z0-9-]*$/, "field.invalid")
    .optional(),
  paymentTermsDays: z.number().int("field.invalid").min(0, msg("field.too_small", { min: 0 })).max(365, msg("field.too_big", { max: 365 })).optional(),
  defaultTaxRate: z
    .number()
    .min(0, msg("field.too_small", { min: 0 }))
    .max(100, msg("field.too_big", { max: 100 }))
    .refine(hasTwoDecimalsAtMost, { message: "plans.error.rate" })
    .optional(),
  seller: z
    .strictObject({
      name: z.string().trim().min(1, "field.required").max(200, msg("field.too_long", { max: 200 })).optional(),
      address: z.string().transform(unixLines).pipe(z.string().trim().max(1000, msg("field.too_long", { max: 1000 }))).optional(),
      taxId: optionalText(50),
      iban: z
        .string()
        .transform(normalizeIban)
        .refine((v) => v === "" || isValidIban(v), { message: "field.iban" })
        .nullish(),
      bic: z
        .string()
        .transform((v) => v.trim().toUpperCase())
        .refine((v) => v === "" || isValidBic(v), { message: "field.bic" })
        .nullish(),
    })
    .optional(),
  /** The community's own Stripe keys (both at once), or null to disconnect. */
  stripe: z
    .strictObject({
      secretKey: z.string({ error: "field.required" }).trim().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,240}$/, "billing.error.stripe_secret_key"),
      webhookSecret: z.string({ error: "field.required" }).trim().regex(/^whsec_[A-Za-z0-9+/=_-]{8,240}$/, "billing.error.stripe_webhook_secret"),
    })
    .nullable()
    .optional(),
});
export type BillingSettingsPatch = z.output<typeof billingSettingsPatch>;


/**
 * What fixes the currency and the invoice day: plans priced in the currency fix it (money is
 * one currency per community). Issued invoices fix both (contract: 409 `billing_locked` once
 * an invoice is issued).
 */
export async function billingLocks(t: TenantDb): Promise<BillingLocks> {
  const [[plan], [invoice]] = await Promise.all([
    t.db.select({ id: plans.id }).from(plans).where(eq(plans.tenantId, t.tenantId)).limit(1),
    // Only issued invoices are stored: one is enough to fix the day and the currency.
    t.db.select({ id: invoices.id }).from(invoices).where(eq(invoices.tenantId, t.tenantId)).limit(1),
  ]);
  return { currency: Boolean(plan || invoice), invoiceDay: Boolean(invoice) };
}

/** `updateBillingSettings`'s `locked`, from `billingLocks`. */
export const lockedBy =
  (t: TenantDb) =>
  async (changing: { currency: boolean; invoiceDay: boolean }): Promise<boolean> => {
    const locks = await billingLocks(t);
    return (changing.currency && locks.currency) || (changing.invoiceDay && locks.invoiceDay);
  };

/** What the API answers: the settings, and whether Stripe is connected (the keys never leave D1). */
export type BillingSettingsAnswer = BillingSettingsView & { stripe: { connected: boolean } };

/** The Stripe keys a community connected, as stored (sealed). */
type SealedStripe = { secretKey: string; webhookSecret: string };

const STRIPE_SECRET: Omit<SealedContext, "tenantId"> = { purpose: "stripe.secretKey" };
const STRIPE_WEBHOOK: Omit<SealedContext, "tenantId"> = { purpose: "stripe.webhookSecret" };

async function sealedStripeOf(t: TenantDb): Promise<SealedStripe | null> {
  const [row] = await t.db
    .select({ secretKey: billingSettings.stripeSecretKey, webhookSecret: billingSettings.stripeWebhookSecret })
    .from(billingSettings)
    .where(eq(billingSettings.tenantId, t.tenantId))
    .limit(1);
  return row?.secretKey && row.webhookSecret ? { secretKey: row.secretKey, webhookSecret: row.webhookSecret } : null;
}

/** Whether the community connected its Stripe account. */
export async function stripeConnected(t: TenantDb): Promise<boolean> {
  return (await sealedStripeOf(t)) !== null;
}

/**
 * The community's Stripe keys in clear, for the Stripe client; null when not connected.
 * `secret` is the deployment's `SECRETS_KEY` (`secretsKeyOf(env)`); throws `SealedError` when
 * the stored keys do not open with it (the secret was changed: reconnect).
 */
export async function stripeKeysOf(t: TenantDb, secret: string): Promise<{ secretKey: string; webhookSecret: string } | null> {
  const sealed = await sealedStripeOf(t);
  if (!sealed) return null;
  return {
    secretKey: await unseal(secret, { tenantId: t.tenantId, ...STRIPE_SECRET }, sealed.secretKey),
    webhookSecret: await unseal(secret, { tenantId: t.tenantId, ...STRIPE_WEBHOOK }, sealed.webhookSecret),
  };
}

/** GET /billing/settings: the settings with the Stripe connection's state. */
export async function billingSettingsAnswer(t: TenantDb, tenantName: string): Promise<BillingSettingsAnswer> {
  const [settings, connected] = await Promise.all([billingSettingsOf(t, tenantName), stripeConnected(t)]);
  return { ...settings, stripe: { connected } };
}

// Read by every portal request: built once (db/client.ts `preparedQuery`).
const billingStatement = preparedQuery((db) => db.select().from(billingSettings).where(eq(billingSettings.tenantId, sql.placeholder("tenantId"))).limit(1).prepare());

export async function billingSettingsOf(t: TenantDb, tenantName = ""): Promise<BillingSettingsView> {
  const [row] = await billingStatement(t.db).all({ tenantId: t.tenantId });
  if (!row) return defaultBilling(tenantName);
  return {
    currency: row.currency,
    invoiceDay: row.invoiceDay,
    numberPrefix: row.numberPrefix,
    paymentTermsDays: row.paymentTermsDays,
    defaultTaxRate: basisPointsToPercent(row.defaultTaxRateBp),
    seller: { name: row.sellerName ?? tenantName, address: row.sellerAddress, taxId: row.sellerTaxId, iban: row.iban, bic: row.bic },
  };
}

const blankToNull = (v: string | null | undefined, fallback: string | null): string | null => (v === undefined ? fallback : v === null || v === "" ? null : v);

/**
 * Changes the settings. The currency and the invoice day are fixed once money was set in
 * them (`locked` answers for what would change: plans priced in the currency, issued
 * invoices): 409 `billing_locked`. `stripe` keys are sealed under `secret` (the deployment's
 * `SECRETS_KEY`) before they reach D1; without it, 409 `payments_unavailable` and nothing
 * changes. `stripe: null` disconnects.
 */
/**
 * What a page shows (GET requests): the settings kept a few seconds per isolate (db/read-cache.ts),
 * so that a portal page in the steady state makes no D1 round trip for them. A change forgets them
 * in its isolate; other isolates show it within READ_TTL_MS. Writes read `billingSettingsOf`.
 */
export function billingSettingsShown(t: TenantDb, tenantName = ""): Promise<BillingSettingsView> {
  return shownSettings.getOrLoad(`${t.tenantId}:${tenantName}`, () => billingSettingsOf(t, tenantName));
}

const shownSettings = new ReadCache<BillingSettingsView>();

export async function updateBillingSettings(
  t: TenantDb,
  tenantName: string,
  patch: BillingSettingsPatch,
  now: number,
  locked: (changing: { currency: boolean; invoiceDay: boolean }) => Promise<boolean>,
  secret: string | null = null,
): Promise<BillingSettingsAnswer> {
  shownSettings.deleteWhere((key) => key.startsWith(`${t.tenantId}:`));
  const current = await billingSettingsOf(t, tenantName);
  const next: BillingSettingsView = {
    currency: patch.currency ?? current.currency,
    invoiceDay: patch.invoiceDay ?? current.invoiceDay,
    numberPrefix: patch.numberPrefix ?? current.numberPrefix,
    paymentTermsDays: patch.paymentTermsDays ?? current.paymentTermsDays,
    defaultTaxRate: patch.defaultTaxRate === undefined ? current.defaultTaxRate : basisPointsToPercent(percentToBasisPoints(patch.defaultTaxRate)),
    seller: {
      name: patch.seller?.name ?? current.seller.name,
      address: patch.seller?.address ?? current.seller.address,
      taxId: blankToNull(patch.seller?.taxId, current.seller.taxId),
      iban: blankToNull(patch.seller?.iban, current.seller.iban),
      bic: blankToNull(patch.seller?.bic, current.seller.bic),
    },
  };
  const changing = { currency: next.currency !== current.currency, invoiceDay: next.invoiceDay !== current.invoiceDay };
  if ((changing.currency || changing.invoiceDay) && (await locked(changing))) {
    throw new ApiError(409, "billing_locked", "The currency and the invoice day cannot change once money is set in them.");
  }
  let stripe: { stripeSecretKey: string | null; stripeWebhookSecret: string | null } | null = null;
  if (patch.stripe === null) stripe = { stripeSecretKey: null, stripeWebhookSecret: null };
  else if (patch.stripe) {
    if (!secret) throw new ApiError(409, "payments_unavailable", "Card payments are not available on this deployment yet (SECRETS_KEY is not set).");
    stripe = {
      stripeSecretKey: await seal(secret, { tenantId: t.tenantId, ...STRIPE_SECRET }, patch.stripe.secretKey),
      stripeWebhookSecret: await seal(secret, { tenantId: t.tenantId, ...STRIPE_WEBHOOK }, patch.stripe.webhookSecret),
    };
  }
  const columns = {
    currency: next.currency,
    invoiceDay: next.invoiceDay,
    numberPrefix: next.numberPrefix,
    paymentTermsDays: next.paymentTermsDays,
    defaultTaxRateBp: percentToBasisPoints(next.defaultTaxRate),
    sellerName: next.seller.name === tenantName ? null : next.seller.name,
    sellerAddress: next.seller.address,
    sellerTaxId: next.seller.taxId,
    iban: next.seller.iban,
    bic: next.seller.bic,
    updatedAt: now,
    ...stripe,
  };
  await t.db
    .insert(billingSettings)
    .values({ tenantId: t.tenantId, ...columns })
    .onConflictDoUpdate({ target: billingSettings.tenantId, set: columns });
  forgetInvoicesOf(t.tenantId);
  shownSettings.deleteWhere((key) => key.startsWith(`${t.tenantId}:`));
  return { ...next, stripe: { connected: stripe ? stripe.stripeSecretKey !== null : await stripeConnected(t) } };
}
