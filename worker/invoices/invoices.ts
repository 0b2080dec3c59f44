import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { TenantDb } from "../db/client";
import { invoices, users, type Invoice, type Payment } from "../db/schema";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { csvCell } from "../http/csv";
import { notFound } from "../http/errors";
import { contains, fold, foldedOr } from "../http/search";
import { isDay, type Day } from "../memberships/periods";
import { computeInvoiceTotals, toDecimalString, type Money } from "./money";
import { paymentsOf, paymentView } from "./payments";
import type { Draft } from "./run";
import type { InvoiceLineView, InvoiceMember, InvoiceTotals, InvoiceView, TaxView } from "./types";

// Reading issued invoices: the contract's shape, computed from the stored snapshot (lines,
// seller, buyer) by the same `computeInvoiceTotals` the run used, so taxes per rate and
// totals read back exactly as issued.

export type { InvoiceLineView, InvoiceView, TaxView } from "./types";

const money = (amount: number, currency: string): Money => ({ amount, currency });

/** Lines and totals of a draft (the preview) or of a stored invoice, in the contract's shape. */
export function totalsView(draft: Pick<Draft, "totals">): { lines: InvoiceLineView[]; subtotal: Money; taxes: TaxView[]; total: Money } {
  const { totals } = draft;
  return {
    lines: totals.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmount: l.unitAmount, taxRate: l.taxRate, amount: l.amount })),
    subtotal: totals.subtotal,
    taxes: totals.taxes.map((x) => ({ rate: x.rate, amount: x.amount })),
    total: totals.total,
  };
}

/**
 * The contract's shape of an invoice. Its `payments` are the row's `payments` when given (read
 * them with `paymentsOf`, or call `invoiceViewOf`/`invoiceViewsOf`, which do); none otherwise.
 */
export function invoiceView(row: Invoice & { payments?: readonly Payment[] }): InvoiceView {
  const totals = computeInvoiceTotals(
    row.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmount: money(l.unitAmount, row.currency), taxRateBp: l.taxRateBp })),
    row.currency,
  );
  const { buyer } = row;
  return {
    id: row.id,
    userId: row.userId,
    number: row.number,
    status: row.status,
    issuedOn: row.issuedOn,
    dueOn: row.dueOn,
    seller: row.seller,
    buyer: { name: buyer.name, address: buyer.address, taxId: buyer.taxId },
    ...totalsView({ totals }),
    // The stored totals are the ones issued (and equal to the recomputed ones by construction).
    subtotal: money(row.subtotal, row.currency),
    total: money(row.total, row.currency),
    paid: money(row.paid, row.currency),
    balance: money(row.status === "void" ? 0 : row.total - row.paid, row.currency),
    voidReason: row.voidReason,
    creditNote: row.creditNoteNumber && row.creditNoteIssuedOn ? { number: row.creditNoteNumber, issuedOn: row.creditNoteIssuedOn } : null,
    payments: (row.payments ?? []).map(paymentView),
  };
}

/** One invoice's view with its payments. */
export async function invoiceViewOf(t: TenantDb, row: Invoice): Promise<InvoiceView> {
  return invoiceView({ ...row, payments: (await paymentsOf(t, [row.id])).get(row.id) ?? [] });
}

/** Invoices' views with their payments (one query per 90 invoices). */
export async function invoiceViewsOf(t: TenantDb, rows: readonly Invoice[]): Promise<InvoiceView[]> {
  const byInvoice = await paymentsOf(t, rows.map((r) => r.id));
  return rows.map((r) => invoiceView({ ...r, payments: byInvoice.get(r.id) ?? [] }));
}


/** One invoice of this community (404 otherwise); who may see it is the policy's call. */
export async function invoiceById(t: TenantDb, id: string): Promise<Invoice> {
  const [row] = await t.db.select().from(invoices).where(and(eq(invoices.tenantId, t.tenantId), eq(invoices.id, id))).limit(1);
  if (!row) throw notFound("No such invoice.");
  return row;
}

/** A member's invoices, newest first. */
export async function invoicesOf(t: TenantDb, userId: string): Promise<Invoice[]> {
  return t.db
    .select()
    .from(invoices)
    .where(and(eq(invoices.tenantId, t.tenantId), eq(invoices.userId, userId)))
    .orderBy(desc(invoices.issuedOn), desc(invoices.number))
    .limit(500);
}

