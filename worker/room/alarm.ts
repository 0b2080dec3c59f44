/** Something that owes work to D1 and says when it is next due (null: nothing owed). */
export type AlarmSource = { nextDue(): number | null };

/**
 * The room's one alarm, shared by every queue that retries against D1 (the membership
 * writes and the notice batches): set for the earliest thing due, moved earlier when
 * something comes due sooner, removed when nothing is owed.
 */
export class AlarmScheduler {
  private readonly sources: AlarmSource[] = [];

  constructor(private readonly storage: DurableObjectStorage) {}

  add(source: AlarmSource): void {
    this.sources.push(source);
  }

  async rearm(): Promise<void> {
    const times = this.sources.map((s) => s.nextDue()).filter((t): t is number => t !== null);
    if (times.length === 0) {
      // Nothing owed: an alarm set for an earlier state would only wake the room for nothing.
      if ((await this.storage.getAlarm()) !== null) await this.storage.deleteAlarm();
      return;
    }
    const next = Math.max(Math.min(...times), Date.now() + 50);
    const current = await this.storage.getAlarm();
    if (current === null || current > next || current < Date.now()) await this.storage.setAlarm(next);
  }
}
