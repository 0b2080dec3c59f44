import { forgetInvoicesOf } from "./cache";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import { changesGuard, type TenantDb } from "../db/client";
import { invoices, payments, type Invoice } from "../db/schema";
import { conflict, notFound } from "../http/errors";
import type { Day } from "../memberships/periods";
import { yearOfDay } from "./numbering";

// Void + credit note (API.md "Invoices and payments", branch inv-pay): an issued invoice is
// never edited; a mistake is corrected by voiding it. It keeps its number (a number is never
// reused) and gets a credit note from the `credit_note` series of `document_counters`,
// `{numberPrefix}C{year}-{sequence}`, given in the SAME batch that voids it: the counter grows,
// the invoice takes the counter's value only while it is still not void and carries no payment,
// and a guard statement fails on purpose otherwise, so the whole batch (counter included) rolls
// back: no gap, no number twice, whatever is voided at the same time. With `rebill`, the
// invoice's charges (the plan period's included, the same rows: its unique key stays satisfied)
// lose their invoice and go on the member's next one; without, they stay on the void invoice.

const REASON_MAX = 500;

export const voidBody = z.strictObject({
  reason: z.string({ error: "field.required" }).trim().min(1, "field.required").max(REASON_MAX, msg("field.too_long", { max: REASON_MAX })),
  rebill: z.boolean({ error: "field.invalid" }).optional(),
});
export type VoidInput = z.output<typeof voidBody>;

/**
 * Voids an invoice of this community on `today` (the community's day): 404 when there is none,
 * 409 `invoice_void` when it already is, 409 `invoice_has_payments` while payments are recorded
 * on it (remove them first).
 */
export async function voidInvoice(t: TenantDb, invoiceId: string, input: VoidInput, billing: { numberPrefix: string }, today: Day, now: number): Promise<Invoice> {
  const before = await row(t, invoiceId);
  const refuse = async (inv: Invoice) => {
    if (inv.status === "void") throw conflict("invoice_void", "This invoice is already void.");
    const [p] = await t.db.select({ id: payments.id }).from(payments).where(and(eq(payments.tenantId, t.tenantId), eq(payments.invoiceId, invoiceId))).limit(1);
    if (p || inv.paid > 0) throw conflict("invoice_has_payments", "Remove the payments recorded on this invoice before voiding it.");
  };
  await refuse(before);
  const year = yearOfDay(today);
  const sequence = "(select sequence from document_counters where tenant_id = ?1 and series = 'credit_note' and year = ?4)";
  try {
    await t.d1.batch([
      t.d1
        .prepare("insert into document_counters (tenant_id, series, year, sequence) values (?1, 'credit_note', ?2, 1) on conflict (tenant_id, series, year) do update set sequence = sequence + 1")
        .bind(t.tenantId, year),
      t.d1
        .prepare(
          `update invoices set status = 'void', void_reason = ?5, voided_at = ?6, credit_note_issued_on = ?7,
             credit_note_number = ?3 || 'C' || printf('%d', ?4) || '-' || printf('%04d', ${sequence})
           where tenant_id = ?1 and id = ?2 and status <> 'void' and paid = 0
             and not exists (select 1 from payments p where p.tenant_id = ?1 and p.invoice_id = ?2)`,
        )
        .bind(t.tenantId, invoiceId, billing.numberPrefix, year, input.reason, now, today),
      changesGuard(t.d1, 1, "the invoice is void already or has payments"),
      ...(input.rebill ? [t.d1.prepare("update charges set invoice_id = null where tenant_id = ?1 and invoice_id = ?2").bind(t.tenantId, invoiceId)] : []),
    ]);
  } catch (err) {
    // Rolled back: something changed since the read (voided at the same time, a payment came).
    await refuse(await row(t, invoiceId));
    throw err;
  }
  forgetInvoicesOf(t.tenantId, before.userId ?? undefined);
  return row(t, invoiceId);
}

async function row(t: TenantDb, id: string): Promise<Invoice> {
  const [found] = await t.db.select().from(invoices).where(and(eq(invoices.tenantId, t.tenantId), eq(invoices.id, id))).limit(1);
  if (!found) throw notFound("No such invoice.");
  return found;
}