const day = z.string().refine(isDay, { message: "field.day" });
export const invoiceListQuery = z.object({
  status: z.enum(["open", "paid", "void"], { error: "field.option" }).optional(),
  userId: z.string().max(64).optional(),
  from: day.optional(),
  to: day.optional(),
});

/** A position in the admins' list: the issue day and the number of the last invoice shown. */
export const invoicesCursor = cursorKind("invoices", z.tuple([cursorParts.text, cursorParts.text]));

/**
 * Newest first: by issue day, then by number within a day, the longer number first (the
 * sequence grows past four digits: `INV2026-10000` comes after `INV2026-9999`). Numbers are
 * unique per community, so the order is total and the cursor is (day, number).
 */
const newestFirst = [desc(invoices.issuedOn), desc(sql`length(${invoices.number})`), desc(invoices.number)];
function after(at: readonly [string, string] | null): SQL[] {
  if (!at) return [];
  const [day, number] = at;
  const shorter = sql`length(${invoices.number}) < ${number.length}`;
  const sameLength = sql`length(${invoices.number}) = ${number.length}`;
  return [or(lt(invoices.issuedOn, day), and(eq(invoices.issuedOn, day), or(shorter, and(sameLength, lt(invoices.number, number)))))!];
}

/**
 * The admins' filters: the API's (`status`, `userId`, issued `from`/`to`, both days included)
 * and the admin page's own: `q`, words in the member's name or email (regardless of case and
 * accents), and `overdueOn`, only invoices still open with a balance whose due day is before it.
 */
export type InvoiceFilter = z.output<typeof invoiceListQuery> & { q?: string | undefined; overdueOn?: Day | undefined };

/** An invoice with the member it bills as they are now (the invoice keeps its own snapshot in `buyer`). */
export type AdminInvoiceItem = InvoiceView & { member: InvoiceMember };

/** The filter's conditions over `invoices` joined with `users` (the same for a page, the totals and the export). */
function filterWhere(t: TenantDb, f: InvoiceFilter): SQL {
  const q = fold(f.q ?? "");
  return and(
    eq(invoices.tenantId, t.tenantId),
    ...(f.status ? [eq(invoices.status, f.status)] : []),
    ...(f.userId ? [eq(invoices.userId, f.userId)] : []),
    ...(f.from ? [gte(invoices.issuedOn, f.from)] : []),
    ...(f.to ? [lte(invoices.issuedOn, f.to)] : []),
    ...(f.overdueOn ? [eq(invoices.status, "open"), lt(invoices.paid, invoices.total), lt(invoices.dueOn, f.overdueOn)] : []),
    ...(q ? [or(contains(foldedOr(users.searchText, users.name), q), contains(sql`lower(${users.email})`, q))!] : []),
  )!;
}

const memberColumns = { id: users.id, name: users.name, email: users.email };

/** One page of the filtered invoices with their members, newest first. */
async function invoicePage(t: TenantDb, f: InvoiceFilter, limit: number, cursor: string | null | undefined) {
  const at = decodeOptionalCursor(invoicesCursor, cursor);
  const rows = await t.db
    .select({ invoice: invoices, member: memberColumns })
    .from(invoices)
    .leftJoin(users, eq(users.id, invoices.userId))
    .where(and(filterWhere(t, f), ...after(at)))
    .orderBy(...newestFirst)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1)?.invoice;
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(invoicesCursor, [last.issuedOn, last.number]) : null };
}

/** Admins: the community's invoices, newest first (by issue day, then number), filtered, a page at a time. */
export async function listInvoices(t: TenantDb, opts: InvoiceFilter & { limit: number; cursor?: string | null }): Promise<{ items: InvoiceView[]; nextCursor: string | null }> {
  const { page, nextCursor } = await invoicePage(t, opts, opts.limit, opts.cursor);
  return { items: await invoiceViewsOf(t, page.map((r) => r.invoice)), nextCursor };
}

