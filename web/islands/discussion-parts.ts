import { html } from "htm/preact";
import { Avatar } from "../ui/avatar";
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Lang } from "../i18n";
import {
  REACTION_EMOJI,
  REACTIONS,
  REASON_MAX,
  type AuthorView,
  type ReactionKey,
  type ReactionSummary,
  type RoomEvent,
  type TargetType,
  type ThreadView,
} from "../pages/discussions/types";
import { formatDate, formatNumber, pluralCategory, relativeFormat } from "../ui/format";
import { LevelBadge } from "../ui/level-badge";
import { joinRoom, type RoomStatus } from "./room-socket";

// The pieces of discussions shared by the server pages and the islands (LiveThreads,
// LiveReplies): free of the catalogs, so every word arrives translated in `strings`.

/** The words of threads, replies, reactions and their actions (filled by web/pages/groups/discussion.ts). */
export type DiscussionStrings = {
  pinned: string;
  edited: string;
  /** "{when}" is filled in ("3 hours ago", "12 Mar"). */
  activity: string;
  /** "{count}" is filled in. */
  repliesOne: string;
  repliesOther: string;
  reactionNames: Record<ReactionKey, string>;
  /** "{reaction}" and "{count}": a reaction button's accessible name. */
  reactionCount: string;
  addReaction: string;
  reactions: string;
  moreActions: string;
  reply: string;
  edit: string;
  delete: string;
  deleteThreadConfirm: string;
  deleteReplyConfirm: string;
  pin: string;
  unpin: string;
  hide: string;
  report: string;
  reportReason: string;
  reportHint: string;
  reportSend: string;
  reportSent: string;
  failed: string;
  live: string;
  reconnecting: string;
};

export const fill = (template: string, vars: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (vars[key] === undefined ? whole : String(vars[key])));

export function plural(lang: Lang, one: string, other: string, count: number): string {
  return fill(pluralCategory(lang, count) === "one" ? one : other, { count: formatNumber(lang, count) });
}

export const groupHref = (slug: string) => `/g/${encodeURIComponent(slug)}`;
export const threadHref = (slug: string, id: string) => `${groupHref(slug)}/t/${encodeURIComponent(id)}`;

/** The current time, refreshed every `every` ms in the browser (relative dates stay true). */
export function useNow(every = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}

/** "now", "5 minutes ago", "yesterday" within a week; a short date ("12 Mar") after that. */
export function when(lang: Lang, iso: string, timeZone: string | null, now: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 7 * 86_400) {
    // An engine without RelativeTimeFormat gets the date below.
    const rtf = relativeFormat(lang);
    if (rtf) {
      if (abs < 45) return rtf.format(0, "second");
      if (abs < 3_600) return rtf.format(Math.round(seconds / 60), "minute");
      if (abs < 86_400) return rtf.format(Math.round(seconds / 3_600), "hour");
      return rtf.format(Math.round(seconds / 86_400), "day");
    }
  }
  return formatDate(lang, iso, { timeZone, short: true });
}

/** A <time> with a relative text and the full date as its tooltip. */
export function Time({ lang, iso, timeZone, now, template }: { lang: Lang; iso: string; timeZone: string | null; now: number; template?: string }): VNode {
  const text = when(lang, iso, timeZone, now);
  return html`<time datetime=${iso} title=${formatDate(lang, iso, { timeZone, time: true })}
    >${template ? fill(template, { when: text }) : text}</time
  >`;
}

export { avatarTone } from "../ui/avatar";
/** The shared avatar (web/ui/avatar.ts) under the name the islands use. */
export const PersonAvatar = Avatar;

/** A name with its level badge. */
export function AuthorName({ author }: { author: Pick<AuthorView, "name" | "level"> }): VNode {
  return html`<span class="author"><span class="author-name">${author.name}</span>${LevelBadge({ level: author.level })}</span>`;
}

/** Reactions in the catalogue's order, only those with a count. */
export function visibleReactions(reactions: ReactionSummary[]): ReactionSummary[] {
  return REACTIONS.map((key) => reactions.find((r) => r.key === key)).filter((r): r is ReactionSummary => !!r && r.count > 0);
}

/** Live events carry `mine: false`: keep what the viewer knows of their own reactions. */
export function mergeReactions(previous: ReactionSummary[], incoming: ReactionSummary[]): ReactionSummary[] {
  return incoming.map((r) => ({ ...r, mine: r.count > 0 && (previous.find((p) => p.key === r.key)?.mine ?? false) }));
}

