import type {
  HiddenPost,
  ActivityView,
  GamificationView,
  LeaderboardEntry,
  LevelView,
  MessageView,
  MuteView,
  PointRules,
  ReactionKey,
  ReactionSummary,
  ReplyView,
  ReportStatus,
  ReportView,
  RoomEvent,
  TargetType,
  ThreadView,
} from "./protocol";
import { REACTIONS, type RoomFieldError } from "./protocol";
import type { Rendered } from "../discussions/markdown";
import { done, refuse, type Outcome } from "./outcome";
import { z } from "zod";
import { cursorKind, cursorParts, encodeCursor } from "../http/cursor";

/** Who acts, as the Worker verified it: the room trusts it and checks ownership itself. */
export type Actor = { userId: string; name: string; moderator: boolean; avatarUrl?: string | null | undefined };
export type Page<T> = { items: T[]; nextCursor: string | null };
export type LevelConfig = { points: PointRules; levels: { name: string; minPoints: number; badge: string | null }[] };

export const DEFAULT_POINTS: PointRules = { thread: 5, reply: 2, reactionReceived: 1 };

type ThreadRow = {
  id: string;
  author_id: string;
  author_name: string;
  title: string;
  body: string;
  body_html: string;
  excerpt: string;
  pinned: number;
  created_at: number;
  edited_at: number | null;
  last_activity_at: number;
  hidden_at: number | null;
  deleted_at: number | null;
  reply_count?: number;
};
type ReplyRow = {
  id: string;
  thread_id: string;
  author_id: string;
  author_name: string;
  body: string;
  body_html: string;
  excerpt: string;
  created_at: number;
  edited_at: number | null;
  hidden_at: number | null;
  deleted_at: number | null;
};
type MessageRow = { seq: number; user_id: string; name: string; text: string; at: number; hidden_at: number | null; deleted_at: number | null };
type ReportRow = {
  id: string;
  target_type: TargetType;
  target_id: string;
  thread_id: string | null;
  reporter_id: string;
  reporter_name: string;
  reason: string;
  status: ReportStatus;
  created_at: number;
  decided_at: number | null;
};

const iso = (ms: number) => new Date(ms).toISOString();
const iso0 = (ms: number | null) => (ms === null ? null : iso(ms));

/** The highest of `levels` (ordered by threshold) that `points` reaches. */
export function levelReached<L extends { minPoints: number }>(levels: L[], points: number): L | null {
  let reached: L | null = null;
  for (const level of levels) if (points >= level.minPoints) reached = level;
  return reached;
}

