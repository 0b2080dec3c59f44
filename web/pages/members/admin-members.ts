import { html } from "htm/preact";
import type { VNode } from "preact";
import { catalogFor, isLang, LANGS, t, tCount, type Lang, type MessageKey } from "../../i18n";
import {
  ActionForm,
  Alert,
  Button,
  ButtonLink,
  CheckboxField,
  ChoiceField,
  Field,
  FileField,
  PASSWORD_MIN,
  SelectField,
  TextareaField,
} from "../../ui/components";
import { formatDate, formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { Avatar } from "../groups/shared";
import { roleLabel } from "../tenancy/home";
import { FormMessages, GroupChecks } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";
import { DataTable } from "../../ui/table";
import { ImportColumns } from "../../ui/import-columns";
import { CopyInput } from "../../ui/copy-input";
import { PlainPasswordField } from "../../ui/plain-password";

/** One account of the list (the worker's `listTenantMembers` items; times are ISO). */
export type TenantMemberItem = {
  id: string;
  name: string;
  email: string;
  tenantRole: "owner" | "admin" | "moderator" | "member";
  /** "active", "pending_approval" or "suspended" ("disabled" for older rows); anything else is shown as is. */
  status: string;
  /** Group slugs. */
  groups: string[];
  /** Admin-only notes (this page is for community admins only). */
  extraInfo: string | null;
  createdAt: string;
  /** The member's uploaded picture (`/media/…`), else null for initials. */
  avatarUrl?: string | null | undefined;
  /** What the viewer may do to this account (worked out by worker/members/policy.ts). */
  can?: RowActions;
};

/** The actions offered on one row of the list; `roles` are the community roles the viewer may give. */
export type RowActions = { roles: ("admin" | "moderator" | "member")[]; suspend: boolean; unsuspend: boolean; remove: boolean; approve: boolean };

/** The list's status filter ("" for every status). */
export const MEMBER_STATUS_FILTERS = ["", "active", "pending_approval", "suspended"] as const;

/** How the new member gets a password: a link to choose it, one the admin types, or one generated and shown once. */
export type PasswordMode = "email" | "set" | "generate";
export const PASSWORD_MODES: readonly PasswordMode[] = ["email", "set", "generate"];

/**
 * The forms as posted, to show them again with their errors. The password itself is
 * never sent back into the page: the admin types it again.
 */
export type MemberFormValues = {
  name?: string;
  email?: string;
  passwordMode?: string;
  tenantRole?: string;
  groups?: string[];
  language?: string;
  extraInfo?: string;
  /** The import form's checkbox (ticked unless explicitly false). */
  sendEmail?: boolean;
};

/** One row of a refused import (the worker's `invalid_rows` details). */
export type ImportRowError = { row: number; email: string; errors: string[] };

export const MEMBER_NAME_MAX = 100;
export const EXTRA_INFO_MAX = 2000;
export const MEMBER_IMPORT_MAX_ROWS = 10_000;
export const MEMBERS_PATH = "/admin/members";
export const MEMBERS_IMPORT_PATH = "/admin/members/import";
export const MEMBERS_EXPORT_PATH = "/api/v1/members/export.csv";
/** The columns a file may have, in the order they are explained. */
const IMPORT_COLUMNS = ["email", "name", "language", "groups", "admin", "extra_info"] as const;
/** A refused import lists this many rows at most; the rest are counted. */
const ROW_ERRORS_SHOWN = 500;
/** Longer extra information is cut in the table, the whole text one click away. */
const EXTRA_PREVIEW = 120;

const STATUS_KEYS = new Map<string, MessageKey>([
  ["active", "admin.accounts.status.active"],
  ["pending_approval", "admin.accounts.status.pending_approval"],
  ["suspended", "admin.people.status_suspended"],
  ["disabled", "admin.people.status_suspended"],
]);

/** A status in words (an unknown one is shown as is rather than hidden). */
export function accountStatusLabel(lang: Lang, status: string): string {
  const key = STATUS_KEYS.get(status);
  return key ? t(lang, key) : status;
}

/** The list's URL with its search (and status filter) kept. */
function listHref(q: string, cursor?: string, status = ""): string {
  const params = new URLSearchParams();
  if (status) params.set("status", status);
  if (q) params.set("q", q);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `${MEMBERS_PATH}?${query}` : MEMBERS_PATH;
}

/** The first `max` characters, cut at a word when one ends near, with an ellipsis. */
function preview(text: string, max: number): string {
  const chars = Array.from(text.trim());
  if (chars.length <= max) return text.trim();
  const cut = chars.slice(0, max).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** "—" for the eye, words for a screen reader. */
function Nothing({ label }: { label: string }): VNode {
  return html`<span class="muted" aria-hidden="true">—</span><span class="sr-only">${label}</span>`;
}

/** After one account was created: a confirmation and, when one was generated, the password, once. */
function CreatedPanel({ lang, created }: { lang: Lang; created: { email: string; generatedPassword: string | null } }): VNode {
  const confirmation = Alert({ tone: "success", children: t(lang, "admin.accounts.created", { email: created.email }) });
  if (!created.generatedPassword) return confirmation;
  return html`${confirmation}
    <section class="card generated-card" aria-labelledby="generated-title">
      <h2 class="card-title generated-title" id="generated-title">
        ${t(lang, "admin.accounts.generated_title", { email: created.email })}
      </h2>
      <div class="field">
        <label class="label" for="generated-password">${t(lang, "admin.accounts.generated_label")}</label>
        ${CopyInput({
          id: "generated-password",
          value: created.generatedPassword,
          className: "input copy-input generated-password",
          attrs: { autocomplete: "off", autocapitalize: "none", spellcheck: "false", "aria-describedby": "generated-warning" },
        })}
      </div>
      <p class="generated-warning" id="generated-warning">${t(lang, "admin.accounts.generated_warning")}</p>
    </section>`;
}

/** The password to set: a plain input (no island), only used with the "set" choice. */
function PasswordSetField({ lang, error }: { lang: Lang; error?: string | undefined }): VNode {
  const id = "field-password";
  return PlainPasswordField({
    id,
    className: "field password-set",
    label: t(lang, "admin.accounts.password"),
    attrs: {
      minlength: PASSWORD_MIN,
      maxlength: "512",
      autocomplete: "new-password",
      autocapitalize: "none",
      spellcheck: "false",
      "aria-describedby": error ? `${id}-hint ${id}-error` : `${id}-hint`,
      "aria-invalid": error ? "true" : undefined,
    },
    hint: html`<p class="field-hint" id=${`${id}-hint`}>${t(lang, "admin.accounts.password_hint", { min: PASSWORD_MIN })}</p>`,
    error,
  });
}

function CreateForm({
  ctx,
  groups,
  values,
  errors,
  formError,
}: {
  ctx: PageContext;
  groups: { slug: string; name: string }[];
  values: MemberFormValues;
  errors: Record<string, string>;
  formError?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const tenantLang = ctx.tenant?.defaultLanguage;
  const mode = PASSWORD_MODES.includes(values.passwordMode as PasswordMode) ? (values.passwordMode as PasswordMode) : "email";
  return html`<section class="admin-panel" aria-labelledby="create-title">
    <div class="card">
      <h2 class="card-title" id="create-title">${t(lang, "admin.accounts.create_title")}</h2>
      <p class="card-intro">${t(lang, "admin.accounts.create_intro")}</p>
      ${FormMessages({ lang, formError, errors })}
      <form class="form account-form" method="post" action=${MEMBERS_PATH}>
        <div class="invite-form-grid">
          <div class="invite-form-col">
            ${Field({
              name: "name",
              label: t(lang, "admin.accounts.name"),
              value: values.name,
              required: true,
              maxlength: MEMBER_NAME_MAX,
              autocomplete: "off",
              error: errors.name,
            })}
            ${Field({
              name: "email",
              type: "email",
              label: t(lang, "admin.accounts.email"),
              value: values.email,
              required: true,
              maxlength: 254,
              autocomplete: "off",
              inputmode: "email",
              verbatim: true,
              hint: t(lang, "admin.accounts.email_hint"),
              error: errors.email,
            })}
            ${ChoiceField({
              name: "passwordMode",
              legend: t(lang, "admin.accounts.password_mode"),
              value: mode,
              error: errors.passwordMode,
              options: PASSWORD_MODES.map((m) => ({
                value: m,
                label: t(lang, `admin.accounts.password_mode.${m}`),
                description: t(lang, `admin.accounts.password_mode_desc.${m}`),
              })),
            })}
            ${PasswordSetField({ lang, error: errors.password })}
          </div>
          <div class="invite-form-col">
            ${SelectField({
              name: "tenantRole",
              label: t(lang, "admin.invitations.tenant_role"),
              value: values.tenantRole === "admin" ? "admin" : "member",
              options: [
                { value: "member", label: roleLabel(lang, "member") },
                { value: "admin", label: roleLabel(lang, "admin") },
              ],
              hint: t(lang, "admin.invitations.tenant_role_hint"),
              error: errors.tenantRole,
            })}
            ${GroupChecks({
              groups,
              chosen: new Set(values.groups ?? []),
              error: errors.groups,
              label: t(lang, "admin.accounts.groups"),
              hint: t(lang, "admin.accounts.groups_hint"),
              empty: t(lang, "admin.accounts.no_groups"),
            })}
            ${SelectField({
              name: "language",
              label: t(lang, "admin.accounts.language"),
              value: isLang(values.language) ? values.language : (catalogFor(tenantLang) ?? lang),
              options: LANGS.map((code) => ({ value: code, label: t(code, `language.${code}`), lang: code })),
              hint: t(lang, "admin.accounts.language_hint"),
              error: errors.language,
            })}
            ${TextareaField({
              name: "extraInfo",
              label: t(lang, "admin.accounts.extra_info"),
              value: values.extraInfo,
              rows: 3,
              maxlength: EXTRA_INFO_MAX,
              tag: t(lang, "form.optional_tag"),
              hint: t(lang, "admin.accounts.extra_info_hint", { max: formatNumber(lang, EXTRA_INFO_MAX) }),
              error: errors.extraInfo,
            })}
          </div>
        </div>
        <div class="form-actions">${Button({ children: t(lang, "admin.accounts.create_submit"), size: "lg" })}</div>
      </form>
    </div>
  </section>`;
}

function ImportForm({
  lang,
  groups,
  sendEmail,
  error,
}: {
  lang: Lang;
  groups: { slug: string; name: string }[];
  sendEmail: boolean;
  error?: string | undefined;
}): VNode {
  const code = (text: string) => html`<code class="account-code">${text}</code>`;
  // Column names stay in English whatever the language: they are what the file must say.
  const explain = (column: (typeof IMPORT_COLUMNS)[number]) => {
    switch (column) {
      case "name": {
        const [before = "", middle = "", after = ""] = t(lang, "admin.accounts.import_col.name", { first: "\u0000", last: "\u0000" }).split("\u0000");
        return [before, code("first_name"), middle, code("last_name"), after];
      }
      case "groups": {
        const example = groups.length >= 2 ? `${groups[0]!.slug}|${groups[1]!.slug}` : "choir|board";
        const [before = "", after = ""] = t(lang, "admin.accounts.import_col.groups", { example: "\u0000" }).split("\u0000");
        return [before, code(example), after];
      }
      default:
        return t(lang, `admin.accounts.import_col.${column}`);
    }
  };
  return html`<section class="admin-panel" aria-labelledby="import-title">
    <div class="card">
      <h2 class="card-title" id="import-title">${t(lang, "admin.accounts.import_title")}</h2>
      <div class="invite-form-grid">
        <div class="account-import-help">
          <p class="card-intro" id="import-columns-title">${t(lang, "admin.accounts.import_intro")}</p>
          ${ImportColumns({
            lang,
            columns: IMPORT_COLUMNS,
            describe: explain,
            code,
            groups,
            groupsSummary: t(lang, "admin.accounts.import_groups_summary"),
            labelledBy: "import-columns-title",
            classes: { list: "column-list account-columns", item: "column-row account-column", groupIds: "account-group-ids", groupIdList: "account-group-id-list", groupIdName: "account-group-id-name" },
          })}
          <ul class="account-rules">
            <li>${t(lang, "admin.accounts.import_rule_password")}</li>
            <li>${t(lang, "admin.accounts.import_rule_all")}</li>
            <li>${t(lang, "admin.accounts.import_rule_max", { max: formatNumber(lang, MEMBER_IMPORT_MAX_ROWS) })}</li>
          </ul>
        </div>
        <form class="form account-import-form" method="post" action=${MEMBERS_IMPORT_PATH} enctype="multipart/form-data">
          ${FileField({
            name: "file",
            label: t(lang, "admin.accounts.import_file"),
            accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            hint: t(lang, "admin.accounts.import_file_hint"),
            error,
          })}
          ${CheckboxField({
            name: "sendEmail",
            label: t(lang, "admin.accounts.import_send_email"),
            checked: sendEmail,
            hint: t(lang, "admin.accounts.import_send_email_hint"),
          })}
          <div class="form-actions">${Button({ children: t(lang, "admin.accounts.import_submit"), variant: "secondary", size: "lg" })}</div>
        </form>
      </div>
    </div>
  </section>`;
}

function SearchForm({ lang, q, status }: { lang: Lang; q: string; status: string }): VNode {
  return html`<form class="filter-bar account-search" method="get" action=${MEMBERS_PATH} role="search" aria-label=${t(lang, "admin.accounts.search_label")}>
    ${SelectField({
      name: "status",
      label: t(lang, "admin.people.filter_label"),
      value: status,
      options: MEMBER_STATUS_FILTERS.map((s) => ({ value: s, label: s ? accountStatusLabel(lang, s) : t(lang, "admin.people.filter_all") })),
    })}
    ${Field({
      name: "q",
      type: "search",
      label: t(lang, "admin.accounts.search"),
      value: q,
      maxlength: 100,
      autocomplete: "off",
      verbatim: true,
    })}
    <div class="filter-actions">
      ${Button({ children: t(lang, "admin.accounts.search_submit"), variant: "secondary" })}
      ${(q || status) && html`<a class="btn btn-ghost" href=${MEMBERS_PATH}>${t(lang, "admin.accounts.search_clear")}</a>`}
    </div>
  </form>`;
}

/** Approve or decline one sign-up request. */
function QueueRow({ ctx, member }: { ctx: PageContext; member: TenantMemberItem }): VNode {
  const { lang } = ctx;
  const base = `${MEMBERS_PATH}/${encodeURIComponent(member.id)}`;
  return html`<li class="card approval-item">
    <span class="person">
      ${Avatar({ id: member.id, name: member.name, url: member.avatarUrl })}
      <span class="person-text">
        <span class="person-name">${member.name}</span>
        <span class="person-email">${member.email}</span>
        <time class="field-hint" datetime=${member.createdAt}>${formatDate(lang, member.createdAt, { timeZone: ctx.tenant?.timezone, short: true })}</time>
      </span>
    </span>
    <span class="approval-actions">
      ${ActionForm({ action: `${base}/approve`, children: t(lang, "admin.people.approve"), variant: "primary", label: t(lang, "admin.people.approve_label", { name: member.name }) })}
      ${ActionForm({ action: `${base}/decline`, children: t(lang, "admin.people.decline"), variant: "ghost", label: t(lang, "admin.people.decline_label", { name: member.name }) })}
    </span>
  </li>`;
}

function ApprovalQueue({ ctx, pending, total }: { ctx: PageContext; pending: TenantMemberItem[]; total: number }): VNode {
  const { lang } = ctx;
  return html`<section class="admin-panel approval-queue" aria-labelledby="approval-title">
    <div class="section-head">
      <h2 id="approval-title">${t(lang, "admin.people.queue_title")} <span class="tab-count">${formatNumber(lang, total)}</span></h2>
      <p class="section-intro">${t(lang, "admin.people.queue_intro")}</p>
    </div>
    <ul class="approval-list">
      ${pending.map((member) => QueueRow({ ctx, member }))}
    </ul>
  </section>`;
}

/** Role, suspension and removal of one account, behind a "Manage" disclosure. */
function ManageMember({ ctx, member }: { ctx: PageContext; member: TenantMemberItem }): VNode | null {
  const can = member.can;
  if (!can || (can.roles.length === 0 && !can.suspend && !can.unsuspend && !can.remove)) return null;
  const { lang } = ctx;
  const base = `${MEMBERS_PATH}/${encodeURIComponent(member.id)}`;
  const idBase = `manage-${member.id}`;
  return html`<details class="member-manage">
    <summary class="btn btn-secondary btn-sm" aria-label=${t(lang, "admin.people.manage_label", { name: member.name })}>${t(lang, "admin.people.manage")}</summary>
    <div class="popover member-manage-body">
      ${can.roles.length > 0 &&
      html`<form class="inline-form member-role-form" method="post" action=${`${base}/role`}>
        <div class="field">
          <label class="label" for=${`${idBase}-role`}>${t(lang, "admin.people.role_label", { name: member.name })}</label>
          <select class="input select" id=${`${idBase}-role`} name="tenantRole">
            ${can.roles.map((r) => html`<option value=${r} selected=${r === member.tenantRole}>${roleLabel(lang, r)}</option>`)}
          </select>
        </div>
        ${Button({ children: t(lang, "admin.people.role_save"), variant: "secondary", size: "sm" })}
      </form>`}
      ${can.suspend &&
      html`<div class="member-manage-row">
        ${ActionForm({ action: `${base}/suspend`, children: t(lang, "admin.people.suspend"), variant: "secondary" })}
        <p class="field-hint">${t(lang, "admin.people.suspend_hint")}</p>
      </div>`}
      ${can.unsuspend && ActionForm({ action: `${base}/unsuspend`, children: t(lang, "admin.people.unsuspend"), variant: "secondary" })}
      ${can.remove &&
      html`<form class="form member-remove-form" method="post" action=${`${base}/remove`}>
        <p class="field-hint">${t(lang, "admin.people.remove_hint")}</p>
        ${CheckboxField({ name: "deletePosts", id: `${idBase}-posts`, value: "1", label: t(lang, "admin.people.remove_posts") })}
        ${Button({ children: t(lang, "admin.people.remove"), variant: "danger", size: "sm" })}
      </form>`}
    </div>
  </details>`;
}

function ExtraInfo({ lang, member }: { lang: Lang; member: TenantMemberItem }): VNode {
  const text = member.extraInfo?.trim() ?? "";
  if (!text) return Nothing({ label: t(lang, "admin.accounts.no_extra") });
  const short = preview(text, EXTRA_PREVIEW);
  if (short === text) return html`<p class="extra-text">${text}</p>`;
  return html`<p class="extra-text extra-preview">${short}</p>
    <details class="extra-details">
      <summary class="extra-summary" aria-label=${t(lang, "admin.accounts.extra_more_label", { name: member.name })}>
        ${t(lang, "admin.accounts.extra_more")}
      </summary>
      <p class="extra-text extra-full">${text}</p>
    </details>`;
}

function MemberRow({ ctx, member, groupNames }: { ctx: PageContext; member: TenantMemberItem; groupNames: Map<string, string> }): VNode {
  const { lang } = ctx;
  const timeZone = ctx.tenant?.timezone;
  const isYou = ctx.user?.id === member.id;
  const roleClass = member.tenantRole === "owner" ? "badge badge-owner" : member.tenantRole === "admin" ? "badge" : "badge badge-quiet";
  return html`<tr class=${STATUS_KEYS.has(member.status) ? `account-row is-${member.status}` : "account-row"}>
    <th scope="row" class="cell-person">
      <span class="person">
        ${Avatar({ id: member.id, name: member.name, url: member.avatarUrl })}
        <span class="person-text">
          <span class="person-name">${member.name}${isYou && html` <span class="muted account-you">(${t(lang, "admin.accounts.you")})</span>`}</span>
          <a class="person-email" href=${`mailto:${member.email}`}>${member.email}</a>
          <span class="account-badges">
            <span class=${roleClass}>${roleLabel(lang, member.tenantRole)}</span>
            <span class=${STATUS_KEYS.has(member.status) ? `badge account-status account-status-${member.status}` : "badge account-status"}>
              ${accountStatusLabel(lang, member.status)}
            </span>
          </span>
        </span>
      </span>
    </th>
    <td class="cell-groups" data-label=${t(lang, "admin.accounts.col_groups")}>
      ${member.groups.length > 0
        ? html`<ul class="chip-list">
            ${member.groups.map((slug) => html`<li class="chip">${groupNames.get(slug) ?? slug}</li>`)}
          </ul>`
        : Nothing({ label: t(lang, "admin.accounts.no_group") })}
    </td>
    <td class="cell-extra" data-label=${t(lang, "admin.accounts.col_extra")}>${ExtraInfo({ lang, member })}</td>
    <td class="cell-date" data-label=${t(lang, "admin.accounts.col_joined")}>
      <time datetime=${member.createdAt} title=${formatDate(lang, member.createdAt, { timeZone })}>
        ${formatDate(lang, member.createdAt, { timeZone, short: true })}
      </time>
    </td>
    <td class="cell-actions">
      <a class="btn btn-ghost btn-sm member-profile-link" href=${`${MEMBERS_PATH}/${encodeURIComponent(member.id)}/profile`} aria-label=${t(lang, "admin.member_profile.open_label", { name: member.name })}
        >${t(lang, "admin.member_profile.open")}</a
      >
      ${member.status === "active" &&
      ActionForm({
        action: `${MEMBERS_PATH}/${encodeURIComponent(member.id)}/login-link`,
        children: t(lang, "admin.accounts.login_link"),
        label: t(lang, "admin.accounts.login_link_label", { email: member.email }),
        className: "login-link-form",
      })}
      ${ManageMember({ ctx, member })}
    </td>
  </tr>`;
}

/**
 * /admin/members (community owners and admins): create one account or many from a file,
 * search the members, send one of them a sign-in link, export them all as CSV.
 * Errors of the import form go in `errors.file`; the others belong to the create form.
 * The page may show a generated password: its response must not be cached.
 */
export function AdminMembersPage({
  ctx,
  viewingAsMember,
  groups,
  members,
  q,
  status = "",
  pending = [],
  pendingTotal = 0,
  nextCursor,
  paged = false,
  values = {},
  errors = {},
  formError,
  notice,
  created,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  /** The community's live groups, to join (slugs) and to name the slugs of the list. */
  groups: { slug: string; name: string }[];
  members: TenantMemberItem[];
  /** The search, "" for none. */
  q: string;
  /** The status filter, "" for every status. */
  status?: string;
  /** Sign-up requests waiting for approval (the first ones), and how many there are. */
  pending?: TenantMemberItem[];
  pendingTotal?: number;
  nextCursor: string | null;
  /** This is a later page (the request had a cursor): the list offers the first page again. */
  paged?: boolean;
  values?: MemberFormValues;
  errors?: Record<string, string>;
  formError?: string;
  notice?: string;
  /** After one account was created; a generated password is shown this once. */
  created?: { email: string; generatedPassword: string | null };
}): VNode {
  const { lang } = ctx;
  const { file: fileError, ...createErrors } = errors;
  const groupNames = new Map(groups.map((g) => [g.slug, g.name]));
  return AdminShell({
    ctx,
    section: "members",
    viewingAsMember,
    children: html`
      ${notice && Alert({ tone: "success", children: notice })}
      ${created && CreatedPanel({ lang, created })}
      ${fileError &&
      Alert({
        tone: "error",
        title: t(lang, "admin.accounts.import_error_top"),
        children: html`<p>${fileError} <a href="#import-title">${t(lang, "admin.accounts.import_error_jump")}</a></p>`,
      })}
      ${formError && !values.email && !values.name && Alert({ tone: "error", children: formError })}
      <div class="member-create-actions">
        <details class="member-create" open=${Object.keys(createErrors).length > 0 || (formError && (values.email || values.name)) ? true : undefined}>
          <summary class="btn btn-primary">${t(lang, "admin.people.create_button")}</summary>
          ${CreateForm({ ctx, groups, values, errors: createErrors, formError: values.email || values.name ? formError : undefined })}
        </details>
        <details class="member-create" open=${fileError ? true : undefined}>
          <summary class="btn btn-secondary">${t(lang, "admin.people.import_button")}</summary>
          ${ImportForm({ lang, groups, sendEmail: values.sendEmail !== false, error: fileError })}
        </details>
      </div>
      ${pending.length > 0 && (status === "" || status === "pending_approval") && ApprovalQueue({ ctx, pending, total: pendingTotal })}
      <section class="admin-panel" aria-labelledby="members-list-title">
        <div class="section-head split-row accounts-head">
          <div class="accounts-head-text">
            <h2 id="members-list-title">${t(lang, "admin.accounts.list_title")}</h2>
            <p class="section-intro">${t(lang, "admin.accounts.list_intro")}</p>
          </div>
          <div class="accounts-export">
            <a class="btn btn-secondary btn-sm" href=${MEMBERS_EXPORT_PATH} download aria-describedby="members-export-hint"
              >${t(lang, "admin.accounts.export")}</a
            >
            <p class="field-hint" id="members-export-hint">${t(lang, "admin.accounts.export_hint")}</p>
          </div>
        </div>
        ${SearchForm({ lang, q, status })}
        ${members.length > 0
          ? html`<div class="card table-card accounts-card">
                ${DataTable({
                  className: "table table-stack-lg accounts-table",
                  caption: t(lang, "admin.accounts.caption"),
                  columns: (["col_member", "col_groups", "col_extra", "col_joined"] as const).map((col) => t(lang, `admin.accounts.${col}`)),
                  actions: t(lang, "admin.accounts.col_actions"),
                  children: members.map((member) => MemberRow({ ctx, member, groupNames })),
                })}
              </div>
              <p class="field-hint accounts-note">${t(lang, "admin.accounts.login_link_hint")}</p>`
          : html`<p class="empty">${q ? t(lang, "admin.accounts.empty_search", { q }) : t(lang, "admin.accounts.empty")}</p>`}
        ${(nextCursor || paged) &&
        html`<nav class="pager" aria-label=${t(lang, "admin.accounts.pages")}>
          ${paged && html`<a class="btn btn-ghost btn-sm" href=${listHref(q, undefined, status)}>${t(lang, "admin.accounts.first_page")}</a>`}
          ${nextCursor &&
          html`<a class="btn btn-secondary btn-sm pager-next" href=${listHref(q, nextCursor, status)}>${t(lang, "admin.accounts.next_page")}</a>`}
        </nav>`}
      </section>
    `,
  });
}

/**
 * After POST /admin/members/import: how many accounts were created or, the import having
 * been refused, the rows to fix (nothing was created).
 */
export function AdminMembersImportResultPage({
  ctx,
  viewingAsMember,
  created,
  rowErrors = [],
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  created: number;
  rowErrors?: ImportRowError[];
}): VNode {
  const { lang } = ctx;
  const failed = rowErrors.length > 0;
  const shown = rowErrors.slice(0, ROW_ERRORS_SHOWN);
  const hidden = rowErrors.length - shown.length;
  const actions = html`<div class="actions account-result-actions">
    ${ButtonLink({ href: `${MEMBERS_PATH}#import-title`, variant: failed ? "primary" : "secondary", children: t(lang, "admin.accounts.import_again") })}
    ${ButtonLink({ href: MEMBERS_PATH, variant: failed ? "ghost" : "primary", children: t(lang, "admin.accounts.back_to_list") })}
  </div>`;
  return AdminShell({
    ctx,
    section: "members",
    heading: t(lang, "admin.accounts.import_result_title"),
    viewingAsMember,
    children: failed
      ? html`
          ${Alert({
            tone: "error",
            title: t(lang, "admin.accounts.import_failed_title"),
            children: html`<p>${tCount(lang, "admin.accounts.import_failed_body", rowErrors.length)}</p>`,
          })}
          ${actions}
          <section class="admin-panel" aria-labelledby="row-errors-title">
            <div class="section-head">
              <h2 id="row-errors-title">${t(lang, "admin.accounts.import_errors_caption")}</h2>
            </div>
            <div class="card table-card row-errors-card">
              ${DataTable({
                className: "table table-stack-md row-errors-table",
                caption: t(lang, "admin.accounts.import_errors_caption"),
                columns: (["import_col_row", "import_col_email", "import_col_problems"] as const).map((col) => t(lang, `admin.accounts.${col}`)),
                children: shown.map(
                (r) => html`<tr>
                  <th scope="row" class="cell-row">${t(lang, "admin.accounts.import_row", { row: String(r.row) })}</th>
                  <td class="cell-email" data-label=${t(lang, "admin.accounts.import_col_email")}>
                    ${r.email ? html`<span class="row-email">${r.email}</span>` : Nothing({ label: t(lang, "admin.accounts.import_no_email") })}
                  </td>
                  <td class="cell-problems" data-label=${t(lang, "admin.accounts.import_col_problems")}>
                    <ul class="row-problems">
                      ${r.errors.map((e) => html`<li>${e}</li>`)}
                    </ul>
                  </td>
                </tr>`,
              ),
              })}
            </div>
            ${hidden > 0 && html`<p class="field-hint row-errors-more">${tCount(lang, "admin.accounts.import_more", hidden)}</p>`}
          </section>
        `
      : html`<section class=${`card invite-result account-result ${created > 0 ? "invite-result-ok" : "invite-result-none"}`} role="status" aria-labelledby="import-done-title">
          <h2 class="card-title invite-result-title" id="import-done-title">${tCount(lang, "admin.accounts.import_done", created)}</h2>
          <p class="card-intro">${t(lang, "admin.accounts.import_done_body")}</p>
          ${actions}
        </section>`,
  });
}
