import { Hono, type Context, type MiddlewareHandler } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { VNode } from "preact";
import { t, type MessageKey } from "../../web/i18n";
import { GroupActivityPage } from "../../web/pages/discussions/admin-activity";
import { GroupLevelsPage } from "../../web/pages/discussions/admin-levels";
import { ChatPage, chatPageTitle } from "../../web/pages/discussions/chat";
import type { GamificationView, ReplyView, TargetType } from "../room/protocol";
import { groupBrand } from "../../web/pages/groups/shared";
import { LeaderboardPage } from "../../web/pages/discussions/leaderboard";
import { ModerationPage } from "../../web/pages/discussions/moderation";
import { HiddenThreadPage, ThreadPage, type ThreadPageProps } from "../../web/pages/discussions/thread";
import type { AppEnv } from "../env";
import { renderGroupPageOf } from "../groups/html";
import { groupView } from "../groups/service";
import { ApiError, notFound } from "../http/errors";
import { groupFromRequest } from "../groups/request";
import { requestOrigin } from "../http/context";
import { deliverSoon } from "../mail/deliver";
import { formAction, readForm, signedIn, withDone, type Form, type FormFailure } from "../http/forms";
import { doneNotice, groupPageContext, pageContext, renderWith } from "../http/render";
import { issueMessage, parseWith } from "../http/validate";
import { membershipState } from "../groups/membership";
import { canDiscuss, type DiscussionAction } from "./policy";
import { discussionFor, editThread, editThreadSchema, forgetGroupPage, gamificationSchema, groupActivity, muteSchema, muteTarget, postReply, reactionKeySchema, renderPost, replySchema, reportSchema, reportStatusSchema, settle, startThread, targetSchema, threadSchema, type Discussion, type DiscussionRequest } from "./service";
import { decodeOptionalCursor } from "../http/cursor";
import { repliesCursor, reportsCursor } from "../room/discussions";

/** What a redirect after a form may announce (`?done=`), and nothing else. */
const NOTICES: Record<string, MessageKey> = {
  thread_deleted: "notice.discussion.thread_deleted",
  reply_deleted: "notice.discussion.reply_deleted",
  reported: "notice.discussion.reported",
  already_reported: "error.already_reported",
  hidden: "notice.discussion.hidden",
  unhidden: "notice.discussion.unhidden",
  removed: "notice.discussion.removed",
  dismissed: "notice.discussion.dismissed",
  muted: "notice.discussion.muted",
  unmuted: "notice.discussion.unmuted",
  pinned: "notice.discussion.pinned",
  unpinned: "notice.discussion.unpinned",
  saved: "admin.notice.saved",
  failed: "error.generic",
  not_found: "error.not_found",
};


const notice = (c: Context<AppEnv>) => doneNotice(c, NOTICES);

const groupPath = (slug: string, rest = "") => `/g/${encodeURIComponent(slug)}${rest}`;
const threadPath = (slug: string, id: string) => groupPath(slug, `/t/${encodeURIComponent(id)}`);

/** Where a form may send the reader back: a page of this group, never elsewhere. */
function backTo(slug: string, raw: string | undefined, fallback: string): string {
  const base = groupPath(slug);
  if (!raw || !(raw === base || raw.startsWith(`${base}/`) || raw.startsWith(`${base}?`) || raw.startsWith(`${base}#`)) || raw.includes("//") || raw.includes("\\")) return fallback;
  return raw;
}

const see = (c: Context<AppEnv>, path: string) => c.redirect(path, 303);

// ── the request's discussion (the HTTP side of discussionFor, for these pages and routes.ts) ──

/** The group a writing request touched, to forget its page again once the write is done. */
const touched = new WeakMap<Request, { tenantId: string; groupId: string }>();

