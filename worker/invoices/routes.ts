import { Hono } from "hono";
import type { AppEnv } from "../env";
import { json } from "../http/validate";
import { allowed, portalRequest } from "../memberships/http";
import { secretsKeyOf } from "./sealed";
import { billingSettingsAnswer, billingSettingsPatch, lockedBy, updateBillingSettings } from "./settings";

/** "Invoices and payments": the billing settings (tenant admins). */
export const invoicesApi = new Hono<AppEnv>()
  .get("/billing/settings", allowed("manageBilling"), async (c) => {
    const { t, tenant } = await portalRequest(c);
    return c.json(await billingSettingsAnswer(t, tenant.name));
  })
  .patch("/billing/settings", allowed("manageBilling"), json(billingSettingsPatch), async (c) => {
    const { t, tenant, clock } = await portalRequest(c);
    return c.json(await updateBillingSettings(t, tenant.name, c.req.valid("json"), clock.now, lockedBy(t), secretsKeyOf(c.env)));
  });
