import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { Button, Field, FormMessages, FormSection, PageHead, PasswordInput } from "../../ui/components";
import type { PageContext } from "../../ui/page";

export function TenantSignupPage({
  ctx,
  values = {},
  errors = {},
  formError,
  rootDomain,
}: {
  ctx: PageContext;
  values?: { name?: string; subdomain?: string; ownerName?: string; ownerEmail?: string };
  errors?: Record<string, string>;
  formError?: string;
  rootDomain: string;
}): VNode {
  const { lang } = ctx;
  return html`<div class="container narrow">
    ${PageHead({ title: t(lang, "new_tenant.title"), lead: t(lang, "new_tenant.intro") })}
    ${FormMessages({ lang, formError, errors })}
    <form class="form" method="post" action="/new">
      ${FormSection({
        legend: t(lang, "new_tenant.section_community"),
        children: html`${Field({
          name: "name",
          label: t(lang, "new_tenant.name"),
          value: values.name,
          required: true,
          maxlength: 100,
          autocomplete: "organization",
          hint: t(lang, "new_tenant.name_hint"),
          error: errors.name,
        })}
        ${Field({
          name: "subdomain",
          label: t(lang, "new_tenant.subdomain"),
          value: values.subdomain,
          required: true,
          maxlength: 63,
          autocomplete: "off",
          verbatim: true,
          suffix: `.${rootDomain}`,
          hint: t(lang, "new_tenant.subdomain_hint"),
          error: errors.subdomain,
        })}`,
      })}
      ${FormSection({
        legend: t(lang, "new_tenant.section_owner"),
        children: html`${Field({
          name: "ownerName",
          label: t(lang, "new_tenant.owner_name"),
          value: values.ownerName,
          required: true,
          maxlength: 100,
          autocomplete: "name",
          error: errors.ownerName,
        })}
        ${Field({
          name: "ownerEmail",
          label: t(lang, "new_tenant.owner_email"),
          type: "email",
          value: values.ownerEmail,
          required: true,
          autocomplete: "email",
          verbatim: true,
          error: errors.ownerEmail,
        })}
        ${PasswordInput({
          lang,
          name: "ownerPassword",
          label: t(lang, "new_tenant.owner_password"),
          autocomplete: "new-password",
          meter: true,
          error: errors.ownerPassword,
        })}`,
      })}
      ${Button({ children: t(lang, "new_tenant.submit"), size: "lg", block: true })}
      <p class="form-aside center">${t(lang, "new_tenant.have_community")}</p>
    </form>
  </div>`;
}
