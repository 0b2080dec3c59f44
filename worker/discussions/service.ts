import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { closestLang, msg, type Lang } from "../../web/i18n";
import type { GroupDiscussion } from "../../web/pages/discussions/discussion";
import {
  BODY_MAX,
  MESSAGE_MAX,
  REACTIONS,
  REASON_MAX,
  TITLE_MAX,
  type ActivityView,
  type ReplyView,
  type TargetType,
  type ThreadView,
} from "../room/protocol";
import type { TenantDb } from "../db/client";
import { memberships, users, type Tenant, type User } from "../db/schema";
import { avatarUrlsOf } from "../profiles/avatar-column";
import type { Bindings } from "../env";
import { effectiveRole, ROLE_RANK } from "../groups/policy";
import type { GroupContext } from "../groups/service";
import { ApiError, forbidden, notFound, unauthorized } from "../http/errors";
import { enqueueMail } from "../mail/outbox";
import { brandOf, mailLang, mentionMail } from "../mail/templates";
import { levelReached, threadsCursor, type Actor } from "../room/discussions";
import { decodeOptionalCursor } from "../http/cursor";
import type { Outcome } from "../room/outcome";
import { groupRoom, type GroupPageState, type RoomScope } from "../room/room";
import { localizedRoom, localizeSeeded } from "./seeded";
import { ReadCache } from "../db/read-cache";
import { mentionedHandles, mentionHandle, renderMarkdown, type Mentionable } from "./markdown";
import { canDiscuss, type DiscussionAction } from "./policy";

