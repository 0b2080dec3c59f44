import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { ActionForm, Button, ButtonLink, CheckboxField, ChoiceField, Field, Section, SelectField, TextareaField } from "../../ui/components";
import type { PageContext } from "../../ui/page";
import type { ProfileFieldType } from "./inputs";
import { FormMessages } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";

export type AdminFieldView = {
  key: string;
  label: string;
  type: ProfileFieldType;
  options: string[];
  visibility: "member" | "admins";
  editable: boolean;
  required: boolean;
  public: boolean;
  filterable: boolean;
  askAtSignup: boolean;
  /** Group slugs; empty: every member. */
  groups: string[];
};

export const PROFILE_FIELDS_PATH = "/admin/profile-fields";
export const FIELD_TYPE_LIST: ProfileFieldType[] = ["text", "long_text", "number", "date", "select", "multi_select", "boolean", "url", "phone"];
const FLAGS = ["editable", "required", "public", "filterable", "askAtSignup"] as const;

const TYPE_KEYS: Record<ProfileFieldType, MessageKey> = {
  text: "admin.fields.type.text",
  long_text: "admin.fields.type.long_text",
  number: "admin.fields.type.number",
  date: "admin.fields.type.date",
  select: "admin.fields.type.select",
  multi_select: "admin.fields.type.multi_select",
  boolean: "admin.fields.type.boolean",
  url: "admin.fields.type.url",
  phone: "admin.fields.type.phone",
};

export const typeLabel = (lang: Lang, type: ProfileFieldType) => t(lang, TYPE_KEYS[type]);

const FLAG_KEYS: Record<(typeof FLAGS)[number], { label: MessageKey; hint: MessageKey }> = {
  editable: { label: "admin.fields.editable", hint: "admin.fields.editable_hint" },
  required: { label: "admin.fields.required", hint: "admin.fields.required_hint" },
  public: { label: "admin.fields.public", hint: "admin.fields.public_hint" },
  filterable: { label: "admin.fields.filterable", hint: "admin.fields.filterable_hint" },
  askAtSignup: { label: "admin.fields.ask_at_signup", hint: "admin.fields.ask_at_signup_hint" },
};

/** The form's values as posted (strings), to show again with their errors. */
export type FieldFormValues = Partial<Record<"key" | "label" | "type" | "options" | "visibility", string>> & Partial<Record<(typeof FLAGS)[number], boolean>> & { groups?: string[] };

function valuesOf(field: AdminFieldView): FieldFormValues {
  return { ...field, options: field.options.join("\n") };
}

