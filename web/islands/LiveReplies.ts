import { html } from "htm/preact";
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import type { Lang } from "../i18n";
import {
  BODY_MAX,
  TITLE_MAX,
  type ReactionKey,
  type ReactionSummary,
  type ReplyView,
  type RoomEvent,
  type ThreadView,
} from "../pages/discussions/types";
import {
  api,
  AuthorName,
  EditedMark,
  groupHref,
  LiveStatus,
  mergeReactions,
  PersonAvatar,
  PinnedBadge,
  plural,
  PostActions,
  PostBody,
  ReactionBar,
  threadHref,
  Time,
  useClosingMenus,
  useNow,
  useRoomEvents,
  type DiscussionStrings,
} from "./discussion-parts";
import type { RoomStatus } from "./room-socket";

export type LiveRepliesStrings = DiscussionStrings & {
  noReplies: string;
  moreReplies: string;
  /** "{name}" is filled in: announced when a reply arrives. */
  arrived: string;
  threadRemoved: string;
  backToGroup: string;
  replyTitle: string;
  replyLabel: string;
  bodyHint: string;
  send: string;
  sending: string;
  editThread: string;
  editReply: string;
  titleLabel: string;
  bodyLabel: string;
  save: string;
  cancel: string;
};

export type Editing = { kind: "thread" } | { kind: "reply"; id: string } | null;
type FormState = { values: { title?: string; body: string }; errors: Record<string, string> };

export type LiveRepliesProps = {
  slug: string;
  lang: Lang;
  timeZone: string | null;
  me: { userId: string };
  canModerate: boolean;
  thread: ThreadView;
  replies: ReplyView[];
  nextCursor: string | null;
  /** This page's path (with its `?cursor=`, if any): where forms come back to. */
  pagePath: string;
  editing: Editing;
  editForm: FormState | null;
  /** The reply form; null when the viewer may not post (then `notice` says why). */
  replyForm: { values: { body: string }; errors: Record<string, string> } | null;
  notice: string | null;
  strings: LiveRepliesStrings;
};

/** The viewer's toggle, applied before the server answers. */
function toggled(reactions: ReactionSummary[], key: ReactionKey): ReactionSummary[] {
  const current = reactions.find((r) => r.key === key);
  if (!current) return [...reactions, { key, count: 1, mine: true }];
  return reactions.map((r) => (r.key === key ? { ...r, count: Math.max(0, r.count + (r.mine ? -1 : 1)), mine: !r.mine } : r));
}

const withQuery = (path: string, param: string) => `${path}${path.includes("?") ? "&" : "?"}${param}`;

/**
 * A thread and its replies, live: the server renders everything with plain forms; in
 * the browser replies of others appear at the end, edits, pins and reactions update
 * in place, removed content disappears, reactions toggle and replies post through the
 * API without reloading.
 */
