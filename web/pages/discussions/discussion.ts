import { html } from "htm/preact";
import type { VNode } from "preact";
import { LANGS, t, tCount, type Lang, type MessageKey } from "../../i18n";
import type { ChatStrings } from "../../islands/Chat";
import { ChatFallback } from "../../islands/Chat";
import { PersonAvatar, type DiscussionStrings } from "../../islands/discussion-parts";
import type { LiveRepliesStrings } from "../../islands/LiveReplies";
import type { LiveThreadsStrings } from "../../islands/LiveThreads";
import type { OnlineListStrings } from "../../islands/OnlineList";
import { formatDate, formatNumber } from "../../ui/format";
import { Island, islandConstant } from "../../ui/island";
import { remembered } from "../../ui/memo";
import { LevelBadge } from "../../ui/level-badge";
import type { PageContext } from "../../ui/page";
import type { LeaderboardEntry, LevelView, MessageView, OnlineMember, ThreadView } from "./types";
import { GroupLogo, groupPath } from "../groups/shared";
import type { GroupView } from "../groups/types";

export type ThreadFormState = { values: { title: string; body: string }; errors: Record<string, string> };

/** What a member sees of the group's discussions on /g/{slug} (absent for visitors). */
export type GroupDiscussion = {
  threads: ThreadView[];
  nextCursor: string | null; // first page; pinned first, then newest activity
  online: OnlineMember[]; // members online now
  leaderboard: LeaderboardEntry[]; // top 5
  me: { userId: string; name: string; points: number; level: LevelView | null };
  canModerate: boolean; // moderators and up: pin, hide, delete others' content
  mutedUntil: string | null; // ISO; while set, posting forms are replaced by a notice
  messages: MessageView[]; // last 30 chat messages, oldest first
  openReports: number | null; // moderators: count with a link to /g/{slug}/moderation; null for others
  threadForm?: ThreadFormState; // re-render after a failed no-JS post
};

/** How many people the "online now" card lists. */
export const ONLINE_SHOWN = 12;
/** Messages the compact chat shows before JavaScript takes over. */
const FALLBACK_MESSAGES = 8;

const timeZoneOf = (ctx: PageContext) => ctx.tenant?.timezone ?? null;

/** True while a mute runs. */
export function isMuted(mutedUntil: string | null, now = Date.now()): mutedUntil is string {
  return mutedUntil !== null && Date.parse(mutedUntil) > now;
}

/** "You are muted until …", or null when the viewer may post. */
export function mutedNotice(ctx: PageContext, mutedUntil: string | null): string | null {
  if (!isMuted(mutedUntil)) return null;
  return t(ctx.lang, "discussion.muted_until", { date: formatDate(ctx.lang, mutedUntil, { timeZone: timeZoneOf(ctx), time: true }) });
}

/** An island's strings in one language: built and serialised once per language, then shared (frozen). */
function perLanguage<T extends object>(build: (lang: Lang) => T): (lang: Lang) => T {
  const built = remembered<T>(LANGS.length);
  return (lang) => built(lang, () => islandConstant(build(lang)));
}

/** Each name's message in one language, the names kept in their order (they become island props). */
function translated<K extends string>(lang: Lang, keys: Record<K, MessageKey>): Record<K, string> {
  return Object.fromEntries(Object.entries<MessageKey>(keys).map(([name, key]) => [name, t(lang, key)])) as Record<K, string>;
}

export const discussionStrings = perLanguage(buildDiscussionStrings);
export const liveThreadsStrings = perLanguage(buildLiveThreadsStrings);
export const chatStrings = perLanguage(buildChatStrings);
export const onlineStrings = perLanguage(buildOnlineStrings);

