// The room's wire protocol: the shapes of discussions, chat, moderation, gamification
// and the join queue, as the API answers them and as the group pages, islands and
// sockets receive them, with the limits both sides share. Times are ISO 8601 UTC.
//
// This module imports nothing: `web/` reads it with `import type` only (its value
// copies in `web/pages/discussions/types.ts` and `web/i18n` are typed against these, so a
// change here that the pages do not follow fails to compile).

/**
 * The languages the product speaks: a socket's `lang:` tag, the room's language (the
 * tenant's), what seeded level names are read in. `web/i18n` holds a catalog for each
 * (its copy of this list is typed as this one, so the two cannot drift).
 */
export const LANGS = ["fr", "en", "nl"] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(x: unknown): x is Lang {
  return typeof x === "string" && (LANGS as readonly string[]).includes(x);
}

/**
 * The field errors the room answers (in `fields` of a 422): catalog keys, as `msg()` in
 * `web/i18n` writes a message without vars, read in the viewer's language by the Worker
 * (`web/i18n` checks that each is one of its keys).
 */
export type RoomFieldError = "field.invalid" | "field.own_post";

export const REACTIONS = ["like", "love", "celebrate", "laugh", "thinking", "eyes"] as const;
export type ReactionKey = (typeof REACTIONS)[number];

export type TargetType = "thread" | "reply" | "message";

/** A level reached with points; `badge` is a short emoji or label shown next to the name once unlocked. */
export type LevelView = { level: number; name: string; minPoints: number; badge: string | null };
/** `avatarUrl`: the author's uploaded picture (`/media/…`) as the room last heard of it, else null (initials). */
export type AuthorView = { userId: string; name: string; level: LevelView | null; avatarUrl?: string | null };
/** `mine` is the viewer's own reaction; live events carry `mine: false`. */
export type ReactionSummary = { key: ReactionKey; count: number; mine: boolean };

export type ThreadView = {
  id: string;
  title: string;
  /** The Markdown source (for editing). Never inject it as HTML. */
  body: string;
  /** Rendered on the server and sanitised: safe to inject. */
  bodyHtml: string;
  /** Plain text, for lists (at most 240 characters). */
  excerpt: string;
  author: AuthorView;
  pinned: boolean;
  replyCount: number;
  reactions: ReactionSummary[];
  createdAt: string;
  editedAt: string | null;
  lastActivityAt: string;
};

export type ReplyView = {
  id: string;
  threadId: string;
  body: string;
  bodyHtml: string;
  author: AuthorView;
  reactions: ReactionSummary[];
  createdAt: string;
  editedAt: string | null;
};

/** A chat message: plain text, always rendered as text. */
export type MessageView = { id: string; userId: string; name: string; text: string; at: string; level: LevelView | null; avatarUrl?: string | null };

export type OnlineMember = { userId: string; name: string };

export type ReportStatus = "open" | "dismissed" | "actioned";
export type ReportView = {
  id: string;
  targetType: TargetType;
  targetId: string;
  /** The thread a reply belongs to (for a link). */
  threadId: string | null;
  reason: string;
  status: ReportStatus;
  reporter: { userId: string; name: string };
  /** What was reported, as it is now. */
  target: { author: { userId: string; name: string }; excerpt: string; hidden: boolean; deleted: boolean };
  createdAt: string;
  decidedAt: string | null;
};

export type MuteView = { userId: string; name: string; until: string; reason: string | null; mutedBy: string };

export type LeaderboardEntry = { rank: number; userId: string; name: string; points: number; level: LevelView | null; avatarUrl?: string | null };

export type PointRules = { thread: number; reply: number; reactionReceived: number };
export type GamificationView = { points: PointRules; levels: LevelView[] };

export type ActivityDay = { date: string; newMembers: number; threads: number; replies: number; messages: number };
export type ActivityView = {
  days: ActivityDay[]; // oldest first, one per day of the period, zeros included
  members: { total: number; new: number };
  totals: { threads: number; replies: number; messages: number };
  mostActive: { userId: string; name: string; threads: number; replies: number; messages: number }[];
};

/** What a group page's socket receives (`GET /api/v1/groups/{slug}/chat`). */
export type RoomEvent =
  | { type: "history"; messages: MessageView[] }
  | { type: "message"; message: MessageView; nonce?: string }
  /** Who is online: sent once to a socket as it connects; then only who comes and goes. */
  | { type: "presence"; online: OnlineMember[] }
  | { type: "online"; member: OnlineMember }
  | { type: "offline"; userId: string }
  | { type: "typing"; userId: string; name: string }
  | { type: "thread"; thread: ThreadView }
  | { type: "reply"; reply: ReplyView }
  | { type: "reactions"; targetType: TargetType; targetId: string; reactions: ReactionSummary[] }
  /** Hidden or deleted: the content disappears from every open page. */
  | { type: "removed"; targetType: TargetType; targetId: string; threadId: string | null }
  /** `nonce`: the message it is about; `until`: the end of a mute (code "muted"). */
  | { type: "error"; code: string; message: string; retryAfter?: number; nonce?: string; until?: string };

/** What the client may send. Anything else is answered with an error event. */
export type ClientEvent = { type: "message"; text: string; nonce?: string } | { type: "typing" };

/** Characters a chat message may hold. */
export const MESSAGE_MAX = 2000;
export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const REASON_MAX = 500;

/** One of the viewer's own posts a moderator hid: shown to its author with the reports' reasons. */
export type HiddenPost = { kind: "thread" | "reply"; id: string; title: string | null; excerpt: string; hiddenAt: string; reasons: string[] };

// ── join queue ──────────────────────────────────────────────────────────────

export type JoinAnswer = { questionId: string; label: string; answer: string };
/** What admins' pages receive: the request as the API shows it. */
export type JoinRequestView = { id: string; userId: string; name: string; email: string; answers: JoinAnswer[]; createdAt: string; avatarUrl?: string | null };
/** What the admins' live join queue socket receives. */
export type QueueEvent =
  | { type: "snapshot"; requests: JoinRequestView[] }
  | { type: "request"; request: JoinRequestView }
  | { type: "decided"; id: string; status: "approved" | "rejected" | "withdrawn" };
/** What an applicant's waiting page hears: its request was decided (an approval once the membership is written). */
export type ApplicantEvent = { type: "decided"; status: "approved" | "rejected" | "withdrawn" };

// ── sockets ─────────────────────────────────────────────────────────────────

/** The most a socket frame from a client may weigh (a message is capped far below). */
export const FRAME_MAX = 16 * 1024;
/** Messages a chat socket is sent as it connects without `since`. */
export const HISTORY_LATEST = 50;
/** Messages per history frame. */
export const HISTORY_FRAME = 200;
/** The most messages a reconnecting socket (with `since`) is sent. */
export const HISTORY_SINCE_MAX = 5000;
/** How far back a connecting page hears of new, changed and removed posts (covers the Worker's page cache). */
export const CATCH_UP_MS = 30_000;
