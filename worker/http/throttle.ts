import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { throttles } from "../db/schema";
import { ApiError } from "./errors";

export type ThrottleRule = { key: string; limit: number; windowMs: number };

/** Seconds until the first exhausted rule's window closes, or null when none is exhausted. */
export async function throttleRetryAfter(db: Database, rules: ThrottleRule[], now = Date.now()): Promise<number | null> {
  if (rules.length === 0) return null;
  const rows = await db
    .select()
    .from(throttles)
    .where(sql`${throttles.key} in ${rules.map((r) => r.key)}`);
  let wait = 0;
  for (const rule of rules) {
    const row = rows.find((r) => r.key === rule.key);
    if (!row) continue;
    const resetAt = row.windowStart + rule.windowMs;
    if (row.count >= rule.limit && resetAt > now) wait = Math.max(wait, Math.ceil((resetAt - now) / 1000));
  }
  return wait > 0 ? wait : null;
}

/** Counts one event against each rule (fixed window, one statement per rule, batched). */
export async function throttleHit(db: Database, rules: ThrottleRule[], now = Date.now()): Promise<void> {
  const statements = rules.map((rule) =>
    db
      .insert(throttles)
      .values({ key: rule.key, count: 1, windowStart: now })
      .onConflictDoUpdate({
        target: throttles.key,
        set: {
          count: sql`case when ${throttles.windowStart} <= ${now - rule.windowMs} then 1 else ${throttles.count} + 1 end`,
          windowStart: sql`case when ${throttles.windowStart} <= ${now - rule.windowMs} then ${now} else ${throttles.windowStart} end`,
        },
      }),
  );
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

export async function throttleClear(db: Database, keys: string[]): Promise<void> {
  if (keys.length) await db.delete(throttles).where(sql`${throttles.key} in ${keys}`);
}

export function rateLimited(retryAfterSeconds: number, message: string): ApiError {
  return new ApiError(429, "rate_limited", message, undefined, { "Retry-After": String(retryAfterSeconds) });
}

export async function purgeThrottles(db: Database, olderThanMs: number, now = Date.now()): Promise<void> {
  await db.delete(throttles).where(sql`${throttles.windowStart} < ${now - olderThanMs}`);
}
