import type { TenantRole } from "../db/schema";

/**
 * Who may do what with charges and invoices, as a pure function of (actor, action, whose).
 *
 *   - Owners and admins (not viewing as a member) add, list and remove members' charges,
 *     read every invoice of their community, record and remove payments and void invoices.
 *   - Any signed-in account reads its own invoices and the preview of its next one.
 *   - One invoice: the member it bills, or an owner or admin; anyone else is told it does
 *     not exist (`not_found`), so that invoice ids reveal nothing.
 */
export type InvoiceActor = { tenantRole: TenantRole | null; userId: string | null; viewingAsMember?: boolean };

export const INVOICE_ACTIONS = ["manageCharges", "readAllInvoices", "readOwnInvoices", "readInvoice", "managePayments"] as const;
export type InvoiceAction = (typeof INVOICE_ACTIONS)[number];

export type InvoiceRefusal = "signed_out" | "not_admin" | "not_found";
export type InvoiceDecision = { ok: true } | { ok: false; why: InvoiceRefusal };

const OK: InvoiceDecision = { ok: true };
const refuse = (why: InvoiceRefusal): InvoiceDecision => ({ ok: false, why });

function actingAdmin(actor: InvoiceActor): boolean {
  return (actor.tenantRole === "owner" || actor.tenantRole === "admin") && !actor.viewingAsMember;
}

/** `billed`: the user an invoice bills (for `readInvoice`). */
export function decideInvoice(actor: InvoiceActor, action: InvoiceAction, billed?: { userId: string }): InvoiceDecision {
  if (actor.tenantRole === null || actor.userId === null) return refuse("signed_out");
  switch (action) {
    case "manageCharges":
    case "readAllInvoices":
    case "managePayments":
      return actingAdmin(actor) ? OK : refuse("not_admin");
    case "readOwnInvoices":
      return OK;
    case "readInvoice":
      return actingAdmin(actor) || (billed !== undefined && billed.userId === actor.userId) ? OK : refuse("not_found");
  }
}
