import { html } from "htm/preact";
import type { VNode } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Lang } from "../i18n";
import { MESSAGE_MAX, REASON_MAX, type MessageView, type RoomEvent } from "../pages/discussions/types";
import { dateFormat, formatNumber, relativeFormat } from "../ui/format";
import { remembered } from "../ui/memo";
import { LevelBadge } from "../ui/level-badge";
import { fill, jsonRequest, PersonAvatar, useClosingMenus } from "./discussion-parts";
import { joinRoom, type RoomStatus } from "./room-socket";

export type ChatStrings = {
  log: string;
  connecting: string;
  live: string;
  reconnecting: string;
  inputLabel: string;
  placeholder: string;
  /** Under the input: how Enter and Shift+Enter work. */
  keys: string;
  send: string;
  sending: string;
  failed: string;
  retry: string;
  discard: string;
  /** "{name}" / "{names}" are filled in. */
  typingOne: string;
  typingMany: string;
  typingSeveral: string;
  newMessages: string;
  /** "{date}" is filled in. */
  mutedUntil: string;
  muted: string;
  /** "{seconds}" is filled in. */
  rateLimited: string;
  /** "{max}" is filled in. */
  tooLong: string;
  invalid: string;
  /** "{count}" is filled in. */
  left: string;
  empty: string;
  /** The server-rendered fallback's note. */
  needsJs: string;
  /** The actions menu's accessible name: "{name}" is the author. */
  actions: string;
  report: string;
  hide: string;
  delete: string;
  deleteConfirm: string;
  reportReason: string;
  reportHint: string;
  reportSend: string;
  cancel: string;
  reported: string;
  alreadyReported: string;
  /** Announced (to screen readers) once a message is gone. */
  hidden: string;
  deleted: string;
  /** When an action fails without a message from the server. */
  actionFailed: string;
};

export type ChatProps = {
  slug: string;
  lang: Lang;
  timeZone: string | null;
  me: { userId: string; name: string };
  messages: MessageView[];
  mutedUntil: string | null;
  /** Moderators may hide and delete anyone's message. */
  canModerate: boolean;
  variant: "compact" | "full";
  strings: ChatStrings;
};

type Pending = { nonce: string; text: string; at: string; state: "sending" | "failed" };

/** Messages closer than this, by the same person on the same day, share one header. */
const GROUP_WINDOW = 5 * 60_000;
const ECHO_TIMEOUT = 10_000;
const TYPING_EVERY = 3_000;
const TYPING_SHOWN = 4_000;
/** The counter appears this close to the limit. */
const COUNTER_FROM = MESSAGE_MAX - 200;

const safeFormat = dateFormat;

/** Day keys, times and day labels in the community's time zone. */
function useClock(lang: Lang, timeZone: string | null): Clock {
  return useMemo(() => clockFor(lang, timeZone), [lang, timeZone]);
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Text with its http(s) links made clickable; everything stays text (no HTML is ever parsed). */
export function Linkified({ text }: { text: string }): VNode {
  const parts: (string | VNode)[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    // Trailing punctuation belongs to the sentence, not the link.
    const trail = /[.,;:!?)\]]+$/.exec(url)?.[0] ?? "";
    url = url.slice(0, url.length - trail.length);
    const start = match.index ?? 0;
    let href: string | null = null;
    try {
      const parsed = new URL(url);
      href = parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch {
      href = null;
    }
    if (!href) continue;
    parts.push(text.slice(last, start));
    parts.push(html`<a href=${href} rel="noopener nofollow ugc" target="_blank">${url}</a>`);
    last = start + url.length;
  }
  parts.push(text.slice(last));
  return html`${parts}`;
}

type Row =
  | { kind: "day"; key: string; label: string }
  | { kind: "message"; key: string; message: MessageView; cont: boolean; pending?: Pending };

