import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import type { BillingFormValues, BillingLocks } from "../../../worker/invoices/types";
import { AdminShell } from "../../ui/admin-layout";
import { InvoicesTabs } from "./admin-invoices";
import { Alert, Button, Field, FormMessages, FormSection, TextareaField } from "../../ui/components";
import { fieldMessages } from "../../ui/fields";
import type { PageContext } from "../../ui/page";

export const BILLING_SETTINGS_PATH = "/admin/invoices/settings";
const DISCONNECT_FORM = "billing-stripe-disconnect";

/** An input the shared Field does not draw: a locked (disabled) value, or a secret that is never filled back. */
function PlainInput({
  name,
  label,
  value,
  type = "text",
  disabled,
  hint,
  error,
  suffix,
}: {
  name: string;
  label: string;
  value?: string;
  type?: "text" | "password" | "number";
  disabled?: boolean;
  hint?: string | undefined;
  error?: string | undefined;
  suffix?: string;
}): VNode {
  const id = `field-${name}`;
  const messages = fieldMessages(id, { hint, error });
  const input = html`<input
    class="input"
    id=${id}
    name=${name}
    type=${type}
    value=${value}
    disabled=${disabled}
    autocomplete=${type === "password" ? "off" : undefined}
    autocapitalize="none"
    spellcheck="false"
    aria-describedby=${messages.describedby}
    aria-invalid=${error ? "true" : undefined}
  />`;
  return html`<div class=${error ? "field has-error" : "field"}>
    <label class="label" for=${id}>${label}</label>
    ${suffix ? html`<div class="input-group">${input}<span class="input-suffix" aria-hidden="true">${suffix}</span></div>` : input}
    ${messages.nodes}
  </div>`;
}

function InvoicesSection({ lang, values, locks, errors }: { lang: Lang; values: BillingFormValues; locks: BillingLocks; errors: Record<string, string> }): VNode {
  return FormSection({
    legend: t(lang, "billing.section.invoices"),
    children: html`<div class="billing-grid">
      ${locks.currency
        ? PlainInput({ name: "currency", label: t(lang, "billing.field.currency"), value: values.currency, disabled: true, hint: t(lang, "billing.locked.currency") })
        : Field({ name: "currency", label: t(lang, "billing.field.currency"), value: values.currency, required: true, maxlength: 3, verbatim: true, hint: t(lang, "billing.field.currency_hint"), error: errors.currency })}
      ${locks.invoiceDay
        ? PlainInput({ name: "invoiceDay", label: t(lang, "billing.field.invoice_day"), value: values.invoiceDay, disabled: true, hint: t(lang, "billing.locked.invoice_day") })
        : Field({ name: "invoiceDay", label: t(lang, "billing.field.invoice_day"), type: "number", value: values.invoiceDay, required: true, inputmode: "numeric", hint: t(lang, "billing.field.invoice_day_hint"), error: errors.invoiceDay })}
      ${Field({ name: "numberPrefix", label: t(lang, "billing.field.number_prefix"), value: values.numberPrefix, maxlength: 12, verbatim: true, hint: t(lang, "billing.field.number_prefix_hint", { example: `${values.numberPrefix || "INV"}2026-1` }), error: errors.numberPrefix })}
      ${Field({ name: "paymentTermsDays", label: t(lang, "billing.field.payment_terms"), type: "number", value: values.paymentTermsDays, required: true, inputmode: "numeric", suffix: t(lang, "plans.days"), hint: t(lang, "billing.field.payment_terms_hint"), error: errors.paymentTermsDays })}
      ${Field({ name: "defaultTaxRate", label: t(lang, "billing.field.tax_rate"), value: values.defaultTaxRate, inputmode: "decimal", suffix: "%", hint: t(lang, "billing.field.tax_rate_hint"), error: errors.defaultTaxRate })}
    </div>`,
  });
}

