import { html } from "htm/preact";
import type { VNode } from "preact";
import { threadHref } from "../../islands/discussion-parts";
import { Alert } from "../../ui/components";
import { Island } from "../../ui/island";
import type { PageContext } from "../../ui/page";
import { GroupCrumb, liveRepliesStrings, MentionIsland, mutedNotice } from "./discussion";
import type { HiddenPost, ReplyView, ThreadView } from "./types";
import { t } from "../../i18n";
import { formatDate } from "../../ui/format";
import type { GroupView } from "../groups/types";

export { groupBrand } from "../groups/shared";

export type ThreadPageProps = {
  ctx: PageContext;
  group: GroupView;
  thread: ThreadView;
  /** Oldest first; `nextCursor` pages on with `?cursor=`. */
  replies: ReplyView[];
  nextCursor: string | null;
  me: { userId: string; name: string };
  canModerate: boolean;
  mutedUntil: string | null;
  /** From `?edit=thread` or `?edit=<replyId>`. */
  editing: { kind: "thread" } | { kind: "reply"; id: string } | null;
  replyForm?: { values: { body: string }; errors: Record<string, string> };
  editForm?: { values: { title?: string; body: string }; errors: Record<string, string> };
  /** Already translated. */
  notice?: string;
  /** The viewer's own replies here that a moderator hid: they are told why. */
  hiddenMine?: HiddenPost[];
};

/** Tells an author that a moderator hid their post, with the reports' reasons when there were any. */
export function HiddenNotice({ ctx, post }: { ctx: PageContext; post: HiddenPost }): VNode {
  const { lang } = ctx;
  return html`<div class="page-alert hidden-notice" id=${`hidden-${post.id}`}>
    ${Alert({
      tone: "warning",
      title: t(lang, post.kind === "thread" ? "hidden.thread_title" : "hidden.reply_title"),
      children: html`<p>${t(lang, "hidden.body", { excerpt: post.excerpt.length > 160 ? `${post.excerpt.slice(0, 160)}…` : post.excerpt })}</p>
        ${post.reasons.length
          ? html`<p>${t(lang, "hidden.reasons")}</p>
              <ul class="hidden-reasons">${post.reasons.map((r) => html`<li>${r}</li>`)}</ul>`
          : html`<p>${t(lang, "hidden.no_reason")}</p>`}
        <p class="field-hint">${t(lang, "hidden.when", { date: formatDate(lang, post.hiddenAt, { timeZone: ctx.tenant?.timezone ?? null, time: true }) })}</p>`,
    })}
  </div>`;
}

/** /g/{slug}/t/{id} for the author of a thread a moderator hid (the others get a 404). */
export function HiddenThreadPage({ ctx, group, post }: { ctx: PageContext; group: GroupView; post: HiddenPost }): VNode {
  return html`<div class="container discussion-page">
    ${GroupCrumb({ ctx, group })}
    ${post.title && html`<h1 class="page-title">${post.title}</h1>`}
    ${HiddenNotice({ ctx, post })}
  </div>`;
}

/** This page's own address with its `?cursor=` (and nothing else): where its forms come back to. */
function pagePath(ctx: PageContext, slug: string, threadId: string): string {
  const query = ctx.path.split("#")[0]!.split("?", 2)[1] ?? "";
  const cursor = new URLSearchParams(query).get("cursor");
  return `${threadHref(slug, threadId)}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`;
}

/**
 * /g/{slug}/t/{id}: one discussion, its replies and the reply form (render it with
 * `brand: groupBrand(group)` and the thread's title). Everything works without
 * JavaScript; the LiveReplies island adds live replies, reactions and posting in place.
 */
export function ThreadPage(props: ThreadPageProps): VNode {
  const { ctx, group, thread } = props;
  const { lang } = ctx;
  const notice = mutedNotice(ctx, props.mutedUntil);
  return html`<div class="container discussion-page">
    ${GroupCrumb({ ctx, group })}
    ${props.notice && html`<div class="page-alert">${Alert({ tone: "success", children: props.notice })}</div>`}
    ${(props.hiddenMine ?? []).filter((p) => p.kind === "reply").map((post) => HiddenNotice({ ctx, post }))}
    ${Island({
      name: "LiveReplies",
      props: {
        slug: group.slug,
        lang,
        timeZone: ctx.tenant?.timezone ?? null,
        me: { userId: props.me.userId },
        canModerate: props.canModerate,
        thread,
        replies: props.replies,
        nextCursor: props.nextCursor,
        pagePath: pagePath(ctx, group.slug, thread.id),
        editing: props.editing,
        editForm: props.editForm ?? null,
        replyForm: notice ? null : (props.replyForm ?? { values: { body: "" }, errors: {} }),
        notice,
        strings: liveRepliesStrings(lang, group),
      },
    })}
    ${MentionIsland({ ctx, slug: group.slug })}
  </div>`;
}
