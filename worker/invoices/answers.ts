import { z } from "zod";
import { CHARGE_KINDS, PAYMENT_METHODS } from "../db/schema";

// What the invoice routes answer (API.md "Invoices and payments"), for the OpenAPI document,
// written from the views the handlers return (types.ts, invoices.ts, charges.ts, settings.ts).
// The shared pieces (money, days, times, lists) live here once; other features import them.

/** A day without a time (`YYYY-MM-DD`) in the community's timezone (a short pattern, not zod's calendar-checking one, to keep the document small). */
export const dayAnswer = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .meta({ format: "date" });
/** An ISO 8601 UTC time as answers write it (`Date#toISOString`: `2026-12-06T17:00:00.000Z`). */
export const timeAnswer = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  .meta({ format: "date-time" });
/** Money: integer minor units and an ISO 4217 currency (Conventions). */
export const moneyAnswer = z.strictObject({ amount: z.number().int(), currency: z.string().length(3) });
/** A tax rate as a percentage with up to two decimals (`20`, `5.5`). */
export const percentAnswer = z.number().min(0).max(100);
/** A list page: `{items, nextCursor}` (Conventions, "Lists"). */
export const listAnswer = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

/** The seller as printed on an issued invoice (a snapshot of the billing settings at issue). */
export const invoiceSellerAnswer = z.strictObject({
  name: z.string(),
  address: z.string(),
  taxId: z.string().nullable(),
  iban: z.string().nullable().optional(),
  bic: z.string().nullable().optional(),
  email: z.string().optional(),
});
/** The buyer as printed on an issued invoice (the membership's billing details, else the member's name). */
export const invoiceBuyerAnswer = z.strictObject({ name: z.string(), address: z.string(), taxId: z.string().nullable() });

export const invoiceLineAnswer = z.strictObject({ description: z.string(), quantity: z.number().int(), unitAmount: moneyAnswer, taxRate: percentAnswer, amount: moneyAnswer });
export const taxAnswer = z.strictObject({ rate: percentAnswer, amount: moneyAnswer });

export const paymentAnswer = z.strictObject({ id: z.string(), amount: moneyAnswer, method: z.enum(PAYMENT_METHODS), paidOn: dayAnswer, note: z.string().nullable() });

/** An issued invoice (`GET /api/v1/invoices/{id}`); `userId` is null once the member's account was removed. */
export const invoiceAnswer = z.strictObject({
  id: z.string(),
  userId: z.string().nullable(),
  number: z.string(),
  status: z.enum(["open", "paid", "void"]),
  issuedOn: dayAnswer,
  dueOn: dayAnswer,
  seller: invoiceSellerAnswer,
  buyer: invoiceBuyerAnswer,
  lines: z.array(invoiceLineAnswer),
  subtotal: moneyAnswer,
  taxes: z.array(taxAnswer),
  total: moneyAnswer,
  paid: moneyAnswer,
  balance: moneyAnswer,
  voidReason: z.string().nullable(),
  creditNote: z.strictObject({ number: z.string(), issuedOn: dayAnswer }).nullable(),
  payments: z.array(paymentAnswer),
});
export const invoiceListAnswer = listAnswer(invoiceAnswer);

/** `GET /api/v1/me/invoices/preview`: the next invoice as the run would issue it. */
export const invoicePreviewAnswer = z.strictObject({ date: dayAnswer, lines: z.array(invoiceLineAnswer), subtotal: moneyAnswer, taxes: z.array(taxAnswer), total: moneyAnswer });

/** A charge waiting for (or on) an invoice: one-off, plan period, setup fee, booking, event ticket. */
export const chargeAnswer = z.strictObject({
  id: z.string(),
  userId: z.string(),
  kind: z.enum(CHARGE_KINDS),
  description: z.string(),
  amount: moneyAnswer,
  taxRate: percentAnswer,
  periodStart: dayAnswer.nullable(),
  periodEnd: dayAnswer.nullable(),
  invoiceId: z.string().nullable(),
  createdAt: timeAnswer,
});

/** `POST /api/v1/invoices/{id}/payments`: the payment and the invoice after it. */
export const paymentRecordedAnswer = z.strictObject({ payment: paymentAnswer, invoice: invoiceAnswer });

/** `GET`/`PATCH /api/v1/billing/settings`: the Stripe keys are never answered back, only whether they are set. */
export const billingAnswer = z.strictObject({
  currency: z.string().length(3),
  invoiceDay: z.number().int().min(1).max(28),
  numberPrefix: z.string(),
  paymentTermsDays: z.number().int().min(0),
  defaultTaxRate: percentAnswer,
  seller: z.strictObject({ name: z.string(), address: z.string(), taxId: z.string().nullable(), iban: z.string().nullable(), bic: z.string().nullable() }),
  stripe: z.strictObject({ connected: z.boolean() }),
});

/** `?limit=&cursor=` of a list, read by hand (`pageParams`): for `doc({ query })`. */
export const pageQuery = z.object({
  limit: z.number().int().min(1).optional().describe("At most this many items (default 50, capped at 200); 422 when not a whole number above 0."),
  cursor: z.string().optional().describe("Where the previous page stopped (`nextCursor`); 400 `invalid_cursor` for one the product did not make."),
});
