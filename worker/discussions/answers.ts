import { z } from "zod";
import { REACTIONS } from "../room/protocol";
import { isoTime, pageOf } from "../groups/answers";

/**
 * What the discussions API answers (`routes.ts`), for the OpenAPI document: written from the
 * room's wire protocol (room/protocol.ts: `ThreadView`, `ReplyView`, `MessageView`,
 * `ReportView`, `MuteView`, `LeaderboardEntry`, `GamificationView`, `ActivityView`), which the
 * room's answers are typed against. `answers.test.ts` parses real answers with them.
 */

export const levelAnswer = z.object({ level: z.number().int(), name: z.string(), minPoints: z.number().int(), badge: z.string().nullable() });

export const authorAnswer = z.object({ userId: z.string(), name: z.string(), level: levelAnswer.nullable(), avatarUrl: z.string().nullable() });

export const reactionKeyAnswer = z.enum(REACTIONS);
/** `mine`: whether the reader reacted so. */
export const reactionAnswer = z.object({ key: reactionKeyAnswer, count: z.number().int(), mine: z.boolean() });

export const threadAnswer = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string().describe("The Markdown source (for editing); never inject it as HTML."),
  bodyHtml: z.string().describe("Rendered on the server and sanitised: safe to inject."),
  excerpt: z.string(),
  author: authorAnswer,
  pinned: z.boolean(),
  replyCount: z.number().int(),
  reactions: z.array(reactionAnswer),
  createdAt: isoTime,
  editedAt: isoTime.nullable(),
  lastActivityAt: isoTime,
});

export const replyAnswer = z.object({
  id: z.string(),
  threadId: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  author: authorAnswer,
  reactions: z.array(reactionAnswer),
  createdAt: isoTime,
  editedAt: isoTime.nullable(),
});

/** A thread with a page of its replies, oldest first. */
export const threadWithRepliesAnswer = z.object({ thread: threadAnswer, replies: z.array(replyAnswer), nextCursor: z.string().nullable() });

/** A chat message: plain text. */
export const messageAnswer = z.object({ id: z.string(), userId: z.string(), name: z.string(), text: z.string(), at: isoTime, level: levelAnswer.nullable(), avatarUrl: z.string().nullable() });

export const onlineMemberAnswer = z.object({ userId: z.string(), name: z.string() });

export const mentionAnswer = z.object({ userId: z.string(), name: z.string(), avatarUrl: z.string().nullable() });

export const targetTypeAnswer = z.enum(["thread", "reply", "message"]);

export const reportAnswer = z.object({
  id: z.string(),
  targetType: targetTypeAnswer,
  targetId: z.string(),
  threadId: z.string().nullable(),
  reason: z.string(),
  status: z.enum(["open", "dismissed", "actioned"]),
  reporter: z.object({ userId: z.string(), name: z.string() }),
  target: z.object({ author: z.object({ userId: z.string(), name: z.string() }), excerpt: z.string(), hidden: z.boolean(), deleted: z.boolean() }),
  createdAt: isoTime,
  decidedAt: isoTime.nullable(),
});

export const muteAnswer = z.object({ userId: z.string(), name: z.string(), until: isoTime, reason: z.string().nullable(), mutedBy: z.string() });

export const leaderboardEntryAnswer = z.object({ rank: z.number().int(), userId: z.string(), name: z.string(), points: z.number().int(), level: levelAnswer.nullable(), avatarUrl: z.string().nullable() });

export const pointRulesAnswer = z.object({ thread: z.number().int(), reply: z.number().int(), reactionReceived: z.number().int() });
export const gamificationAnswer = z.object({ points: pointRulesAnswer, levels: z.array(levelAnswer) });

/** The leaderboard (no further page), with the levels and point rules. */
export const leaderboardAnswer = pageOf(leaderboardEntryAnswer).extend({ levels: z.array(levelAnswer), points: pointRulesAnswer });

export const activityAnswer = z.object({
  days: z.array(z.object({ date: z.iso.date(), newMembers: z.number().int(), threads: z.number().int(), replies: z.number().int(), messages: z.number().int() })),
  members: z.object({ total: z.number().int(), new: z.number().int() }),
  totals: z.object({ threads: z.number().int(), replies: z.number().int(), messages: z.number().int() }),
  mostActive: z.array(z.object({ userId: z.string(), name: z.string(), threads: z.number().int(), replies: z.number().int(), messages: z.number().int() })),
});
