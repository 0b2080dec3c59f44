import { purgeExpiredSessions } from "./auth/sessions";
import { directoryDb } from "./db/client";
import type { Bindings } from "./env";
import { purgeThrottles } from "./http/throttle";
import { deliverOutbox, type DeliveryReport } from "./mail/outbox";
import { purgeDeletedGroups } from "./groups/service";

export type CronReport = { mail: DeliveryReport; purgedGroups: number };

/** Every job here is idempotent: running it twice, or late, changes nothing the second time. */
export async function runScheduled(env: Bindings, now = Date.now()): Promise<CronReport> {
  const db = directoryDb(env);
  const mail = await deliverOutbox(env, { now, limit: 500 });
  await purgeExpiredSessions(db, now);
  await purgeThrottles(db, 24 * 3600_000, now);
  const purgedGroups = await purgeDeletedGroups(env, now);
  return { mail, purgedGroups };
}
