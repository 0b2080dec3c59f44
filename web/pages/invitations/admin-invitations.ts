import { html } from "htm/preact";
import type { VNode } from "preact";
import { catalogFor, isLang, LANGS, t, tCount, type Lang, type MessageKey } from "../../i18n";
import { ActionForm, Alert, Button, Field, SelectField, TextareaField } from "../../ui/components";
import { codeLabel, formatDate, formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { roleLabel } from "../tenancy/home";
import { FormMessages, GroupChecks } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";
import { DataTable } from "../../ui/table";

export type InvitationStatus = "pending" | "accepted" | "expired" | "revoked" | "declined";

/** One row of the list (the worker's `listInvitations` items; times are ISO). */
export type InvitationItem = {
  id: string;
  email: string;
  status: InvitationStatus;
  invitedAt: string;
  expiresAt: string;
  remindedAt: string | null;
  acceptedAt: string | null;
  /** Group slugs. */
  groups: string[];
  /** Shown as a badge when the invitation makes an admin. */
  tenantRole?: string;
};

/** What `invite()` answered, shown after sending. */
export type InviteResultView = { invited: string[]; addedToGroups: string[]; skipped: { email: string; reason: string }[] };

/** The invite form as posted, to show it again with its errors. */
export type InviteFormValues = {
  emails?: string;
  groups?: string[];
  tenantRole?: string;
  groupRole?: string;
  language?: string;
  message?: string;
};

export const INVITE_MESSAGE_MAX = 2000;
export const INVITATION_STATUSES: readonly InvitationStatus[] = ["pending", "accepted", "expired", "revoked", "declined"];
const LIST_PATH = "/admin/invitations";
/** The file import (web/pages/invitations/admin-import.ts), linked from the invite form. */
const IMPORT_PATH = "/admin/invitations/import";

const REASONS: Record<string, MessageKey> = {
  invalid_email: "admin.invitations.reason.invalid_email",
  already_invited: "admin.invitations.reason.already_invited",
  duplicate: "admin.invitations.reason.duplicate",
  already_member: "admin.invitations.reason.already_member",
  banned: "admin.invitations.reason.banned",
};

/** The role the invited get, in the community (`tenantRole`) or in the chosen groups (`groupRole`); "member" unless chosen. */
function RoleField({
  lang,
  name,
  roles,
  value,
  error,
}: {
  lang: Lang;
  name: "tenantRole" | "groupRole";
  roles: string[];
  value: string | undefined;
  error: string | undefined;
}): VNode {
  const key = name === "tenantRole" ? "tenant_role" : "group_role";
  return SelectField({
    name,
    label: t(lang, `admin.invitations.${key}`),
    value: value || "member",
    options: roles.map((role) => ({ value: role, label: roleLabel(lang, role) })),
    hint: t(lang, `admin.invitations.${key}_hint`),
    error,
  });
}

/** Why an address was skipped, in words (an unknown code is shown as is rather than hidden). */
export function skipReason(lang: Lang, reason: string): string {
  return codeLabel(lang, REASONS, reason);
}

/** The badge tone of each status (a declined invitation keeps the plain badge). */
const STATUS_TONE: Record<InvitationStatus, string> = {
  pending: " badge-info",
  accepted: " badge-success",
  expired: " badge-warning",
  revoked: " badge-quiet",
  declined: "",
};

export function invitationStatusLabel(lang: Lang, status: InvitationStatus): string {
  return t(lang, `admin.invitations.status.${status}`);
}

/** The list's URL with its filters kept (empty ones left out). */
function listHref(filter: { status: string; q: string }, cursor?: string): string {
  const params = new URLSearchParams();
  if (filter.status) params.set("status", filter.status);
  if (filter.q) params.set("q", filter.q);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `${LIST_PATH}?${query}` : LIST_PATH;
}

function ResultPanel({ lang, result }: { lang: Lang; result: InviteResultView }): VNode {
  const done = result.invited.length + result.addedToGroups.length;
  const skipped = result.skipped;
  return html`<div class=${`card invite-result ${done > 0 ? "invite-result-ok" : "invite-result-none"}`} role="status">
    <h2 class="card-title invite-result-title">
      ${t(lang, done > 0 ? "admin.invitations.result_title" : "admin.invitations.result_none_title")}
    </h2>
    <ul class="invite-result-counts">
      <li class=${result.invited.length > 0 ? "invite-count invite-count-invited" : "invite-count invite-count-invited is-zero"}>${tCount(lang, "admin.invitations.result.invited", result.invited.length)}</li>
      ${result.addedToGroups.length > 0 &&
      html`<li class="invite-count invite-count-added">${tCount(lang, "admin.invitations.result.added", result.addedToGroups.length)}</li>`}
      ${skipped.length > 0 &&
      html`<li class="invite-count invite-count-skipped">${tCount(lang, "admin.invitations.result.skipped", skipped.length)}</li>`}
    </ul>
    ${skipped.length > 0 &&
    html`<div class="skipped">
      <p class="skipped-title" id="skipped-title">${t(lang, "admin.invitations.skipped_title")}</p>
      <ul class="skipped-list" aria-labelledby="skipped-title">
        ${skipped.map(
          (s) => html`<li class="skipped-item">
            <span class="skipped-email">${s.email}</span>
            <span class="skipped-reason">${skipReason(lang, s.reason)}</span>
          </li>`,
        )}
      </ul>
    </div>`}
  </div>`;
}

function InviteForm({
  ctx,
  groups,
  canInviteAdmins,
  values,
  errors,
  formError,
}: {
  ctx: PageContext;
  groups: { slug: string; name: string }[];
  canInviteAdmins: boolean;
  values: InviteFormValues;
  errors: Record<string, string>;
  formError?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const tenantLang = ctx.tenant?.defaultLanguage;
  const chosen = new Set(values.groups ?? []);
  return html`<section class="admin-panel" aria-labelledby="invite-title">
    <div class="card">
      <div class="card-head-row">
        <h2 class="card-title" id="invite-title">${t(lang, "admin.invitations.invite_title")}</h2>
        <a class="btn btn-secondary btn-sm import-link" href=${IMPORT_PATH}>
          <span class="mask-icon import-link-icon" aria-hidden="true"></span>${t(lang, "admin.import.link")}
        </a>
      </div>
      <p class="card-intro">${t(lang, "admin.invitations.invite_intro")}</p>
      ${FormMessages({ lang, formError, errors })}
      <form class="form invite-form" method="post" action=${LIST_PATH}>
        <div class="invite-form-grid">
          <div class="invite-form-col">
            ${TextareaField({
              name: "emails",
              label: t(lang, "admin.invitations.emails"),
              value: values.emails,
              rows: 6,
              required: true,
              hint: t(lang, "admin.invitations.emails_hint"),
              error: errors.emails,
            })}
            ${TextareaField({
              name: "message",
              label: t(lang, "admin.invitations.message"),
              value: values.message,
              rows: 4,
              maxlength: INVITE_MESSAGE_MAX,
              tag: t(lang, "form.optional_tag"),
              hint: t(lang, "admin.invitations.message_hint", { max: formatNumber(lang, INVITE_MESSAGE_MAX) }),
              error: errors.message,
            })}
          </div>
          <div class="invite-form-col">
            ${GroupChecks({
              groups,
              chosen,
              error: errors.groups,
              label: t(lang, "admin.invitations.groups"),
              hint: t(lang, canInviteAdmins ? "admin.invitations.groups_hint" : "admin.invitations.groups_hint_required"),
              empty: t(lang, "admin.invitations.no_groups"),
            })}
            ${canInviteAdmins && RoleField({ lang, name: "tenantRole", roles: ["member", "admin"], value: values.tenantRole, error: errors.tenantRole })}
            ${groups.length > 0 && RoleField({ lang, name: "groupRole", roles: ["member", "moderator"], value: values.groupRole, error: errors.groupRole })}
            ${SelectField({
              name: "language",
              label: t(lang, "admin.invitations.language"),
              value: values.language || (catalogFor(tenantLang) ?? lang),
              options: LANGS.map((code) => ({ value: code, label: t(code, `language.${code}`), lang: code })),
              hint: t(lang, "admin.invitations.language_hint"),
              error: errors.language,
            })}
          </div>
        </div>
        <div class="form-actions">${Button({ children: t(lang, "admin.invitations.submit"), size: "lg" })}</div>
      </form>
    </div>
  </section>`;
}

function FilterForm({ lang, filter }: { lang: Lang; filter: { status: string; q: string } }): VNode {
  const active = filter.status !== "" || filter.q !== "";
  return html`<form class="filter-bar" method="get" action=${LIST_PATH} role="search" aria-label=${t(lang, "admin.invitations.filter_label")}>
    ${SelectField({
      name: "status",
      label: t(lang, "admin.invitations.filter_status"),
      value: filter.status,
      options: [
        { value: "", label: t(lang, "admin.invitations.status_all") },
        ...INVITATION_STATUSES.map((status) => ({ value: status, label: invitationStatusLabel(lang, status) })),
      ],
    })}
    ${Field({
      name: "q",
      type: "search",
      label: t(lang, "admin.invitations.search"),
      value: filter.q,
      maxlength: 100,
      autocomplete: "off",
      inputmode: "email",
      verbatim: true,
    })}
    <div class="filter-actions">
      ${Button({ children: t(lang, "admin.invitations.filter_submit"), variant: "secondary" })}
      ${active && html`<a class="btn btn-ghost" href=${LIST_PATH}>${t(lang, "admin.invitations.filter_clear")}</a>`}
    </div>
  </form>`;
}

/** "—" for the eye, words for a screen reader. */
function Nothing({ label }: { label: string }): VNode {
  return html`<span class="muted" aria-hidden="true">—</span><span class="sr-only">${label}</span>`;
}

function InvitationRow({
  ctx,
  item,
  groupNames,
}: {
  ctx: PageContext;
  item: InvitationItem;
  groupNames: Map<string, string>;
}): VNode {
  const { lang } = ctx;
  const timeZone = ctx.tenant?.timezone;
  const date = (iso: string) => formatDate(lang, iso, { timeZone, short: true });
  /** A compact date in the cell, the full one on hover. */
  const Time = ({ iso, className }: { iso: string; className?: string }) =>
    html`<time datetime=${iso} title=${formatDate(lang, iso, { timeZone })} class=${className}>${date(iso)}</time>`;
  const base = `${LIST_PATH}/${encodeURIComponent(item.id)}`;
  const canResend = item.status === "pending" || item.status === "expired";
  const canRevoke = item.status === "pending";
  return html`<tr class=${`invitation-row is-${item.status}`}>
    <th scope="row" class="cell-invitee">
      <span class="invitee-email">${item.email}</span>
      <span class="invitee-badges">
        <span class=${`badge${STATUS_TONE[item.status]} invite-status invite-status-${item.status}`}>${invitationStatusLabel(lang, item.status)}</span>
        ${item.tenantRole === "admin" && html` <span class="badge badge-quiet">${roleLabel(lang, "admin")}</span>`}
      </span>
    </th>
    <td class="cell-date" data-label=${t(lang, "admin.invitations.col_invited")}>
      ${Time({ iso: item.invitedAt })}
    </td>
    <td class="cell-date" data-label=${t(lang, "admin.invitations.col_expires")}>
      ${item.status === "accepted" && item.acceptedAt
        ? html`<span class="invite-accepted">${t(lang, "admin.invitations.accepted_on", { date: date(item.acceptedAt) })}</span>`
        : item.status === "revoked" || item.status === "declined"
          ? Nothing({ label: t(lang, `admin.invitations.status.${item.status}`) })
          : Time({ iso: item.expiresAt, ...(item.status === "expired" ? { className: "invite-expired" } : {}) })}
    </td>
    <td class="cell-date" data-label=${t(lang, "admin.invitations.col_reminded")}>
      ${item.remindedAt
        ? Time({ iso: item.remindedAt })
        : Nothing({ label: t(lang, "admin.invitations.not_reminded") })}
    </td>
    <td class="cell-groups" data-label=${t(lang, "admin.invitations.col_groups")}>
      ${item.groups.length > 0
        ? html`<ul class="chip-list">
            ${item.groups.map((slug) => html`<li class="chip">${groupNames.get(slug) ?? slug}</li>`)}
          </ul>`
        : Nothing({ label: t(lang, "admin.invitations.no_group") })}
    </td>
    <td class="cell-actions">
      ${(canResend || canRevoke) &&
      html`<div class="row-actions">
        ${canResend &&
        ActionForm({
          action: `${base}/resend`,
          children: t(lang, "admin.invitations.resend"),
          label: t(lang, "admin.invitations.resend_label", { email: item.email }),
        })}
        ${canRevoke &&
        ActionForm({
          action: `${base}/revoke`,
          variant: "ghost",
          className: "revoke-form",
          children: t(lang, "admin.invitations.revoke"),
          label: t(lang, "admin.invitations.revoke_label", { email: item.email }),
        })}
      </div>`}
    </td>
  </tr>`;
}

/**
 * /admin/invitations: invite people by email (to the community and to groups), see what
 * became of the invitations sent, resend or revoke them.
 */
export function AdminInvitationsPage({
  ctx,
  viewingAsMember,
  groups,
  items,
  filter,
  nextCursor,
  values = {},
  errors = {},
  formError,
  notice,
  result,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  /** The groups this admin may invite to. */
  groups: { slug: string; name: string }[];
  items: InvitationItem[];
  /** `status` is "" for all; `cursor`, when given, is the current page's (it adds a link back to the first). */
  filter: { status: string; q: string; cursor?: string | null };
  nextCursor: string | null;
  values?: InviteFormValues;
  errors?: Record<string, string>;
  formError?: string;
  notice?: string;
  result?: InviteResultView;
}): VNode {
  const { lang } = ctx;
  const role = ctx.user?.tenantRole;
  // As the worker decides: community admins invite admins, unless they view the site as a member.
  const canInviteAdmins = (role === "owner" || role === "admin") && !viewingAsMember;
  const groupNames = new Map(groups.map((g) => [g.slug, g.name]));
  const filtered = filter.status !== "" || filter.q !== "";
  const paged = Boolean(filter.cursor) || /[?&]cursor=/.test(ctx.path);
  return AdminShell({
    ctx,
    section: "invitations",
    viewingAsMember,
    children: html`
      ${notice && Alert({ tone: "success", children: notice })}
      ${result && ResultPanel({ lang, result })}
      ${InviteForm({ ctx, groups, canInviteAdmins, values, errors, formError })}
      <section class="admin-panel" aria-labelledby="invitations-title">
        <div class="section-head">
          <h2 id="invitations-title">${t(lang, "admin.invitations.list_title")}</h2>
          <p class="section-intro">${t(lang, "admin.invitations.list_intro")}</p>
        </div>
        ${FilterForm({ lang, filter })}
        ${items.length > 0
          ? html`<div class="card table-card invitations-card">
              ${DataTable({
                className: "table table-stack-lg invitations-table",
                caption: t(lang, "admin.invitations.caption"),
                columns: (["col_invitation", "col_invited", "col_expires", "col_reminded", "col_groups"] as const).map((col) =>
                  t(lang, `admin.invitations.${col}`),
                ),
                actions: t(lang, "admin.invitations.col_actions"),
                children: items.map((item) => InvitationRow({ ctx, item, groupNames })),
              })}
            </div>`
          : html`<p class="empty">${t(lang, filtered ? "admin.invitations.empty_filtered" : "admin.invitations.empty")}</p>`}
        ${(nextCursor || paged) &&
        html`<nav class="pager" aria-label=${t(lang, "admin.invitations.pages")}>
          ${paged && html`<a class="btn btn-ghost btn-sm" href=${listHref(filter)}>${t(lang, "admin.invitations.first_page")}</a>`}
          ${nextCursor &&
          html`<a class="btn btn-secondary btn-sm pager-next" href=${listHref(filter, nextCursor)}>${t(lang, "admin.invitations.next_page")}</a>`}
        </nav>`}
      </section>
    `,
  });
}