const trimmed = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} holds at most ${max} characters`);

export const threadSchema = z.object({ title: trimmed("title", TITLE_MAX), body: trimmed("body", BODY_MAX) });
export const replySchema = z.object({ body: trimmed("body", BODY_MAX) });
export const editThreadSchema = z
  .object({ title: trimmed("title", TITLE_MAX).optional(), body: trimmed("body", BODY_MAX).optional() })
  .refine((v) => v.title !== undefined || v.body !== undefined, { message: "field.required", path: ["body"] });
export const pinSchema = z.object({ pinned: z.boolean({ error: "pinned must be true or false" }) });
export const targetTypeSchema = z.enum(["thread", "reply", "message"], { error: "targetType must be thread, reply or message" });
export const targetSchema = z.object({ targetType: targetTypeSchema, targetId: z.string({ error: "targetId is required" }).min(1, "targetId is required").max(64, "unknown targetId") });
export const reportSchema = targetSchema.extend({ reason: trimmed("reason", REASON_MAX) });
export const reactionKeySchema = z.enum(REACTIONS, { error: `reaction must be one of ${REACTIONS.join(", ")}` });
export const messageSchema = z.object({ text: z.string({ error: "text is required" }).max(MESSAGE_MAX * 2, `at most ${MESSAGE_MAX} characters`) });
/** From one hour to a year. */
export const muteSchema = z.object({
  userId: z.string({ error: "userId is required" }).min(1, "userId is required").max(64),
  minutes: z.coerce.number({ error: "minutes must be a number" }).int("minutes must be a whole number").min(1, "at least 1 minute").max(525_600, "at most a year"),
  reason: z.string().trim().max(200, "at most 200 characters").optional(),
});
export const reportStatusSchema = z.enum(["open", "dismissed", "actioned", "all"], { error: "status must be open, dismissed, actioned or all" });

const points = z.coerce.number({ error: "a number" }).int("a whole number").min(0, "0 or more").max(1000, "at most 1000");
export const gamificationSchema = z
  .object({
    points: z.object({ thread: points, reply: points, reactionReceived: points }),
    levels: z
      .array(
        z.object({
          name: trimmed("name", 40),
          minPoints: z.coerce.number({ error: "a number" }).int("a whole number").min(0, "0 or more").max(1_000_000, "at most 1,000,000"),
          badge: z
            .string()
            .trim()
            .max(16, "at most 8 characters")
            .refine((b) => [...b].length <= 8, msg("field.too_long", { max: 8 }))
            .nullish()
            .transform((b) => (b ? b : null)),
        }),
      )
      .min(1, "at least one level")
      .max(10, "at most 10 levels"),
  })
  .superRefine((v, ctx) => {
    const sorted = [...v.levels].sort((a, b) => a.minPoints - b.minPoints);
    if (sorted[0] && sorted[0].minPoints !== 0) ctx.addIssue({ code: "custom", path: ["levels"], message: "levels.error.first_zero" });
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.minPoints === sorted[i - 1]!.minPoints) ctx.addIssue({ code: "custom", path: ["levels"], message: "levels.error.same_points" });
    }
  });

const THREADS_SHOWN = 20;
const PAGE_STATE_TTL_MS = 1_000;
const MESSAGES_SHOWN = 30;
const LEADERS_SHOWN = 5;

/** Everything a discussion route needs, after the session, the group and the policy have been checked. */
export type Discussion = {
  tenant: Tenant;
  t: TenantDb;
  ctx: GroupContext;
  user: User;
  actor: Actor;
  scope: RoomScope;
  room: ReturnType<typeof groupRoom>;
  can: (action: DiscussionAction) => boolean;
  /** Where mentioned members' emails link to, and what sends the emails queued (after the answer). */
  mail: { origin: string; deliverSoon: () => void };
};

/** Who asks what of which group: what the HTTP layer reads from a request (`discussionOf` in html.ts). */
export type DiscussionRequest = {
  env: Bindings;
  tenant: Tenant;
  t: TenantDb;
  /** The group, as loaded for this reader. */
  ctx: GroupContext;
  /** The reader, `null` for a visitor (refused). */
  user: User | null;
  /** The reader's picture, read with the session. */
  avatarUrl?: string | null | undefined;
  /** The reader's language (seeded names, such as the default levels, are read in it). */
  language: string | undefined;
  /** Whether the request may change the group (anything but a read): its page copy is forgotten at once. */
  writes: boolean;
  mail: Discussion["mail"];
};

/** The discussion of a group for a reader allowed `action`: 401 for a visitor, 403 otherwise (`members_only` for a non-member). */
export function discussionFor(req: DiscussionRequest, action: DiscussionAction): Discussion {
  const { tenant, t, ctx, user } = req;
  if (!user) throw unauthorized();
  const can = (a: DiscussionAction) => canDiscuss(ctx.actor, a);
  if (!can(action)) {
    if (!can("read")) throw forbidden("members_only", "Only members of this group can take part in its discussions.");
    throw forbidden("forbidden", "You are not allowed to do this in this group.");
  }
  // Whatever this request changes, this isolate's copy of the group page must not show the old state.
  if (req.writes) forgetGroupPage(tenant.id, ctx.group.id);
  const lang: Lang = closestLang(tenant.defaultLanguage);
  return {
    tenant,
    t,
    ctx,
    user,
    // The picture read with the session: the room keeps it for this author's posts and messages.
    actor: { userId: user.id, name: user.name, moderator: can("moderate"), avatarUrl: req.avatarUrl },
    scope: { tenantId: tenant.id, groupId: ctx.group.id, lang },
    // Seeded names (the default levels) read in the viewer's language.
    room: localizedRoom(groupRoom(req.env, tenant.id, ctx.group.id), closestLang(req.language, tenant.defaultLanguage)),
    can,
    mail: req.mail,
  };
}

/** The envelope for a room's refusal (Retry-After included). */
export function settle<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new ApiError(outcome.status, outcome.code, outcome.message, outcome.fields, outcome.retryAfter ? { "Retry-After": String(outcome.retryAfter) } : undefined);
}

/** Members whose names are written after "@" in the text (looked up only when there is an "@"). */
async function mentionable(t: TenantDb, groupId: string, source: string): Promise<Mentionable[]> {
  const handles = new Set(mentionedHandles(source));
  if (handles.size === 0) return [];
  const rows = await t.db
    .select({ userId: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, and(eq(users.id, memberships.userId), eq(users.tenantId, t.tenantId)))
    .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, groupId)))
    .limit(20_000);
  return rows.filter((r) => handles.has(mentionHandle(r.name)));
}

/** "Élodie  Martin" → "elodie martin": compared without case, accents or repeated spaces. */
function folded(s: string): string {
  return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * Up to 8 members of the group for "@" + what was typed: a name, or one of its words,
 * that starts with it ("elo" finds "Élodie Martin", "mart" too, "elodie m" as well).
 */
export async function suggestMentions(d: Discussion, typed: string): Promise<{ userId: string; name: string; avatarUrl: string | null }[]> {
  const q = folded(typed.slice(0, 60));
  const rows = await d.t.db
    .select({ userId: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, and(eq(users.id, memberships.userId), eq(users.tenantId, d.t.tenantId)))
    .where(and(eq(memberships.tenantId, d.t.tenantId), eq(memberships.groupId, d.ctx.group.id)))
    .limit(20_000);
  const qHandle = mentionHandle(q);
  const scored = rows
    .filter((r) => r.userId !== d.user.id)
    .map((r) => {
      const name = folded(r.name);
      const rank = q === "" || name.startsWith(q) ? 0 : name.split(" ").some((w) => w.startsWith(q)) ? 1 : qHandle && mentionHandle(name).startsWith(qHandle) ? 2 : -1;
      return { ...r, rank };
    })
    .filter((r) => r.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  const shown = scored.slice(0, 8);
  // The pictures of the few shown only (one query), not of every member matched.
  const urls = shown.length ? await avatarUrlsOf(d.t, shown.map((r) => r.userId)) : new Map<string, string>();
  return shown.map(({ userId, name }) => ({ userId, name, avatarUrl: urls.get(userId) ?? null }));
}

export async function renderPost(d: Discussion, source: string) {
  const rendered = renderMarkdown(source, await mentionable(d.t, d.ctx.group.id, source));
  return { ...rendered, source };
}

/**
 * Tells mentioned members by email (through the outbox, so delivery is retried). The
 * post is already stored in the room; a lost notification is the worst case here.
 */
export async function notifyMentions(d: Discussion, mentions: string[], link: { path: string; title: string; excerpt: string }): Promise<void> {
  const others = mentions.filter((id) => id !== d.user.id);
  if (others.length === 0) return;
  const rows = await d.t.db
    .select({ email: users.email, language: users.language, status: users.status })
    .from(users)
    .where(and(eq(users.tenantId, d.t.tenantId), inArray(users.id, others)));
  const url = `${d.mail.origin}${link.path}`;
  const mails = rows
    .filter((r) => r.status === "active")
    .map((r) =>
      enqueueMail(
        d.t,
        mentionMail(mailLang(r.language, d.tenant.defaultLanguage), {
          to: r.email,
          who: d.user.name,
          group: d.ctx.group.name,
          community: d.tenant.name,
          title: link.title,
          excerpt: link.excerpt,
          url,
          brand: brandOf(d.tenant, d.mail.origin),
        }),
      ),
    );
  const [first, ...rest] = mails;
  if (!first) return;
  await d.t.db.batch([first, ...rest]);
  d.mail.deliverSoon();
}

/** Starts a thread: Markdown rendered with its mentions, stored by the room, mentioned members emailed. */
export async function startThread(d: Discussion, input: z.output<typeof threadSchema>): Promise<ThreadView> {
  const post = await renderPost(d, input.body);
  const thread = settle(await d.room.createThread(d.scope, d.actor, input.title, post));
  await notifyMentions(d, post.mentions, { path: targetPath(d.ctx.group.slug, "thread", thread.id, null), title: thread.title, excerpt: thread.excerpt });
  return thread;
}

/** Edits a thread's title or body (Markdown rendered again with its mentions); the room checks its author. */
export async function editThread(d: Discussion, threadId: string, input: z.output<typeof editThreadSchema>): Promise<ThreadView> {
  const post = input.body === undefined ? undefined : await renderPost(d, input.body);
  return settle(await d.room.editThread(d.scope, d.actor, threadId, input.title, post));
}

/** Replies to a thread, the same way. */
export async function postReply(d: Discussion, threadId: string, body: string): Promise<ReplyView> {
  const post = await renderPost(d, body);
  const { reply, thread } = settle(await d.room.createReply(d.scope, d.actor, threadId, post));
  await notifyMentions(d, post.mentions, { path: targetPath(d.ctx.group.slug, "reply", reply.id, thread.id), title: thread.title, excerpt: post.excerpt });
  return reply;
}

/** The discussion part of a member's group page: one call to the room. */
/**
 * The room's part of members' group pages, kept a second per isolate: a busy group's page
 * is then rendered without a call to its room on every view. Writes through this isolate
 * forget it at once; a page rendered from an older copy catches up when its socket
 * connects (the room replays the last 30 seconds of new, changed and removed posts).
 */
const pageStateCache = new ReadCache<GroupPageState>(PAGE_STATE_TTL_MS);

export function forgetGroupPage(tenantId: string, groupId: string): void {
  pageStateCache.delete(`${tenantId}:${groupId}`);
}

export async function discussionForPage(
  env: Bindings,
  tenant: Tenant,
  ctx: GroupContext,
  user: User | null,
  opts: { threadForm?: GroupDiscussion["threadForm"]; cursor?: string | null; viewerLang?: Lang } = {},
): Promise<GroupDiscussion | undefined> {
  const found = await discussionState(env, tenant, ctx, user, opts);
  // The page state is shared by every viewer (cached); seeded names are read per viewer.
  return found && localizeSeeded(opts.viewerLang ?? closestLang(tenant.defaultLanguage), found);
}

async function discussionState(
  env: Bindings,
  tenant: Tenant,
  ctx: GroupContext,
  user: User | null,
  opts: { threadForm?: GroupDiscussion["threadForm"]; cursor?: string | null },
): Promise<GroupDiscussion | undefined> {
  if (!user || !canDiscuss(ctx.actor, "read")) return undefined;
  const moderator = canDiscuss(ctx.actor, "moderate");
  const lang = closestLang(tenant.defaultLanguage);
  const state = await pageStateCache.getOrLoad(`${tenant.id}:${ctx.group.id}`, () =>
    groupRoom(env, tenant.id, ctx.group.id).groupPageState({ tenantId: tenant.id, groupId: ctx.group.id, lang }, { threads: THREADS_SHOWN, messages: MESSAGES_SHOWN, leaders: LEADERS_SHOWN }),
  );
  // "More discussions" without JavaScript: a later page, read from the room (never cached).
  const threads = opts.cursor
    ? await groupRoom(env, tenant.id, ctx.group.id).listThreads({ tenantId: tenant.id, groupId: ctx.group.id, lang }, user.id, THREADS_SHOWN, decodeOptionalCursor(threadsCursor, opts.cursor))
    : state.threads;
  const points = state.points[user.id] ?? 0;
  const mutedUntil = state.mutes[user.id] ?? null;
  return {
    threads: threads.items,
    nextCursor: threads.nextCursor,
    online: state.online,
    leaderboard: state.leaderboard,
    me: { userId: user.id, name: user.name, points, level: levelReached(state.levels, points) },
    canModerate: moderator,
    mutedUntil: mutedUntil !== null && Date.parse(mutedUntil) > Date.now() ? mutedUntil : null,
    messages: state.messages,
    openReports: moderator ? state.openReports : null,
    ...(opts.threadForm ? { threadForm: opts.threadForm } : {}),
  };
}

/** Whom a moderator may mute: a current member below their own standing, never themselves or the owner. */
export async function muteTarget(d: Discussion, userId: string): Promise<{ userId: string; name: string }> {
  const row = (
    await d.t.db
      .select({ name: users.name, role: memberships.role })
      .from(memberships)
      .innerJoin(users, and(eq(users.id, memberships.userId), eq(users.tenantId, d.t.tenantId)))
      .where(and(eq(memberships.tenantId, d.t.tenantId), eq(memberships.groupId, d.ctx.group.id), eq(memberships.userId, userId)))
      .limit(1)
  )[0];
  if (!row) throw notFound("No such member in this group.");
  if (userId === d.user.id) throw new ApiError(422, "validation_failed", "You cannot mute yourself.", { userId: msg("field.not_yourself") });
  const mine = effectiveRole(d.ctx.actor);
  if (!mine || ROLE_RANK[row.role] >= ROLE_RANK[mine]) throw forbidden("forbidden", "You can only mute members below your own role.");
  return { userId, name: row.name };
}

/** The tenant's UTC offset now, in milliseconds (for cutting days at local midnight). */
export function timeZoneOffset(timeZone: string, now = Date.now()): number {
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(now);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
    return local - Math.floor(now / 1000) * 1000;
  } catch {
    return 0;
  }
}

/** Posts and messages per day from the room, new members per day from D1. */
export async function groupActivity(d: Discussion, days: number, now = Date.now()): Promise<ActivityView> {
  const offset = timeZoneOffset(d.tenant.timezone, now);
  const fromRoom = await d.room.activity(d.scope, days, offset);
  const DAY = 86_400_000;
  const firstDay = Math.floor((now + offset) / DAY) - days + 1;
  const from = firstDay * DAY - offset;
  const joined = await d.t.db
    .select({ day: sql<number>`cast((${memberships.createdAt} + ${offset}) / ${DAY} as integer)`.mapWith(Number), n: sql<number>`count(*)`.mapWith(Number) })
    .from(memberships)
    .where(and(eq(memberships.tenantId, d.t.tenantId), eq(memberships.groupId, d.ctx.group.id), gte(memberships.createdAt, from)))
    .groupBy(sql`1`);
  let fresh = 0;
  for (const r of joined) {
    const slot = fromRoom.days[r.day - firstDay];
    if (slot) {
      slot.newMembers = r.n;
      fresh += r.n;
    }
  }
  return { ...fromRoom, members: { total: d.ctx.memberCount, new: fresh } };
}

export function targetPath(slug: string, type: TargetType, id: string, threadId: string | null): string {
  const base = `/g/${encodeURIComponent(slug)}`;
  if (type === "thread") return `${base}/t/${encodeURIComponent(id)}`;
  if (type === "reply" && threadId) return `${base}/t/${encodeURIComponent(threadId)}#reply-${encodeURIComponent(id)}`;
  return `${base}/chat`;
}
