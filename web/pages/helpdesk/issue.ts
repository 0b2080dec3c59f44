import { html } from "htm/preact";
import type { VNode } from "preact";
import type { HelpCommentView, IssueView } from "../../../worker/helpdesk/types";
import { t } from "../../i18n";
import { ActionForm, Alert, Button, CheckboxField, Field, FileField, FormMessages, TextareaField } from "../../ui/components";
import { formatBytes, formatDate } from "../../ui/format";
import { ASSET_LIMITS, IMAGE_ACCEPT } from "../../ui/image-field";
import type { PageContext } from "../../ui/page";
import { BackToHelp } from "./guide";
import { MarkdownBody, NEW_ISSUE_PATH, PrivateBadge, StatusBadge, issuePath, personName } from "./shared";

// An issue (/help/issues/{id}): its body and images, the answers, the answer form, closing and
// reopening for its author or an admin, and adding an image; the form that opens one
// (/help/issues/new, multipart: its images go up with it, without JavaScript).

/** At most this many images on one issue (the service's MAX_ATTACHMENTS). */
export const ISSUE_IMAGES_MAX = 10;

export type NewIssueValues = { title?: string | undefined; body?: string | undefined; private: boolean };

export function NewIssuePage({ ctx, values, errors = {}, formError }: { ctx: PageContext; values: NewIssueValues; errors?: Record<string, string>; formError?: string | undefined }): VNode {
  const { lang } = ctx;
  return html`<div class="container help help-form-page">
    ${BackToHelp({ ctx })}
    <h1 class="page-title">${t(lang, "help.issue_new_title")}</h1>
    <p class="lead">${t(lang, "help.issue_new_intro")}</p>
    ${FormMessages({ lang, formError, errors })}
    <form class="card form help-form" method="post" action=${NEW_ISSUE_PATH} enctype="multipart/form-data">
      ${Field({ name: "title", label: t(lang, "help.issue_title_label"), value: values.title, required: true, maxlength: 200, error: errors.title })}
      ${TextareaField({ name: "body", label: t(lang, "help.issue_body_label"), value: values.body, rows: 8, maxlength: 20000, required: true, hint: t(lang, "help.body_hint"), error: errors.body })}
      ${CheckboxField({ name: "private", label: t(lang, "help.issue_private_label"), checked: values.private, hint: t(lang, "help.issue_private_field_hint") })}
      ${errors.private && html`<p class="field-error" id="field-private-error">${errors.private}</p>`}
      ${FileField({
        name: "attachments",
        label: t(lang, "help.attachments_label"),
        accept: IMAGE_ACCEPT,
        multiple: true,
        hint: t(lang, "help.attachments_hint", { limit: formatBytes(lang, ASSET_LIMITS.cover), count: ISSUE_IMAGES_MAX }),
        error: errors.attachments,
      })}
      <div class="form-actions">
        ${Button({ children: t(lang, "help.issue_submit") })}
        <a class="btn btn-ghost" href="/help">${t(lang, "help.cancel")}</a>
      </div>
    </form>
  </div>`;
}

function Comment({ ctx, comment }: { ctx: PageContext; comment: HelpCommentView }): VNode {
  const { lang } = ctx;
  return html`<li class=${comment.byAdmin ? "card help-comment is-team" : "card help-comment"} id=${`comment-${comment.id}`}>
    <p class="help-comment-head">
      <span class="help-comment-author">${personName(lang, comment.author)}</span>
      ${comment.byAdmin && html`<span class="badge badge-owner help-team">${t(lang, "help.comment_by_admin")}</span>`}
      <time class="help-comment-time" datetime=${comment.createdAt}>${formatDate(lang, comment.createdAt, { timeZone: ctx.tenant?.timezone, time: true })}</time>
    </p>
    ${MarkdownBody({ htmlText: comment.bodyHtml, className: "help-comment-body" })}
  </li>`;
}

export type IssuePageProps = {
  ctx: PageContext;
  issue: IssueView;
  notice?: string | undefined;
  /** The answer form as posted, with its errors. */
  comment?: { body?: string | undefined; errors: Record<string, string>; formError?: string | undefined } | undefined;
  /** Why an image was refused (beside the image field). */
  attachError?: string | undefined;
  /** A refusal of closing or reopening. */
  formError?: string | undefined;
};

