import type { Context } from "hono";
import type { AppEnv } from "../env";
import { continueMailDelivery } from "../jobs/runner";
import { deliverOutbox } from "./outbox";

/**
 * Drains the outbox after the response has gone: the request only wrote rows.
 * A failure here is harmless, the cron retries. Mail left when the time after the response
 * runs out (a big import at the provider's pace) goes on through the JobRunner's alarm.
 */
export function deliverSoon(c: Context<AppEnv>): void {
  const tenant = c.get("tenant");
  const scope = tenant ? { tenantId: tenant.id } : {};
  c.executionCtx.waitUntil(
    deliverOutbox(c.env, { limit: 20_000, budgetMs: 25_000, ...scope }).then(
      (r) => (r.more ? continueMailDelivery(c.env, scope, r.waitMs) : undefined),
      (err) => console.error("outbox delivery failed", err),
    ),
  );
}
