import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { Alert, AuthCard, Button, ButtonLink, Field, PasswordInput } from "../../ui/components";
import type { PageContext } from "../../ui/page";

export function ResetRequestPage({ ctx, sent, email }: { ctx: PageContext; sent?: boolean; email?: string }): VNode {
  const { lang } = ctx;
  if (sent) {
    return AuthCard({
      title: t(lang, "reset.sent_title"),
      children: html`
        ${Alert({
          tone: "success",
          children: email ? t(lang, "reset.sent_body", { email }) : t(lang, "reset.sent_body_generic"),
        })}
        ${ButtonLink({ href: "/login", variant: "secondary", block: true, children: t(lang, "reset.back_to_login") })}
      `,
    });
  }
  return AuthCard({
    title: t(lang, "reset.title"),
    intro: t(lang, "reset.intro"),
    children: html`
      <form class="form" method="post" action="/reset">
        ${Field({
          name: "email",
          label: t(lang, "reset.email"),
          type: "email",
          value: email,
          autocomplete: "email",
          required: true,
          autofocus: true,
          verbatim: true,
        })}
        ${Button({ children: t(lang, "reset.submit"), block: true })}
      </form>
      <p class="auth-switch"><a href="/login">${t(lang, "reset.back_to_login")}</a></p>
    `,
  });
}

export function ResetConfirmPage({ ctx, token, error }: { ctx: PageContext; token: string; error?: string }): VNode {
  const { lang } = ctx;
  return AuthCard({
    title: t(lang, "reset.confirm_title"),
    intro: t(lang, "reset.confirm_intro"),
    children: html`
      ${error && Alert({ tone: "error", children: error })}
      <form class="form" method="post" action="/reset/confirm">
        <input type="hidden" name="token" value=${token} />
        ${PasswordInput({
          lang,
          name: "password",
          label: t(lang, "reset.new_password"),
          autocomplete: "new-password",
          meter: true,
        })}
        ${Button({ children: t(lang, "reset.confirm_submit"), block: true })}
      </form>
      <p class="auth-switch"><a href="/reset">${t(lang, "reset.request_new")}</a></p>
    `,
  });
}
