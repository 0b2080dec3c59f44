import { html } from "htm/preact";
import type { VNode } from "preact";
import { LANGS, t } from "../../i18n";
import { Alert, AuthCard, Button, ButtonLink, Field, PasswordInput, SelectField } from "../../ui/components";
import { siteName, type PageContext } from "../../ui/page";
import { formInputs, ProfileInputs, type ProfileInputField } from "../profiles/inputs";

export function SignupPage({
  ctx,
  values = {},
  errors = {},
  formError,
  profileFields = [],
  next,
}: {
  ctx: PageContext;
  values?: { email?: string; name?: string; language?: string } & Record<string, string | string[] | undefined>;
  errors?: Record<string, string>;
  formError?: string;
  /** The community's profile fields asked at sign-up (posted as `profile.{key}`). */
  profileFields?: ProfileInputField[];
  /** Where to go once signed up (already made same-origin by the handler). */
  next?: string;
}): VNode {
  const { lang, tenant } = ctx;
  const community = siteName(ctx);

  if (tenant?.signupPolicy === "invite_only") {
    return AuthCard({
      title: t(lang, "signup.closed_title"),
      intro: t(lang, "signup.closed_body", { community }),
      children: html`<p class="auth-switch">
        ${t(lang, "signup.have_account")} <a href="/login">${t(lang, "signup.login_link")}</a>
      </p>`,
    });
  }

  const hasFieldErrors = Object.keys(errors).length > 0;
  return AuthCard({
    title: t(lang, "signup.heading", { community }),
    intro: t(lang, "signup.intro"),
    children: html`
      ${tenant?.signupPolicy === "approval" && Alert({ tone: "info", children: t(lang, "signup.approval_notice") })}
      ${formError
        ? Alert({ tone: "error", children: formError })
        : hasFieldErrors && Alert({ tone: "error", children: t(lang, "form.fix_errors") })}
      <form class="form" method="post" action="/signup">
        ${next && next !== "/" && html`<input type="hidden" name="next" value=${next} />`}
        ${Field({
          name: "name",
          label: t(lang, "signup.name"),
          value: values.name,
          autocomplete: "name",
          required: true,
          maxlength: 100,
          hint: t(lang, "signup.name_hint"),
          error: errors.name,
        })}
        ${Field({
          name: "email",
          label: t(lang, "signup.email"),
          type: "email",
          value: values.email,
          autocomplete: "email",
          required: true,
          verbatim: true,
          error: errors.email,
        })}
        ${PasswordInput({
          lang,
          name: "password",
          label: t(lang, "signup.password"),
          autocomplete: "new-password",
          meter: true,
          error: errors.password,
        })}
        ${SelectField({
          name: "language",
          label: t(lang, "signup.language"),
          value: values.language ?? lang,
          options: LANGS.map((code) => ({ value: code, label: t(code, `language.${code}`), lang: code })),
          error: errors.language,
        })}
        ${profileFields.length > 0 &&
        html`<fieldset class="fieldset signup-profile">
          <legend class="legend">${t(lang, "signup.profile_title")}</legend>
          ${ProfileInputs({ lang, fields: profileFields, values: formInputs(values), errors })}
        </fieldset>`}
        ${Button({ children: t(lang, "signup.submit"), block: true })}
      </form>
      <p class="auth-switch">${t(lang, "signup.have_account")} <a href=${next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login"}>${t(lang, "signup.login_link")}</a></p>
    `,
  });
}

export function SignupPendingPage({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  return AuthCard({
    title: t(lang, "signup.pending_title"),
    intro: t(lang, "signup.pending_body", { community: siteName(ctx) }),
    children: ButtonLink({ href: "/", variant: "secondary", block: true, children: t(lang, "form.back_home") }),
  });
}
