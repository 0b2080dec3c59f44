import { and, asc, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { chunkRows, directoryDb } from "../db/client";
import { newId } from "../db/ids";
import { outbox, type OutboxRow } from "../db/schema";
import type { Bindings } from "../env";
import { mailTransport } from "./transports";
import type { MailMessage } from "./templates";

export const MAX_ATTEMPTS = 12;
const CLAIM_MS = 60_000;

/** Backoff after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 6 h. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);
}

/**
 * The insert for one email: put it in the same D1 batch as the data that causes it. A
 * caller that may write the same email twice (a retried batch) gives it a stable `id`
 * and adds `.onConflictDoNothing()`.
 */
export function enqueueMail(t: TenantDb, mail: MailMessage, now = Date.now(), id: string = newId()) {
  return t.db.insert(outbox).values({
    id,
    tenantId: t.tenantId,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments?.length ? mail.attachments : null,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  });
}

/**
 * The insert for one email that goes only if the statement just before it in the same
 * atomic batch changed exactly one row (SQLite's `changes()`): a state change and its
 * email land together, and a change that lost a race sends nothing.
 */
export function enqueueMailAfterChange(t: TenantDb, mail: MailMessage, now = Date.now()) {
  const attachments = mail.attachments?.length ? JSON.stringify(mail.attachments) : null;
  return sql`insert into ${outbox} (id, tenant_id, "to", subject, text, html, attachments, status, attempts, next_attempt_at, created_at)
    select ${newId()}, ${t.tenantId}, ${mail.to}, ${mail.subject}, ${mail.text}, ${mail.html}, ${attachments}, 'pending', 0, ${now}, ${now}
    where changes() = 1`;
}

export type DeliveryReport = { sent: number; failed: number; retried: number };

const CLAIM_BATCH = 200;
const SEND_CONCURRENCY = 8;

/**
 * Sends what is due, a batch at a time until nothing is due, `limit` rows went, or the
 * time budget is spent. A batch is claimed by one conditional UPDATE … RETURNING, so
 * two drains running at once never send the same email; a claim that lapses (a drain
 * that died) makes the row due again.
 */
export async function deliverOutbox(env: Bindings, opts: { now?: number; limit?: number; tenantId?: string; budgetMs?: number } = {}): Promise<DeliveryReport> {
  const now = opts.now ?? Date.now();
  const limit = opts.limit ?? 200;
  const deadline = Date.now() + (opts.budgetMs ?? 20_000);
  const db = directoryDb(env);
  const report: DeliveryReport = { sent: 0, failed: 0, retried: 0 };
  const due = or(
    and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, now)),
    and(eq(outbox.status, "sending"), lt(outbox.claimedUntil, now)),
  );
  const scope = opts.tenantId ? and(eq(outbox.tenantId, opts.tenantId), due) : due;
  let transport: ReturnType<typeof mailTransport> | null = null;
  let handled = 0;
  while (handled < limit && Date.now() < deadline) {
    const picked = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(scope)
      .orderBy(asc(outbox.nextAttemptAt))
      .limit(Math.min(CLAIM_BATCH, limit - handled));
    const claimed: OutboxRow[] = await db
      .update(outbox)
      .set({ status: "sending", claimedUntil: now + CLAIM_MS, attempts: sql`${outbox.attempts} + 1` })
      .where(and(inArray(outbox.id, picked), scope))
      .returning();
    if (claimed.length === 0) break;
    handled += claimed.length;
    transport ??= mailTransport(env);
    const mails = claimed.map((row) => ({ to: row.to, subject: row.subject, text: row.text, html: row.html, ...(row.attachments?.length ? { attachments: row.attachments } : {}), tenantId: row.tenantId, idempotencyKey: row.id }));
    const outcome = new Map<string, unknown>();
    if (transport.sendBatch) {
      await transport.sendBatch(mails).catch((err: unknown) => mails.forEach((m) => outcome.set(m.idempotencyKey, err)));
    } else {
      for (let i = 0; i < mails.length; i += SEND_CONCURRENCY) {
        await Promise.all(
          mails.slice(i, i + SEND_CONCURRENCY).map((m) => transport!.send(m).catch((err: unknown) => outcome.set(m.idempotencyKey, err))),
        );
      }
    }
    const sentIds = claimed.filter((r) => !outcome.has(r.id)).map((r) => r.id);
    const sentAt = Date.now();
    const marks = chunkRows(sentIds, 1, 90).map((ids) =>
      db.update(outbox).set({ status: "sent", sentAt, claimedUntil: null, lastError: null }).where(inArray(outbox.id, ids)),
    );
    for (const row of claimed.filter((r) => outcome.has(r.id))) {
      const err = outcome.get(row.id);
      const finalFailure = row.attempts >= MAX_ATTEMPTS;
      marks.push(
        db
          .update(outbox)
          .set({
            status: finalFailure ? "failed" : "pending",
            claimedUntil: null,
            nextAttemptAt: now + backoffMs(row.attempts),
            lastError: String(err instanceof Error ? err.message : err).slice(0, 500),
          })
          .where(eq(outbox.id, row.id)),
      );
      if (finalFailure) report.failed++;
      else report.retried++;
    }
    report.sent += sentIds.length;
    const [first, ...rest] = marks;
    if (first) await db.batch([first, ...rest]);
  }
  return report;
}
