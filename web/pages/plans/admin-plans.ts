import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import type { AdminPlanItem, PlanFormValues, PlanView } from "../../../worker/plans/types";
import { GroupChecks } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";
import { ActionForm, Button, ButtonLink, CheckboxField, Field, FormMessages, Section, TextareaField } from "../../ui/components";
import { CopyInput } from "../../ui/copy-input";
import { formatMoney, formatNumber } from "../../ui/format";
import { Island } from "../../ui/island";
import type { PageContext } from "../../ui/page";
import { DataTable } from "../../ui/table";

export const PLANS_PATH = "/admin/plans";
export const planPath = (id: string) => `${PLANS_PATH}/${encodeURIComponent(id)}`;

type GroupChoice = { slug: string; name: string };

/** "49,90 € par mois", "120,00 € tous les 3 mois". */
export function pricePerInterval(lang: Lang, plan: Pick<PlanView, "price" | "intervalMonths">): string {
  return tCount(lang, "plans.per", plan.intervalMonths, { price: formatMoney(lang, plan.price) });
}

const percent = (lang: Lang, rate: number) => formatNumber(lang, rate / 100, { style: "percent", maximumFractionDigits: 2 });

function PlanRow({ lang, plan, groupNames }: { lang: Lang; plan: AdminPlanItem; groupNames: Map<string, string> }): VNode {
  return html`<tr>
    <th scope="row" class="cell-plan">
      <a class="plan-name" href=${planPath(plan.id)}>${plan.name}</a>
      ${(plan.approvalRequired || plan.hidden) &&
      html`<span class="plan-badges">
        ${plan.approvalRequired && html`<span class="badge badge-warning">${t(lang, "plans.approval_required")}</span>`}
        ${plan.hidden && html`<span class="badge badge-quiet">${t(lang, "plans.hidden")}</span>`}
      </span>`}
      ${plan.noticeDays > 0 && html`<span class="plan-meta">${tCount(lang, "plans.notice_days", plan.noticeDays)}</span>`}
    </th>
    <td class="cell-price" data-label=${t(lang, "plans.col.price")}>
      <span class="plan-price">${pricePerInterval(lang, plan)}</span>
      ${plan.setupFee.amount > 0 && html`<span class="plan-meta">${t(lang, "plans.setup_fee_line", { fee: formatMoney(lang, plan.setupFee) })}</span>`}
    </td>
    <td class="cell-tax" data-label=${t(lang, "plans.col.tax")}>${percent(lang, plan.taxRate)}</td>
    <td class="cell-groups" data-label=${t(lang, "plans.col.groups")}>
      ${plan.groups.length > 0 ? plan.groups.map((s) => groupNames.get(s) ?? s).join(", ") : html`<span class="plan-none">${t(lang, "plans.no_groups")}</span>`}
    </td>
    <td class="cell-members num" data-label=${t(lang, "plans.col.members")}>${formatNumber(lang, plan.members)}</td>
    <td class="cell-actions">
      <div class="plan-actions">
        <a class="btn btn-secondary btn-sm" href=${planPath(plan.id)} aria-label=${t(lang, "plans.edit_label", { plan: plan.name })}>${t(lang, "plans.edit")}</a>
        ${plan.archived
          ? ActionForm({ action: `${planPath(plan.id)}/restore`, children: t(lang, "plans.restore"), label: t(lang, "plans.restore_label", { plan: plan.name }) })
          : ActionForm({ action: `${planPath(plan.id)}/archive`, variant: "ghost", children: t(lang, "plans.archive"), label: t(lang, "plans.archive_label", { plan: plan.name }) })}
      </div>
    </td>
  </tr>`;
}

function PlanTable({ lang, plans, groupNames, caption }: { lang: Lang; plans: AdminPlanItem[]; groupNames: Map<string, string>; caption: string }): VNode {
  return html`<div class="card table-card plans-card">
    ${DataTable({
      className: "table table-stack-lg plans-table",
      caption,
      columns: [
        t(lang, "plans.col.plan"),
        t(lang, "plans.col.price"),
        t(lang, "plans.col.tax"),
        t(lang, "plans.col.groups"),
        { title: t(lang, "plans.col.members"), className: "num" },
      ],
      actions: t(lang, "plans.col.actions"),
      children: plans.map((plan) => PlanRow({ lang, plan, groupNames })),
    })}
  </div>`;
}

