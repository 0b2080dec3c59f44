import type { Context } from "hono";
import type { AppEnv } from "../env";
import { deliverOutbox } from "./outbox";

/**
 * Drains the outbox after the response has gone: the request only wrote rows.
 * A failure here is harmless, the cron retries.
 */
export function deliverSoon(c: Context<AppEnv>): void {
  const tenant = c.get("tenant");
  c.executionCtx.waitUntil(
    deliverOutbox(c.env, { limit: 20_000, budgetMs: 25_000, ...(tenant ? { tenantId: tenant.id } : {}) }).then(
      () => undefined,
      (err) => console.error("outbox delivery failed", err),
    ),
  );
}
