import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { AccountPasswordField, NameField } from "../../ui/account-fields";
import { AuthCard, Button, ButtonLink, FormMessages, initial } from "../../ui/components";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { Paragraphs } from "../groups/shared";

/** What the invitation page shows of an invitation (the worker's lookup, shaped for people). */
export type InvitationView = {
  email: string;
  communityName: string;
  groups: { slug: string; name: string }[];
  inviterName: string | null;
  message: string | null;
  /** ISO */
  expiresAt: string;
};

/**
 * - `form`: signed out, the invitation is valid: set a name and a password to join;
 * - `expired`: past its 30 days;
 * - `signed_in_same`: signed in with the invited address: one button joins the groups;
 * - `signed_in_other`: signed in with another address: log out to switch accounts;
 * - `declined`: the person just said no (from `form` or `signed_in_same`).
 */
export type InviteState = "form" | "expired" | "signed_in_same" | "signed_in_other" | "declined";

/** Decorative; the card's class picks the picture (an envelope, an hourglass, two people). */
const Icon = () => html`<span class="invite-icon" aria-hidden="true"></span>`;

export const invitePath = (token: string) => `/invite/${encodeURIComponent(token)}`;

/** The inviter's personal message, quoted as plain text (blank lines make paragraphs). */
function Message({ lang, invitation }: { lang: Lang; invitation: InvitationView }): VNode | null {
  const text = invitation.message?.trim();
  if (!text) return null;
  return html`<figure class="invite-message">
    <figcaption class="invite-message-from">
      ${invitation.inviterName
        ? t(lang, "invite.message_from", { inviter: invitation.inviterName })
        : t(lang, "invite.message_personal")}
    </figcaption>
    <blockquote class="invite-quote">${Paragraphs({ text, className: "invite-quote-text" })}</blockquote>
  </figure>`;
}

/** The groups the invitation leads into, as a list of named chips. */
function Groups({ lang, groups }: { lang: Lang; groups: InvitationView["groups"] }): VNode | null {
  if (groups.length === 0) return null;
  return html`<div class="invite-groups">
    <p class="invite-groups-title" id="invite-groups-title">${t(lang, "invite.groups_title")}</p>
    <ul class="invite-group-list" aria-labelledby="invite-groups-title">
      ${groups.map(
        (g) => html`<li class="invite-group">
          <span class="invite-group-badge" aria-hidden="true">${initial(g.name)}</span>
          <span class="invite-group-name">${g.name}</span>
        </li>`,
      )}
    </ul>
  </div>`;
}

/**
 * /invite/{token}: accept an invitation. The email is the invitation's, shown but never
 * editable (nor submitted); the person sets a name and a password.
 */
