import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { ActionForm, Button, CheckboxField, Field, FormSection, TextareaField } from "../../ui/components";
import { addDays, formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { RESTORE_DAYS } from "./group";
import { adminGroupPath } from "./shared";
import type { GroupAbility, GroupView } from "./types";
import { DESCRIPTION_MAX, GROUP_NAME_MAX, SLUG_MAX } from "./admin-groups";
import { JoinPolicyField } from "../../ui/admin-forms";
import { GroupAdminShell, type GroupAdminProps } from "../../ui/admin-layout";

export const MAX_QUESTIONS = 10;
export const MAX_LINKS = 10;
/** Empty rows always offered after the existing ones, so adding works without JavaScript. */
export const EXTRA_QUESTION_ROWS = 3;
export const EXTRA_LINK_ROWS = 2;
export const QUESTION_MAX = 200;
export const LINK_TITLE_MAX = 80;
export const LINK_URL_MAX = 2000;

/** Rows to show: the stored (or re-submitted) ones plus empty ones, within the maximum. */
function rowCount(stored: number, values: Record<string, string>, prefix: string, extra: number, max: number): number {
  let highest = -1;
  for (const key of Object.keys(values)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(key);
    if (m) highest = Math.max(highest, Number(m[1]));
  }
  return Math.min(max, Math.max(stored + extra, highest + 1));
}

/** True when the form was re-submitted (values hold the rows), so the rows come from values. */
function resubmitted(values: Record<string, string>, prefix: string): boolean {
  return Object.keys(values).some((k) => k.startsWith(`${prefix}.`));
}

function QuestionRows({ lang, group, values, errors }: { lang: Lang; group: GroupView; values: Record<string, string>; errors: Record<string, string> }): VNode {
  const fromValues = resubmitted(values, "question");
  const count = rowCount(group.questions.length, values, "question", EXTRA_QUESTION_ROWS, MAX_QUESTIONS);
  return FormSection({
    legend: t(lang, "admin.settings.questions_title"),
    hint: t(lang, "admin.settings.questions_hint", { max: MAX_QUESTIONS }),
    error: errors.questions,
    children: html`<ol class="repeat-list">
      ${Array.from({ length: count }, (_, i) => {
        const stored = group.questions[i];
        const id = fromValues ? values[`question.${i}.id`] : stored?.id;
        const label = fromValues ? values[`question.${i}.label`] : stored?.label;
        const required = fromValues ? values[`question.${i}.required`] === "on" : (stored?.required ?? false);
        return html`<li class="repeat-row question-row">
          ${id && html`<input type="hidden" name=${`question.${i}.id`} value=${id} />`}
          ${Field({
            name: `question.${i}.label`,
            label: t(lang, "admin.settings.question_n", { n: i + 1 }),
            value: label,
            maxlength: QUESTION_MAX,
            autocomplete: "off",
            error: errors[`question.${i}.label`],
          })}
          ${CheckboxField({
            name: `question.${i}.required`,
            label: t(lang, "admin.settings.question_required"),
            checked: required,
          })}
        </li>`;
      })}
    </ol>`,
  });
}

function LinkRows({ lang, group, values, errors }: { lang: Lang; group: GroupView; values: Record<string, string>; errors: Record<string, string> }): VNode {
  const fromValues = resubmitted(values, "link");
  const count = rowCount(group.links.length, values, "link", EXTRA_LINK_ROWS, MAX_LINKS);
  return FormSection({
    legend: t(lang, "admin.settings.links_title"),
    hint: t(lang, "admin.settings.links_hint", { max: MAX_LINKS }),
    error: errors.links,
    children: html`<ol class="repeat-list">
      ${Array.from({ length: count }, (_, i) => {
        const stored = group.links[i];
        const title = fromValues ? values[`link.${i}.title`] : stored?.title;
        const url = fromValues ? values[`link.${i}.url`] : stored?.url;
        return html`<li class="repeat-row link-row">
          ${Field({
            name: `link.${i}.title`,
            label: t(lang, "admin.settings.link_title_n", { n: i + 1 }),
            value: title,
            maxlength: LINK_TITLE_MAX,
            autocomplete: "off",
            error: errors[`link.${i}.title`],
          })}
          ${Field({
            name: `link.${i}.url`,
            label: t(lang, "admin.settings.link_url_n", { n: i + 1 }),
            type: "url",
            inputmode: "url",
            value: url,
            maxlength: LINK_URL_MAX,
            placeholder: "https://",
            autocomplete: "off",
            verbatim: true,
            error: errors[`link.${i}.url`],
          })}
        </li>`;
      })}
    </ol>`,
  });
}

function DangerZone({ ctx, group }: { ctx: PageContext; group: GroupView }): VNode {
  const { lang } = ctx;
  const base = adminGroupPath(group.slug);
  if (group.deletedAt) {
    return html`<section class="card danger-zone" aria-labelledby="danger-title">
      <h2 class="card-title" id="danger-title">${t(lang, "admin.settings.deleted_title")}</h2>
      <p>
        ${t(lang, "admin.settings.deleted_body", {
          date: formatDate(lang, addDays(group.deletedAt, RESTORE_DAYS), { timeZone: ctx.tenant?.timezone }),
        })}
      </p>
      ${ActionForm({ action: `${base}/restore`, variant: "primary", size: "lg", children: t(lang, "admin.groups.restore") })}
    </section>`;
  }
  return html`<section class="card danger-zone" aria-labelledby="danger-title">
    <h2 class="card-title" id="danger-title">${t(lang, "admin.settings.danger_title")}</h2>
    <p>${t(lang, "admin.settings.delete_body", { days: RESTORE_DAYS })}</p>
    <form class="form danger-form" method="post" action=${`${base}/delete`}>
      <div class="checkbox">
        <input class="checkbox-input" type="checkbox" id="field-confirm" name="confirm" value="on" required />
        <label class="checkbox-label" for="field-confirm">${t(lang, "admin.settings.delete_confirm", { group: group.name })}</label>
      </div>
      <div>${Button({ children: t(lang, "admin.settings.delete_submit"), variant: "danger" })}</div>
    </form>
  </section>`;
}

/** /admin/groups/{slug}: name, description, joining, questions, links, address; and deletion. */
export function GroupSettingsPage(
  props: GroupAdminProps & { values?: Record<string, string>; errors?: Record<string, string>; ability: GroupAbility },
): VNode {
  const { ctx, group, values = {}, errors = {}, ability } = props;
  const { lang } = ctx;
  const base = adminGroupPath(group.slug);
  const locked = group.slugChangesLeft <= 0;
  return GroupAdminShell({
    ...props,
    children: html`
      <form class="form admin-form" method="post" action=${base}>
        <fieldset class="form-lock" disabled=${!ability.edit}>
          ${!ability.edit && html`<p class="alert alert-info">${t(lang, "admin.settings.read_only")}</p>`}
          <div class="admin-form-sections">
            ${FormSection({
              legend: t(lang, "admin.settings.general_title"),
              children: html`${Field({
                name: "name",
                label: t(lang, "admin.field.name"),
                value: values.name ?? group.name,
                required: true,
                maxlength: GROUP_NAME_MAX,
                autocomplete: "off",
                error: errors.name,
              })}
              ${TextareaField({
                name: "description",
                label: t(lang, "admin.field.description"),
                value: values.description ?? group.description,
                rows: 6,
                maxlength: DESCRIPTION_MAX,
                hint: t(lang, "admin.field.description_hint"),
                error: errors.description,
              })}`,
            })}
            ${FormSection({
              legend: t(lang, "admin.settings.joining_title"),
              children: JoinPolicyField({ lang, value: values.joinPolicy ?? group.joinPolicy, error: errors.joinPolicy }),
            })}
            ${QuestionRows({ lang, group, values, errors })}
            ${LinkRows({ lang, group, values, errors })}
            ${FormSection({
              legend: t(lang, "admin.settings.address_title"),
              children: html`${Field({
                name: "slug",
                label: t(lang, "admin.field.slug"),
                value: values.slug ?? group.slug,
                required: true,
                maxlength: SLUG_MAX,
                autocomplete: "off",
                verbatim: true,
                prefix: "/g/",
                readonly: locked,
                hint: locked ? t(lang, "admin.settings.slug_locked") : undefined,
                error: errors.slug,
              })}
              ${!locked &&
              html`<p class="alert alert-warning slug-warning">${t(lang, "admin.settings.slug_warning")}</p>`}`,
            })}
          </div>
          ${ability.edit &&
          html`<div class="form-actions">${Button({ children: t(lang, "admin.settings.save"), size: "lg" })}</div>`}
        </fieldset>
      </form>
      ${ability.delete && DangerZone({ ctx, group })}
    `,
  });
}
