import type { Bindings } from "../env";
import type { AlarmScheduler, AlarmSource } from "./alarm";
import type { Connections } from "./connections";
import { membershipWriter, type MembershipWrite } from "./membership-writer";
import type { NoticeQueue } from "./notice-queue";
import type { JoinAnswer, JoinRequestView } from "./protocol";

export type JoinRequest = {
  id: string;
  userId: string;
  name: string;
  email: string;
  answers: JoinAnswer[];
  status: "pending" | "approved" | "rejected" | "withdrawn";
  createdAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
};
export type Decision = "approve" | "reject";

export function requestView(r: JoinRequest): JoinRequestView {
  return { id: r.id, userId: r.userId, name: r.name, email: r.email, answers: r.answers, createdAt: new Date(r.createdAt).toISOString() };
}

type RequestRow = {
  id: string;
  user_id: string;
  name: string;
  email: string;
  answers: string;
  status: JoinRequest["status"];
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
};

const MAX_RETRY_MS = 5 * 60_000;
const WRITE_CHUNK = 500;

function toRequest(r: RequestRow): JoinRequest {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    email: r.email,
    answers: JSON.parse(r.answers) as JoinAnswer[],
    status: r.status,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
  };
}

function randomId(): string {
  return [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The join-approval queue. A decision is recorded here first, with the membership it
 * implies (`membership_writes`), in one storage transaction; the membership is then
 * written to D1 and retried from the room's alarm until it lands, so an approval is never
 * lost (not to a crash, an eviction or a D1 error). Admins' queue pages and the
 * applicant's waiting page hear every change through the connections.
 */
export class JoinQueue implements AlarmSource {
  constructor(
    private readonly env: Bindings,
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly connections: Connections,
    private readonly notices: NoticeQueue,
    private readonly alarm: AlarmScheduler,
  ) {}

  static migrate(sql: SqlStorage): void {
    sql.exec(`
      create table if not exists join_requests (
        id text primary key, user_id text not null, name text not null, email text not null,
        answers text not null, status text not null, created_at integer not null,
        decided_at integer, decided_by text
      );
      create unique index if not exists join_requests_one_pending on join_requests (user_id) where status = 'pending';
      create index if not exists join_requests_status on join_requests (status, created_at);
      create table if not exists membership_writes (
        user_id text primary key, tenant_id text not null, group_id text not null, role text not null,
        attempts integer not null default 0, next_at integer not null, last_error text
      );
    `);
  }

  /** Idempotent: a second request by the same user returns the pending one. */
  async submit(user: { id: string; name: string; email: string; avatarUrl?: string | null }, answers: JoinAnswer[]): Promise<{ request: JoinRequest; created: boolean }> {
    const existing = this.pendingFor(user.id);
    if (existing) return { request: existing, created: false };
    const row: RequestRow = {
      id: randomId(),
      user_id: user.id,
      name: user.name,
      email: user.email,
      answers: JSON.stringify(answers),
      status: "pending",
      created_at: Date.now(),
      decided_at: null,
      decided_by: null,
    };
    this.sql.exec(
      "insert into join_requests (id, user_id, name, email, answers, status, created_at) values (?, ?, ?, ?, ?, 'pending', ?)",
      row.id, row.user_id, row.name, row.email, row.answers, row.created_at,
    );
    const request = toRequest(row);
    // The applicant's picture rides on the live event only (the queue page reads it from D1).
    this.connections.broadcastQueue({ type: "request", request: { ...requestView(request), avatarUrl: user.avatarUrl ?? null } });
    await this.notices.add("request", { name: row.name, userId: row.user_id });
    return { request, created: true };
  }

  pending(limit = 200, after?: { createdAt: number; id: string }): JoinRequest[] {
    const rows = after
      ? this.sql.exec<RequestRow>(
          "select * from join_requests where status = 'pending' and (created_at > ? or (created_at = ? and id > ?)) order by created_at, id limit ?",
          after.createdAt, after.createdAt, after.id, limit,
        )
      : this.sql.exec<RequestRow>("select * from join_requests where status = 'pending' order by created_at, id limit ?", limit);
    return rows.toArray().map(toRequest);
  }

  pendingCount(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from join_requests where status = 'pending'").one().n;
  }

  pendingFor(userId: string): JoinRequest | null {
    const row = this.sql.exec<RequestRow>("select * from join_requests where user_id = ? and status = 'pending'", userId).toArray()[0];
    return row ? toRequest(row) : null;
  }

  get(id: string): JoinRequest | null {
    const row = this.sql.exec<RequestRow>("select * from join_requests where id = ?", id).toArray()[0];
    return row ? toRequest(row) : null;
  }

  /**
   * Records the decision, and for an approval the membership write it owes D1, in one
   * storage transaction; then tries the write. Deciding twice answers the first decision.
   */
  async decide(tenantId: string, groupId: string, requestId: string, decision: Decision, by: string): Promise<{ request: JoinRequest; applied: boolean } | null> {
    const now = Date.now();
    const status = decision === "approve" ? "approved" : "rejected";
    const applied = this.transaction(() => {
      const changed = this.sql
        .exec<{ user_id: string }>("update join_requests set status = ?, decided_at = ?, decided_by = ? where id = ? and status = 'pending' returning user_id", status, now, by, requestId)
        .toArray();
      if (changed.length === 1 && decision === "approve") this.owe(tenantId, groupId, changed[0]!.user_id, now);
      return changed.length === 1;
    });
    const request = this.get(requestId);
    if (!request) return null;
    if (applied) {
      this.connections.broadcastQueue({ type: "decided", id: requestId, status });
      if (decision === "approve") await this.flush();
      else this.connections.tellApplicant(request.userId, { type: "decided", status: "rejected" });
    }
    return { request, applied };
  }

  /** Approves every pending request at once (the queue can hold thousands). */
  async approveAll(tenantId: string, groupId: string, by: string): Promise<{ approved: number }> {
    const now = Date.now();
    const ids = this.transaction(() => {
      const pending = this.sql.exec<{ id: string; user_id: string }>("select id, user_id from join_requests where status = 'pending'").toArray();
      this.sql.exec("update join_requests set status = 'approved', decided_at = ?, decided_by = ? where status = 'pending'", now, by);
      for (const p of pending) this.owe(tenantId, groupId, p.user_id, now);
      return pending.map((p) => p.id);
    });
    for (const id of ids) this.connections.broadcastQueue({ type: "decided", id, status: "approved" });
    if (ids.length) await this.flush();
    return { approved: ids.length };
  }

  /** A banned or departed applicant's pending request is withdrawn. */
  withdraw(userId: string): void {
    const row = this.sql.exec<{ id: string }>("select id from join_requests where user_id = ? and status = 'pending'", userId).toArray()[0];
    if (!row) return;
    this.sql.exec("update join_requests set status = 'withdrawn', decided_at = ? where id = ?", Date.now(), row.id);
    this.connections.broadcastQueue({ type: "decided", id: row.id, status: "withdrawn" });
    this.connections.tellApplicant(userId, { type: "decided", status: "withdrawn" });
  }

  /** A person who left: their pending request is withdrawn and a membership still owed is dropped. */
  forget(userId: string): void {
    this.withdraw(userId);
    // A membership still owed to D1 would now fail its foreign key and hold up the others' writes.
    this.sql.exec("delete from membership_writes where user_id = ?", userId);
  }

  /** Memberships still owed to D1 (all of them, or one user's). */
  owed(userId?: string): number {
    return userId === undefined
      ? this.sql.exec<{ n: number }>("select count(*) as n from membership_writes").one().n
      : this.sql.exec<{ n: number }>("select count(*) as n from membership_writes where user_id = ?", userId).one().n;
  }

  nextDue(): number | null {
    return this.sql.exec<{ at: number | null }>("select min(next_at) as at from membership_writes").one().at;
  }

  private owe(tenantId: string, groupId: string, userId: string, now: number): void {
    this.sql.exec(
      "insert into membership_writes (user_id, tenant_id, group_id, role, attempts, next_at) values (?, ?, ?, 'member', 0, ?) on conflict (user_id) do nothing",
      userId, tenantId, groupId, now,
    );
  }

  /** Writes owed memberships to D1 in chunks; what fails stays queued and the alarm retries it. */
  async flush(opts: { all?: boolean } = {}): Promise<{ written: number; remaining: number }> {
    let written = 0;
    // The alarm is the retry: when it fires, everything owed is due.
    const dueBy = () => (opts.all ? Number.MAX_SAFE_INTEGER : Date.now());
    for (;;) {
      const due = this.sql
        .exec<{ user_id: string; tenant_id: string; group_id: string; role: string; attempts: number }>(
          "select user_id, tenant_id, group_id, role, attempts from membership_writes where next_at <= ? order by next_at limit ?",
          dueBy(), WRITE_CHUNK,
        )
        .toArray();
      if (due.length === 0) break;
      const rows: MembershipWrite[] = due.map((d) => ({ tenantId: d.tenant_id, groupId: d.group_id, userId: d.user_id, role: "member" }));
      try {
        await membershipWriter.write(this.env, rows);
      } catch (err) {
        console.error("membership write failed", err);
        const now = Date.now();
        this.transaction(() => {
          for (const d of due) {
            const wait = Math.min(1000 * 2 ** d.attempts, MAX_RETRY_MS);
            this.sql.exec(
              "update membership_writes set attempts = attempts + 1, next_at = ?, last_error = ? where user_id = ?",
              now + wait, String(err instanceof Error ? err.message : err).slice(0, 300), d.user_id,
            );
          }
        });
        break;
      }
      this.transaction(() => {
        for (const d of due) this.sql.exec("delete from membership_writes where user_id = ?", d.user_id);
      });
      written += due.length;
      // The membership is in D1 now: a waiting page can open the group.
      for (const d of due) this.connections.tellApplicant(d.user_id, { type: "decided", status: "approved" });
    }
    const remaining = this.owed();
    await this.alarm.rearm();
    return { written, remaining };
  }
}