/** What `discussionFor` needs, read from the request: the group (by `slug`, else the path's), the reader, where mail links go. */
async function discussionRequest(c: Context<AppEnv>, slug?: string): Promise<DiscussionRequest> {
  const { tenant, t, ctx } = await groupFromRequest(c, slug);
  const mail = { origin: requestOrigin(c), deliverSoon: () => deliverSoon(c) };
  return { env: c.env, tenant, t, ctx, user: c.get("user"), avatarUrl: c.get("avatarUrl"), language: c.get("language"), writes: c.req.method !== "GET", mail };
}

function opened(c: Context<AppEnv>, req: DiscussionRequest, action: DiscussionAction): Discussion {
  const d = discussionFor(req, action);
  if (req.writes) touched.set(c.req.raw, { tenantId: d.tenant.id, groupId: d.ctx.group.id });
  return d;
}

/** The discussion of the request's group for its reader, allowed `action` (401 for a visitor, 403 otherwise). */
export async function discussionOf(c: Context<AppEnv>, action: DiscussionAction, slug?: string): Promise<Discussion> {
  return opened(c, await discussionRequest(c, slug), action);
}

/**
 * Middleware for the discussion routes: forgets the group's page copy after a write has
 * landed too (a page view between the first forget and the write could have cached the
 * state before it).
 */
export const forgetAfterWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const group = touched.get(c.req.raw);
  if (group) forgetGroupPage(group.tenantId, group.groupId);
};

/**
 * The group's pages behind membership. A visitor is sent to log in and come back; a
 * signed-in non-member to the group page (which offers to join).
 */
async function memberPage(c: Context<AppEnv>, action: DiscussionAction = "read"): Promise<Discussion | Response> {
  const signedOut = signedIn(c);
  if (signedOut) return signedOut;
  const req = await discussionRequest(c);
  if (!canDiscuss(req.ctx.actor, "read")) return see(c, groupPath(c.req.param("slug") ?? ""));
  return opened(c, req, action);
}

async function viewOf(c: Context<AppEnv>, d: Discussion) {
  const membership = await membershipState(c.env, d.t, d.ctx, d.user);
  return groupView(c.env, d.tenant, d.ctx, membership);
}

function renderGroupPage(c: Context<AppEnv>, view: ReturnType<typeof groupView>, title: string, body: VNode, status: ContentfulStatusCode = 200) {
  const pctx = groupPageContext(c, view.branding);
  return renderWith(c, pctx, { title, body, brand: groupBrand(view) }, status);
}

/** Form errors as the discussion forms show them: a refusal without fields is the form's own error (`errors.form`). */
function formErrors(c: Context<AppEnv>, { err, errors, formError }: FormFailure): Record<string, string> {
  if (formError === undefined) return errors;
  return { ...errors, form: err.code === "rate_limited" ? t(pageContext(c).lang, "error.posting_too_fast") : formError };
}

/** A post that is gone is the 404 page, not the form again. */
const shownOnForm = (err: ApiError) => err.status < 500 && err.status !== 404;

const mutedIso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function renderThread(c: Context<AppEnv>, d: Discussion, threadId: string, extra: Partial<ThreadPageProps> = {}, status: ContentfulStatusCode = 200) {
  const cursor = decodeOptionalCursor(repliesCursor, c.req.query("cursor"));
  const [found, standing, view] = await Promise.all([d.room.getThread(d.scope, d.user.id, threadId, 50, cursor), d.room.standing(d.scope, d.user.id), viewOf(c, d)]);
  if (!found) {
    // Its author is told why it is gone; everyone else gets the plain 404.
    const own = (await d.room.hiddenForAuthor(d.scope, d.user.id, threadId)).find((p) => p.kind === "thread");
    if (!own) throw notFound("No such thread.");
    const pctx = groupPageContext(c, view.branding);
    return renderWith(c, pctx, { title: `${own.title ?? ""} · ${view.name}`, body: HiddenThreadPage({ ctx: pctx, group: view, post: own }), brand: groupBrand(view) }, 200);
  }
  const edit = c.req.query("edit");
  const editing: ThreadPageProps["editing"] = extra.editing ?? (edit === "thread" ? { kind: "thread" } : edit ? { kind: "reply", id: edit } : null);
  const pctx = groupPageContext(c, view.branding);
  const body = ThreadPage({
    ctx: pctx,
    group: view,
    thread: found.thread,
    replies: found.replies.items,
    nextCursor: found.replies.nextCursor,
    me: { userId: d.user.id, name: d.user.name },
    canModerate: d.can("moderate"),
    mutedUntil: mutedIso(standing.mutedUntil),
    hiddenMine: found.hiddenMine,
    ...notice(c),
    ...extra,
    editing,
  });
  return renderWith(c, pctx, { title: `${found.thread.title} · ${view.name}`, body, brand: groupBrand(view) }, status);
}

