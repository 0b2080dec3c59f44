/**
 * Short-lived, per-isolate memory of hot reads (sessions, group directory, a viewer's
 * roles), so a page view in the steady state makes no D1 round trip. Entries live
 * READ_TTL_MS at most; every write that changes them deletes them in this isolate,
 * and other isolates see the change within READ_TTL_MS. Security-relevant effect: a
 * revoked session keeps working in *another* isolate for at most that long.
 */
export const READ_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export class ReadCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  /** Loads under way: concurrent misses of one key share a single load (no stampede when an entry expires). */
  private readonly inflight = new Map<string, Promise<V>>();
  constructor(private readonly ttlMs = READ_TTL_MS) {}

  get(key: string, now = Date.now()): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  /** `keep` decides whether a loaded value is remembered (a missing session is not). */
  async getOrLoad(key: string, load: () => Promise<V>, now = Date.now(), keep: (value: V) => boolean = () => true): Promise<V> {
    const hit = this.get(key, now);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const promise = load().then(
      (value) => {
        // Only if nobody forgot this key while it loaded: a write must never be undone by a late read.
        if (this.inflight.get(key) === promise) {
          this.inflight.delete(key);
          if (keep(value)) this.set(key, value, now);
        }
        return value;
      },
      (err: unknown) => {
        if (this.inflight.get(key) === promise) this.inflight.delete(key);
        throw err;
      },
    );
    this.inflight.set(key, promise);
    return promise;
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.inflight.delete(key);
  }

  /** Deletes every entry whose key starts with the prefix, or whose value matches. */
  deleteWhere(predicate: (key: string, value: V | undefined) => boolean): void {
    for (const [key, entry] of this.entries) if (predicate(key, entry.value)) this.entries.delete(key);
    for (const key of this.inflight.keys()) if (predicate(key, undefined)) this.inflight.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.inflight.clear();
  }
}
