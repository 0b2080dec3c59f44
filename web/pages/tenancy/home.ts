import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang, type MessageKey } from "../../i18n";
import { ButtonLink, initial, Section } from "../../ui/components";
import { codeLabel } from "../../ui/format";
import { siteName, type PageContext } from "../../ui/page";

export type HomeGroup = { slug: string; name: string; description: string; memberCount: number; role: string | null };

const ROLE_KEYS: Record<string, MessageKey> = {
  owner: "role.owner",
  admin: "role.admin",
  moderator: "role.moderator",
  member: "role.member",
};

export function roleLabel(lang: Lang, role: string): string {
  return codeLabel(lang, ROLE_KEYS, role);
}

export function GroupCard({ lang, group }: { lang: Lang; group: HomeGroup }): VNode {
  return html`<li class="card card-lift group-card">
    <div class="group-card-head">
      <span class="group-badge" aria-hidden="true">${initial(group.name)}</span>
      <h3 class="group-card-title"><a class="card-link" href=${`/g/${encodeURIComponent(group.slug)}`}>${group.name}</a></h3>
    </div>
    ${group.description && html`<p class="group-card-desc">${group.description}</p>`}
    <p class="group-card-meta">
      <span>${tCount(lang, "group.members", group.memberCount)}</span>
      ${group.role && html`<span class="badge">${roleLabel(lang, group.role)}</span>`}
    </p>
  </li>`;
}

export function GroupGrid({ lang, groups, empty }: { lang: Lang; groups: HomeGroup[]; empty: string }): VNode {
  return groups.length
    ? html`<ul class="group-grid">${groups.map((group) => GroupCard({ lang, group }))}</ul>`
    : html`<p class="empty">${empty}</p>`;
}

function Welcome({ ctx, groups }: { ctx: PageContext; groups: HomeGroup[] }): VNode {
  const { lang, tenant } = ctx;
  const inviteOnly = tenant?.signupPolicy === "invite_only";
  return html`<div class="home">
    <section class="hero">
      <div class="container hero-inner">
        <h1 class="hero-title">${t(lang, "home.hero_title", { community: siteName(ctx) })}</h1>
        <p class="lead">${t(lang, "home.hero_body")}</p>
        ${inviteOnly && html`<p class="hero-note">${t(lang, "home.invite_only")}</p>`}
        <div class="actions">
          ${!inviteOnly && ButtonLink({ href: "/signup", size: "lg", children: t(lang, "home.cta_signup") })}
          ${ButtonLink({
            href: "/login",
            size: "lg",
            variant: inviteOnly ? "primary" : "secondary",
            children: t(lang, "home.cta_login"),
          })}
        </div>
      </div>
    </section>
    ${Section({
      id: "groups-title",
      className: "container section",
      title: t(lang, "home.groups_title"),
      intro: groups.length > 0 && t(lang, "home.groups_intro"),
      children: GroupGrid({ lang, groups, empty: t(lang, "home.no_groups") }),
    })}
  </div>`;
}

/** The community's home for visitors (a signed-in member gets the dashboard, web/pages/dashboard). */
export function HomePage({ ctx, groups }: { ctx: PageContext; groups: HomeGroup[] }): VNode {
  return Welcome({ ctx, groups });
}
