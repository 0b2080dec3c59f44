import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import type { AdminInvoiceForm, InvoiceView, PaymentFormValues, VoidFormValues } from "../../../worker/invoices/types";
import { AdminShell } from "../../ui/admin-layout";
import { ActionForm, Alert, Button, Field, FormMessages, FormSection, SelectField, TextareaField } from "../../ui/components";
import { CheckboxField } from "../../ui/fields";
import { formatDay, formatMoney, formatNumber } from "../../ui/format";
import { DataTable } from "../../ui/table";
import type { PageContext } from "../../ui/page";

// /admin/invoices/{id}: one invoice for the community's owners and admins, its payments, and
// the forms that record a payment and void it (branch inv-pay).

export const adminInvoicePath = (id: string) => `/admin/invoices/${encodeURIComponent(id)}`;

/** The methods an admin records by hand (payments.ts MANUAL_METHODS); card payments come from the provider. */
const MANUAL_METHODS = ["bank_transfer", "cash", "other"] as const;

const STATUS: Record<InvoiceView["status"], { key: MessageKey; badge: string }> = {
  open: { key: "admin_invoice.status.open", badge: "badge-warning" },
  paid: { key: "admin_invoice.status.paid", badge: "badge-success" },
  void: { key: "admin_invoice.status.void", badge: "badge-quiet" },
};

const METHOD: Record<string, MessageKey> = {
  bank_transfer: "admin_invoice.method.bank_transfer",
  cash: "admin_invoice.method.cash",
  card: "admin_invoice.method.card",
  other: "admin_invoice.method.other",
};

const day = (lang: Lang, d: string, short = false) => html`<time datetime=${d}>${formatDay(lang, d, { short })}</time>`;
const rate = (lang: Lang, r: number) => formatNumber(lang, r / 100, { style: "percent", maximumFractionDigits: 2 });

function Party({ lang, title, party }: { lang: Lang; title: string; party: InvoiceView["seller"] }): VNode {
  return html`<div class="admin-invoice-party">
    <h3 class="admin-invoice-party-title">${title}</h3>
    <p class="admin-invoice-party-name">${party.name}</p>
    ${party.address && html`<p class="admin-invoice-address">${party.address}</p>`}
    ${party.taxId && html`<p class="admin-invoice-tax-id">${t(lang, "admin_invoice.tax_id", { taxId: party.taxId })}</p>`}
  </div>`;
}

function Summary({ lang, invoice }: { lang: Lang; invoice: InvoiceView }): VNode {
  const status = STATUS[invoice.status];
  return html`<div class="card admin-invoice-summary">
    <div class="admin-invoice-facts">
      <div><span class="admin-invoice-label">${t(lang, "admin_invoice.status")}</span> <span class=${`badge ${status.badge}`}>${t(lang, status.key)}</span></div>
      <div><span class="admin-invoice-label">${t(lang, "admin_invoice.issued_on")}</span> ${day(lang, invoice.issuedOn)}</div>
      <div><span class="admin-invoice-label">${t(lang, "admin_invoice.due_on")}</span> ${day(lang, invoice.dueOn)}</div>
      <div><span class="admin-invoice-label">${t(lang, "admin_invoice.balance")}</span> <strong class="admin-invoice-balance">${formatMoney(lang, invoice.balance)}</strong></div>
    </div>
    <div class="admin-invoice-links">
      <a class="btn btn-secondary btn-sm" href=${`/api/v1/invoices/${encodeURIComponent(invoice.id)}/pdf?lang=${lang}`}>${t(lang, "admin_invoice.pdf")}</a>
      ${invoice.creditNote &&
      html`<a class="btn btn-secondary btn-sm" href=${`/api/v1/invoices/${encodeURIComponent(invoice.id)}/credit-note/pdf?lang=${lang}`}
        >${t(lang, "admin_invoice.credit_note_pdf", { number: invoice.creditNote.number })}</a
      >`}
    </div>
    ${invoice.creditNote &&
    Alert({
      tone: "info",
      title: t(lang, "admin_invoice.voided_title", { number: invoice.creditNote.number, date: formatDay(lang, invoice.creditNote.issuedOn) }),
      children: invoice.voidReason ? t(lang, "admin_invoice.voided_reason", { reason: invoice.voidReason }) : undefined,
    })}
    <div class="admin-invoice-parties">
      ${Party({ lang, title: t(lang, "admin_invoice.seller"), party: invoice.seller })} ${Party({ lang, title: t(lang, "admin_invoice.buyer"), party: invoice.buyer })}
    </div>
  </div>`;
}

