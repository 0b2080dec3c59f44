import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import type { PlanChoice, ResourceFormValues, ResourceView } from "../../../worker/resources/types";
import { AdminShell } from "../../ui/admin-layout";
import { ActionForm, Button, ButtonLink, CheckboxField, Field, FormMessages, initial, TextareaField } from "../../ui/components";
import { formatBytes, formatMoney, formatNumber } from "../../ui/format";
import { ASSET_LIMITS, ImageField } from "../../ui/image-field";
import type { PageContext } from "../../ui/page";
import { DataTable } from "../../ui/table";

export const RESOURCES_PATH = "/admin/resources";
export const resourcePath = (id: string) => `${RESOURCES_PATH}/${encodeURIComponent(id)}`;

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** The name of an ISO weekday in the reader's language, capitalised ("Lundi", "Monday", "Maandag"). */
export function weekdayName(lang: Lang, day: number): string {
  // 1 January 2024 was a Monday.
  const name = new Intl.DateTimeFormat(lang, { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2024, 0, day));
  return name.charAt(0).toLocaleUpperCase(lang) + name.slice(1);
}

/** The picture of a resource, or its initial on a tinted square. */
function Thumb({ resource, className = "resource-thumb" }: { resource: Pick<ResourceView, "name" | "image">; className?: string }): VNode {
  return resource.image
    ? html`<img class=${className} src=${resource.image} alt="" width="48" height="48" loading="lazy" />`
    : html`<span class=${`${className} resource-thumb-empty`} aria-hidden="true">${initial(resource.name)}</span>`;
}

function ResourceRow({ lang, resource }: { lang: Lang; resource: ResourceView }): VNode {
  return html`<tr>
    <th scope="row" class="cell-resource">
      <div class="resource-cell">
        ${Thumb({ resource })}
        <span class="resource-cell-text">
          <a class="resource-name" href=${resourcePath(resource.id)}>${resource.name}</a>
          ${resource.hidden && html`<span class="badge badge-quiet resource-hidden-badge">${t(lang, "resources.hidden_badge")}</span>`}
        </span>
      </div>
    </th>
    <td class="cell-category" data-label=${t(lang, "resources.col.category")}>${resource.category}</td>
    <td class="cell-units num" data-label=${t(lang, "resources.col.units")}>${formatNumber(lang, resource.units)}</td>
    <td class="cell-capacity num" data-label=${t(lang, "resources.col.capacity")}>
      ${resource.capacity === null ? html`<span class="resource-none">${t(lang, "resources.none")}</span>` : tCount(lang, "resources.people", resource.capacity)}
    </td>
    <td class="cell-price num" data-label=${t(lang, "resources.col.price")}>
      <span class="resource-price">${t(lang, "resources.per_hour", { price: formatMoney(lang, resource.pricePerHour) })}</span>
      ${Object.keys(resource.planPrices).length > 0 &&
      html`<span class="resource-meta">${tCount(lang, "resources.plan_prices_count", Object.keys(resource.planPrices).length)}</span>`}
    </td>
    <td class="cell-actions">
      <a class="btn btn-secondary btn-sm" href=${resourcePath(resource.id)} aria-label=${t(lang, "resources.edit_label", { resource: resource.name })}>${t(lang, "resources.edit")}</a>
    </td>
  </tr>`;
}