function FieldForm({
  lang,
  field,
  groups,
  values,
  errors,
}: {
  lang: Lang;
  /** Editing this field; creating one when absent. */
  field?: AdminFieldView | undefined;
  groups: { slug: string; name: string }[];
  values: FieldFormValues;
  errors: Record<string, string>;
}): VNode {
  const editing = field !== undefined;
  const type = (values.type ?? field?.type ?? "text") as ProfileFieldType;
  const chosenGroups = values.groups ?? [];
  return html`<form class="form field-form" method="post" action=${editing ? `${PROFILE_FIELDS_PATH}/${encodeURIComponent(field.key)}` : PROFILE_FIELDS_PATH}>
    <div class="field-form-grid">
      ${Field({ name: "label", label: t(lang, "admin.fields.label"), value: values.label, required: true, maxlength: 100, hint: t(lang, "admin.fields.label_hint"), error: errors.label })}
      ${editing
        ? html`<div class="field">
            <span class="label">${t(lang, "admin.fields.key")}</span>
            <p class="field-static"><code>${field.key}</code> · ${typeLabel(lang, field.type)}</p>
            <p class="field-hint">${t(lang, "admin.fields.key_fixed")}</p>
          </div>`
        : html`${Field({
            name: "key",
            label: t(lang, "admin.fields.key"),
            value: values.key,
            maxlength: 40,
            pattern: "[a-z][a-z0-9_]{0,39}",
            verbatim: true,
            hint: `${t(lang, "admin.fields.key_hint")} ${t(lang, "admin.fields.key_from_label")}`,
            error: errors.key,
          })}
          ${SelectField({
            name: "type",
            label: t(lang, "admin.fields.type"),
            value: type,
            options: FIELD_TYPE_LIST.map((ft) => ({ value: ft, label: typeLabel(lang, ft) })),
            error: errors.type,
          })}`}
    </div>
    ${(!editing || type === "select" || type === "multi_select") &&
    TextareaField({
      name: "options",
      label: t(lang, "admin.fields.options"),
      value: values.options,
      rows: 3,
      maxlength: 10_000,
      hint: t(lang, "admin.fields.options_hint"),
      error: errors.options,
    })}
    ${ChoiceField({
      name: "visibility",
      legend: t(lang, "admin.fields.visibility"),
      value: values.visibility ?? "member",
      error: errors.visibility,
      options: [
        { value: "member", label: t(lang, "admin.fields.visibility.member"), description: t(lang, "admin.fields.visibility.member_desc") },
        { value: "admins", label: t(lang, "admin.fields.visibility.admins"), description: t(lang, "admin.fields.visibility.admins_desc") },
      ],
    })}
    <fieldset class="fieldset field-flags">
      <legend class="label">${t(lang, "admin.fields.rules")}</legend>
      ${FLAGS.map((flag) => CheckboxField({ name: flag, label: t(lang, FLAG_KEYS[flag].label), hint: t(lang, FLAG_KEYS[flag].hint), checked: values[flag] ?? flag === "editable" }))}
    </fieldset>
    ${groups.length > 0 &&
    html`<fieldset class=${errors.groups ? "fieldset field-groups has-error" : "fieldset field-groups"}>
      <legend class="label">${t(lang, "admin.fields.groups")}</legend>
      <p class="field-hint">${t(lang, "admin.fields.groups_hint")}</p>
      <div class="check-grid">
        ${groups.map((g) => CheckboxField({ name: "groups", id: `field-groups-${g.slug}`, label: g.name, value: g.slug, checked: chosenGroups.includes(g.slug) }))}
      </div>
      ${errors.groups && html`<p class="field-error">${errors.groups}</p>`}
    </fieldset>`}
    <div class="form-actions">${Button({ children: t(lang, editing ? "admin.fields.save" : "admin.fields.create"), size: "lg" })}</div>
  </form>`;
}

function Badges({ lang, field, groupNames }: { lang: Lang; field: AdminFieldView; groupNames: Map<string, string> }): VNode {
  const badges: { text: string; tone?: string }[] = [];
  badges.push(field.visibility === "admins" ? { text: t(lang, "admin.fields.badge.admins"), tone: "badge-owner" } : { text: t(lang, "admin.fields.badge.member") });
  if (field.visibility === "member") {
    badges.push({ text: t(lang, field.editable ? "admin.fields.badge.editable" : "admin.fields.badge.read_only"), tone: "badge-quiet" });
    if (field.required) badges.push({ text: t(lang, "admin.fields.badge.required") });
    if (field.public) badges.push({ text: t(lang, "admin.fields.badge.public"), tone: "badge-quiet" });
    if (field.askAtSignup && !field.required) badges.push({ text: t(lang, "admin.fields.badge.signup"), tone: "badge-quiet" });
  }
  if (field.filterable && field.public) badges.push({ text: t(lang, "admin.fields.badge.filterable"), tone: "badge-quiet" });
  return html`<p class="field-badges">
    ${badges.map((b) => html`<span class=${b.tone ? `badge ${b.tone}` : "badge"}>${b.text}</span>`)}
    ${field.groups.length > 0 &&
    html`<span class="field-groups-note">${t(lang, "admin.fields.only_groups", { groups: field.groups.map((s) => groupNames.get(s) ?? s).join(", ") })}</span>`}
  </p>`;
}

/**
 * /admin/profile-fields: the community's custom profile fields (create, edit, order, delete)
 * and the member directory switch. Order changes with one-button forms (no JavaScript).
 */
