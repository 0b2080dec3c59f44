import { purgeExpiredSessions } from "./auth/sessions";
import { directoryDb } from "./db/client";
import type { Bindings } from "./env";
import { purgeLimits } from "./http/limits";
import { deliverOutbox, type DeliveryReport } from "./mail/outbox";
import { purgeDeletedGroups } from "./groups/service";
import { runInvitationLifecycle } from "./invitations/service";
import { purgeStagedImports } from "./invitations/import";
import { purgeStagedAccounts } from "./accounts/service";
import { runDomainJobs, type DomainJobReport } from "./tenancy/domains";
import { backfillSearchText } from "./db/search-backfill";
import { runMembershipJob, type MembershipJobReport } from "./memberships/job";
import { runInvoiceJob, type RunOptions, type RunReport } from "./invoices/run";
import { runDunningJob, type DunningOptions, type DunningReport } from "./invoices/dunning";
import { continueMailDelivery, scheduleContinuation } from "./jobs/runner";
import { runEventReminders, type EventReminderReport } from "./events/reminders";
import { deliverWebhooks, type WebhookDeliveryReport } from "./webhooks/deliver";

export type ScheduledScope = {
  /** Only this tenant's work (the development clock on a tenant host). */
  tenantId?: string;
  /** Keep going until nothing is due at `now` (the development clock answers only then). */
  drain?: boolean;
  /** Tests only: smaller budgets for the invoice run and the dunning job (work left continues through the JobRunner). */
  limits?: { invoices?: RunOptions; dunning?: DunningOptions };
};

export type CronReport = {
  ran: string[];
  mail: DeliveryReport;
  purgedGroups: number;
  invitations: { reminded: number; expired: number };
  memberships: { ended: number; changed: number };
  invoices: RunReport;
  dunning: DunningReport;
  domains: DomainJobReport;
  /** Reminders of tomorrow's events (branch ev-api). */
  eventReminders: EventReminderReport;
  /** Webhook deliveries (branch webhooks). */
  webhooks: WebhookDeliveryReport;
};

/** Upper bound on the rounds a drained run makes, so a job that keeps finding work cannot spin forever. */
const MAX_DRAIN_ROUNDS = 1_000;

/**
 * Every job here is a function of `now` and the stored state, and idempotent: running it
 * twice at the same `now`, or late, changes nothing the second time. Housekeeping purges
 * (sessions, limits, staged imports) always use the real time, whatever `now` says.
 */
export async function runScheduled(env: Bindings, now = Date.now(), scope: ScheduledScope = {}): Promise<CronReport> {
  const ran: string[] = [];
  const tenant = scope.tenantId ? { tenantId: scope.tenantId } : {};

  // Reminders first, so their emails leave in this same run.
  const invitations = { reminded: 0, expired: 0 };
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const r = await runInvitationLifecycle(env, now, tenant);
    invitations.reminded += r.reminded;
    invitations.expired += r.expired;
    if (!scope.drain || !r.more) break;
  }
  ran.push("invitations");

  // Cancellations and plan changes due today, each community on its own day; before any
  // invoice run, so a day's changes are billed the new way.
  const memberships: MembershipJobReport = await runMembershipJob(env, now, tenant);
  ran.push("memberships");

  // Invoices, after the day's membership changes, each community on its invoice day.
  const invoices: RunReport = { issued: 0, charged: 0, failed: 0, more: false };
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const r = await runInvoiceJob(env, now, tenant, scope.limits?.invoices);
    invoices.issued += r.issued;
    invoices.charged += r.charged;
    invoices.failed += r.failed;
    invoices.more = r.more;
    if (!scope.drain || !r.more) break;
  }
  ran.push("invoices");

  // Reminders of unpaid invoices, after the run (branch inv-dunning).
  const dunning: DunningReport = { sent: 0, more: false };
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const r = await runDunningJob(env, now, tenant, scope.limits?.dunning);
    dunning.sent += r.sent;
    dunning.more = r.more;
    if (!scope.drain || !r.more) break;
  }
  ran.push("dunning");
  // Work left over continues through the JobRunner's alarm at this same `now`, not at the next cron.
  if (invoices.more || dunning.more) {
    await scheduleContinuation(env, now, tenant).catch((err: unknown) => console.error("job continuation not scheduled", err));
  }

  // Reminders of tomorrow's events, each community on its own day (branch ev-api); before the mail.
  const eventReminders: EventReminderReport = { sent: 0, more: false };
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const r = await runEventReminders(env, now, tenant);
    eventReminders.sent += r.sent;
    eventReminders.more = r.more;
    if (!scope.drain || !r.more) break;
  }
  ran.push("event_reminders");

  let purgedGroups = 0;
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const n = await purgeDeletedGroups(env, now, tenant);
    purgedGroups += n;
    if (!scope.drain || n === 0) break;
  }
  ran.push("group_purge");

  // Webhook deliveries due at `now` (branch webhooks); before the mail, so the email about an
  // endpoint disabled after 5 days of failures leaves in this same run.
  const webhooks: WebhookDeliveryReport = { delivered: 0, retried: 0, failed: 0, disabled: 0 };
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const r = await deliverWebhooks(env, { now, limit: 2_000, budgetMs: 25_000, ...tenant });
    webhooks.delivered += r.delivered;
    webhooks.retried += r.retried;
    webhooks.failed += r.failed;
    webhooks.disabled += r.disabled;
    if (!scope.drain || r.delivered + r.retried + r.failed === 0) break;
  }
  ran.push("webhooks");

  const mail: DeliveryReport = { sent: 0, failed: 0, retried: 0, throttled: 0, calls: 0, more: false, waitMs: 0 };
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const r = await deliverOutbox(env, { now, limit: 20_000, budgetMs: 25_000, ...tenant });
    mail.sent += r.sent;
    mail.failed += r.failed;
    mail.retried += r.retried;
    mail.throttled += r.throttled;
    mail.calls += r.calls;
    mail.more = r.more;
    mail.waitMs = r.waitMs;
    if (!scope.drain || !r.more) break;
  }
  // Mail left at the provider's pace goes on through the JobRunner's alarm, not at the next cron.
  if (mail.more) await continueMailDelivery(env, tenant, mail.waitMs).catch((err: unknown) => console.error("mail continuation not scheduled", err));
  ran.push("mail");

  // Expiry of unverified claims, then a bounded poll of pending hostnames at Cloudflare.
  const domains = await runDomainJobs(env, now, tenant);
  ran.push("domains");

  const real = Date.now();
  const db = directoryDb(env);
  await purgeExpiredSessions(db, real);
  await purgeLimits(env.DB, real);
  await purgeStagedImports(env, real);
  await purgeStagedAccounts(env, real);
  // Folded search text for rows written before the column existed (bounded per run).
  await backfillSearchText(env);
  ran.push("purges");

  return { ran, mail, purgedGroups, invitations, memberships, invoices, dunning, domains, eventReminders, webhooks };
}