/** Read-only counts, for lists. */
export function ReactionCounts({ reactions, strings }: { reactions: ReactionSummary[]; strings: DiscussionStrings }): VNode | null {
  const shown = visibleReactions(reactions);
  if (shown.length === 0) return null;
  return html`<ul class="reaction-counts" aria-label=${strings.reactions}>
    ${shown.map(
      (r) => html`<li class=${r.mine ? "reaction-count is-mine" : "reaction-count"}
        aria-label=${fill(strings.reactionCount, { reaction: strings.reactionNames[r.key], count: r.count })}>
        <span aria-hidden="true">${REACTION_EMOJI[r.key]} ${r.count}</span>
      </li>`,
    )}
  </ul>`;
}

export type ReactionBarProps = {
  slug: string;
  targetType: TargetType;
  targetId: string;
  reactions: ReactionSummary[];
  /** Where the no-JavaScript form comes back to. */
  back: string;
  strings: DiscussionStrings;
  /** With JavaScript: toggle through the API instead of posting the form. */
  onToggle?: (key: ReactionKey) => void;
};

/**
 * Reaction buttons (emoji and count, pressed when the viewer reacted) and a chooser
 * with every reaction. One form: each button submits its own `key`.
 */
export function ReactionBar(props: ReactionBarProps): VNode {
  const { strings } = props;
  const shown = visibleReactions(props.reactions);
  const mine = (key: ReactionKey) => props.reactions.some((r) => r.key === key && r.mine && r.count > 0);
  const onSubmit = (e: SubmitEvent) => {
    if (!props.onToggle) return;
    const key = (e.submitter as HTMLButtonElement | null)?.value as ReactionKey | undefined;
    if (!key || !REACTIONS.includes(key)) return;
    e.preventDefault();
    (e.currentTarget as HTMLFormElement).querySelector("details")?.removeAttribute("open");
    props.onToggle(key);
  };
  return html`<form class="reactions" method="post" action=${`${groupHref(props.slug)}/react`} onSubmit=${onSubmit}>
    <input type="hidden" name="targetType" value=${props.targetType} />
    <input type="hidden" name="targetId" value=${props.targetId} />
    <input type="hidden" name="back" value=${props.back} />
    ${shown.map(
      (r) => html`<button
        type="submit"
        name="key"
        value=${r.key}
        class="reaction"
        aria-pressed=${mine(r.key) ? "true" : "false"}
        aria-label=${fill(strings.reactionCount, { reaction: strings.reactionNames[r.key], count: r.count })}
        title=${strings.reactionNames[r.key]}
      >
        <span class="reaction-emoji" aria-hidden="true">${REACTION_EMOJI[r.key]}</span>
        <span class="reaction-num" aria-hidden="true">${r.count}</span>
      </button>`,
    )}
    <details class="reaction-picker">
      <summary class="reaction reaction-add" title=${strings.addReaction}>
        <span aria-hidden="true" class="reaction-add-icon">☺</span><span aria-hidden="true">+</span>
        <span class="sr-only">${strings.addReaction}</span>
      </summary>
      <div class="reaction-menu" role="group" aria-label=${strings.reactions}>
        ${REACTIONS.map(
          (key) => html`<button
            type="submit"
            name="key"
            value=${key}
            class="reaction-choice"
            aria-pressed=${mine(key) ? "true" : "false"}
            aria-label=${strings.reactionNames[key]}
            title=${strings.reactionNames[key]}
          >
            <span aria-hidden="true">${REACTION_EMOJI[key]}</span>
          </button>`,
        )}
      </div>
    </details>
  </form>`;
}

/** Sanitised on the server (API.md): the only HTML ever injected. */
export function PostBody({ html: bodyHtml, className }: { html: string; className?: string }): VNode {
  return html`<div class=${className ? `post-body ${className}` : "post-body"} dangerouslySetInnerHTML=${{ __html: bodyHtml }}></div>`;
}

export type PostActionsProps = {
  slug: string;
  targetType: "thread" | "reply";
  id: string;
  own: boolean;
  canModerate: boolean;
  pinned?: boolean;
  editHref: string;
  back: string;
  strings: DiscussionStrings;
  /** With JavaScript: send the report through the API. Resolves true when it was recorded. */
  onReport?: (reason: string) => Promise<boolean>;
};

