import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { AdminShell } from "../../ui/admin-layout";
import { ActionForm, Button, ButtonLink, CheckboxField, Field, FormMessages, SelectField, TextareaField } from "../../ui/components";
import { fieldMessages } from "../../ui/fields";
import { formatDate, formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { DataTable } from "../../ui/table";
import { ADMIN_EVENTS_PATH, adminEventPath, eventPath, priceText, StatusBadge, whenText } from "./shared";
import type { EventItem } from "./types";

// /admin/events (the list, filtered), /admin/events/new and /admin/events/{id} (every field
// of `POST /api/v1/events`, cancel, the attendees with their answers and the CSV).

export type AdminEventsQuery = { when: "upcoming" | "past"; type: string; group: string };

/** The event form as typed: start and end are `datetime-local` values in the community's timezone. */
export type EventFormValues = {
  title: string;
  description: string;
  type: string;
  startsAt: string;
  endsAt: string;
  location: string;
  resourceId: string;
  capacity: string;
  price: string;
  taxRate: string;
  group: string;
  fields: string[];
};

export type Choice = { value: string; label: string };

/** One registration as the attendee list shows it. */
export type AttendeeItem = {
  name: string;
  email: string;
  status: "going" | "waitlisted";
  /** ISO */
  registeredAt: string;
  answers: Record<string, string>;
};

const hrefOf = (q: Partial<AdminEventsQuery>) => {
  const p = new URLSearchParams();
  if (q.when === "past") p.set("when", "past");
  if (q.type) p.set("type", q.type);
  if (q.group) p.set("group", q.group);
  const s = p.toString();
  return s ? `${ADMIN_EVENTS_PATH}?${s}` : ADMIN_EVENTS_PATH;
};

function Filters({ lang, query, types, groups }: { lang: Lang; query: AdminEventsQuery; types: string[]; groups: Choice[] }): VNode {
  return html`<form class="event-admin-filters" method="get" action=${ADMIN_EVENTS_PATH}>
    ${SelectField({
      name: "when",
      label: t(lang, "events.admin.filter.when"),
      value: query.when,
      options: [
        { value: "upcoming", label: t(lang, "events.tab.upcoming") },
        { value: "past", label: t(lang, "events.tab.past") },
      ],
    })}
    ${SelectField({
      name: "type",
      label: t(lang, "events.filter.type"),
      value: query.type,
      options: [{ value: "", label: t(lang, "events.filter.all_types") }, ...(types.includes(query.type) || !query.type ? types : [query.type, ...types]).map((v) => ({ value: v, label: v }))],
    })}
    ${groups.length > 0 &&
    SelectField({
      name: "group",
      label: t(lang, "events.admin.filter.group"),
      value: query.group,
      options: [{ value: "", label: t(lang, "events.admin.filter.all_groups") }, ...groups],
    })}
    <div class="event-admin-filters-actions">${Button({ children: t(lang, "events.filter.apply"), variant: "secondary", size: "sm" })}</div>
  </form>`;
}

function EventRow({ lang, event, timeZone }: { lang: Lang; event: EventItem; timeZone: string | null }): VNode {
  return html`<tr class=${event.canceledAt ? "is-canceled" : undefined}>
    <th scope="row" class="cell-event">
      <a class="event-admin-title" href=${adminEventPath(event.id)}>${event.title}</a>
      ${StatusBadge({ lang, event: { ...event, myStatus: null } })}
      ${event.type && html`<span class="event-admin-meta">${event.type}</span>`}
    </th>
    <td data-label=${t(lang, "events.admin.col.when")}>${whenText(lang, event, timeZone)}</td>
    <td data-label=${t(lang, "events.admin.col.group")}>${event.group ? event.group.name : html`<span class="muted">${t(lang, "events.admin.community_wide")}</span>`}</td>
    <td data-label=${t(lang, "events.admin.col.price")}>${priceText(lang, event)}</td>
    <td class="num" data-label=${t(lang, "events.admin.col.going")}>
      ${event.capacity === null ? formatNumber(lang, event.going) : `${formatNumber(lang, event.going)} / ${formatNumber(lang, event.capacity)}`}
    </td>
    <td class="num" data-label=${t(lang, "events.admin.col.waitlisted")}>${formatNumber(lang, event.waitlisted)}</td>
    <td class="cell-actions">
      <a class="btn btn-secondary btn-sm" href=${adminEventPath(event.id)} aria-label=${t(lang, "events.admin.edit_label", { title: event.title })}>${t(lang, "events.admin.edit")}</a>
    </td>
  </tr>`;
}

/** /admin/events: the events (upcoming or past, by type and group) with their counts. */
export function AdminEventsPage({
  ctx,
  viewingAsMember,
  query,
  types,
  groups,
  events,
  mayCreate,
  notice,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  query: AdminEventsQuery;
  types: string[];
  groups: Choice[];
  events: EventItem[];
  mayCreate: boolean;
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const timeZone = ctx.tenant?.timezone ?? null;
  return AdminShell({
    ctx,
    section: "events",
    viewingAsMember,
    // A group's admin has no Events entry in the community's menu: the title says where they are.
    heading: t(lang, "admin.nav.events"),
    children: html`
      ${FormMessages({ lang, notice })}
      <section class="admin-panel" aria-labelledby="events-list-title">
        <div class="section-head split-row event-admin-head">
          <div>
            <h2 id="events-list-title">${t(lang, query.when === "past" ? "events.admin.past_title" : "events.admin.upcoming_title")}</h2>
            <p class="section-intro">${t(lang, "events.admin.intro")}</p>
          </div>
          ${mayCreate && ButtonLink({ href: query.group ? `${ADMIN_EVENTS_PATH}/new?group=${encodeURIComponent(query.group)}` : `${ADMIN_EVENTS_PATH}/new`, children: t(lang, "events.admin.new") })}
        </div>
        ${Filters({ lang, query, types, groups })}
        ${events.length > 0
          ? html`<div class="card table-card event-admin-card">
              ${DataTable({
                className: "table table-stack-lg event-admin-table",
                caption: t(lang, "events.admin.list_caption"),
                columns: [
                  t(lang, "events.admin.col.event"),
                  t(lang, "events.admin.col.when"),
                  t(lang, "events.admin.col.group"),
                  t(lang, "events.admin.col.price"),
                  { title: t(lang, "events.admin.col.going"), className: "num" },
                  { title: t(lang, "events.admin.col.waitlisted"), className: "num" },
                ],
                actions: t(lang, "events.admin.col.actions"),
                children: events.map((event) => EventRow({ lang, event, timeZone })),
              })}
            </div>`
          : html`<p class="empty">${t(lang, "events.admin.empty")}</p>`}
        <p class="event-admin-switch">
          <a href=${hrefOf({ ...query, when: query.when === "past" ? "upcoming" : "past" })}>${t(lang, query.when === "past" ? "events.admin.see_upcoming" : "events.admin.see_past")}</a>
        </p>
      </section>
    `,
  });
}

/** A `datetime-local` input (times of the community's timezone). */
function DateTimeField({ name, label, value, error, hint }: { name: string; label: string; value: string; error?: string | undefined; hint?: string | undefined }): VNode {
  const id = `field-${name}`;
  const messages = fieldMessages(id, { hint, error });
  return html`<div class=${error ? "field has-error" : "field"}>
    <label class="label" for=${id}>${label}</label>
    <input class="input" type="datetime-local" id=${id} name=${name} value=${value} required aria-describedby=${messages.describedby} aria-invalid=${error ? "true" : undefined} />
    ${messages.nodes}
  </div>`;
}

/** The profile fields registrants answer, as checkboxes posting `fields`. */
function FieldChecks({ lang, choices, chosen, error }: { lang: Lang; choices: Choice[]; chosen: string[]; error?: string | undefined }): VNode {
  if (choices.length === 0) {
    return html`<div class="field field-static">
      <p class="label">${t(lang, "events.admin.field.fields")}</p>
      <p class="field-hint">${t(lang, "events.admin.field.fields_none")}</p>
    </div>`;
  }
  return html`<fieldset class=${error ? "field event-field-checks has-error" : "field event-field-checks"} aria-describedby=${error ? "field-fields-hint field-fields-error" : "field-fields-hint"}>
    <legend class="label">${t(lang, "events.admin.field.fields")}</legend>
    <p class="field-hint" id="field-fields-hint">${t(lang, "events.admin.field.fields_hint")}</p>
    <div class="check-grid">
      ${choices.map((c, i) => CheckboxField({ name: "fields", id: `field-fields-${i}`, value: c.value, label: c.label, checked: chosen.includes(c.value) }))}
    </div>
    ${error && html`<p class="field-error" id="field-fields-error">${error}</p>`}
  </fieldset>`;
}

function EventForm({
  lang,
  event,
  currency,
  timeZone,
  values,
  errors,
  resources,
  groups,
  profileFields,
  groupOnly,
}: {
  lang: Lang;
  event: EventItem | null;
  currency: string;
  timeZone: string;
  values: EventFormValues;
  errors: Record<string, string>;
  resources: Choice[];
  groups: Choice[];
  profileFields: Choice[];
  /** A group admin: the event belongs to one of their groups (no community-wide choice). */
  groupOnly: boolean;
}): VNode {
  const optional = t(lang, "plans.optional");
  return html`<form class="form event-form" method="post" action=${event ? adminEventPath(event.id) : `${ADMIN_EVENTS_PATH}/new`}>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "events.admin.section.about")}</legend>
      ${Field({ name: "title", label: t(lang, "events.admin.field.title"), value: values.title, required: true, maxlength: 200, error: errors.title })}
      ${TextareaField({ name: "description", label: t(lang, "events.admin.field.description"), tag: optional, value: values.description, rows: 8, maxlength: 20000, hint: t(lang, "events.admin.field.description_hint"), error: errors.description })}
      ${Field({ name: "type", label: t(lang, "events.admin.field.type"), tag: optional, value: values.type, maxlength: 60, hint: t(lang, "events.admin.field.type_hint"), error: errors.type })}
    </fieldset>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "events.admin.section.when")}</legend>
      <p class="field-hint legend-hint">${t(lang, "events.admin.section.when_hint", { timezone: timeZone })}</p>
      <div class="event-form-grid">
        ${DateTimeField({ name: "startsAt", label: t(lang, "events.admin.field.starts_at"), value: values.startsAt, error: errors.startsAt })}
        ${DateTimeField({ name: "endsAt", label: t(lang, "events.admin.field.ends_at"), value: values.endsAt, error: errors.endsAt })}
      </div>
      ${Field({ name: "location", label: t(lang, "events.admin.field.location"), tag: optional, value: values.location, maxlength: 200, error: errors.location })}
      ${SelectField({
        name: "resourceId",
        label: t(lang, "events.admin.field.resource"),
        value: values.resourceId,
        hint: t(lang, "events.admin.field.resource_hint"),
        error: errors.resourceId,
        options: [{ value: "", label: t(lang, "events.admin.field.no_resource") }, ...resources],
      })}
    </fieldset>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "events.admin.section.tickets")}</legend>
      <div class="event-form-grid">
        ${Field({ name: "capacity", label: t(lang, "events.admin.field.capacity"), tag: optional, type: "number", inputmode: "numeric", value: values.capacity, hint: t(lang, "events.admin.field.capacity_hint"), error: errors.capacity })}
        ${Field({ name: "price", label: t(lang, "events.admin.field.price"), tag: optional, inputmode: "decimal", suffix: currency, value: values.price, hint: t(lang, groupOnly ? "events.admin.field.price_hint_group" : "events.admin.field.price_hint"), error: errors.price })}
        ${Field({ name: "taxRate", label: t(lang, "events.admin.field.tax_rate"), inputmode: "decimal", suffix: "%", value: values.taxRate, error: errors.taxRate })}
      </div>
    </fieldset>
    <fieldset class="card fieldset">
      <legend class="legend">${t(lang, "events.admin.section.who")}</legend>
      ${SelectField({
        name: "group",
        label: t(lang, "events.admin.field.group"),
        value: values.group,
        hint: t(lang, "events.admin.field.group_hint"),
        error: errors.group,
        options: [...(groupOnly ? [] : [{ value: "", label: t(lang, "events.admin.community_wide") }]), ...groups],
      })}
      ${FieldChecks({ lang, choices: profileFields, chosen: values.fields, error: errors.fields })}
    </fieldset>
    <div class="form-actions">${Button({ children: t(lang, event ? "events.admin.save" : "events.admin.create"), size: "lg" })}</div>
  </form>`;
}

function Attendees({ lang, event, attendees, fieldLabels, timeZone }: { lang: Lang; event: EventItem; attendees: AttendeeItem[]; fieldLabels: Choice[]; timeZone: string | null }): VNode {
  const asked = fieldLabels.filter((f) => event.fields.includes(f.value));
  const csv = `/api/v1/events/${encodeURIComponent(event.id)}/attendees.csv`;
  return html`<section class="admin-panel event-attendees" aria-labelledby="event-attendees-title">
    <div class="section-head split-row">
      <div>
        <h2 id="event-attendees-title">${t(lang, "events.admin.attendees_title")}</h2>
        <p class="section-intro">${tCount(lang, "events.going_count", event.going)} · ${tCount(lang, "events.waitlisted_count", event.waitlisted)}</p>
      </div>
      <a class="btn btn-secondary btn-sm event-csv" href=${csv} download>${t(lang, "events.admin.csv")}</a>
    </div>
    ${attendees.length > 0
      ? html`<div class="card table-card">
          ${DataTable({
            className: "table table-stack-md event-attendee-table",
            caption: t(lang, "events.admin.attendees_title"),
            columns: [t(lang, "events.admin.col.name"), t(lang, "events.admin.col.status"), t(lang, "events.admin.col.registered"), ...asked.map((f) => f.label)],
            children: attendees.map(
              (a) => html`<tr>
                <th scope="row"><span class="event-attendee-name">${a.name}</span> <span class="event-admin-meta">${a.email}</span></th>
                <td data-label=${t(lang, "events.admin.col.status")}>
                  <span class=${a.status === "going" ? "badge badge-success" : "badge badge-warning"}>${t(lang, a.status === "going" ? "events.admin.status.going" : "events.admin.status.waitlisted")}</span>
                </td>
                <td data-label=${t(lang, "events.admin.col.registered")}>${formatDate(lang, a.registeredAt, { timeZone, short: true })}</td>
                ${asked.map((f) => html`<td data-label=${f.label}>${a.answers[f.value] ?? ""}</td>`)}
              </tr>`,
            ),
          })}
        </div>`
      : html`<p class="empty">${t(lang, "events.admin.no_attendees")}</p>`}
  </section>`;
}

/** /admin/events/new and /admin/events/{id}: the form, then (for an existing event) cancel and the attendees. */
export function AdminEventFormPage({
  ctx,
  viewingAsMember,
  event,
  currency,
  values,
  errors,
  formError,
  notice,
  resources,
  groups,
  profileFields,
  groupOnly,
  attendees,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  event: EventItem | null;
  currency: string;
  values: EventFormValues;
  errors: Record<string, string>;
  formError?: string | undefined;
  notice?: string | undefined;
  resources: Choice[];
  groups: Choice[];
  profileFields: Choice[];
  groupOnly: boolean;
  attendees: AttendeeItem[];
}): VNode {
  const { lang } = ctx;
  const timeZone = ctx.tenant?.timezone ?? "UTC";
  return AdminShell({
    ctx,
    section: "events",
    viewingAsMember,
    heading: event ? event.title : t(lang, "events.admin.new_title"),
    children: html`
      ${FormMessages({ lang, notice, formError, errors })}
      ${event &&
      html`<div class="event-admin-bar">
        <a class="btn btn-secondary btn-sm" href=${eventPath(event.id)}>${t(lang, "events.admin.view_page")}</a>
        ${event.canceledAt
          ? html`<span class="badge badge-danger">${t(lang, "events.status.canceled")}</span>`
          : html`<details class="event-cancel-details">
              <summary class="btn btn-danger btn-sm">${t(lang, "events.admin.cancel_event")}</summary>
              <div class="card event-cancel-confirm">
                <p>${t(lang, "events.admin.cancel_confirm_body")}</p>
                ${ActionForm({ action: `${adminEventPath(event.id)}/cancel`, variant: "danger", children: t(lang, "events.admin.cancel_confirm"), className: "event-cancel-event" })}
              </div>
            </details>`}
      </div>`}
      ${EventForm({ lang, event, currency, timeZone, values, errors, resources, groups, profileFields, groupOnly })}
      ${event && Attendees({ lang, event, attendees, fieldLabels: profileFields, timeZone })}
    `,
  });
}
