import { forgetInvoicesOf } from "./cache";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import { changesGuard, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { invoices, PAYMENT_METHODS, payments, tenants, type Invoice, type Payment, type PaymentMethod } from "../db/schema";
import { ApiError, conflict, notFound } from "../http/errors";
import { dayInTimeZone, isDay, type Day } from "../memberships/periods";
import { parseWith } from "../http/validate";
import { isCurrency, parseDecimalAmount } from "./money";
import type { PaymentView } from "./types";
import { invoiceView } from "./invoices";
import { prepared, webhookEvents } from "../webhooks/emit-many";

// Payments (API.md "Invoices and payments", branch inv-pay): admins record bank transfers,
// cash and other payments, partial ones too; the card provider (inv-stripe) records its own
// through the same `recordPayment`, once per provider reference.
//
// `invoices.paid` is the sum of the invoice's payments. It changes in the SAME D1 batch that
// inserts or deletes a payment, and only under a condition (open, balance still covers the
// amount; the payment still there), followed by a guard statement that fails on purpose when
// the condition did not hold, so that the whole batch rolls back (a conditional statement that
// changes nothing does not abort a batch by itself). D1 runs one batch at a time, so however
// many payments arrive together, the invoice is never overpaid and `paid` never drifts.

export type { PaymentMethod };
export type { PaymentView } from "./types";
export type PaymentInput = { amount: number; currency: string; method: PaymentMethod; paidOn: Day; note: string | null; providerRef?: string | null };
export type PaymentActor = { userId: string | null };

export const MAX_PAYMENT = 100_000_000;
const NOTE_MAX = 500;

/** `POST /api/v1/invoices/{id}/payments`'s body; `paidOn` defaults to the community's today. */
export const paymentBody = z.strictObject({
  amount: z.strictObject({
    amount: z.number({ error: "field.required" }).int(msg("field.invalid")).min(1, msg("field.too_small", { min: 1 })).max(MAX_PAYMENT, msg("field.too_big", { max: MAX_PAYMENT })),
    currency: z.string({ error: "field.required" }).refine(isCurrency, { message: "field.invalid" }),
  }),
  method: z.enum(PAYMENT_METHODS, { error: "field.option" }),
  paidOn: z.string({ error: "field.required" }).refine(isDay, { message: "field.day" }).optional(),
  note: z.string({ error: "field.invalid" }).trim().max(NOTE_MAX, msg("field.too_long", { max: NOTE_MAX })).nullable().optional(),
});
export type PaymentBody = z.output<typeof paymentBody>;

/** The service's input from the API's body, `paidOn` defaulting to `today`. */
export function paymentInputOf(body: PaymentBody, today: Day): PaymentInput {
  return { amount: body.amount.amount, currency: body.amount.currency, method: body.method, paidOn: body.paidOn ?? today, note: body.note ? body.note : null };
}

/** The methods an admin records by hand on the invoice page; card payments come from the provider. */
export const MANUAL_METHODS = ["bank_transfer", "cash", "other"] as const;

const paymentForm = z.object({
  amount: z.string({ error: "field.required" }).trim().min(1, "field.required"),
  method: z.enum(MANUAL_METHODS, { error: "field.option" }),
  paidOn: z.string({ error: "field.required" }).trim().refine(isDay, { message: "field.day" }),
  note: z.string().trim().max(NOTE_MAX, msg("field.too_long", { max: NOTE_MAX })).optional(),
});

/** The page's "record a payment" form (text values) as the service's input: a decimal amount ("54,45") in the invoice's currency. */
export function paymentFormInput(values: Record<string, string>, currency: string): PaymentInput {
  const v = parseWith(paymentForm, values);
  const amount = parseDecimalAmount(v.amount, currency);
  if (amount === null) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { amount: "field.invalid" });
  return { amount, currency, method: v.method, paidOn: v.paidOn, note: v.note ? v.note : null };
}

export function paymentView(p: Payment): PaymentView {
  return { id: p.id, amount: { amount: p.amount, currency: p.currency }, method: p.method, paidOn: p.paidOn, note: p.note };
}

