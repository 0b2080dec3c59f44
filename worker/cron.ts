import { purgeExpiredSessions } from "./auth/sessions";
import { directoryDb } from "./db/client";
import type { Bindings } from "./env";
import { purgeLimits } from "./http/limits";
import { deliverOutbox, type DeliveryReport } from "./mail/outbox";
import { purgeDeletedGroups } from "./groups/service";
import { runInvitationLifecycle } from "./invitations/service";
import { purgeStagedImports } from "./invitations/import";
import { purgeStagedAccounts } from "./invitations/provisioning";

export type CronReport = { mail: DeliveryReport; purgedGroups: number; invitations: { reminded: number; expired: number } };

/** Every job here is idempotent: running it twice, or late, changes nothing the second time. */
export async function runScheduled(env: Bindings, now = Date.now()): Promise<CronReport> {
  const db = directoryDb(env);
  // Reminders first, so their emails leave in this same run.
  const invitations = await runInvitationLifecycle(env, now);
  const mail = await deliverOutbox(env, { now, limit: 20_000, budgetMs: 25_000 });
  await purgeExpiredSessions(db, now);
  await purgeLimits(env.DB, now);
  const purgedGroups = await purgeDeletedGroups(env, now);
  await purgeStagedImports(env, now);
  await purgeStagedAccounts(env, now);
  return { mail, purgedGroups, invitations };
}
