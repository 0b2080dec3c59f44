import { and, eq, ne } from "drizzle-orm";
import { Hono } from "hono";
import type { TenantDb } from "../db/client";
import { plans } from "../db/schema";
import type { AppEnv } from "../env";
import { json } from "../http/validate";
import { allowed, portalRequest } from "../memberships/http";
import { secretsKeyOf } from "./sealed";
import { billingSettingsAnswer, billingSettingsPatch, updateBillingSettings } from "./settings";

/** Plans priced in another currency than `currency` (money is one currency per community). */
async function plansPricedOtherwise(t: TenantDb, currency: string): Promise<boolean> {
  const [row] = await t.db.select({ id: plans.id }).from(plans).where(and(eq(plans.tenantId, t.tenantId), ne(plans.currency, currency))).limit(1);
  return Boolean(row);
}

/** "Invoices and payments": the billing settings (tenant admins). */
export const invoicesApi = new Hono<AppEnv>()
  .get("/billing/settings", allowed("manageBilling"), async (c) => {
    const { t, tenant } = await portalRequest(c);
    return c.json(await billingSettingsAnswer(t, tenant.name));
  })
  .patch("/billing/settings", allowed("manageBilling"), json(billingSettingsPatch), async (c) => {
    const { t, tenant, clock } = await portalRequest(c);
    const patch = c.req.valid("json");
    // The currency stays while plans are priced in it; nothing is invoiced yet to lock the day.
    const locked = async (changing: { currency: boolean }) => changing.currency && (await plansPricedOtherwise(t, patch.currency!));
    return c.json(await updateBillingSettings(t, tenant.name, patch, clock.now, locked, secretsKeyOf(c.env)));
  });
