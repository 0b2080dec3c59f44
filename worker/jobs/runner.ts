import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { runDunningJob } from "../invoices/dunning";
import { runInvoiceJob } from "../invoices/run";
import { deliverOutbox } from "../mail/outbox";

// Big jobs continue by themselves (DESIGN.md "Member portal decisions", "Big jobs"): when the
// scheduled invoice run or the dunning job reports work left (`more`) after its invocation's
// budget, it asks this Durable Object to go on. Its alarm runs the jobs again at the same
// logical `now` (each alarm is an invocation of its own, with its own D1 budget) until nothing
// is left, a bounded number of rounds, with a growing delay after a failure. One instance per
// scope, by name: "all" for the cron, a tenant's id for work scoped to one community.

type Pending = { now: number; tenantId: string | null; rounds: number; failures: number };
/** Mail left in the outbox by a drain that ran out of time (instances named "mail:…", see `continueMailDelivery`). */
type MailPending = { tenantId: string | null; rounds: number; failures: number };

/** Time one alarm drains the outbox (an alarm may run 15 minutes; D1's query budget usually ends it first). */
export const MAIL_ALARM_BUDGET_MS = 5 * 60_000;

/** Alarm rounds at most for one `now` (each goes through a budget of D1 queries). */
export const MAX_CONTINUATION_ROUNDS = 500;
/** Failed rounds in a row before giving up (the next cron that finds work asks again). */
export const MAX_CONTINUATION_FAILURES = 6;

/** Delay before the round after the n-th failure in a row: 2 s, 4 s, 8 s … capped at 5 min. */
export function continuationBackoffMs(failures: number): number {
  return Math.min(1000 * 2 ** failures, 300_000);
}

export class JobRunner extends DurableObject<Bindings> {
  /** Go on with the jobs at `now` (a later `now` replaces an earlier one: the jobs catch up by themselves). */
  async continueAt(now: number, tenantId: string | null): Promise<void> {
    const pending = await this.ctx.storage.get<Pending>("pending");
    if (!pending || now > pending.now) await this.ctx.storage.put("pending", { now, tenantId, rounds: 0, failures: 0 } satisfies Pending);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  /** Go on delivering the outbox (for one tenant or all) through the alarm, after `delayMs` (a provider's Retry-After). */
  async continueMail(tenantId: string | null, delayMs = 0): Promise<void> {
    if (!(await this.ctx.storage.get<MailPending>("mail"))) await this.ctx.storage.put("mail", { tenantId, rounds: 0, failures: 0 } satisfies MailPending);
    const at = Date.now() + Math.max(0, delayMs);
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > at) await this.ctx.storage.setAlarm(at);
  }

  /** The mail delivery waiting for the alarm, if any (tests and operators). */
  async pendingMail(): Promise<MailPending | null> {
    return (await this.ctx.storage.get<MailPending>("mail")) ?? null;
  }

  /** One alarm's worth of outbox delivery; sets the next alarm while work is left. */
  private async mailAlarm(p: MailPending): Promise<void> {
    let next: MailPending | null = null;
    let delay = 0;
    try {
      const r = await deliverOutbox(this.env, { limit: 1_000_000, budgetMs: MAIL_ALARM_BUDGET_MS, ...(p.tenantId ? { tenantId: p.tenantId } : {}) });
      if (r.more) {
        next = p.rounds + 1 < MAX_CONTINUATION_ROUNDS ? { ...p, rounds: p.rounds + 1, failures: 0 } : null;
        delay = r.waitMs;
        if (!next) console.error("mail continuation: rounds exhausted", p);
      }
    } catch (err) {
      console.error("mail continuation failed", p, err);
      next = p.failures + 1 < MAX_CONTINUATION_FAILURES ? { ...p, failures: p.failures + 1 } : null;
      delay = continuationBackoffMs(p.failures + 1);
    }
    if (next) {
      await this.ctx.storage.put("mail", next);
      await this.ctx.storage.setAlarm(Date.now() + delay);
    } else {
      await this.ctx.storage.delete("mail");
    }
  }

  /** What is pending (tests and operators). */
  async pending(): Promise<Pending | null> {
    return (await this.ctx.storage.get<Pending>("pending")) ?? null;
  }

  override async alarm(): Promise<void> {
    const mail = await this.ctx.storage.get<MailPending>("mail");
    if (mail) return this.mailAlarm(mail);
    const p = await this.ctx.storage.get<Pending>("pending");
    if (!p) return;
    const scope = p.tenantId ? { tenantId: p.tenantId } : {};
    let next: Pending | null;
    let delay = 0;
    try {
      const invoices = await runInvoiceJob(this.env, p.now, scope);
      const dunning = await runDunningJob(this.env, p.now, scope);
      const more = invoices.more || dunning.more;
      if (more) {
        next = p.rounds + 1 < MAX_CONTINUATION_ROUNDS ? { ...p, rounds: p.rounds + 1, failures: 0 } : null;
        if (!next) console.error("job continuation: rounds exhausted", p);
      } else if (invoices.failed > 0) {
        // Members whose batch failed: retried later, as a failure.
        next = p.failures + 1 < MAX_CONTINUATION_FAILURES ? { ...p, failures: p.failures + 1 } : null;
        delay = continuationBackoffMs(p.failures + 1);
      } else {
        next = null;
      }
    } catch (err) {
      console.error("job continuation failed", p, err);
      next = p.failures + 1 < MAX_CONTINUATION_FAILURES ? { ...p, failures: p.failures + 1 } : null;
      delay = continuationBackoffMs(p.failures + 1);
    }
    // A `continueAt` with a later `now` may have arrived while the jobs ran: it wins.
    const latest = await this.ctx.storage.get<Pending>("pending");
    if (latest && latest.now > p.now) next = latest;
    if (next) {
      await this.ctx.storage.put("pending", next);
      await this.ctx.storage.setAlarm(Date.now() + delay);
    } else {
      await this.ctx.storage.delete("pending");
    }
  }
}

/** Asks the scope's JobRunner to continue the jobs at `now` through its alarm. */
export async function scheduleContinuation(env: Pick<Bindings, "JOB_RUNNER">, now: number, scope: { tenantId?: string } = {}): Promise<void> {
  const stub = env.JOB_RUNNER.get(env.JOB_RUNNER.idFromName(scope.tenantId ?? "all"));
  await stub.continueAt(now, scope.tenantId ?? null);
}

/**
 * Asks a JobRunner to go on delivering the outbox through its alarm (a drain that ran out of
 * time with mail left: DESIGN.md "Big jobs"). Its own instances ("mail:all", "mail:{tenantId}"),
 * so the mail's alarm never competes with an invoice run's.
 */
export async function continueMailDelivery(env: Pick<Bindings, "JOB_RUNNER">, scope: { tenantId?: string } = {}, delayMs = 0): Promise<void> {
  const stub = env.JOB_RUNNER.get(env.JOB_RUNNER.idFromName(`mail:${scope.tenantId ?? "all"}`));
  await stub.continueMail(scope.tenantId ?? null, delayMs);
}
