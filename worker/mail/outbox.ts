import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database, TenantDb } from "../db/client";
import { boundQuery, chunkRows, directoryDb, preparedQuery, statementOf } from "../db/client";
import { newId, sha256Hex } from "../db/ids";
import { outbox, type OutboxRow } from "../db/schema";
import type { Bindings } from "../env";
import { limitVar, reserve, retryAfterMs, type Limit } from "../http/limits";
import { MailConfigError, mailTransport, ProviderThrottled, type MailTransport, type OutgoingMail } from "./transports";
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

export type DeliveryReport = {
  sent: number;
  failed: number;
  retried: number;
  /** Rows that went back to wait after the provider answered 429 (or 503 with Retry-After): no attempt spent. */
  throttled: number;
  /** Calls made to the transport (a batch is one call). */
  calls: number;
  /** Work may be left: the drain stopped on its time, row or query budget, not because nothing was due. */
  more: boolean;
  /** With `more`: how long to wait before going on (a provider's Retry-After), 0 for at once. */
  waitMs: number;
};

/** Time as the drain sees it; tests inject one that never really waits. */
export type MailClock = { now(): number; sleep(ms: number): Promise<void> };
const realClock: MailClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** Resend's default limit (2 requests per second per team); MAIL_RATE_PER_SECOND to change it. */
export const DEFAULT_MAIL_RATE_PER_SECOND = 2;
/** Rows of one group sent singly (no batch endpoint, or emails the batch endpoint does not take). */
const SINGLES_PACED = 8;
const SINGLES_UNPACED = 200;
const SEND_CONCURRENCY = 8;
/** D1 queries one drain makes at most (an invocation has 1,000); work left continues elsewhere. */
const MAX_QUERIES = 800;

/**
 * The pace of provider calls, shared by every drain (one counter in `rate_limits`): one call per
 * slot of 1000/rate ms, so calls are spread evenly and no window boundary lets a burst through.
 */
export function mailCallSlot(env: Pick<Bindings, "MAIL_RATE_PER_SECOND">): Limit {
  return { key: "mail:provider:calls", max: 1, windowMs: Math.ceil(1000 / limitVar(env.MAIL_RATE_PER_SECOND, DEFAULT_MAIL_RATE_PER_SECOND)) };
}

/**
 * The idempotency key of a batch call: the batch id the rows were first claimed into and a
 * digest of exactly which rows go, so a retry of the same rows is the same call (the provider
 * answers it without sending again) and a group that lost a row in between is a new call.
 */
export async function batchKey(batchId: string, rowIds: string[]): Promise<string> {
  return `outbox-batch/${batchId}/${(await sha256Hex([...rowIds].sort().join(","))).slice(0, 24)}`;
}

type Group = { rows: OutboxRow[]; asBatch: boolean };
/** One statement of a D1 batch (a group's outcome, a claim). */
type Statement = BatchItem<"sqlite">;

/**
 * The claim's two statements, built once per shape (scoped to a tenant or not; which rows)
 * with placeholders (`at`, `until`, `tenantId`, `limit`, `batchId`): drizzle rebuilt their SQL
 * on every claim, and a drain under load claims often.
 */
type ClaimFilter = "any" | "no_attachments" | "attachments";
const ph = (name: string) => sql`${sql.placeholder(name)}`;

function dueAt(scoped: boolean): SQL {
  const at = sql.placeholder("at");
  const d = or(and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, at)), and(eq(outbox.status, "sending"), lt(outbox.claimedUntil, at)))!;
  return scoped ? and(eq(outbox.tenantId, sql.placeholder("tenantId")), d)! : d;
}

const claiming = { status: "sending" as const, claimedUntil: ph("until"), attempts: sql`${outbox.attempts} + 1` };

/** A retried group: the oldest due row's batch id, and every due row of that batch (whatever the drain's scope). */
function buildClaimRetry(db: Database, scoped: boolean) {
  const retry = db.select({ b: outbox.batchId }).from(outbox).where(and(dueAt(scoped), isNotNull(outbox.batchId))).orderBy(asc(outbox.nextAttemptAt)).limit(1);
  return db.update(outbox).set(claiming).where(and(eq(outbox.batchId, sql`(${retry})`), dueAt(false))).returning().prepare();
}

