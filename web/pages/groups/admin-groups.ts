import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount } from "../../i18n";
import { ActionForm, Alert, Button, Field, TextareaField } from "../../ui/components";
import { addDays, formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { roleLabel } from "../tenancy/home";
import { RESTORE_DAYS } from "./group";
import { adminGroupPath, GroupLogo, groupPath, joinPolicyLabel } from "./shared";
import type { GroupView } from "./types";
import { FormMessages, JoinPolicyField } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";

export const GROUP_NAME_MAX = 80;
export const SLUG_MAX = 60;
export const DESCRIPTION_MAX = 2000;

function GroupRow({ ctx, group }: { ctx: PageContext; group: GroupView }): VNode {
  const { lang } = ctx;
  const deleted = group.deletedAt !== null;
  return html`<li class=${deleted ? "admin-group is-deleted" : "admin-group"}>
    ${GroupLogo({ group, className: "admin-group-row-logo" })}
    <div class="admin-group-info">
      <h3 class="admin-group-name">
        <a href=${adminGroupPath(group.slug)}>${group.name}</a>
      </h3>
      <p class="admin-group-meta">
        <span class="admin-group-path">${groupPath(group.slug)}</span>
        <span>${tCount(lang, "group.members", group.memberCount)}</span>
      </p>
      ${deleted &&
      html`<p class="admin-group-deleted">
        ${t(lang, "admin.groups.restorable_until", {
          date: formatDate(lang, addDays(group.deletedAt!, RESTORE_DAYS), { timeZone: ctx.tenant?.timezone }),
        })}
      </p>`}
    </div>
    <div class="admin-group-side">
      <span class=${`badge policy-badge policy-${group.joinPolicy}`}>${joinPolicyLabel(lang, group.joinPolicy)}</span>
      ${group.role && html`<span class="badge badge-quiet">${roleLabel(lang, group.role)}</span>`}
      ${deleted
        ? html`<span class="badge badge-danger">${t(lang, "admin.groups.deleted")}</span>
            ${ActionForm({
              action: `${adminGroupPath(group.slug)}/restore`,
              children: t(lang, "admin.groups.restore"),
              label: t(lang, "admin.groups.restore_label", { group: group.name }),
            })}`
        : null}
    </div>
  </li>`;
}

/** /admin: the community's groups and the form to create one. */
export function AdminGroupsPage({
  ctx,
  groups,
  values = {},
  errors = {},
  formError,
  viewingAsMember,
  canCreate = true,
  notice,
}: {
  ctx: PageContext;
  groups: GroupView[];
  values?: Record<string, string>;
  errors?: Record<string, string>;
  formError?: string;
  viewingAsMember: boolean;
  /** false when the community lets only its admins create groups (tenant `groupCreation`). */
  canCreate?: boolean;
  /** After a redirect with `?done=` (a group deleted), already translated. */
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const live = groups.filter((g) => g.deletedAt === null);
  const deleted = groups.filter((g) => g.deletedAt !== null);
  const sorted = [...live, ...deleted];
  return AdminShell({
    ctx,
    section: "groups",
    viewingAsMember,
    children: html`${notice && html`<div class="page-alert">${Alert({ tone: "success", children: notice })}</div>`}<div class="admin-split">
      <section class="admin-panel" aria-labelledby="groups-list-title">
        <div class="section-head section-head-row">
          <h2 id="groups-list-title">${t(lang, "admin.groups.list_title")}</h2>
          <p class="section-intro">${tCount(lang, "admin.groups.count", live.length)}</p>
          ${canCreate && html`<a class="btn btn-primary btn-sm jump-create" href="#create-title">${t(lang, "admin.groups.create_title")}</a>`}
        </div>
        ${sorted.length
          ? html`<ul class="card admin-group-list">${sorted.map((group) => GroupRow({ ctx, group }))}</ul>`
          : html`<p class="empty">${t(lang, "admin.groups.empty")}</p>`}
      </section>
      <section class="admin-panel" aria-labelledby="create-title">
        <div class="card">
          <h2 class="card-title" id="create-title">${t(lang, "admin.groups.create_title")}</h2>
          ${!canCreate && html`<p class="card-intro">${t(lang, "error.group_creation_closed")}</p>`}
          ${canCreate && html`<p class="card-intro">${t(lang, "admin.groups.create_intro")}</p>
          ${FormMessages({ lang, formError, errors })}
          <form class="form" method="post" action="/admin/groups">
            ${Field({
              name: "name",
              label: t(lang, "admin.field.name"),
              value: values.name,
              required: true,
              maxlength: GROUP_NAME_MAX,
              autocomplete: "off",
              error: errors.name,
            })}
            ${Field({
              name: "slug",
              label: t(lang, "admin.field.slug"),
              value: values.slug,
              maxlength: SLUG_MAX,
              autocomplete: "off",
              verbatim: true,
              prefix: "/g/",
              tag: t(lang, "form.optional_tag"),
              hint: t(lang, "admin.field.slug_hint_create"),
              error: errors.slug,
            })}
            ${TextareaField({
              name: "description",
              label: t(lang, "admin.field.description"),
              value: values.description,
              rows: 3,
              maxlength: DESCRIPTION_MAX,
              tag: t(lang, "form.optional_tag"),
              error: errors.description,
            })}
            ${JoinPolicyField({ lang, value: values.joinPolicy ?? "approval", error: errors.joinPolicy })}
            ${Button({ children: t(lang, "admin.groups.create_submit"), block: true })}
          </form>`}
        </div>
      </section>
    </div>`,
  });
}
