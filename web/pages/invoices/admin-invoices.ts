import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import type { AdminInvoiceRow, ChargeFormValues, InvoiceTotals, PendingChargeRow } from "../../../worker/invoices/types";
import { AdminShell } from "../../ui/admin-layout";
import { ActionForm, Button, Field, FormMessages, SelectField } from "../../ui/components";
import { formatDay, formatMoney, formatNumber } from "../../ui/format";
import { DataTable } from "../../ui/table";
import type { PageContext } from "../../ui/page";

// /admin/invoices (community owners and admins): every issued invoice with filters, the
// totals of what the filters select and its CSV export; /admin/invoices/charges: the one-off
// charges waiting for a member's next invoice. Both beside the billing settings, as tabs.

export const INVOICES_PATH = "/admin/invoices";
export const INVOICES_CSV_PATH = "/admin/invoices.csv";
export const CHARGES_PATH = "/admin/invoices/charges";
const SETTINGS_PATH = "/admin/invoices/settings";
export const invoicePath = (id: string) => `${INVOICES_PATH}/${encodeURIComponent(id)}`;
export const chargesOfPath = (userId: string) => `${CHARGES_PATH}?member=${encodeURIComponent(userId)}`;
const pdfPath = (id: string) => `/api/v1/invoices/${encodeURIComponent(id)}/pdf`;

export type InvoiceStatusFilter = "" | "open" | "paid" | "void" | "overdue";
export const INVOICE_STATUS_FILTERS: readonly Exclude<InvoiceStatusFilter, "">[] = ["open", "overdue", "paid", "void"];
/** The list's filters as typed in its GET form (and kept in its links). */
export type InvoiceListFilters = { status: InvoiceStatusFilter; q: string; from: string; to: string };

