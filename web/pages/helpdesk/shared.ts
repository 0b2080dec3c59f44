import { html } from "htm/preact";
import type { VNode } from "preact";
import type { HelpPersonView, IssueStatus } from "../../../worker/helpdesk/types";
import { t, type Lang } from "../../i18n";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";

// What the help desk's pages share: their paths, the badges of an issue and how a person or a
// time is written.

export const HELP_PATH = "/help";
export const ADMIN_HELP_PATH = "/admin/help";
export const NEW_GUIDE_PATH = "/help/guides/new";
export const NEW_ISSUE_PATH = "/help/issues/new";
export const guidePath = (id: string) => `/help/guides/${encodeURIComponent(id)}`;
export const issuePath = (id: string) => `/help/issues/${encodeURIComponent(id)}`;

/** A time in the community's timezone and the reader's language. */
export function When({ ctx, iso, time = false }: { ctx: PageContext; iso: string; time?: boolean }): VNode {
  return html`<time datetime=${iso}>${formatDate(ctx.lang, iso, { timeZone: ctx.tenant?.timezone, time })}</time>`;
}

/** A person's name, or "former member" once the account is gone. */
export const personName = (lang: Lang, person: HelpPersonView) => person?.name ?? t(lang, "help.someone");

export function StatusBadge({ lang, status }: { lang: Lang; status: IssueStatus }): VNode {
  return html`<span class=${`badge help-status help-status-${status} ${status === "open" ? "badge-success" : "badge-quiet"}`}>${t(lang, `help.status.${status}`)}</span>`;
}

export function PrivateBadge({ lang }: { lang: Lang }): VNode {
  return html`<span class="badge badge-info help-private" title=${t(lang, "help.private_hint")}
    ><span class="mask-icon help-lock-icon" aria-hidden="true"></span>${t(lang, "help.private")}</span
  >`;
}

export function UnreadMark({ lang }: { lang: Lang }): VNode {
  return html`<span class="badge badge-warning help-unread" title=${t(lang, "help.unread_label")}>${t(lang, "help.unread")}<span class="sr-only"> · ${t(lang, "help.unread_label")}</span></span>`;
}

/** A rendered Markdown body (the discussions' renderer and its safety rules made it). */
export function MarkdownBody({ htmlText, className }: { htmlText: string; className: string }): VNode {
  return html`<div class=${`post-body ${className}`} dangerouslySetInnerHTML=${{ __html: htmlText }}></div>`;
}
