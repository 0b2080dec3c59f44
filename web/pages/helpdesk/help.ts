import { html } from "htm/preact";
import type { VNode } from "preact";
import type { GuideSummary, IssueStatus, IssueSummary } from "../../../worker/helpdesk/types";
import { t, tCount, type Lang } from "../../i18n";
import { Alert, Button, ButtonLink, Field, FormMessages, PageHead, SelectField } from "../../ui/components";
import { formatDate } from "../../ui/format";
import { siteName, type PageContext } from "../../ui/page";
import { HELP_PATH, NEW_GUIDE_PATH, NEW_ISSUE_PATH, PrivateBadge, StatusBadge, UnreadMark, When, guidePath, issuePath, personName } from "./shared";

// /help (API.md "Portal pages"): the guides with their search, then the reader's issues and
// the public ones with an open/closed filter, and the links to ask a question or write a
// guide. Everything works without JavaScript: the search and the filter are GET forms.

/** What the page's address holds: the guides' search and cursor, the issues' status and cursor. */
export type HelpQuery = { q: string; guides: string; status: IssueStatus | ""; cursor: string };

/** /help with `changes` applied to `query` (empty values left out). */
export function helpHref(query: HelpQuery, changes: Partial<HelpQuery> = {}, hash = ""): string {
  const params = new URLSearchParams(Object.entries({ ...query, ...changes }).filter(([, v]) => v !== ""));
  const s = params.toString();
  return `${HELP_PATH}${s ? `?${s}` : ""}${hash}`;
}

export type HelpPageProps = {
  ctx: PageContext;
  query: HelpQuery;
  guides: GuideSummary[];
  guidesNext: string | null;
  /** null: the issues section is not shown (`features.helpdeskIssues` off, for members). */
  issues: IssueSummary[] | null;
  issuesNext: string | null;
  /** Whether the reader sees every issue (an admin acting as one). */
  everyIssue: boolean;
  may: { openIssue: boolean; writeGuides: boolean };
  /** For an admin: what members do not see right now. */
  adminNotices: { helpdeskOff: boolean; issuesOff: boolean };
  notice?: string | undefined;
  /** The guides' search refused (a query too long): said beside the field. */
  errors?: Record<string, string> | undefined;
};

function GuideItem({ ctx, guide }: { ctx: PageContext; guide: GuideSummary }): VNode {
  const { lang } = ctx;
  return html`<li class="card guide-item">
    <h3 class="guide-item-title"><a href=${guidePath(guide.id)}>${guide.title}</a></h3>
    ${guide.excerpt && html`<p class="guide-item-excerpt">${guide.excerpt}</p>`}
    <p class="guide-item-meta">${t(lang, "help.guide_updated", { date: formatDate(lang, guide.updatedAt, { timeZone: ctx.tenant?.timezone }) })}</p>
  </li>`;
}

function GuidesSection({ ctx, query, guides, guidesNext, errors }: Pick<HelpPageProps, "ctx" | "query" | "guides" | "guidesNext" | "errors">): VNode {
  const { lang } = ctx;
  return html`<section class="help-section help-guides" aria-labelledby="help-guides-title">
    <div class="section-head">
      <h2 id="help-guides-title">${t(lang, "help.guides_title")}</h2>
    </div>
    <form class="filter-bar help-search" method="get" action=${HELP_PATH} role="search" aria-label=${t(lang, "help.guides_search_label")}>
      ${query.status && html`<input type="hidden" name="status" value=${query.status} />`}
      ${Field({ name: "q", type: "search", label: t(lang, "help.guides_search"), value: query.q, maxlength: 100, autocomplete: "off", error: errors?.q })}
      <div class="filter-actions">
        ${Button({ children: t(lang, "help.guides_search_submit"), variant: "secondary" })}
        ${query.q && html`<a class="btn btn-ghost" href=${helpHref(query, { q: "", guides: "" })}>${t(lang, "help.guides_clear")}</a>`}
      </div>
    </form>
    ${guides.length === 0
      ? html`<p class="empty">${query.q ? t(lang, "help.guides_empty_search", { q: query.q }) : t(lang, "help.guides_empty")}</p>`
      : html`<ul class="guide-list">
          ${guides.map((guide) => GuideItem({ ctx, guide }))}
        </ul>`}
    ${(guidesNext || query.guides) &&
    html`<nav class="pager help-pager" aria-label=${t(lang, "help.guides_title")}>
      ${query.guides && html`<a class="btn btn-ghost btn-sm" href=${helpHref(query, { guides: "" }, "#help-guides-title")}>${t(lang, "help.first_page")}</a>`}
      ${guidesNext && html`<a class="btn btn-secondary btn-sm" href=${helpHref(query, { guides: guidesNext }, "#help-guides-title")}>${t(lang, "help.more")}</a>`}
    </nav>`}
  </section>`;
}

