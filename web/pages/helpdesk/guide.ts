import { html } from "htm/preact";
import type { VNode } from "preact";
import type { GuideView } from "../../../worker/helpdesk/types";
import { t } from "../../i18n";
import { ActionForm, Button, Field, FormMessages, TextareaField } from "../../ui/components";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { HELP_PATH, MarkdownBody, NEW_GUIDE_PATH, guidePath, personName } from "./shared";

// A guide (/help/guides/{id}): its rendered Markdown, and for its author or an admin the
// buttons to edit and delete it; the form that writes one (/help/guides/new) or edits it
// (/help/guides/{id}/edit).

/** Back to the help desk (a crumb above the title). */
export function BackToHelp({ ctx, href = HELP_PATH }: { ctx: PageContext; href?: string }): VNode {
  return html`<p class="help-crumb"><a href=${href}>${t(ctx.lang, "help.back")}</a></p>`;
}

export function GuidePage({ ctx, guide, notice }: { ctx: PageContext; guide: GuideView; notice?: string | undefined }): VNode {
  const { lang } = ctx;
  const date = formatDate(lang, guide.updatedAt, { timeZone: ctx.tenant?.timezone });
  return html`<div class="container help help-guide">
    ${BackToHelp({ ctx })}
    <article class="guide">
      <header class="guide-head">
        <h1 class="page-title">${guide.title}</h1>
        <p class="guide-meta">
          ${guide.author && html`<span>${t(lang, "help.guide_by", { name: personName(lang, guide.author) })}</span>`}
          <span>${t(lang, "help.guide_updated", { date })}</span>
        </p>
        ${(guide.can.edit || guide.can.delete) &&
        html`<div class="guide-actions">
          ${guide.can.edit && html`<a class="btn btn-secondary btn-sm" href=${`${guidePath(guide.id)}/edit`} aria-label=${t(lang, "help.guide_edit_label", { title: guide.title })}>${t(lang, "help.edit")}</a>`}
          ${guide.can.delete &&
          ActionForm({ action: `${guidePath(guide.id)}/delete`, variant: "ghost", children: t(lang, "help.delete"), label: t(lang, "help.guide_delete_label", { title: guide.title }) })}
        </div>`}
      </header>
      ${FormMessages({ lang, notice })}
      ${MarkdownBody({ htmlText: guide.bodyHtml, className: "card guide-body" })}
    </article>
  </div>`;
}

export type GuideFormValues = { title?: string | undefined; body?: string | undefined };

/** The guide's form: a new one (no `guide`) or an edit of `guide`. */
export function GuideFormPage({
  ctx,
  guide,
  values,
  errors = {},
  formError,
}: {
  ctx: PageContext;
  guide?: GuideView | undefined;
  values: GuideFormValues;
  errors?: Record<string, string>;
  formError?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const action = guide ? guidePath(guide.id) : NEW_GUIDE_PATH;
  return html`<div class="container help help-form-page">
    ${BackToHelp({ ctx, href: guide ? guidePath(guide.id) : HELP_PATH })}
    <h1 class="page-title">${t(lang, guide ? "help.guide_edit_title" : "help.guide_new_title")}</h1>
    ${FormMessages({ lang, formError, errors })}
    <form class="card form help-form" method="post" action=${action}>
      ${Field({ name: "title", label: t(lang, "help.guide_title_label"), value: values.title, required: true, maxlength: 200, error: errors.title })}
      ${TextareaField({ name: "body", label: t(lang, "help.guide_body_label"), value: values.body, rows: 14, maxlength: 20000, required: true, hint: t(lang, "help.body_hint"), error: errors.body })}
      <div class="form-actions">
        ${Button({ children: t(lang, guide ? "help.guide_save" : "help.guide_publish") })}
        <a class="btn btn-ghost" href=${guide ? guidePath(guide.id) : HELP_PATH}>${t(lang, "help.cancel")}</a>
      </div>
    </form>
  </div>`;
}