/** What a form on a thread page does: its action, the page's part showing the form again with its errors, where to go after. */
type ThreadForm<T> = { run: () => Promise<T>; page: (errors: Record<string, string>) => Partial<ThreadPageProps>; done: (result: T) => string };

/**
 * A form posted on a thread page (a reply, an edit): the thread again with the form as
 * typed and what to fix on a refusal; a post that is gone is the 404 page.
 */
async function onThread<T>(c: Context<AppEnv>, d: Discussion, threadId: string, of: (form: Form) => ThreadForm<T>): Promise<Response> {
  const action = of(await readForm(c));
  return formAction(c, {
    shows: shownOnForm,
    run: action.run,
    render: (f) => renderThread(c, d, threadId, action.page(formErrors(c, f)), f.status),
    done: action.done,
  });
}

const pinForm = z.object({ pinned: z.enum(["1", "0"], { error: "pinned must be 1 or 0" }) });

export const discussionPages = new Hono<AppEnv>()
  .use("/g/:slug/*", forgetAfterWrites)
  .use("/admin/groups/:slug/*", forgetAfterWrites)
  // ── thread page ──
  .get("/g/:slug/t/:id", async (c) => {
    const d = await memberPage(c);
    if (d instanceof Response) return d;
    return renderThread(c, d, c.req.param("id"));
  })
  .post("/g/:slug/threads", async (c) => {
    const d = await memberPage(c, "post");
    if (d instanceof Response) return d;
    const form = await readForm(c);
    return formAction(c, {
      run: () => startThread(d, parseWith(threadSchema, form.values)),
      // The group page again, with what was typed and what to fix.
      render: (f) => renderGroupPageOf(c, d.ctx.group.slug, { values: { title: form.str("title"), body: form.str("body") }, errors: formErrors(c, f) }, f.status),
      done: (thread) => threadPath(d.ctx.group.slug, thread.id),
    });
  })
  .post("/g/:slug/t/:id/replies", async (c) => {
    const d = await memberPage(c, "post");
    if (d instanceof Response) return d;
    const threadId = c.req.param("id");
    return onThread(c, d, threadId, (form) => ({
      run: () => postReply(d, threadId, parseWith(replySchema, form.values).body),
      page: (errors) => ({ replyForm: { values: { body: form.str("body") }, errors } }),
      done: (reply: ReplyView) => `${threadPath(d.ctx.group.slug, threadId)}#reply-${reply.id}`,
    }));
  })
  .post("/g/:slug/t/:id/edit", async (c) => {
    const d = await memberPage(c, "post");
    if (d instanceof Response) return d;
    const threadId = c.req.param("id");
    return onThread(c, d, threadId, (form) => ({
      run: () => editThread(d, threadId, parseWith(editThreadSchema, { title: form.values.title, body: form.values.body })),
      page: (errors) => ({ editing: { kind: "thread" }, editForm: { values: { title: form.str("title"), body: form.str("body") }, errors } }),
      done: () => threadPath(d.ctx.group.slug, threadId),
    }));
  })
  .post("/g/:slug/replies/:rid/edit", async (c) => {
    const d = await memberPage(c, "post");
    if (d instanceof Response) return d;
    const replyId = c.req.param("rid");
    const threadId = await d.room.threadOfReply(d.scope, replyId);
    if (!threadId) throw notFound("No such reply.");
    return onThread(c, d, threadId, (form) => ({
      run: async () => settle(await d.room.editReply(d.scope, d.actor, replyId, await renderPost(d, parseWith(replySchema, form.values).body))),
      page: (errors) => ({ editing: { kind: "reply", id: replyId }, editForm: { values: { body: form.str("body") }, errors } }),
      done: () => `${threadPath(d.ctx.group.slug, threadId)}#reply-${replyId}`,
    }));
  })
  .post("/g/:slug/t/:id/delete", async (c) => {
    const d = await memberPage(c, "post");
    if (d instanceof Response) return d;
    settle(await d.room.remove(d.scope, d.actor, "thread", c.req.param("id"), "delete"));
    return see(c, withDone(groupPath(d.ctx.group.slug), "thread_deleted"));
  })
  .post("/g/:slug/replies/:rid/delete", async (c) => {
    const d = await memberPage(c, "post");
    if (d instanceof Response) return d;
    const replyId = c.req.param("rid");
    const threadId = await d.room.threadOfReply(d.scope, replyId);
    settle(await d.room.remove(d.scope, d.actor, "reply", replyId, "delete"));
    return see(c, withDone(threadId ? threadPath(d.ctx.group.slug, threadId) : groupPath(d.ctx.group.slug), "reply_deleted"));
  })
  .post("/g/:slug/t/:id/pin", async (c) => {
    const d = await memberPage(c, "moderate");
    if (d instanceof Response) return d;
    const { pinned } = parseWith(pinForm, (await readForm(c)).values);
    settle(await d.room.setPinned(d.scope, c.req.param("id"), pinned === "1"));
    return see(c, withDone(threadPath(d.ctx.group.slug, c.req.param("id")), pinned === "1" ? "pinned" : "unpinned"));
  })
  .post("/g/:slug/react", async (c) => {
    const d = await memberPage(c, "react");
    if (d instanceof Response) return d;
    const { values: form } = await readForm(c);
    const target = parseWith(targetSchema, form);
    const key = parseWith(z.object({ key: reactionKeySchema }), form).key;
    settle(await d.room.react(d.scope, d.actor, target.targetType, target.targetId, key, "toggle"));
    const anchor = target.targetType === "reply" ? `#reply-${target.targetId}` : "";
    const fallback = target.targetType === "thread" ? threadPath(d.ctx.group.slug, target.targetId) : groupPath(d.ctx.group.slug);
    return see(c, `${backTo(d.ctx.group.slug, form.back, fallback).split("#")[0]}${anchor}`);
  })
  .post("/g/:slug/report", async (c) => {
    const d = await memberPage(c, "report");
    if (d instanceof Response) return d;
    const { values: form } = await readForm(c);
    const back = backTo(d.ctx.group.slug, form.back, groupPath(d.ctx.group.slug));
    return formAction(c, {
      run: async () => {
        const input = parseWith(reportSchema, form);
        settle(await d.room.report(d.scope, d.actor, input.targetType, input.targetId, input.reason));
      },
      // Reported from a list or a thread: back there, saying how it went.
      render: ({ err, status }) => see(c, withDone(back, err.code === "already_reported" ? "already_reported" : status === 404 ? "not_found" : "failed")),
      done: () => withDone(back, "reported"),
    });
  })
  // ── moderation ──
  .post("/g/:slug/moderation/:action{hide|unhide|delete}", async (c) => {
    const d = await memberPage(c, "moderate");
    if (d instanceof Response) return d;
    const { values: form } = await readForm(c);
    const target = parseWith(targetSchema, form);
    const action = c.req.param("action") as "hide" | "unhide" | "delete";
    settle(action === "unhide" ? await d.room.unhide(d.scope, target.targetType, target.targetId) : await d.room.remove(d.scope, d.actor, target.targetType, target.targetId, action));
    const gone = (type: TargetType) => (type === "thread" ? groupPath(d.ctx.group.slug) : undefined);
    // Back where the moderator was, unless that was the thread that just disappeared.
    let back = backTo(d.ctx.group.slug, form.back, groupPath(d.ctx.group.slug, "/moderation"));
    if (action !== "unhide" && back.startsWith(threadPath(d.ctx.group.slug, target.targetId))) back = gone(target.targetType) ?? back;
    return see(c, withDone(back, action === "hide" ? "hidden" : action === "unhide" ? "unhidden" : "removed"));
  })
  .get("/g/:slug/moderation", async (c) => {
    const d = await memberPage(c, "moderate");
    if (d instanceof Response) return d;
    const status = parseWith(z.object({ status: reportStatusSchema }), { status: c.req.query("status") ?? "open" }).status;
    const [reports, mutes, view] = await Promise.all([d.room.listReports(d.scope, status, 50, decodeOptionalCursor(reportsCursor, c.req.query("cursor"))), d.room.listMutes(d.scope), viewOf(c, d)]);
    const pctx = groupPageContext(c, view.branding);
    const body = ModerationPage({ ctx: pctx, group: view, status, reports: reports.items, nextCursor: reports.nextCursor, mutes, ...notice(c) });
    return renderGroupPage(c, view, `${t(pctx.lang, "moderation.title")} · ${view.name}`, body);
  })
  .post("/g/:slug/reports/:id/dismiss", async (c) => {
    const d = await memberPage(c, "moderate");
    if (d instanceof Response) return d;
    settle(await d.room.dismissReport(d.scope, d.actor, c.req.param("id")));
    return see(c, withDone(groupPath(d.ctx.group.slug, "/moderation"), "dismissed"));
  })
  .post("/g/:slug/mutes", async (c) => {
    const d = await memberPage(c, "moderate");
    if (d instanceof Response) return d;
    const input = parseWith(muteSchema, (await readForm(c)).values);
    const target = await muteTarget(d, input.userId);
    await d.room.mute(d.scope, d.actor, target, Date.now() + input.minutes * 60_000, input.reason || null);
    return see(c, withDone(groupPath(d.ctx.group.slug, "/moderation"), "muted"));
  })
  .post("/g/:slug/mutes/:userId/delete", async (c) => {
    const d = await memberPage(c, "moderate");
    if (d instanceof Response) return d;
    await d.room.unmute(d.scope, c.req.param("userId"));
    return see(c, withDone(groupPath(d.ctx.group.slug, "/moderation"), "unmuted"));
  })
  // ── chat and leaderboard ──
  .get("/g/:slug/chat", async (c) => {
    const d = await memberPage(c);
    if (d instanceof Response) return d;
    const [state, view] = await Promise.all([
      d.room.chatPageState(d.scope, d.user.id, 50),
      viewOf(c, d),
    ]);
    const pctx = groupPageContext(c, view.branding);
    const body = ChatPage({ ctx: pctx, group: view, me: { userId: d.user.id, name: d.user.name }, messages: state.messages, online: state.online, mutedUntil: mutedIso(state.mutedUntil), canModerate: d.actor.moderator });
    return renderGroupPage(c, view, chatPageTitle(pctx, view), body);
  })
  .get("/g/:slug/leaderboard", async (c) => {
    const d = await memberPage(c);
    if (d instanceof Response) return d;
    const [entries, gamification, standing, view] = await Promise.all([d.room.leaderboard(d.scope, 50), d.room.gamification(d.scope), d.room.standing(d.scope, d.user.id), viewOf(c, d)]);
    const pctx = groupPageContext(c, view.branding);
    const body = LeaderboardPage({ ctx: pctx, group: view, entries, gamification, me: { userId: d.user.id, points: standing.points, level: standing.level, next: standing.next } });
    return renderGroupPage(c, view, `${t(pctx.lang, "levels.board.title")} · ${view.name}`, body);
  })
  // ── admin: activity and levels ──
  .get("/admin/groups/:slug/activity", async (c) => {
    const d = await memberPage(c, "viewActivity");
    if (d instanceof Response) return d;
    const days = ({ "7": 7, "30": 30, "90": 90 } as const)[c.req.query("days") ?? "30"] ?? 30;
    const [activity, view] = await Promise.all([groupActivity(d, days), viewOf(c, d)]);
    const ctx = pageContext(c);
    return renderWith(c, ctx, { title: `${t(ctx.lang, "activity.title")} · ${view.name}`, body: GroupActivityPage({ ctx, group: view, days, activity }), brand: groupBrand(view) });
  })
  .get("/admin/groups/:slug/levels", async (c) => {
    const d = await memberPage(c, "configureLevels");
    if (d instanceof Response) return d;
    return levelsPage(c, d);
  })
  .post("/admin/groups/:slug/levels", async (c) => {
    const d = await memberPage(c, "configureLevels");
    if (d instanceof Response) return d;
    const { values } = await readForm(c);
    return formAction(c, {
      run: () => d.room.setGamification(d.scope, levelsInput(values)),
      render: (f) => levelsPage(c, d, { values, errors: f.errors }, f.status),
      done: () => withDone(`/admin/groups/${encodeURIComponent(d.ctx.group.slug)}/levels`, "saved"),
    });
  });