export function InvitePage({
  ctx,
  token,
  invitation,
  state,
  values = {},
  errors = {},
  formError,
}: {
  ctx: PageContext;
  token: string;
  invitation: InvitationView;
  state: InviteState;
  values?: { name?: string };
  errors?: Record<string, string>;
  formError?: string;
}): VNode {
  const { lang } = ctx;
  const community = invitation.communityName;
  const inviter = invitation.inviterName;
  const timeZone = ctx.tenant?.timezone;
  const action = invitePath(token);
  const errorAlert = FormMessages({ lang, formError, errors });

  /** Saying no is always one button away, with or without an account. */
  const declineForm = html`<form class="inline-form invite-decline" method="post" action=${`${action}/decline`}>
    ${Button({ children: t(lang, "invite.decline"), variant: "ghost", size: "sm" })}
  </form>`;

  switch (state) {
    case "declined":
      return AuthCard({
        className: "invite-card invite-card-declined",
        title: t(lang, "invite.declined_title"),
        intro: t(lang, "invite.declined_intro", { community }),
        children: html`
          ${Icon()} ${ButtonLink({ href: "/", variant: "secondary", block: true, children: t(lang, "form.back_home") })}
        `,
      });

    case "expired":
      return AuthCard({
        className: "invite-card invite-card-expired",
        title: t(lang, "invite.expired_title"),
        intro: t(lang, "invite.expired_intro", { community, date: formatDate(lang, invitation.expiresAt, { timeZone }) }),
        children: html`
          ${Icon()}
          <p class="invite-text">
            ${inviter ? t(lang, "invite.expired_ask_by", { inviter }) : t(lang, "invite.expired_ask")}
          </p>
          ${ButtonLink({ href: "/", variant: "secondary", block: true, children: t(lang, "form.back_home") })}
        `,
      });

    case "signed_in_other":
      return AuthCard({
        className: "invite-card invite-card-other",
        title: t(lang, "invite.other_title"),
        intro: t(lang, "invite.other_intro", { email: invitation.email, current: ctx.user?.email ?? "" }),
        children: html`
          ${Icon()}
          <p class="invite-text">${t(lang, "invite.other_body", { email: invitation.email })}</p>
          <form class="form" method="post" action="/logout">
            <input type="hidden" name="next" value=${action} />
            ${Button({ children: t(lang, "invite.other_logout"), block: true })}
          </form>
          <p class="auth-switch"><a href="/">${t(lang, "invite.other_stay")}</a></p>
        `,
      });

    case "signed_in_same": {
      const hasGroups = invitation.groups.length > 0;
      return AuthCard({
        className: "invite-card",
        title: hasGroups
          ? inviter
            ? t(lang, "invite.same_title_by", { inviter })
            : t(lang, "invite.same_title")
          : t(lang, "invite.heading", { community }),
        intro: t(lang, "invite.same_intro", { email: invitation.email }),
        children: html`
          ${Icon()}
          ${Message({ lang, invitation })} ${Groups({ lang, groups: invitation.groups })} ${errorAlert}
          <form class="form" method="post" action=${`${action}/accept-as-me`}>
            ${Button({ children: t(lang, hasGroups ? "invite.same_submit" : "invite.same_submit_no_groups"), block: true })}
          </form>
          ${declineForm}
        `,
      });
    }

    default:
      return AuthCard({
        className: "invite-card",
        title: t(lang, "invite.heading", { community }),
        intro: inviter ? t(lang, "invite.intro_by", { inviter, community }) : t(lang, "invite.intro", { community }),
        children: html`
          ${Icon()}
          ${Message({ lang, invitation })} ${Groups({ lang, groups: invitation.groups })} ${errorAlert}
          <form class="form" method="post" action=${action}>
            <input type="hidden" name="token" value=${token} />
            <div class="field">
              ${/* A real, labelled field (read-only: the invitation's address), which password managers take as the username. */ ""}
              <label class="label" for="invite-email">${t(lang, "invite.email")}</label>
              <input class="input invite-email" id="invite-email" type="email" value=${invitation.email} readonly autocomplete="username" aria-describedby="invite-email-hint" />
              <p class="field-hint" id="invite-email-hint">${t(lang, "invite.email_hint")}</p>
            </div>
            ${NameField({ lang, value: values.name, error: errors.name })}
            ${AccountPasswordField({ lang, error: errors.password })}
            ${Button({ children: t(lang, "invite.submit", { community }), block: true })}
          </form>
          <p class="auth-switch">${t(lang, "invite.valid_until", { date: formatDate(lang, invitation.expiresAt, { timeZone }) })}</p>
          ${declineForm}
        `,
      });
  }
}

/**
 * A used or withdrawn invitation link, in the invitee's language: an accepted one
 * sends the person to log in with the invited address; a revoked one says who to ask.
 */
export function InviteClosedPage({ ctx, status, email, communityName }: { ctx: PageContext; status: "accepted" | "revoked"; email: string; communityName: string }): VNode {
  const { lang } = ctx;
  const community = communityName;
  const accepted = status === "accepted";
  return AuthCard({
    className: "invite-card invite-card-closed",
    title: t(lang, accepted ? "invite.accepted_title" : "invite.revoked_title"),
    intro: t(lang, accepted ? "invite.accepted_intro" : "invite.revoked_intro", { email, community }),
    children: html`
      ${Icon()}
      ${accepted
        ? html`${ButtonLink({ href: `/login?email=${encodeURIComponent(email)}&lang=${lang}`, block: true, children: t(lang, "invite.accepted_login") })}
            <p class="auth-switch"><a href="/reset">${t(lang, "invite.accepted_forgot")}</a></p>`
        : ButtonLink({ href: "/", variant: "secondary", block: true, children: t(lang, "form.back_home") })}
    `,
  });
}