/** Edit / pin / hide / delete in a "⋯" menu, and "Report" as its own expanding form. */
export function PostActions(props: PostActionsProps): VNode | null {
  const { strings, slug, id, targetType } = props;
  const g = groupHref(slug);
  const deleteAction = targetType === "thread" ? `${threadHref(slug, id)}/delete` : `${g}/replies/${encodeURIComponent(id)}/delete`;
  const confirmText = targetType === "thread" ? strings.deleteThreadConfirm : strings.deleteReplyConfirm;
  const canDelete = props.own || props.canModerate;
  const items: VNode[] = [];
  if (props.own) items.push(html`<a class="post-menu-item" href=${props.editHref}>${strings.edit}</a>`);
  if (props.canModerate && targetType === "thread") {
    items.push(html`<form class="post-menu-form" method="post" action=${`${threadHref(slug, id)}/pin`}>
      <input type="hidden" name="pinned" value=${props.pinned ? "0" : "1"} />
      <button type="submit" class="post-menu-item">${props.pinned ? strings.unpin : strings.pin}</button>
    </form>`);
  }
  if (props.canModerate && !props.own) {
    items.push(html`<form class="post-menu-form" method="post" action=${`${g}/moderation/hide`}>
      <input type="hidden" name="targetType" value=${targetType} />
      <input type="hidden" name="targetId" value=${id} />
      <input type="hidden" name="back" value=${props.back} />
      <button type="submit" class="post-menu-item">${strings.hide}</button>
    </form>`);
  }
  if (canDelete) {
    items.push(html`<form
      class="post-menu-form"
      method="post"
      action=${deleteAction}
      onSubmit=${(e: Event) => {
        if (!confirm(confirmText)) e.preventDefault();
      }}
    >
      <button type="submit" class="post-menu-item is-danger">${strings.delete}</button>
    </form>`);
  }
  const report = !props.own;
  if (items.length === 0 && !report) return null;
  return html`<div class="post-actions">
    ${report && html`<${ReportPanel} ...${props} />`}
    ${items.length > 0 &&
    html`<details class="post-menu">
      <summary class="btn btn-ghost btn-sm post-menu-button" title=${strings.moreActions}>
        <span aria-hidden="true">⋯</span><span class="sr-only">${strings.moreActions}</span>
      </summary>
      <div class="popover post-menu-list">${items}</div>
    </details>`}
  </div>`;
}

/** A <details> "Report" with the reason: a plain form, sent through the API when it can. */
function ReportPanel(props: PostActionsProps): VNode {
  const { strings } = props;
  const [state, setState] = useState<"idle" | "sending" | "sent" | "failed">("idle");
  const fieldId = `report-${props.targetType}-${props.id}`;
  const onSubmit = async (e: Event) => {
    if (!props.onReport) return;
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const reason = String(new FormData(form).get("reason") ?? "").trim();
    setState("sending");
    setState((await props.onReport(reason)) ? "sent" : "failed");
  };
  return html`<details class="post-report">
    <summary class="btn btn-ghost btn-sm post-report-button">${strings.report}</summary>
    ${state === "sent"
      ? html`<p class="post-report-done" role="status">${strings.reportSent}</p>`
      : html`<form class="post-report-form" method="post" action=${`${groupHref(props.slug)}/report`} onSubmit=${onSubmit}>
          <input type="hidden" name="targetType" value=${props.targetType} />
          <input type="hidden" name="targetId" value=${props.id} />
          <input type="hidden" name="back" value=${props.back} />
          <label class="label" for=${fieldId}>${strings.reportReason}</label>
          <textarea
            class="input textarea"
            id=${fieldId}
            name="reason"
            rows="2"
            maxlength=${REASON_MAX}
            required
            aria-describedby=${`${fieldId}-hint`}
          ></textarea>
          <p class="field-hint" id=${`${fieldId}-hint`}>${strings.reportHint}</p>
          ${state === "failed" && html`<p class="field-error" role="alert">${strings.failed}</p>`}
          <div><button type="submit" class="btn btn-secondary btn-sm" disabled=${state === "sending"}>${strings.reportSend}</button></div>
        </form>`}
  </details>`;
}

export function PinnedBadge({ strings }: { strings: DiscussionStrings }): VNode {
  return html`<span class="pin-badge"><span aria-hidden="true">📌</span> ${strings.pinned}</span>`;
}

export function EditedMark({ lang, iso, timeZone, strings }: { lang: Lang; iso: string | null; timeZone: string | null; strings: DiscussionStrings }): VNode | null {
  if (!iso) return null;
  return html`<span class="post-edited" title=${formatDate(lang, iso, { timeZone, time: true })}>${strings.edited}</span>`;
}

