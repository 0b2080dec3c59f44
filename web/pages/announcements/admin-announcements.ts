import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { ActionForm, Button, ButtonLink, CheckboxField, Field, FormSection, TextareaField } from "../../ui/components";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { FormMessages } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";
import { DataTable } from "../../ui/table";
import { PortalTabs } from "../tenancy/admin-portal";

/** One announcement in the admins' list: its targets by name, its last day (in the community's timezone). */
export type AnnouncementItem = {
  id: string;
  title: string;
  plans: string[];
  groups: string[];
  /** `YYYY-MM-DD`, included; null when it shows until deleted. */
  lastDay: string | null;
  ended: boolean;
  email: boolean;
};

export type PlanOption = { id: string; name: string; archived: boolean };
export type GroupOption = { slug: string; name: string };

/** What the form shows: its text values (title, body, until, email) and the ticked targets. */
export type AnnouncementFormState = { values: Record<string, string>; plans: string[]; groups: string[] };

type Common = {
  ctx: PageContext;
  plans: PlanOption[];
  groups: GroupOption[];
  form: AnnouncementFormState;
  errors?: Record<string, string> | undefined;
  formError?: string | undefined;
  notice?: string | undefined;
};

export const announcementsPath = "/admin/portal/announcements";
const pathOf = (id: string) => `${announcementsPath}/${encodeURIComponent(id)}`;

/** A day (`YYYY-MM-DD`) in the reader's language, as written (no timezone shift). */
const dayLabel = (lang: Lang, day: string) => formatDate(lang, `${day}T12:00:00Z`, { timeZone: "UTC" });

function Targets({ lang, item }: { lang: Lang; item: AnnouncementItem }): VNode {
  const names = [...item.plans, ...item.groups];
  if (names.length === 0) return html`<span class="badge badge-quiet">${t(lang, "announcements.everyone")}</span>`;
  return html`<ul class="announcement-targets">
    ${item.plans.map((name) => html`<li class="badge badge-info">${name}</li>`)}
    ${item.groups.map((name) => html`<li class="badge badge-quiet">${name}</li>`)}
  </ul>`;
}

function AnnouncementList({ lang, items }: { lang: Lang; items: AnnouncementItem[] }): VNode {
  if (items.length === 0) return html`<p class="announcements-empty">${t(lang, "announcements.empty")}</p>`;
  const col = {
    title: t(lang, "announcements.col.title"),
    targets: t(lang, "announcements.col.targets"),
    until: t(lang, "announcements.col.until"),
    email: t(lang, "announcements.col.email"),
  };
  return html`<div class="card table-card">
    ${DataTable({
      className: "table table-stack-lg announcements-table",
      labelledBy: "announcements-list-title",
      columns: [col.title, col.targets, col.until, col.email],
      actions: t(lang, "announcements.col.actions"),
      children: items.map(
        (a) => html`<tr class=${a.ended ? "is-ended" : undefined}>
          <td class="cell-title"><a href=${pathOf(a.id)}>${a.title}</a></td>
          <td data-label=${col.targets}>${Targets({ lang, item: a })}</td>
          <td class="cell-until" data-label=${col.until}>
            ${a.lastDay ? dayLabel(lang, a.lastDay) : t(lang, "announcements.no_end")}
            ${a.ended && html` <span class="badge badge-quiet">${t(lang, "announcements.ended")}</span>`}
          </td>
          <td data-label=${col.email}>
            <span class=${a.email ? "badge badge-success" : "badge badge-quiet"}>${t(lang, a.email ? "announcements.emailed" : "announcements.not_emailed")}</span>
          </td>
          <td class="cell-actions">
            <div class="announcement-actions">
              ${ButtonLink({ href: pathOf(a.id), variant: "secondary", size: "sm", children: t(lang, "announcements.edit") })}
              ${ActionForm({ action: `${pathOf(a.id)}/delete`, variant: "danger", children: t(lang, "announcements.delete"), label: t(lang, "announcements.delete_label", { title: a.title }) })}
            </div>
          </td>
        </tr>`,
      ),
    })}
  </div>`;
}

