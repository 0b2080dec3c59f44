import { html } from "htm/preact";
import type { VNode } from "preact";
import type { GuideSummary, IssueStatus, IssueSummary } from "../../../worker/helpdesk/types";
import { t, type Lang } from "../../i18n";
import { AdminShell } from "../../ui/admin-layout";
import { ActionForm, Button, ButtonLink, FormMessages, SelectField } from "../../ui/components";
import { formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { DataTable } from "../../ui/table";
import { ADMIN_HELP_PATH, NEW_GUIDE_PATH, PrivateBadge, StatusBadge, UnreadMark, When, guidePath, issuePath, personName } from "./shared";

// /admin/help (community owners and admins): every issue with its filters (open or closed,
// private or public) and the unread marks, then the guides with their edit and delete buttons.
// Answering, closing and editing happen on the issue's and the guide's own pages.

export type AdminHelpFilters = { status: IssueStatus | ""; visibility: "private" | "public" | ""; cursor: string };

export function adminHelpHref(f: AdminHelpFilters, changes: Partial<AdminHelpFilters> = {}): string {
  const params = new URLSearchParams(Object.entries({ ...f, ...changes }).filter(([, v]) => v !== ""));
  const s = params.toString();
  return s ? `${ADMIN_HELP_PATH}?${s}` : ADMIN_HELP_PATH;
}

function IssueTableRow({ ctx, issue }: { ctx: PageContext; issue: IssueSummary }): VNode {
  const { lang } = ctx;
  return html`<tr class=${`help-row is-${issue.status}${issue.unread ? " is-unread" : ""}`}>
    <th scope="row" class="cell-issue">
      <a class="help-row-title" href=${issuePath(issue.id)}>${issue.title}</a>
      <span class="help-badges">${issue.unread && UnreadMark({ lang })} ${issue.private && PrivateBadge({ lang })}</span>
    </th>
    <td data-label=${t(lang, "help.col_author")}>${personName(lang, issue.author)}</td>
    <td data-label=${t(lang, "help.col_status")}>${StatusBadge({ lang, status: issue.status })}</td>
    <td data-label=${t(lang, "help.col_comments")}>${formatNumber(lang, issue.commentCount)}</td>
    <td data-label=${t(lang, "help.col_activity")}>${When({ ctx, iso: issue.lastActivityAt })}</td>
  </tr>`;
}

function Filters({ lang, filters }: { lang: Lang; filters: AdminHelpFilters }): VNode {
  return html`<form class="filter-bar help-filter" method="get" action=${ADMIN_HELP_PATH} aria-label=${t(lang, "help.issues_filter_label")}>
    ${SelectField({
      name: "status",
      label: t(lang, "help.issues_filter_status"),
      value: filters.status,
      options: [
        { value: "", label: t(lang, "help.issues_filter_all") },
        { value: "open", label: t(lang, "help.status.open") },
        { value: "closed", label: t(lang, "help.status.closed") },
      ],
    })}
    ${SelectField({
      name: "visibility",
      label: t(lang, "help.admin_filter_visibility"),
      value: filters.visibility,
      options: [
        { value: "", label: t(lang, "help.admin_filter_any") },
        { value: "private", label: t(lang, "help.private") },
        { value: "public", label: t(lang, "help.public") },
      ],
    })}
    <div class="filter-actions">${Button({ children: t(lang, "help.issues_filter_submit"), variant: "secondary" })}</div>
  </form>`;
}

function GuideTableRow({ ctx, guide }: { ctx: PageContext; guide: GuideSummary }): VNode {
  const { lang } = ctx;
  return html`<tr>
    <th scope="row"><a href=${guidePath(guide.id)}>${guide.title}</a></th>
    <td data-label=${t(lang, "help.col_written_by")}>${personName(lang, guide.author)}</td>
    <td data-label=${t(lang, "help.col_updated")}>${When({ ctx, iso: guide.updatedAt })}</td>
    <td class="cell-actions">
      <span class="row-actions">
        <a class="btn btn-secondary btn-sm" href=${`${guidePath(guide.id)}/edit`} aria-label=${t(lang, "help.guide_edit_label", { title: guide.title })}>${t(lang, "help.edit")}</a>
        ${ActionForm({ action: `${guidePath(guide.id)}/delete`, hidden: { from: "admin" }, variant: "ghost", children: t(lang, "help.delete"), label: t(lang, "help.guide_delete_label", { title: guide.title }) })}
      </span>
    </td>
  </tr>`;
}

export function AdminHelpPage({
  ctx,
  viewingAsMember,
  filters,
  issues,
  nextCursor,
  guides,
  notice,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  filters: AdminHelpFilters;
  issues: IssueSummary[];
  nextCursor: string | null;
  guides: GuideSummary[];
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const filtered = Boolean(filters.status || filters.visibility);
  return AdminShell({
    ctx,
    section: "help",
    viewingAsMember,
    children: html`${FormMessages({ lang, notice })}
      <p class="section-intro help-admin-intro">${t(lang, "help.admin_intro")}</p>
      <section class="admin-panel" aria-labelledby="help-admin-issues-title">
        <div class="section-head">
          <h2 id="help-admin-issues-title">${t(lang, "help.admin_issues_title")}</h2>
        </div>
        ${Filters({ lang, filters })}
        ${issues.length > 0
          ? html`<div class="card table-card">
              ${DataTable({
                className: "table table-stack-md help-table",
                labelledBy: "help-admin-issues-title",
                columns: [t(lang, "help.col_issue"), t(lang, "help.col_author"), t(lang, "help.col_status"), t(lang, "help.col_comments"), t(lang, "help.col_activity")],
                children: issues.map((issue) => IssueTableRow({ ctx, issue })),
              })}
            </div>`
          : html`<p class="empty">${t(lang, filtered ? "help.issues_empty_filtered" : "help.issues_empty")}</p>`}
        ${(nextCursor || filters.cursor) &&
        html`<nav class="pager" aria-label=${t(lang, "help.admin_issues_title")}>
          ${filters.cursor && html`<a class="btn btn-ghost btn-sm" href=${adminHelpHref(filters, { cursor: "" })}>${t(lang, "help.first_page")}</a>`}
          ${nextCursor && html`<a class="btn btn-secondary btn-sm pager-next" href=${adminHelpHref(filters, { cursor: nextCursor })}>${t(lang, "help.more")}</a>`}
        </nav>`}
      </section>
      <section class="admin-panel help-admin-guides" aria-labelledby="help-admin-guides-title">
        <div class="section-head split-row">
          <div>
            <h2 id="help-admin-guides-title">${t(lang, "help.admin_guides_title")}</h2>
            <p class="section-intro">${t(lang, "help.admin_guides_intro")}</p>
          </div>
          ${ButtonLink({ href: NEW_GUIDE_PATH, size: "sm", children: t(lang, "help.new_guide") })}
        </div>
        ${guides.length > 0
          ? html`<div class="card table-card">
              ${DataTable({
                className: "table table-stack-sm help-guides-table",
                labelledBy: "help-admin-guides-title",
                columns: [t(lang, "help.col_guide"), t(lang, "help.col_written_by"), t(lang, "help.col_updated")],
                actions: t(lang, "help.col_actions"),
                children: guides.map((guide) => GuideTableRow({ ctx, guide })),
              })}
            </div>`
          : html`<p class="empty">${t(lang, "help.guides_empty")}</p>`}
      </section>`,
  });
}
