import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import type { PageContext } from "../../ui/page";
import { ChatIsland, GroupCrumb, MentionIsland, OnlineCard } from "./discussion";
import type { MessageView, OnlineMember } from "./types";
import type { GroupView } from "../groups/types";

export { groupBrand } from "../groups/shared";

export type ChatPageProps = {
  ctx: PageContext;
  group: GroupView;
  me: { userId: string; name: string };
  /** The last messages, oldest first. */
  messages: MessageView[];
  online: OnlineMember[];
  mutedUntil: string | null;
  /** Moderators and up: Hide and Delete on every message (false when left out). */
  canModerate?: boolean;
};

/** The title of the chat page: "Chat · {group}". */
export function chatPageTitle(ctx: PageContext, group: Pick<GroupView, "name">): string {
  return t(ctx.lang, "chat.page_title", { group: group.name });
}

/**
 * /g/{slug}/chat: the group's chat on a page of its own (render it with
 * `brand: groupBrand(group)` and `chatPageTitle`). On a phone the chat fills the
 * screen with the input at the bottom; who is online follows below it.
 */
export function ChatPage({ ctx, group, me, messages, online, mutedUntil, canModerate = false }: ChatPageProps): VNode {
  const { lang } = ctx;
  return html`<div class="container chat-page">
    <div class="chat-page-head">
      ${GroupCrumb({ ctx, group })}
      <h1 class="chat-page-title">${t(lang, "chat.title")}</h1>
    </div>
    <div class="chat-page-layout">
      <section class="card chat-page-main" aria-labelledby="chat-page-label">
        <h2 class="sr-only" id="chat-page-label">${t(lang, "chat.log")}</h2>
        ${ChatIsland({ ctx, slug: group.slug, me, messages, mutedUntil, canModerate, variant: "full" })}
        ${MentionIsland({ ctx, slug: group.slug })}
      </section>
      <aside class="chat-page-side" aria-label=${t(lang, "discussion.online_title")}>
        ${OnlineCard({ ctx, slug: group.slug, online })}
      </aside>
    </div>
  </div>`;
}