/** The order of an invoice's payments (as `paymentsOf` reads them). */
const oldestFirst = (a: Payment, b: Payment) => a.paidOn.localeCompare(b.paidOn) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The payments of these invoices (of this community), oldest first, by invoice id. */
export async function paymentsOf(t: TenantDb, invoiceIds: readonly string[]): Promise<Map<string, Payment[]>> {
  const out = new Map<string, Payment[]>();
  const ids = [...new Set(invoiceIds)];
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await t.db
      .select()
      .from(payments)
      .where(and(eq(payments.tenantId, t.tenantId), inArray(payments.invoiceId, ids.slice(i, i + 90))))
      .orderBy(asc(payments.paidOn), asc(payments.createdAt), asc(payments.id));
    for (const p of rows) out.set(p.invoiceId, [...(out.get(p.invoiceId) ?? []), p]);
  }
  return out;
}

async function invoiceRow(t: TenantDb, id: string): Promise<Invoice> {
  const [row] = await t.db.select().from(invoices).where(and(eq(invoices.tenantId, t.tenantId), eq(invoices.id, id))).limit(1);
  if (!row) throw notFound("No such invoice.");
  return row;
}

async function paymentByRef(t: TenantDb, providerRef: string): Promise<Payment | undefined> {
  const [row] = await t.db.select().from(payments).where(and(eq(payments.tenantId, t.tenantId), eq(payments.providerRef, providerRef))).limit(1);
  return row;
}

/** The community's today, in its timezone. */
export async function tenantToday(t: TenantDb, now: number): Promise<Day> {
  const [row] = await t.db.select({ timezone: tenants.timezone }).from(tenants).where(eq(tenants.id, t.tenantId)).limit(1);
  return dayInTimeZone(now, row?.timezone ?? "UTC");
}

const voidInvoice = () => conflict("invoice_void", "This invoice is void.");
const overpayment = (balance: number, currency: string) =>
  new ApiError(409, "overpayment", `The payment is more than the invoice's balance (${balance} ${currency} in minor units).`);

/**
 * Records a payment on an invoice of this community: 404 when there is none, 422
 * `currency_mismatch` for another currency than the invoice's (the community's), 422
 * `validation_failed` (`paidOn`) for a day after the community's today or an amount not above
 * 0, 409 `invoice_void`, 409 `overpayment` when the amount is more than the balance. The
 * invoice's `paid` grows in the same batch, and it turns `paid` when the balance reaches 0.
 * The same `providerRef` twice (even at once) records one payment: the second answers it back
 * with `duplicate: true`.
 */