/** /admin/resources: every resource (hidden ones too), by category then name. */
export function AdminResourcesPage({
  ctx,
  viewingAsMember,
  resources,
  notice,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  resources: ResourceView[];
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  return AdminShell({
    ctx,
    section: "resources",
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, notice })}
      <section class="admin-panel" aria-labelledby="resources-list-title">
        <div class="section-head split-row resources-head">
          <div>
            <h2 id="resources-list-title">${t(lang, "resources.list_title")}</h2>
            <p class="section-intro">${t(lang, "resources.list_intro")}</p>
          </div>
          ${ButtonLink({ href: `${RESOURCES_PATH}/new`, children: t(lang, "resources.new") })}
        </div>
        ${resources.length > 0
          ? html`<div class="card table-card resources-card">
              ${DataTable({
                className: "table table-stack-lg resources-table",
                caption: t(lang, "resources.list_title"),
                columns: [
                  t(lang, "resources.col.resource"),
                  t(lang, "resources.col.category"),
                  { title: t(lang, "resources.col.units"), className: "num" },
                  { title: t(lang, "resources.col.capacity"), className: "num" },
                  { title: t(lang, "resources.col.price"), className: "num" },
                ],
                actions: t(lang, "resources.col.actions"),
                children: resources.map((resource) => ResourceRow({ lang, resource })),
              })}
            </div>`
          : html`<p class="empty">${t(lang, "resources.empty")}</p>`}
      </section>
    `,
  });
}

/** The opening hours: a few rows of "from – to" per weekday (one always empty, to add a window without JavaScript). */
function HoursEditor({ lang, hours, errors, timezone }: { lang: Lang; hours: ResourceFormValues["hours"]; errors: Record<string, string>; timezone: string }): VNode {
  return html`<fieldset class="card fieldset resource-hours-set" aria-describedby="resource-hours-hint">
    <legend class="legend">${t(lang, "resources.section.hours")}</legend>
    <p class="field-hint legend-hint" id="resource-hours-hint">${t(lang, "resources.hours_hint", { timezone })}</p>
    <div class="resource-hours">
      ${WEEKDAYS.map((day) => {
        const name = weekdayName(lang, day);
        return html`<fieldset class="resource-day">
          <legend class="resource-day-name">${name}</legend>
          <div class="resource-windows">
            ${(hours[day] ?? []).map((w, i) => {
              const key = `hours.${day}.${i}`;
              const error = errors[key];
              const errorId = `field-${day}-${i}-error`;
              const input = (end: "from" | "to") => html`<input
                class="input resource-time"
                id=${`field-${key}.${end}`}
                name=${`${key}.${end}`}
                value=${w[end]}
                inputmode="numeric"
                maxlength="5"
                placeholder="––:––"
                autocomplete="off"
                aria-invalid=${error ? "true" : undefined}
                aria-describedby=${error ? errorId : undefined}
              />`;
              return html`<div class=${error ? "resource-window has-error" : "resource-window"}>
                <label class="sr-only" for=${`field-${key}.from`}>${t(lang, "resources.window_from", { day: name, n: i + 1 })}</label>
                ${input("from")}
                <span class="resource-window-dash" aria-hidden="true">–</span>
                <label class="sr-only" for=${`field-${key}.to`}>${t(lang, "resources.window_to", { day: name, n: i + 1 })}</label>
                ${input("to")}
                ${error && html`<p class="field-error resource-window-error" id=${errorId}>${error}</p>`}
              </div>`;
            })}
          </div>
        </fieldset>`;
      })}
    </div>
    ${errors.openingHours && html`<p class="field-error">${errors.openingHours}</p>`}
  </fieldset>`;
}

function ResourceForm({
  lang,
  resource,
  currency,
  timezone,
  plans,
  categories,
  values,
  errors,
}: {
  lang: Lang;
  resource: ResourceView | null;
  currency: string;
  timezone: string;
  plans: PlanChoice[];
  categories: string[];
  values: ResourceFormValues;
  errors: Record<string, string>;
}): VNode {
  const optional = t(lang, "resources.optional");
  const whole = (name: "units" | "capacity" | "minMinutes" | "maxMinutes" | "cutoffHours" | "cancellationHours", suffix: string, hint: string, tag?: string) =>
    Field({ name, label: t(lang, `resources.field.${name}`), type: "number", value: values[name], inputmode: "numeric", suffix, hint, error: errors[name], ...(tag ? { tag } : {}) });
  return html`<form class="form resource-form" method="post" enctype="multipart/form-data" action=${resource ? resourcePath(resource.id) : `${RESOURCES_PATH}/new`}>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "resources.section.about")}</legend>
      <div class="resource-grid">
        ${Field({ name: "name", label: t(lang, "resources.field.name"), value: values.name, required: true, maxlength: 200, error: errors.name })}
        ${Field({ name: "category", label: t(lang, "resources.field.category"), value: values.category, required: true, maxlength: 60, list: "resource-categories", hint: t(lang, "resources.field.category_hint"), error: errors.category })}
      </div>
      <datalist id="resource-categories">${categories.map((c) => html`<option value=${c}></option>`)}</datalist>
      ${TextareaField({ name: "description", label: t(lang, "resources.field.description"), tag: optional, value: values.description, rows: 4, maxlength: 20000, error: errors.description })}
      ${ImageField({
        lang,
        kind: "cover",
        name: "image",
        label: t(lang, "resources.field.image"),
        hint: `${t(lang, "branding.image_hint", { limit: formatBytes(lang, ASSET_LIMITS.cover) })} ${t(lang, "resources.field.image_hint")}`,
        error: errors.image,
        current: resource?.image ? html`<img class="file-thumb resource-image-current" src=${resource.image} alt=${t(lang, "resources.current_image")} />` : undefined,
      })}
    </fieldset>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "resources.section.price")}</legend>
      <div class="resource-grid">
        ${Field({ name: "pricePerHour", label: t(lang, "resources.field.pricePerHour"), value: values.pricePerHour, required: true, inputmode: "decimal", suffix: currency, hint: t(lang, "resources.field.pricePerHour_hint", { currency }), error: errors.pricePerHour })}
        ${Field({ name: "taxRate", label: t(lang, "resources.field.taxRate"), value: values.taxRate, inputmode: "decimal", suffix: "%", hint: t(lang, "resources.field.taxRate_hint"), error: errors.taxRate })}
        ${whole("units", t(lang, "resources.units_suffix"), t(lang, "resources.field.units_hint"))}
        ${whole("capacity", t(lang, "resources.people_suffix"), t(lang, "resources.field.capacity_hint"), optional)}
      </div>
      ${plans.length > 0
        ? html`<fieldset class="resource-plan-prices" aria-describedby="resource-plan-prices-hint">
            <legend class="label">${t(lang, "resources.field.planPrices")}</legend>
            <p class="field-hint" id="resource-plan-prices-hint">${t(lang, "resources.field.planPrices_hint")}</p>
            <div class="resource-grid">
              ${plans.map((p) =>
                Field({
                  name: `planPrices.${p.id}`,
                  label: p.archived ? t(lang, "resources.archived_plan", { plan: p.name }) : p.name,
                  tag: optional,
                  value: values.planPrices[p.id] ?? "",
                  inputmode: "decimal",
                  suffix: currency,
                  error: errors[`planPrices.${p.id}`],
                }),
              )}
            </div>
          </fieldset>`
        : html`<p class="field-hint">${t(lang, "resources.no_plans")} <a href="/admin/plans">${t(lang, "admin.nav.plans")}</a></p>`}
    </fieldset>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "resources.section.rules")}</legend>
      <div class="resource-grid">
        ${whole("minMinutes", t(lang, "resources.minutes_suffix"), t(lang, "resources.field.minMinutes_hint"), optional)}
        ${whole("maxMinutes", t(lang, "resources.minutes_suffix"), t(lang, "resources.field.maxMinutes_hint"), optional)}
        ${whole("cutoffHours", t(lang, "resources.hours_suffix"), t(lang, "resources.field.cutoffHours_hint"), optional)}
        ${whole("cancellationHours", t(lang, "resources.hours_suffix"), t(lang, "resources.field.cancellationHours_hint"), optional)}
      </div>
    </fieldset>
    ${HoursEditor({ lang, hours: values.hours, errors, timezone })}
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "resources.section.visibility")}</legend>
      ${CheckboxField({ name: "hidden", label: t(lang, "resources.field.hidden"), hint: t(lang, "resources.field.hidden_hint"), checked: values.hidden })}
    </fieldset>
    <div class="form-actions">${Button({ children: t(lang, resource ? "resources.save" : "resources.create"), size: "lg" })}</div>
  </form>`;
}

/** /admin/resources/new and /admin/resources/{id}: every field of a resource; delete an existing one. */
export function AdminResourceFormPage({
  ctx,
  viewingAsMember,
  resource,
  currency,
  timezone,
  plans,
  categories,
  values,
  errors = {},
  formError,
  notice,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  /** Editing this resource; creating one when null. */
  resource: ResourceView | null;
  /** The community's currency (the resource's own when editing), shown, not chosen. */
  currency: string;
  /** The community's timezone, in which opening hours are read. */
  timezone: string;
  plans: PlanChoice[];
  /** The categories already used, suggested under the category field. */
  categories: string[];
  values: ResourceFormValues;
  errors?: Record<string, string>;
  formError?: string | undefined;
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  return AdminShell({
    ctx,
    section: "resources",
    heading: resource ? resource.name : t(lang, "resources.new_title"),
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, notice, formError, errors })}
      ${ResourceForm({ lang, resource, currency, timezone, plans, categories, values, errors })}
      ${resource &&
      html`<section class="card admin-panel resource-delete" aria-labelledby="resource-delete-title">
        <h2 class="card-title" id="resource-delete-title">${t(lang, "resources.delete_title")}</h2>
        <p class="card-intro">${t(lang, "resources.delete_body")}</p>
        ${ActionForm({ action: `${resourcePath(resource.id)}/delete`, children: t(lang, "resources.delete"), variant: "danger", size: "lg" })}
      </section>`}
    `,
  });
}
