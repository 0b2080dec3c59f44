import { z } from "zod";
import type { Bindings } from "../env";
import type { Connections, SocketInfo } from "./connections";
import type { Actor, DiscussionStore } from "./discussions";
import { numberVar, RateLimiter } from "./limiter";
import { done, refuse, type Outcome, type Refusal } from "./outcome";
import { CATCH_UP_MS, FRAME_MAX, HISTORY_FRAME, HISTORY_LATEST, HISTORY_SINCE_MAX, MESSAGE_MAX, type MessageView, type RoomEvent } from "./protocol";

const clientEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message"), text: z.string(), nonce: z.string().max(64).optional() }),
  z.object({ type: z.literal("typing") }),
]);

/**
 * The live side of a group's discussions: who may post now (mutes, rate limits), chat
 * messages from sockets and from the API (stored, then broadcast), and what a chat socket
 * is sent as it connects. The rate limits live in memory (see `RateLimiter`).
 */
export class Chat {
  private readonly chatLimiter: RateLimiter;
  // Threads and replies: a burst of five, then one every ten seconds.
  private readonly postLimiter = new RateLimiter(0.1, 5);
  private readonly typingLimiter = new RateLimiter(0.5, 1);

  constructor(
    env: Bindings,
    private readonly discussions: DiscussionStore,
    private readonly connections: Connections,
  ) {
    this.chatLimiter = new RateLimiter(numberVar(env.CHAT_RATE_PER_SECOND, 1), numberVar(env.CHAT_BURST, 5));
  }

  /** Refuses anything a muted member tries to post, until the mute ends. */
  private mutedRefusal(userId: string): Refusal | null {
    const muted = this.discussions.mutedUntil(userId);
    return muted === null ? null : refuse(403, "muted", `You are muted in this group until ${new Date(muted).toISOString()}.`, { until: muted });
  }

  /** A thread or a reply: refused while muted or posting too fast. */
  mayPost(actor: Actor): Outcome<never> | null {
    const muted = this.mutedRefusal(actor.userId);
    if (muted) return muted;
    const wait = this.postLimiter.take(actor.userId);
    if (wait > 0) return refuse(429, "rate_limited", "You are posting too fast; wait a moment.", { retryAfter: wait });
    return null;
  }

  /** The checks every chat message passes, then the write: what this returns is stored. */
  private accept(actor: Pick<Actor, "userId" | "name">, raw: string): Outcome<MessageView> {
    const text = raw.replace(/\r\n?/g, "\n").trim();
    if (text.length === 0) return refuse(422, "invalid", "A message cannot be empty.", { fields: { text: "required" } });
    if (text.length > MESSAGE_MAX) return refuse(422, "too_long", `A message holds at most ${MESSAGE_MAX} characters.`, { fields: { text: `at most ${MESSAGE_MAX} characters` } });
    const muted = this.mutedRefusal(actor.userId);
    if (muted) return muted;
    const wait = this.chatLimiter.take(actor.userId);
    if (wait > 0) return refuse(429, "rate_limited", "You are sending messages too fast.", { retryAfter: wait });
    return done(this.discussions.storeMessage(actor, text));
  }

  /** A message through the API: the same checks as over the socket, stored, then broadcast. */
  post(actor: Actor, text: string): Outcome<MessageView> {
    const result = this.accept(actor, text);
    if (result.ok) this.connections.broadcastChat({ type: "message", message: result.value });
    return result;
  }

  /**
   * A chat socket just opened: its history (in frames; an empty one still announced),
   * what changed lately (its page may come from a copy a few seconds old), and who is
   * online; the others hear of the arrival.
   */
  welcome(ws: WebSocket, info: Extract<SocketInfo, { channel: "chat" }>, since: number | null): void {
    const history = this.discussions.messagesSince(since, since === null ? HISTORY_LATEST : HISTORY_SINCE_MAX);
    for (let i = 0; i === 0 || i < history.length; i += HISTORY_FRAME) {
      ws.send(JSON.stringify({ type: "history", messages: history.slice(i, i + HISTORY_FRAME) } satisfies RoomEvent));
    }
    for (const event of this.discussions.recentChanges(Date.now() - CATCH_UP_MS)) ws.send(JSON.stringify(event));
    // The whole list to the newcomer only; the others hear of one arrival (and only of a first tab).
    ws.send(JSON.stringify({ type: "presence", online: this.connections.online() } satisfies RoomEvent));
    this.connections.arrived(ws, { userId: info.userId, name: info.name });
  }

  /** A frame from a chat socket: a message (stored, broadcast, echoed with its nonce) or "typing". */
  frame(ws: WebSocket, info: Extract<SocketInfo, { channel: "chat" }>, message: string | ArrayBuffer): void {
    if (typeof message !== "string" || message.length > FRAME_MAX) {
      this.connections.send(ws, { type: "error", code: "invalid", message: "Send JSON text frames of at most 16 KB." });
      return;
    }
    let parsed: z.infer<typeof clientEvent>;
    try {
      parsed = clientEvent.parse(JSON.parse(message));
    } catch {
      this.connections.send(ws, { type: "error", code: "invalid", message: 'Send {"type": "message", "text": "..."} or {"type": "typing"}.' });
      return;
    }
    if (parsed.type === "typing") {
      if (this.typingLimiter.take(info.userId) === 0) this.connections.broadcastChat({ type: "typing", userId: info.userId, name: info.name }, ws);
      return;
    }
    const result = this.accept(info, parsed.text);
    if (!result.ok) {
      this.connections.send(ws, {
        type: "error",
        code: result.code,
        message: result.message,
        ...(result.retryAfter ? { retryAfter: result.retryAfter } : {}),
        ...(result.until ? { until: new Date(result.until).toISOString() } : {}),
        ...(parsed.nonce ? { nonce: parsed.nonce } : {}),
      });
      return;
    }
    const event: RoomEvent = { type: "message", message: result.value };
    this.connections.broadcastChat(event, ws);
    this.connections.send(ws, parsed.nonce ? { ...event, nonce: parsed.nonce } : event);
  }
}
