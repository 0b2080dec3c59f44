import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { Alert, AuthCard, Button, ButtonLink, Field, PasswordInput } from "../../ui/components";
import { siteName, type PageContext } from "../../ui/page";

export function LoginPage({
  ctx,
  email,
  error,
  notice,
  next,
  loginLink,
}: {
  ctx: PageContext;
  email?: string;
  error?: string;
  notice?: string;
  next?: string;
  /** Logins are throttled for this account: offer a one-time sign-in link by email. */
  loginLink?: boolean;
}): VNode {
  const { lang, tenant } = ctx;
  const signupOpen = tenant?.signupPolicy !== "invite_only";
  const withNext = (path: string) => (next && next !== "/" ? `${path}?next=${encodeURIComponent(next)}` : path);
  return AuthCard({
    title: t(lang, "login.heading"),
    intro: t(lang, "login.intro", { community: siteName(ctx) }),
    children: html`
      ${notice && Alert({ tone: "info", children: notice })}
      ${error && Alert({ tone: "error", children: error })}
      ${loginLink &&
      html`<form class="form login-link-offer" method="post" action="/login/link/send">
        ${email
          ? html`<input type="hidden" name="email" value=${email} />
              <p class="field-hint">${t(lang, "login.link_offer_hint", { email })}</p>`
          : Field({ name: "email", label: t(lang, "login.email"), type: "email", autocomplete: "username", required: true, verbatim: true })}
        ${Button({ children: t(lang, "login.link_offer"), variant: "secondary", block: true })}
      </form>`}
      <form class="form" method="post" action="/login">
        ${next && html`<input type="hidden" name="next" value=${next} />`}
        ${Field({
          name: "email",
          label: t(lang, "login.email"),
          type: "email",
          value: email,
          autocomplete: "username",
          required: true,
          autofocus: !email,
          verbatim: true,
        })}
        ${PasswordInput({ lang, name: "password", label: t(lang, "login.password"), autocomplete: "current-password" })}
        <p class="form-aside"><a href="/reset">${t(lang, "login.forgot")}</a></p>
        ${Button({ children: t(lang, "login.submit"), block: true })}
      </form>
      ${signupOpen &&
      html`<p class="auth-switch">${t(lang, "login.no_account")} <a href=${withNext("/signup")}>${t(lang, "login.signup_link")}</a></p>`}
    `,
  });
}

/** After asking for a sign-in link: the same answer whether or not the address has an account. */
export function LoginLinkSentPage({ ctx, email }: { ctx: PageContext; email: string }): VNode {
  const { lang } = ctx;
  return AuthCard({
    title: t(lang, "login_link.sent_title"),
    children: html`
      ${Alert({ tone: "success", children: t(lang, "login_link.sent_body", { email }) })}
      ${ButtonLink({ href: "/login", variant: "secondary", block: true, children: t(lang, "reset.back_to_login") })}
    `,
  });
}