/** A new group: up to `limit` due rows without a batch id (of the filter), given `batchId`. */
function buildClaimFresh(db: Database, scoped: boolean, filter: ClaimFilter) {
  const which = filter === "any" ? undefined : filter === "no_attachments" ? isNull(outbox.attachments) : isNotNull(outbox.attachments);
  const picked = db.select({ id: outbox.id }).from(outbox).where(and(dueAt(scoped), isNull(outbox.batchId), which)).orderBy(asc(outbox.nextAttemptAt)).limit(sql.placeholder("limit"));
  return db.update(outbox).set({ ...claiming, batchId: ph("batchId") }).where(and(inArray(outbox.id, picked), dueAt(scoped), isNull(outbox.batchId))).returning().prepare();
}

/** Each shape built once per database handle (db/client.ts `preparedQuery`). */
const CLAIM_FILTERS: ClaimFilter[] = ["any", "no_attachments", "attachments"];
const claimRetryQueries = new Map([false, true].map((scoped) => [scoped, preparedQuery((db) => buildClaimRetry(db, scoped))]));
const claimFreshQueries = new Map([false, true].flatMap((scoped) => CLAIM_FILTERS.map((filter) => [`${scoped}:${filter}`, preparedQuery((db) => buildClaimFresh(db, scoped, filter))])));
type Outcome = { kind: "sent" } | { kind: "throttled"; retryAfterMs: number; message: string } | { kind: "failed"; message: string; leaveBatch: boolean };

const messageOf = (err: unknown) => String(err instanceof Error ? err.message : err).slice(0, 500);

/**
 * Sends what is due, a group at a time, until nothing is due, `limit` rows went, or the time or
 * query budget is spent (then `more` says so, and the caller continues through the JobRunner).
 *
 * - A group is claimed by one conditional UPDATE … RETURNING, so two drains never send the same
 *   email; a claim that lapses (a drain that died) makes its rows due again. A group is stamped
 *   with a batch id when first claimed and a retry claims that same group again, so a retried
 *   batch is the same call with the same idempotency key (`batchKey`).
 * - Batches go through the transport's batch endpoint (up to its `batchSize`; a drain scoped to
 *   one tenant batches that tenant's rows, but a retried group is claimed whole whatever the
 *   scope); emails it cannot batch (attachments, for Resend) go singly with the row id as key.
 *   A transport whose batches take attachments (`batchesAttachments`: the dev mailbox) gets
 *   them in its groups like any other email.
 * - A group's outcome is written in the same D1 batch as the next claim (before it), or alone
 *   when no claim follows; the outcomes of earlier groups of one claim are written while the
 *   next group is sent.
 * - A claim that came back short (fewer rows than it could take: nothing else was due) ends
 *   the drain without a last, empty claim, unless the group was throttled or `asked()` says a
 *   request queued more meanwhile (then it claims again, with the outcome in that claim).
 * - Paced transports reserve a call slot (`mailCallSlot`) before each call, across every drain.
 * - A 429 (or 503 with Retry-After) gives the attempt back, makes the rows wait at least
 *   Retry-After, and this drain waits as long before its next call; other failures keep the
 *   attempt and back off.
 */