/**
 * The levels form (ten rows of name, points and badge, blank rows left out) as the room
 * reads it; a 422 naming the form's own fields (`level_min_3`, `points_reply`) otherwise.
 */
function levelsInput(form: Record<string, string>) {
  const levels: { name: string; minPoints: string; badge: string }[] = [];
  const rowOf: number[] = [];
  for (let i = 0; i < 10; i++) {
    const name = (form[`level_name_${i}`] ?? "").trim();
    if (!name) continue;
    levels.push({ name, minPoints: form[`level_min_${i}`] ?? "", badge: form[`level_badge_${i}`] ?? "" });
    rowOf.push(i);
  }
  const raw = { points: { thread: form.points_thread ?? "", reply: form.points_reply ?? "", reactionReceived: form.points_reaction ?? "" }, levels };
  const parsed = gamificationSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  const names: Record<string, string> = { thread: "points_thread", reply: "points_reply", reactionReceived: "points_reaction", name: "level_name", minPoints: "level_min", badge: "level_badge" };
  for (const issue of parsed.error.issues) {
    const [first, second, third] = issue.path.map(String);
    const key = first === "points" ? names[second ?? ""] : first === "levels" && second !== undefined && third ? `${names[third]}_${rowOf[Number(second)]}` : "levels";
    if (key && !errors[key]) errors[key] = issueMessage(issue, raw);
  }
  throw new ApiError(422, "validation_failed", "Some fields are invalid.", errors);
}

async function levelsPage(c: Context<AppEnv>, d: Discussion, form?: { values: Record<string, string>; errors: Record<string, string> }, status: ContentfulStatusCode = 200) {
  const [gamification, leaderboard, view]: [GamificationView, Awaited<ReturnType<Discussion["room"]["leaderboard"]>>, Awaited<ReturnType<typeof viewOf>>] = await Promise.all([
    d.room.gamification(d.scope),
    d.room.leaderboard(d.scope, 10),
    viewOf(c, d),
  ]);
  const ctx = pageContext(c);
  const body = GroupLevelsPage({ ctx, group: view, gamification, leaderboard, ...(form ? { form } : {}), ...notice(c) });
  return renderWith(c, ctx, { title: `${t(ctx.lang, "levels.tab")} · ${view.name}`, body, brand: groupBrand(view) }, status);
}
