import { html } from "htm/preact";
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import type { Lang } from "../i18n";
import { BODY_MAX, TITLE_MAX, type RoomEvent, type ThreadView } from "../pages/discussions/types";
import { Field, TextareaField } from "../ui/fields";
import {
  api,
  groupHref,
  LiveStatus,
  mergeReactions,
  ThreadItem,
  useNow,
  useRoomEvents,
  type DiscussionStrings,
} from "./discussion-parts";
import type { RoomStatus } from "./room-socket";

export type LiveThreadsStrings = DiscussionStrings & {
  title: string;
  empty: string;
  loadMore: string;
  loading: string;
  /** Announced to screen readers; "{title}" is filled in. */
  arrived: string;
  formTitle: string;
  titleLabel: string;
  bodyLabel: string;
  bodyHint: string;
  post: string;
  posting: string;
  fixErrors: string;
};

export type LiveThreadsProps = {
  slug: string;
  lang: Lang;
  timeZone: string | null;
  threads: ThreadView[];
  nextCursor: string | null;
  /** The "Start a discussion" form; absent when the viewer may not post. */
  form: { values: { title: string; body: string }; errors: Record<string, string> } | null;
  /** Shown instead of the form (e.g. "You are muted until …"), already translated. */
  notice: string | null;
  strings: LiveThreadsStrings;
};

/** Pinned threads first, each part in the order it had. */
function pinnedFirst(list: ThreadView[]): ThreadView[] {
  return [...list.filter((t) => t.pinned), ...list.filter((t) => !t.pinned)];
}

/** Adds or updates one thread: a new one goes to the top, below the pinned ones. */
function upsert(list: ThreadView[], thread: ThreadView): ThreadView[] {
  const at = list.findIndex((t) => t.id === thread.id);
  if (at >= 0) {
    const old = list[at]!;
    const next = list.slice();
    next[at] = { ...thread, reactions: mergeReactions(old.reactions, thread.reactions) };
    return old.pinned === thread.pinned ? next : pinnedFirst(next);
  }
  return pinnedFirst([thread, ...list]);
}

/**
 * The group's threads, live: the server renders the list and a plain form; in the
 * browser new threads appear at the top, edits, pins, reply counts and reactions update
 * in place, removed ones disappear, "Load more" appends the next page, and the form
 * posts through the API without leaving the page.
 */
