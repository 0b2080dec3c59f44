import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { reserveAll, type LimitAmount } from "./limits";

const key = (name: string) => `test:${name}:${crypto.randomUUID()}`;

describe("reserveAll (one counter per recipient beside a quota)", () => {
  it("reserves a quota of N and N counters of 1 all together or not at all, across statements", async () => {
    const now = 2_000_000;
    const quota = { key: key("quota"), max: 60, windowMs: 60_000 };
    // 40 recipients: more than one statement's worth of counters (16 each).
    const recipients = Array.from({ length: 40 }, (_, i) => ({ key: key(`to${i}`), max: 1, windowMs: 60_000, amount: 1 }));
    const first = await reserveAll(env.DB, [{ ...quota, amount: 40 }, ...recipients], now);
    expect(first.ok).toBe(true);
    if (first.ok) expect(first.counts).toEqual([40, ...recipients.map(() => 1)]);
    // One recipient already used: the whole reservation is refused and the quota keeps its 20 units.
    const fresh = Array.from({ length: 19 }, (_, i) => ({ key: key(`new${i}`), max: 1, windowMs: 60_000, amount: 1 }));
    const refused = await reserveAll(env.DB, [{ ...quota, amount: 20 }, ...fresh, recipients[39]!], now + 1000);
    expect(refused).toEqual({ ok: false, retryAfter: 59 });
    const rest = await reserveAll(env.DB, [{ ...quota, amount: 20 }, ...fresh], now + 1000);
    expect(rest.ok).toBe(true);
    // A new window starts the counters again.
    expect((await reserveAll(env.DB, [{ ...quota, amount: 60 }], now + 60_000)).ok).toBe(true);
  });

  it("lets exactly `max` of many concurrent reservations through", async () => {
    const limit: LimitAmount = { key: key("race"), max: 20, windowMs: 60_000, amount: 1 };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => reserveAll(env.DB, [limit, { key: key(`r${i}`), max: 5, windowMs: 60_000, amount: 1 }])));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
  });
});
