import type { Bindings } from "../env";
import type { AlarmScheduler, AlarmSource } from "./alarm";
import type { RoomMeta } from "./meta";
import { NOTICE_DELAY_MS, noticeWriter } from "./notices";

/** A notice batch that failed to reach D1 is tried again after this long. */
const NOTICE_RETRY_MS = 30_000;

/**
 * The room's side of the group notices: join requests and reports wait in `notices`
 * until NOTICE_DELAY_MS after the first of a batch, so many arriving together make one
 * email per recipient; `noticeWriter` is the D1 side.
 */
export class NoticeQueue implements AlarmSource {
  constructor(
    private readonly env: Bindings,
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly meta: RoomMeta,
    private readonly alarm: AlarmScheduler,
  ) {}

  static migrate(sql: SqlStorage): void {
    sql.exec(`
      create table if not exists notices (
        id integer primary key autoincrement, kind text not null, name text not null default '',
        reason text not null default '', excerpt text not null default '', created_at integer not null, batch integer
      );
    `);
    // Rooms made before join requests carried their applicant's id (the `group.join_requested` webhook).
    const columns = sql.exec<{ name: string }>("select name from pragma_table_info('notices')").toArray();
    if (!columns.some((c) => c.name === "user_id")) sql.exec("alter table notices add column user_id text not null default ''");
  }

  /** Due: a sealed batch at its retry time, and what waits NOTICE_DELAY_MS after the oldest. */
  nextDue(): number | null {
    const times: number[] = [];
    const sealed = this.sql.exec<{ n: number }>("select count(*) as n from notices where batch is not null").one().n;
    if (sealed > 0) times.push(Number(this.meta.get("notice_retry_at") ?? 0));
    const oldest = this.sql.exec<{ at: number | null }>("select min(created_at) as at from notices where batch is null").one().at;
    if (oldest !== null) times.push(oldest + NOTICE_DELAY_MS);
    return times.length ? Math.min(...times) : null;
  }

  /** Records a join request or a report for the next notice batch. */
  async add(kind: "request" | "report", p: { name?: string; userId?: string; reason?: string; excerpt?: string }): Promise<void> {
    this.sql.exec("insert into notices (kind, name, user_id, reason, excerpt, created_at) values (?, ?, ?, ?, ?, ?)", kind, p.name ?? "", p.userId ?? "", p.reason ?? "", p.excerpt ?? "", Date.now());
    await this.alarm.rearm();
  }

  /**
   * Seals what is waiting into a numbered batch (in storage, so a crash keeps the
   * number), writes each sealed batch to the outbox, then forgets it. A batch whose
   * write failed is tried again from the alarm with the same number (same outbox ids).
   */
  async flush(): Promise<{ sent: number; remaining: number }> {
    this.transaction(() => {
      const unsealed = this.sql.exec<{ n: number }>("select count(*) as n from notices where batch is null").one().n;
      if (unsealed === 0) return;
      const next = Number(this.meta.get("notice_batch") ?? 0) + 1;
      this.sql.exec("update notices set batch = ? where batch is null", next);
      this.meta.set("notice_batch", String(next));
    });
    const group = this.meta.group();
    let sent = 0;
    if (group) {
      const batches = this.sql.exec<{ batch: number }>("select distinct batch from notices where batch is not null order by batch").toArray();
      for (const { batch } of batches) {
        const rows = this.sql.exec<{ kind: string; name: string; user_id: string; reason: string; excerpt: string }>("select kind, name, user_id, reason, excerpt from notices where batch = ? order by id", batch).toArray();
        try {
          sent += await noticeWriter.write(this.env, {
            ...group,
            batch,
            requests: rows.filter((r) => r.kind === "request").map((r) => ({ name: r.name, userId: r.user_id })),
            reports: rows.filter((r) => r.kind === "report").map((r) => ({ reason: r.reason, excerpt: r.excerpt })),
          });
        } catch (err) {
          console.error("notice batch failed", err);
          this.meta.set("notice_retry_at", String(Date.now() + NOTICE_RETRY_MS));
          break;
        }
        this.sql.exec("delete from notices where batch = ?", batch);
      }
    }
    return { sent, remaining: this.count() };
  }

  /** Notices waiting for the next batch. */
  count(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from notices").one().n;
  }
}
