import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { tryDecodeURIComponent } from "../http/uri";
import { AlarmScheduler } from "./alarm";
import { Chat } from "./chat";
import { Connections } from "./connections";
import { DiscussionStore, type Actor, type LevelConfig, type Page, type RepliesAfter, type ReportsAfter, type ThreadsAfter } from "./discussions";
import { JoinQueue, requestView, type Decision, type JoinRequest } from "./join-queue";
import { RoomMeta } from "./meta";
import { NoticeQueue } from "./notice-queue";
import type { Outcome } from "./outcome";
import { Posts, type Post } from "./posts";
import type { SeededNames } from "./seeded";
import type {
  ActivityView,
  ApplicantEvent,
  GamificationView,
  HiddenPost,
  JoinAnswer,
  LeaderboardEntry,
  MessageView,
  MuteView,
  OnlineMember,
  QueueEvent,
  ReactionKey,
  ReactionSummary,
  ReplyView,
  ReportStatus,
  ReportView,
  TargetType,
  ThreadView,
  Lang,
} from "./protocol";

export { requestView, type Decision, type JoinRequest } from "./join-queue";
export type { Post } from "./posts";
export type { ApplicantEvent, JoinAnswer, JoinRequestView, QueueEvent } from "./protocol";

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

/**
 * One room per group (named `tenantId:groupId`): what needs strict ordering and realtime
 * fan-out. A thin RPC surface over its parts, each in its own module:
 *
 * - `JoinQueue` (join-queue.ts): join requests, decisions, memberships owed to D1;
 * - `NoticeQueue` (notice-queue.ts): the batched emails about requests and reports;
 * - `AlarmScheduler` (alarm.ts): the one alarm both queues retry from;
 * - `DiscussionStore` (discussions.ts): threads, replies, chat, reports, mutes, levels;
 * - `Posts` (posts.ts): changes to the discussions, stored then told to open pages;
 * - `Chat` (chat.ts): who may post now, socket frames, what a new socket is sent;
 * - `Connections` (connections.ts): socket tags and attachments, presence, fan-out;
 * - `RoomMeta` (meta.ts): the group the room serves and its language.
 *
 * The Worker has checked membership and role before it calls; the room checks ownership.
 */
export class GroupRoom extends DurableObject<Bindings> {
  readonly discussions: DiscussionStore;
  private readonly meta: RoomMeta;
  private readonly connections: Connections;
  private readonly alarms: AlarmScheduler;
  private readonly notices: NoticeQueue;
  private readonly joins: JoinQueue;
  private readonly chat: Chat;
  private readonly posts: Posts;

