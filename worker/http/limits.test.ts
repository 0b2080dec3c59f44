import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FOREVER_MS, clearLimits, exhausted, limitVar, release, reserve, type Limit } from "./limits";

const key = (name: string) => `test:${name}:${crypto.randomUUID()}`;

describe("reserve", () => {
  it("lets exactly `max` of many concurrent reservations through", async () => {
    const limit: Limit = { key: key("race"), max: 5, windowMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 30 }, () => reserve(env.DB, [limit])));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(25);
    for (const r of refused) if (!r.ok) expect(r.retryAfter).toBeGreaterThan(0);
  });

  it("reserves several limits all together or not at all", async () => {
    const wide: Limit = { key: key("wide"), max: 100, windowMs: 60_000 };
    const narrow: Limit = { key: key("narrow"), max: 2, windowMs: 60_000 };
    const now = 1_000_000;
    expect((await reserve(env.DB, [wide, narrow], { now })).ok).toBe(true);
    expect((await reserve(env.DB, [wide, narrow], { now })).ok).toBe(true);
    const third = await reserve(env.DB, [wide, narrow], { now });
    expect(third).toEqual({ ok: false, retryAfter: 60 });
    // The refused reservation took nothing from the wide limit: 98 units are left there.
    const rest = await reserve(env.DB, [wide], { now, amount: 98 });
    expect(rest).toEqual({ ok: true, counts: [100] });
    expect((await reserve(env.DB, [wide], { now })).ok).toBe(false);
  });

  it("reserves an amount at once, refuses one that does not fit, and starts again when the window ends", async () => {
    const daily: Limit = { key: key("amount"), max: 20, windowMs: 86_400_000 };
    const now = 5_000_000;
    expect(await reserve(env.DB, [daily], { now, amount: 15 })).toEqual({ ok: true, counts: [15] });
    expect(await reserve(env.DB, [daily], { now: now + 3600_000, amount: 6 })).toEqual({ ok: false, retryAfter: 82_800 });
    expect(await reserve(env.DB, [daily], { now, amount: 21 })).toMatchObject({ ok: false });
    expect(await reserve(env.DB, [daily], { now: now + 86_400_000, amount: 20 })).toEqual({ ok: true, counts: [20] });
  });

  it("gives units back with release and forgets with clearLimits", async () => {
    const limit: Limit = { key: key("release"), max: 1, windowMs: 60_000 };
    const now = 9_000_000;
    expect((await reserve(env.DB, [limit], { now })).ok).toBe(true);
    expect(await exhausted(env.DB, [limit], now)).toEqual([limit]);
    await release(env.DB, [limit], { now });
    expect(await exhausted(env.DB, [limit], now)).toEqual([]);
    expect((await reserve(env.DB, [limit], { now })).ok).toBe(true);
    await clearLimits(env.DB, [limit.key]);
    expect((await reserve(env.DB, [limit], { now })).ok).toBe(true);
  });

  it("a check-only limit takes nothing but stops the reservation once the counter is full", async () => {
    const counted: Limit = { key: key("counted"), max: 2, windowMs: 60_000 };
    const now = 12_000_000;
    const check = { ...counted, consume: false as const };
    expect((await reserve(env.DB, [check], { now })).ok).toBe(true);
    expect((await reserve(env.DB, [counted], { now })).ok).toBe(true);
    const many = await Promise.all(Array.from({ length: 5 }, () => reserve(env.DB, [check], { now })));
    expect(many.every((r) => r.ok)).toBe(true);
    expect(await reserve(env.DB, [counted], { now })).toEqual({ ok: true, counts: [2] });
    expect(await reserve(env.DB, [check], { now: now + 1000 })).toEqual({ ok: false, retryAfter: 59 });
    await release(env.DB, [counted, check], { now });
    expect((await reserve(env.DB, [check], { now })).ok).toBe(true);
    // A new window starts the counter again.
    expect(await reserve(env.DB, [counted], { now: now + 60_000, amount: 2 })).toEqual({ ok: true, counts: [2] });
  });

  it("serves quotas like the invitations' ones: N at once per inviter per day, one an hour and five in all per recipient", async () => {
    const inviter: Limit = { key: key("inviter"), max: limitVar("20", 500), windowMs: 86_400_000 };
    const now = 20_000_000;
    expect(await reserve(env.DB, [inviter], { now, amount: 12 })).toEqual({ ok: true, counts: [12] });
    expect((await reserve(env.DB, [inviter], { now, amount: 9 })).ok).toBe(false);
    const recipient = key("recipient");
    const resend = (at: number) => reserve(env.DB, [{ key: `${recipient}:hour`, max: 1, windowMs: 3600_000 }, { key: `${recipient}:all`, max: 5, windowMs: FOREVER_MS }], { now: at });
    expect((await resend(now)).ok).toBe(true);
    expect((await resend(now + 60_000)).ok).toBe(false);
    for (let h = 1; h <= 4; h++) expect((await resend(now + h * 3600_000)).ok).toBe(true);
    expect((await resend(now + 5 * 3600_000)).ok).toBe(false);
    expect((await resend(now + 400 * 86_400_000)).ok).toBe(false);
    expect(limitVar("0", 20)).toBe(20);
    expect(limitVar("abc", 20)).toBe(20);
    expect(limitVar(undefined, 20)).toBe(20);
  });
});