export async function deliverOutbox(
  env: Bindings,
  opts: {
    now?: number;
    limit?: number;
    tenantId?: string;
    budgetMs?: number;
    clock?: MailClock;
    maxQueries?: number;
    /** Asked after a claim that came back short: true if a request asked for another round since (it consumes that ask). */
    asked?: () => boolean;
  } = {},
): Promise<DeliveryReport> {
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  const base = opts.now ?? started;
  const limit = opts.limit ?? 200;
  const deadline = started + (opts.budgetMs ?? 20_000);
  const maxQueries = opts.maxQueries ?? MAX_QUERIES;
  const db = directoryDb(env);
  const report: DeliveryReport = { sent: 0, failed: 0, retried: 0, throttled: 0, calls: 0, more: false, waitMs: 0 };
  // The drain's logical time moves only by what it waited (for a slot, for a Retry-After), so
  // every job stays a function of `now`.
  let waited = 0;
  const now = () => base + waited;
  const sleep = async (ms: number) => {
    await clock.sleep(ms);
    waited += ms;
  };
  let queries = 0;

  const due = (at: number, scoped = true): SQL => {
    const d = or(and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, at)), and(eq(outbox.status, "sending"), lt(outbox.claimedUntil, at)))!;
    return opts.tenantId && scoped ? and(eq(outbox.tenantId, opts.tenantId), d)! : d;
  };

  let transport: MailTransport;
  try {
    transport = mailTransport(env);
  } catch (err) {
    // Misconfigured: harmless while nothing is due.
    if (!(err instanceof MailConfigError)) throw err;
    const [row] = await db.select({ id: outbox.id }).from(outbox).where(due(now())).limit(1);
    if (row) throw err;
    return report;
  }
  const batching = Boolean(transport.sendBatch);
  // Emails with attachments are claimed apart (after the batchable ones) unless the batch takes them.
  const split = batching && !transport.batchesAttachments;
  const batchSize = Math.max(1, transport.batchSize ?? 100);
  const singlesSize = transport.paced ? SINGLES_PACED : SINGLES_UNPACED;
  const slot = mailCallSlot(env);

  const write = async (marks: Statement[]) => {
    const [first, ...rest] = marks;
    if (first) await db.batch([first, ...rest]);
  };

  /**
   * A retried group (rows that carry a batch id), then a new one; fresh batchable rows first.
   * `before` (the previous group's outcome) is written first in the same D1 batch. `short`: the
   * claim took fewer rows than it could, so nothing else was due when it ran.
   */
  async function claim(remaining: number, before: Statement[]): Promise<{ groups: Group[]; short: boolean }> {
    const at = now();
    const scoped = Boolean(opts.tenantId);
    const values = (size: number) => ({ at, until: at + CLAIM_MS, tenantId: opts.tenantId ?? null, limit: Math.min(size, remaining), batchId: newId() });
    // Split: rows without attachments in batches; the others singly, when no batchable row is due.
    const size = batching ? batchSize : singlesSize;
    const claimRetry = boundQuery<OutboxRow>(claimRetryQueries.get(scoped)!(db), values(size));
    const fresh = (filter: ClaimFilter) => claimFreshQueries.get(`${scoped}:${filter}`)!(db);
    const first = boundQuery<OutboxRow>(fresh(split ? "no_attachments" : "any"), values(size));
    const statements = [...before.map((b) => statementOf(env.DB, b as unknown as Parameters<typeof statementOf>[1])), claimRetry.statement, first.statement];
    queries++;
    const results = await env.DB.batch(statements).catch(async (err: unknown) => {
      // The claim failed: the outcome it carried (emails already sent) is still written, alone,
      // so that no sent email comes due again when its claim lapses.
      if (before.length > 0) {
        queries++;
        await write(before).catch(() => undefined);
      }
      throw err;
    });
    // The claim's two answers are the batch's last two.
    const again = claimRetry.rows(results[before.length]!);
    const batch = first.rows(results[before.length + 1]!);
    let rows = [again, batch].filter((r) => r.length > 0);
    let short = again.length === 0 && batch.length < Math.min(size, remaining) && !split;
    if (rows.length === 0 && split) {
      const singles = (await fresh("attachments").all(values(singlesSize))) as OutboxRow[];
      queries++;
      rows = [singles].filter((r) => r.length > 0);
      short = singles.length < Math.min(singlesSize, remaining);
    }
    const groups = rows.map((r) => {
      const sorted = [...r].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { rows: sorted, asBatch: batching && sorted.every((row) => (transport.batchesAttachments || !row.attachments?.length) && (transport.batchable?.(mailOf(row)) ?? true)) };
    });
    return { groups, short };
  }

  /** Waits for the next call slot (paced transports); false when the budget ends first. */
  async function callSlot(): Promise<boolean> {
    if (!transport.paced) return true;
    for (;;) {
      const r = await reserve(env.DB, [slot], { now: clock.now() });
      queries++;
      if (r.ok) return true;
      const wait = await retryAfterMs(env.DB, [slot], 1, clock.now());
      queries++;
      if (clock.now() + wait > deadline || queries >= maxQueries) return false;
      await sleep(wait);
    }
  }

  const outcomeOf = (err: unknown): Outcome =>
    err instanceof ProviderThrottled ? { kind: "throttled", retryAfterMs: err.retryAfterMs, message: err.message } : { kind: "failed", message: messageOf(err), leaveBatch: false };

  /** Sends one group; the outcome of each row, by id (rows left out were not tried: they wait, unspent). */
  async function send(group: Group): Promise<Map<string, Outcome> | null> {
    const out = new Map<string, Outcome>();
    if (group.asBatch) {
      if (!(await callSlot())) return null;
      report.calls++;
      const mails = group.rows.map(mailOf);
      try {
        const result = await transport.sendBatch!(mails, await batchKey(group.rows[0]!.batchId!, group.rows.map((r) => r.id)));
        group.rows.forEach((row, i) => {
          const refused = result?.rejected.get(i);
          out.set(row.id, refused === undefined ? { kind: "sent" } : { kind: "failed", message: refused.slice(0, 500), leaveBatch: true });
        });
      } catch (err) {
        const o = outcomeOf(err);
        for (const row of group.rows) out.set(row.id, o);
      }
      return out;
    }
    let stop: Outcome | null = null;
    let next = 0;
    const worker = async () => {
      while (!stop && next < group.rows.length) {
        const row = group.rows[next++]!;
        if (!(await callSlot())) {
          stop = { kind: "throttled", retryAfterMs: 0, message: "out of time" };
          break;
        }
        report.calls++;
        try {
          await transport.send(mailOf(row));
          out.set(row.id, { kind: "sent" });
        } catch (err) {
          const o = outcomeOf(err);
          out.set(row.id, o);
          if (o.kind === "throttled") stop = o;
        }
      }
    };
    await Promise.all(Array.from({ length: transport.paced ? 1 : SEND_CONCURRENCY }, worker));
    // Rows not tried because the provider said to slow down (or time ran out) wait like the throttled one.
    const rest: Outcome = stop ?? { kind: "throttled", retryAfterMs: 0, message: "not tried" };
    for (const row of group.rows) if (!out.has(row.id)) out.set(row.id, rest);
    return out;
  }

  let handled = 0;
  let pauseMs = 0;
  let recording: Promise<void> = Promise.resolve();
  /** The last group's outcome, not written yet: it goes first in the next claim's batch, or alone at the end (`flush`). */
  let unwritten: Statement[] = [];
  /**
   * Some row went back to wait in this drain (a 429, or not tried): it comes due at the real time
   * plus Retry-After, which this drain's own time (lagging by its work) may not have reached at its
   * next claim. Such a drain claims until a claim comes back empty, as it always did.
   */
  let throttled = false;
  /** When the last rows this drain gave back to the provider's pace come due (real time), 0 for none. */
  let givenBackDueAt = 0;
  const flush = async () => {
    await recording;
    const marks = unwritten;
    unwritten = [];
    if (marks.length > 0) {
      queries++;
      await write(marks);
    }
  };
  while (handled < limit && clock.now() < deadline && queries < maxQueries) {
    const before = unwritten;
    unwritten = [];
    const { groups, short } = await claim(limit - handled, before);
    if (groups.length === 0) {
      // Rows given back after a 429 come due at the real time plus Retry-After, which this drain's
      // own time may not have reached (it lags the real time by its work): catch up once (the real
      // time is usually past it already) and claim them, rather than leaving them to the cron.
      const dueAt = givenBackDueAt;
      givenBackDueAt = 0;
      if (dueAt > now() && Math.max(dueAt, clock.now()) < deadline) {
        const gap = dueAt - now();
        await clock.sleep(Math.max(0, dueAt - clock.now()));
        waited += gap;
        continue;
      }
      await recording;
      return report;
    }
    for (const [i, group] of groups.entries()) {
      handled += group.rows.length;
      const outcomes = (await send(group)) ?? new Map<string, Outcome>(group.rows.map((r) => [r.id, { kind: "throttled", retryAfterMs: 0, message: "out of time" }]));
      if ([...outcomes.values()].some((o) => o.kind === "throttled")) throttled = true;
      const { wait, marks } = record(group.rows, outcomes);
      pauseMs = Math.max(pauseMs, wait);
      if (i === groups.length - 1) {
        unwritten = marks;
        continue;
      }
      // Another group of this claim goes next: this outcome is written while it is sent (one write in flight).
      await recording;
      recording = write(marks);
      recording.catch(() => undefined); // awaited (and thrown) before the next write or the end
      queries++;
    }
    if (pauseMs > 0) {
      // The provider asked to slow down: this drain waits as long before its next call.
      if (clock.now() + pauseMs > deadline) {
        await flush();
        report.more = true;
        report.waitMs = pauseMs;
        return report;
      }
      await sleep(pauseMs);
      pauseMs = 0;
    }
    // Nothing else was due at the claim and no row went back to wait: no last, empty claim,
    // unless a request queued more meanwhile.
    if (short && !throttled && !(opts.asked?.() ?? false)) {
      await flush();
      return report;
    }
  }
  await flush();
  report.more = true;
  return report;

  /** Every row's outcome as the statements to write (`marks`), and how long the provider asked to wait (0 if it did not). */
  function record(rows: OutboxRow[], outcomes: Map<string, Outcome>): { wait: number; marks: Statement[] } {
    const at = now();
    const sentAt = clock.now();
    // Retry-After counts from the real time when that is later than the drain's (a drain's own
    // time lags by its work; other drains must not find the rows due early).
    const throttledFrom = Math.max(at, sentAt);
    const sentIds = rows.filter((r) => outcomes.get(r.id)?.kind === "sent").map((r) => r.id);
    const marks = chunkRows(sentIds, 1, 90).map((ids) => db.update(outbox).set({ status: "sent", sentAt, claimedUntil: null, lastError: null }).where(inArray(outbox.id, ids)));
    let wait = 0;
    const throttled = new Map<number, string[]>();
    for (const row of rows) {
      const o = outcomes.get(row.id)!;
      if (o.kind === "throttled") {
        // Not sent, not an attempt: the attempt taken by the claim is given back; same group, later.
        wait = Math.max(wait, o.retryAfterMs);
        const ids = throttled.get(o.retryAfterMs) ?? [];
        ids.push(row.id);
        throttled.set(o.retryAfterMs, ids);
        if (o.message !== "not tried" && o.message !== "out of time") report.throttled++;
        if (o.message !== "out of time") givenBackDueAt = Math.max(givenBackDueAt, throttledFrom + o.retryAfterMs);
      } else if (o.kind === "failed") {
        const finalFailure = row.attempts >= MAX_ATTEMPTS;
        marks.push(
          db
            .update(outbox)
            .set({
              status: finalFailure ? "failed" : "pending",
              claimedUntil: null,
              nextAttemptAt: at + backoffMs(row.attempts),
              lastError: o.message,
              // An email the provider refused inside a batch leaves it (the rest retry as they were).
              ...(o.leaveBatch ? { batchId: null } : {}),
            })
            .where(eq(outbox.id, row.id)),
        );
        if (finalFailure) report.failed++;
        else report.retried++;
      }
    }
    for (const [retryAfter, ids] of throttled) {
      for (const chunk of chunkRows(ids, 1, 90)) {
        marks.push(
          db
            .update(outbox)
            .set({ status: "pending", claimedUntil: null, attempts: sql`max(${outbox.attempts} - 1, 0)`, nextAttemptAt: throttledFrom + retryAfter, lastError: retryAfter > 0 ? `throttled by the mail provider (${Math.ceil(retryAfter / 1000)} s)` : null })
            .where(inArray(outbox.id, chunk)),
        );
      }
    }
    report.sent += sentIds.length;
    return { wait, marks };
  }
}

function mailOf(row: OutboxRow): OutgoingMail {
  return { to: row.to, subject: row.subject, text: row.text, html: row.html, ...(row.attachments?.length ? { attachments: row.attachments } : {}), tenantId: row.tenantId, idempotencyKey: row.id };
}
