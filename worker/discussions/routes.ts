import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { pageParams } from "../http/pagination";
import { guard, json, load, parseWith, query } from "../http/validate";
import { discussionOf, forgetAfterWrites } from "./html";
import {
  editThreadSchema,
  gamificationSchema,
  groupActivity,
  messageSchema,
  muteSchema,
  pinSchema,
  postReply,
  reactionKeySchema,
  renderPost,
  replySchema,
  reportSchema,
  reportStatusSchema,
  settle,
  startThread,
  targetSchema,
  targetTypeSchema,
  threadSchema,
  muteTarget,
  suggestMentions,
} from "./service";
import { decodeOptionalCursor, invalidCursor } from "../http/cursor";
import { repliesCursor, reportsCursor, threadsCursor } from "../room/discussions";
import { closestLang, msg } from "../../web/i18n";
import { doc, type RouteDoc } from "../openapi/describe";
import { pageOf, pageQuery } from "../groups/answers";
import {
  activityAnswer,
  gamificationAnswer,
  leaderboardAnswer,
  mentionAnswer,
  messageAnswer,
  muteAnswer,
  onlineMemberAnswer,
  reactionAnswer,
  replyAnswer,
  reportAnswer,
  threadAnswer,
  threadWithRepliesAnswer,
} from "./answers";

/** The refusals of every discussion route: the group unknown, the reader not a member of it. */
const MEMBERS = { 403: ["members_only"], 404: ["not_found"] } as const satisfies RouteDoc["errors"];
/** Moderators' and admins' routes: a member below the role gets `forbidden`. */
const STAFF = { 403: ["members_only", "forbidden"], 404: ["not_found"] } as const satisfies RouteDoc["errors"];
/** The author's own posts: someone else's is `not_author`. */
const AUTHOR = { 403: ["members_only", "not_author"], 404: ["not_found"] } as const satisfies RouteDoc["errors"];
/** A list's `?limit=` and `?cursor=`. */
const PAGED = { 400: ["invalid_cursor"], 422: ["validation_failed"] } as const satisfies RouteDoc["errors"];

const daysSchema = z.enum(["7", "30", "90"], { error: "days must be 7, 30 or 90" }).transform(Number);
const MESSAGE_ID = /^[1-9][0-9]{0,15}$/;

/** One path or query parameter, refused with a 422 naming it. */
function field<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  return (parseWith(z.object({ [name]: schema }), { [name]: value }) as Record<string, z.output<S>>)[name]!;
}

/** `?before=` (or `?cursor=`) of the chat history: a message id. */
function beforeParam(raw: string | null | undefined): number | null {
  if (raw === undefined || raw === null || raw === "") return null;
  if (!MESSAGE_ID.test(raw)) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { before: msg("field.invalid") });
  return Number(raw);
}

/** An author (or a moderator) deletes a thread, a reply or a chat message: 204. */
async function deleted(c: Context<AppEnv>, kind: "thread" | "reply" | "message", id: string) {
  const d = await discussionOf(c, "post");
  settle(await d.room.remove(d.scope, d.actor, kind, id, "delete"));
  return c.body(null, 204);
}

/** A member adds (`on`) or takes back a reaction to a thread or a reply. */
async function reacted(c: Context<AppEnv>, params: { targetType: string; targetId: string; key: string }, on: boolean) {
  const d = await discussionOf(c, "react");
  const type = field(targetTypeSchema, params.targetType, "targetType");
  const key = field(reactionKeySchema, params.key, "key");
  return c.json({ reactions: settle(await d.room.react(d.scope, d.actor, type, params.targetId, key, on)) });
}

/** Before the body is read: the group's discussion, for a member allowed `action` (401, 403, 404 first). */
const discussion = load((c, action: Parameters<typeof discussionOf>[1]) => discussionOf(c, action));

