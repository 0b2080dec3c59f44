import type { Invoice } from "../db/schema";
import { decideInvoice, type InvoiceActor } from "../invoices/policy";

/**
 * Who may pay an invoice by card, and when, as a pure function of (actor, invoice):
 *
 *   - The member it bills, or an owner or admin (not viewing as a member); anyone else is
 *     told it does not exist (`not_found`), exactly as reading it (`decideInvoice`).
 *   - Only an open invoice with a balance: a void one is `invoice_void`, a paid one (or one
 *     whose balance is 0) `invoice_paid`.
 */
export type CardPaymentRefusal = "signed_out" | "not_found" | "invoice_void" | "invoice_paid";
export type CardPaymentDecision = { ok: true } | { ok: false; why: CardPaymentRefusal };

export function decideCardPayment(actor: InvoiceActor, invoice: Pick<Invoice, "userId" | "status" | "total" | "paid">): CardPaymentDecision {
  const read = decideInvoice(actor, "readInvoice", invoice);
  if (!read.ok) return { ok: false, why: read.why === "signed_out" ? "signed_out" : "not_found" };
  if (invoice.status === "void") return { ok: false, why: "invoice_void" };
  if (invoice.status === "paid" || invoice.total - invoice.paid <= 0) return { ok: false, why: "invoice_paid" };
  return { ok: true };
}
