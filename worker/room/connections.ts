import { isLang, type ApplicantEvent, type Lang, type OnlineMember, type QueueEvent, type RoomEvent } from "./protocol";
import { localizeSeeded, SEEDED_MARK, type SeededNames } from "./seeded";

/**
 * What a socket remembers across hibernation (its attachment). `queue`: the admins' live
 * join queue; `applicant`: an applicant's waiting page; `chat`: a member's group page.
 */
export type SocketInfo =
  | { channel: "chat"; userId: string; name: string; moderator: boolean }
  | { channel: "queue"; userId: string | null }
  | { channel: "applicant"; userId: string };

/**
 * The room's socket bookkeeping (WebSocket Hibernation API), kept nowhere but in the
 * sockets themselves: who is connected is read back from `getWebSockets()`, their tags
 * and attachments, so it survives an eviction. Tags: the channel, `user:<id>` and
 * `lang:<lang>` for chat sockets, `applicant:<id>` for waiting pages.
 */
export class Connections {
  constructor(
    private readonly ctx: DurableObjectState,
    /** The room's language: what a chat socket that did not name its own reads seeded names in. */
    private readonly roomLang: () => Lang,
    /** How seeded names read in a language: the catalogs', given by the Worker (the room imports no catalog). */
    private readonly names: SeededNames,
  ) {}

  accept(ws: WebSocket, info: SocketInfo, lang?: string | null): void {
    const tags =
      info.channel === "queue"
        ? ["queue"]
        : info.channel === "applicant"
          ? ["applicant", `applicant:${info.userId}`]
          : ["chat", `user:${info.userId}`, ...(isLang(lang) ? [`lang:${lang}`] : [])];
    this.ctx.acceptWebSocket(ws, tags);
    ws.serializeAttachment(info);
  }

  info(ws: WebSocket): SocketInfo | null {
    return ws.deserializeAttachment() as SocketInfo | null;
  }

  /** A user's open chat sockets. */
  socketsOf(userId: string, except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets(`user:${userId}`).filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  /** Members with a chat socket open now, by name. */
  online(except?: WebSocket): OnlineMember[] {
    const seen = new Map<string, OnlineMember>();
    for (const ws of this.ctx.getWebSockets("chat")) {
      if (ws === except || ws.readyState !== WebSocket.OPEN) continue;
      const info = this.info(ws);
      if (info?.channel === "chat" && !seen.has(info.userId)) seen.set(info.userId, { userId: info.userId, name: info.name });
    }
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A chat socket opened: the others hear of the arrival, once (only of a first tab). */
  arrived(ws: WebSocket, member: OnlineMember): void {
    if (this.socketsOf(member.userId).length === 1) this.broadcastChat({ type: "online", member }, ws);
  }

  /** A socket closed or failed: for a chat socket, the others hear it once the user's last tab is gone. */
  closed(ws: WebSocket): void {
    const info = this.info(ws);
    if (info?.channel === "chat" && this.socketsOf(info.userId, ws).length === 0) this.broadcastChat({ type: "offline", userId: info.userId }, ws);
  }

  /** Closes a user's chat sockets (removed or banned) and tells the others they left. */
  closeUser(userId: string): void {
    for (const ws of this.ctx.getWebSockets(`user:${userId}`)) {
      try {
        ws.close(4403, "no longer a member");
      } catch {
        // already closed
      }
    }
    this.broadcastChat({ type: "offline", userId });
  }

  /** Sends an event to every chat socket of one user. */
  sendUser(userId: string, event: RoomEvent): void {
    for (const ws of this.ctx.getWebSockets(`user:${userId}`)) this.send(ws, event);
  }

  closeAll(code: number, reason: string): void {
    for (const ws of this.ctx.getWebSockets()) ws.close(code, reason);
  }

  /** The language a chat socket reads seeded names in (the room's when it did not say). */
  private langOf(ws: WebSocket): Lang {
    const tag = this.ctx.getTags(ws).find((x) => x.startsWith("lang:"))?.slice(5);
    return isLang(tag) ? tag : this.roomLang();
  }

  /** One event to one socket, seeded names read in its language. */
  send(ws: WebSocket, event: RoomEvent): void {
    try {
      const data = JSON.stringify(event);
      ws.send(data.includes(SEEDED_MARK) ? JSON.stringify(localizeSeeded(this.names, this.langOf(ws), event)) : data);
    } catch {
      // a socket that went away is cleaned up by its close event
    }
  }

  /** Serialised once for every socket of the group's pages (once per language when it names a seeded level). */
  broadcastChat(event: RoomEvent, except?: WebSocket): void {
    const data = JSON.stringify(event);
    const seeded = data.includes(SEEDED_MARK);
    const byLang = new Map<Lang, string>();
    for (const ws of this.ctx.getWebSockets("chat")) {
      if (ws === except) continue;
      try {
        if (!seeded) {
          ws.send(data);
          continue;
        }
        const lang = this.langOf(ws);
        let localized = byLang.get(lang);
        if (localized === undefined) byLang.set(lang, (localized = JSON.stringify(localizeSeeded(this.names, lang, event))));
        ws.send(localized);
      } catch {
        // a socket that went away is cleaned up by its close event
      }
    }
  }

  /** To the admins' live join queues. */
  broadcastQueue(event: QueueEvent): void {
    this.sendTagged("queue", JSON.stringify(event));
  }

  /** Tells the applicant's waiting pages (if any are open) how their request ended. */
  tellApplicant(userId: string, event: ApplicantEvent): void {
    this.sendTagged(`applicant:${userId}`, JSON.stringify(event));
  }

  private sendTagged(tag: string, data: string): void {
    for (const ws of this.ctx.getWebSockets(tag)) {
      try {
        ws.send(data);
      } catch {
        // a socket that went away is cleaned up by its close event
      }
    }
  }
}
