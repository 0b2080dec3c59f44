import { and, desc, eq, gte, lt, lte, or } from "drizzle-orm";
import { z } from "zod";
import type { TenantDb } from "../db/client";
import { invoices, type Invoice, type InvoiceParty, type Payment } from "../db/schema";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { notFound } from "../http/errors";
import { isDay } from "../memberships/periods";
import { computeInvoiceTotals, type Money } from "./money";
import { paymentsOf, paymentView, type PaymentView } from "./payments";
import type { Draft } from "./run";

// Reading issued invoices: the contract's shape, computed from the stored snapshot (lines,
// seller, buyer) by the same `computeInvoiceTotals` the run used, so taxes per rate and
// totals read back exactly as issued.

export type InvoiceLineView = { description: string; quantity: number; unitAmount: Money; taxRate: number; amount: Money };
export type TaxView = { rate: number; amount: Money };
export type InvoiceView = {
  id: string;
  userId: string;
  number: string;
  status: Invoice["status"];
  issuedOn: string;
  dueOn: string;
  seller: InvoiceParty;
  buyer: InvoiceParty;
  lines: InvoiceLineView[];
  subtotal: Money;
  taxes: TaxView[];
  total: Money;
  paid: Money;
  balance: Money;
  /** The reason given when it was voided (null while it is not). */
  voidReason: string | null;
  /** A void invoice's credit note (its own number series), null otherwise. */
  creditNote: { number: string; issuedOn: string } | null;
  /** Payments recorded on it, oldest first. */
  payments: PaymentView[];
};

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

export const invoicesCursor = cursorKind("invoices", z.tuple([cursorParts.text, cursorParts.id]));

/** Admins: the community's invoices, newest first, filtered, a page at a time (by issue day, then id). */
export async function listInvoices(t: TenantDb, opts: z.output<typeof invoiceListQuery> & { limit: number; cursor?: string | null }): Promise<{ items: InvoiceView[]; nextCursor: string | null }> {
  const after = decodeOptionalCursor(invoicesCursor, opts.cursor);
  const rows = await t.db
    .select()
    .from(invoices)
    .where(
      and(
        eq(invoices.tenantId, t.tenantId),
        ...(opts.status ? [eq(invoices.status, opts.status)] : []),
        ...(opts.userId ? [eq(invoices.userId, opts.userId)] : []),
        ...(opts.from ? [gte(invoices.issuedOn, opts.from)] : []),
        ...(opts.to ? [lte(invoices.issuedOn, opts.to)] : []),
        ...(after ? [or(lt(invoices.issuedOn, after[0]), and(eq(invoices.issuedOn, after[0]), lt(invoices.id, after[1])))] : []),
      ),
    )
    .orderBy(desc(invoices.issuedOn), desc(invoices.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return { items: await invoiceViewsOf(t, page), nextCursor: rows.length > opts.limit && last ? encodeCursor(invoicesCursor, [last.issuedOn, last.id]) : null };
}

/** Whether the community issued any invoice: the billing settings' `currency` and `invoiceDay` are then locked (409 `billing_locked`). */
export async function hasIssuedInvoices(t: TenantDb): Promise<boolean> {
  const [row] = await t.db.select({ id: invoices.id }).from(invoices).where(eq(invoices.tenantId, t.tenantId)).limit(1);
  return Boolean(row);
}