/** Checkboxes posting `name` (a list), or a line saying there is nothing to choose. */
function TargetChecks({ name, legend, hint, empty, options, chosen, error }: { name: "plans" | "groups"; legend: string; hint: string; empty: string; options: { value: string; label: string }[]; chosen: string[]; error?: string | undefined }): VNode {
  const id = `field-${name}`;
  return html`<fieldset class=${error ? "field target-checks has-error" : "field target-checks"} aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`}>
    <legend class="label">${legend}</legend>
    <p class="field-hint" id=${`${id}-hint`}>${options.length ? hint : empty}</p>
    ${options.length > 0 &&
    html`<div class="target-check-list">
      ${options.map((o, i) => CheckboxField({ name, id: `${id}-${i}`, value: o.value, label: o.label, checked: chosen.includes(o.value) }))}
    </div>`}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  </fieldset>`;
}

/** The announcement's fields (create and edit); `email` only when creating. */
function AnnouncementFields({ lang, plans, groups, form, errors = {}, creating }: Omit<Common, "ctx"> & { lang: Lang; creating: boolean }): VNode {
  const { values } = form;
  // An archived plan is offered only where it is already a target.
  const planOptions = plans.filter((p) => !p.archived || form.plans.includes(p.id)).map((p) => ({ value: p.id, label: p.archived ? t(lang, "announcements.archived", { name: p.name }) : p.name }));
  return html`${Field({ name: "title", label: t(lang, "announcements.field.title"), value: values.title ?? "", required: true, maxlength: 200, error: errors.title })}
    ${TextareaField({ name: "body", label: t(lang, "announcements.field.body"), value: values.body ?? "", rows: 6, maxlength: 20000, required: true, hint: t(lang, "announcements.field.body_hint"), error: errors.body })}
    <div class="announcement-audience">
      <p class="label">${t(lang, "announcements.targets")}</p>
      <p class="field-hint">${t(lang, "announcements.targets_hint")}</p>
      <div class="announcement-target-cols">
        ${TargetChecks({ name: "plans", legend: t(lang, "announcements.field.plans"), hint: t(lang, "announcements.plans_hint"), empty: t(lang, "announcements.plans_empty"), options: planOptions, chosen: form.plans, error: errors.plans })}
        ${TargetChecks({ name: "groups", legend: t(lang, "announcements.field.groups"), hint: t(lang, "announcements.groups_hint"), empty: t(lang, "announcements.groups_empty"), options: groups.map((g) => ({ value: g.slug, label: g.name })), chosen: form.groups, error: errors.groups })}
      </div>
    </div>
    ${Field({ name: "until", type: "date", label: t(lang, "announcements.field.until"), value: values.until ?? "", hint: t(lang, "announcements.field.until_hint"), error: errors.until })}
    ${creating
      ? CheckboxField({ name: "email", label: t(lang, "announcements.field.email"), hint: t(lang, "announcements.field.email_hint"), checked: ["on", "1", "true", "yes"].includes(values.email ?? "") })
      : null}`;
}

/** /admin/portal/announcements: the published announcements, then the form to publish one. */
export function AdminAnnouncementsPage(props: Common & { items: AnnouncementItem[] }): VNode {
  const { ctx, errors } = props;
  const { lang } = ctx;
  return AdminShell({
    ctx,
    section: "portal",
    viewingAsMember: false,
    children: html`
      ${PortalTabs({ lang, here: "announcements" })}
      <p class="portal-lead">${t(lang, "announcements.lead")}</p>
      ${FormMessages({ lang, notice: props.notice, formError: props.formError, errors })}
      <section class="announcements-list" aria-labelledby="announcements-list-title">
        <h2 class="announcements-title" id="announcements-list-title">${t(lang, "announcements.list_title")}</h2>
        ${AnnouncementList({ lang, items: props.items })}
      </section>
      <form class="form admin-form announcement-form" method="post" action=${announcementsPath} id="announcement-new">
        ${FormSection({ legend: t(lang, "announcements.new_title"), children: AnnouncementFields({ ...props, lang, creating: true }) })}
        <div class="form-actions">${Button({ children: t(lang, "announcements.create") })}</div>
      </form>
    `,
  });
}

/** /admin/portal/announcements/{id}: its fields (whether it was emailed is said, not changed). */
export function AdminAnnouncementEditPage(props: Common & { id: string; title: string; email: boolean }): VNode {
  const { ctx, errors } = props;
  const { lang } = ctx;
  return AdminShell({
    ctx,
    section: "portal",
    heading: t(lang, "announcements.edit_title"),
    viewingAsMember: false,
    children: html`
      ${PortalTabs({ lang, here: "announcements" })}
      ${FormMessages({ lang, notice: props.notice, formError: props.formError, errors })}
      <form class="form admin-form announcement-form" method="post" action=${pathOf(props.id)}>
        ${FormSection({
          legend: props.title,
          hint: t(lang, props.email ? "announcements.email_sent" : "announcements.email_not_sent"),
          children: AnnouncementFields({ ...props, lang, creating: false }),
        })}
        <div class="form-actions">
          ${Button({ children: t(lang, "announcements.save") })}
          ${ButtonLink({ href: announcementsPath, variant: "ghost", children: t(lang, "announcements.back") })}
        </div>
      </form>
    `,
  });
}