export async function recordPayment(
  t: TenantDb,
  invoiceId: string,
  input: PaymentInput,
  actor: PaymentActor,
  now: number,
): Promise<{ payment: PaymentView; invoice: Invoice; duplicate: boolean }> {
  const before = await invoiceRow(t, invoiceId);
  const ref = input.providerRef ?? null;
  const duplicate = async () => {
    const known = ref === null ? undefined : await paymentByRef(t, ref);
    return known ? { payment: paymentView(known), invoice: await invoiceRow(t, known.invoiceId), duplicate: true } : null;
  };
  const known = await duplicate();
  if (known) return known;
  if (input.currency !== before.currency) {
    throw new ApiError(422, "currency_mismatch", `Amounts are in ${before.currency}, the community's currency.`, { amount: msg("field.currency", { currency: before.currency }) });
  }
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { amount: msg("field.too_small", { min: 1 }) });
  if (!isDay(input.paidOn) || input.paidOn > (await tenantToday(t, now))) {
    throw new ApiError(422, "validation_failed", "Some fields are invalid.", { paidOn: isDay(input.paidOn) ? "field.not_in_future" : "field.day" });
  }
  if (before.status === "void") throw voidInvoice();
  if (input.amount > before.total - before.paid) throw overpayment(before.total - before.paid, before.currency);

  const id = newId();
  // `invoice.paid` when this payment settles it: the invoice as it then is, with every payment.
  const payment: Payment = { id, tenantId: t.tenantId, invoiceId, userId: before.userId, amount: input.amount, currency: input.currency, method: input.method, paidOn: input.paidOn, note: input.note, providerRef: ref, createdBy: actor.userId, createdAt: now };
  const settled = invoiceView({ ...before, status: "paid", paid: before.total, payments: [...((await paymentsOf(t, [invoiceId])).get(invoiceId) ?? []), payment].sort(oldestFirst) });
  const isPaidNow = sql`exists (select 1 from ${invoices} where ${invoices.tenantId} = ${t.tenantId} and ${invoices.id} = ${invoiceId} and ${invoices.status} = 'paid')`;
  try {
    await t.d1.batch([
      t.d1
        .prepare(
          `update invoices set paid = paid + ?3, status = case when paid + ?3 = total then 'paid' else 'open' end
           where tenant_id = ?1 and id = ?2 and status = 'open' and paid + ?3 <= total`,
        )
        .bind(t.tenantId, invoiceId, input.amount),
      changesGuard(t.d1, 1, "the invoice is no longer open or its balance is below the payment"),
      t.d1
        .prepare(
          `insert into payments (id, tenant_id, invoice_id, user_id, amount, currency, method, paid_on, note, provider_ref, created_by, created_at)
           values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) on conflict do nothing`,
        )
        .bind(id, t.tenantId, invoiceId, before.userId, input.amount, input.currency, input.method, input.paidOn, input.note, ref, actor.userId, now),
      changesGuard(t.d1, 1, "this provider reference is already recorded"),
      // The guards above roll everything back unless this payment landed; it settled the invoice only if it is paid now.
      ...webhookEvents(t, "invoice.paid", [{ data: settled }], now, isPaidNow).map((e) => prepared(t, e)),
    ]);
  } catch (err) {
    // The batch rolled back: say why from what is stored now (another payment came first).
    const again = await duplicate();
    if (again) return again;
    const after = await invoiceRow(t, invoiceId);
    if (after.status === "void") throw voidInvoice();
    if (input.amount > after.total - after.paid) throw overpayment(after.total - after.paid, after.currency);
    throw err;
  }
  forgetInvoicesOf(t.tenantId, before.userId ?? undefined);
  const [row] = await t.db.select().from(payments).where(eq(payments.id, id)).limit(1);
  return { payment: paymentView(row!), invoice: await invoiceRow(t, invoiceId), duplicate: false };
}

/**
 * Removes a payment recorded by mistake: 404 when the invoice or the payment is not there, 409
 * `payment_not_removable` for a card payment (the provider holds that money; refund it there).
 * The invoice's `paid` shrinks in the same batch and a paid invoice opens again.
 */
export async function removePayment(t: TenantDb, invoiceId: string, paymentId: string): Promise<Invoice> {
  await invoiceRow(t, invoiceId);
  const [p] = await t.db
    .select()
    .from(payments)
    .where(and(eq(payments.tenantId, t.tenantId), eq(payments.invoiceId, invoiceId), eq(payments.id, paymentId)))
    .limit(1);
  if (!p) throw notFound("No such payment.");
  if (p.method === "card") throw conflict("payment_not_removable", "A card payment cannot be removed here: refund it through the payment provider.");
  const found = "exists (select 1 from payments p where p.tenant_id = ?1 and p.invoice_id = ?2 and p.id = ?3 and p.method <> 'card')";
  try {
    await t.d1.batch([
      t.d1
        .prepare(
          `update invoices set paid = paid - (select p.amount from payments p where p.id = ?3), status = case when status = 'paid' then 'open' else status end
           where tenant_id = ?1 and id = ?2 and ${found}`,
        )
        .bind(t.tenantId, invoiceId, paymentId),
      changesGuard(t.d1, 1, "the payment is gone"),
      t.d1.prepare("delete from payments where tenant_id = ?1 and invoice_id = ?2 and id = ?3 and method <> 'card'").bind(t.tenantId, invoiceId, paymentId),
      changesGuard(t.d1, 1, "the payment is gone"),
    ]);
  } catch (err) {
    const [still] = await t.db.select({ id: payments.id }).from(payments).where(eq(payments.id, paymentId)).limit(1);
    if (!still) throw notFound("No such payment.");
    throw err;
  }
  forgetInvoicesOf(t.tenantId, p.userId ?? undefined);
  return invoiceRow(t, invoiceId);
}