function rows(messages: MessageView[], pending: Pending[], me: ChatProps["me"], clock: Clock): Row[] {
  const out: Row[] = [];
  let lastDay = "";
  let prev: MessageView | null = null;
  // A message still on its way wears the picture of the sender's latest stored one.
  let myPicture: string | null = null;
  for (const m of messages) if (m.userId === me.userId) myPicture = m.avatarUrl ?? null;
  const all: { message: MessageView; pending?: Pending }[] = [
    ...messages.map((message) => ({ message })),
    ...pending.map((p) => ({ message: { id: `pending-${p.nonce}`, userId: me.userId, name: me.name, text: p.text, at: p.at, level: null, avatarUrl: myPicture }, pending: p })),
  ];
  for (const { message, pending: p } of all) {
    const day = clock.dayKey(message.at);
    if (day !== lastDay) {
      out.push({ kind: "day", key: `day-${day}`, label: clock.dayLabel(message.at) });
      lastDay = day;
      prev = null;
    }
    const cont = prev !== null && prev.userId === message.userId && Date.parse(message.at) - Date.parse(prev.at) < GROUP_WINDOW;
    out.push({ kind: "message", key: message.id, message, cont, ...(p ? { pending: p } : {}) });
    prev = message;
  }
  return out;
}

function MessageRow({ row, me, clock, strings, onRetry, onDiscard, menu, below }: {
  row: Extract<Row, { kind: "message" }>;
  me: ChatProps["me"];
  clock: Clock;
  strings: ChatStrings;
  onRetry?: (p: Pending) => void;
  onDiscard?: (p: Pending) => void;
  /** The actions menu (sent messages, with JavaScript). */
  menu?: VNode | null;
  /** Under the text: the report form or what became of an action. */
  below?: VNode | null;
}): VNode {
  const { message: m, cont, pending } = row;
  const classes = ["chat-msg", cont && "is-cont", m.userId === me.userId && "is-mine", pending && `is-${pending.state}`].filter(Boolean).join(" ");
  return html`<li class=${classes} key=${row.key} data-message-id=${pending ? undefined : m.id}>
    ${cont
      ? html`<span class="chat-gutter"><time datetime=${m.at} title=${clock.full(m.at)}>${clock.time(m.at)}</time></span>`
      : PersonAvatar({ id: m.userId, name: m.name, url: m.avatarUrl })}
    <div class="chat-body">
      ${cont
        ? html`<span class="sr-only">${m.name}</span>`
        : html`<p class="chat-head">
            <span class="chat-name">${m.name}</span>${LevelBadge({ level: m.level })}
            <time class="chat-time" datetime=${m.at} title=${clock.full(m.at)}>${clock.time(m.at)}</time>
          </p>`}
      <p class="chat-text">${Linkified({ text: m.text })}</p>
      ${pending?.state === "sending" && html`<p class="chat-state">${strings.sending}</p>`}
      ${pending?.state === "failed" &&
      html`<p class="chat-state chat-failed">
        <span>${strings.failed}</span>
        <button type="button" class="link-button" onClick=${() => onRetry?.(pending)}>${strings.retry}</button>
        <button type="button" class="link-button" onClick=${() => onDiscard?.(pending)}>${strings.discard}</button>
      </p>`}
    </div>
    ${menu}
    ${below && html`<div class="chat-below">${below}</div>`}
  </li>`;
}

/** The last messages as plain text: what the server renders in place of the chat without JavaScript. */
export function ChatFallback({ lang, timeZone, me, messages, strings, variant }: Omit<ChatProps, "slug" | "mutedUntil" | "canModerate">): VNode {
  const clock = clockFor(lang, timeZone);
  const list = rows(messages, [], me, clock);
  return html`<div class=${`chat chat-${variant}`}>
    <div class="chat-log" role="log" aria-label=${strings.log} tabindex="0">
      ${list.length === 0
        ? html`<p class="chat-empty">${strings.empty}</p>`
        : html`<ol class="chat-list">
            ${list.map((row) =>
              row.kind === "day"
                ? html`<li class="chat-day" key=${row.key}><span>${row.label}</span></li>`
                : MessageRow({ row, me, clock, strings }),
            )}
          </ol>`}
    </div>
    <p class="chat-nojs">${strings.needsJs}</p>
  </div>`;
}