export function IssueRow({ ctx, issue }: { ctx: PageContext; issue: IssueSummary }): VNode {
  const { lang } = ctx;
  return html`<li class=${`card help-issue-item is-${issue.status}${issue.unread ? " is-unread" : ""}`}>
    <div class="help-issue-head">
      <h3 class="help-issue-title"><a href=${issuePath(issue.id)}>${issue.title}</a></h3>
      <span class="help-badges">
        ${issue.unread && UnreadMark({ lang })} ${StatusBadge({ lang, status: issue.status })} ${issue.private && PrivateBadge({ lang })}
      </span>
    </div>
    <p class="help-issue-meta">
      <span>${personName(lang, issue.author)}</span>
      <span>${tCount(lang, "help.comments", issue.commentCount)}</span>
      <span>${When({ ctx, iso: issue.lastActivityAt })}</span>
    </p>
  </li>`;
}

function statusOptions(lang: Lang) {
  return [
    { value: "", label: t(lang, "help.issues_filter_all") },
    { value: "open", label: t(lang, "help.status.open") },
    { value: "closed", label: t(lang, "help.status.closed") },
  ];
}

function IssuesSection({ ctx, query, issues, issuesNext, everyIssue }: Pick<HelpPageProps, "ctx" | "query" | "issuesNext" | "everyIssue"> & { issues: IssueSummary[] }): VNode {
  const { lang } = ctx;
  return html`<section class="help-section help-issues" aria-labelledby="help-issues-title">
    <div class="section-head">
      <h2 id="help-issues-title">${t(lang, "help.issues_title")}</h2>
      <p class="section-intro">${t(lang, everyIssue ? "help.issues_intro_admin" : "help.issues_intro")}</p>
    </div>
    <form class="filter-bar help-filter" method="get" action=${HELP_PATH} aria-label=${t(lang, "help.issues_filter_label")}>
      ${query.q && html`<input type="hidden" name="q" value=${query.q} />`}
      ${SelectField({ name: "status", label: t(lang, "help.issues_filter_status"), value: query.status, options: statusOptions(lang) })}
      <div class="filter-actions">${Button({ children: t(lang, "help.issues_filter_submit"), variant: "secondary" })}</div>
    </form>
    ${issues.length === 0
      ? html`<p class="empty">${t(lang, query.status ? "help.issues_empty_filtered" : "help.issues_empty")}</p>`
      : html`<ul class="help-issue-list">
          ${issues.map((issue) => IssueRow({ ctx, issue }))}
        </ul>`}
    ${(issuesNext || query.cursor) &&
    html`<nav class="pager help-pager" aria-label=${t(lang, "help.issues_title")}>
      ${query.cursor && html`<a class="btn btn-ghost btn-sm" href=${helpHref(query, { cursor: "" }, "#help-issues-title")}>${t(lang, "help.first_page")}</a>`}
      ${issuesNext && html`<a class="btn btn-secondary btn-sm" href=${helpHref(query, { cursor: issuesNext }, "#help-issues-title")}>${t(lang, "help.more")}</a>`}
    </nav>`}
  </section>`;
}

export function HelpPage(props: HelpPageProps): VNode {
  const { ctx, may, adminNotices } = props;
  const { lang } = ctx;
  return html`<div class="container help">
    <div class="split-row help-head">
      ${PageHead({ title: t(lang, "help.title"), lead: t(lang, "help.lead", { community: siteName(ctx) }) })}
      ${(may.openIssue || may.writeGuides) &&
      html`<div class="help-actions">
        ${may.openIssue && ButtonLink({ href: NEW_ISSUE_PATH, children: t(lang, "help.new_issue") })}
        ${may.writeGuides && ButtonLink({ href: NEW_GUIDE_PATH, variant: "secondary", children: t(lang, "help.new_guide") })}
      </div>`}
    </div>
    ${FormMessages({ lang, notice: props.notice })}
    ${adminNotices.helpdeskOff && Alert({ tone: "info", children: t(lang, "help.off_admin_notice") })}
    ${adminNotices.issuesOff && Alert({ tone: "info", children: t(lang, "help.issues_off_admin_notice") })}
    <div class="help-columns">
      ${props.issues && IssuesSection({ ...props, issues: props.issues })}
      ${GuidesSection(props)}
    </div>
  </div>`;
}

/** /help when the community switched the help desk off (members; 403). */
export function HelpOffPage({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  return html`<div class="container help">
    ${PageHead({ title: t(lang, "help.title") })}
    <div class="card help-off">
      <p>${t(lang, "help.off", { community: siteName(ctx) })}</p>
      <div class="actions">${ButtonLink({ href: "/", variant: "secondary", children: t(lang, "form.back_home") })}</div>
    </div>
  </div>`;
}
