import { eq } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { billingSettings } from "../db/schema";
import { ApiError } from "../http/errors";
import { isCurrency } from "./money";

/** A community's billing settings, with the defaults of a community that never set them. */
export type BillingSettingsView = { currency: string; invoiceDay: number };

export const DEFAULT_BILLING: BillingSettingsView = { currency: "EUR", invoiceDay: 1 };

export const billingSettingsPatch = z.strictObject({
  currency: z
    .string({ error: "field.required" })
    .transform((s) => s.trim().toUpperCase())
    .refine(isCurrency, { message: "field.invalid" })
    .optional(),
  invoiceDay: z.number({ error: "field.required" }).int("field.invalid").min(1, msg("field.too_small", { min: 1 })).max(28, msg("field.too_big", { max: 28 })).optional(),
});
export type BillingSettingsPatch = z.output<typeof billingSettingsPatch>;

export async function billingSettingsOf(t: TenantDb): Promise<BillingSettingsView> {
  const [row] = await t.db.select().from(billingSettings).where(eq(billingSettings.tenantId, t.tenantId)).limit(1);
  return row ? { currency: row.currency, invoiceDay: row.invoiceDay } : { ...DEFAULT_BILLING };
}

/**
 * Changes the settings. The currency is fixed once a plan exists in another one (money
 * is one currency per tenant): 409 `currency_locked`.
 */
export async function updateBillingSettings(t: TenantDb, patch: BillingSettingsPatch, now: number, plansInOtherCurrency: () => Promise<boolean>): Promise<BillingSettingsView> {
  const current = await billingSettingsOf(t);
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as BillingSettingsView;
  if (next.currency !== current.currency && (await plansInOtherCurrency())) {
    throw new ApiError(409, "currency_locked", "Plans already have prices in the current currency.");
  }
  await t.db
    .insert(billingSettings)
    .values({ tenantId: t.tenantId, currency: next.currency, invoiceDay: next.invoiceDay, updatedAt: now })
    .onConflictDoUpdate({ target: billingSettings.tenantId, set: { currency: next.currency, invoiceDay: next.invoiceDay, updatedAt: now } });
  return next;
}
