import type { Context } from "hono";
import type { AppEnv } from "../env";
import { continueMailDelivery } from "../jobs/runner";
import { deliverOutbox } from "./outbox";

/** The drains this isolate runs after responses, by tenant: `again` asks the running one for one more round. */
const draining = new Map<string, { again: boolean }>();

/**
 * Drains the outbox after the response has gone: the request only wrote rows.
 * A failure here is harmless, the cron retries. Mail left when the time after the response
 * runs out (a big import at the provider's pace) goes on through the JobRunner's alarm.
 *
 * One drain per tenant and isolate at a time: a request that finds one running asks it for one
 * more round instead of starting its own (fifty bookings a second would otherwise start fifty
 * drains that race to claim the same rows, each a D1 write).
 */
export function deliverSoon(c: Context<AppEnv>): void {
  const tenant = c.get("tenant");
  const key = tenant?.id ?? "";
  const running = draining.get(key);
  if (running) {
    running.again = true;
    return;
  }
  const state = { again: true };
  draining.set(key, state);
  const scope = tenant ? { tenantId: tenant.id } : {};
  const deadline = Date.now() + 25_000;
  const rounds = async () => {
    try {
      while (state.again && Date.now() < deadline) {
        state.again = false;
        // A claim that came back short ends the round without an empty claim, unless a request
        // asked for another round meanwhile: then the drain claims again at once (the outcome of
        // what it just sent written in that claim's batch). An ask after that is seen below.
        const asked = () => {
          const again = state.again;
          state.again = false;
          return again;
        };
        const report = await deliverOutbox(c.env, { limit: 20_000, budgetMs: Math.max(1_000, deadline - Date.now()), ...scope, asked });
        if (report.more) {
          await continueMailDelivery(c.env, scope, report.waitMs);
          return;
        }
      }
    } finally {
      draining.delete(key);
    }
  };
  c.executionCtx.waitUntil(rounds().catch((err) => console.error("outbox delivery failed", err)));
}