/** {@link listInvoices} with the member each invoice bills (the admin list's rows). */
export async function listInvoicesWithMembers(t: TenantDb, opts: InvoiceFilter & { limit: number; cursor?: string | null }): Promise<{ items: AdminInvoiceItem[]; nextCursor: string | null }> {
  const { page, nextCursor } = await invoicePage(t, opts, opts.limit, opts.cursor);
  // A removed member's invoice stays (API.md): it names its buyer as the invoice printed them.
  return { items: page.map((r) => ({ ...invoiceView(r.invoice), member: r.member ?? { id: null, name: r.invoice.buyer.name, email: r.invoice.buyer.email ?? "" } })), nextCursor };
}

/**
 * The totals of every invoice the filter selects (not only a page): how many, the total
 * invoiced, what was paid on them and what is still owed. A void invoice is counted but adds
 * to none of the amounts. One query.
 */
export async function invoiceTotals(t: TenantDb, f: InvoiceFilter, currency: string): Promise<InvoiceTotals> {
  const live = sql`${invoices.status} <> 'void'`;
  const [row] = await t.db
    .select({
      count: sql<number>`count(*)`,
      total: sql<number>`coalesce(sum(case when ${live} then ${invoices.total} else 0 end), 0)`,
      paid: sql<number>`coalesce(sum(case when ${live} then ${invoices.paid} else 0 end), 0)`,
    })
    .from(invoices)
    .leftJoin(users, eq(users.id, invoices.userId))
    .where(filterWhere(t, f));
  const total = Number(row?.total ?? 0);
  const paid = Number(row?.paid ?? 0);
  return { count: Number(row?.count ?? 0), total: money(total, currency), paid: money(paid, currency), balance: money(total - paid, currency) };
}

/** At most this many invoices in one export (a filter by dates narrows a bigger community's). */
export const CSV_MAX_ROWS = 20_000;
const CSV_PAGE = 1_000;
export const INVOICE_CSV_HEADER = ["number", "member", "email", "issued", "due", "currency", "subtotal", "tax", "total", "paid", "balance", "status"] as const;

/**
 * The filtered invoices as CSV (newest first), for an accountant: amounts as decimals in the
 * invoice's currency ("1234.50" for EUR, no grouping), a void invoice's balance 0, every cell
 * through `csvCell` (a name starting with `=` is not run as a formula). At most {@link CSV_MAX_ROWS} rows.
 */
export async function invoicesCsv(t: TenantDb, f: InvoiceFilter): Promise<string> {
  const lines = [INVOICE_CSV_HEADER.join(",")];
  const columns = {
    id: invoices.id,
    number: invoices.number,
    issuedOn: invoices.issuedOn,
    dueOn: invoices.dueOn,
    currency: invoices.currency,
    subtotal: invoices.subtotal,
    tax: invoices.tax,
    total: invoices.total,
    paid: invoices.paid,
    status: invoices.status,
    // A removed member's invoice names its buyer as printed.
    name: sql<string>`coalesce(${users.name}, json_extract(${invoices.buyer}, '$.name'))`,
    email: sql<string>`coalesce(${users.email}, json_extract(${invoices.buyer}, '$.email'), '')`,
  };
  let at: [string, string] | null = null;
  while (lines.length <= CSV_MAX_ROWS) {
    const rows = await t.db
      .select(columns)
      .from(invoices)
      .leftJoin(users, eq(users.id, invoices.userId))
      .where(and(filterWhere(t, f), ...after(at)))
      .orderBy(...newestFirst)
      .limit(Math.min(CSV_PAGE, CSV_MAX_ROWS + 1 - lines.length));
    for (const r of rows) {
      const m = (amount: number) => toDecimalString(money(amount, r.currency));
      const balance = r.status === "void" ? 0 : r.total - r.paid;
      lines.push([r.number, r.name, r.email, r.issuedOn, r.dueOn, r.currency, m(r.subtotal), m(r.tax), m(r.total), m(r.paid), m(balance), r.status].map(csvCell).join(","));
    }
    const last = rows.at(-1);
    if (!last || rows.length < CSV_PAGE) break;
    at = [last.issuedOn, last.number];
  }
  // A byte order mark, as the members' export: spreadsheets then read the names as UTF-8.
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

/** Whether the community issued any invoice: the billing settings' `currency` and `invoiceDay` are then locked (409 `billing_locked`). */
export async function hasIssuedInvoices(t: TenantDb): Promise<boolean> {
  const [row] = await t.db.select({ id: invoices.id }).from(invoices).where(eq(invoices.tenantId, t.tenantId)).limit(1);
  return Boolean(row);
}