export function ProfileFieldsPage({
  ctx,
  viewingAsMember,
  fields,
  groups,
  directoryOn,
  values = {},
  errors = {},
  formError,
  notice,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  fields: AdminFieldView[];
  groups: { slug: string; name: string }[];
  directoryOn: boolean;
  values?: FieldFormValues;
  errors?: Record<string, string>;
  formError?: string | undefined;
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const groupNames = new Map(groups.map((g) => [g.slug, g.name]));
  return AdminShell({
    ctx,
    section: "profileFields",
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, notice, formError, errors })}
      ${Section({
        id: "fields-list-title",
        className: "admin-panel",
        title: t(lang, "admin.fields.list_title"),
        intro: t(lang, "admin.fields.list_intro"),
        children: fields.length > 0
          ? html`<ol class="field-list">
              ${fields.map(
                (field, i) => html`<li class="card field-item">
                  <div class="field-item-text">
                    <h3 class="field-item-title">${field.label}</h3>
                    <p class="field-item-meta"><code>${field.key}</code> · ${typeLabel(lang, field.type)}${field.options.length > 0 && html` · ${field.options.join(", ")}`}</p>
                    ${Badges({ lang, field, groupNames })}
                  </div>
                  <div class="field-item-actions">
                    ${i > 0 &&
                    ActionForm({ action: `${PROFILE_FIELDS_PATH}/${encodeURIComponent(field.key)}/move`, hidden: { direction: "up" }, children: "↑", variant: "ghost", label: t(lang, "admin.fields.move_up", { field: field.label }) })}
                    ${i < fields.length - 1 &&
                    ActionForm({ action: `${PROFILE_FIELDS_PATH}/${encodeURIComponent(field.key)}/move`, hidden: { direction: "down" }, children: "↓", variant: "ghost", label: t(lang, "admin.fields.move_down", { field: field.label }) })}
                    <a class="btn btn-secondary btn-sm" href=${`${PROFILE_FIELDS_PATH}/${encodeURIComponent(field.key)}`} aria-label=${t(lang, "admin.fields.edit_label", { field: field.label })}
                      >${t(lang, "admin.fields.edit")}</a
                    >
                  </div>
                </li>`,
              )}
            </ol>`
          : html`<p class="empty">${t(lang, "admin.fields.empty")}</p>`,
      })}
      <section class="card admin-panel" aria-labelledby="field-create-title">
        <h2 class="card-title" id="field-create-title">${t(lang, "admin.fields.create_title")}</h2>
        ${FieldForm({ lang, groups, values, errors })}
      </section>
      <section class="card admin-panel directory-switch" aria-labelledby="directory-switch-title">
        <h2 class="card-title" id="directory-switch-title">${t(lang, "admin.fields.directory_title")}</h2>
        <p class="card-intro">${t(lang, directoryOn ? "admin.fields.directory_on" : "admin.fields.directory_off")}</p>
        <form class="inline-form" method="post" action=${`${PROFILE_FIELDS_PATH}/directory`}>
          <input type="hidden" name="directory" value=${directoryOn ? "off" : "on"} />
          ${Button({ children: t(lang, directoryOn ? "admin.fields.directory_turn_off" : "admin.fields.directory_turn_on"), variant: "secondary" })}
        </form>
      </section>
    `,
  });
}

/** /admin/profile-fields/{key}: edit one field, or delete it with its values. */
export function ProfileFieldEditPage({
  ctx,
  viewingAsMember,
  field,
  groups,
  values,
  errors = {},
  formError,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  field: AdminFieldView;
  groups: { slug: string; name: string }[];
  values?: FieldFormValues;
  errors?: Record<string, string>;
  formError?: string | undefined;
}): VNode {
  const { lang } = ctx;
  return AdminShell({
    ctx,
    section: "profileFields",
    heading: field.label,
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, formError, errors })}
      <section class="card admin-panel">${FieldForm({ lang, field, groups, values: values ?? valuesOf(field), errors })}</section>
      <section class="card admin-panel danger-zone" aria-labelledby="field-delete-title">
        <h2 class="card-title" id="field-delete-title">${t(lang, "admin.fields.delete_title")}</h2>
        <p class="card-intro">${t(lang, "admin.fields.delete_body")}</p>
        ${ActionForm({ action: `${PROFILE_FIELDS_PATH}/${encodeURIComponent(field.key)}/delete`, children: t(lang, "admin.fields.delete"), variant: "danger", size: "lg" })}
      </section>
      <p>${ButtonLink({ href: PROFILE_FIELDS_PATH, variant: "ghost", children: t(lang, "admin.fields.back") })}</p>
    `,
  });
}
