/**
 * Short-lived, per-isolate memory of hot reads (sessions, group directory, a viewer's
 * roles), so a page view in the steady state makes no D1 round trip. Entries live
 * READ_TTL_MS at most; every write that changes them deletes them in this isolate,
 * and other isolates see the change within READ_TTL_MS (+ REFRESH_GRACE_MS while one
 * request refreshes). Security-relevant effect: a revoked session keeps working in
 * *another* isolate for at most that long.
 */
export const READ_TTL_MS = 5_000;
/** How long an expired value may still be served while one request reloads it. */
export const REFRESH_GRACE_MS = 2_000;
const MAX_ENTRIES = 10_000;

type Entry<V> = { value: V; until: number; refreshingSince: number };

export class ReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Bumped by every delete: a load that started before a delete must not store its (older) value. */
  private epoch = 0;
  /** `maxEntries` bounds a cache of big values (a calendar's bookings) below the default. */
  constructor(
    private readonly ttlMs = READ_TTL_MS,
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= now) return undefined;
    return hit.value;
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: now + this.ttlMs, refreshingSince: Number.NEGATIVE_INFINITY });
  }

  /**
   * Fresh value, or load it. When a value just expired, one request reloads it while the
   * others keep the previous value for a moment, so an expiry does not send every request
   * in flight to D1 at once. Requests never share a promise: in Workers, a request cannot
   * touch I/O started by another one.
   * `keep` decides whether a loaded value is remembered (a missing session is not).
   */
  async getOrLoad(key: string, load: () => Promise<V>, now = Date.now(), keep: (value: V) => boolean = () => true): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (hit && now < hit.until + REFRESH_GRACE_MS && now - hit.refreshingSince < REFRESH_GRACE_MS) return hit.value;
    if (hit) hit.refreshingSince = now;
    const epoch = this.epoch;
    const value = await load();
    if (this.epoch === epoch && keep(value)) this.set(key, value, now);
    return value;
  }

  /** How many deletes so far: a value read after `version()` is stored by `setUnlessForgotten` only while no delete happened since. */
  version(): number {
    return this.epoch;
  }

  /** `set`, unless something was deleted since `version` (the value may be older than the delete): what `getOrLoad` does for a load done elsewhere (one D1 batch of several caches' misses). */
  setUnlessForgotten(key: string, value: V, version: number, now = Date.now()): void {
    if (this.epoch === version) this.set(key, value, now);
  }

  delete(key: string): void {
    this.epoch++;
    this.entries.delete(key);
  }

  /** Deletes every entry the predicate matches (and keeps loads under way from storing). */
  deleteWhere(predicate: (key: string, value: V) => boolean): void {
    this.epoch++;
    for (const [key, entry] of this.entries) if (predicate(key, entry.value)) this.entries.delete(key);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}
