import type { Rendered } from "../discussions/markdown";
import type { Chat } from "./chat";
import type { Connections } from "./connections";
import type { Actor, DiscussionStore } from "./discussions";
import type { NoticeQueue } from "./notice-queue";
import { done, type Outcome } from "./outcome";
import type { MuteView, ReactionKey, ReactionSummary, ReplyView, ReportView, TargetType, ThreadView } from "./protocol";

/** A post as the Worker rendered it, with its Markdown source. */
export type Post = Rendered & { source: string };

/**
 * Every change to a group's discussions that open pages must see: written to the
 * discussion store first, then told to every chat socket (so what a page hears is
 * already stored). Reports also go to the notice queue; a mute tells the muted member.
 */
export class Posts {
  constructor(
    private readonly discussions: DiscussionStore,
    private readonly chat: Chat,
    private readonly connections: Connections,
    private readonly notices: NoticeQueue,
  ) {}

  createThread(actor: Actor, title: string, post: Post): Outcome<ThreadView> {
    const refused = this.chat.mayPost(actor);
    if (refused) return refused;
    const thread = this.discussions.createThread(actor, title, post);
    this.connections.broadcastChat({ type: "thread", thread });
    return done(thread);
  }

  /** Answers the reply and its thread as it now stands. */
  createReply(actor: Actor, threadId: string, post: Post): Outcome<{ reply: ReplyView; thread: ThreadView }> {
    const refused = this.chat.mayPost(actor);
    if (refused) return refused;
    const result = this.discussions.createReply(actor, threadId, post);
    if (!result.ok) return result;
    this.connections.broadcastChat({ type: "reply", reply: result.value.reply });
    this.connections.broadcastChat({ type: "thread", thread: result.value.thread });
    return result;
  }

  editThread(actor: Actor, id: string, title: string | undefined, post: Post | undefined): Outcome<ThreadView> {
    const result = this.discussions.editThread(actor, id, title, post);
    if (result.ok) this.connections.broadcastChat({ type: "thread", thread: { ...result.value, reactions: result.value.reactions.map((r) => ({ ...r, mine: false })) } });
    return result;
  }

  editReply(actor: Actor, id: string, post: Post): Outcome<ReplyView> {
    const result = this.discussions.editReply(actor, id, post);
    if (result.ok) this.connections.broadcastChat({ type: "reply", reply: { ...result.value, reactions: result.value.reactions.map((r) => ({ ...r, mine: false })) } });
    return result;
  }

  setPinned(id: string, pinned: boolean): Outcome<ThreadView> {
    const result = this.discussions.setPinned(id, pinned);
    if (result.ok) this.connections.broadcastChat({ type: "thread", thread: result.value });
    return result;
  }

  react(actor: Actor, type: TargetType, id: string, key: ReactionKey, on: boolean | "toggle"): Outcome<ReactionSummary[]> {
    const result = this.discussions.react(actor, type, id, key, on);
    if (!result.ok) return result;
    this.connections.broadcastChat({ type: "reactions", targetType: type, targetId: id, reactions: result.value.all });
    return done(result.value.mine);
  }

  /** Hide (moderators) or delete (the author or moderators): gone from every open page at once. */
  remove(actor: Actor, type: TargetType, id: string, how: "hide" | "delete"): Outcome<null> {
    const result = this.discussions.remove(actor, type, id, how);
    if (!result.ok) return result;
    this.connections.broadcastChat({ type: "removed", targetType: type, targetId: id, threadId: result.value.threadId });
    if (type === "reply" && result.value.threadId) {
      const thread = this.discussions.getThread(result.value.threadId, "");
      if (thread) this.connections.broadcastChat({ type: "thread", thread });
    }
    return done(null);
  }

  unhide(type: TargetType, id: string): Outcome<null> {
    const result = this.discussions.unhide(type, id);
    if (!result.ok) return result;
    if (type === "thread") {
      const thread = this.discussions.getThread(id, "");
      if (thread) this.connections.broadcastChat({ type: "thread", thread });
    }
    return done(null);
  }

  async report(actor: Actor, type: TargetType, id: string, reason: string): Promise<Outcome<ReportView>> {
    const outcome = this.discussions.report(actor, type, id, reason);
    if (outcome.ok) await this.notices.add("report", { reason, excerpt: outcome.value.target.excerpt });
    return outcome;
  }

  mute(actor: Actor, user: { userId: string; name: string }, until: number, reason: string | null): MuteView {
    const mute = this.discussions.mute(actor, user, until, reason);
    this.connections.sendUser(user.userId, { type: "error", code: "muted", message: `Muted until ${mute.until}.`, until: mute.until });
    return mute;
  }
}