function buildDiscussionStrings(lang: Lang): DiscussionStrings {
  return {
    pinned: t(lang, "discussion.pinned"),
    edited: t(lang, "discussion.edited"),
    activity: t(lang, "discussion.activity"),
    repliesOne: t(lang, "discussion.replies.one"),
    repliesOther: t(lang, "discussion.replies.other"),
    reactionNames: {
      like: t(lang, "discussion.reaction.like"),
      love: t(lang, "discussion.reaction.love"),
      celebrate: t(lang, "discussion.reaction.celebrate"),
      laugh: t(lang, "discussion.reaction.laugh"),
      thinking: t(lang, "discussion.reaction.thinking"),
      eyes: t(lang, "discussion.reaction.eyes"),
    },
    reactionCount: t(lang, "discussion.reaction_count"),
    addReaction: t(lang, "discussion.add_reaction"),
    reactions: t(lang, "discussion.reactions"),
    moreActions: t(lang, "discussion.more_actions"),
    reply: t(lang, "discussion.reply"),
    edit: t(lang, "discussion.edit"),
    delete: t(lang, "discussion.delete"),
    deleteThreadConfirm: t(lang, "discussion.delete_thread_confirm"),
    deleteReplyConfirm: t(lang, "discussion.delete_reply_confirm"),
    pin: t(lang, "discussion.pin"),
    unpin: t(lang, "discussion.unpin"),
    hide: t(lang, "discussion.hide"),
    report: t(lang, "discussion.report"),
    reportReason: t(lang, "discussion.report_reason"),
    reportHint: t(lang, "discussion.report_hint"),
    reportSend: t(lang, "discussion.report_send"),
    reportSent: t(lang, "discussion.report_sent"),
    failed: t(lang, "discussion.failed"),
    live: t(lang, "discussion.live"),
    reconnecting: t(lang, "discussion.reconnecting"),
  };
}

function buildLiveThreadsStrings(lang: Lang): LiveThreadsStrings {
  return {
    ...discussionStrings(lang),
    ...translated(lang, {
      title: "discussion.title",
      empty: "discussion.empty",
      loadMore: "discussion.load_more",
      loading: "discussion.loading",
      arrived: "discussion.arrived",
      formTitle: "discussion.form_title",
      titleLabel: "discussion.title_label",
      bodyLabel: "discussion.body_label",
      bodyHint: "discussion.body_hint",
      post: "discussion.post",
      posting: "discussion.posting",
      fixErrors: "form.fix_errors",
    }),
  };
}

export function liveRepliesStrings(lang: Lang, group: Pick<GroupView, "name">): LiveRepliesStrings {
  return {
    ...discussionStrings(lang),
    noReplies: t(lang, "discussion.no_replies"),
    moreReplies: t(lang, "discussion.more_replies"),
    arrived: t(lang, "discussion.reply_arrived"),
    threadRemoved: t(lang, "discussion.thread_removed"),
    backToGroup: t(lang, "discussion.back", { group: group.name }),
    replyTitle: t(lang, "discussion.reply_title"),
    replyLabel: t(lang, "discussion.reply_label"),
    bodyHint: t(lang, "discussion.body_hint"),
    send: t(lang, "discussion.send_reply"),
    sending: t(lang, "discussion.sending"),
    editThread: t(lang, "discussion.edit_thread"),
    editReply: t(lang, "discussion.edit_reply"),
    titleLabel: t(lang, "discussion.title_label"),
    bodyLabel: t(lang, "discussion.body_label"),
    save: t(lang, "discussion.save"),
    cancel: t(lang, "discussion.cancel"),
  };
}

function buildChatStrings(lang: Lang): ChatStrings {
  return translated(lang, {
    log: "chat.log",
    connecting: "chat.connecting",
    live: "chat.live",
    reconnecting: "chat.reconnecting",
    inputLabel: "chat.input_label",
    placeholder: "chat.placeholder",
    keys: "chat.keys",
    send: "chat.send",
    sending: "chat.sending",
    failed: "chat.failed",
    retry: "chat.retry",
    discard: "chat.discard",
    typingOne: "chat.typing_one",
    typingMany: "chat.typing_many",
    typingSeveral: "chat.typing_several",
    newMessages: "chat.new_messages",
    mutedUntil: "chat.muted_until",
    muted: "chat.muted",
    rateLimited: "chat.rate_limited",
    tooLong: "chat.too_long",
    invalid: "chat.invalid",
    left: "chat.left",
    empty: "chat.empty",
    needsJs: "chat.needs_js",
    actions: "chat.actions",
    report: "discussion.report",
    hide: "discussion.hide",
    delete: "discussion.delete",
    deleteConfirm: "chat.delete_confirm",
    reportReason: "discussion.report_reason",
    reportHint: "discussion.report_hint",
    reportSend: "discussion.report_send",
    cancel: "discussion.cancel",
    reported: "chat.reported",
    alreadyReported: "chat.already_reported",
    hidden: "chat.hidden",
    deleted: "chat.deleted",
    actionFailed: "discussion.failed",
  });
}

