import { describe, expect, it } from "vitest";
import { ReadCache, REFRESH_GRACE_MS } from "./read-cache";

describe("ReadCache", () => {
  it("serves a value until its time is up, then loads again", async () => {
    const cache = new ReadCache<number>(1000);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.getOrLoad("k", load, 0)).toBe(1);
    expect(await cache.getOrLoad("k", load, 999)).toBe(1);
    expect(await cache.getOrLoad("k", load, 1000)).toBe(2);
  });

  it("forgets on demand, by key or by predicate", () => {
    const cache = new ReadCache<{ user: string }>(1000);
    cache.set("a", { user: "u1" }, 0);
    cache.set("b", { user: "u2" }, 0);
    cache.set("c", { user: "u1" }, 0);
    cache.delete("b");
    expect(cache.get("b", 1)).toBeUndefined();
    cache.deleteWhere((_k, v) => v.user === "u1");
    expect([cache.get("a", 1), cache.get("c", 1)]).toEqual([undefined, undefined]);
  });
});

describe("ReadCache refresh", () => {
  it("lets one request reload an expired value while the others keep the previous one briefly", async () => {
    const cache = new ReadCache<number>(1000);
    cache.set("k", 1, 0);
    let loads = 0;
    let release!: (v: number) => void;
    const slow = () => {
      loads++;
      return new Promise<number>((r) => (release = r));
    };
    const refreshing = cache.getOrLoad("k", slow, 1000);
    // Meanwhile, another request gets the previous value without loading.
    expect(await cache.getOrLoad("k", slow, 1100)).toBe(1);
    expect(loads).toBe(1);
    release(2);
    expect(await refreshing).toBe(2);
    expect(await cache.getOrLoad("k", slow, 1200)).toBe(2);
    // Past the grace period, nobody is served the old value.
    cache.set("j", 1, 0);
    expect(await cache.getOrLoad("j", async () => 9, 1000 + REFRESH_GRACE_MS)).toBe(9);
  });

  it("a delete during a load wins: the older value is not stored", async () => {
    const cache = new ReadCache<number>(1000);
    let release!: (v: number) => void;
    const pending = cache.getOrLoad("j", () => new Promise<number>((r) => (release = r)), 0);
    cache.delete("j");
    release(1);
    expect(await pending).toBe(1);
    expect(cache.get("j", 1)).toBeUndefined();
  });

  it("does not keep values the caller says not to", async () => {
    const cache = new ReadCache<number | null>(1000);
    await cache.getOrLoad("missing", async () => null, 0, (v) => v !== null);
    expect(cache.get("missing", 1)).toBeUndefined();
  });
});