export const discussionsApi = new Hono<AppEnv>()
  .use("/groups/:slug/*", forgetAfterWrites)
  // ── threads and replies ──
  // The composers' "@" suggestions: members of the group whose name matches, accents and spaces aside.
  .get(
    "/groups/:slug/mentions",
    doc({
      summary: "Members of the group whose name starts with what was typed after \"@\" (at most 8)",
      answers: { 200: z.object({ items: z.array(mentionAnswer) }) },
      errors: MEMBERS,
      query: z.object({ q: z.string().optional().describe("What was typed after the @.") }),
    }),
    async (c) => {
    const d = await discussionOf(c, "read");
    return c.json({ items: await suggestMentions(d, c.req.query("q") ?? "") });
  })
  .get(
    "/groups/:slug/threads",
    doc({
      summary: "List a group's threads: pinned first, then newest activity first",
      answers: { 200: pageOf(threadAnswer) },
      errors: { ...MEMBERS, ...PAGED },
      query: pageQuery,
    }),
    async (c) => {
    const d = await discussionOf(c, "read");
    const { limit, cursor } = pageParams(c);
    return c.json(await d.room.listThreads(d.scope, d.user.id, limit, decodeOptionalCursor(threadsCursor, cursor)));
  })
  .post(
    "/groups/:slug/threads",
    doc({
      summary: "Start a thread (Markdown body; mentioned members are emailed)",
      answers: { 201: z.object({ thread: threadAnswer }) },
      errors: { 403: ["members_only", "muted"], 404: ["not_found"], 429: ["rate_limited"] },
    }),
    discussion.check("post"), json(threadSchema), async (c) => {
    const d = discussion.of(c);
    const thread = await startThread(d, c.req.valid("json"));
    return c.json({ thread }, 201);
  })
  .get(
    "/groups/:slug/threads/:id",
    doc({
      summary: "Read a thread with a page of its replies, oldest first",
      answers: { 200: threadWithRepliesAnswer },
      errors: { ...MEMBERS, ...PAGED },
      query: pageQuery,
    }),
    async (c) => {
    const d = await discussionOf(c, "read");
    const { limit, cursor } = pageParams(c);
    const found = await d.room.getThread(d.scope, d.user.id, c.req.param("id"), limit, decodeOptionalCursor(repliesCursor, cursor));
    if (!found) throw new ApiError(404, "not_found", "No such thread.");
    return c.json({ thread: found.thread, replies: found.replies.items, nextCursor: found.replies.nextCursor });
  })
  .patch(
    "/groups/:slug/threads/:id",
    doc({ summary: "Edit one's own thread (title, body or both)", answers: { 200: z.object({ thread: threadAnswer }) }, errors: AUTHOR }),
    discussion.check("post"), json(editThreadSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    const post = input.body === undefined ? undefined : await renderPost(d, input.body);
    const thread = settle(await d.room.editThread(d.scope, d.actor, c.req.param("id"), input.title, post));
    return c.json({ thread });
  })
  .delete(
    "/groups/:slug/threads/:id",
    doc({ summary: "Delete a thread (its author or a moderator)", answers: { 204: null }, errors: AUTHOR }),
    (c) => deleted(c, "thread", c.req.param("id")))
  .post(
    "/groups/:slug/threads/:id/pin",
    doc({ summary: "Pin or unpin a thread (moderators)", answers: { 200: z.object({ thread: threadAnswer }) }, errors: STAFF }),
    discussion.check("moderate"), json(pinSchema), async (c) => {
    const d = discussion.of(c);
    const { pinned } = c.req.valid("json");
    return c.json({ thread: settle(await d.room.setPinned(d.scope, c.req.param("id"), pinned)) });
  })
  .post(
    "/groups/:slug/threads/:id/replies",
    doc({
      summary: "Reply to a thread (Markdown body; mentioned members are emailed)",
      answers: { 201: z.object({ reply: replyAnswer }) },
      errors: { 403: ["members_only", "muted"], 404: ["not_found"], 429: ["rate_limited"] },
    }),
    discussion.check("post"), json(replySchema), async (c) => {
    const d = discussion.of(c);
    const { body } = c.req.valid("json");
    return c.json({ reply: await postReply(d, c.req.param("id"), body) }, 201);
  })
  .patch(
    "/groups/:slug/replies/:id",
    doc({ summary: "Edit one's own reply", answers: { 200: z.object({ reply: replyAnswer }) }, errors: AUTHOR }),
    discussion.check("post"), json(replySchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    const reply = settle(await d.room.editReply(d.scope, d.actor, c.req.param("id"), await renderPost(d, input.body)));
    return c.json({ reply });
  })
  .delete(
    "/groups/:slug/replies/:id",
    doc({ summary: "Delete a reply (its author or a moderator)", answers: { 204: null }, errors: AUTHOR }),
    (c) => deleted(c, "reply", c.req.param("id")))
  // ── reactions ──
  .put(
    "/groups/:slug/reactions/:targetType/:targetId/:key",
    doc({
      summary: "React to a thread or a reply; answers the post's reactions",
      answers: { 200: z.object({ reactions: z.array(reactionAnswer) }) },
      errors: { ...MEMBERS, 422: ["validation_failed"] },
    }),
    (c) => reacted(c, c.req.param(), true))
  .delete(
    "/groups/:slug/reactions/:targetType/:targetId/:key",
    doc({
      summary: "Take back one's reaction to a thread or a reply",
      answers: { 200: z.object({ reactions: z.array(reactionAnswer) }) },
      errors: { ...MEMBERS, 422: ["validation_failed"] },
    }),
    (c) => reacted(c, c.req.param(), false))
  // ── chat ──
  // Members only: the session and the membership are checked here, before the upgrade reaches the room.
  .get(
    "/groups/:slug/chat",
    doc({
      summary: "The group's live chat (WebSocket), for members",
      description:
        "A WebSocket upgrade (101). The server sends `{type: \"history\", messages}` (every message after `since`, or the latest), then `{type: \"message\", message: {id, userId, name, text, at}}` for each new message, and presence, typing, thread, reply, reaction and removal events; the client sends `{type: \"message\", text}` or `{type: \"typing\"}`. Without `Upgrade: websocket` it answers 426 `upgrade_required`.",
      answers: {},
      errors: { ...MEMBERS, 422: ["validation_failed"] },
      query: z.object({ since: z.string().optional().describe("The id of the last message received: every later one is sent first.") }),
    }),
    async (c) => {
    const d = await discussionOf(c, "read");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Open this URL as a WebSocket.");
    const since = c.req.query("since");
    if (since !== undefined && since !== "" && !MESSAGE_ID.test(since)) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { since: msg("field.invalid") });
    const headers = new Headers({ upgrade: "websocket", "x-user-id": d.user.id, "x-user-name": encodeURIComponent(d.user.name), "x-moderator": d.actor.moderator ? "1" : "0", "x-lang": closestLang(c.get("language"), d.tenant.defaultLanguage) });
    if (d.actor.avatarUrl !== undefined) headers.set("x-user-avatar", d.actor.avatarUrl ?? "");
    for (const h of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions"]) {
      const v = c.req.header(h);
      if (v) headers.set(h, v);
    }
    return d.room.fetch(new Request(`https://room/chat?channel=chat${since ? `&since=${since}` : ""}`, { headers }));
  })
  .get(
    "/groups/:slug/messages",
    doc({
      summary: "The stored chat history, newest first",
      answers: { 200: pageOf(messageAnswer) },
      errors: { ...MEMBERS, ...PAGED },
      query: pageQuery.extend({ before: z.string().optional().describe("A message id: only older messages (the `nextCursor` of the previous page).") }),
    }),
    async (c) => {
    const d = await discussionOf(c, "read");
    const { limit } = pageParams(c);
    const cursor = c.req.query("cursor");
    // The history's nextCursor is the last message id: `?before=` documents it, `?cursor=` is the list convention.
    const before = c.req.query("before") !== undefined || !cursor ? beforeParam(c.req.query("before")) : MESSAGE_ID.test(cursor) ? Number(cursor) : null;
    if (cursor && c.req.query("before") === undefined && before === null) throw invalidCursor();
    return c.json(await d.room.messages(d.scope, before, limit));
  })
  .post(
    "/groups/:slug/messages",
    doc({
      summary: "Post a chat message (stored, then sent to every open chat)",
      answers: { 201: z.object({ message: messageAnswer }) },
      errors: { 403: ["members_only", "muted"], 404: ["not_found"], 422: ["invalid", "too_long"], 429: ["rate_limited"] },
    }),
    discussion.check("post"), json(messageSchema), async (c) => {
    const d = discussion.of(c);
    const { text } = c.req.valid("json");
    return c.json({ message: settle(await d.room.postMessage(d.scope, d.actor, text)) }, 201);
  })
  .delete(
    "/groups/:slug/messages/:id",
    doc({ summary: "Delete a chat message (its author or a moderator)", answers: { 204: null }, errors: AUTHOR }),
    (c) => deleted(c, "message", c.req.param("id")))
  .get(
    "/groups/:slug/online",
    doc({ summary: "Members with the group's chat open now", answers: { 200: pageOf(onlineMemberAnswer) }, errors: MEMBERS }),
    async (c) => {
    const d = await discussionOf(c, "read");
    return c.json({ items: await d.room.online(), nextCursor: null });
  })
  // ── reports and moderation ──
  .post(
    "/groups/:slug/reports",
    doc({
      summary: "Report a thread, a reply or a chat message to the group's moderators",
      answers: { 201: z.object({ report: reportAnswer }) },
      errors: { ...MEMBERS, 409: ["already_reported"], 422: ["validation_failed"] },
    }),
    discussion.check("report"), json(reportSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    return c.json({ report: settle(await d.room.report(d.scope, d.actor, input.targetType, input.targetId, input.reason)) }, 201);
  })
  .get(
    "/groups/:slug/reports",
    doc({
      summary: "List a group's reports, newest first (moderators)",
      answers: { 200: pageOf(reportAnswer) },
      errors: { ...STAFF, ...PAGED },
      query: pageQuery,
    }),
    discussion.check("moderate"), guard(pageParams), query(z.object({ status: reportStatusSchema.prefault("open") })), async (c) => {
    const d = discussion.of(c);
    const { limit, cursor } = pageParams(c);
    return c.json(await d.room.listReports(d.scope, c.req.valid("query").status, limit, decodeOptionalCursor(reportsCursor, cursor)));
  })
  .post(
    "/groups/:slug/reports/:id/dismiss",
    doc({ summary: "Dismiss an open report (moderators)", answers: { 200: z.object({ report: reportAnswer }) }, errors: { ...STAFF, 409: ["report_closed"] } }),
    async (c) => {
    const d = await discussionOf(c, "moderate");
    return c.json({ report: settle(await d.room.dismissReport(d.scope, d.actor, c.req.param("id"))) });
  })
  .post(
    "/groups/:slug/moderation/hide",
    doc({ summary: "Hide a thread, a reply or a chat message (moderators)", answers: { 204: null }, errors: STAFF }),
    discussion.check("moderate"), json(targetSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    settle(await d.room.remove(d.scope, d.actor, input.targetType, input.targetId, "hide"));
    return c.body(null, 204);
  })
  .post(
    "/groups/:slug/moderation/unhide",
    doc({ summary: "Bring hidden content back (moderators)", answers: { 204: null }, errors: STAFF }),
    discussion.check("moderate"), json(targetSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    settle(await d.room.unhide(d.scope, input.targetType, input.targetId));
    return c.body(null, 204);
  })
  .post(
    "/groups/:slug/moderation/delete",
    doc({ summary: "Delete anyone's thread, reply or chat message (moderators)", answers: { 204: null }, errors: STAFF }),
    discussion.check("moderate"), json(targetSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    settle(await d.room.remove(d.scope, d.actor, input.targetType, input.targetId, "delete"));
    return c.body(null, 204);
  })
  .get(
    "/groups/:slug/mutes",
    doc({ summary: "Members muted now (moderators)", answers: { 200: pageOf(muteAnswer) }, errors: STAFF }),
    async (c) => {
    const d = await discussionOf(c, "moderate");
    return c.json({ items: await d.room.listMutes(d.scope), nextCursor: null });
  })
  .post(
    "/groups/:slug/mutes",
    doc({
      summary: "Mute a member below one's own role for a while (moderators)",
      answers: { 201: z.object({ mute: muteAnswer }) },
      errors: { ...STAFF, 422: ["validation_failed"] },
    }),
    discussion.check("moderate"), json(muteSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    const target = await muteTarget(d, input.userId);
    const mute = await d.room.mute(d.scope, d.actor, target, Date.now() + input.minutes * 60_000, input.reason || null);
    return c.json({ mute }, 201);
  })
  .delete(
    "/groups/:slug/mutes/:userId",
    doc({ summary: "End a member's mute (moderators)", answers: { 204: null }, errors: STAFF }),
    async (c) => {
    const d = await discussionOf(c, "moderate");
    if (!(await d.room.unmute(d.scope, c.req.param("userId")))) throw new ApiError(404, "not_found", "This member is not muted.");
    return c.body(null, 204);
  })
  // ── activity and levels ──
  .get(
    "/groups/:slug/activity",
    doc({ summary: "A group's activity per day over 7, 30 or 90 days (group admins)", answers: { 200: activityAnswer }, errors: STAFF }),
    discussion.check("viewActivity"), query(z.object({ days: daysSchema.prefault("30") })), async (c) => {
    return c.json(await groupActivity(discussion.of(c), c.req.valid("query").days));
  })
  .get(
    "/groups/:slug/leaderboard",
    doc({
      summary: "The group's members by points, with the levels and point rules",
      answers: { 200: leaderboardAnswer },
      errors: { ...MEMBERS, 422: ["validation_failed"] },
      query: pageQuery.pick({ limit: true }),
    }),
    async (c) => {
    const d = await discussionOf(c, "read");
    const { limit } = pageParams(c);
    const [items, gamification] = await Promise.all([d.room.leaderboard(d.scope, limit), d.room.gamification(d.scope)]);
    return c.json({ items, nextCursor: null, levels: gamification.levels, points: gamification.points });
  })
  .get(
    "/groups/:slug/gamification",
    doc({ summary: "The group's levels and point rules", answers: { 200: gamificationAnswer }, errors: MEMBERS }),
    async (c) => {
    const d = await discussionOf(c, "read");
    return c.json(await d.room.gamification(d.scope));
  })
  .put(
    "/groups/:slug/gamification",
    doc({ summary: "Set the group's levels and point rules (group admins)", answers: { 200: gamificationAnswer }, errors: STAFF }),
    discussion.check("configureLevels"), json(gamificationSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    return c.json(await d.room.setGamification(d.scope, input));
  });