function buildOnlineStrings(lang: Lang): OnlineListStrings {
  return translated(lang, {
    title: "discussion.online_title",
    empty: "discussion.online_empty",
    more: "discussion.online_more",
  });
}

/** The chat island with its server-rendered fallback (the last messages, as text). */
export function ChatIsland({
  ctx,
  slug,
  me,
  messages,
  mutedUntil,
  canModerate,
  variant,
}: {
  ctx: PageContext;
  slug: string;
  me: { userId: string; name: string };
  messages: MessageView[];
  mutedUntil: string | null;
  /** Moderators get Hide and Delete on every message. */
  canModerate: boolean;
  variant: "compact" | "full";
}): VNode {
  const { lang } = ctx;
  const strings = chatStrings(lang);
  const timeZone = timeZoneOf(ctx);
  const shown = variant === "compact" ? messages.slice(-FALLBACK_MESSAGES) : messages;
  return Island({
    name: "Chat",
    props: { slug, lang, timeZone, me: { userId: me.userId, name: me.name }, messages, mutedUntil, canModerate, variant, strings },
    children: ChatFallback({ lang, timeZone, me, messages: shown, strings, variant }),
  });
}

export function OnlineCard({ ctx, slug, online }: { ctx: PageContext; slug: string; online: OnlineMember[] }): VNode {
  return Island({ name: "OnlineList", props: { slug, lang: ctx.lang, online, max: ONLINE_SHOWN, strings: onlineStrings(ctx.lang) } });
}

function ChatCard({ ctx, group, discussion }: { ctx: PageContext; group: GroupView; discussion: GroupDiscussion }): VNode {
  const { lang } = ctx;
  return html`<section class="card side-card chat-card" aria-labelledby="chat-title">
    <div class="side-head">
      <h2 class="side-title" id="chat-title">${t(lang, "chat.title")}</h2>
      <a class="side-link" href=${`${groupPath(group.slug)}/chat`}>${t(lang, "chat.open")}</a>
    </div>
    ${ChatIsland({
      ctx,
      slug: group.slug,
      me: discussion.me,
      messages: discussion.messages,
      mutedUntil: discussion.mutedUntil,
      canModerate: discussion.canModerate,
      variant: "compact",
    })}
  </section>`;
}

function LeaderboardCard({ ctx, group, discussion }: { ctx: PageContext; group: GroupView; discussion: GroupDiscussion }): VNode {
  const { lang } = ctx;
  const { leaderboard, me } = discussion;
  const inTop = leaderboard.some((e) => e.userId === me.userId);
  return html`<section class="card side-card leader-card" aria-labelledby="leaders-title">
    <div class="side-head">
      <h2 class="side-title" id="leaders-title">${t(lang, "discussion.leaderboard_title")}</h2>
      <a class="side-link" href=${`${groupPath(group.slug)}/leaderboard`}>${t(lang, "discussion.leaderboard_link")}</a>
    </div>
    ${leaderboard.length === 0
      ? html`<p class="muted side-empty">${t(lang, "discussion.leaderboard_empty")}</p>`
      : html`<ol class="leader-list">
          ${leaderboard.slice(0, 5).map(
            (e) => html`<li class=${e.userId === me.userId ? "leader-item is-me" : "leader-item"}>
              <span class=${`leader-rank leader-rank-${e.rank}`}>${formatNumber(lang, e.rank)}</span>
              ${PersonAvatar({ id: e.userId, name: e.name, url: e.avatarUrl })}
              <span class="leader-name"><span class="member-name">${e.name}</span>${LevelBadge({ level: e.level })}</span>
              <span class="leader-points">${tCount(lang, "discussion.points", e.points)}</span>
            </li>`,
          )}
        </ol>`}
    ${!inTop &&
    html`<p class="leader-me">
      <span>${t(lang, "discussion.your_points", { points: tCount(lang, "discussion.points", me.points) })}</span>
      ${me.level && html`<span class="leader-level">${me.level.name}${LevelBadge({ level: me.level })}</span>`}
    </p>`}
  </section>`;
}

