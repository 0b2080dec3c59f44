import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount } from "../../i18n";
import { ActionForm, Alert, ButtonLink } from "../../ui/components";
import { addDays, formatDate, formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { displayHost, safeHttpUrl } from "../../ui/url";
import { roleLabel } from "../tenancy/home";
import { Island } from "../../ui/island";
import { DiscussionMain, DiscussionSide, type GroupDiscussion } from "../discussions/discussion";
import { adminGroupPath, Avatar, GroupCover, GroupLogo, groupPath, Paragraphs } from "./shared";
import type { GroupAbility, GroupView, MemberView, PaidGroupView } from "./types";
import { IncludedIn, PlanBadge, PlansCard } from "./plans";
import { CopyInput } from "../../ui/copy-input";
import { GroupEvents } from "../events/shared";
import type { EventItem } from "../events/types";

export { groupBrand } from "./shared";
export type { GroupDiscussion } from "../discussions/discussion";

/** How many members the group page lists. */
export const MEMBERS_SHOWN = 12;
/** Days a deleted group stays restorable (API.md). */
export const RESTORE_DAYS = 30;

/** A paid group, a signed-in reader not in it: choose a plan, wait for its approval, or change plan. */
function PaidMembership({ ctx, group, paid }: { ctx: PageContext; group: GroupView; paid: PaidGroupView }): VNode | null {
  const { lang } = ctx;
  switch (paid.standing) {
    case "choose":
      return paid.plans.length > 0 ? ButtonLink({ href: `${groupPath(group.slug)}/join`, size: "lg", children: t(lang, "paid.join_button") }) : null;
    case "pending":
      return html`<div class="membership-state membership-pending">
        <span class="state-dot" aria-hidden="true"></span>
        <span>
          <strong class="membership-title">${t(lang, "paid.pending_title")}</strong>
          <span class="membership-detail">${t(lang, "paid.pending_short")}</span>
        </span>
      </div>`;
    case "other":
      return html`<p class="membership-note">${t(lang, "paid.other_short", { plan: paid.current?.name ?? "" })}</p>
        ${ButtonLink({ href: "/membership", variant: "secondary", children: t(lang, "paid.change_plan") })}`;
    default:
      return null;
  }
}

/** Join, request, pending, member: what the viewer can do about membership. */
function Membership({ ctx, group, paid }: { ctx: PageContext; group: GroupView; paid?: PaidGroupView | null }): VNode | null {
  const { lang } = ctx;
  const path = groupPath(group.slug);
  const joinHref = `${path}/join`;
  const inviteOnly = html`<p class="membership-note">${t(lang, "group.invite_only")}</p>`;

  if (!ctx.user) {
    if (group.joinPolicy === "invite") {
      return html`${inviteOnly}
        ${ButtonLink({ href: `/login?next=${encodeURIComponent(path)}`, variant: "secondary", children: t(lang, "group.login_member") })}`;
    }
    return ButtonLink({
      href: joinHref,
      children: t(lang, group.joinPolicy === "open" ? "group.join" : "group.request_join"),
    });
  }

  switch (group.membership) {
    case "member": {
      const role = group.role ?? "member";
      return html`<p class="membership-state membership-member">
          <span class="state-dot" aria-hidden="true"></span>
          ${role === "owner"
            ? t(lang, "group.you_owner")
            : role === "member"
              ? t(lang, "group.you_member")
              : t(lang, "group.you_member_role", { role: roleLabel(lang, role).toLocaleLowerCase(lang) })}
        </p>
        ${role !== "owner" &&
        ActionForm({ action: `${path}/leave`, variant: "ghost", children: t(lang, "group.leave") })}`;
    }
    case "pending":
      return html`<div class="membership-state membership-pending">
        <span class="state-dot" aria-hidden="true"></span>
        <span>
          <strong class="membership-title">${t(lang, "group.pending_title")}</strong>
          <span class="membership-detail">${t(lang, "group.pending_body")}</span>
        </span>
        ${Island({ name: "PendingWatch", props: { slug: group.slug, text: t(lang, "join.pending_live") } })}
      </div>`;
    case "banned":
      return html`<p class="membership-note">${t(lang, "group.banned")}</p>`;
    case "none":
    default:
      if (group.joinPolicy === "invite") return inviteOnly;
      if (paid && (paid.standing === "choose" || paid.standing === "pending" || paid.standing === "other")) return PaidMembership({ ctx, group, paid });
      if (group.joinPolicy === "open" && group.questions.length === 0) {
        return ActionForm({ action: joinHref, variant: "primary", size: "lg", children: t(lang, "group.join") });
      }
      return ButtonLink({
        href: joinHref,
        size: "lg",
        children: t(lang, group.joinPolicy === "open" ? "group.join" : "group.request_join"),
      });
  }
}

const deletedOf = (group: GroupView) => group.deletedAt !== null;

function DeletedBanner({ ctx, group, ability }: { ctx: PageContext; group: GroupView; ability: GroupAbility }): VNode {
  const { lang } = ctx;
  const until = formatDate(lang, addDays(group.deletedAt!, RESTORE_DAYS), { timeZone: ctx.tenant?.timezone });
  return Alert({
    tone: "warning",
    title: t(lang, "group.deleted_title"),
    children: html`<p>${t(lang, "group.deleted_body", { date: until })}</p>
      ${ability.delete &&
      ActionForm({
        action: `${adminGroupPath(group.slug)}/restore`,
        variant: "secondary",
        children: t(lang, "admin.groups.restore"),
      })}`,
  });
}

function MembersCard({ ctx, group, members }: { ctx: PageContext; group: GroupView; members: MemberView[] }): VNode {
  const { lang } = ctx;
  const shown = members.slice(0, MEMBERS_SHOWN);
  return html`<section class="card side-card" aria-labelledby="members-title">
    <h2 class="side-title" id="members-title">
      ${t(lang, "group.members_title")} <span class="side-count">${formatNumber(lang, group.memberCount)}</span>
    </h2>
    ${shown.length > 0
      ? html`<ul class="member-list">
          ${shown.map(
            (m) => html`<li class="member-item">
              ${Avatar({ id: m.userId, name: m.name, url: m.avatarUrl })}
              <span class="member-name">${m.name}</span>
              ${m.role !== "member" && html`<span class="badge badge-quiet">${roleLabel(lang, m.role)}</span>`}
              ${PlanBadge({ lang, plan: m.plan })}
            </li>`,
          )}
        </ul>`
      : html`<p class="muted">${tCount(lang, "group.members", group.memberCount)}</p>`}
    ${group.memberCount > shown.length &&
    shown.length > 0 &&
    html`<p class="side-more">${tCount(lang, "group.more_members", group.memberCount - shown.length)}</p>`}
  </section>`;
}

function LinksCard({ ctx, group }: { ctx: PageContext; group: GroupView }): VNode | null {
  const { lang } = ctx;
  // Only http(s) links are ever written as an href; anything else is left out.
  const links = group.links
    .map((l) => ({ title: l.title.trim(), href: safeHttpUrl(l.url) }))
    .filter((l): l is { title: string; href: string } => l.href !== null);
  if (links.length === 0) return null;
  return html`<section class="card side-card" aria-labelledby="links-title">
    <h2 class="side-title" id="links-title">${t(lang, "group.links_title")}</h2>
    <ul class="link-list">
      ${links.map(
        (l) => html`<li>
          <a class="ext-link" href=${l.href} rel="noopener nofollow ugc" target="_blank">
            <span class="ext-link-title">${l.title || displayHost(l.href)}</span>
            <span class="ext-link-host">${displayHost(l.href)}</span>
            <span class="sr-only"> ${t(lang, "group.new_tab")}</span>
          </a>
        </li>`,
      )}
    </ul>
  </section>`;
}

function JoinLinkCard({ ctx, group }: { ctx: PageContext; group: GroupView }): VNode {
  const { lang } = ctx;
  return html`<section class="card side-card" aria-labelledby="join-link-title">
    <h2 class="side-title" id="join-link-title">${t(lang, "group.join_link_title")}</h2>
    <div class="field">
      <label class="label sr-only" for="group-join-url">${t(lang, "group.join_link_label")}</label>
      ${CopyInput({ id: "group-join-url", value: group.joinUrl, attrs: { "aria-describedby": "group-join-url-hint", spellcheck: "false" } })}
      <p class="field-hint" id="group-join-url-hint">${t(lang, "group.join_link_hint")}</p>
      ${Island({ name: "CopyButton", props: { target: "group-join-url", label: t(lang, "copy.action"), done: t(lang, "copy.done") }, children: html`<span></span>` })}
    </div>
  </section>`;
}

function AboutCard({ ctx, group, side }: { ctx: PageContext; group: GroupView; side?: boolean }): VNode {
  const { lang } = ctx;
  return html`<section class=${side ? "card side-card" : "card"} aria-labelledby="about-title">
    <h2 class=${side ? "side-title" : "card-title"} id="about-title">${t(lang, "group.about")}</h2>
    ${group.description.trim()
      ? html`<div class="prose">${Paragraphs({ text: group.description })}</div>`
      : html`<p class="muted">${t(lang, "group.no_description")}</p>`}
  </section>`;
}

/**
 * /g/{slug}: the group's page, in the group's branding (render it with `brand: groupBrand(group)`).
 * With `discussion` (members), the main column holds the discussions and the sidebar the
 * chat, who is online and the leaderboard; visitors see the description instead.
 */
export function GroupPage({
  ctx,
  group,
  members,
  ability,
  notice,
  discussion,
  paid,
  events = [],
}: {
  ctx: PageContext;
  group: GroupView;
  members: MemberView[];
  ability: GroupAbility;
  notice?: string;
  discussion?: GroupDiscussion;
  /** The group's upcoming events, for its members (empty for anyone else). */
  events?: EventItem[];
  /** A paid group's plans and the reader's standing (null when no plan opens the group). */
  paid?: PaidGroupView | null;
}): VNode {
  const { lang } = ctx;
  const plans = !deletedOf(group) && paid?.standing === "choose" && paid.plans.length > 0 && group.membership === "none" && group.joinPolicy !== "invite" ? PlansCard({ lang, group, paid }) : null;
  const deleted = group.deletedAt !== null;
  const upcoming = GroupEvents({ lang, events, timeZone: ctx.tenant?.timezone ?? null });
  const showJoinLink = !deleted && (ability.edit || ability.manageMembers);
  return html`<div class="group-page">
    <div class="container">
      ${deleted && html`<div class="group-alert">${DeletedBanner({ ctx, group, ability })}</div>`}
      <section class="group-hero" aria-labelledby="group-name">
        ${GroupCover({ group, className: "group-cover" })}
        <div class="group-hero-body">
          ${GroupLogo({ group, className: "group-logo" })}
          <div class="group-heading">
            <h1 class="group-name" id="group-name">${group.name}</h1>
            <p class="group-meta">${tCount(lang, "group.members", group.memberCount)}</p>
            ${IncludedIn({ lang, paid, className: "group-included" })}
          </div>
          <div class="group-actions">
            ${!deleted && Membership({ ctx, group, paid })}
            ${ability.edit &&
            ButtonLink({ href: adminGroupPath(group.slug), variant: "secondary", children: t(lang, "group.manage") })}
          </div>
        </div>
      </section>
      ${notice && html`<div class="group-alert">${Alert({ tone: "success", children: notice })}</div>`}
      ${discussion
        ? html`<div class="group-layout has-discussion">
            <div class="group-main">${plans}${upcoming}${DiscussionMain({ ctx, group, discussion })}</div>
            <aside class="group-aside" aria-label=${t(lang, "group.aside")}>
              ${DiscussionSide({ ctx, group, discussion })}
              ${LinksCard({ ctx, group })}
              ${AboutCard({ ctx, group, side: true })}
              ${MembersCard({ ctx, group, members })}
              ${showJoinLink && JoinLinkCard({ ctx, group })}
            </aside>
          </div>`
        : html`<div class="group-layout">
            <div class="group-main">${plans}${upcoming}${AboutCard({ ctx, group })}</div>
            <aside class="group-aside" aria-label=${t(lang, "group.aside")}>
              ${showJoinLink && JoinLinkCard({ ctx, group })}
              ${MembersCard({ ctx, group, members })}
              ${LinksCard({ ctx, group })}
            </aside>
          </div>`}
    </div>
  </div>`;
}