type Clock = ReturnType<typeof buildClock>;

const clocks = remembered<Clock>(200);

/** One clock per language and zone: the server renders the chat's fallback on every group page. */
function clockFor(lang: Lang, timeZone: string | null): Clock {
  return clocks(`${lang}|${timeZone ?? ""}`, () => buildClock(lang, timeZone));
}

/** Day keys, times and day labels in the community's time zone. */
function buildClock(lang: Lang, timeZone: string | null) {
  const key = safeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }, timeZone);
  const clock = safeFormat(lang, { hour: "numeric", minute: "2-digit" }, timeZone);
  const full = safeFormat(lang, { dateStyle: "full", timeStyle: "short" }, timeZone);
  const day = safeFormat(lang, { weekday: "long", day: "numeric", month: "long" }, timeZone);
  const dayYear = safeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" }, timeZone);
  const until = safeFormat(lang, { dateStyle: "medium", timeStyle: "short" }, timeZone);
  const rtf = relativeFormat(lang);
  const capital = (s: string) => s.charAt(0).toLocaleUpperCase(lang) + s.slice(1);
  return {
    dayKey: (iso: string) => key.format(new Date(iso)),
    time: (iso: string) => clock.format(new Date(iso)),
    full: (iso: string) => full.format(new Date(iso)),
    until: (iso: string) => until.format(new Date(iso)),
    dayLabel: (iso: string) => {
      const d = new Date(iso);
      const now = Date.now();
      const k = key.format(d);
      if (rtf && k === key.format(new Date(now))) return capital(rtf.format(0, "day"));
      if (rtf && k === key.format(new Date(now - 86_400_000))) return capital(rtf.format(-1, "day"));
      const sameYear = k.slice(0, 4) === key.format(new Date(now)).slice(0, 4);
      return capital((sameYear ? day : dayYear).format(d));
    },
  };
}

type Answer = { status: number; code?: string; message?: string };

/** One same-origin JSON call; the error envelope's code and message when it fails (status 0: no answer). */
async function call(method: string, url: string, body?: unknown): Promise<Answer> {
  try {
    const res = await jsonRequest(method, url, body);
    if (res.ok) return { status: res.status };
    const json = (await res.json().catch(() => null)) as { error?: { code?: string; display?: { message?: string } } } | null;
    return { status: res.status, code: json?.error?.code, message: json?.error?.display?.message };
  } catch {
    return { status: 0 };
  }
}

const menuId = (variant: string, id: string) => `chat-menu-${variant}-${id}`;

/** Room under a menu for its list to open downwards (it opens upwards otherwise, when there is more room there). */
const MENU_ROOM = 150;

/**
 * "⋮" on a message: Report (others'), Hide (moderators), Delete (one's own; moderators: any).
 * Its list is fixed to the viewport, next to the button, so the log's scrolling box never cuts it.
 */
