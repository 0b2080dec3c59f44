import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { t, tCount } from "../i18n";
import { viewAsBackPath, type PageContext } from "./page";
import { adminGroupPath, GroupLogo, groupPath } from "../pages/groups/shared";
import type { GroupView } from "../pages/groups/types";
import { FormMessages } from "./components";
import { formatNumber } from "./format";

export { groupBrand } from "../pages/groups/shared";

export type AdminSection = "groups" | "members" | "invitations" | "profileFields" | "plans" | "memberships" | "portal" | "invoices" | "resources" | "events" | "help" | "settings" | "domains" | "integrations";

/** The pathname of the request, without query or fragment. */
function pathname(ctx: PageContext): string {
  return ctx.path.split(/[?#]/, 1)[0] ?? "/";
}

/**
 * Switches to "view as a member" (the banner every page shows meanwhile switches back).
 * renderDocument opens it in a new tab on pages with fields, so typed input stays.
 */
function ViewAsToggle({ ctx, viewingAsMember }: { ctx: PageContext; viewingAsMember: boolean }): VNode {
  const { lang } = ctx;
  return html`<form class="inline-form view-as" method="post" action="/admin/view-as">
    <input type="hidden" name="as" value=${viewingAsMember ? "admin" : "member"} />
    <input type="hidden" name="next" value=${viewAsBackPath(ctx.path)} />
    <button type="submit" class="btn btn-secondary btn-sm view-as-button" aria-pressed=${viewingAsMember ? "true" : "false"}>
      <span class="mask-icon view-as-icon" aria-hidden="true"></span>
      ${t(lang, viewingAsMember ? "admin.view_as_admin" : "admin.view_as_member")}
    </button>
    <span class="view-as-new-tab">${t(lang, "viewas.new_tab")}</span>
  </form>`;
}

function GroupTabs({ ctx, group, pendingRequests }: { ctx: PageContext; group: GroupView; pendingRequests?: number | undefined }): VNode {
  const { lang } = ctx;
  const base = adminGroupPath(group.slug);
  const here = pathname(ctx);
  const tabs = [
    { href: base, label: t(lang, "admin.tab.settings") },
    { href: `${base}/branding`, label: t(lang, "admin.tab.branding") },
    { href: `${base}/members`, label: t(lang, "admin.tab.members") },
    { href: `${base}/requests`, label: t(lang, "admin.tab.requests"), count: pendingRequests },
    { href: `${base}/activity`, label: t(lang, "activity.tab") },
    { href: `${base}/levels`, label: t(lang, "levels.tab") },
    { href: `${base}/domains`, label: t(lang, "admin.tab.domains") },
    { href: `/admin/events?group=${encodeURIComponent(group.slug)}`, label: t(lang, "admin.nav.events") },
  ];
  return html`<nav class="tabs-nav" aria-label=${t(lang, "admin.group_nav", { group: group.name })}>
    <ul class="tabs">
      ${tabs.map(
        (tab) => html`<li>
          <a class="tab" href=${tab.href} aria-current=${here === tab.href ? "page" : undefined}>
            ${tab.label}
            ${tab.count ? html` <span class="tab-count">${formatNumber(lang, tab.count)}</span>` : null}
          </a>
        </li>`,
      )}
      <li class="tab-end">
        <a class="tab tab-external" href=${groupPath(group.slug)}>${t(lang, "admin.tab.view")}</a>
      </li>
    </ul>
  </nav>`;
}

/**
 * The frame of every /admin page: the administration menu (a sidebar on wide screens, a
 * scrolling row on phones), the "view as member" toggle and, for a group's pages, the
 * group's name and tabs. `children` is the page's own content.
 */
export function AdminShell({
  ctx,
  section,
  group,
  viewingAsMember,
  pendingRequests,
  heading,
  children,
}: {
  ctx: PageContext;
  section: AdminSection;
  /** The title of a page below a section's own (the file import under Invitations); the section becomes a link back. */
  heading?: string | undefined;
  group?: GroupView | undefined;
  viewingAsMember: boolean;
  /** Shown as a count on the Requests tab. */
  pendingRequests?: number | undefined;
  children: ComponentChildren;
}): VNode {
  const { lang } = ctx;
  // Community-wide sections only for the community's owner and admins: a group admin sees what they may open.
  const role = ctx.user?.tenantRole;
  const communityAdmin = role === "owner" || role === "admin";
  const items: { id: AdminSection; href: string; label: string }[] = [
    { id: "groups" as const, href: "/admin", label: t(lang, "admin.nav.groups") },
    ...(communityAdmin ? [{ id: "members" as const, href: "/admin/members", label: t(lang, "admin.nav.members") }] : []),
    { id: "invitations" as const, href: "/admin/invitations", label: t(lang, "admin.nav.invitations") },
    ...(communityAdmin
      ? [
          { id: "profileFields" as const, href: "/admin/profile-fields", label: t(lang, "admin.nav.profile_fields") },
          { id: "plans" as const, href: "/admin/plans", label: t(lang, "admin.nav.plans") },
          { id: "memberships" as const, href: "/admin/memberships", label: t(lang, "admin.nav.memberships") },
          { id: "portal" as const, href: "/admin/portal", label: t(lang, "admin.nav.portal") },
          { id: "invoices" as const, href: "/admin/invoices", label: t(lang, "admin.nav.invoices") },
          { id: "resources" as const, href: "/admin/resources", label: t(lang, "admin.nav.resources") },
          { id: "events" as const, href: "/admin/events", label: t(lang, "admin.nav.events") },
          { id: "help" as const, href: "/admin/help", label: t(lang, "admin.nav.help") },
          { id: "settings" as const, href: "/admin/settings", label: t(lang, "admin.nav.settings") },
          { id: "domains" as const, href: "/admin/domains", label: t(lang, "admin.nav.domains") },
          { id: "integrations" as const, href: "/admin/integrations", label: t(lang, "admin.nav.integrations") },
        ]
      : []),
  ];
  const here = pathname(ctx);
  const sectionItem = items.find((item) => item.id === section);
  const title = sectionItem?.label ?? t(lang, "admin.title");
  return html`<div class="container admin">
    <div class="admin-side">
      <p class="admin-eyebrow" id="admin-nav-title">${t(lang, "admin.title")}</p>
      <nav class="admin-nav" aria-labelledby="admin-nav-title">
        <ul class="admin-nav-list">
          ${items.map(
            (item) => html`<li>
              <a
                class=${item.id === section ? "admin-nav-link is-active" : "admin-nav-link"}
                href=${item.href}
                aria-current=${here === item.href ? "page" : item.id === section ? "true" : undefined}
              >
                <span class=${`mask-icon admin-nav-icon admin-nav-icon-${item.id}`} aria-hidden="true"></span>
                ${item.label}
                ${item.id === "members" && ctx.pendingMembers
                  ? html` <span class="tab-count" title=${t(lang, "admin.people.nav_count", { count: ctx.pendingMembers })}
                      >${formatNumber(lang, ctx.pendingMembers)}<span class="sr-only"> ${t(lang, "admin.people.nav_count", { count: ctx.pendingMembers })}</span></span
                    >`
                  : null}
                ${item.id === "memberships" && ctx.pendingMemberships
                  ? html` <span class="tab-count" title=${tCount(lang, "admin.memberships.waiting", ctx.pendingMemberships)}
                      >${formatNumber(lang, ctx.pendingMemberships)}<span class="sr-only"> ${tCount(lang, "admin.memberships.waiting", ctx.pendingMemberships)}</span></span
                    >`
                  : null}
                ${item.id === "help" && ctx.helpUnread
                  ? html` <span class="tab-count" title=${tCount(lang, "admin.help.unread", ctx.helpUnread)}
                      >${formatNumber(lang, ctx.helpUnread)}<span class="sr-only"> ${tCount(lang, "admin.help.unread", ctx.helpUnread)}</span></span
                    >`
                  : null}
              </a>
            </li>`,
          )}
        </ul>
      </nav>
    </div>
    <div class="admin-main">
      <div class="split-row admin-head">
        <div class="admin-head-text">
          ${group
            ? html`<p class="admin-crumb"><a href="/admin">${t(lang, "admin.nav.groups")}</a></p>
                <div class="admin-group-title">
                  ${GroupLogo({ group, className: "admin-group-logo" })}
                  <h1 class="page-title">${group.name}</h1>
                  ${group.deletedAt && html`<span class="badge badge-danger">${t(lang, "admin.groups.deleted")}</span>`}
                </div>`
            : heading && sectionItem && sectionItem.href !== here
              ? html`<p class="admin-crumb"><a href=${sectionItem.href}>${sectionItem.label}</a></p>
                  <h1 class="page-title">${heading}</h1>`
              : html`<h1 class="page-title">${heading ?? title}</h1>`}
        </div>
        ${!viewingAsMember && ViewAsToggle({ ctx, viewingAsMember })}
      </div>
      ${group && GroupTabs({ ctx, group, pendingRequests })}
      <div class="admin-content">${children}</div>
    </div>
  </div>`;
}

/** What every page of one group's administration (/admin/groups/{slug}/…) is given besides its own data. */
export type GroupAdminProps = {
  ctx: PageContext;
  group: GroupView;
  viewingAsMember: boolean;
  /** Shown as a count on the Requests tab. */
  pendingRequests?: number | undefined;
  /** After a redirect with `?done=`, already translated. */
  notice?: string | undefined;
  formError?: string | undefined;
};

/** The frame of a group's admin page: the shell with the group's tabs, then the form messages line. */
export function GroupAdminShell({
  ctx,
  group,
  viewingAsMember,
  pendingRequests,
  notice,
  formError,
  errors,
  children,
}: GroupAdminProps & { errors?: Record<string, string> | undefined; children: ComponentChildren }): VNode {
  return AdminShell({
    ctx,
    section: "groups",
    group,
    viewingAsMember,
    pendingRequests,
    children: html`${FormMessages({ lang: ctx.lang, notice, formError, errors })}${children}`,
  });
}
