import { html } from "htm/preact";
import type { VNode } from "preact";
import type { InvoicePageView, InvoicePreviewView, InvoiceTotalsPageView } from "../../../worker/invoices/types";
import { t, type Lang, type MessageKey } from "../../i18n";
import { Alert, ButtonLink, FormMessages, Section } from "../../ui/components";
import { formatDay, formatMoney, formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { DataTable } from "../../ui/table";

// The member's invoices (contract, "Portal pages"): the list and the next invoice's preview on
// /membership, and one invoice at /membership/invoices/{id} with its PDF and how to pay it.

/** An invoice as the member's pages read it (`invoiceView`'s answer). */
export type MemberInvoiceView = InvoicePageView;
export type { InvoicePreviewView };

/** What a member reads of an invoice's state: an open invoice past its due date is overdue. */
export type ShownStatus = "open" | "overdue" | "paid" | "void";

const STATUS: Record<ShownStatus, { key: MessageKey; tone: string }> = {
  open: { key: "member_invoices.status.open", tone: "badge-info" },
  overdue: { key: "member_invoices.status.overdue", tone: "badge-danger" },
  paid: { key: "member_invoices.status.paid", tone: "badge-success" },
  void: { key: "member_invoices.status.void", tone: "badge-quiet" },
};

const METHODS: Record<string, MessageKey> = {
  bank_transfer: "member_invoices.method.bank_transfer",
  cash: "member_invoices.method.cash",
  card: "member_invoices.method.card",
  other: "member_invoices.method.other",
};

export function shownStatus(invoice: Pick<InvoicePageView, "status" | "dueOn" | "balance">, today: string): ShownStatus {
  if (invoice.status === "open" && invoice.balance.amount > 0 && invoice.dueOn < today) return "overdue";
  return invoice.status;
}

export function InvoiceBadge({ lang, status }: { lang: Lang; status: ShownStatus }): VNode {
  return html`<span class=${`badge ${STATUS[status].tone} invoice-status invoice-status-${status}`}>${t(lang, STATUS[status].key)}</span>`;
}

export const invoicePath = (id: string) => `/membership/invoices/${encodeURIComponent(id)}`;
export const invoicePdfPath = (id: string) => `/api/v1/invoices/${encodeURIComponent(id)}/pdf`;

const rate = (lang: Lang, percent: number) => formatNumber(lang, percent / 100, { style: "percent", maximumFractionDigits: 2 });

/** /membership: the member's invoices, newest first, each with its page and its PDF. */
export function InvoicesSection({ lang, invoices, today }: { lang: Lang; invoices: InvoicePageView[]; today: string }): VNode {
  const col = (key: MessageKey, num = false) => (num ? { title: t(lang, key), className: "num" } : t(lang, key));
  return Section({
    id: "membership-invoices-title",
    className: "card membership-section member-invoices",
    title: t(lang, "member_invoices.title"),
    ...(invoices.length ? { intro: t(lang, "member_invoices.intro") } : {}),
    children: invoices.length
      ? DataTable({
          className: "table table-stack-md member-invoices-table",
          labelledBy: "membership-invoices-title",
          columns: [
            col("member_invoices.col.number"),
            col("member_invoices.col.issued_on"),
            col("member_invoices.col.due_on"),
            col("member_invoices.col.total", true),
            col("member_invoices.col.balance", true),
            col("member_invoices.col.status"),
          ],
          actions: t(lang, "member_invoices.col.files"),
          children: invoices.map((inv) => {
            const status = shownStatus(inv, today);
            return html`<tr class=${`member-invoice member-invoice-${status}`}>
              <th scope="row" class="member-invoice-number"><a href=${invoicePath(inv.id)}>${inv.number}</a></th>
              <td data-label=${t(lang, "member_invoices.col.issued_on")}>${formatDay(lang, inv.issuedOn, { short: true })}</td>
              <td data-label=${t(lang, "member_invoices.col.due_on")}>${formatDay(lang, inv.dueOn, { short: true })}</td>
              <td class="num" data-label=${t(lang, "member_invoices.col.total")}>${formatMoney(lang, inv.total)}</td>
              <td class="num member-invoice-balance" data-label=${t(lang, "member_invoices.col.balance")}>${formatMoney(lang, inv.balance)}</td>
              <td class="member-invoice-state">${InvoiceBadge({ lang, status })}</td>
              <td class="cell-actions">
                <a class="member-invoice-pdf" href=${invoicePdfPath(inv.id)} aria-label=${t(lang, "member_invoices.pdf_label", { number: inv.number })}>${t(lang, "member_invoices.pdf")}</a>
              </td>
            </tr>`;
          }),
        })
      : html`<p class="muted">${t(lang, "member_invoices.none")}</p>`,
  });
}

/** Lines, subtotal, tax per rate and total: the preview's and an invoice's alike. */
function Lines({ lang, doc, caption }: { lang: Lang; doc: InvoiceTotalsPageView; caption: string }): VNode {
  return html`<div class="invoice-lines-wrap">
    ${DataTable({
      className: "table table-stack-sm invoice-lines",
      caption,
      columns: [t(lang, "invoice.pdf.col.description"), { title: t(lang, "invoice.pdf.col.tax_rate"), className: "num" }, { title: t(lang, "invoice.pdf.col.amount"), className: "num" }],
      children: doc.lines.map(
        (l) => html`<tr>
          <td class="invoice-line-description">${l.description}</td>
          <td class="num" data-label=${t(lang, "invoice.pdf.col.tax_rate")}>${rate(lang, l.taxRate)}</td>
          <td class="num" data-label=${t(lang, "invoice.pdf.col.amount")}>${formatMoney(lang, l.amount)}</td>
        </tr>`,
      ),
    })}
    <dl class="invoice-totals">
      <div><dt>${t(lang, "invoice.pdf.subtotal")}</dt><dd>${formatMoney(lang, doc.subtotal)}</dd></div>
      ${doc.taxes.map((x) => html`<div class="invoice-tax"><dt>${t(lang, "invoice.pdf.tax_line", { rate: rate(lang, x.rate) })}</dt><dd>${formatMoney(lang, x.amount)}</dd></div>`)}
      <div class="invoice-total"><dt>${t(lang, "invoice.pdf.total")}</dt><dd>${formatMoney(lang, doc.total)}</dd></div>
    </dl>
  </div>`;
}

/** /membership: the next invoice as the run would issue it (hidden when it would bill nothing). */
export function NextInvoiceSection({ lang, preview }: { lang: Lang; preview: InvoicePreviewView }): VNode {
  const date = formatDay(lang, preview.date);
  return Section({
    id: "membership-next-invoice-title",
    className: "card membership-section member-next-invoice",
    title: html`${t(lang, "member_invoices.next_title")} <span class="member-next-total">${formatMoney(lang, preview.total)}</span>`,
    intro: t(lang, "member_invoices.next_intro", { date }),
    children: Lines({ lang, doc: preview, caption: t(lang, "member_invoices.next_title") }),
  });
}

function Party({ title, party }: { title: string; party: InvoicePageView["seller"] }): VNode {
  return html`<div class="invoice-party">
    <p class="invoice-party-title">${title}</p>
    <address>
      <strong>${party.name}</strong>
      ${party.address && html`<br /><span class="invoice-address">${party.address}</span>`}
      ${party.taxId && html`<br />${party.taxId}`}
    </address>
  </div>`;
}

/** How to pay an open invoice: the bank details with the EPC QR code, and card payment when the community connected Stripe. */
function PaySection({ lang, invoice, epcSvg, payByCard }: { lang: Lang; invoice: MemberInvoiceView; epcSvg: string | null; payByCard: boolean }): VNode | null {
  const iban = invoice.seller.iban;
  if (!iban && !payByCard) return null;
  const amount = formatMoney(lang, invoice.balance);
  return Section({
    id: "invoice-pay-title",
    className: "card invoice-pay",
    title: t(lang, "member_invoices.pay_title"),
    children: html`<div class="invoice-pay-ways">
      ${iban &&
      html`<div class="invoice-pay-transfer">
        <h3>${t(lang, "member_invoices.pay_transfer_title")}</h3>
        <p>${t(lang, "invoice.pdf.payment_instructions", { amount, date: formatDay(lang, invoice.dueOn), reference: invoice.number })}</p>
        <dl class="invoice-bank">
          <div><dt>${t(lang, "invoice.pdf.beneficiary")}</dt><dd>${invoice.seller.name}</dd></div>
          <div><dt>${t(lang, "invoice.pdf.iban")}</dt><dd class="invoice-iban">${groupIban(iban)}</dd></div>
          ${invoice.seller.bic && html`<div><dt>${t(lang, "invoice.pdf.bic")}</dt><dd>${invoice.seller.bic}</dd></div>`}
          <div><dt>${t(lang, "invoice.pdf.reference")}</dt><dd class="invoice-reference">${invoice.number}</dd></div>
        </dl>
        ${epcSvg &&
        html`<figure class="invoice-qr">
          <div class="invoice-qr-code" dangerouslySetInnerHTML=${{ __html: epcSvg }}></div>
          <figcaption>${t(lang, "invoice.pdf.scan")}</figcaption>
        </figure>`}
      </div>`}
      ${payByCard &&
      html`<div class="invoice-pay-card">
        <h3>${t(lang, "member_invoices.pay_card_title")}</h3>
        <form method="post" action=${`${invoicePath(invoice.id)}/pay`} class="invoice-pay-form">
          <button type="submit" class="btn btn-primary">${t(lang, "member_invoices.pay_card", { amount })}</button>
        </form>
        <p class="field-hint">${t(lang, "member_invoices.pay_card_hint")}</p>
      </div>`}
    </div>`,
  });
}

/** The IBAN in groups of four, for reading it aloud or typing it. */
const groupIban = (iban: string) => iban.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");

export type InvoicePageProps = {
  ctx: PageContext;
  invoice: MemberInvoiceView;
  today: string;
  /** The EPC QR code as an SVG (while something is due in EUR and the seller has an IBAN). */
  epcSvg: string | null;
  /** The community connected Stripe: the "Pay by card" form (POST …/pay). */
  stripeConnected: boolean;
  /** Checkout's return (`?done=card_paid` or `?done=card_canceled`). */
  done: "paid" | "canceled" | null;
  /** Why the card payment could not start (`?error=` of the pay form), in the reader's words. */
  payError?: string | null;
};

/** /membership/invoices/{id}: the invoice as a person reads it, its PDF, and how to pay it. */
export function InvoicePage({ ctx, invoice, today, epcSvg, stripeConnected, done, payError }: InvoicePageProps): VNode {
  const { lang } = ctx;
  const status = shownStatus(invoice, today);
  const due = invoice.status === "open" && invoice.balance.amount > 0;
  const d = (day: string) => formatDay(lang, day);
  return html`<div class="container member-invoice-page">
    <p class="invoice-back"><a href="/membership">${t(lang, "member_invoices.back")}</a></p>
    <div class="page-head invoice-head">
      <h1 class="page-title">${t(lang, "member_invoices.page_title", { number: invoice.number })}</h1>
      ${InvoiceBadge({ lang, status })}
    </div>
    ${done === "paid" && FormMessages({ lang, notice: t(lang, "member_invoices.done.paid") })}
    ${done === "canceled" && Alert({ tone: "info", children: t(lang, "member_invoices.done.canceled") })}
    ${payError && FormMessages({ lang, formError: payError })}
    ${status === "overdue" && Alert({ tone: "warning", children: t(lang, "member_invoices.overdue_body", { date: d(invoice.dueOn) }) })}
    ${invoice.status === "paid" && Alert({ tone: "success", children: t(lang, "member_invoices.paid_in_full") })}
    ${invoice.status === "void" &&
    Alert({
      tone: "info",
      children: html`${invoice.creditNote ? t(lang, "member_invoices.void_body", { number: invoice.creditNote.number, date: d(invoice.creditNote.issuedOn) }) : t(lang, "member_invoices.void_body_plain")}
      ${invoice.creditNote && html` <a href=${`/api/v1/invoices/${encodeURIComponent(invoice.id)}/credit-note/pdf`}>${t(lang, "member_invoices.credit_note_pdf")}</a>`}`,
    })}
    <article class="card invoice-doc" aria-labelledby="invoice-doc-title">
      <h2 id="invoice-doc-title" class="sr-only">${t(lang, "member_invoices.page_title", { number: invoice.number })}</h2>
      <div class="invoice-parties">
        ${Party({ title: t(lang, "invoice.pdf.seller"), party: invoice.seller })} ${Party({ title: t(lang, "invoice.pdf.buyer"), party: invoice.buyer })}
        <dl class="invoice-dates">
          <div><dt>${t(lang, "invoice.pdf.number")}</dt><dd>${invoice.number}</dd></div>
          <div><dt>${t(lang, "invoice.pdf.issued_on")}</dt><dd>${d(invoice.issuedOn)}</dd></div>
          <div><dt>${t(lang, "invoice.pdf.due_on")}</dt><dd>${d(invoice.dueOn)}</dd></div>
        </dl>
      </div>
      ${Lines({ lang, doc: invoice, caption: t(lang, "member_invoices.page_title", { number: invoice.number }) })}
      <dl class="invoice-totals invoice-balance">
        <div><dt>${t(lang, "invoice.pdf.paid")}</dt><dd>${formatMoney(lang, invoice.paid)}</dd></div>
        <div class="invoice-total"><dt>${t(lang, "invoice.pdf.balance")}</dt><dd class="invoice-balance-due">${formatMoney(lang, invoice.balance)}</dd></div>
      </dl>
      ${invoice.payments && invoice.payments.length > 0 &&
      html`<div class="invoice-payments">
        <h3>${t(lang, "member_invoices.payments")}</h3>
        <ul>
          ${invoice.payments.map(
            (p) => html`<li>${t(lang, "member_invoices.payment_line", { amount: formatMoney(lang, p.amount), date: d(p.paidOn) })} · ${METHODS[p.method] ? t(lang, METHODS[p.method]!) : p.method}</li>`,
          )}
        </ul>
      </div>`}
      <div class="actions invoice-actions">${ButtonLink({ href: invoicePdfPath(invoice.id), variant: "secondary", children: t(lang, "member_invoices.download") })}</div>
    </article>
    ${due && PaySection({ lang, invoice, epcSvg, payByCard: stripeConnected })}
  </div>`;
}
