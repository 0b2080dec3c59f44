import { and, asc, eq, lt, lte, or, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { directoryDb } from "../db/client";
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

/** The insert for one email: put it in the same D1 batch as the data that causes it. */
export function enqueueMail(t: TenantDb, mail: MailMessage, now = Date.now()) {
  return t.db.insert(outbox).values({
    id: newId(),
    tenantId: t.tenantId,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  });
}

export type DeliveryReport = { sent: number; failed: number; retried: number };

/**
 * Sends what is due. Each row is claimed by a conditional update that must change
 * exactly one row, so two drains running at once never send the same email.
 */
export async function deliverOutbox(env: Bindings, opts: { now?: number; limit?: number; tenantId?: string } = {}): Promise<DeliveryReport> {
  const now = opts.now ?? Date.now();
  const db = directoryDb(env);
  const report: DeliveryReport = { sent: 0, failed: 0, retried: 0 };
  const due = or(
    and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, now)),
    and(eq(outbox.status, "sending"), lt(outbox.claimedUntil, now)),
  );
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(opts.tenantId ? and(eq(outbox.tenantId, opts.tenantId), due) : due)
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(opts.limit ?? 200);
  if (rows.length === 0) return report;
  const transport = mailTransport(env);
  for (const { id } of rows) {
    const claimed = await db
      .update(outbox)
      .set({ status: "sending", claimedUntil: now + CLAIM_MS, attempts: sql`${outbox.attempts} + 1` })
      .where(and(eq(outbox.id, id), due))
      .returning();
    const row: OutboxRow | undefined = claimed[0];
    if (!row) continue;
    try {
      await transport.send({ to: row.to, subject: row.subject, text: row.text, html: row.html, tenantId: row.tenantId, idempotencyKey: row.id });
      await db.update(outbox).set({ status: "sent", sentAt: Date.now(), claimedUntil: null, lastError: null }).where(eq(outbox.id, id));
      report.sent++;
    } catch (err) {
      const finalFailure = row.attempts >= MAX_ATTEMPTS;
      await db
        .update(outbox)
        .set({
          status: finalFailure ? "failed" : "pending",
          claimedUntil: null,
          nextAttemptAt: now + backoffMs(row.attempts),
          lastError: String(err instanceof Error ? err.message : err).slice(0, 500),
        })
        .where(eq(outbox.id, id));
      if (finalFailure) report.failed++;
      else report.retried++;
    }
  }
  return report;
}
