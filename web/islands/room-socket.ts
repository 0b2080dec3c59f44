import type { ClientEvent, MessageView, OnlineMember, RoomEvent } from "../pages/discussions/types";

/**
 * One WebSocket per group per page (`GET /api/v1/groups/{slug}/chat`), shared by every
 * island that follows the group live (Chat, LiveThreads, LiveReplies, OnlineList). It
 * reconnects with exponential backoff and jitter, resumes with `?since=<last message id>`,
 * keeps the chat history merged by id, and replays what a late subscriber missed (the
 * messages so far and the last presence list), so islands may hydrate in any order.
 */

export type RoomStatus = "connecting" | "live" | "reconnecting";
export type RoomListener = (event: RoomEvent) => void;

export type Room = {
  /** Every event, as it arrives (history and presence are replayed on subscribe). Returns the unsubscriber. */
  subscribe(listener: RoomListener): () => void;
  /** Called now and on every change of the connection's state. */
  watchStatus(listener: (status: RoomStatus) => void): () => void;
  /** Called now (when any are known) and whenever the merged chat history changes: oldest first. */
  watchMessages(listener: (messages: MessageView[]) => void): () => void;
  /** Adds messages the page already rendered, so the store starts from them. */
  seed(messages: MessageView[]): void;
  /** False when the socket is not open (nothing was sent). */
  send(event: ClientEvent): boolean;
  readonly status: RoomStatus;
};

const MIN_DELAY = 1000;
const MAX_DELAY = 30_000;
const PING_EVERY = 30_000;
/** A ping unanswered (no frame at all) for this long means the connection is dead. */
const PONG_TIMEOUT = 10_000;
/** The most messages the page keeps in memory. */
const KEEP = 500;

const rooms = new Map<string, RoomConnection>();

export function joinRoom(slug: string): Room {
  let room = rooms.get(slug);
  if (!room) {
    room = new RoomConnection(slug);
    rooms.set(slug, room);
  }
  return room;
}

const time = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
};

/** Merges `incoming` into `list` by id (a newer copy replaces the old one), ordered by `at` then arrival. */
export function mergeMessages(list: MessageView[], incoming: MessageView[]): MessageView[] {
  if (incoming.length === 0) return list;
  const byId = new Map(list.map((m, i) => [m.id, i]));
  const next = list.slice();
  let appended = false;
  for (const m of incoming) {
    if (!m || typeof m.id !== "string") continue;
    const at = byId.get(m.id);
    if (at !== undefined) next[at] = m;
    else {
      byId.set(m.id, next.length);
      next.push(m);
      appended = true;
    }
  }
  // Array.prototype.sort is stable: equal times keep their arrival order.
  if (appended) next.sort((a, b) => time(a.at) - time(b.at));
  return next.length > KEEP ? next.slice(next.length - KEEP) : next;
}

class RoomConnection implements Room {
  status: RoomStatus = "connecting";
  private listeners = new Set<RoomListener>();
  private statusListeners = new Set<(status: RoomStatus) => void>();
  private messageListeners = new Set<(messages: MessageView[]) => void>();
  private messages: MessageView[] = [];
  private online: OnlineMember[] | null = null;
  private socket: WebSocket | null = null;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private opened = false;

  constructor(private readonly slug: string) {
    // Defer so every island hydrating in this tick subscribes before the first frame.
    setTimeout(() => this.connect(), 0);
    const wake = () => {
      if (this.socket === null && document.visibilityState !== "hidden") this.reconnectNow();
    };
    addEventListener("online", wake);
    document.addEventListener("visibilitychange", wake);
  }

  subscribe(listener: RoomListener): () => void {
    this.listeners.add(listener);
    if (this.online) listener({ type: "presence", online: this.online });
    return () => this.listeners.delete(listener);
  }

  watchStatus(listener: (status: RoomStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  watchMessages(listener: (messages: MessageView[]) => void): () => void {
    this.messageListeners.add(listener);
    if (this.messages.length > 0) listener(this.messages);
    return () => this.messageListeners.delete(listener);
  }

  seed(messages: MessageView[]): void {
    this.setMessages(mergeMessages(this.messages, messages));
  }

  send(event: ClientEvent): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(event));
    return true;
  }

  private setStatus(status: RoomStatus) {
    if (status === this.status) return;
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }

  private setMessages(messages: MessageView[]) {
    if (messages === this.messages) return;
    this.messages = messages;
    for (const l of this.messageListeners) l(messages);
  }

  private url(): string {
    const base = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/groups/${encodeURIComponent(this.slug)}/chat`;
    const last = this.messages[this.messages.length - 1];
    // Only a reconnection resumes: the first connection takes the server's recent history.
    return this.opened && last ? `${base}?since=${encodeURIComponent(last.id)}` : base;
  }

  private connect() {
    clearTimeout(this.retry);
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.opened = true;
      this.setStatus("live");
      clearInterval(this.ping);
      this.ping = setInterval(() => {
        if (socket.readyState !== WebSocket.OPEN) return;
        socket.send("ping");
        clearTimeout(this.deadline);
        this.deadline = setTimeout(() => socket.close(), PONG_TIMEOUT);
      }, PING_EVERY);
    };
    socket.onmessage = (frame) => {
      if (this.socket !== socket) return;
      clearTimeout(this.deadline); // any frame proves the connection alive
      const data = typeof frame.data === "string" ? frame.data : "";
      if (data === "pong" || data === "") return;
      let event: RoomEvent;
      try {
        event = JSON.parse(data) as RoomEvent;
      } catch {
        return;
      }
      if (!event || typeof event !== "object" || typeof event.type !== "string") return;
      // The server sends the whole list once, then who comes and goes: islands see whole lists.
      if (event.type === "online" || event.type === "offline") {
        const arrived = event.type === "online" ? event.member : null;
        const id = arrived ? arrived.userId : (event as { userId: string }).userId;
        const others = (this.online ?? []).filter((m) => m.userId !== id);
        const online = arrived ? [...others, arrived].sort((a, b) => a.name.localeCompare(b.name)) : others;
        event = { type: "presence", online };
      }
      this.absorb(event);
      for (const l of this.listeners) {
        try {
          l(event);
        } catch (error) {
          console.error("room listener failed", error);
        }
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearInterval(this.ping);
      clearTimeout(this.deadline);
      this.scheduleRetry();
    };
  }

  /** What the store itself keeps from an event. */
  private absorb(event: RoomEvent) {
    switch (event.type) {
      case "history":
        if (Array.isArray(event.messages)) this.setMessages(mergeMessages(this.messages, event.messages));
        break;
      case "message":
        if (event.message) this.setMessages(mergeMessages(this.messages, [event.message]));
        break;
      case "removed":
        if (event.targetType === "message") this.setMessages(this.messages.filter((m) => m.id !== event.targetId));
        break;
      case "presence":
        if (Array.isArray(event.online)) this.online = event.online;
        break;
    }
  }

  private scheduleRetry() {
    this.setStatus("reconnecting");
    const ceiling = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempt);
    this.attempt++;
    // "Equal jitter": at least half the step, so a crowd reconnecting spreads out but never hammers.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  private reconnectNow() {
    clearTimeout(this.retry);
    this.attempt = 0;
    this.connect();
  }
}