export default function LiveReplies(props: LiveRepliesProps): VNode {
  const { slug, lang, strings, me, canModerate, timeZone } = props;
  const [thread, setThread] = useState(props.thread);
  const [replies, setReplies] = useState(props.replies);
  const [removed, setRemoved] = useState(false);
  const [fresh, setFresh] = useState<string[]>([]);
  const [status, setStatus] = useState<"static" | RoomStatus>("static");
  const [announcement, setAnnouncement] = useState("");
  const [replyErrors, setReplyErrors] = useState<Record<string, string>>(props.replyForm?.errors ?? {});
  const [sending, setSending] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const now = useNow();
  useClosingMenus();
  const cursor = props.nextCursor;
  const back = props.pagePath;
  const apiBase = `/api/v1/groups/${encodeURIComponent(slug)}`;

  const addReply = (reply: ReplyView, mine: boolean) => {
    setReplies((list) => {
      const at = list.findIndex((r) => r.id === reply.id);
      if (at >= 0) {
        const next = list.slice();
        next[at] = { ...reply, reactions: mergeReactions(list[at]!.reactions, reply.reactions) };
        return next;
      }
      // With more pages to read, a new reply belongs after them: the "more" link reaches it.
      if (cursor) return list;
      if (!mine) {
        setFresh((ids) => [...ids, reply.id]);
        setAnnouncement(strings.arrived.replace("{name}", reply.author.name));
      }
      return [...list, reply];
    });
    setThread((t) =>
      Date.parse(reply.createdAt) > Date.parse(t.lastActivityAt)
        ? { ...t, replyCount: t.replyCount + 1, lastActivityAt: reply.createdAt }
        : t,
    );
  };

  useRoomEvents(slug, setStatus, (event: RoomEvent) => {
    switch (event.type) {
      case "thread":
        if (event.thread?.id === props.thread.id) {
          setThread((t) => ({ ...event.thread, reactions: mergeReactions(t.reactions, event.thread.reactions) }));
        }
        break;
      case "reply":
        if (event.reply?.threadId === props.thread.id) addReply(event.reply, event.reply.author.userId === me.userId);
        break;
      case "removed":
        if (event.targetType === "thread" && event.targetId === props.thread.id) setRemoved(true);
        else if (event.targetType === "reply") setReplies((list) => list.filter((r) => r.id !== event.targetId));
        break;
      case "reactions":
        if (event.targetType === "thread" && event.targetId === props.thread.id) {
          setThread((t) => ({ ...t, reactions: mergeReactions(t.reactions, event.reactions) }));
        } else if (event.targetType === "reply") {
          setReplies((list) => list.map((r) => (r.id === event.targetId ? { ...r, reactions: mergeReactions(r.reactions, event.reactions) } : r)));
        }
        break;
    }
  });

  const setReactions = (targetType: "thread" | "reply", id: string, update: (r: ReactionSummary[]) => ReactionSummary[]) => {
    if (targetType === "thread") setThread((t) => ({ ...t, reactions: update(t.reactions) }));
    else setReplies((list) => list.map((r) => (r.id === id ? { ...r, reactions: update(r.reactions) } : r)));
  };

  const toggle = async (targetType: "thread" | "reply", id: string, current: ReactionSummary[], key: ReactionKey) => {
    const wasMine = current.some((r) => r.key === key && r.mine);
    setActionError(null);
    setReactions(targetType, id, (r) => toggled(r, key));
    const res = await api<{ reactions: ReactionSummary[] }>(
      wasMine ? "DELETE" : "PUT",
      `${apiBase}/reactions/${targetType}/${encodeURIComponent(id)}/${key}`,
    );
    if (res.ok && Array.isArray(res.data?.reactions)) setReactions(targetType, id, () => res.data.reactions);
    else {
      setReactions(targetType, id, (r) => toggled(r, key));
      setActionError((!res.ok && res.message) || strings.failed);
    }
  };

  /** The reaction bar under the thread or under one reply. */
  const reactionBar = (targetType: "thread" | "reply", post: { id: string; reactions: ReactionSummary[] }) =>
    ReactionBar({
      slug,
      targetType,
      targetId: post.id,
      reactions: post.reactions,
      back,
      strings,
      onToggle: (key) => toggle(targetType, post.id, post.reactions, key),
    });

  const report = async (targetType: "thread" | "reply", id: string, reason: string) => {
    const res = await api("POST", `${apiBase}/reports`, { targetType, targetId: id, reason });
    return res.ok;
  };

  const postReply = async (e: Event) => {
    // With more pages of replies, the ordinary post brings the reader to the end.
    if (cursor) return;
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    if (sending) return;
    const body = String(new FormData(form).get("body") ?? "").trim();
    setSending(true);
    const res = await api<{ reply: ReplyView }>("POST", `${apiBase}/threads/${encodeURIComponent(thread.id)}/replies`, { body });
    setSending(false);
    if (res.ok && res.data.reply?.id) {
      setReplyErrors({});
      addReply(res.data.reply, true);
      (form.elements.namedItem("body") as HTMLTextAreaElement).value = "";
      return;
    }
    if (!res.ok && res.status === 0) {
      form.submit();
      return;
    }
    if (!res.ok) setReplyErrors(Object.keys(res.fields).length > 0 ? res.fields : { form: res.message ?? strings.failed });
  };

  if (removed) {
    return html`<div class="card post-removed" role="status">
      <p>${strings.threadRemoved}</p>
      <a class="btn btn-secondary" href=${groupHref(slug)}>${strings.backToGroup}</a>
    </div>`;
  }

  const editing = props.editing;
  const editErrors = props.editForm?.errors ?? {};
  const ownThread = thread.author.userId === me.userId;
  const threadPath = threadHref(slug, thread.id);

  const editThreadForm = () => html`<form class="edit-form" method="post" action=${`${threadPath}/edit`} aria-labelledby="edit-title-heading">
    <h1 class="post-title" id="edit-title-heading">${strings.editThread}</h1>
    <div class=${editErrors.title ? "field has-error" : "field"}>
      <label class="label" for="edit-title">${strings.titleLabel}</label>
      <input class="input" id="edit-title" name="title" required maxlength=${TITLE_MAX}
        value=${props.editForm?.values.title ?? thread.title}
        aria-invalid=${editErrors.title ? "true" : undefined} aria-describedby=${editErrors.title ? "edit-title-error" : undefined} />
      ${editErrors.title && html`<p class="field-error" id="edit-title-error">${editErrors.title}</p>`}
    </div>
    ${BodyField({ id: "edit-body", label: strings.bodyLabel, hint: strings.bodyHint, value: props.editForm?.values.body ?? thread.body, error: editErrors.body, rows: 8 })}
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">${strings.save}</button>
      <a class="btn btn-ghost" href=${back}>${strings.cancel}</a>
    </div>
  </form>`;

  const editReplyForm = (reply: ReplyView) => html`<form
    class="edit-form"
    method="post"
    action=${`${groupHref(slug)}/replies/${encodeURIComponent(reply.id)}/edit`}
    aria-label=${strings.editReply}
  >
    ${BodyField({ id: "edit-body", label: strings.editReply, hint: strings.bodyHint, value: props.editForm?.values.body ?? reply.body, error: editErrors.body, rows: 5, autofocus: true })}
    <div class="form-actions">
      <button type="submit" class="btn btn-primary btn-sm">${strings.save}</button>
      <a class="btn btn-ghost btn-sm" href=${back}>${strings.cancel}</a>
    </div>
  </form>`;

  const replyFormError = replyErrors.form ?? replyErrors._form;
  const count = Math.max(thread.replyCount, replies.length);

  return html`<div class="thread-view">
    <article class="card post post-thread" id="thread" aria-labelledby=${editing?.kind === "thread" && ownThread ? "edit-title-heading" : "thread-title"}>
      ${editing?.kind === "thread" && ownThread
        ? editThreadForm()
        : html`
            ${thread.pinned && html`<p class="post-flags">${PinnedBadge({ strings })}</p>`}
            <h1 class="post-title" id="thread-title">${thread.title}</h1>
            <div class="post-head">
              ${PersonAvatar({ id: thread.author.userId, name: thread.author.name, url: thread.author.avatarUrl, size: "lg" })}
              <p class="post-meta">
                ${AuthorName({ author: thread.author })}
                <span class="post-when">
                  ${Time({ lang, iso: thread.createdAt, timeZone, now })}
                  ${EditedMark({ lang, iso: thread.editedAt, timeZone, strings })}
                </span>
              </p>
            </div>
            ${PostBody({ html: thread.bodyHtml, className: "post-body-thread" })}
          `}
      <div class="split-row post-foot">
        ${reactionBar("thread", thread)}
        <div class="post-foot-end">
          ${props.replyForm && html`<a class="btn btn-ghost btn-sm" href="#reply-body">${strings.reply}</a>`}
          ${PostActions({
            slug,
            targetType: "thread",
            id: thread.id,
            own: ownThread,
            canModerate,
            pinned: thread.pinned,
            editHref: withQuery(back, "edit=thread"),
            back,
            strings,
            onReport: (reason) => report("thread", thread.id, reason),
          })}
        </div>
      </div>
    </article>
    ${actionError && html`<p class="field-error" role="alert">${actionError}</p>`}

    <section class="replies" aria-labelledby="replies-title">
      <div class="disc-head">
        <h2 class="disc-title" id="replies-title">${plural(lang, strings.repliesOne, strings.repliesOther, count)}</h2>
        ${LiveStatus({ status, strings })}
      </div>
      <p class="sr-only" aria-live="polite">${announcement}</p>
      ${replies.length === 0
        ? html`<p class="empty">${strings.noReplies}</p>`
        : html`<ol class="reply-list">
            ${replies.map((reply) => {
              const own = reply.author.userId === me.userId;
              const isEditing = editing?.kind === "reply" && editing.id === reply.id && own;
              return html`<li key=${reply.id} id=${`reply-${reply.id}`} class=${fresh.includes(reply.id) ? "reply is-new" : "reply"}>
                ${PersonAvatar({ id: reply.author.userId, name: reply.author.name, url: reply.author.avatarUrl })}
                <div class="reply-main">
                  <p class="post-meta">
                    ${AuthorName({ author: reply.author })}
                    <span class="post-when">
                      <a class="permalink" href=${`#reply-${reply.id}`}>${Time({ lang, iso: reply.createdAt, timeZone, now })}</a>
                      ${EditedMark({ lang, iso: reply.editedAt, timeZone, strings })}
                    </span>
                  </p>
                  ${isEditing ? editReplyForm(reply) : PostBody({ html: reply.bodyHtml })}
                  ${!isEditing &&
                  html`<div class="split-row post-foot">
                    ${reactionBar("reply", reply)}
                    <div class="post-foot-end">
                      ${PostActions({
                        slug,
                        targetType: "reply",
                        id: reply.id,
                        own,
                        canModerate,
                        editHref: `${withQuery(back, `edit=${encodeURIComponent(reply.id)}`)}#reply-${reply.id}`,
                        back,
                        strings,
                        onReport: (reason) => report("reply", reply.id, reason),
                      })}
                    </div>
                  </div>`}
                </div>
              </li>`;
            })}
          </ol>`}
      ${cursor &&
      html`<div class="disc-more">
        <a class="btn btn-secondary" href=${`${threadPath}?cursor=${encodeURIComponent(cursor)}`}>${strings.moreReplies}</a>
      </div>`}
    </section>

    ${props.replyForm
      ? html`<form class="card composer reply-composer" id="reply" method="post" action=${`${threadPath}/replies`} onSubmit=${postReply} aria-labelledby="reply-heading">
          <h2 class="card-title" id="reply-heading">${strings.replyTitle}</h2>
          ${replyFormError && html`<p class="field-error" role="alert">${replyFormError}</p>`}
          ${BodyField({ id: "reply-body", label: strings.replyLabel, hint: strings.bodyHint, value: props.replyForm.values.body, error: replyErrors.body, rows: 4, srLabel: true })}
          <div class="composer-actions">
            <button type="submit" class="btn btn-primary" disabled=${sending}>${sending ? strings.sending : strings.send}</button>
          </div>
        </form>`
      : props.notice && html`<p class="notice-muted" role="status" id="reply">${props.notice}</p>`}
  </div>`;
}

function BodyField(p: { id: string; label: string; hint: string; value: string; error: string | undefined; rows: number; srLabel?: boolean; autofocus?: boolean }): VNode {
  const describedby = [`${p.id}-hint`, p.error && `${p.id}-error`].filter(Boolean).join(" ");
  return html`<div class=${p.error ? "field has-error" : "field"}>
    <label class=${p.srLabel ? "label sr-only" : "label"} for=${p.id}>${p.label}</label>
    <textarea class="input textarea" id=${p.id} name="body" rows=${p.rows} required maxlength=${BODY_MAX} autofocus=${p.autofocus}
      aria-describedby=${describedby} aria-invalid=${p.error ? "true" : undefined}>${p.value}</textarea>
    <p class="field-hint" id=${`${p.id}-hint`}>${p.hint}</p>
    ${p.error && html`<p class="field-error" id=${`${p.id}-error`}>${p.error}</p>`}
  </div>`;
}
