import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { directoryDb } from "../db/client";
import { newId } from "../db/ids";
import { invoices, users, type Invoice } from "../db/schema";
import { taxOn } from "../invoices/money";

// Issued invoices written straight into D1 for the tests of the lists that read them (the
// admin list, its totals and export): any status, day and payment, without running the job.

export type SeedInvoice = {
  number: string;
  issuedOn: string;
  dueOn?: string;
  /** Before tax, in minor units; one line. */
  subtotal: number;
  taxRateBp?: number;
  paid?: number;
  status?: Invoice["status"];
  currency?: string;
};

export async function seedInvoice(tenant: { id: string }, userId: string, s: SeedInvoice): Promise<Invoice> {
  const currency = s.currency ?? "EUR";
  const bp = s.taxRateBp ?? 0;
  const tax = taxOn(s.subtotal, bp);
  const [buyer] = await directoryDb(env).select({ name: users.name }).from(users).where(eq(users.id, userId));
  const [row] = await directoryDb(env)
    .insert(invoices)
    .values({
      id: newId(),
      tenantId: tenant.id,
      userId,
      membershipId: null,
      number: s.number,
      status: s.status ?? "open",
      issuedOn: s.issuedOn,
      dueOn: s.dueOn ?? s.issuedOn,
      seller: { name: "Seller", address: "1 Seller Street", taxId: null },
      buyer: { name: buyer?.name ?? "Buyer", address: "", taxId: null },
      lines: [{ chargeId: newId(), kind: "one_off", description: `Line of ${s.number}`, quantity: 1, unitAmount: s.subtotal, taxRateBp: bp, amount: s.subtotal, tax }],
      subtotal: s.subtotal,
      tax,
      total: s.subtotal + tax,
      paid: s.paid ?? 0,
      currency,
      createdAt: Date.now(),
    })
    .returning();
  return row!;
}
