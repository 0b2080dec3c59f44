import { ApiError } from "./errors";

/**
 * Every limit in the product (throttles, quotas, caps) goes through here, and always
 * the same way: reserve first, then work. A reservation is one atomic D1 batch over
 * all the limits it names, so of N concurrent requests exactly as many pass as the
 * limit allows, and a request refused by one limit consumes none of the others.
 */
export type Limit = {
  /** "scope:tenant:subject"; one counter per key. */
  key: string;
  /** Units allowed per window. */
  max: number;
  windowMs: number;
  /**
   * `false`: take nothing from this limit, only require that it has room for one more
   * unit (a limit counted elsewhere that must still stop this request once exhausted).
   */
  consume?: false;
};

/** For counts that never start again (windows are fixed; this one outlives any row). */
export const FOREVER_MS = 100 * 365 * 24 * 3600_000;

export type Reservation =
  | { ok: true; /** each limit's count after this reservation, in the order given */ counts: number[] }
  | { ok: false; /** seconds until the first exhausted limit has room again */ retryAfter: number };

const WITHIN_MAX = "rate_limits_within_max";

/**
 * Reserves `amount` units against every limit at once, or none at all.
 * Refused reservations leave every counter as it was.
 */
export async function reserve(d1: D1Database, limits: Limit[], opts: { amount?: number; now?: number } = {}): Promise<Reservation> {
  const amount = opts.amount ?? 1;
  return reserveAll(d1, limits.map((l) => ({ ...l, amount })), opts.now ?? Date.now());
}

/** Seconds until every limit named has room for `amount` more (at least 1). */
export async function retryAfter(d1: D1Database, limits: Limit[], amount = 1, now = Date.now()): Promise<number> {
  return waitFor(d1, limits.map((l) => counted({ ...l, amount })), now);
}

/** Milliseconds until every limit named has room for `amount` more (at least 1): for work that paces itself (the mail outbox). */
export async function retryAfterMs(d1: D1Database, limits: Limit[], amount = 1, now = Date.now()): Promise<number> {
  return waitFor(d1, limits.map((l) => counted({ ...l, amount })), now, 1);
}

/**
 * What a limit adds to its counter and under which bound: a check-only limit adds 0 under a
 * `max` one lower, so the CHECK refuses exactly when the counter is full.
 */
function counted(l: LimitAmount): { key: string; amount: number; max: number; windowMs: number } {
  return l.consume === false ? { key: l.key, amount: 0, max: l.max - 1, windowMs: l.windowMs } : l;
}

/** Seconds (or another `unitMs`) until every counter has room for its amount (at least 1); read in chunks under D1's bound parameters. */
async function waitFor(d1: D1Database, limits: { key: string; amount: number; max: number; windowMs: number }[], now: number, unitMs = 1000): Promise<number> {
  let wait = 1;
  for (let i = 0; i < limits.length; i += 90) {
    const chunk = limits.slice(i, i + 90);
    const rows = await readCounters(d1, chunk.map((l) => l.key));
    for (const l of chunk) {
      const row = rows.get(l.key);
      const end = row ? row.windowStart + l.windowMs : 0;
      if (row && end > now && row.count + l.amount > l.max) wait = Math.max(wait, Math.ceil((end - now) / unitMs));
    }
  }
  return wait;
}

/** The limits that are exhausted now, without reserving anything (to show a state, never to decide). */
export async function exhausted(d1: D1Database, limits: Limit[], now = Date.now()): Promise<Limit[]> {
  const rows = await readCounters(d1, limits.map((l) => l.key));
  return limits.filter((l) => {
    const row = rows.get(l.key);
    return row !== undefined && row.windowStart + l.windowMs > now && row.count >= l.max;
  });
}

/** Gives units back (an attempt that turned out not to count, such as a successful login). */
export async function release(d1: D1Database, limits: Limit[], opts: { amount?: number; now?: number } = {}): Promise<void> {
  const amount = opts.amount ?? 1;
  const now = opts.now ?? Date.now();
  limits = limits.filter((l) => l.consume !== false);
  if (limits.length === 0) return;
  await d1.batch(
    limits.map((l) =>
      d1
        .prepare("update rate_limits set count = max(count - ?2, 0) where key = ?1 and window_start + window_ms > ?3")
        .bind(l.key, amount, now),
    ),
  );
}

/** Forgets counters entirely (a password changed, an account approved). */
export async function clearLimits(d1: D1Database, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await d1.batch(keys.map((k) => d1.prepare("delete from rate_limits where key = ?").bind(k)));
}