  /**
   * `names`: how seeded level names read in a language. The catalogs are the Worker's
   * (web/i18n), so the class the runtime builds (worker/index.ts) passes them in.
   */
  constructor(ctx: DurableObjectState, env: Bindings, names: SeededNames) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    const transaction = <T>(fn: () => T): T => ctx.storage.transactionSync(fn);
    this.meta = new RoomMeta(sql);
    this.discussions = new DiscussionStore(sql, transaction, () => defaultLevels());
    this.connections = new Connections(ctx, () => this.meta.lang, names);
    this.alarms = new AlarmScheduler(ctx.storage);
    this.notices = new NoticeQueue(env, sql, transaction, this.meta, this.alarms);
    this.joins = new JoinQueue(env, sql, transaction, this.connections, this.notices, this.alarms);
    this.alarms.add(this.joins);
    this.alarms.add(this.notices);
    this.chat = new Chat(env, this.discussions, this.connections);
    this.posts = new Posts(this.discussions, this.chat, this.connections, this.notices);
    // Heartbeats are answered by the runtime: a sleeping room is not woken to say "pong".
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    ctx.blockConcurrencyWhile(async () => {
      RoomMeta.migrate(sql);
      JoinQueue.migrate(sql);
      NoticeQueue.migrate(sql);
      DiscussionStore.migrate(sql);
      this.meta.load();
    });
  }

  private scope(s: RoomScope): void {
    if (this.meta.bind(s.tenantId, s.groupId, s.lang)) this.discussions.forgetDefaultLevels();
  }

  // ── join queue ────────────────────────────────────────────────────────────

  /** Idempotent: a second request by the same user returns the pending one. */
  async submitJoinRequest(
    tenantId: string,
    groupId: string,
    user: { id: string; name: string; email: string; avatarUrl?: string | null },
    answers: JoinAnswer[],
  ): Promise<{ request: JoinRequest; created: boolean }> {
    this.scope({ tenantId, groupId });
    return this.joins.submit(user, answers);
  }

  async pendingRequests(limit = 200, after?: { createdAt: number; id: string }): Promise<JoinRequest[]> {
    return this.joins.pending(limit, after);
  }

  async pendingCount(): Promise<number> {
    return this.joins.pendingCount();
  }

  async pendingFor(userId: string): Promise<JoinRequest | null> {
    return this.joins.pendingFor(userId);
  }

  async getRequest(id: string): Promise<JoinRequest | null> {
    return this.joins.get(id);
  }

  /** Deciding twice answers the first decision; an approval's membership is written to D1 (retried until it lands). */
  async decide(tenantId: string, groupId: string, requestId: string, decision: Decision, by: string): Promise<{ request: JoinRequest; applied: boolean } | null> {
    this.scope({ tenantId, groupId });
    return this.joins.decide(tenantId, groupId, requestId, decision, by);
  }

  /** Approves every pending request at once (the queue can hold thousands). */
  async approveAll(tenantId: string, groupId: string, by: string): Promise<{ approved: number }> {
    this.scope({ tenantId, groupId });
    return this.joins.approveAll(tenantId, groupId, by);
  }

  /** A banned or departed applicant's pending request is withdrawn. */
  async withdraw(userId: string): Promise<void> {
    this.joins.withdraw(userId);
  }

  /** Memberships still owed to D1 (for tests and the admin's peace of mind). */
  async owedWrites(): Promise<number> {
    return this.joins.owed();
  }

  /** Notices waiting for the next batch (for tests). */
  async pendingNotices(): Promise<number> {
    return this.notices.count();
  }

  override async alarm(): Promise<void> {
    await this.joins.flush({ all: true });
    await this.notices.flush();
    await this.alarms.rearm();
  }

  // ── discussions ───────────────────────────────────────────────────────────

  async createThread(s: RoomScope, actor: Actor, title: string, post: Post): Promise<Outcome<ThreadView>> {
    this.scope(s);
    return this.posts.createThread(actor, title, post);
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
    return this.posts.createReply(actor, threadId, post);
  }

  async editThread(s: RoomScope, actor: Actor, id: string, title: string | undefined, post: Post | undefined): Promise<Outcome<ThreadView>> {
    this.scope(s);
    return this.posts.editThread(actor, id, title, post);
  }

  async editReply(s: RoomScope, actor: Actor, id: string, post: Post): Promise<Outcome<ReplyView>> {
    this.scope(s);
    return this.posts.editReply(actor, id, post);
  }

  async setPinned(s: RoomScope, id: string, pinned: boolean): Promise<Outcome<ThreadView>> {
    this.scope(s);
    return this.posts.setPinned(id, pinned);
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
      online: this.connections.online(),
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
    return { messages: this.discussions.messagesSince(null, messages), online: this.connections.online(), mutedUntil: this.discussions.mutedUntil(viewer) };
  }

  async react(s: RoomScope, actor: Actor, type: TargetType, id: string, key: ReactionKey, on: boolean | "toggle"): Promise<Outcome<ReactionSummary[]>> {
    this.scope(s);
    return this.posts.react(actor, type, id, key, on);
  }

  /** Hide (moderators) or delete (the author or moderators): gone from every open page at once. */
  async remove(s: RoomScope, actor: Actor, type: TargetType, id: string, how: "hide" | "delete"): Promise<Outcome<null>> {
    this.scope(s);
    return this.posts.remove(actor, type, id, how);
  }

  async unhide(s: RoomScope, type: TargetType, id: string): Promise<Outcome<null>> {
    this.scope(s);
    return this.posts.unhide(type, id);
  }

  async report(s: RoomScope, actor: Actor, type: TargetType, id: string, reason: string): Promise<Outcome<ReportView>> {
    this.scope(s);
    return this.posts.report(actor, type, id, reason);
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
    return this.posts.mute(actor, user, until, reason);
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
    return this.chat.post(actor, text);
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

  // ── members and sockets ───────────────────────────────────────────────────

  /** Members with a chat socket open now: read from the sockets themselves, so it survives hibernation. */
  async online(): Promise<OnlineMember[]> {
    return this.connections.online();
  }

  /**
   * A person left the community (removed, or deleted their account): their sockets close,
   * a pending join request is withdrawn, and their posts stay under `label` or are deleted.
   */
  async forgetMember(s: RoomScope, userId: string, label: string, deletePosts: boolean, by: string): Promise<{ deleted: number }> {
    this.scope(s);
    this.joins.forget(userId);
    const deleted = this.discussions.forgetAuthor(userId, label, deletePosts, by);
    this.connections.closeUser(userId);
    return { deleted };
  }

  /** A member removed or banned loses their open sockets at once. */
  async disconnect(userId: string): Promise<void> {
    this.connections.closeUser(userId);
  }

  /**
   * The Worker has already checked the session and the role, and passes who is
   * connecting in headers it sets itself. `queue`: the admins' live join queue;
   * `applicant`: an applicant's waiting page; `chat`: a member's group page.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket", { status: 426 });
    const url = new URL(request.url);
    const channel = url.searchParams.get("channel");
    const userId = request.headers.get("x-user-id");
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if (channel === "queue") {
      this.connections.accept(server, { channel: "queue", userId });
      // What is pending right now, so a page that reconnects misses nothing.
      server.send(JSON.stringify({ type: "snapshot", requests: this.joins.pending(200).map(requestView) } satisfies QueueEvent));
    } else if (channel === "applicant") {
      if (!userId) return new Response("who?", { status: 400 });
      this.connections.accept(server, { channel: "applicant", userId });
      // Decided while the page was loading: say so at once.
      if (!this.joins.pendingFor(userId) && this.joins.owed(userId) === 0) {
        server.send(JSON.stringify({ type: "decided", status: request.headers.get("x-member") === "1" ? "approved" : "rejected" } satisfies ApplicantEvent));
      }
    } else if (channel === "chat") {
      const name = tryDecodeURIComponent(request.headers.get("x-user-name") ?? "") ?? "";
      if (!userId) return new Response("who?", { status: 400 });
      const info = { channel: "chat", userId, name, moderator: request.headers.get("x-moderator") === "1" } as const;
      // The member's picture as the Worker read it with the session: kept for their messages (absent: unchanged).
      const avatar = request.headers.get("x-user-avatar");
      if (avatar !== null) this.discussions.recordAvatar({ userId, avatarUrl: avatar || null });
      // The viewer's language reads the seeded level names in what this socket is sent.
      this.connections.accept(server, info, request.headers.get("x-lang"));
      const since = url.searchParams.get("since");
      this.chat.welcome(server, info, since === null ? null : Number(since));
    } else {
      return new Response("unknown channel", { status: 400 });
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const info = this.connections.info(ws);
    if (info?.channel === "chat") this.chat.frame(ws, info, message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
    this.connections.closed(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.connections.closed(ws);
  }

  /** Purge: the group is gone for good. */
  async destroy(): Promise<void> {
    this.connections.closeAll(1001, "group deleted");
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