/** One thread in the group's list: the whole card is its link's target. */
export function ThreadItem({
  thread,
  slug,
  lang,
  timeZone,
  now,
  strings,
  fresh,
}: {
  thread: ThreadView;
  slug: string;
  lang: Lang;
  timeZone: string | null;
  now: number;
  strings: DiscussionStrings;
  fresh?: boolean;
}): VNode {
  const classes = ["card-lift thread-item", thread.pinned && "is-pinned", fresh && "is-new"].filter(Boolean).join(" ");
  return html`<li class=${classes} key=${thread.id} data-thread=${thread.id}>
    ${PersonAvatar({ id: thread.author.userId, name: thread.author.name, url: thread.author.avatarUrl, size: "lg" })}
    <div class="thread-item-body">
      <h3 class="thread-item-title">
        ${thread.pinned && PinnedBadge({ strings })}
        <a class="thread-link" href=${threadHref(slug, thread.id)}>${thread.title}</a>
      </h3>
      <p class="thread-item-meta">
        ${AuthorName({ author: thread.author })}
        <span class="dot" aria-hidden="true">·</span>
        ${Time({ lang, iso: thread.lastActivityAt, timeZone, now, template: strings.activity })}
      </p>
      ${thread.excerpt && html`<p class="thread-item-excerpt">${thread.excerpt}</p>`}
      <div class="thread-item-foot">
        <span class=${thread.replyCount > 0 ? "reply-count" : "reply-count is-zero"}>
          <span class="mask-icon reply-count-icon" aria-hidden="true"></span>
          ${plural(lang, strings.repliesOne, strings.repliesOther, thread.replyCount)}
        </span>
        ${ReactionCounts({ reactions: thread.reactions, strings })}
      </div>
    </div>
  </li>`;
}

/** A "Live" / "Reconnecting…" line. */
export function LiveStatus({ status, strings }: { status: "static" | "connecting" | "live" | "reconnecting"; strings: { live: string; reconnecting: string } }): VNode | null {
  if (status === "static" || status === "connecting") return null;
  return html`<p class="live-status" data-state=${status}>${status === "live" ? strings.live : strings.reconnecting}</p>`;
}

/**
 * Closes the open menus matching `selector` (by default the "⋯" menus and reaction
 * choosers) on a click elsewhere or Escape, giving focus back to the menu's button.
 */
export function useClosingMenus(selector = "details.post-menu[open], details.reaction-picker[open]"): void {
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      for (const d of document.querySelectorAll<HTMLDetailsElement>(selector)) {
        if (!d.contains(e.target as Node)) d.open = false;
      }
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      for (const d of document.querySelectorAll<HTMLDetailsElement>(selector)) {
        if (d.open) {
          d.open = false;
          d.querySelector("summary")?.focus();
        }
      }
    };
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("click", onClick);
      document.removeEventListener("keydown", onKey);
    };
  }, [selector]);
}

/**
 * While the island is on the page: the group's room socket, its status into `setStatus` and
 * each event to `onEvent` (the handler of the first render, as an effect keyed on the slug).
 */
export function useRoomEvents(slug: string, setStatus: (status: RoomStatus) => void, onEvent: (event: RoomEvent) => void): void {
  useEffect(() => {
    const room = joinRoom(slug);
    const offStatus = room.watchStatus(setStatus);
    const off = room.subscribe(onEvent);
    return () => {
      off();
      offStatus();
    };
  }, [slug]);
}

/** A same-origin call to the JSON API, the body (if any) sent as JSON; rejects when there is no answer. */
export function jsonRequest(method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "content-type": "application/json", accept: "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The JSON API's answer, or its error envelope's message. */
export async function api<T>(method: string, url: string, body?: unknown): Promise<{ ok: true; data: T } | { ok: false; status: number; message: string | null; fields: Record<string, string> }> {
  try {
    const res = await jsonRequest(method, url, body);
    const json = (await res.json().catch(() => null)) as (T & { error?: { display?: { message?: string; fields?: Record<string, string> } } }) | null;
    if (res.ok) return { ok: true, data: json as T };
    // `display`: the refusal in the page's language (the envelope's `message` is English).
    return { ok: false, status: res.status, message: json?.error?.display?.message ?? null, fields: json?.error?.display?.fields ?? {} };
  } catch {
    return { ok: false, status: 0, message: null, fields: {} };
  }
}
