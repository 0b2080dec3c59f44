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

  async getOrLoad(key: string, load: () => Promise<V>, now = Date.now()): Promise<V> {
    const hit = this.get(key, now);
    if (hit !== undefined) return hit;
    const value = await load();
    this.set(key, value, now);
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Deletes every entry whose key starts with the prefix, or whose value matches. */
  deleteWhere(predicate: (key: string, value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (predicate(key, entry.value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
