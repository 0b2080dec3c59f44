import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { ActionForm } from "../../ui/components";
import { PersonItem } from "../../ui/avatar";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { roleLabel } from "../tenancy/home";
import { adminGroupPath, Avatar } from "./shared";
import type { BanView, GroupAbility, GroupView, MemberView } from "./types";
import { PlanBadge } from "./plans";
import { GroupAdminShell, type GroupAdminProps } from "../../ui/admin-layout";
import { DataTable } from "../../ui/table";
import { PersonListSection } from "../../ui/person-list";

const ASSIGNABLE = ["admin", "moderator", "member"] as const;

function RoleForm({ lang, base, member }: { lang: Lang; base: string; member: MemberView }): VNode {
  const id = `role-${member.userId}`;
  return html`<form class="inline-form role-form" method="post" action=${`${base}/role`}>
    <label class="sr-only" for=${id}>${t(lang, "admin.members.role_of", { name: member.name })}</label>
    <select class="input select input-sm" id=${id} name="role">
      ${ASSIGNABLE.map((role) => html`<option value=${role} selected=${member.role === role}>${roleLabel(lang, role)}</option>`)}
    </select>
    <button type="submit" class="btn btn-secondary btn-sm" aria-label=${t(lang, "admin.members.change_role_of", { name: member.name })}>
      ${t(lang, "admin.members.change_role")}
    </button>
  </form>`;
}

function MemberRow({ ctx, group, member, ability }: { ctx: PageContext; group: GroupView; member: MemberView; ability: GroupAbility }): VNode {
  const { lang } = ctx;
  const base = `${adminGroupPath(group.slug)}/members/${encodeURIComponent(member.userId)}`;
  const owner = member.role === "owner";
  const controls = ability.manageMembers && !owner;
  return html`<tr class="member-row">
    <th scope="row" class="cell-person">
      <span class="person">
        ${Avatar({ id: member.userId, name: member.name, url: member.avatarUrl })}
        <span class="person-text">
          <span class="person-name">${member.name}</span>
          ${PlanBadge({ lang, plan: member.plan })}
          <span class="person-since">${t(lang, "admin.members.since", { date: formatDate(lang, member.joinedAt, { timeZone: ctx.tenant?.timezone }) })}</span>
        </span>
      </span>
    </th>
    <td class="cell-email">
      ${member.email ? html`<a href=${`mailto:${member.email}`}>${member.email}</a>` : html`<span class="muted">—</span>`}
    </td>
    <td class="cell-role">
      ${controls
        ? RoleForm({ lang, base, member })
        : html`<span class=${owner ? "badge badge-owner" : "badge badge-quiet"}>${roleLabel(lang, member.role)}</span>`}
    </td>
    <td class="cell-actions">
      ${controls &&
      html`<details class="disclosure">
        <summary class="btn btn-ghost btn-sm disclosure-summary">
          ${t(lang, "admin.members.more")}<span class="sr-only"> — ${member.name}</span>
        </summary>
        <div class="popover disclosure-panel">
          <p class="disclosure-text">${t(lang, "admin.members.remove_help")}</p>
          ${ActionForm({
            action: `${base}/remove`,
            children: t(lang, "admin.members.remove"),
            label: t(lang, "admin.members.remove_label", { name: member.name }),
          })}
          <p class="disclosure-text">${t(lang, "admin.members.ban_help")}</p>
          ${ActionForm({
            action: `${base}/ban`,
            variant: "danger",
            children: t(lang, "admin.members.ban"),
            label: t(lang, "admin.members.ban_label", { name: member.name }),
          })}
        </div>
      </details>`}
    </td>
  </tr>`;
}

/** /admin/groups/{slug}/members: members with their roles, removal and bans. */
export function GroupMembersPage(props: GroupAdminProps & { members: MemberView[]; bans: BanView[]; ability: GroupAbility }): VNode {
  const { ctx, group, members, bans, ability } = props;
  const { lang } = ctx;
  const order = { owner: 0, admin: 1, moderator: 2, member: 3 } as const;
  const sorted = [...members].sort((a, b) => order[a.role] - order[b.role] || a.name.localeCompare(b.name, lang));
  return GroupAdminShell({
    ...props,
    children: html`
      <section class="admin-panel" aria-labelledby="members-title">
        <div class="section-head">
          <h2 id="members-title">${t(lang, "admin.members.title")}</h2>
          <p class="section-intro">${tCount(lang, "group.members", group.memberCount)}</p>
        </div>
        ${sorted.length
          ? html`<div class="card table-card">
              ${DataTable({
                className: "table table-stack-md members-table",
                caption: t(lang, "admin.members.caption", { group: group.name }),
                columns: [t(lang, "admin.members.col_name"), t(lang, "admin.members.col_email"), t(lang, "admin.members.col_role")],
                actions: t(lang, "admin.members.col_actions"),
                children: sorted.map((member) => MemberRow({ ctx, group, member, ability })),
              })}
            </div>`
          : html`<p class="empty">${t(lang, "admin.members.empty")}</p>`}
      </section>
      ${PersonListSection({
        id: "bans-title",
        className: "admin-panel",
        title: t(lang, "admin.bans.title"),
        intro: t(lang, "admin.bans.intro"),
        listClass: "ban-list",
        empty: t(lang, "admin.bans.empty"),
        items: bans.map((ban) =>
          PersonItem({
            className: "ban-item",
            person: ban,
            since: html`${ban.email} · ${t(lang, "admin.bans.since", { date: formatDate(lang, ban.bannedAt, { timeZone: ctx.tenant?.timezone }) })}`,
            action:
              ability.manageMembers &&
              ActionForm({
                action: `${adminGroupPath(group.slug)}/bans/${encodeURIComponent(ban.userId)}/unban`,
                children: t(lang, "admin.bans.unban"),
                label: t(lang, "admin.bans.unban_label", { name: ban.name }),
              }),
          }),
        ),
      })}
    `,
  });
}