function MessageMenu({ message, own, canModerate, variant, strings, busy, onAction }: {
  message: MessageView;
  own: boolean;
  canModerate: boolean;
  variant: string;
  strings: ChatStrings;
  busy: boolean;
  onAction: (action: "report" | "hide" | "delete", message: MessageView) => void;
}): VNode | null {
  const ref = useRef<HTMLDetailsElement>(null);
  const [place, setPlace] = useState<Record<string, string> | null>(null);
  const items: [string, "report" | "hide" | "delete", string][] = [];
  if (!own) items.push(["chat-report", "report", strings.report]);
  if (canModerate) items.push(["chat-hide", "hide", strings.hide]);
  if (own || canModerate) items.push(["chat-delete is-danger", "delete", strings.delete]);

  const measure = () => {
    const menu = ref.current;
    if (!menu?.open) return;
    const box = menu.getBoundingClientRect();
    const frame = menu.closest(".chat-log")?.getBoundingClientRect();
    // Scrolled out of the log: nothing to point at any more.
    if (frame && (box.bottom < frame.top || box.top > frame.bottom)) {
      menu.open = false;
      return;
    }
    const { clientWidth, clientHeight } = document.documentElement;
    const below = clientHeight - box.bottom;
    setPlace({
      right: `${Math.max(8, clientWidth - box.right)}px`,
      ...(below < MENU_ROOM && box.top > below ? { bottom: `${clientHeight - box.top + 4}px` } : { top: `${box.bottom + 4}px` }),
    });
  };

  // Follows its button while open (the log or the page scrolls, the window turns).
  useEffect(() => {
    if (!place) return;
    let frame = 0;
    const follow = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(measure);
    };
    addEventListener("scroll", follow, true);
    addEventListener("resize", follow);
    return () => {
      cancelAnimationFrame(frame);
      removeEventListener("scroll", follow, true);
      removeEventListener("resize", follow);
    };
  }, [place !== null]);

  if (items.length === 0) return null;
  const onToggle = (e: Event) => {
    const menu = e.currentTarget as HTMLDetailsElement;
    if (!menu.open) {
      setPlace(null);
      return;
    }
    // One menu at a time.
    for (const other of document.querySelectorAll<HTMLDetailsElement>("details.chat-menu[open]")) if (other !== menu) other.open = false;
    measure();
  };
  const choose = (e: Event, action: "report" | "hide" | "delete") => {
    // Closed, the menu hands the focus back to its button (the report form then takes it).
    const menu = ref.current;
    if (menu) {
      menu.open = false;
      menu.querySelector("summary")?.focus();
    }
    onAction(action, message);
  };
  return html`<details class="chat-menu" ref=${ref} onToggle=${onToggle}>
    <summary class="chat-menu-toggle" id=${menuId(variant, message.id)} aria-label=${fill(strings.actions, { name: message.name })} title=${fill(strings.actions, { name: message.name })}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18" fill="currentColor"><circle cx="12" cy="5" r="1.8" /><circle cx="12" cy="12" r="1.8" /><circle cx="12" cy="19" r="1.8" /></svg>
    </summary>
    <div class="popover chat-menu-list" style=${place ?? { visibility: "hidden" }}>
      ${items.map(
        ([cls, action, label]) => html`<button type="button" class=${`post-menu-item ${cls}`} disabled=${busy} onClick=${(e: Event) => choose(e, action)}>${label}</button>`,
      )}
    </div>
  </details>`;
}

type Reporting = { id: string; sending: boolean; error: string | null };

/** The reason for a report, under the message: sent with the button or Ctrl+Enter, Escape cancels. */
function ReportForm({ id, variant, state, strings, onSend, onCancel }: {
  id: string;
  variant: string;
  state: Reporting;
  strings: ChatStrings;
  onSend: (reason: string) => void;
  onCancel: () => void;
}): VNode {
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const fieldId = `chat-report-${variant}-${id}`;
  const submit = (e: Event) => {
    e.preventDefault();
    const reason = ref.current?.value.trim() ?? "";
    if (!reason) {
      ref.current?.focus();
      return;
    }
    onSend(reason);
  };
  return html`<form class="chat-report-form" onSubmit=${submit}>
    <label class="label" for=${fieldId}>${strings.reportReason}</label>
    <textarea
      ref=${ref}
      class="input textarea"
      id=${fieldId}
      name="reason"
      rows="2"
      maxlength=${REASON_MAX}
      required
      aria-describedby=${`${fieldId}-hint${state.error ? ` ${fieldId}-error` : ""}`}
      onKeyDown=${(e: KeyboardEvent) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
      }}
    ></textarea>
    <p class="field-hint" id=${`${fieldId}-hint`}>${strings.reportHint}</p>
    ${state.error && html`<p class="field-error" id=${`${fieldId}-error`} role="alert">${state.error}</p>`}
    <div class="chat-report-actions">
      <button type="submit" class="btn btn-primary btn-sm chat-report-send" disabled=${state.sending}>${strings.reportSend}</button>
      <button type="button" class="btn btn-ghost btn-sm" onClick=${onCancel}>${strings.cancel}</button>
    </div>
  </form>`;
}