/** /admin/plans: the plans members can choose (and hidden ones), then the archived ones with "restore". */
export function AdminPlansPage({
  ctx,
  viewingAsMember,
  plans,
  groups,
  notice,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  plans: AdminPlanItem[];
  groups: GroupChoice[];
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const groupNames = new Map(groups.map((g) => [g.slug, g.name]));
  const current = plans.filter((p) => !p.archived);
  const archived = plans.filter((p) => p.archived);
  return AdminShell({
    ctx,
    section: "plans",
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, notice })}
      <section class="admin-panel" aria-labelledby="plans-list-title">
        <div class="section-head split-row plans-head">
          <div>
            <h2 id="plans-list-title">${t(lang, "plans.list_title")}</h2>
            <p class="section-intro">${t(lang, "plans.list_intro")}</p>
          </div>
          ${ButtonLink({ href: `${PLANS_PATH}/new`, children: t(lang, "plans.new") })}
        </div>
        ${current.length > 0
          ? PlanTable({ lang, plans: current, groupNames, caption: t(lang, "plans.list_title") })
          : html`<p class="empty">${t(lang, "plans.empty")}</p>`}
      </section>
      ${archived.length > 0 &&
      Section({
        id: "plans-archived-title",
        className: "admin-panel plans-archived",
        title: t(lang, "plans.archived_title"),
        intro: t(lang, "plans.archived_intro"),
        children: PlanTable({ lang, plans: archived, groupNames, caption: t(lang, "plans.archived_title") }),
      })}
    `,
  });
}

/** The plan's own link, for a hidden plan: the only way members find it. */
function OwnLink({ lang, url }: { lang: Lang; url: string }): VNode {
  return html`<div class="field plan-link">
    <label class="label" for="plan-own-link">${t(lang, "plans.own_link")}</label>
    ${CopyInput({ id: "plan-own-link", value: url, attrs: { "aria-describedby": "plan-own-link-hint", spellcheck: "false" } })}
    <p class="field-hint" id="plan-own-link-hint">${t(lang, "plans.own_link_hint")}</p>
    ${Island({ name: "CopyButton", props: { target: "plan-own-link", label: t(lang, "copy.action"), done: t(lang, "copy.done") }, children: html`<span></span>` })}
  </div>`;
}

function PlanForm({
  lang,
  plan,
  currency,
  groups,
  values,
  errors,
  ownLink,
}: {
  lang: Lang;
  plan: PlanView | null;
  currency: string;
  groups: GroupChoice[];
  values: PlanFormValues;
  errors: Record<string, string>;
  ownLink: string | null;
}): VNode {
  const optional = t(lang, "plans.optional");
  return html`<form class="form plan-form" method="post" action=${plan ? planPath(plan.id) : `${PLANS_PATH}/new`}>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "plans.section.offer")}</legend>
      ${Field({ name: "name", label: t(lang, "plans.field.name"), value: values.name, required: true, maxlength: 120, error: errors.name })}
      ${TextareaField({ name: "description", label: t(lang, "plans.field.description"), tag: optional, value: values.description, rows: 5, maxlength: 5000, hint: t(lang, "plans.field.description_hint"), error: errors.description })}
    </fieldset>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "plans.section.price")}</legend>
      <div class="plan-grid">
        ${Field({ name: "price", label: t(lang, "plans.field.price"), value: values.price, required: true, inputmode: "decimal", suffix: currency, hint: t(lang, "plans.field.price_hint", { currency }), error: errors.price })}
        ${Field({ name: "intervalMonths", label: t(lang, "plans.field.interval"), type: "number", value: values.intervalMonths, required: true, inputmode: "numeric", suffix: t(lang, "plans.months"), hint: t(lang, "plans.field.interval_hint"), error: errors.intervalMonths })}
        ${Field({ name: "taxRate", label: t(lang, "plans.field.tax_rate"), value: values.taxRate, inputmode: "decimal", suffix: "%", hint: t(lang, "plans.field.tax_rate_hint"), error: errors.taxRate })}
        ${Field({ name: "setupFee", label: t(lang, "plans.field.setup_fee"), tag: optional, value: values.setupFee, inputmode: "decimal", suffix: currency, hint: t(lang, "plans.field.setup_fee_hint"), error: errors.setupFee })}
        ${Field({ name: "noticeDays", label: t(lang, "plans.field.notice_days"), type: "number", value: values.noticeDays, inputmode: "numeric", suffix: t(lang, "plans.days"), hint: t(lang, "plans.field.notice_days_hint"), error: errors.noticeDays })}
      </div>
    </fieldset>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "plans.section.access")}</legend>
      ${CheckboxField({ name: "approvalRequired", label: t(lang, "plans.field.approval"), hint: t(lang, "plans.field.approval_hint"), checked: values.approvalRequired })}
      ${CheckboxField({ name: "hidden", label: t(lang, "plans.field.hidden"), hint: t(lang, "plans.field.hidden_hint"), checked: values.hidden })}
      ${ownLink && OwnLink({ lang, url: ownLink })}
      ${GroupChecks({
        groups,
        chosen: new Set(values.groups),
        error: errors.groups,
        label: t(lang, "plans.field.groups"),
        hint: t(lang, "plans.field.groups_hint"),
        empty: t(lang, "plans.field.groups_none"),
      })}
      ${groups.length === 0 && errors.groups && html`<p class="field-error" id="field-groups-error">${errors.groups}</p>`}
    </fieldset>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "plans.section.credits")}</legend>
      <p class="field-hint legend-hint">${t(lang, "plans.section.credits_hint")}</p>
      <div class="plan-grid">
        ${Field({ name: "creditMinutes", label: t(lang, "plans.field.credit_minutes"), type: "number", value: values.creditMinutes, inputmode: "numeric", suffix: t(lang, "plans.minutes"), error: errors.creditMinutes })}
        ${Field({ name: "creditCategories", label: t(lang, "plans.field.credit_categories"), tag: optional, value: values.creditCategories, hint: t(lang, "plans.field.credit_categories_hint"), error: errors.creditCategories })}
      </div>
    </fieldset>
    <div class="form-actions">${Button({ children: t(lang, plan ? "plans.save" : "plans.create"), size: "lg" })}</div>
  </form>`;
}

/** /admin/plans/new and /admin/plans/{id}: every field of a plan; archive or restore an existing one. */
export function AdminPlanFormPage({
  ctx,
  viewingAsMember,
  plan,
  currency,
  groups,
  values,
  errors = {},
  formError,
  notice,
  ownLink,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  /** Editing this plan; creating one when null. */
  plan: PlanView | null;
  /** The community's currency (the plan's own when editing), shown, not chosen. */
  currency: string;
  groups: GroupChoice[];
  values: PlanFormValues;
  errors?: Record<string, string>;
  formError?: string | undefined;
  notice?: string | undefined;
  /** The plan's own link, shown while it is hidden. */
  ownLink: string | null;
}): VNode {
  const { lang } = ctx;
  return AdminShell({
    ctx,
    section: "plans",
    heading: plan ? plan.name : t(lang, "plans.new_title"),
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, notice, formError, errors })}
      ${plan?.archived && html`<p class="plan-archived-note"><span class="badge badge-danger">${t(lang, "plans.archived_badge")}</span> ${t(lang, "plans.archived_note")}</p>`}
      ${PlanForm({ lang, plan, currency, groups, values, errors, ownLink })}
      ${plan &&
      html`<section class="card admin-panel plan-archive" aria-labelledby="plan-archive-title">
        <h2 class="card-title" id="plan-archive-title">${t(lang, plan.archived ? "plans.restore_title" : "plans.archive_title")}</h2>
        <p class="card-intro">${t(lang, plan.archived ? "plans.restore_body" : "plans.archive_body")}</p>
        ${plan.archived
          ? ActionForm({ action: `${planPath(plan.id)}/restore`, children: t(lang, "plans.restore"), variant: "secondary", size: "lg" })
          : ActionForm({ action: `${planPath(plan.id)}/archive`, children: t(lang, "plans.archive"), variant: "danger", size: "lg" })}
      </section>`}
    `,
  });
}
