import { html } from "htm/preact";
import type { VNode } from "preact";
import { languageOptions, t } from "../../i18n";
import { Button, ChoiceField, ColorInput, Field, FormSection, SelectField } from "../../ui/components";
import type { PageContext } from "../../ui/page";
import { DEFAULT_BRAND, parseHex } from "../../ui/theme";
import { safeImageUrl } from "../../ui/url";
import { ImageField } from "../../ui/image-field";
import { FormMessages } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";

export type TenantSettingsView = {
  name: string;
  signupPolicy: "open" | "approval" | "invite_only";
  groupCreation: "everyone" | "admins";
  defaultLanguage: string;
  primaryColor: string;
  accentColor: string | null;
  logoUrl: string | null;
  faviconUrl: string | null;
};

/** /admin/settings: the community's name, sign-up policy, language and theme. */
export function TenantSettingsPage({
  ctx,
  tenant,
  values = {},
  notice,
  formError,
  errors = {},
  viewingAsMember,
}: {
  ctx: PageContext;
  tenant: TenantSettingsView;
  values?: Record<string, string>;
  notice?: string;
  formError?: string;
  errors?: Record<string, string>;
  viewingAsMember: boolean;
}): VNode {
  const { lang } = ctx;
  const logo = safeImageUrl(tenant.logoUrl);
  const favicon = safeImageUrl(tenant.faviconUrl);
  const primary = values.primaryColor ?? tenant.primaryColor;
  // What the accent falls back to: the main colour, as long as it is a colour.
  const accentFallback = parseHex(primary) ? primary : parseHex(tenant.primaryColor) ? tenant.primaryColor : DEFAULT_BRAND;
  return AdminShell({
    ctx,
    section: "settings",
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, notice, formError, errors })}
      <form class="form admin-form" method="post" action="/admin/settings" enctype="multipart/form-data">
        <div class="admin-form-sections">
          ${FormSection({
            legend: t(lang, "admin.tenant.general_title"),
            children: html`${Field({
              name: "name",
              label: t(lang, "admin.tenant.name"),
              value: values.name ?? tenant.name,
              required: true,
              maxlength: 100,
              autocomplete: "organization",
              error: errors.name,
            })}
            ${SelectField({
              name: "defaultLanguage",
              label: t(lang, "admin.tenant.language"),
              value: values.defaultLanguage ?? tenant.defaultLanguage,
              options: languageOptions(tenant.defaultLanguage),
              hint: t(lang, "admin.tenant.language_hint"),
              error: errors.defaultLanguage,
            })}`,
          })}
          ${FormSection({
            legend: t(lang, "admin.tenant.signup_title"),
            children: html`${ChoiceField({
              name: "signupPolicy",
              legend: t(lang, "admin.tenant.signup_policy"),
              value: values.signupPolicy ?? tenant.signupPolicy,
              error: errors.signupPolicy,
              options: (["open", "approval", "invite_only"] as const).map((policy) => ({
                value: policy,
                label: t(lang, `admin.tenant.policy.${policy}`),
                description: t(lang, `admin.tenant.policy_desc.${policy}`),
              })),
            })}
            ${ChoiceField({
              name: "groupCreation",
              legend: t(lang, "admin.tenant.group_creation"),
              value: values.groupCreation ?? tenant.groupCreation,
              error: errors.groupCreation,
              options: (["everyone", "admins"] as const).map((who) => ({
                value: who,
                label: t(lang, `admin.tenant.group_creation.${who}`),
                description: t(lang, `admin.tenant.group_creation_desc.${who}`),
              })),
            })}`,
          })}
          ${FormSection({
            legend: t(lang, "admin.tenant.theme_title"),
            hint: t(lang, "admin.tenant.theme_hint"),
            children: html`<div class="field-pair">
              ${ColorInput({
                lang,
                name: "primaryColor",
                label: t(lang, "admin.tenant.primary_color"),
                value: primary,
                fallback: DEFAULT_BRAND,
                required: true,
                hint: t(lang, "admin.tenant.primary_color_hint"),
                error: errors.primaryColor,
              })}
              ${ColorInput({
                lang,
                name: "accentColor",
                label: t(lang, "admin.tenant.accent_color"),
                value: values.accentColor ?? tenant.accentColor,
                fallback: accentFallback,
                hint: t(lang, "admin.tenant.accent_color_hint"),
                error: errors.accentColor,
              })}
            </div>
            ${ImageField({
              lang,
              kind: "logo",
              error: errors.logo,
              current: logo && html`<img class="file-thumb file-thumb-logo" src=${logo} alt=${t(lang, "admin.tenant.current_logo")} />`,
            })}
            ${ImageField({
              lang,
              kind: "favicon",
              error: errors.favicon,
              current: favicon && html`<img class="file-thumb file-thumb-favicon" src=${favicon} alt=${t(lang, "admin.tenant.current_favicon")} />`,
            })}`,
          })}
        </div>
        <div class="form-actions">${Button({ children: t(lang, "admin.settings.save"), size: "lg" })}</div>
      </form>
    `,
  });
}
