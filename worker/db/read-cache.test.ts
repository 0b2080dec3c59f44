import { describe, expect, it } from "vitest";
import { ReadCache } from "./read-cache";

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
    cache.deleteWhere((_k, v) => v?.user === "u1");
    expect([cache.get("a", 1), cache.get("c", 1)]).toEqual([undefined, undefined]);
  });
});

describe("ReadCache single flight", () => {
  it("shares one load between concurrent misses, and a delete during the load wins", async () => {
    const cache = new ReadCache<number>(1000);
    let loads = 0;
    let release!: (v: number) => void;
    const load = () => {
      loads++;
      return new Promise<number>((r) => (release = r));
    };
    const a = cache.getOrLoad("k", load, 0);
    const b = cache.getOrLoad("k", load, 0);
    release(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);
    expect(loads).toBe(1);

    const c = cache.getOrLoad("j", load, 0);
    cache.delete("j");
    release(1);
    expect(await c).toBe(1);
    // The value read before the delete is not kept.
    expect(cache.get("j", 1)).toBeUndefined();
  });

  it("does not keep values the caller says not to", async () => {
    const cache = new ReadCache<number | null>(1000);
    await cache.getOrLoad("missing", async () => null, 0, (v) => v !== null);
    expect(cache.get("missing", 1)).toBeUndefined();
  });
});