/** The tabs of the invoices section: the list, the charges, the billing settings. */
export function InvoicesTabs({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  const here = ctx.path.split(/[?#]/, 1)[0];
  const tabs = [
    { href: INVOICES_PATH, label: t(lang, "admin.invoice_list.tab") },
    { href: CHARGES_PATH, label: t(lang, "admin.charges.tab") },
    { href: SETTINGS_PATH, label: t(lang, "admin.invoice_list.tab_settings") },
  ];
  return html`<nav class="tabs-nav invoices-tabs" aria-label=${t(lang, "admin.invoice_list.tabs_label")}>
    <ul class="tabs">
      ${tabs.map((tab) => html`<li><a class="tab" href=${tab.href} aria-current=${here === tab.href ? "page" : undefined}>${tab.label}</a></li>`)}
    </ul>
  </nav>`;
}

function query(f: InvoiceListFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (f.status) params.set("status", f.status);
  if (f.q) params.set("q", f.q);
  if (f.from) params.set("from", f.from);
  if (f.to) params.set("to", f.to);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The list's URL with its filters kept (and a page's cursor). */
export const invoiceListHref = (f: InvoiceListFilters, cursor?: string) => `${INVOICES_PATH}${query(f, cursor ? { cursor } : {})}`;
/** The CSV export of what the filters select. */
export const invoicesCsvHref = (f: InvoiceListFilters) => `${INVOICES_CSV_PATH}${query(f)}`;

const STATUS_LABEL: Record<Exclude<InvoiceStatusFilter, "">, MessageKey> = {
  open: "admin.invoice_list.status.open",
  overdue: "admin.invoice_list.status.overdue",
  paid: "admin.invoice_list.status.paid",
  void: "admin.invoice_list.status.void",
};
const STATUS_TONE: Record<Exclude<InvoiceStatusFilter, "">, string> = { open: "badge-info", overdue: "badge-danger", paid: "badge-success", void: "badge-quiet" };

/** Open with a balance past its due day: overdue. */
export function shownStatus(inv: Pick<AdminInvoiceRow, "status" | "dueOn" | "balance">, today: string): Exclude<InvoiceStatusFilter, ""> {
  return inv.status === "open" && inv.balance.amount > 0 && inv.dueOn < today ? "overdue" : inv.status;
}

function InvoiceStatusBadge({ lang, status }: { lang: Lang; status: Exclude<InvoiceStatusFilter, ""> }): VNode {
  return html`<span class=${`badge invoice-status ${STATUS_TONE[status]}`}>${t(lang, STATUS_LABEL[status])}</span>`;
}

const day = (lang: Lang, d: string) => html`<time datetime=${d}>${formatDay(lang, d, { short: true })}</time>`;

function FilterForm({ lang, filters, errors }: { lang: Lang; filters: InvoiceListFilters; errors: Record<string, string> }): VNode {
  const filtered = Boolean(filters.status || filters.q || filters.from || filters.to);
  return html`<form class="filter-bar invoice-filters" method="get" action=${INVOICES_PATH} role="search" aria-label=${t(lang, "admin.invoice_list.filters_label")}>
    ${SelectField({
      name: "status",
      label: t(lang, "admin.invoice_list.filter_status"),
      value: filters.status,
      options: [{ value: "", label: t(lang, "admin.invoice_list.filter_all") }, ...INVOICE_STATUS_FILTERS.map((s) => ({ value: s, label: t(lang, STATUS_LABEL[s]) }))],
    })}
    ${Field({ name: "q", type: "search", label: t(lang, "admin.invoice_list.filter_member"), value: filters.q, maxlength: 100, autocomplete: "off", verbatim: true })}
    ${Field({ name: "from", type: "date", label: t(lang, "admin.invoice_list.filter_from"), value: filters.from, error: errors.from })}
    ${Field({ name: "to", type: "date", label: t(lang, "admin.invoice_list.filter_to"), value: filters.to, error: errors.to })}
    <div class="filter-actions">
      ${Button({ children: t(lang, "admin.invoice_list.filter_submit"), variant: "secondary" })}
      ${filtered && html`<a class="btn btn-ghost" href=${INVOICES_PATH}>${t(lang, "admin.invoice_list.filter_clear")}</a>`}
    </div>
  </form>`;
}

function Totals({ lang, totals }: { lang: Lang; totals: InvoiceTotals }): VNode {
  const stat = (key: MessageKey, value: string, className = "") =>
    html`<div class=${`invoice-stat ${className}`}>
      <dt>${t(lang, key)}</dt>
      <dd>${value}</dd>
    </div>`;
  return html`<dl class="invoice-list-totals" aria-label=${t(lang, "admin.invoice_list.totals_label")}>
    ${stat("admin.invoice_list.total_count", formatNumber(lang, totals.count))}
    ${stat("admin.invoice_list.total_invoiced", formatMoney(lang, totals.total))}
    ${stat("admin.invoice_list.total_paid", formatMoney(lang, totals.paid))}
    ${stat("admin.invoice_list.total_balance", formatMoney(lang, totals.balance), totals.balance.amount > 0 ? "is-owed" : "")}
  </dl>`;
}

function Row({ lang, inv, today }: { lang: Lang; inv: AdminInvoiceRow; today: string }): VNode {
  const status = shownStatus(inv, today);
  return html`<tr class=${`invoice-row is-${status}`}>
    <th scope="row" class="cell-number">
      <a class="invoice-number" href=${invoicePath(inv.id)}>${inv.number}</a>
      <a class="invoice-pdf" href=${pdfPath(inv.id)} aria-label=${t(lang, "admin.invoice_list.pdf_label", { number: inv.number })}>PDF</a>
    </th>
    <td class="cell-member" data-label=${t(lang, "admin.invoice_list.col_member")}>
      <span class="invoice-member-name">${inv.member.name}</span>
      <span class="invoice-member-email" title=${inv.member.email}>${inv.member.email}</span>
    </td>
    <td class="cell-day" data-label=${t(lang, "admin.invoice_list.col_issued")}>${day(lang, inv.issuedOn)}</td>
    <td class=${status === "overdue" ? "cell-day is-late" : "cell-day"} data-label=${t(lang, "admin.invoice_list.col_due")}>${day(lang, inv.dueOn)}</td>
    <td class="num" data-label=${t(lang, "admin.invoice_list.col_total")}>${formatMoney(lang, inv.total)}</td>
    <td class="num" data-label=${t(lang, "admin.invoice_list.col_paid")}>${formatMoney(lang, inv.paid)}</td>
    <td class="num cell-balance" data-label=${t(lang, "admin.invoice_list.col_balance")}>${formatMoney(lang, inv.balance)}</td>
    <td class="cell-status" data-label=${t(lang, "admin.invoice_list.col_status")}>${InvoiceStatusBadge({ lang, status })}</td>
  </tr>`;
}

export type AdminInvoicesProps = {
  ctx: PageContext;
  viewingAsMember: boolean;
  filters: InvoiceListFilters;
  /** A filter that could not be read (a date), under its name. */
  errors: Record<string, string>;
  items: AdminInvoiceRow[];
  nextCursor: string | null;
  /** A page after the first (a "first page" link then). */
  paged: boolean;
  totals: InvoiceTotals;
  /** The community's today (an open invoice due before it is overdue). */
  today: string;
};

export function AdminInvoicesPage({ ctx, viewingAsMember, filters, errors, items, nextCursor, paged, totals, today }: AdminInvoicesProps): VNode {
  const { lang } = ctx;
  const filtered = Boolean(filters.status || filters.q || filters.from || filters.to);
  const columns = [
    t(lang, "admin.invoice_list.col_number"),
    t(lang, "admin.invoice_list.col_member"),
    t(lang, "admin.invoice_list.col_issued"),
    t(lang, "admin.invoice_list.col_due"),
    { title: t(lang, "admin.invoice_list.col_total"), className: "num" },
    { title: t(lang, "admin.invoice_list.col_paid"), className: "num" },
    { title: t(lang, "admin.invoice_list.col_balance"), className: "num" },
    t(lang, "admin.invoice_list.col_status"),
  ];
  return AdminShell({
    ctx,
    section: "invoices",
    viewingAsMember,
    children: html`
      ${InvoicesTabs({ ctx })}
      ${FormMessages({ lang, errors })}
      <section class="admin-panel invoice-list" aria-labelledby="invoice-list-title">
        <div class="section-head">
          <h2 id="invoice-list-title">${t(lang, "admin.invoice_list.title")}</h2>
          <p class="section-intro">${t(lang, "admin.invoice_list.intro")}</p>
        </div>
        ${FilterForm({ lang, filters, errors })}
        <div class="invoice-summary">
          ${Totals({ lang, totals })}
          ${totals.count > 0 && html`<a class="btn btn-secondary btn-sm invoice-csv" href=${invoicesCsvHref(filters)} download>${t(lang, "admin.invoice_list.csv")}</a>`}
        </div>
        ${items.length > 0
          ? html`<div class="card table-card invoices-card">
              ${DataTable({
                className: "table table-stack-lg invoices-table",
                caption: t(lang, "admin.invoice_list.caption"),
                columns,
                children: items.map((inv) => Row({ lang, inv, today })),
              })}
            </div>`
          : html`<p class="empty">${t(lang, filtered ? "admin.invoice_list.empty_filtered" : "admin.invoice_list.empty")}</p>`}
        ${(nextCursor || paged) &&
        html`<nav class="pager" aria-label=${t(lang, "admin.invoice_list.pages")}>
          ${paged && html`<a class="btn btn-ghost btn-sm" href=${invoiceListHref(filters)}>${t(lang, "admin.invoice_list.first_page")}</a>`}
          ${nextCursor && html`<a class="btn btn-secondary btn-sm pager-next" href=${invoiceListHref(filters, nextCursor)}>${t(lang, "admin.invoice_list.next_page")}</a>`}
        </nav>`}
      </section>
    `,
  });
}

// ── one-off charges ────────────────────────────────────────────────────────

export type { ChargeFormValues };

export type AdminChargesProps = {
  ctx: PageContext;
  viewingAsMember: boolean;
  /** The member whose charges are shown (`?member=`), or everyone's. */
  member: { id: string; name: string; email: string } | null;
  items: PendingChargeRow[];
  nextCursor: string | null;
  paged: boolean;
  /** The community's currency (amounts are typed in it). */
  currency: string;
  /** The add form as shown (typed again after a refusal), its errors beside the fields. */
  values: ChargeFormValues;
  errors: Record<string, string>;
  notice?: string | undefined;
  formError?: string | undefined;
};

const chargesHref = (member: { id: string } | null, cursor?: string) => {
  const params = new URLSearchParams();
  if (member) params.set("member", member.id);
  if (cursor) params.set("cursor", cursor);
  const text = params.toString();
  return text ? `${CHARGES_PATH}?${text}` : CHARGES_PATH;
};

function ChargeForm({ lang, currency, values, errors }: { lang: Lang; currency: string; values: ChargeFormValues; errors: Record<string, string> }): VNode {
  return html`<div class="card charge-add">
    <h2 class="card-title" id="charge-add-title">${t(lang, "admin.charges.add_title")}</h2>
    <p class="card-intro">${t(lang, "admin.charges.add_intro")}</p>
    <form class="form charge-form" method="post" action=${CHARGES_PATH} aria-labelledby="charge-add-title">
      ${Field({ name: "email", type: "email", label: t(lang, "admin.charges.field_email"), value: values.email, required: true, maxlength: 254, autocomplete: "off", inputmode: "email", verbatim: true, error: errors.email })}
      ${Field({ name: "description", label: t(lang, "admin.charges.field_description"), value: values.description, required: true, maxlength: 300, hint: t(lang, "admin.charges.field_description_hint"), error: errors.description })}
      <div class="charge-grid">
        ${Field({ name: "amount", label: t(lang, "admin.charges.field_amount"), value: values.amount, required: true, inputmode: "decimal", suffix: currency, hint: t(lang, "admin.charges.field_amount_hint"), error: errors.amount })}
        ${Field({ name: "taxRate", label: t(lang, "admin.charges.field_tax_rate"), value: values.taxRate, inputmode: "decimal", suffix: "%", hint: t(lang, "admin.charges.field_tax_rate_hint"), error: errors.taxRate })}
      </div>
      <div class="form-actions">${Button({ children: t(lang, "admin.charges.add_submit") })}</div>
    </form>
  </div>`;
}

function ChargeRow({ lang, c, member }: { lang: Lang; c: PendingChargeRow; member: { id: string } | null }): VNode {
  return html`<tr class="charge-row">
    <th scope="row" class="cell-description">${c.description}</th>
    <td class="cell-member" data-label=${t(lang, "admin.charges.col_member")}>
      <a class="invoice-member-name" href=${chargesOfPath(c.member.id)}>${c.member.name}</a>
      <span class="invoice-member-email">${c.member.email}</span>
    </td>
    <td class="num" data-label=${t(lang, "admin.charges.col_amount")}>${formatMoney(lang, c.amount)}</td>
    <td class="num" data-label=${t(lang, "admin.charges.col_tax_rate")}>${formatNumber(lang, c.taxRate / 100, { style: "percent", maximumFractionDigits: 2 })}</td>
    <td class="cell-day" data-label=${t(lang, "admin.charges.col_added")}>${day(lang, c.createdAt.slice(0, 10))}</td>
    <td class="cell-actions">
      ${ActionForm({
        action: `${CHARGES_PATH}/${encodeURIComponent(c.id)}/remove`,
        hidden: member ? { member: member.id } : {},
        children: t(lang, "admin.charges.remove"),
        variant: "ghost",
        label: t(lang, "admin.charges.remove_label", { description: c.description, name: c.member.name }),
      })}
    </td>
  </tr>`;
}

export function AdminChargesPage({ ctx, viewingAsMember, member, items, nextCursor, paged, currency, values, errors, notice, formError }: AdminChargesProps): VNode {
  const { lang } = ctx;
  return AdminShell({
    ctx,
    section: "invoices",
    viewingAsMember,
    heading: t(lang, "admin.charges.title"),
    children: html`
      ${InvoicesTabs({ ctx })}
      ${FormMessages({ lang, notice, formError, errors })}
      <div class="charges-layout">
        ${ChargeForm({ lang, currency, values, errors })}
        <section class="admin-panel charge-list" aria-labelledby="charge-list-title">
          <div class="section-head">
            <h2 id="charge-list-title">${member ? t(lang, "admin.charges.list_title_member", { name: member.name }) : t(lang, "admin.charges.list_title")}</h2>
            <p class="section-intro">
              ${t(lang, "admin.charges.list_intro")}
              ${member && html` <a href=${CHARGES_PATH}>${t(lang, "admin.charges.all_members")}</a>`}
            </p>
          </div>
          ${items.length > 0
            ? html`<div class="card table-card charges-card">
                ${DataTable({
                  className: "table table-stack-md charges-table",
                  caption: t(lang, "admin.charges.caption"),
                  columns: [
                    t(lang, "admin.charges.col_description"),
                    t(lang, "admin.charges.col_member"),
                    { title: t(lang, "admin.charges.col_amount"), className: "num" },
                    { title: t(lang, "admin.charges.col_tax_rate"), className: "num" },
                    t(lang, "admin.charges.col_added"),
                  ],
                  actions: t(lang, "admin.charges.col_actions"),
                  children: items.map((c) => ChargeRow({ lang, c, member })),
                })}
              </div>`
            : html`<p class="empty">${member ? t(lang, "admin.charges.empty_member", { name: member.name }) : t(lang, "admin.charges.empty")}</p>`}
          ${(nextCursor || paged) &&
          html`<nav class="pager" aria-label=${t(lang, "admin.invoice_list.pages")}>
            ${paged && html`<a class="btn btn-ghost btn-sm" href=${chargesHref(member)}>${t(lang, "admin.invoice_list.first_page")}</a>`}
            ${nextCursor && html`<a class="btn btn-secondary btn-sm pager-next" href=${chargesHref(member, nextCursor)}>${t(lang, "admin.invoice_list.next_page")}</a>`}
          </nav>`}
        </section>
      </div>
    `,
  });
}
