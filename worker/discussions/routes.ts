import { Hono } from "hono";
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

/** Before the body is read: the group's discussion, for a member allowed `action` (401, 403, 404 first). */
const discussion = load((c, action: Parameters<typeof discussionOf>[1]) => discussionOf(c, action));

export const discussionsApi = new Hono<AppEnv>()
  .use("/groups/:slug/*", forgetAfterWrites)
  // ── threads and replies ──
  // The composers' "@" suggestions: members of the group whose name matches, accents and spaces aside.
  .get("/groups/:slug/mentions", async (c) => {
    const d = await discussionOf(c, "read");
    return c.json({ items: await suggestMentions(d, c.req.query("q") ?? "") });
  })
  .get("/groups/:slug/threads", async (c) => {
    const d = await discussionOf(c, "read");
    const { limit, cursor } = pageParams(c);
    return c.json(await d.room.listThreads(d.scope, d.user.id, limit, decodeOptionalCursor(threadsCursor, cursor)));
  })
  .post("/groups/:slug/threads", discussion.check("post"), json(threadSchema), async (c) => {
    const d = discussion.of(c);
    const thread = await startThread(d, c.req.valid("json"));
    return c.json({ thread }, 201);
  })
  .get("/groups/:slug/threads/:id", async (c) => {
    const d = await discussionOf(c, "read");
    const { limit, cursor } = pageParams(c);
    const found = await d.room.getThread(d.scope, d.user.id, c.req.param("id"), limit, decodeOptionalCursor(repliesCursor, cursor));
    if (!found) throw new ApiError(404, "not_found", "No such thread.");
    return c.json({ thread: found.thread, replies: found.replies.items, nextCursor: found.replies.nextCursor });
  })
  .patch("/groups/:slug/threads/:id", discussion.check("post"), json(editThreadSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    const post = input.body === undefined ? undefined : await renderPost(d, input.body);
    const thread = settle(await d.room.editThread(d.scope, d.actor, c.req.param("id"), input.title, post));
    return c.json({ thread });
  })
  .delete("/groups/:slug/threads/:id", async (c) => {
    const d = await discussionOf(c, "post");
    settle(await d.room.remove(d.scope, d.actor, "thread", c.req.param("id"), "delete"));
    return c.body(null, 204);
  })
  .post("/groups/:slug/threads/:id/pin", discussion.check("moderate"), json(pinSchema), async (c) => {
    const d = discussion.of(c);
    const { pinned } = c.req.valid("json");
    return c.json({ thread: settle(await d.room.setPinned(d.scope, c.req.param("id"), pinned)) });
  })
  .post("/groups/:slug/threads/:id/replies", discussion.check("post"), json(replySchema), async (c) => {
    const d = discussion.of(c);
    const { body } = c.req.valid("json");
    return c.json({ reply: await postReply(d, c.req.param("id"), body) }, 201);
  })
  .patch("/groups/:slug/replies/:id", discussion.check("post"), json(replySchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    const reply = settle(await d.room.editReply(d.scope, d.actor, c.req.param("id"), await renderPost(d, input.body)));
    return c.json({ reply });
  })
  .delete("/groups/:slug/replies/:id", async (c) => {
    const d = await discussionOf(c, "post");
    settle(await d.room.remove(d.scope, d.actor, "reply", c.req.param("id"), "delete"));
    return c.body(null, 204);
  })
  // ── reactions ──
  .put("/groups/:slug/reactions/:targetType/:targetId/:key", async (c) => {
    const d = await discussionOf(c, "react");
    const type = field(targetTypeSchema, c.req.param("targetType"), "targetType");
    const key = field(reactionKeySchema, c.req.param("key"), "key");
    return c.json({ reactions: settle(await d.room.react(d.scope, d.actor, type, c.req.param("targetId"), key, true)) });
  })
  .delete("/groups/:slug/reactions/:targetType/:targetId/:key", async (c) => {
    const d = await discussionOf(c, "react");
    const type = field(targetTypeSchema, c.req.param("targetType"), "targetType");
    const key = field(reactionKeySchema, c.req.param("key"), "key");
    return c.json({ reactions: settle(await d.room.react(d.scope, d.actor, type, c.req.param("targetId"), key, false)) });
  })
  // ── chat ──
  // Members only: the session and the membership are checked here, before the upgrade reaches the room.
  .get("/groups/:slug/chat", async (c) => {
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
  .get("/groups/:slug/messages", async (c) => {
    const d = await discussionOf(c, "read");
    const { limit } = pageParams(c);
    const cursor = c.req.query("cursor");
    // The history's nextCursor is the last message id: `?before=` documents it, `?cursor=` is the list convention.
    const before = c.req.query("before") !== undefined || !cursor ? beforeParam(c.req.query("before")) : MESSAGE_ID.test(cursor) ? Number(cursor) : null;
    if (cursor && c.req.query("before") === undefined && before === null) throw invalidCursor();
    return c.json(await d.room.messages(d.scope, before, limit));
  })
  .post("/groups/:slug/messages", discussion.check("post"), json(messageSchema), async (c) => {
    const d = discussion.of(c);
    const { text } = c.req.valid("json");
    return c.json({ message: settle(await d.room.postMessage(d.scope, d.actor, text)) }, 201);
  })
  .delete("/groups/:slug/messages/:id", async (c) => {
    const d = await discussionOf(c, "post");
    settle(await d.room.remove(d.scope, d.actor, "message", c.req.param("id"), "delete"));
    return c.body(null, 204);
  })
  .get("/groups/:slug/online", async (c) => {
    const d = await discussionOf(c, "read");
    return c.json({ items: await d.room.online(), nextCursor: null });
  })
  // ── reports and moderation ──
  .post("/groups/:slug/reports", discussion.check("report"), json(reportSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    return c.json({ report: settle(await d.room.report(d.scope, d.actor, input.targetType, input.targetId, input.reason)) }, 201);
  })
  .get("/groups/:slug/reports", discussion.check("moderate"), guard(pageParams), query(z.object({ status: reportStatusSchema.prefault("open") })), async (c) => {
    const d = discussion.of(c);
    const { limit, cursor } = pageParams(c);
    return c.json(await d.room.listReports(d.scope, c.req.valid("query").status, limit, decodeOptionalCursor(reportsCursor, cursor)));
  })
  .post("/groups/:slug/reports/:id/dismiss", async (c) => {
    const d = await discussionOf(c, "moderate");
    return c.json({ report: settle(await d.room.dismissReport(d.scope, d.actor, c.req.param("id"))) });
  })
  .post("/groups/:slug/moderation/hide", discussion.check("moderate"), json(targetSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    settle(await d.room.remove(d.scope, d.actor, input.targetType, input.targetId, "hide"));
    return c.body(null, 204);
  })
  .post("/groups/:slug/moderation/unhide", discussion.check("moderate"), json(targetSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    settle(await d.room.unhide(d.scope, input.targetType, input.targetId));
    return c.body(null, 204);
  })
  .post("/groups/:slug/moderation/delete", discussion.check("moderate"), json(targetSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    settle(await d.room.remove(d.scope, d.actor, input.targetType, input.targetId, "delete"));
    return c.body(null, 204);
  })
  .get("/groups/:slug/mutes", async (c) => {
    const d = await discussionOf(c, "moderate");
    return c.json({ items: await d.room.listMutes(d.scope), nextCursor: null });
  })
  .post("/groups/:slug/mutes", discussion.check("moderate"), json(muteSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    const target = await muteTarget(d, input.userId);
    const mute = await d.room.mute(d.scope, d.actor, target, Date.now() + input.minutes * 60_000, input.reason || null);
    return c.json({ mute }, 201);
  })
  .delete("/groups/:slug/mutes/:userId", async (c) => {
    const d = await discussionOf(c, "moderate");
    if (!(await d.room.unmute(d.scope, c.req.param("userId")))) throw new ApiError(404, "not_found", "This member is not muted.");
    return c.body(null, 204);
  })
  // ── activity and levels ──
  .get("/groups/:slug/activity", discussion.check("viewActivity"), query(z.object({ days: daysSchema.prefault("30") })), async (c) => {
    return c.json(await groupActivity(discussion.of(c), c.req.valid("query").days));
  })
  .get("/groups/:slug/leaderboard", async (c) => {
    const d = await discussionOf(c, "read");
    const { limit } = pageParams(c);
    const [items, gamification] = await Promise.all([d.room.leaderboard(d.scope, limit), d.room.gamification(d.scope)]);
    return c.json({ items, nextCursor: null, levels: gamification.levels, points: gamification.points });
  })
  .get("/groups/:slug/gamification", async (c) => {
    const d = await discussionOf(c, "read");
    return c.json(await d.room.gamification(d.scope));
  })
  .put("/groups/:slug/gamification", discussion.check("configureLevels"), json(gamificationSchema), async (c) => {
    const d = discussion.of(c);
    const input = c.req.valid("json");
    return c.json(await d.room.setGamification(d.scope, input));
  });