const newNonce = () =>
  typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/**
 * The group's chat over the shared room socket: history merged by id, messages shown as
 * "sending" until the server echoes their nonce, retry on failure, typing indicator,
 * presence-free (OnlineList shows who is here), autoscroll only when already at the
 * bottom, a "new messages" pill otherwise. Text only: nothing a member writes is HTML.
 */
export default function Chat(props: ChatProps): VNode {
  const { slug, lang, timeZone, me, strings, variant, canModerate } = props;
  const clock = useClock(lang, timeZone);
  const [messages, setMessages] = useState(props.messages);
  const [pending, setPending] = useState<Pending[]>([]);
  const [status, setStatus] = useState<RoomStatus>("connecting");
  const [text, setText] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [mutedNow, setMutedNow] = useState(false);
  const [typers, setTypers] = useState<Record<string, { name: string; until: number }>>({});
  const [unseen, setUnseen] = useState(0);
  const [muteUntil, setMuteUntil] = useState<string | null>(null);
  /** Hidden or deleted from here: gone before the server's "removed" event says so. */
  const [gone, setGone] = useState<string[]>([]);
  const [busy, setBusy] = useState<string[]>([]);
  const [reporting, setReporting] = useState<Reporting | null>(null);
  const [flash, setFlash] = useState<{ id: string; text: string } | null>(null);
  const [said, setSaid] = useState("");
  const flashTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastFocus = useRef<EventTarget | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const atBottom = useRef(true);
  const forceScroll = useRef(true);
  const lastTyping = useRef(0);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const noticeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const roomRef = useRef(joinRoom(slug));

  const mutedUntil = [muteUntil, props.mutedUntil].find((u) => u && Date.parse(u) > Date.now()) ?? null;
  const muted = mutedNow || mutedUntil !== null;

  const showNotice = (message: string, ms = 8000) => {
    setNotice(message);
    clearTimeout(noticeTimer.current);
    noticeTimer.current = setTimeout(() => setNotice(null), ms);
  };

  const settle = (nonce: string) => {
    clearTimeout(timers.current.get(nonce));
    timers.current.delete(nonce);
  };

  const fail = (nonce: string) => {
    settle(nonce);
    setPending((list) => list.map((p) => (p.nonce === nonce ? { ...p, state: "failed" } : p)));
  };

  const transmit = (p: Pending) => {
    if (!roomRef.current.send({ type: "message", text: p.text, nonce: p.nonce })) {
      fail(p.nonce);
      return;
    }
    settle(p.nonce);
    timers.current.set(
      p.nonce,
      setTimeout(() => fail(p.nonce), ECHO_TIMEOUT),
    );
  };

  useEffect(() => {
    const room = roomRef.current;
    room.seed(props.messages);
    const offMessages = room.watchMessages(setMessages);
    const offStatus = room.watchStatus(setStatus);
    const off = room.subscribe((event: RoomEvent) => {
      switch (event.type) {
        case "message": {
          const { message, nonce } = event;
          if (!message) return;
          if (nonce) {
            settle(nonce);
            setPending((list) => list.filter((p) => p.nonce !== nonce));
          }
          if (message.userId === me.userId) forceScroll.current = true;
          setTypers(({ [message.userId]: _, ...rest }) => rest);
          break;
        }
        case "history": {
          // After a reconnection, a message whose echo was lost comes back in the history.
          const mine = (event.messages ?? []).filter((m) => m.userId === me.userId).map((m) => m.text.trim());
          if (mine.length === 0) return;
          setPending((list) =>
            list.filter((p) => {
              const at = mine.indexOf(p.text.trim());
              if (at < 0) return true;
              mine.splice(at, 1);
              settle(p.nonce);
              return false;
            }),
          );
          break;
        }
        case "typing":
          if (event.userId && event.userId !== me.userId) {
            setTypers((all) => ({ ...all, [event.userId]: { name: event.name, until: Date.now() + TYPING_SHOWN } }));
          }
          break;
        case "error": {
          // An error names the message it answers (`nonce`); without it, the oldest one still
          // waiting (the server handles them in order).
          const { nonce, until } = event as { nonce?: string; until?: string };
          const target = typeof nonce === "string" && nonce ? nonce : pendingRef.current.find((p) => p.state === "sending")?.nonce;
          if (target) fail(target);
          if (event.code === "rate_limited") showNotice(fill(strings.rateLimited, { seconds: Math.max(1, Math.ceil(event.retryAfter ?? 5)) }), Math.max(3, event.retryAfter ?? 5) * 1000);
          else if (event.code === "muted") {
            // The notice under the log says it (with the date when the server gives one).
            setMutedNow(true);
            if (typeof until === "string" && Date.parse(until) > Date.now()) setMuteUntil(until);
          } else if (event.code === "too_long") showNotice(fill(strings.tooLong, { max: formatNumber(lang, MESSAGE_MAX) }));
          else if (target) showNotice(strings.invalid);
          break;
        }
      }
    });
    return () => {
      off();
      offStatus();
      offMessages();
      for (const t of timers.current.values()) clearTimeout(t);
    };
  }, [slug]);

  // A mute with an end lifts by itself.
  useEffect(() => {
    if (!mutedUntil) return;
    const ms = Date.parse(mutedUntil) - Date.now();
    if (ms > 2 ** 31 - 1) return;
    const timer = setTimeout(() => {
      setMutedNow(false);
      setMuteUntil(null);
    }, ms + 250);
    return () => clearTimeout(timer);
  }, [mutedUntil]);

  // An open message menu closes on a click elsewhere, or on Escape (back to its button).
  useClosingMenus("details.chat-menu[open]");
  useEffect(() => () => clearTimeout(flashTimer.current), []);

  // Typing names fade out after a few seconds.
  useEffect(() => {
    if (Object.keys(typers).length === 0) return;
    const timer = setInterval(() => {
      const now = Date.now();
      setTypers((all) => {
        const kept = Object.fromEntries(Object.entries(all).filter(([, v]) => v.until > now));
        return Object.keys(kept).length === Object.keys(all).length ? all : kept;
      });
    }, 1000);
    return () => clearInterval(timer);
  }, [Object.keys(typers).length > 0]);

  const visible = useMemo(() => (gone.length === 0 ? messages : messages.filter((m) => !gone.includes(m.id))), [messages, gone]);
  const list = rows(visible, pending, me, clock);
  const lastKey = list.length > 0 ? list[list.length - 1]!.key : "";
  const count = visible.length + pending.length;
  const previousCount = useRef(count);

  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    const added = count - previousCount.current;
    previousCount.current = count;
    if (forceScroll.current || atBottom.current) {
      log.scrollTop = log.scrollHeight;
      forceScroll.current = false;
      atBottom.current = true;
      setUnseen(0);
    } else if (added > 0) {
      setUnseen((n) => n + added);
    }
  }, [lastKey, count]);

  // A message removed (here or by a moderator elsewhere) takes its menu and report form along;
  // the focus they held goes back to the log rather than to the top of the page.
  useLayoutEffect(() => {
    const ids = new Set(visible.map((m) => m.id));
    if (reporting && !ids.has(reporting.id)) setReporting(null);
    if (flash && !ids.has(flash.id)) setFlash(null);
    const last = lastFocus.current as Element | null;
    if (last && !last.isConnected && (!document.activeElement || document.activeElement === document.body)) logRef.current?.focus({ preventScroll: true });
  }, [visible]);

  const api = `/api/v1/groups/${encodeURIComponent(slug)}`;
  const focusMenu = (id: string) => requestAnimationFrame(() => document.getElementById(menuId(variant, id))?.focus());
  const showFlash = (id: string, message: string) => {
    setFlash({ id, text: message });
    clearTimeout(flashTimer.current);
    flashTimer.current = setTimeout(() => setFlash(null), 5000);
  };

  const act = async (action: "report" | "hide" | "delete", m: MessageView) => {
    if (action === "report") {
      setFlash(null);
      setReporting({ id: m.id, sending: false, error: null });
      return;
    }
    if (action === "delete" && !confirm(strings.deleteConfirm)) return;
    setBusy((b) => [...b, m.id]);
    const res =
      action === "hide"
        ? await call("POST", `${api}/moderation/hide`, { targetType: "message", targetId: m.id })
        : await call("DELETE", `${api}/messages/${encodeURIComponent(m.id)}`);
    setBusy((b) => b.filter((x) => x !== m.id));
    // 404: it was already gone.
    if ((res.status >= 200 && res.status < 300) || res.status === 404) {
      setGone((g) => [...g, m.id]);
      setSaid(action === "hide" ? strings.hidden : strings.deleted);
    } else showNotice(res.message ?? strings.actionFailed);
  };

  const sendReport = async (reason: string) => {
    const r = reporting;
    if (!r || r.sending) return;
    setReporting({ ...r, sending: true, error: null });
    const res = await call("POST", `${api}/reports`, { targetType: "message", targetId: r.id, reason });
    const done = res.status >= 200 && res.status < 300;
    if (done || res.code === "already_reported") {
      setReporting(null);
      showFlash(r.id, done ? strings.reported : strings.alreadyReported);
      focusMenu(r.id);
    } else {
      setReporting((cur) => (cur && cur.id === r.id ? { ...cur, sending: false, error: res.message ?? strings.actionFailed } : cur));
    }
  };

  const cancelReport = () => {
    const id = reporting?.id;
    setReporting(null);
    if (id) focusMenu(id);
  };

  const onScroll = () => {
    const log = logRef.current;
    if (!log) return;
    atBottom.current = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
    if (atBottom.current && unseen > 0) setUnseen(0);
  };

  const toBottom = () => {
    const log = logRef.current;
    if (log) log.scrollTo({ top: log.scrollHeight, behavior: "smooth" });
    atBottom.current = true;
    setUnseen(0);
  };

  const resize = () => {
    const input = inputRef.current;
    if (!input) return;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, variant === "full" ? 200 : 120)}px`;
  };

  const send = () => {
    const body = text.trim();
    if (!body || muted) return;
    if (body.length > MESSAGE_MAX) {
      showNotice(fill(strings.tooLong, { max: formatNumber(lang, MESSAGE_MAX) }));
      return;
    }
    const p: Pending = { nonce: newNonce(), text: body, at: new Date().toISOString(), state: "sending" };
    setPending((list) => [...list, p]);
    setText("");
    forceScroll.current = true;
    lastTyping.current = 0;
    requestAnimationFrame(resize);
    transmit(p);
  };

  const retry = (p: Pending) => {
    setPending((list) => list.map((x) => (x.nonce === p.nonce ? { ...x, state: "sending" } : x)));
    transmit(p);
  };
  const discard = (p: Pending) => {
    settle(p.nonce);
    setPending((list) => list.filter((x) => x.nonce !== p.nonce));
  };

  const onInput = (e: Event) => {
    const value = (e.currentTarget as HTMLTextAreaElement).value;
    setText(value);
    resize();
    const now = Date.now();
    if (value.trim() && now - lastTyping.current > TYPING_EVERY) {
      lastTyping.current = now;
      roomRef.current.send({ type: "typing" });
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      send();
    }
  };

  const typingNames = Object.values(typers).map((t) => t.name);
  let typingText = "";
  if (typingNames.length === 1) typingText = fill(strings.typingOne, { name: typingNames[0]! });
  else if (typingNames.length > 1 && typingNames.length <= 3) {
    let names = typingNames.join(", ");
    try {
      names = new Intl.ListFormat(lang, { type: "conjunction" }).format(typingNames);
    } catch {
      // joined with commas
    }
    typingText = fill(strings.typingMany, { names });
  } else if (typingNames.length > 3) typingText = strings.typingSeveral;

  const remaining = MESSAGE_MAX - text.length;
  const inputId = `chat-input-${variant}`;
  const statusText = status === "live" ? strings.live : status === "reconnecting" ? strings.reconnecting : strings.connecting;

  return html`<div class=${`chat chat-${variant}`} data-state=${status}>
    <p class="live-status chat-status" data-state=${status}>${statusText}</p>
    <div class="chat-log-wrap">
      <div
        class="chat-log"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label=${strings.log}
        tabindex="0"
        ref=${logRef}
        onScroll=${onScroll}
        onFocusIn=${(e: FocusEvent) => {
          lastFocus.current = e.target;
        }}
      >
        ${list.length === 0
          ? html`<p class="chat-empty">${strings.empty}</p>`
          : html`<ol class="chat-list">
              ${list.map((row) => {
                if (row.kind === "day") return html`<li class="chat-day" key=${row.key}><span>${row.label}</span></li>`;
                const m = row.message;
                const menu = row.pending
                  ? null
                  : html`<${MessageMenu}
                      message=${m}
                      own=${m.userId === me.userId}
                      canModerate=${canModerate}
                      variant=${variant}
                      strings=${strings}
                      busy=${busy.includes(m.id)}
                      onAction=${act}
                    />`;
                const below =
                  reporting?.id === m.id
                    ? html`<${ReportForm} id=${m.id} variant=${variant} state=${reporting} strings=${strings} onSend=${sendReport} onCancel=${cancelReport} />`
                    : flash?.id === m.id
                      ? html`<p class="chat-flash" role="status">${flash.text}</p>`
                      : null;
                return MessageRow({ row, me, clock, strings, onRetry: retry, onDiscard: discard, menu, below });
              })}
            </ol>`}
      </div>
      ${unseen > 0 &&
      html`<button type="button" class="chat-pill" onClick=${toBottom}>
        <span aria-hidden="true">↓</span> ${strings.newMessages}
      </button>`}
    </div>
    <p class="chat-typing">${typingText}</p>
    <p class="sr-only" role="status">${said}</p>
    ${notice && html`<p class="chat-notice" role="alert">${notice}</p>`}
    ${muted
      ? html`<p class="notice-muted chat-muted" role="status">
          ${mutedUntil ? fill(strings.mutedUntil, { date: clock.until(mutedUntil) }) : strings.muted}
        </p>`
      : null}
    <form class="chat-form" onSubmit=${(e: Event) => {
      e.preventDefault();
      send();
    }}>
      <label class="sr-only" for=${inputId}>${strings.inputLabel}</label>
      <textarea
        ref=${inputRef}
        class="input chat-input"
        id=${inputId}
        rows="1"
        maxlength=${MESSAGE_MAX}
        placeholder=${strings.placeholder}
        value=${text}
        disabled=${muted}
        onInput=${onInput}
        onKeyDown=${onKeyDown}
        aria-describedby=${`${inputId}-keys${remaining <= MESSAGE_MAX - COUNTER_FROM ? ` ${inputId}-left` : ""}`}
        enterkeyhint="send"
      ></textarea>
      <button type="submit" class="btn btn-primary chat-send" disabled=${muted || !text.trim()} title=${strings.send}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="M4 12 20 4l-6 16-3-7z" /><path d="m11 13 9-9" />
        </svg>
        <span class=${variant === "full" ? "chat-send-text" : "sr-only"}>${strings.send}</span>
      </button>
    </form>
    <div class="chat-foot">
      <p class="chat-keys" id=${`${inputId}-keys`}>${strings.keys}</p>
      ${text.length >= COUNTER_FROM &&
      html`<p class=${remaining < 0 ? "chat-left is-over" : "chat-left"} id=${`${inputId}-left`} aria-live="polite">
        ${fill(strings.left, { count: formatNumber(lang, remaining) })}
      </p>`}
    </div>
  </div>`;
}