function ReportsCard({ ctx, group, count }: { ctx: PageContext; group: GroupView; count: number }): VNode {
  const { lang } = ctx;
  return html`<a class=${count > 0 ? "card side-card reports-link has-reports" : "card side-card reports-link"} href=${`${groupPath(group.slug)}/moderation`}>
    <span class="mask-icon reports-icon" aria-hidden="true"></span>
    <span class="reports-text">
      <strong>${t(lang, "discussion.moderation")}</strong>
      <span>${count > 0 ? tCount(lang, "discussion.reports", count) : t(lang, "discussion.reports_none")}</span>
    </span>
  </a>`;
}

/** The group page's main column for members: the "start a discussion" form and the live thread list. */
/** "@" suggestions for the page's composers (an enhancement: without it "@Full Name" still works). */
export function MentionIsland({ ctx, slug }: { ctx: PageContext; slug: string }): VNode {
  return Island({ name: "MentionSuggest", props: { slug, label: t(ctx.lang, "mention.suggestions") } });
}

export function DiscussionMain({ ctx, group, discussion }: { ctx: PageContext; group: GroupView; discussion: GroupDiscussion }): VNode {
  return html`${DiscussionThreads({ ctx, group, discussion })}${MentionIsland({ ctx, slug: group.slug })}`;
}

function DiscussionThreads({ ctx, group, discussion }: { ctx: PageContext; group: GroupView; discussion: GroupDiscussion }): VNode {
  const notice = mutedNotice(ctx, discussion.mutedUntil);
  return Island({
    name: "LiveThreads",
    props: {
      slug: group.slug,
      lang: ctx.lang,
      timeZone: timeZoneOf(ctx),
      // The list never shows a thread's body: leave the sources out of the page's props.
      threads: discussion.threads.map((th) => ({ ...th, body: "", bodyHtml: "" })),
      nextCursor: discussion.nextCursor,
      form: notice ? null : (discussion.threadForm ?? { values: { title: "", body: "" }, errors: {} }),
      notice,
      strings: liveThreadsStrings(ctx.lang),
    },
  });
}

/** The group page's sidebar cards for members: moderation, chat, who's online, leaderboard. */
export function DiscussionSide({ ctx, group, discussion }: { ctx: PageContext; group: GroupView; discussion: GroupDiscussion }): VNode {
  return html`
    ${discussion.openReports !== null && ReportsCard({ ctx, group, count: discussion.openReports })}
    ${ChatCard({ ctx, group, discussion })}
    ${OnlineCard({ ctx, slug: group.slug, online: discussion.online })}
    ${LeaderboardCard({ ctx, group, discussion })}
  `;
}

/** The small group header of the thread and chat pages: logo, name, back to the group. */
export function GroupCrumb({ ctx, group }: { ctx: PageContext; group: GroupView }): VNode {
  const { lang } = ctx;
  return html`<nav class="group-crumb" aria-label=${t(lang, "discussion.crumb")}>
    <a class="group-crumb-link" href=${groupPath(group.slug)} aria-label=${t(lang, "discussion.back", { group: group.name })}>
      <span class="group-crumb-arrow" aria-hidden="true">←</span>
      ${GroupLogo({ group, className: "crumb-logo" })}
      <span class="group-crumb-name">${group.name}</span>
    </a>
  </nav>`;
}
