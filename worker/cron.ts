import { purgeExpiredSessions } from "./auth/sessions";
import { directoryDb } from "./db/client";
import type { Bindings } from "./env";
import { purgeThrottles } from "./http/throttle";
import { purgeLimits } from "./http/limits";
import { deliverOutbox, type DeliveryReport } from "./mail/outbox";
import { purgeDeletedGroups } from "./groups/service";
import { runInvitationLifecycle } from "./invitations/service";
import { purgeStagedImports } from "./invitations/import";
import { purgeStagedAccounts } from "./invitations/provisioning";
import { backfillSearchText } from "./db/search-backfill";

export type CronReport = { mail: DeliveryReport; purgedGroups: number; invitations: { reminded: number; expired: number } };

/** Every job here is idempotent: running it twice, or late, changes nothing the second time. */
export async function runScheduled(env: Bindings, now = Date.now()): Promise<CronReport> {
  const db = directoryDb(env);
  // Reminders first, so their emails leave in this same run.
  const invitations = await runInvitationLifecycle(env, now);
  const mail = await deliverOutbox(env, { now, limit: 20_000, budgetMs: 25_000 });
  await purgeExpiredSessions(db, now);
  await purgeThrottles(db, 24 * 3600_000, now);
  await purgeLimits(env.DB, now);
  const purgedGroups = await purgeDeletedGroups(env, now);
  await purgeStagedImports(env, now);
  await purgeStagedAccounts(env, now);
  await backfillSearchText(env);
  return { mail, purgedGroups, invitations };
}