function Lines({ lang, invoice }: { lang: Lang; invoice: InvoiceView }): VNode {
  const cols = { desc: t(lang, "admin_invoice.col.description"), unit: t(lang, "admin_invoice.col.unit_amount"), tax: t(lang, "admin_invoice.col.tax_rate"), amount: t(lang, "admin_invoice.col.amount") };
  return html`<section class="admin-panel admin-invoice-section" aria-labelledby="admin-invoice-lines">
    <div class="section-head"><h2 id="admin-invoice-lines">${t(lang, "admin_invoice.lines")}</h2></div>
    <div class="card table-card">
      ${DataTable({
        className: "table table-stack-sm admin-invoice-lines",
        labelledBy: "admin-invoice-lines",
        columns: [cols.desc, { title: cols.unit, className: "num" }, { title: cols.tax, className: "num" }, { title: cols.amount, className: "num" }],
        children: invoice.lines.map(
          (l) => html`<tr>
            <th scope="row" class="cell-description">${l.description}</th>
            <td class="num" data-label=${cols.unit}>${l.quantity === 1 ? formatMoney(lang, l.unitAmount) : `${formatNumber(lang, l.quantity)} × ${formatMoney(lang, l.unitAmount)}`}</td>
            <td class="num" data-label=${cols.tax}>${rate(lang, l.taxRate)}</td>
            <td class="num" data-label=${cols.amount}>${formatMoney(lang, l.amount)}</td>
          </tr>`,
        ),
      })}
      <dl class="admin-invoice-totals">
        <div><dt>${t(lang, "admin_invoice.subtotal")}</dt><dd>${formatMoney(lang, invoice.subtotal)}</dd></div>
        ${invoice.taxes.map((x) => html`<div><dt>${t(lang, "admin_invoice.tax_line", { rate: rate(lang, x.rate) })}</dt><dd>${formatMoney(lang, x.amount)}</dd></div>`)}
        <div class="is-total"><dt>${t(lang, "admin_invoice.total")}</dt><dd>${formatMoney(lang, invoice.total)}</dd></div>
        <div><dt>${t(lang, "admin_invoice.paid")}</dt><dd>${formatMoney(lang, invoice.paid)}</dd></div>
        <div class="is-balance"><dt>${t(lang, "admin_invoice.balance")}</dt><dd>${formatMoney(lang, invoice.balance)}</dd></div>
      </dl>
    </div>
  </section>`;
}

function Payments({ lang, invoice, formError }: { lang: Lang; invoice: InvoiceView; formError?: string | undefined }): VNode {
  const cols = { date: t(lang, "admin_invoice.col.paid_on"), method: t(lang, "admin_invoice.col.method"), amount: t(lang, "admin_invoice.col.amount_paid"), note: t(lang, "admin_invoice.col.note") };
  return html`<section class="admin-panel admin-invoice-section" aria-labelledby="admin-invoice-payments">
    <div class="section-head"><h2 id="admin-invoice-payments">${t(lang, "admin_invoice.payments")}</h2></div>
    ${formError && Alert({ tone: "error", children: formError })}
    ${invoice.payments.length === 0
      ? html`<p class="empty">${t(lang, "admin_invoice.payments_empty")}</p>`
      : html`<div class="card table-card">
          ${DataTable({
            className: "table table-stack-sm admin-invoice-payments",
            labelledBy: "admin-invoice-payments",
            columns: [cols.date, cols.method, { title: cols.amount, className: "num" }, cols.note],
            actions: t(lang, "admin_invoice.col.actions"),
            children: invoice.payments.map(
              (p) => html`<tr>
                <th scope="row" class="cell-date">${day(lang, p.paidOn, true)}</th>
                <td data-label=${cols.method}>${t(lang, METHOD[p.method] ?? "admin_invoice.method.other")}</td>
                <td class="num" data-label=${cols.amount}>${formatMoney(lang, p.amount)}</td>
                <td class="cell-note" data-label=${cols.note}>${p.note ?? ""}</td>
                <td class="cell-actions">
                  ${p.method === "card"
                    ? html`<span class="field-hint">${t(lang, "admin_invoice.card_kept")}</span>`
                    : ActionForm({
                        action: `${adminInvoicePath(invoice.id)}/payments/${encodeURIComponent(p.id)}/remove`,
                        children: t(lang, "admin_invoice.remove"),
                        label: t(lang, "admin_invoice.remove_label", { amount: formatMoney(lang, p.amount), date: formatDay(lang, p.paidOn) }),
                      })}
                </td>
              </tr>`,
            ),
          })}
        </div>`}
  </section>`;
}

