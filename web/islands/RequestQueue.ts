import { html } from "htm/preact";
import { Avatar } from "../ui/avatar";
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Lang } from "../i18n";
import type { QueueEvent } from "../pages/discussions/types";
import type { JoinRequestView } from "../pages/groups/types";
import { formatDate, formatNumber, pluralCategory } from "../ui/format";

export type RequestQueueStrings = {
  /** "{count}" is filled in. */
  countOne: string;
  countOther: string;
  approve: string;
  reject: string;
  /** "{name}" is filled in: the buttons' accessible names. */
  approveLabel: string;
  rejectLabel: string;
  approveAll: string;
  empty: string;
  live: string;
  reconnecting: string;
  /** Announced when a request arrives; "{name}" is filled in. */
  arrived: string;
  failed: string;
};

export type RequestQueueProps = {
  slug: string;
  lang: Lang;
  timeZone: string | null;
  requests: JoinRequestView[];
  strings: RequestQueueStrings;
};

/** What the join queue's socket sends (the room's protocol). */
type ServerMessage = QueueEvent;

type Action = "approve" | "reject";

const fill = (template: string, vars: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);

const MIN_DELAY = 1000;
const MAX_DELAY = 30_000;

/**
 * The pending join requests of a group. Server-rendered with plain Approve / Reject
 * forms; once hydrated it follows the group's live feed (WebSocket, reconnecting with
 * backoff) and decides through the JSON API without leaving the page.
 */
export default function RequestQueue(props: RequestQueueProps): VNode {
  const { slug, strings } = props;
  const base = `/admin/groups/${encodeURIComponent(slug)}/requests`;
  const [requests, setRequests] = useState(props.requests);
  const [fresh, setFresh] = useState<string[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [announcement, setAnnouncement] = useState("");
  const [status, setStatus] = useState<"static" | "live" | "offline">("static");

  const remove = (id: string) => setRequests((list) => list.filter((r) => r.id !== id));

  useEffect(() => {
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = MIN_DELAY;
    let stopped = false;
    const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/v1/groups/${encodeURIComponent(slug)}/requests/live`;

    const connect = () => {
      socket = new WebSocket(url);
      socket.onopen = () => {
        delay = MIN_DELAY;
        setStatus("live");
      };
      socket.onmessage = (event) => {
        let msg: ServerMessage;
        try {
          msg = JSON.parse(String(event.data)) as ServerMessage;
        } catch {
          return;
        }
        if (msg.type === "request" && msg.request?.id) {
          const request = msg.request;
          setRequests((list) => (list.some((r) => r.id === request.id) ? list : [request, ...list]));
          setFresh((ids) => [...ids, request.id]);
          setAnnouncement(fill(strings.arrived, { name: request.name }));
        } else if (msg.type === "decided" && msg.id) {
          remove(msg.id);
        } else if (msg.type === "snapshot" && Array.isArray(msg.requests)) {
          const fresh = msg.requests;
          // The snapshot does not repeat pictures: keep those the page already had.
          setRequests((list) => fresh.map((r) => (r.avatarUrl ? r : { ...r, avatarUrl: list.find((o) => o.id === r.id)?.avatarUrl ?? null })));
        }
      };
      socket.onclose = () => {
        socket = null;
        if (stopped) return;
        setStatus("offline");
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, MAX_DELAY);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, []);

  const decide = async (e: Event, id: string, action: Action) => {
    e.preventDefault();
    if (busy) return;
    setBusy(id);
    setErrors(({ [id]: _, ...rest }) => rest);
    try {
      const res = await fetch(`/api/v1/groups/${encodeURIComponent(slug)}/requests/${encodeURIComponent(id)}/${action}`, {
        method: "POST",
        credentials: "include",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: "{}",
      });
      if (res.ok) {
        remove(id);
      } else {
        const body = (await res.json().catch(() => null)) as { error?: { display?: { message?: string } } } | null;
        setErrors((all) => ({ ...all, [id]: body?.error?.display?.message || strings.failed }));
      }
    } catch {
      setErrors((all) => ({ ...all, [id]: strings.failed }));
    } finally {
      setBusy(null);
    }
  };

  const count = requests.length;
  const countText = fill(pluralCategory(props.lang, count) === "one" ? strings.countOne : strings.countOther, {
    count: formatNumber(props.lang, count),
  });

  return html`<div class="queue">
    <div class="queue-bar">
      ${count > 0 && html`<p class="queue-count">${countText}</p>`}
      ${status !== "static" &&
      html`<p class="live-status queue-live" data-state=${status}>${status === "live" ? strings.live : strings.reconnecting}</p>`}
      ${count > 0 &&
      html`<form class="inline-form queue-all" method="post" action=${`${base}/approve-all`}>
        <button type="submit" class="btn btn-secondary btn-sm">${strings.approveAll}</button>
      </form>`}
    </div>
    <p class="sr-only" aria-live="polite">${announcement}</p>
    ${count === 0
      ? html`<p class="empty">${strings.empty}</p>`
      : html`<ul class="queue-list">
          ${requests.map((r) => {
            const error = errors[r.id];
            const action = `${base}/${encodeURIComponent(r.id)}`;
            return html`<li key=${r.id} class=${fresh.includes(r.id) ? "card request is-new" : "card request"}>
              <div class="request-head">
                ${Avatar({ id: r.userId, name: r.name, url: r.avatarUrl, size: "lg" })}
                <div class="request-who">
                  <p class="request-name">${r.name}</p>
                  <p class="request-email">${r.email}</p>
                </div>
                <time class="request-time" datetime=${r.createdAt}>
                  ${formatDate(props.lang, r.createdAt, { timeZone: props.timeZone, time: true })}
                </time>
              </div>
              ${r.answers.length > 0 &&
              html`<dl class="request-answers">
                ${r.answers.map(
                  (a) => html`<div class="request-answer">
                    <dt>${a.label}</dt>
                    <dd>${a.answer}</dd>
                  </div>`,
                )}
              </dl>`}
              ${error && html`<p class="field-error" role="alert">${error}</p>`}
              <div class="request-actions">
                <form class="inline-form" method="post" action=${`${action}/approve`} onSubmit=${(e: Event) => decide(e, r.id, "approve")}>
                  <button type="submit" class="btn btn-primary btn-sm" disabled=${busy === r.id} aria-label=${fill(strings.approveLabel, { name: r.name })}>
                    ${strings.approve}
                  </button>
                </form>
                <form class="inline-form" method="post" action=${`${action}/reject`} onSubmit=${(e: Event) => decide(e, r.id, "reject")}>
                  <button type="submit" class="btn btn-secondary btn-sm" disabled=${busy === r.id} aria-label=${fill(strings.rejectLabel, { name: r.name })}>
                    ${strings.reject}
                  </button>
                </form>
              </div>
            </li>`;
          })}
        </ul>`}
  </div>`;
}