export function randomId(): string {
  return [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Positions of the room's lists; the Worker decodes (and so validates) a cursor before calling the room. */
export const threadsCursor = cursorKind("threads", z.tuple([cursorParts.int, cursorParts.int, cursorParts.id]));
export const repliesCursor = cursorKind("replies", z.tuple([cursorParts.int, cursorParts.id]));
export const reportsCursor = cursorKind("reports", z.tuple([cursorParts.int, cursorParts.id]));
export type ThreadsAfter = z.output<typeof threadsCursor.schema>;
export type RepliesAfter = z.output<typeof repliesCursor.schema>;
export type ReportsAfter = z.output<typeof reportsCursor.schema>;

const VISIBLE = "hidden_at is null and deleted_at is null";

/**
 * Threads, replies, reactions, chat messages, reports, mutes and levels of one group,
 * in the room's SQLite storage. Synchronous, like the storage itself: every method runs
 * to completion before the room handles anything else, which is what orders the group.
 */
export class DiscussionStore {
  /** Points of every member with any, rebuilt from the records after each write that changes them. */
  private points: Map<string, { name: string; points: number }> | null = null;
  private config: LevelConfig | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly defaultLevels: () => LevelConfig["levels"],
  ) {}

  static migrate(sql: SqlStorage): void {
    sql.exec(`
      create table if not exists threads (
        id text primary key, author_id text not null, author_name text not null,
        title text not null, body text not null, body_html text not null, excerpt text not null,
        pinned integer not null default 0, created_at integer not null, edited_at integer,
        last_activity_at integer not null, hidden_at integer, hidden_by text, deleted_at integer, deleted_by text
      );
      create index if not exists threads_feed on threads (pinned, last_activity_at, id);
      create index if not exists threads_author on threads (author_id);
      create table if not exists replies (
        id text primary key, thread_id text not null, author_id text not null, author_name text not null,
        body text not null, body_html text not null, excerpt text not null,
        created_at integer not null, edited_at integer, hidden_at integer, hidden_by text, deleted_at integer, deleted_by text
      );
      create index if not exists replies_thread on replies (thread_id, created_at, id);
      create index if not exists replies_author on replies (author_id);
      create table if not exists reactions (
        target_type text not null, target_id text not null, user_id text not null, key text not null,
        target_author_id text not null, created_at integer not null,
        primary key (target_type, target_id, user_id, key)
      );
      create index if not exists reactions_author on reactions (target_author_id);
      create table if not exists messages (
        seq integer primary key autoincrement, user_id text not null, name text not null, text text not null,
        at integer not null, hidden_at integer, hidden_by text, deleted_at integer, deleted_by text
      );
      create index if not exists messages_user on messages (user_id, at);
      create table if not exists reports (
        id text primary key, target_type text not null, target_id text not null, thread_id text,
        reporter_id text not null, reporter_name text not null, reason text not null, status text not null,
        created_at integer not null, decided_at integer, decided_by text
      );
      create unique index if not exists reports_one_open on reports (target_type, target_id, reporter_id) where status = 'open';
      create index if not exists reports_status on reports (status, created_at);
      create table if not exists avatars (user_id text primary key, url text not null);
      create table if not exists mutes (
        user_id text primary key, name text not null, until integer not null, reason text, muted_by text not null, created_at integer not null
      );
    `);
  }

  // ── levels and points ─────────────────────────────────────────────────────

  levelConfig(): LevelConfig {
    if (this.config) return this.config;
    const row = this.sql.exec<{ value: string }>("select value from room_meta where key = 'levels'").toArray()[0];
    const stored = row ? (JSON.parse(row.value) as LevelConfig) : null;
    return (this.config = stored ?? { points: DEFAULT_POINTS, levels: this.defaultLevels() });
  }

  setLevelConfig(config: LevelConfig): GamificationView {
    const levels = [...config.levels].sort((a, b) => a.minPoints - b.minPoints);
    const value = JSON.stringify({ points: config.points, levels });
    this.sql.exec("insert into room_meta (key, value) values ('levels', ?) on conflict (key) do update set value = excluded.value", value);
    this.config = { points: config.points, levels };
    this.pointsChanged();
    return this.gamification();
  }

  /** Forgets a cached default so a language change of the tenant shows. */
  forgetDefaultLevels(): void {
    const stored = this.sql.exec("select 1 from room_meta where key = 'levels'").toArray().length > 0;
    if (!stored) this.config = null;
  }

  gamification(): GamificationView {
    const config = this.levelConfig();
    return { points: config.points, levels: config.levels.map((l, i) => ({ level: i + 1, ...l })) };
  }

  levelFor(points: number): LevelView | null {
    return levelReached(this.gamification().levels, points);
  }

  private allPoints(): Map<string, { name: string; points: number }> {
    if (this.points) return this.points;
    const p = this.levelConfig().points;
    const rows = this.sql
      .exec<{ user_id: string; name: string | null; points: number }>(
        `select user_id, max(name) as name, sum(p) as points from (
           select author_id as user_id, author_name as name, ? as p from threads where ${VISIBLE}
           union all
           select r.author_id, r.author_name, ? from replies r join threads t on t.id = r.thread_id
             where r.hidden_at is null and r.deleted_at is null and t.hidden_at is null and t.deleted_at is null
           union all
           select x.target_author_id, null, ? from reactions x join threads t on x.target_type = 'thread' and t.id = x.target_id
             where x.user_id != x.target_author_id and t.hidden_at is null and t.deleted_at is null
           union all
           select x.target_author_id, null, ? from reactions x join replies r on x.target_type = 'reply' and r.id = x.target_id
             join threads t on t.id = r.thread_id
             where x.user_id != x.target_author_id and r.hidden_at is null and r.deleted_at is null and t.hidden_at is null and t.deleted_at is null
         ) group by user_id`,
        p.thread, p.reply, p.reactionReceived, p.reactionReceived,
      )
      .toArray();
    this.points = new Map(rows.map((r) => [r.user_id, { name: r.name ?? "", points: r.points }]));
    return this.points;
  }

  /** Called after any write that changes someone's points: they are recomputed from the records on next read. */
  private pointsChanged(): void {
    this.points = null;
  }

  allPointsByUser(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [userId, p] of this.allPoints()) out[userId] = p.points;
    return out;
  }

  /**
   * What changed since `since`: threads started, edited or replied to, replies written
   * or edited, and everything hidden or deleted, as the live events a page would have got.
   */
  recentChanges(since: number): RoomEvent[] {
    const events: RoomEvent[] = [];
    const threads = this.sql
      .exec<ThreadRow>(`select * from threads where ${VISIBLE} and (last_activity_at >= ? or edited_at >= ?) order by last_activity_at limit 200`, since, since)
      .toArray();
    for (const t of threads) events.push({ type: "thread", thread: this.threadView(t, this.reactionSummaries("thread", [t.id], null).get(t.id) ?? []) });
    const replies = this.sql
      .exec<ReplyRow>(`select * from replies where ${VISIBLE} and (created_at >= ? or edited_at >= ?) order by created_at, id limit 500`, since, since)
      .toArray();
    for (const r of replies) events.push({ type: "reply", reply: this.replyView(r, this.reactionSummaries("reply", [r.id], null).get(r.id) ?? []) });
    for (const [type, table, key, thread] of [
      ["thread", "threads", "id", "id"],
      ["reply", "replies", "id", "thread_id"],
      ["message", "messages", "seq", "null"],
    ] as const) {
      const gone = this.sql
        .exec<{ id: string | number; thread_id: string | null }>(`select ${key} as id, ${thread} as thread_id from ${table} where hidden_at >= ? or deleted_at >= ? limit 500`, since, since)
        .toArray();
      for (const g of gone) events.push({ type: "removed", targetType: type, targetId: String(g.id), threadId: g.thread_id });
    }
    return events;
  }

  pointsOf(userId: string): number {
    return this.allPoints().get(userId)?.points ?? 0;
  }

  // ── the room's record of each author's picture ──────────────────────────────

  /** `/media/…` of each author who has one, as their last action or connection said. */
  private avatars: Map<string, string> | null = null;

  private avatarMap(): Map<string, string> {
    if (!this.avatars) this.avatars = new Map(this.sql.exec<{ user_id: string; url: string }>("select user_id, url from avatars").toArray().map((r) => [r.user_id, r.url]));
    return this.avatars;
  }

  avatarOf(userId: string): string | null {
    return this.avatarMap().get(userId) ?? null;
  }

  /** Keeps what the Worker said about the actor's picture (absent: unknown, nothing changes). */
  recordAvatar(actor: { userId: string; avatarUrl?: string | null | undefined }): void {
    if (actor.avatarUrl === undefined) return;
    const url = actor.avatarUrl && actor.avatarUrl.startsWith("/media/") ? actor.avatarUrl : null;
    const map = this.avatarMap();
    if ((map.get(actor.userId) ?? null) === url) return;
    if (url) {
      this.sql.exec("insert into avatars (user_id, url) values (?, ?) on conflict (user_id) do update set url = excluded.url", actor.userId, url);
      map.set(actor.userId, url);
    } else {
      this.sql.exec("delete from avatars where user_id = ?", actor.userId);
      map.delete(actor.userId);
    }
  }

  levelOf(userId: string): LevelView | null {
    return this.levelFor(this.pointsOf(userId));
  }

  leaderboard(limit: number): LeaderboardEntry[] {
    const sorted = [...this.allPoints().entries()].sort((a, b) => b[1].points - a[1].points || a[1].name.localeCompare(b[1].name));
    return sorted.slice(0, limit).map(([userId, p], i) => ({ rank: i + 1, userId, name: p.name, points: p.points, level: this.levelFor(p.points), avatarUrl: this.avatarOf(userId) }));
  }

  // ── threads and replies ───────────────────────────────────────────────────

  private reactionSummaries(type: TargetType, ids: string[], viewer: string | null): Map<string, ReactionSummary[]> {
    const out = new Map<string, ReactionSummary[]>();
    if (ids.length === 0) return out;
    const rows = this.sql
      .exec<{ target_id: string; key: ReactionKey; n: number; mine: number }>(
        "select target_id, key, count(*) as n, max(user_id = ?) as mine from reactions where target_type = ? and target_id in (select value from json_each(?)) group by target_id, key",
        viewer ?? "", type, JSON.stringify(ids),
      )
      .toArray();
    for (const r of rows) {
      const list = out.get(r.target_id) ?? [];
      list.push({ key: r.key, count: r.n, mine: r.mine === 1 });
      out.set(r.target_id, list);
    }
    for (const list of out.values()) list.sort((a, b) => REACTIONS.indexOf(a.key) - REACTIONS.indexOf(b.key));
    return out;
  }

  private threadView(row: ThreadRow, reactions: ReactionSummary[]): ThreadView {
    return {
      id: row.id,
      title: row.title,
      body: row.body,
      bodyHtml: row.body_html,
      excerpt: row.excerpt,
      author: { userId: row.author_id, name: row.author_name, level: this.levelOf(row.author_id), avatarUrl: this.avatarOf(row.author_id) },
      pinned: row.pinned === 1,
      replyCount: row.reply_count ?? this.replyCount(row.id),
      reactions,
      createdAt: iso(row.created_at),
      editedAt: iso0(row.edited_at),
      lastActivityAt: iso(row.last_activity_at),
    };
  }

  private replyView(row: ReplyRow, reactions: ReactionSummary[]): ReplyView {
    return {
      id: row.id,
      threadId: row.thread_id,
      body: row.body,
      bodyHtml: row.body_html,
      author: { userId: row.author_id, name: row.author_name, level: this.levelOf(row.author_id), avatarUrl: this.avatarOf(row.author_id) },
      reactions,
      createdAt: iso(row.created_at),
      editedAt: iso0(row.edited_at),
    };
  }

  private replyCount(threadId: string): number {
    return this.sql.exec<{ n: number }>(`select count(*) as n from replies where thread_id = ? and ${VISIBLE}`, threadId).one().n;
  }

  private visibleThread(id: string): ThreadRow | null {
    return this.sql.exec<ThreadRow>(`select * from threads where id = ? and ${VISIBLE}`, id).toArray()[0] ?? null;
  }

  private visibleReply(id: string): (ReplyRow & { thread_visible: number }) | null {
    const row = this.sql
      .exec<ReplyRow & { thread_visible: number }>(
        `select r.*, (t.hidden_at is null and t.deleted_at is null) as thread_visible from replies r join threads t on t.id = r.thread_id where r.id = ? and r.hidden_at is null and r.deleted_at is null`,
        id,
      )
      .toArray()[0];
    return row && row.thread_visible === 1 ? row : null;
  }

  createThread(actor: Actor, title: string, rendered: Rendered & { source: string }, now = Date.now()): ThreadView {
    this.recordAvatar(actor);
    const id = randomId();
    this.sql.exec(
      "insert into threads (id, author_id, author_name, title, body, body_html, excerpt, pinned, created_at, last_activity_at) values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
      id, actor.userId, actor.name, title, rendered.source, rendered.html, rendered.excerpt, now, now,
    );
    this.pointsChanged();
    return this.threadView(this.visibleThread(id)!, []);
  }

  listThreads(viewer: string, limit: number, after: ThreadsAfter | null): Page<ThreadView> {
    const base = `select t.*, (select count(*) from replies r where r.thread_id = t.id and r.hidden_at is null and r.deleted_at is null) as reply_count from threads t where t.hidden_at is null and t.deleted_at is null`;
    const order = "order by t.pinned desc, t.last_activity_at desc, t.id desc limit ?";
    const rows =
      after
        ? this.sql
            .exec<ThreadRow>(
              `${base} and (t.pinned < ? or (t.pinned = ? and (t.last_activity_at < ? or (t.last_activity_at = ? and t.id < ?)))) ${order}`,
              after[0], after[0], after[1], after[1], after[2], limit + 1,
            )
            .toArray()
        : this.sql.exec<ThreadRow>(`${base} ${order}`, limit + 1).toArray();
    const page = rows.slice(0, limit);
    const reactions = this.reactionSummaries("thread", page.map((r) => r.id), viewer);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.threadView(r, reactions.get(r.id) ?? [])),
      nextCursor: rows.length > limit && last ? encodeCursor(threadsCursor, [last.pinned, last.last_activity_at, last.id]) : null,
    };
  }

  getThread(id: string, viewer: string): ThreadView | null {
    const row = this.visibleThread(id);
    if (!row) return null;
    return this.threadView(row, this.reactionSummaries("thread", [id], viewer).get(id) ?? []);
  }

  listReplies(threadId: string, viewer: string, limit: number, after: RepliesAfter | null): Page<ReplyView> {
    const rows =
      after
        ? this.sql
            .exec<ReplyRow>(
              `select * from replies where thread_id = ? and ${VISIBLE} and (created_at > ? or (created_at = ? and id > ?)) order by created_at, id limit ?`,
              threadId, after[0], after[0], after[1], limit + 1,
            )
            .toArray()
        : this.sql.exec<ReplyRow>(`select * from replies where thread_id = ? and ${VISIBLE} order by created_at, id limit ?`, threadId, limit + 1).toArray();
    const page = rows.slice(0, limit);
    const reactions = this.reactionSummaries("reply", page.map((r) => r.id), viewer);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.replyView(r, reactions.get(r.id) ?? [])),
      nextCursor: rows.length > limit && last ? encodeCursor(repliesCursor, [last.created_at, last.id]) : null,
    };
  }

  createReply(actor: Actor, threadId: string, rendered: Rendered & { source: string }, now = Date.now()): Outcome<{ reply: ReplyView; thread: ThreadView }> {
    if (!this.visibleThread(threadId)) return refuse(404, "not_found", "No such thread.");
    this.recordAvatar(actor);
    const id = randomId();
    this.transaction(() => {
      this.sql.exec(
        "insert into replies (id, thread_id, author_id, author_name, body, body_html, excerpt, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
        id, threadId, actor.userId, actor.name, rendered.source, rendered.html, rendered.excerpt, now,
      );
      this.sql.exec("update threads set last_activity_at = max(last_activity_at, ?) where id = ?", now, threadId);
    });
    this.pointsChanged();
    const reply = this.replyView(this.visibleReply(id)!, []);
    return done({ reply, thread: this.getThread(threadId, "")! });
  }

  editThread(actor: Actor, id: string, title: string | undefined, rendered: (Rendered & { source: string }) | undefined, now = Date.now()): Outcome<ThreadView> {
    const row = this.visibleThread(id);
    if (!row) return refuse(404, "not_found", "No such thread.");
    if (row.author_id !== actor.userId) return refuse(403, "not_author", "Only the author can edit a post.");
    this.sql.exec(
      "update threads set title = ?, body = ?, body_html = ?, excerpt = ?, edited_at = ? where id = ?",
      title ?? row.title, rendered?.source ?? row.body, rendered?.html ?? row.body_html, rendered?.excerpt ?? row.excerpt, now, id,
    );
    return done(this.getThread(id, actor.userId)!);
  }

  editReply(actor: Actor, id: string, rendered: Rendered & { source: string }, now = Date.now()): Outcome<ReplyView> {
    const row = this.visibleReply(id);
    if (!row) return refuse(404, "not_found", "No such reply.");
    if (row.author_id !== actor.userId) return refuse(403, "not_author", "Only the author can edit a post.");
    this.sql.exec("update replies set body = ?, body_html = ?, excerpt = ?, edited_at = ? where id = ?", rendered.source, rendered.html, rendered.excerpt, now, id);
    return done(this.replyView(this.visibleReply(id)!, this.reactionSummaries("reply", [id], actor.userId).get(id) ?? []));
  }

  setPinned(id: string, pinned: boolean): Outcome<ThreadView> {
    if (!this.visibleThread(id)) return refuse(404, "not_found", "No such thread.");
    this.sql.exec("update threads set pinned = ? where id = ?", pinned ? 1 : 0, id);
    return done(this.getThread(id, "")!);
  }

  // ── reactions ─────────────────────────────────────────────────────────────

  private targetAuthor(type: TargetType, id: string): { authorId: string; threadId: string | null } | null {
    if (type === "thread") {
      const t = this.visibleThread(id);
      return t ? { authorId: t.author_id, threadId: t.id } : null;
    }
    if (type === "reply") {
      const r = this.visibleReply(id);
      return r ? { authorId: r.author_id, threadId: r.thread_id } : null;
    }
    const m = this.visibleMessage(id);
    return m ? { authorId: m.user_id, threadId: null } : null;
  }

  /** The thread a reply belongs to, even once it is hidden or deleted. */
  threadOfReply(id: string): string | null {
    return this.sql.exec<{ thread_id: string }>("select thread_id from replies where id = ?", id).toArray()[0]?.thread_id ?? null;
  }

  react(actor: Actor, type: TargetType, id: string, key: ReactionKey, on: boolean | "toggle", now = Date.now()): Outcome<{ mine: ReactionSummary[]; all: ReactionSummary[] }> {
    if (type === "message") return refuse(422, "validation_failed", "Chat messages take no reactions.", { fields: { targetType: "field.invalid" satisfies RoomFieldError } });
    const target = this.targetAuthor(type, id);
    if (!target) return refuse(404, "not_found", "No such post.");
    if (on === "toggle") {
      on = this.sql.exec("select 1 from reactions where target_type = ? and target_id = ? and user_id = ? and key = ?", type, id, actor.userId, key).toArray().length === 0;
    }
    if (on) {
      this.sql.exec(
        "insert into reactions (target_type, target_id, user_id, key, target_author_id, created_at) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
        type, id, actor.userId, key, target.authorId, now,
      );
    } else {
      this.sql.exec("delete from reactions where target_type = ? and target_id = ? and user_id = ? and key = ?", type, id, actor.userId, key);
    }
    this.pointsChanged();
    const mine = this.reactionSummaries(type, [id], actor.userId).get(id) ?? [];
    return done({ mine, all: mine.map((r) => ({ ...r, mine: false })) });
  }

  // ── chat ──────────────────────────────────────────────────────────────────

  private visibleMessage(id: string): MessageRow | null {
    const seq = Number(id);
    if (!Number.isSafeInteger(seq) || seq <= 0) return null;
    return this.sql.exec<MessageRow>(`select * from messages where seq = ? and ${VISIBLE}`, seq).toArray()[0] ?? null;
  }

  /**
   * A person left the community: their posts stay under `label` ("former member"), or are
   * deleted too when `deletePosts`; their mute ends. Returns how many posts were deleted.
   */
  forgetAuthor(userId: string, label: string, deletePosts: boolean, by: string, now = Date.now()): number {
    return this.transaction(() => {
      let deleted = 0;
      if (deletePosts) {
        deleted += this.sql.exec("update threads set deleted_at = ?, deleted_by = ? where author_id = ? and deleted_at is null", now, by, userId).rowsWritten;
        deleted += this.sql.exec("update replies set deleted_at = ?, deleted_by = ? where author_id = ? and deleted_at is null", now, by, userId).rowsWritten;
        deleted += this.sql.exec("update messages set deleted_at = ?, deleted_by = ? where user_id = ? and deleted_at is null", now, by, userId).rowsWritten;
      }
      this.sql.exec("update threads set author_name = ? where author_id = ?", label, userId);
      this.sql.exec("update replies set author_name = ? where author_id = ?", label, userId);
      this.sql.exec("update messages set name = ? where user_id = ?", label, userId);
      this.sql.exec("update reports set reporter_name = ? where reporter_id = ?", label, userId);
      this.sql.exec("delete from mutes where user_id = ?", userId);
      this.points = null;
      return deleted;
    });
  }

  messageView(row: MessageRow): MessageView {
    return { id: String(row.seq), userId: row.user_id, name: row.name, text: row.text, at: iso(row.at), level: this.levelOf(row.user_id), avatarUrl: this.avatarOf(row.user_id) };
  }

  /** Stored first: the caller broadcasts what this returns. */
  storeMessage(actor: Pick<Actor, "userId" | "name" | "avatarUrl">, text: string, now = Date.now()): MessageView {
    this.recordAvatar(actor);
    const seq = this.sql.exec<{ seq: number }>("insert into messages (user_id, name, text, at) values (?, ?, ?, ?) returning seq", actor.userId, actor.name, text, now).one().seq;
    return { id: String(seq), userId: actor.userId, name: actor.name, text, at: iso(now), level: this.levelOf(actor.userId), avatarUrl: this.avatarOf(actor.userId) };
  }

  /** Every visible message after `since` (oldest first), or the latest `limit` when there is none. */
  messagesSince(since: number | null, limit: number): MessageView[] {
    const rows =
      since === null
        ? this.sql.exec<MessageRow>(`select * from (select * from messages where ${VISIBLE} order by seq desc limit ?) order by seq`, limit).toArray()
        : this.sql.exec<MessageRow>(`select * from messages where seq > ? and ${VISIBLE} order by seq limit ?`, since, limit).toArray();
    return rows.map((r) => this.messageView(r));
  }

  /** Newest first, older than `before`. */
  messagesBefore(before: number | null, limit: number): Page<MessageView> {
    const rows =
      before === null
        ? this.sql.exec<MessageRow>(`select * from messages where ${VISIBLE} order by seq desc limit ?`, limit + 1).toArray()
        : this.sql.exec<MessageRow>(`select * from messages where seq < ? and ${VISIBLE} order by seq desc limit ?`, before, limit + 1).toArray();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => this.messageView(r)), nextCursor: rows.length > limit && last ? String(last.seq) : null };
  }

  // ── moderation ────────────────────────────────────────────────────────────

  private targetTable(type: TargetType): { table: string; key: string } {
    return type === "thread" ? { table: "threads", key: "id" } : type === "reply" ? { table: "replies", key: "id" } : { table: "messages", key: "seq" };
  }

  /** Hides or deletes what is visible; answers the thread a reply belongs to (for the live event). */
  remove(
    actor: Actor,
    type: TargetType,
    id: string,
    how: "hide" | "delete",
    now = Date.now(),
  ): Outcome<{ threadId: string | null }> {
    const target = this.targetAuthor(type, id);
    if (!target) return refuse(404, "not_found", "No such content.");
    if (how === "hide" && !actor.moderator) return refuse(403, "forbidden", "Only moderators can hide content.");
    if (how === "delete" && !actor.moderator && target.authorId !== actor.userId) return refuse(403, "not_author", "Only the author or a moderator can delete this.");
    const { table, key } = this.targetTable(type);
    const column = how === "hide" ? "hidden" : "deleted";
    this.transaction(() => {
      this.sql.exec(`update ${table} set ${column}_at = ?, ${column}_by = ? where ${key} = ?`, now, actor.userId, type === "message" ? Number(id) : id);
      // Acting on content settles its open reports.
      this.sql.exec("update reports set status = 'actioned', decided_at = ?, decided_by = ? where target_type = ? and target_id = ? and status = 'open'", now, actor.userId, type, id);
    });
    this.pointsChanged();
    return done({ threadId: type === "reply" ? target.threadId : type === "thread" ? id : null });
  }

  /** Brings hidden content back (deleted content stays gone). */
  unhide(type: TargetType, id: string): Outcome<{ threadId: string | null }> {
    const { table, key } = this.targetTable(type);
    const row = this.sql
      .exec<{ n: number }>(`select count(*) as n from ${table} where ${key} = ? and hidden_at is not null and deleted_at is null`, type === "message" ? Number(id) : id)
      .one();
    if (row.n === 0) return refuse(404, "not_found", "No such hidden content.");
    this.sql.exec(`update ${table} set hidden_at = null, hidden_by = null where ${key} = ?`, type === "message" ? Number(id) : id);
    this.pointsChanged();
    const threadId = type === "thread" ? id : type === "reply" ? (this.sql.exec<{ thread_id: string }>("select thread_id from replies where id = ?", id).toArray()[0]?.thread_id ?? null) : null;
    return done({ threadId });
  }

  /**
   * What a moderator hid of this author's in a thread (the thread itself, or their
   * replies in it), with the reasons of the reports that led to it: the author is told
   * why, where the others see nothing. Deleted posts are gone for everyone.
   */
  hiddenForAuthor(threadId: string, authorId: string): HiddenPost[] {
    const reasons = (type: TargetType, id: string) =>
      this.sql
        .exec<{ reason: string }>("select distinct reason from reports where target_type = ? and target_id = ? and status = 'actioned' order by created_at limit 10", type, id)
        .toArray()
        .map((r) => r.reason);
    const out: HiddenPost[] = [];
    const thread = this.sql
      .exec<{ id: string; title: string; excerpt: string; hidden_at: number }>("select id, title, excerpt, hidden_at from threads where id = ? and author_id = ? and hidden_at is not null and deleted_at is null", threadId, authorId)
      .toArray()[0];
    if (thread) out.push({ kind: "thread", id: thread.id, title: thread.title, excerpt: thread.excerpt, hiddenAt: iso(thread.hidden_at), reasons: reasons("thread", thread.id) });
    const replies = this.sql
      .exec<{ id: string; excerpt: string; body: string; hidden_at: number }>(
        "select id, body, body as excerpt, hidden_at from replies where thread_id = ? and author_id = ? and hidden_at is not null and deleted_at is null order by created_at limit 20",
        threadId, authorId,
      )
      .toArray();
    for (const r of replies) out.push({ kind: "reply", id: r.id, title: null, excerpt: r.body.slice(0, 200), hiddenAt: iso(r.hidden_at), reasons: reasons("reply", r.id) });
    return out;
  }

  report(actor: Actor, type: TargetType, id: string, reason: string, now = Date.now()): Outcome<ReportView> {
    const target = this.targetAuthor(type, id);
    if (!target) return refuse(404, "not_found", "No such content.");
    if (target.authorId === actor.userId) return refuse(422, "validation_failed", "You cannot report your own post.", { fields: { targetId: "field.own_post" satisfies RoomFieldError } });
    const existing = this.sql
      .exec<ReportRow>("select * from reports where target_type = ? and target_id = ? and reporter_id = ? and status = 'open'", type, id, actor.userId)
      .toArray()[0];
    if (existing) return refuse(409, "already_reported", "You have already reported this; moderators will look at it.");
    const reportId = randomId();
    this.sql.exec(
      "insert into reports (id, target_type, target_id, thread_id, reporter_id, reporter_name, reason, status, created_at) values (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
      reportId, type, id, type === "message" ? null : target.threadId, actor.userId, actor.name, reason, now,
    );
    return done(this.reportView(this.sql.exec<ReportRow>("select * from reports where id = ?", reportId).one()));
  }

  private reportView(row: ReportRow): ReportView {
    const { table, key } = this.targetTable(row.target_type);
    const authorColumns = row.target_type === "message" ? "user_id as author_id, name as author_name, text as excerpt" : "author_id, author_name, excerpt";
    const target = this.sql
      .exec<{ author_id: string; author_name: string; excerpt: string; hidden_at: number | null; deleted_at: number | null }>(
        `select ${authorColumns}, hidden_at, deleted_at from ${table} where ${key} = ?`,
        row.target_type === "message" ? Number(row.target_id) : row.target_id,
      )
      .toArray()[0];
    return {
      id: row.id,
      targetType: row.target_type,
      targetId: row.target_id,
      threadId: row.thread_id,
      reason: row.reason,
      status: row.status,
      reporter: { userId: row.reporter_id, name: row.reporter_name },
      target: {
        author: { userId: target?.author_id ?? "", name: target?.author_name ?? "" },
        excerpt: target && target.deleted_at === null ? target.excerpt.slice(0, 240) : "",
        hidden: !!target && target.hidden_at !== null,
        deleted: !target || target.deleted_at !== null,
      },
      createdAt: iso(row.created_at),
      decidedAt: iso0(row.decided_at),
    };
  }

  listReports(status: ReportStatus | "all", limit: number, after: ReportsAfter | null): Page<ReportView> {
    const filter = status === "all" ? "1 = 1" : "status = ?";
    const args: (string | number)[] = status === "all" ? [] : [status];
    const rows =
      after
        ? this.sql
            .exec<ReportRow>(`select * from reports where ${filter} and (created_at < ? or (created_at = ? and id < ?)) order by created_at desc, id desc limit ?`, ...args, after[0], after[0], after[1], limit + 1)
            .toArray()
        : this.sql.exec<ReportRow>(`select * from reports where ${filter} order by created_at desc, id desc limit ?`, ...args, limit + 1).toArray();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => this.reportView(r)), nextCursor: rows.length > limit && last ? encodeCursor(reportsCursor, [last.created_at, last.id]) : null };
  }

  openReportCount(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from reports where status = 'open'").one().n;
  }

  dismissReport(actor: Actor, id: string, now = Date.now()): Outcome<ReportView> {
    const row = this.sql.exec<ReportRow>("select * from reports where id = ?", id).toArray()[0];
    if (!row) return refuse(404, "not_found", "No such report.");
    if (row.status !== "open") return refuse(409, "report_closed", "This report has already been handled.");
    this.sql.exec("update reports set status = 'dismissed', decided_at = ?, decided_by = ? where id = ?", now, actor.userId, id);
    return done(this.reportView({ ...row, status: "dismissed", decided_at: now }));
  }

  mute(actor: Actor, user: { userId: string; name: string }, until: number, reason: string | null, now = Date.now()): MuteView {
    this.sql.exec(
      "insert into mutes (user_id, name, until, reason, muted_by, created_at) values (?, ?, ?, ?, ?, ?) on conflict (user_id) do update set name = excluded.name, until = excluded.until, reason = excluded.reason, muted_by = excluded.muted_by, created_at = excluded.created_at",
      user.userId, user.name, until, reason, actor.userId, now,
    );
    return { userId: user.userId, name: user.name, until: iso(until), reason, mutedBy: actor.userId };
  }

  unmute(userId: string): boolean {
    return this.sql.exec("delete from mutes where user_id = ? returning user_id", userId).toArray().length === 1;
  }

  mutedUntil(userId: string, now = Date.now()): number | null {
    const row = this.sql.exec<{ until: number }>("select until from mutes where user_id = ? and until > ?", userId, now).toArray()[0];
    return row?.until ?? null;
  }

  listMutes(now = Date.now()): MuteView[] {
    return this.sql
      .exec<{ user_id: string; name: string; until: number; reason: string | null; muted_by: string }>("select * from mutes where until > ? order by until", now)
      .toArray()
      .map((m) => ({ userId: m.user_id, name: m.name, until: iso(m.until), reason: m.reason, mutedBy: m.muted_by }));
  }

  // ── activity ──────────────────────────────────────────────────────────────

  /**
   * Threads, replies and messages per day over `days` days ending today, days cut at
   * midnight in the tenant's time zone (its offset now; a DST change inside the period
   * shifts one hour of one day). New members come from D1 and are merged by the caller.
   */
  activity(days: number, offsetMs: number, now = Date.now()): Omit<ActivityView, "members"> {
    const DAY = 86_400_000;
    const today = Math.floor((now + offsetMs) / DAY);
    const firstDay = today - days + 1;
    const from = firstDay * DAY - offsetMs;
    const perDay = (table: string, column: string, extra = "") =>
      this.sql
        .exec<{ day: number; n: number }>(`select cast((${column} + ?) / ${DAY} as integer) as day, count(*) as n from ${table} where ${column} >= ? ${extra} and deleted_at is null group by day`, offsetMs, from)
        .toArray();
    const series = { threads: perDay("threads", "created_at"), replies: perDay("replies", "created_at"), messages: perDay("messages", "at") };
    const list: ActivityView["days"] = [];
    for (let d = firstDay; d <= today; d++) list.push({ date: new Date(d * DAY).toISOString().slice(0, 10), newMembers: 0, threads: 0, replies: 0, messages: 0 });
    for (const key of ["threads", "replies", "messages"] as const) {
      for (const r of series[key]) {
        const slot = list[r.day - firstDay];
        if (slot) slot[key] = r.n;
      }
    }
    const mostActive = this.sql
      .exec<{ user_id: string; name: string; threads: number; replies: number; messages: number }>(
        `select user_id, max(name) as name, sum(k = 't') as threads, sum(k = 'r') as replies, sum(k = 'm') as messages from (
           select author_id as user_id, author_name as name, 't' as k from threads where created_at >= ? and deleted_at is null
           union all select author_id, author_name, 'r' from replies where created_at >= ? and deleted_at is null
           union all select user_id, name, 'm' from messages where at >= ? and deleted_at is null
         ) group by user_id order by count(*) desc, name limit 10`,
        from, from, from,
      )
      .toArray()
      .map((r) => ({ userId: r.user_id, name: r.name, threads: r.threads, replies: r.replies, messages: r.messages }));
    const totals = { threads: 0, replies: 0, messages: 0 };
    for (const day of list) {
      totals.threads += day.threads;
      totals.replies += day.replies;
      totals.messages += day.messages;
    }
    return { days: list, totals, mostActive };
  }
}