function PaymentForm({ lang, invoice, values, errors, formError, today }: { lang: Lang; invoice: InvoiceView; values: PaymentFormValues; errors: Record<string, string>; formError?: string | undefined; today: string }): VNode {
  const optional = t(lang, "plans.optional");
  return html`<form class="form admin-invoice-form" id="record-payment" method="post" action=${`${adminInvoicePath(invoice.id)}/payments`}>
    ${FormSection({
      legend: t(lang, "admin_invoice.record"),
      hint: t(lang, "admin_invoice.record_hint", { balance: formatMoney(lang, invoice.balance) }),
      children: html`
        ${FormMessages({ lang, formError, errors })}
        <div class="admin-invoice-grid">
          ${Field({ name: "amount", id: "payment-amount", label: t(lang, "admin_invoice.field.amount"), value: values.amount, required: true, inputmode: "decimal", suffix: invoice.balance.currency, error: errors.amount })}
          ${SelectField({ name: "method", label: t(lang, "admin_invoice.field.method"), value: values.method, options: MANUAL_METHODS.map((m) => ({ value: m, label: t(lang, METHOD[m]!) })), error: errors.method })}
          ${Field({ name: "paidOn", id: "payment-paid-on", label: t(lang, "admin_invoice.field.paid_on"), type: "date", value: values.paidOn, required: true, hint: t(lang, "admin_invoice.field.paid_on_hint", { today: formatDay(lang, today) }), error: errors.paidOn })}
        </div>
        ${Field({ name: "note", id: "payment-note", label: t(lang, "admin_invoice.field.note"), tag: optional, value: values.note, maxlength: 500, hint: t(lang, "admin_invoice.field.note_hint"), error: errors.note })}
        <div class="form-actions">${Button({ children: t(lang, "admin_invoice.record_submit") })}</div>
      `,
    })}
  </form>`;
}

function VoidForm({ lang, invoice, values, errors, formError }: { lang: Lang; invoice: InvoiceView; values: VoidFormValues; errors: Record<string, string>; formError?: string | undefined }): VNode {
  return html`<form class="form admin-invoice-form admin-invoice-void" id="void-invoice" method="post" action=${`${adminInvoicePath(invoice.id)}/void`}>
    <fieldset class="card fieldset danger-zone">
      <legend class="legend">${t(lang, "admin_invoice.void")}</legend>
      ${Alert({ tone: "warning", children: t(lang, "admin_invoice.void_warning", { number: invoice.number, total: formatMoney(lang, invoice.total) }) })}
      ${FormMessages({ lang, formError, errors })}
      ${invoice.payments.length > 0 && html`<p class="field-hint">${t(lang, "admin_invoice.void_blocked")}</p>`}
      ${TextareaField({ name: "reason", id: "void-reason", label: t(lang, "admin_invoice.field.reason"), value: values.reason, rows: 2, maxlength: 500, required: true, error: errors.reason })}
      ${CheckboxField({ name: "rebill", id: "void-rebill", label: t(lang, "admin_invoice.field.rebill"), checked: values.rebill, hint: t(lang, "admin_invoice.field.rebill_hint") })}
      <div class="form-actions">${Button({ children: t(lang, "admin_invoice.void_submit"), variant: "danger" })}</div>
    </fieldset>
  </form>`;
}

export type AdminInvoicePageProps = {
  ctx: PageContext;
  viewingAsMember: boolean;
  invoice: InvoiceView;
  /** The community's today (the payment's default day). */
  today: string;
  /** The form that was posted and refused, with what was typed and why; the other forms show their defaults. */
  form: AdminInvoiceForm;
  notice?: string | undefined;
};

/** /admin/invoices/{id}: the invoice as issued, its payments, and what an admin does with it. */
export function AdminInvoicePage({ ctx, viewingAsMember, invoice, today, form, notice }: AdminInvoicePageProps): VNode {
  const { lang } = ctx;
  const open = invoice.status === "open" && invoice.balance.amount > 0;
  // A refusal from a form that is no longer shown (the invoice was paid or voided meanwhile) is said at the top.
  const unshown = (!open && form.payment.formError) || (invoice.status === "void" && form.void.formError) || undefined;
  return AdminShell({
    ctx,
    section: "invoices",
    viewingAsMember,
    heading: t(lang, "admin_invoice.title", { number: invoice.number }),
    children: html`
      ${FormMessages({ lang, notice, formError: unshown })}
      <div class="admin-invoice">
        ${Summary({ lang, invoice })} ${Lines({ lang, invoice })} ${Payments({ lang, invoice, formError: form.payments.formError })}
        ${open && PaymentForm({ lang, invoice, today, ...form.payment })}
        ${invoice.status !== "void" && VoidForm({ lang, invoice, ...form.void })}
      </div>
    `,
  });
}