export function IssuePage({ ctx, issue, notice, comment, attachError, formError }: IssuePageProps): VNode {
  const { lang } = ctx;
  const path = issuePath(issue.id);
  const open = issue.status === "open";
  const opened = formatDate(lang, issue.createdAt, { timeZone: ctx.tenant?.timezone });
  return html`<div class="container help help-issue">
    ${BackToHelp({ ctx })}
    <article class="help-issue-article">
      <header class="help-issue-page-head">
        <h1 class="page-title">${issue.title}</h1>
        <p class="help-badges">${StatusBadge({ lang, status: issue.status })} ${issue.private && PrivateBadge({ lang })}</p>
        <p class="help-issue-meta">${t(lang, "help.issue_meta", { name: personName(lang, issue.author), date: opened })}</p>
        ${issue.private && html`<p class="field-hint help-private-hint">${t(lang, "help.private_hint")}</p>`}
        ${(issue.can.close || issue.can.reopen) &&
        html`<div class="help-issue-actions">
          ${open && issue.can.close && ActionForm({ action: `${path}/close`, children: t(lang, "help.close") })}
          ${!open && issue.can.reopen && ActionForm({ action: `${path}/reopen`, children: t(lang, "help.reopen") })}
        </div>`}
      </header>
      ${FormMessages({ lang, notice, formError: formError ?? (open && issue.can.comment ? undefined : comment?.formError) })}
      ${MarkdownBody({ htmlText: issue.bodyHtml, className: "card help-issue-body" })}
      ${(issue.attachments.length > 0 || (open && issue.can.attach)) &&
      html`<section class="help-attachments" aria-labelledby="help-attachments-title">
        <h2 id="help-attachments-title" class="help-subtitle">${t(lang, "help.attachments_title")}</h2>
        ${issue.attachments.length > 0 &&
        html`<ul class="help-attachment-list">
          ${issue.attachments.map(
            (a, i) => html`<li class="help-attachment">
              <a href=${a.url}><img src=${a.url} alt=${t(lang, "help.attachment_alt", { n: i + 1, title: issue.title })} width=${a.width} height=${a.height} loading="lazy" /></a>
            </li>`,
          )}
        </ul>`}
        ${open &&
        issue.can.attach &&
        issue.attachments.length < ISSUE_IMAGES_MAX &&
        html`<form class="help-attach-form" method="post" action=${`${path}/attachments`} enctype="multipart/form-data">
          ${FileField({ name: "file", label: t(lang, "help.attach_label"), accept: IMAGE_ACCEPT, required: true, hint: t(lang, "help.attach_hint", { limit: formatBytes(lang, ASSET_LIMITS.cover) }), error: attachError })}
          <div class="form-actions">${Button({ children: t(lang, "help.attach_submit"), variant: "secondary" })}</div>
        </form>`}
      </section>`}
      <section class="help-comments" aria-labelledby="help-comments-title">
        <h2 id="help-comments-title" class="help-subtitle">${t(lang, "help.comments_title")}</h2>
        ${issue.comments.length === 0
          ? html`<p class="empty">${t(lang, "help.comments_empty")}</p>`
          : html`<ol class="help-comment-list">
              ${issue.comments.map((c) => Comment({ ctx, comment: c }))}
            </ol>`}
        ${!open
          ? Alert({ tone: "info", children: t(lang, "help.comment_closed") })
          : issue.can.comment &&
            html`<form class="card form help-comment-form" method="post" action=${`${path}/comments`} id="answer">
              ${comment?.formError && Alert({ tone: "error", children: comment.formError })}
              ${TextareaField({ name: "body", label: t(lang, "help.comment_label"), value: comment?.body, rows: 5, maxlength: 20000, required: true, hint: t(lang, "help.body_hint"), error: comment?.errors.body })}
              <div class="form-actions">${Button({ children: t(lang, "help.comment_submit") })}</div>
            </form>`}
      </section>
    </article>
  </div>`;
}