/** Counters whose window ended more than `graceMs` ago (the cron's purge). */
export async function purgeLimits(d1: D1Database, now = Date.now(), graceMs = 3600_000): Promise<void> {
  await d1.prepare("delete from rate_limits where window_start + window_ms < ?").bind(now - graceMs).run();
}

async function readCounters(d1: D1Database, keys: string[]): Promise<Map<string, { count: number; windowStart: number }>> {
  const out = new Map<string, { count: number; windowStart: number }>();
  if (keys.length === 0) return out;
  const { results } = await d1
    .prepare(`select key, count, window_start as windowStart from rate_limits where key in (${keys.map(() => "?").join(",")})`)
    .bind(...keys)
    .all<{ key: string; count: number; windowStart: number }>();
  for (const r of results) out.set(r.key, { count: r.count, windowStart: r.windowStart });
  return out;
}

/** The 429 every limit answers, with `Retry-After`. */
export function tooManyRequests(retryAfterSeconds: number, message: string, code = "rate_limited", extra?: Record<string, unknown>): ApiError {
  const err = new ApiError(429, code, message, undefined, { "Retry-After": String(retryAfterSeconds) });
  if (extra) err.extra = extra;
  return err;
}

/** Reserves or throws the 429. */
export async function reserveOrThrow(
  d1: D1Database,
  limits: Limit[],
  message: string,
  opts: { amount?: number; now?: number; code?: string; extra?: Record<string, unknown> } = {},
): Promise<number[]> {
  const r = await reserve(d1, limits, opts);
  if (!r.ok) throw tooManyRequests(r.retryAfter, message, opts.code, opts.extra);
  return r.counts;
}

/** A positive whole number from a var (wrangler.toml `[vars]`), else the default. */
export function limitVar(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

// ── the reservation itself ───────────────────────────────────────────────

/** A limit with its own amount (a quota reserved for N mails beside N recipients' caps of 1 each). */
export type LimitAmount = Limit & { amount: number };

/** D1 binds at most 100 parameters per statement: 5 per counter. */
const ROWS_PER_STATEMENT = 16;

/**
 * The one reservation every limit goes through (`reserve` is this with one amount for all):
 * a CHECK-guarded upsert, several counters per statement, all in one atomic batch, each
 * with its own amount (a quota reserved for N mails beside N recipients' caps of 1 each). Of N concurrent callers exactly as many pass as every limit allows; a refusal
 * leaves every counter as it was.
 */
export async function reserveAll(d1: D1Database, requested: LimitAmount[], now = Date.now()): Promise<Reservation> {
  if (requested.length === 0) return { ok: true, counts: [] };
  const limits = requested.map(counted);
  const tooBig = limits.find((l) => l.amount > l.max);
  if (tooBig) return { ok: false, retryAfter: Math.max(1, Math.ceil(tooBig.windowMs / 1000)) };
  const statements: D1PreparedStatement[] = [];
  // Where the window has ended the counter starts again; otherwise it grows (and the CHECK refuses past `max`).
  for (let i = 0; i < limits.length; i += ROWS_PER_STATEMENT) {
    const chunk = limits.slice(i, i + ROWS_PER_STATEMENT);
    statements.push(
      d1
        .prepare(
          `insert into rate_limits (key, count, max, window_start, window_ms) values ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")}
           on conflict (key) do update set
             count = case when rate_limits.window_start + excluded.window_ms <= excluded.window_start then excluded.count else rate_limits.count + excluded.count end,
             window_start = case when rate_limits.window_start + excluded.window_ms <= excluded.window_start then excluded.window_start else rate_limits.window_start end,
             max = excluded.max, window_ms = excluded.window_ms
           returning key, count`,
        )
        .bind(...chunk.flatMap((l) => [l.key, l.amount, l.max, now, l.windowMs])),
    );
  }
  try {
    const results = await d1.batch(statements);
    const counts = new Map<string, number>();
    for (const r of results) for (const row of r.results as { key: string; count: number }[]) counts.set(row.key, Number(row.count));
    return { ok: true, counts: limits.map((l) => counts.get(l.key) ?? l.amount) };
  } catch (err) {
    if (!String(err).includes(WITHIN_MAX) && !String(err).includes("CHECK constraint failed")) throw err;
    return { ok: false, retryAfter: await waitFor(d1, limits, now) };
  }
}
