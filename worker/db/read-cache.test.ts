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
    cache.deleteWhere((_k, v) => v.user === "u1");
    expect([cache.get("a", 1), cache.get("c", 1)]).toEqual([undefined, undefined]);
  });
});
