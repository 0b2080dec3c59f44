import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { isLang, type Lang } from "../../web/i18n";
import { localizeSeeded, SEEDED_MARK } from "./seeded";
import {
  MESSAGE_MAX,
  type ActivityView,
  type GamificationView,
  type HiddenPost,
  type LeaderboardEntry,
  type MessageView,
  type MuteView,
  type OnlineMember,
  type ReactionKey,
  type ReactionSummary,
  type ReplyView,
  type ReportStatus,
  type ReportView,
  type RoomEvent,
  type TargetType,
  type ThreadView,
} from "../../web/pages/groups/discussion-types";
import type { Rendered } from "../discussions/markdown";
import type { Bindings } from "../env";
import { DiscussionStore, type Actor, type LevelConfig, type Page, type RepliesAfter, type ReportsAfter, type ThreadsAfter } from "./discussions";
import { numberVar, RateLimiter } from "./limiter";
import { membershipWriter, type MembershipWrite } from "./membership-writer";
import { NOTICE_DELAY_MS, noticeWriter } from "./notices";
import { done, refuse, type Outcome, type Refusal } from "./outcome";
import { tryDecodeURIComponent } from "../http/uri";

export type GroupPageState = {
  threads: Page<ThreadView>;
  messages: MessageView[];
  online: OnlineMember[];
  leaderboard: LeaderboardEntry[];
  /** Points of everyone who has any. */
  points: Record<string, number>;
  levels: GamificationView["levels"];
  /** Members muted now, with the end of the mute (ISO). */
  mutes: Record<string, string>;
  openReports: number;
};

/** Which group the room serves, sent by the Worker on every call (the first one sticks). */
export type RoomScope = { tenantId: string; groupId: string; lang?: Lang };
export type Post = Rendered & { source: string };
/** What a chat socket remembers across hibernation. */
type SocketInfo = { channel: "chat"; userId: string; name: string; moderator: boolean } | { channel: "queue"; userId: string | null } | { channel: "applicant"; userId: string };

/** What an applicant's waiting page hears: its request was decided (an approval once the membership is written). */
export type ApplicantEvent = { type: "decided"; status: "approved" | "rejected" | "withdrawn" };
/** A notice batch that failed to reach D1 is tried again after this long. */
const NOTICE_RETRY_MS = 30_000;

/** The most a socket frame from a client may weigh (a message is capped far below). */
const FRAME_MAX = 16 * 1024;
const HISTORY_LATEST = 50;
const HISTORY_FRAME = 200;
const HISTORY_SINCE_MAX = 5000;
/** How far back a connecting page hears of new, changed and removed posts (covers the Worker's page cache). */
const CATCH_UP_MS = 30_000;

const clientEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message"), text: z.string(), nonce: z.string().max(64).optional() }),
  z.object({ type: z.literal("typing") }),
]);

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
export type JoinRequestView = { id: string; userId: string; name: string; email: string; answers: JoinAnswer[]; createdAt: string; avatarUrl?: string | null };
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
  readonly discussions: DiscussionStore;
  private lang: Lang = "fr";
  private readonly chatLimiter: RateLimiter;
  private readonly postLimiter: RateLimiter;
  private readonly typingLimiter = new RateLimiter(0.5, 1);

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.discussions = new DiscussionStore(this.sql, (fn) => ctx.storage.transactionSync(fn), () => defaultLevels());
    this.chatLimiter = new RateLimiter(numberVar(env.CHAT_RATE_PER_SECOND, 1), numberVar(env.CHAT_BURST, 5));
    // Threads and replies: a burst of five, then one every ten seconds.
    this.postLimiter = new RateLimiter(0.1, 5);
    // Heartbeats are answered by the runtime: a sleeping room is not woken to say "pong".
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    ctx.blockConcurrencyWhile(async () => {
      this.migrate();
      const lang = this.meta("lang");
      if (isLang(lang)) this.lang = lang;
    });
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
      create table if not exists notices (
        id integer primary key autoincrement, kind text not null, name text not null default '',
        reason text not null default '', excerpt text not null default '', created_at integer not null, batch integer
      );
    `);
    DiscussionStore.migrate(this.sql);
  }

  private meta(key: string): string | null {
    const row = this.sql.exec<{ value: string }>("select value from room_meta where key = ?", key).toArray()[0];
    return row?.value ?? null;
  }

  /** The Worker tells the room which group it is on every call; the first one sticks. */
  private bind(tenantId: string, groupId: string, lang?: Lang): void {
    const known = this.meta("tenant_id");
    if (known === null) {
      this.sql.exec("insert into room_meta (key, value) values ('tenant_id', ?), ('group_id', ?)", tenantId, groupId);
    } else if (known !== tenantId || this.meta("group_id") !== groupId) {
      throw new Error("room bound to another group");
    }
    if (lang && lang !== this.lang) {
      // The tenant's language names the default levels.
      this.lang = lang;
      this.sql.exec("insert into room_meta (key, value) values ('lang', ?) on conflict (key) do update set value = excluded.value", lang);
      this.discussions.forgetDefaultLevels();
    }
  }

  private scope(s: RoomScope): void {
    this.bind(s.tenantId, s.groupId, s.lang);
  }

  // ── join queue ────────────────────────────────────────────────────────────

  /** Idempotent: a second request by the same user returns the pending one. */
  async submitJoinRequest(
    tenantId: string,
    groupId: string,
    user: { id: string; name: string; email: string; avatarUrl?: string | null },
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
    // The applicant's picture rides on the live event only (the queue page reads it from D1).
    this.broadcast({ type: "request", request: { ...requestView(request), avatarUrl: user.avatarUrl ?? null } });
    await this.queueNotice("request", { name: row.name });
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
      else this.tellApplicant(row.user_id, { type: "decided", status: "rejected" });
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
    this.tellApplicant(userId, { type: "decided", status: "withdrawn" });
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
        console.error("membership write failed", err);
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
      // The membership is in D1 now: a waiting page can open the group.
      for (const d of due) this.tellApplicant(d.user_id, { type: "decided", status: "approved" });
    }
    const remaining = this.sql.exec<{ n: number }>("select count(*) as n from membership_writes").one().n;
    await this.rearm();
    return { written, remaining };
  }

  /**
   * The one alarm serves two queues: membership writes owed to D1 (due at their
   * `next_at`) and notices (due NOTICE_DELAY_MS after the first of a batch, so many
   * requests or reports arriving together make one email per recipient).
   */
  private async rearm(): Promise<void> {
    const times: number[] = [];
    const write = this.sql.exec<{ at: number | null }>("select min(next_at) as at from membership_writes").one().at;
    if (write !== null) times.push(write);
    const sealed = this.sql.exec<{ n: number }>("select count(*) as n from notices where batch is not null").one().n;
    if (sealed > 0) times.push(Number(this.meta("notice_retry_at") ?? 0));
    const oldest = this.sql.exec<{ at: number | null }>("select min(created_at) as at from notices where batch is null").one().at;
    if (oldest !== null) times.push(oldest + NOTICE_DELAY_MS);
    if (times.length === 0) {
      // Nothing owed: an alarm set for an earlier state would only wake the room for nothing.
      if ((await this.ctx.storage.getAlarm()) !== null) await this.ctx.storage.deleteAlarm();
      return;
    }
    const next = Math.max(Math.min(...times), Date.now() + 50);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next || current < Date.now()) await this.ctx.storage.setAlarm(next);
  }

  /** Records a join request or a report for the next notice batch. */
  private async queueNotice(kind: "request" | "report", p: { name?: string; reason?: string; excerpt?: string }): Promise<void> {
    this.sql.exec("insert into notices (kind, name, reason, excerpt, created_at) values (?, ?, ?, ?, ?)", kind, p.name ?? "", p.reason ?? "", p.excerpt ?? "", Date.now());
    await this.rearm();
  }

  /**
   * Seals what is waiting into a numbered batch (in storage, so a crash keeps the
   * number), writes each sealed batch to the outbox, then forgets it. A batch whose
   * write failed is tried again from the alarm with the same number (same outbox ids).
   */
  private async flushNotices(): Promise<{ sent: number; remaining: number }> {
    this.ctx.storage.transactionSync(() => {
      const unsealed = this.sql.exec<{ n: number }>("select count(*) as n from notices where batch is null").one().n;
      if (unsealed === 0) return;
      const next = Number(this.meta("notice_batch") ?? 0) + 1;
      this.sql.exec("update notices set batch = ? where batch is null", next);
      this.sql.exec("insert into room_meta (key, value) values ('notice_batch', ?) on conflict (key) do update set value = excluded.value", String(next));
    });
    const tenantId = this.meta("tenant_id");
    const groupId = this.meta("group_id");
    let sent = 0;
    if (tenantId && groupId) {
      const batches = this.sql.exec<{ batch: number }>("select distinct batch from notices where batch is not null order by batch").toArray();
      for (const { batch } of batches) {
        const rows = this.sql.exec<{ kind: string; name: string; reason: string; excerpt: string }>("select kind, name, reason, excerpt from notices where batch = ? order by id", batch).toArray();
        try {
          sent += await noticeWriter.write(this.env, {
            tenantId,
            groupId,
            batch,
            requests: rows.filter((r) => r.kind === "request").map((r) => ({ name: r.name })),
            reports: rows.filter((r) => r.kind === "report").map((r) => ({ reason: r.reason, excerpt: r.excerpt })),
          });
        } catch (err) {
          console.error("notice batch failed", err);
          this.sql.exec("insert into room_meta (key, value) values ('notice_retry_at', ?) on conflict (key) do update set value = excluded.value", String(Date.now() + NOTICE_RETRY_MS));
          break;
        }
        this.sql.exec("delete from notices where batch = ?", batch);
      }
    }
    const remaining = this.sql.exec<{ n: number }>("select count(*) as n from notices").one().n;
    return { sent, remaining };
  }

  /** Notices waiting for the next batch (for tests). */
  async pendingNotices(): Promise<number> {
    return this.sql.exec<{ n: number }>("select count(*) as n from notices").one().n;
  }

  /** Tells the applicant's waiting pages (if any are open) how their request ended. */
  private tellApplicant(userId: string, event: ApplicantEvent): void {
    const data = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets(`applicant:${userId}`)) {
      try {
        ws.send(data);
      } catch {
        // a socket that went away is cleaned up by its close event
      }
    }
  }

  /** Memberships still owed to D1 (for tests and the admin's peace of mind). */
  async owedWrites(): Promise<number> {
    return this.sql.exec<{ n: number }>("select count(*) as n from membership_writes").one().n;
  }

  override async alarm(): Promise<void> {
    await this.flushWrites({ all: true });
    await this.flushNotices();
    await this.rearm();
  }

  // ── discussions (the Worker has checked membership and role) ─────────────

  async createThread(s: RoomScope, actor: Actor, title: string, post: Post): Promise<Outcome<ThreadView>> {
    this.scope(s);
    const refused = this.mayPost(actor);
    if (refused) return refused;
    const thread = this.discussions.createThread(actor, title, post);
    this.broadcastChat({ type: "thread", thread });
    return done(thread);
  }

  async listThreads(s: RoomScope, viewer: string, limit: number, after: ThreadsAfter | null): Promise<Page<ThreadView>> {
    this.scope(s);
    return this.discussions.listThreads(viewer, limit, after);
  }

  async getThread(s: RoomScope, viewer: string, id: string, limit: number, after: RepliesAfter | null): Promise<{ thread: ThreadView; replies: Page<ReplyView>; hiddenMine: HiddenPost[] } | null> {
    this.scope(s);
    const thread = this.discussions.getThread(id, viewer);
    if (!thread) return null;
    return { thread, replies: this.discussions.listReplies(id, viewer, limit, after), hiddenMine: this.discussions.hiddenForAuthor(id, viewer) };
  }

  /** The viewer's own hidden posts in a thread (the thread included), to tell them why. */
  async hiddenForAuthor(s: RoomScope, viewer: string, threadId: string): Promise<HiddenPost[]> {
    this.scope(s);
    return this.discussions.hiddenForAuthor(threadId, viewer);
  }

  /** Answers the reply and its thread as it now stands. */
  async createReply(s: RoomScope, actor: Actor, threadId: string, post: Post): Promise<Outcome<{ reply: ReplyView; thread: ThreadView }>> {
    this.scope(s);
    const refused = this.mayPost(actor);
    if (refused) return refused;
    const result = this.discussions.createReply(actor, threadId, post);
    if (!result.ok) return result;
    this.broadcastChat({ type: "reply", reply: result.value.reply });
    this.broadcastChat({ type: "thread", thread: result.value.thread });
    return result;
  }

  async editThread(s: RoomScope, actor: Actor, id: string, title: string | undefined, post: Post | undefined): Promise<Outcome<ThreadView>> {
    this.scope(s);
    const result = this.discussions.editThread(actor, id, title, post);
    if (result.ok) this.broadcastChat({ type: "thread", thread: { ...result.value, reactions: result.value.reactions.map((r) => ({ ...r, mine: false })) } });
    return result;
  }

  async editReply(s: RoomScope, actor: Actor, id: string, post: Post): Promise<Outcome<ReplyView>> {
    this.scope(s);
    const result = this.discussions.editReply(actor, id, post);
    if (result.ok) this.broadcastChat({ type: "reply", reply: { ...result.value, reactions: result.value.reactions.map((r) => ({ ...r, mine: false })) } });
    return result;
  }

  async setPinned(s: RoomScope, id: string, pinned: boolean): Promise<Outcome<ThreadView>> {
    this.scope(s);
    const result = this.discussions.setPinned(id, pinned);
    if (result.ok) this.broadcastChat({ type: "thread", thread: result.value });
    return result;
  }

  async threadOfReply(s: RoomScope, replyId: string): Promise<string | null> {
    this.scope(s);
    return this.discussions.threadOfReply(replyId);
  }

  /**
   * What every member's group page shows from the room, in one call, the same for all of
   * them (the Worker keeps it a moment and adds the viewer's own standing from it): the
   * first page of threads, the latest messages, who is online, the top of the leaderboard,
   * everyone's points and mutes, and how many reports wait.
   */
  async groupPageState(s: RoomScope, opts: { threads: number; messages: number; leaders: number }): Promise<GroupPageState> {
    this.scope(s);
    return {
      threads: this.discussions.listThreads("", opts.threads, null),
      messages: this.discussions.messagesSince(null, opts.messages),
      online: this.onlineMembers(),
      leaderboard: this.discussions.leaderboard(opts.leaders),
      points: this.discussions.allPointsByUser(),
      levels: this.discussions.gamification().levels,
      mutes: Object.fromEntries(this.discussions.listMutes().map((m) => [m.userId, m.until])),
      openReports: this.discussions.openReportCount(),
    };
  }

  /** The chat page's: the latest messages, who is online and whether the viewer is muted. */
  async chatPageState(s: RoomScope, viewer: string, messages: number): Promise<{ messages: MessageView[]; online: OnlineMember[]; mutedUntil: number | null }> {
    this.scope(s);
    return { messages: this.discussions.messagesSince(null, messages), online: this.onlineMembers(), mutedUntil: this.discussions.mutedUntil(viewer) };
  }

  async react(s: RoomScope, actor: Actor, type: TargetType, id: string, key: ReactionKey, on: boolean | "toggle"): Promise<Outcome<ReactionSummary[]>> {
    this.scope(s);
    const result = this.discussions.react(actor, type, id, key, on);
    if (!result.ok) return result;
    this.broadcastChat({ type: "reactions", targetType: type, targetId: id, reactions: result.value.all });
    return done(result.value.mine);
  }

  /** Hide (moderators) or delete (the author or moderators): gone from every open page at once. */
  async remove(s: RoomScope, actor: Actor, type: TargetType, id: string, how: "hide" | "delete"): Promise<Outcome<null>> {
    this.scope(s);
    const result = this.discussions.remove(actor, type, id, how);
    if (!result.ok) return result;
    this.broadcastChat({ type: "removed", targetType: type, targetId: id, threadId: result.value.threadId });
    if (type === "reply" && result.value.threadId) {
      const thread = this.discussions.getThread(result.value.threadId, "");
      if (thread) this.broadcastChat({ type: "thread", thread });
    }
    return done(null);
  }

  async unhide(s: RoomScope, type: TargetType, id: string): Promise<Outcome<null>> {
    this.scope(s);
    const result = this.discussions.unhide(type, id);
    if (!result.ok) return result;
    if (type === "thread") {
      const thread = this.discussions.getThread(id, "");
      if (thread) this.broadcastChat({ type: "thread", thread });
    }
    return done(null);
  }

  async report(s: RoomScope, actor: Actor, type: TargetType, id: string, reason: string): Promise<Outcome<ReportView>> {
    this.scope(s);
    const outcome = this.discussions.report(actor, type, id, reason);
    if (outcome.ok) await this.queueNotice("report", { reason, excerpt: outcome.value.target.excerpt });
    return outcome;
  }

  async listReports(s: RoomScope, status: ReportStatus | "all", limit: number, after: ReportsAfter | null): Promise<Page<ReportView>> {
    this.scope(s);
    return this.discussions.listReports(status, limit, after);
  }

  async dismissReport(s: RoomScope, actor: Actor, id: string): Promise<Outcome<ReportView>> {
    this.scope(s);
    return this.discussions.dismissReport(actor, id);
  }

  async mute(s: RoomScope, actor: Actor, user: { userId: string; name: string }, until: number, reason: string | null): Promise<MuteView> {
    this.scope(s);
    const mute = this.discussions.mute(actor, user, until, reason);
    for (const ws of this.ctx.getWebSockets(`user:${user.userId}`)) this.send(ws, { type: "error", code: "muted", message: `Muted until ${mute.until}.`, until: mute.until });
    return mute;
  }

  async unmute(s: RoomScope, userId: string): Promise<boolean> {
    this.scope(s);
    return this.discussions.unmute(userId);
  }

  async listMutes(s: RoomScope): Promise<MuteView[]> {
    this.scope(s);
    return this.discussions.listMutes();
  }

  async messages(s: RoomScope, before: number | null, limit: number): Promise<Page<MessageView>> {
    this.scope(s);
    return this.discussions.messagesBefore(before, limit);
  }

  /** Stores a message as if sent over the socket (the same checks), then broadcasts it. */
  async postMessage(s: RoomScope, actor: Actor, text: string): Promise<Outcome<MessageView>> {
    this.scope(s);
    const result = this.acceptMessage(actor, text);
    if (result.ok) this.broadcastChat({ type: "message", message: result.value });
    return result;
  }

  async gamification(s: RoomScope): Promise<GamificationView> {
    this.scope(s);
    return this.discussions.gamification();
  }

  async setGamification(s: RoomScope, config: LevelConfig): Promise<GamificationView> {
    this.scope(s);
    return this.discussions.setLevelConfig(config);
  }

  async leaderboard(s: RoomScope, limit: number): Promise<LeaderboardEntry[]> {
    this.scope(s);
    return this.discussions.leaderboard(limit);
  }

  /** One member's standing: points, level and the next level to reach. */
  async standing(s: RoomScope, userId: string): Promise<{ points: number; level: GamificationView["levels"][number] | null; next: GamificationView["levels"][number] | null; mutedUntil: number | null }> {
    this.scope(s);
    const points = this.discussions.pointsOf(userId);
    const level = this.discussions.levelFor(points);
    const next = this.discussions.gamification().levels.find((l) => l.minPoints > points) ?? null;
    return { points, level, next, mutedUntil: this.discussions.mutedUntil(userId) };
  }

  async activity(s: RoomScope, days: number, offsetMs: number): Promise<Omit<ActivityView, "members">> {
    this.scope(s);
    return this.discussions.activity(days, offsetMs);
  }

  /** Members with a chat socket open now: read from the sockets themselves, so it survives hibernation. */
  async online(): Promise<OnlineMember[]> {
    return this.onlineMembers();
  }

  /**
   * A person left the community (removed, or deleted their account): their sockets close,
   * a pending join request is withdrawn, and their posts stay under `label` or are deleted.
   */
  async forgetMember(s: RoomScope, userId: string, label: string, deletePosts: boolean, by: string): Promise<{ deleted: number }> {
    this.scope(s);
    await this.withdraw(userId);
    // A membership still owed to D1 would now fail its foreign key and hold up the others' writes.
    this.sql.exec("delete from membership_writes where user_id = ?", userId);
    const deleted = this.discussions.forgetAuthor(userId, label, deletePosts, by);
    await this.disconnect(userId);
    return { deleted };
  }

  /** A member removed or banned loses their open sockets at once. */
  async disconnect(userId: string): Promise<void> {
    for (const ws of this.ctx.getWebSockets(`user:${userId}`)) {
      try {
        ws.close(4403, "no longer a member");
      } catch {
        // already closed
      }
    }
    this.broadcastChat({ type: "offline", userId });
  }

  /** Refuses anything a muted member tries to post, until the mute ends. */
  private mutedRefusal(userId: string): Refusal | null {
    const muted = this.discussions.mutedUntil(userId);
    return muted === null ? null : refuse(403, "muted", `You are muted in this group until ${new Date(muted).toISOString()}.`, { until: muted });
  }

  private mayPost(actor: Actor): Outcome<never> | null {
    const muted = this.mutedRefusal(actor.userId);
    if (muted) return muted;
    const wait = this.postLimiter.take(actor.userId);
    if (wait > 0) return refuse(429, "rate_limited", "You are posting too fast; wait a moment.", { retryAfter: wait });
    return null;
  }

  /** The checks every chat message passes, then the write: what this returns is stored. */
  private acceptMessage(actor: Pick<Actor, "userId" | "name">, raw: string): Outcome<MessageView> {
    const text = raw.replace(/\r\n?/g, "\n").trim();
    if (text.length === 0) return refuse(422, "invalid", "A message cannot be empty.", { fields: { text: "required" } });
    if (text.length > MESSAGE_MAX) return refuse(422, "too_long", `A message holds at most ${MESSAGE_MAX} characters.`, { fields: { text: `at most ${MESSAGE_MAX} characters` } });
    const muted = this.mutedRefusal(actor.userId);
    if (muted) return muted;
    const wait = this.chatLimiter.take(actor.userId);
    if (wait > 0) return refuse(429, "rate_limited", "You are sending messages too fast.", { retryAfter: wait });
    return done(this.discussions.storeMessage(actor, text));
  }

  // ── sockets (WebSocket Hibernation API) ───────────────────────────────────

  /**
   * The Worker has already checked the session and the role, and passes who is
   * connecting in headers it sets itself. `queue`: the admins' live join queue;
   * `chat`: a member's group page (chat, presence, live threads).
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket", { status: 426 });
    const url = new URL(request.url);
    const channel = url.searchParams.get("channel");
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if (channel === "queue") {
      this.ctx.acceptWebSocket(server, ["queue"]);
      server.serializeAttachment({ channel: "queue", userId: request.headers.get("x-user-id") } satisfies SocketInfo);
      // What is pending right now, so a page that reconnects misses nothing.
      const pending = await this.pendingRequests(200);
      server.send(JSON.stringify({ type: "snapshot", requests: pending.map(requestView) } satisfies QueueEvent));
      return new Response(null, { status: 101, webSocket: client });
    }
    if (channel === "applicant") {
      const userId = request.headers.get("x-user-id");
      if (!userId) return new Response("who?", { status: 400 });
      this.ctx.acceptWebSocket(server, ["applicant", `applicant:${userId}`]);
      server.serializeAttachment({ channel: "applicant", userId } satisfies SocketInfo);
      // Decided while the page was loading: say so at once.
      const pending = await this.pendingFor(userId);
      const owed = this.sql.exec<{ n: number }>("select count(*) as n from membership_writes where user_id = ?", userId).one().n;
      if (!pending && owed === 0) server.send(JSON.stringify({ type: "decided", status: request.headers.get("x-member") === "1" ? "approved" : "rejected" } satisfies ApplicantEvent));
      return new Response(null, { status: 101, webSocket: client });
    }
    if (channel === "chat") {
      const userId = request.headers.get("x-user-id");
      const name = tryDecodeURIComponent(request.headers.get("x-user-name") ?? "") ?? "";
      if (!userId) return new Response("who?", { status: 400 });
      const info: SocketInfo = { channel: "chat", userId, name, moderator: request.headers.get("x-moderator") === "1" };
      // The member's picture as the Worker read it with the session: kept for their messages (absent: unchanged).
      const avatar = request.headers.get("x-user-avatar");
      if (avatar !== null) this.discussions.recordAvatar({ userId, avatarUrl: avatar || null });
      // The viewer's language reads the seeded level names in what this socket is sent.
      const viewerLang = request.headers.get("x-lang");
      this.ctx.acceptWebSocket(server, ["chat", `user:${userId}`, ...(isLang(viewerLang) ? [`lang:${viewerLang}`] : [])]);
      server.serializeAttachment(info);
      const sinceParam = url.searchParams.get("since");
      const since = sinceParam === null ? null : Number(sinceParam);
      const history = this.discussions.messagesSince(since, since === null ? HISTORY_LATEST : HISTORY_SINCE_MAX);
      // Large backfills go in several frames; an empty history is still announced.
      for (let i = 0; i === 0 || i < history.length; i += HISTORY_FRAME) {
        server.send(JSON.stringify({ type: "history", messages: history.slice(i, i + HISTORY_FRAME) } satisfies RoomEvent));
      }
      // A page may have been rendered from a copy a few seconds old: what changed since comes now.
      for (const event of this.discussions.recentChanges(Date.now() - CATCH_UP_MS)) server.send(JSON.stringify(event));
      // The whole list to the newcomer only; the others hear of one arrival (and only of a first tab).
      const online = this.onlineMembers();
      server.send(JSON.stringify({ type: "presence", online } satisfies RoomEvent));
      if (this.socketsOf(userId).length === 1) this.broadcastChat({ type: "online", member: { userId, name: info.name } }, server);
      return new Response(null, { status: 101, webSocket: client });
    }
    return new Response("unknown channel", { status: 400 });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const info = ws.deserializeAttachment() as SocketInfo | null;
    if (!info || info.channel !== "chat") return;
    if (typeof message !== "string" || message.length > FRAME_MAX) {
      this.send(ws, { type: "error", code: "invalid", message: "Send JSON text frames of at most 16 KB." });
      return;
    }
    let parsed: z.infer<typeof clientEvent>;
    try {
      parsed = clientEvent.parse(JSON.parse(message));
    } catch {
      this.send(ws, { type: "error", code: "invalid", message: 'Send {"type": "message", "text": "..."} or {"type": "typing"}.' });
      return;
    }
    if (parsed.type === "typing") {
      if (this.typingLimiter.take(info.userId) === 0) this.broadcastChat({ type: "typing", userId: info.userId, name: info.name }, ws);
      return;
    }
    const result = this.acceptMessage(info, parsed.text);
    if (!result.ok) {
      this.send(ws, {
        type: "error",
        code: result.code,
        message: result.message,
        ...(result.retryAfter ? { retryAfter: result.retryAfter } : {}),
        ...(result.until ? { until: new Date(result.until).toISOString() } : {}),
        ...(parsed.nonce ? { nonce: parsed.nonce } : {}),
      });
      return;
    }
    const event: RoomEvent = { type: "message", message: result.value };
    this.broadcastChat(event, ws);
    this.send(ws, parsed.nonce ? { ...event, nonce: parsed.nonce } : event);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
    const info = ws.deserializeAttachment() as SocketInfo | null;
    if (info?.channel === "chat") this.leave(info.userId, ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    const info = ws.deserializeAttachment() as SocketInfo | null;
    if (info?.channel === "chat") this.leave(info.userId, ws);
  }

  private socketsOf(userId: string, except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets(`user:${userId}`).filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  /** Someone closed a page: the others hear it once their last tab is gone. */
  private leave(userId: string, closing: WebSocket): void {
    if (this.socketsOf(userId, closing).length === 0) this.broadcastChat({ type: "offline", userId }, closing);
  }

  private onlineMembers(except?: WebSocket): OnlineMember[] {
    const seen = new Map<string, OnlineMember>();
    for (const ws of this.ctx.getWebSockets("chat")) {
      if (ws === except || ws.readyState !== WebSocket.OPEN) continue;
      const info = ws.deserializeAttachment() as SocketInfo | null;
      if (info?.channel === "chat" && !seen.has(info.userId)) seen.set(info.userId, { userId: info.userId, name: info.name });
    }
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The language a chat socket reads seeded names in (the room's when it did not say). */
  private langOf(ws: WebSocket): Lang {
    const tag = this.ctx.getTags(ws).find((x) => x.startsWith("lang:"))?.slice(5);
    return isLang(tag) ? tag : this.lang;
  }

  private send(ws: WebSocket, event: RoomEvent): void {
    try {
      const data = JSON.stringify(event);
      ws.send(data.includes(SEEDED_MARK) ? JSON.stringify(localizeSeeded(this.langOf(ws), event)) : data);
    } catch {
      // a socket that went away is cleaned up by its close event
    }
  }

  /** Serialised once for every socket of the group's pages (once per language when it names a seeded level). */
  private broadcastChat(event: RoomEvent, except?: WebSocket): void {
    const data = JSON.stringify(event);
    const seeded = data.includes(SEEDED_MARK);
    const byLang = new Map<Lang, string>();
    for (const ws of this.ctx.getWebSockets("chat")) {
      if (ws === except) continue;
      try {
        if (!seeded) {
          ws.send(data);
          continue;
        }
        const lang = this.langOf(ws);
        let localized = byLang.get(lang);
        if (localized === undefined) byLang.set(lang, (localized = JSON.stringify(localizeSeeded(lang, event))));
        ws.send(localized);
      } catch {
        // a socket that went away is cleaned up by its close event
      }
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

/**
 * The default levels until the group's admins set their own: named by catalog keys,
 * read in each viewer's language on the way out (`localizeSeeded`), not the tenant's.
 */
export function defaultLevels(): LevelConfig["levels"] {
  return [
    { name: "gamification.level_default.1", minPoints: 0, badge: null },
    { name: "gamification.level_default.2", minPoints: 20, badge: "⭐" },
    { name: "gamification.level_default.3", minPoints: 60, badge: "🔥" },
    { name: "gamification.level_default.4", minPoints: 150, badge: "🏆" },
  ];
}

export function roomName(tenantId: string, groupId: string): string {
  return `${tenantId}:${groupId}`;
}

export function groupRoom(env: Pick<Bindings, "GROUP_ROOM">, tenantId: string, groupId: string) {
  return env.GROUP_ROOM.get(env.GROUP_ROOM.idFromName(roomName(tenantId, groupId)));
}
