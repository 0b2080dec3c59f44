import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { AccountPasswordField, EmailField, LanguageField, NameField } from "../../ui/account-fields";
import { Alert, AuthCard, Button, ButtonLink, FormMessages } from "../../ui/components";
import { siteName, type PageContext } from "../../ui/page";
import { formInputs, ProfileInputs, type ProfileInputField } from "../profiles/inputs";
import { SignupPlans } from "../memberships/signup-plans";
import type { PlanOffer } from "../memberships/plans";

export function SignupPage({
  ctx,
  values = {},
  errors = {},
  formError,
  profileFields = [],
  plans = [],
  next,
}: {
  ctx: PageContext;
  values?: { email?: string; name?: string; language?: string } & Record<string, string | string[] | undefined>;
  errors?: Record<string, string>;
  formError?: string;
  /** The community's profile fields asked at sign-up (posted as `profile.{key}`). */
  profileFields?: ProfileInputField[];
  /** The plans offered at sign-up (posted as `planId`, with `billing.*`); none: the form is as without plans. */
  plans?: PlanOffer[];
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

  return AuthCard({
    title: t(lang, "signup.heading", { community }),
    intro: t(lang, "signup.intro"),
    children: html`
      ${tenant?.signupPolicy === "approval" && Alert({ tone: "info", children: t(lang, "signup.approval_notice") })}
      ${FormMessages({ lang, formError, errors })}
      <form class="form" method="post" action="/signup">
        ${next && next !== "/" && html`<input type="hidden" name="next" value=${next} />`}
        ${NameField({ lang, value: values.name, error: errors.name })}
        ${EmailField({ lang, value: values.email, error: errors.email })}
        ${AccountPasswordField({ lang, error: errors.password })}
        ${LanguageField({ lang, value: values.language, error: errors.language })}
        ${profileFields.length > 0 &&
        html`<fieldset class="fieldset signup-profile">
          <legend class="legend">${t(lang, "signup.profile_title")}</legend>
          ${ProfileInputs({ lang, fields: profileFields, values: formInputs(values), errors })}
        </fieldset>`}
        ${plans.length > 0 && SignupPlans({ lang, plans, values, errors })}
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