export default function LiveThreads(props: LiveThreadsProps): VNode {
  const { slug, lang, strings } = props;
  const [threads, setThreads] = useState(props.threads);
  const [cursor, setCursor] = useState(props.nextCursor);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState(false);
  const [fresh, setFresh] = useState<string[]>([]);
  const [status, setStatus] = useState<"static" | RoomStatus>("static");
  const [announcement, setAnnouncement] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>(props.form?.errors ?? {});
  const [posting, setPosting] = useState(false);
  const now = useNow();

  useRoomEvents(slug, setStatus, (event: RoomEvent) => {
    switch (event.type) {
      case "thread": {
        const thread = event.thread;
        if (!thread?.id) return;
        setThreads((list) => {
          if (!list.some((t) => t.id === thread.id)) {
            setFresh((ids) => [...ids, thread.id]);
            setAnnouncement(strings.arrived.replace("{title}", thread.title));
          }
          return upsert(list, thread);
        });
        break;
      }
      case "reply": {
        // Counts follow `thread` events; a reply newer than the thread's last activity bumps it meanwhile.
        const reply = event.reply;
        if (!reply?.threadId) return;
        setThreads((list) =>
          list.map((t) =>
            t.id === reply.threadId && Date.parse(reply.createdAt) > Date.parse(t.lastActivityAt)
              ? { ...t, replyCount: t.replyCount + 1, lastActivityAt: reply.createdAt }
              : t,
          ),
        );
        break;
      }
      case "removed":
        if (event.targetType === "thread") setThreads((list) => list.filter((t) => t.id !== event.targetId));
        break;
      case "reactions":
        if (event.targetType === "thread" && Array.isArray(event.reactions)) {
          setThreads((list) => list.map((t) => (t.id === event.targetId ? { ...t, reactions: mergeReactions(t.reactions, event.reactions) } : t)));
        }
        break;
    }
  });

  const loadMore = async (e: Event) => {
    if (!cursor) return;
    e.preventDefault();
    if (loading) return;
    setLoading(true);
    setLoadError(false);
    const res = await api<{ items: ThreadView[]; nextCursor: string | null }>(
      "GET",
      `/api/v1/groups/${encodeURIComponent(slug)}/threads?cursor=${encodeURIComponent(cursor)}`,
    );
    setLoading(false);
    if (!res.ok || !Array.isArray(res.data.items)) {
      setLoadError(true);
      return;
    }
    setThreads((list) => {
      const known = new Set(list.map((t) => t.id));
      return [...list, ...res.data.items.filter((t) => !known.has(t.id))];
    });
    setCursor(res.data.nextCursor ?? null);
  };

  const post = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    if (posting) return;
    const data = new FormData(form);
    const title = String(data.get("title") ?? "").trim();
    const body = String(data.get("body") ?? "").trim();
    setPosting(true);
    const res = await api<{ thread: ThreadView }>("POST", `/api/v1/groups/${encodeURIComponent(slug)}/threads`, { title, body });
    setPosting(false);
    if (res.ok && res.data.thread?.id) {
      const thread = res.data.thread;
      setErrors({});
      setThreads((list) => upsert(list, thread));
      setFresh((ids) => [...ids, thread.id]);
      (form.elements.namedItem("title") as HTMLInputElement).value = "";
      (form.elements.namedItem("body") as HTMLTextAreaElement).value = "";
      return;
    }
    if (!res.ok && res.status === 0) {
      // Offline or blocked: let the browser post the form the ordinary way.
      form.submit();
      return;
    }
    if (!res.ok) setErrors(Object.keys(res.fields).length > 0 ? res.fields : { form: res.message ?? strings.failed });
  };

  const formError = errors.form ?? errors._form;
  return html`<section class="discussions" aria-labelledby="discussions-title">
    ${props.form
      ? html`<form
          class="card composer"
          method="post"
          action=${`${groupHref(slug)}/threads`}
          onSubmit=${post}
          aria-labelledby="composer-title"
        >
          <h2 class="card-title" id="composer-title">${strings.formTitle}</h2>
          ${formError && html`<p class="field-error" role="alert">${formError}</p>`}
          ${Field({ name: "title", label: strings.titleLabel, value: props.form.values.title, required: true, maxlength: TITLE_MAX, error: errors.title })}
          ${TextareaField({
            name: "body",
            label: strings.bodyLabel,
            value: props.form.values.body,
            rows: 4,
            required: true,
            maxlength: BODY_MAX,
            hint: strings.bodyHint,
            error: errors.body,
          })}
          <div class="composer-actions">
            <button type="submit" class="btn btn-primary" disabled=${posting}>${posting ? strings.posting : strings.post}</button>
          </div>
        </form>`
      : props.notice && html`<p class="notice-muted" role="status">${props.notice}</p>`}
    <div class="disc-head">
      <h2 class="disc-title" id="discussions-title">${strings.title}</h2>
      ${LiveStatus({ status, strings })}
      ${props.form && html`<a class="btn btn-primary btn-sm disc-new" href="#composer-title">${strings.formTitle}</a>`}
    </div>
    <p class="sr-only" aria-live="polite">${announcement}</p>
    ${threads.length === 0
      ? html`<p class="empty">${strings.empty}</p>`
      : html`<ul class="thread-list">
          ${threads.map((thread) =>
            ThreadItem({ thread, slug, lang, timeZone: props.timeZone, now, strings, fresh: fresh.includes(thread.id) }),
          )}
        </ul>`}
    ${loadError && html`<p class="field-error" role="alert">${strings.failed}</p>`}
    ${cursor &&
    html`<div class="disc-more">
      <a class="btn btn-secondary" href=${`${groupHref(slug)}?cursor=${encodeURIComponent(cursor)}`} onClick=${loadMore} aria-busy=${loading ? "true" : undefined}
        >${loading ? strings.loading : strings.loadMore}</a
      >
    </div>`}
  </section>`;
}
