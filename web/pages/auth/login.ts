import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { Alert, AuthCard, Button, Field, PasswordInput } from "../../ui/components";
import { siteName, type PageContext } from "../../ui/page";

export function LoginPage({
  ctx,
  email,
  error,
  notice,
  next,
}: {
  ctx: PageContext;
  email?: string;
  error?: string;
  notice?: string;
  next?: string;
}): VNode {
  const { lang, tenant } = ctx;
  const signupOpen = tenant?.signupPolicy !== "invite_only";
  return AuthCard({
    title: t(lang, "login.heading"),
    intro: t(lang, "login.intro", { community: siteName(ctx) }),
    children: html`
      ${notice && Alert({ tone: "info", children: notice })}
      ${error && Alert({ tone: "error", children: error })}
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
      html`<p class="auth-switch">${t(lang, "login.no_account")} <a href="/signup">${t(lang, "login.signup_link")}</a></p>`}
    `,
  });
}
