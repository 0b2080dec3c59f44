import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { tenantDb } from "../db/client";
import { deliverWebhooks, webhooksDue } from "./deliver";
import { hasEnabledWebhook } from "./service";

/**
 * After a write on a community's host has answered, sends the webhooks it queued (the
 * request only wrote delivery rows in its batch). Nothing read for a community without an
 * enabled endpoint (kept per isolate, `hasEnabledWebhook`), else one indexed read when nothing
 * is due; a failure here is harmless, the cron retries.
 */
export function deliverWebhooksAfterWrites(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const tenant = c.get("tenant");
    if (!tenant || c.req.method === "GET" || c.req.method === "HEAD" || c.res.status >= 400) return;
    const now = Date.now();
    let waitUntil: (p: Promise<unknown>) => void;
    try {
      const ctx = c.executionCtx;
      waitUntil = (p) => ctx.waitUntil(p);
    } catch {
      return; // no execution context (a bare app.request in a test)
    }
    waitUntil(
      hasEnabledWebhook(tenantDb(c.env, tenant))
        .then((some) => some && webhooksDue(c.env, now, tenant.id))
        .then((due) => (due ? deliverWebhooks(c.env, { now, tenantId: tenant.id, limit: 200, budgetMs: 25_000 }) : undefined))
        .then(
          () => undefined,
          (err) => console.error("webhook delivery failed", err),
        ),
    );
  };
}
