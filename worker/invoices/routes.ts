import { Hono } from "hono";
import type { AppEnv } from "../env";
import { json } from "../http/validate";
import { doc } from "../openapi/describe";
import { billingAnswer } from "./answers";
import { allowed, portalRequest } from "../memberships/http";
import { secretsKeyOf } from "./sealed";
import { billingSettingsAnswer, billingSettingsPatch, lockedBy, updateBillingSettings } from "./settings";

/** "Invoices and payments": the billing settings (tenant admins). */
export const invoicesApi = new Hono<AppEnv>()
  .get("/billing/settings", doc({ summary: "Read the billing settings (the Stripe keys only as whether they are connected)", answers: { 200: billingAnswer }, errors: { 403: ["forbidden"] } }), allowed("manageBilling"), async (c) => {
    const { t, tenant } = await portalRequest(c);
    return c.json(await billingSettingsAnswer(t, tenant.name));
  })
  .patch("/billing/settings", doc({ summary: "Change the billing settings, connect or disconnect Stripe", answers: { 200: billingAnswer }, errors: { 403: ["forbidden"], 409: ["billing_locked", "payments_unavailable"] } }), allowed("manageBilling"), json(billingSettingsPatch), async (c) => {
    const { t, tenant, clock } = await portalRequest(c);
    return c.json(await updateBillingSettings(t, tenant.name, c.req.valid("json"), clock.now, lockedBy(t), secretsKeyOf(c.env)));
  });
