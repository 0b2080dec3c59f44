import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { ActionForm, Alert, initial, Section } from "../../ui/components";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";

/** A pending group invitation of the signed-in member (GET /api/v1/me/invitations). */
export type MyInvitationView = {
  id: string;
  groups: { slug: string; name: string }[];
  invitedBy: { name: string } | null;
  message: string | null;
  /** ISO */
  expiresAt: string;
};

export const MY_INVITATIONS_PATH = "/me/invitations";

function InvitationCard({ lang, item, timeZone }: { lang: Lang; item: MyInvitationView; timeZone: string | null }): VNode {
  const path = `${MY_INVITATIONS_PATH}/${encodeURIComponent(item.id)}`;
  const names = item.groups.map((g) => g.name).join(", ");
  return html`<li class="card my-invitation">
    <p class="my-invitation-from">
      ${item.invitedBy ? t(lang, "my_invitations.from", { name: item.invitedBy.name }) : t(lang, "my_invitations.from_someone")}
    </p>
    <ul class="invite-group-list">
      ${item.groups.map(
        (g) => html`<li class="invite-group">
          <span class="invite-group-badge" aria-hidden="true">${initial(g.name)}</span>
          <span class="invite-group-name">${g.name}</span>
        </li>`,
      )}
    </ul>
    ${item.message?.trim() && html`<blockquote class="my-invitation-message">${item.message.trim()}</blockquote>`}
    <p class="field-hint">${t(lang, "my_invitations.expires", { date: formatDate(lang, item.expiresAt, { timeZone }) })}</p>
    <div class="actions">
      ${ActionForm({ action: `${path}/accept`, variant: "primary", children: t(lang, "my_invitations.accept"), label: t(lang, "my_invitations.accept_label", { groups: names }) })}
      ${ActionForm({ action: `${path}/decline`, variant: "secondary", children: t(lang, "my_invitations.decline"), label: t(lang, "my_invitations.decline_label", { groups: names }) })}
    </div>
  </li>`;
}

/** The invitations as cards, each with its two answers (plain forms: no JavaScript needed). */
export function MyInvitationList({ ctx, items }: { ctx: PageContext; items: MyInvitationView[] }): VNode {
  const timeZone = ctx.tenant?.timezone ?? null;
  return html`<ul class="my-invitation-list">
    ${items.map((item) => InvitationCard({ lang: ctx.lang, item, timeZone }))}
  </ul>`;
}

/** The home page's section, shown only while invitations wait for an answer. */
export function MyInvitationsSection({ ctx, items }: { ctx: PageContext; items: MyInvitationView[] }): VNode | null {
  if (items.length === 0) return null;
  return Section({
    id: "my-invitations-title",
    className: "section",
    title: t(ctx.lang, "my_invitations.home_title"),
    intro: t(ctx.lang, "my_invitations.intro"),
    children: MyInvitationList({ ctx, items }),
  });
}

/** /me/invitations: every pending group invitation, and what became of the last answer. */
export function MyInvitationsPage({ ctx, items, notice }: { ctx: PageContext; items: MyInvitationView[]; notice?: string | undefined }): VNode {
  const { lang } = ctx;
  return html`<div class="container narrow section my-invitations">
    <h1 class="page-title">${t(lang, "my_invitations.title")}</h1>
    <p class="lead">${t(lang, "my_invitations.intro")}</p>
    ${notice && Alert({ tone: "success", children: notice })}
    ${items.length ? MyInvitationList({ ctx, items }) : html`<p class="empty">${t(lang, "my_invitations.empty")}</p>`}
  </div>`;
}
