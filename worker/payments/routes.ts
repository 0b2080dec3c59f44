import { Hono, type Context } from "hono";
import type { Lang } from "../../web/i18n";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant } from "../http/context";
import { secretsKeyOf } from "../invoices/sealed";
import { openCheckout } from "./service";
import { applyCardWebhook } from "./webhook";

// Card payments' JSON API: a member (or an admin) opens a checkout for an invoice's balance;
// the provider's signed webhook, on the community's own host, records what was paid.

export const apiActor = (c: Context<AppEnv>) => {
  const user = requireUser(c);
  return { tenantRole: user.tenantRole, userId: user.id };
};
export const langOf = (c: Context<AppEnv>) => (c.get("language") ?? "fr") as Lang;

export const cardPaymentsApi = new Hono<AppEnv>()
  .post("/invoices/:id/checkout", async (c) => {
    const t = tenantDb(c.env, requireTenant(c));
    const session = await openCheckout(t, secretsKeyOf(c.env), apiActor(c), c.req.param("id"), { origin: requestOrigin(c), lang: langOf(c) });
    return c.json({ url: session.url });
  })
  // No session, no Origin check (worker/http/origin.ts exempts this path): the signature is the proof.
  .post("/payments/stripe/webhook", async (c) => {
    const tenant = requireTenant(c);
    const outcome = await applyCardWebhook(tenantDb(c.env, tenant), tenant, secretsKeyOf(c.env), new TextDecoder().decode(await c.req.arrayBuffer()), c.req.header("stripe-signature"), Date.now());
    return c.json({ received: true, outcome });
  });
