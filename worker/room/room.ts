import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { membershipWriter, type MembershipWrite } from "./membership-writer";

export type JoinAnswer = { questionId: string; label: string; answer: string };
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
/** What admins' pages receive: the request as the API shows it. */
export type JoinRequestView = { id: string; userId: string; name: string; email: string; answers: JoinAnswer[]; createdAt: string };
export type QueueEvent =
  | { type: "snapshot"; requests: JoinRequestView[] }
  | { type: "request"; request: JoinRequestView }
  | { type: "decided"; id: string; status: "approved" | "rejected" | "withdrawn" };

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
 * One room per group (named `tenantId:groupId`). It owns what needs strict ordering
 * and realtime fan-out; today the join-approval queue. A decision is recorded here
 * first; the membership it implies is then written to D1, and retried from an alarm
 * until it lands, so an approval is never lost (not to a crash, an eviction or a D1 error).
 */
export class GroupRoom extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  private migrate(): void {
    this.sql.exec(`
      create table if not exists room_meta (key text primary key, value text not null);
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

  private meta(key: string): string | null {
    const row = this.sql.exec<{ value: string }>("select value from room_meta where key = ?", key).toArray()[0];
    return row?.value ?? null;
  }

  /** The Worker tells the room which group it is on every call; the first one sticks. */
  private bind(tenantId: string, groupId: string): void {
    const known = this.meta("tenant_id");
    if (known === null) {
      this.sql.exec("insert into room_meta (key, value) values ('tenant_id', ?), ('group_id', ?)", tenantId, groupId);
    } else if (known !== tenantId || this.meta("group_id") !== groupId) {
      throw new Error("room bound to another group");
    }
  }

  async identify(tenantId: string, groupId: string): Promise<{ tenantId: string; groupId: string }> {
    this.bind(tenantId, groupId);
    return { tenantId, groupId };
  }

  // ── join queue ────────────────────────────────────────────────────────────

  /** Idempotent: a second request by the same user returns the pending one. */
  async submitJoinRequest(
    tenantId: string,
    groupId: string,
    user: { id: string; name: string; email: string },
    answers: JoinAnswer[],
  ): Promise<{ request: JoinRequest; created: boolean }> {
    this.bind(tenantId, groupId);
    const existing = this.sql.exec<RequestRow>("select * from join_requests where user_id = ? and status = 'pending'", user.id).toArray()[0];
    if (existing) return { request: toRequest(existing), created: false };
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
    this.broadcast({ type: "request", request: requestView(request) });
    return { request, created: true };
  }

  async pendingRequests(limit = 200, after?: { createdAt: number; id: string }): Promise<JoinRequest[]> {
    const rows = after
      ? this.sql.exec<RequestRow>(
          "select * from join_requests where status = 'pending' and (created_at > ? or (created_at = ? and id > ?)) order by created_at, id limit ?",
          after.createdAt, after.createdAt, after.id, limit,
        )
      : this.sql.exec<RequestRow>("select * from join_requests where status = 'pending' order by created_at, id limit ?", limit);
    return rows.toArray().map(toRequest);
  }

  async pendingCount(): Promise<number> {
    return this.sql.exec<{ n: number }>("select count(*) as n from join_requests where status = 'pending'").one().n;
  }

  async pendingFor(userId: string): Promise<JoinRequest | null> {
    const row = this.sql.exec<RequestRow>("select * from join_requests where user_id = ? and status = 'pending'", userId).toArray()[0];
    return row ? toRequest(row) : null;
  }

  async getRequest(id: string): Promise<JoinRequest | null> {
    const row = this.sql.exec<RequestRow>("select * from join_requests where id = ?", id).toArray()[0];
    return row ? toRequest(row) : null;
  }

  /**
   * Records the decision, and for an approval the membership write it owes D1, in one
   * storage transaction; then tries the write. Deciding twice answers the first decision.
   */
  async decide(tenantId: string, groupId: string, requestId: string, decision: Decision, by: string): Promise<{ request: JoinRequest; applied: boolean } | null> {
    this.bind(tenantId, groupId);
    const now = Date.now();
    const status = decision === "approve" ? "approved" : "rejected";
    const applied = this.ctx.storage.transactionSync(() => {
      const changed = this.sql
        .exec<{ user_id: string }>("update join_requests set status = ?, decided_at = ?, decided_by = ? where id = ? and status = 'pending' returning user_id", status, now, by, requestId)
        .toArray();
      if (changed.length === 1 && decision === "approve") this.queueWrite(tenantId, groupId, changed[0]!.user_id, now);
      return changed.length === 1;
    });
    const row = this.sql.exec<RequestRow>("select * from join_requests where id = ?", requestId).toArray()[0];
    if (!row) return null;
    if (applied) {
      this.broadcast({ type: "decided", id: requestId, status });
      if (decision === "approve") await this.flushWrites();
    }
    return { request: toRequest(row), applied };
  }

  /** Approves every pending request at once (the queue can hold thousands). */
  async approveAll(tenantId: string, groupId: string, by: string): Promise<{ approved: number }> {
    this.bind(tenantId, groupId);
    const now = Date.now();
    const ids = this.ctx.storage.transactionSync(() => {
      const pending = this.sql.exec<{ id: string; user_id: string }>("select id, user_id from join_requests where status = 'pending'").toArray();
      this.sql.exec("update join_requests set status = 'approved', decided_at = ?, decided_by = ? where status = 'pending'", now, by);
      for (const p of pending) this.queueWrite(tenantId, groupId, p.user_id, now);
      return pending.map((p) => p.id);
    });
    for (const id of ids) this.broadcast({ type: "decided", id, status: "approved" });
    if (ids.length) await this.flushWrites();
    return { approved: ids.length };
  }

  /** A banned or departed applicant's pending request is withdrawn. */
  async withdraw(userId: string): Promise<void> {
    const row = this.sql.exec<{ id: string }>("select id from join_requests where user_id = ? and status = 'pending'", userId).toArray()[0];
    if (!row) return;
    this.sql.exec("update join_requests set status = 'withdrawn', decided_at = ? where id = ?", Date.now(), row.id);
    this.broadcast({ type: "decided", id: row.id, status: "withdrawn" });
  }

  private queueWrite(tenantId: string, groupId: string, userId: string, now: number): void {
    this.sql.exec(
      "insert into membership_writes (user_id, tenant_id, group_id, role, attempts, next_at) values (?, ?, ?, 'member', 0, ?) on conflict (user_id) do nothing",
      userId, tenantId, groupId, now,
    );
  }

  /** Writes owed memberships to D1 in chunks; what fails stays queued and the alarm retries it. */
  private async flushWrites(opts: { all?: boolean } = {}): Promise<{ written: number; remaining: number }> {
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
        const now = Date.now();
        this.ctx.storage.transactionSync(() => {
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
      this.ctx.storage.transactionSync(() => {
        for (const d of due) this.sql.exec("delete from membership_writes where user_id = ?", d.user_id);
      });
      written += due.length;
    }
    const remaining = this.sql.exec<{ n: number }>("select count(*) as n from membership_writes").one().n;
    if (remaining > 0) {
      const next = this.sql.exec<{ at: number }>("select min(next_at) as at from membership_writes").one().at;
      await this.ctx.storage.setAlarm(Math.max(next, Date.now() + 50));
    }
    return { written, remaining };
  }

  /** Memberships still owed to D1 (for tests and the admin's peace of mind). */
  async owedWrites(): Promise<number> {
    return this.sql.exec<{ n: number }>("select count(*) as n from membership_writes").one().n;
  }

  override async alarm(): Promise<void> {
    await this.flushWrites({ all: true });
  }

  // ── live queue (WebSocket Hibernation API) ────────────────────────────────

  /** The Worker has already checked that the caller administers the group. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket", { status: 426 });
    const url = new URL(request.url);
    const channel = url.searchParams.get("channel");
    if (channel !== "queue") return new Response("unknown channel", { status: 400 });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, ["queue"]);
    server.serializeAttachment({ userId: request.headers.get("x-user-id"), channel });
    // What is pending right now, so a page that reconnects misses nothing.
    const pending = await this.pendingRequests(200);
    server.send(JSON.stringify({ type: "snapshot", requests: pending.map(requestView) } satisfies QueueEvent));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // The queue channel is server-to-client; a ping gets a pong so clients can detect dead links.
    if (message === "ping") ws.send("pong");
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
  }

  private broadcast(event: QueueEvent): void {
    const data = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets("queue")) {
      try {
        ws.send(data);
      } catch {
        // a socket that went away is cleaned up by its close event
      }
    }
  }

  /** Purge: the group is gone for good. */
  async destroy(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) ws.close(1001, "group deleted");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}

export function roomName(tenantId: string, groupId: string): string {
  return `${tenantId}:${groupId}`;
}

export function groupRoom(env: Pick<Bindings, "GROUP_ROOM">, tenantId: string, groupId: string) {
  return env.GROUP_ROOM.get(env.GROUP_ROOM.idFromName(roomName(tenantId, groupId)));
}