function SellerSection({ lang, values, errors }: { lang: Lang; values: BillingFormValues; errors: Record<string, string> }): VNode {
  const optional = t(lang, "plans.optional");
  return FormSection({
    legend: t(lang, "billing.section.seller"),
    hint: t(lang, "billing.section.seller_hint"),
    children: html`
      ${Field({ name: "sellerName", label: t(lang, "billing.field.seller_name"), value: values.sellerName, required: true, maxlength: 200, error: errors.sellerName })}
      ${TextareaField({ name: "sellerAddress", label: t(lang, "billing.field.seller_address"), value: values.sellerAddress, rows: 3, maxlength: 1000, error: errors.sellerAddress })}
      <div class="billing-grid">
        ${Field({ name: "taxId", label: t(lang, "billing.field.tax_id"), tag: optional, value: values.taxId, maxlength: 50, verbatim: true, hint: t(lang, "billing.field.tax_id_hint"), error: errors.taxId })}
        ${Field({ name: "iban", label: t(lang, "billing.field.iban"), tag: optional, value: values.iban, maxlength: 50, verbatim: true, hint: t(lang, "billing.field.iban_hint"), error: errors.iban })}
        ${Field({ name: "bic", label: t(lang, "billing.field.bic"), tag: optional, value: values.bic, maxlength: 11, verbatim: true, error: errors.bic })}
      </div>
    `,
  });
}

function StripeSection({
  lang,
  connected,
  available,
  webhookUrl,
  errors,
}: {
  lang: Lang;
  connected: boolean;
  available: boolean;
  webhookUrl: string;
  errors: Record<string, string>;
}): VNode {
  return FormSection({
    legend: t(lang, "billing.section.stripe"),
    hint: t(lang, "billing.section.stripe_hint"),
    children: html`
      <div class="billing-stripe-status">
        <span class=${connected ? "badge badge-success" : "badge badge-quiet"}>${t(lang, connected ? "billing.stripe.connected" : "billing.stripe.not_connected")}</span>
        ${connected &&
        html`<button type="submit" form=${DISCONNECT_FORM} class="btn btn-secondary btn-sm">${t(lang, "billing.stripe.disconnect")}</button>`}
      </div>
      ${!available && Alert({ tone: "info", children: t(lang, "billing.stripe.unavailable") })}
      <p class="field-hint billing-webhook">${t(lang, "billing.stripe.webhook_intro")} <code class="billing-code">${webhookUrl}</code></p>
      <div class="billing-grid">
        ${PlainInput({
          name: "stripeSecretKey",
          label: t(lang, "billing.field.stripe_secret_key"),
          type: "password",
          disabled: !available,
          hint: t(lang, connected ? "billing.field.stripe_keep" : "billing.field.stripe_secret_key_hint"),
          error: errors.stripeSecretKey,
        })}
        ${PlainInput({
          name: "stripeWebhookSecret",
          label: t(lang, "billing.field.stripe_webhook_secret"),
          type: "password",
          disabled: !available,
          hint: t(lang, connected ? "billing.field.stripe_keep" : "billing.field.stripe_webhook_secret_hint"),
          error: errors.stripeWebhookSecret,
        })}
      </div>
    `,
  });
}

/** /admin/invoices/settings: how the community invoices, who the seller is, and its own Stripe account. */
export function BillingSettingsPage({
  ctx,
  viewingAsMember,
  values,
  locks,
  connected,
  secretsAvailable,
  webhookUrl,
  errors,
  formError,
  notice,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  values: BillingFormValues;
  locks: BillingLocks;
  connected: boolean;
  secretsAvailable: boolean;
  webhookUrl: string;
  errors: Record<string, string>;
  formError?: string | undefined;
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  return AdminShell({
    ctx,
    section: "invoices",
    viewingAsMember,
    heading: t(lang, "billing.title"),
    children: html`
      ${InvoicesTabs({ ctx })}
      ${FormMessages({ lang, notice, formError, errors })}
      <p class="section-intro billing-intro">${t(lang, "billing.intro")}</p>
      <form class="form billing-form" method="post" action=${BILLING_SETTINGS_PATH}>
        ${InvoicesSection({ lang, values, locks, errors })} ${SellerSection({ lang, values, errors })}
        ${StripeSection({ lang, connected, available: secretsAvailable, webhookUrl, errors })}
        <div class="form-actions">${Button({ children: t(lang, "billing.save"), size: "lg" })}</div>
      </form>
      ${connected && html`<form id=${DISCONNECT_FORM} method="post" action=${`${BILLING_SETTINGS_PATH}/disconnect`}></form>`}
    `,
  });
}
