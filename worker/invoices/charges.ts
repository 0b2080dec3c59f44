import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { charges, users, type Charge } from "../db/schema";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { ApiError, conflict, notFound } from "../http/errors";
import { forgetInvoicesOf } from "./cache";
import { basisPointsToPercent, isCurrency, percentToBasisPoints, type Money } from "./money";
import type { BillingSettingsView } from "./settings";
import type { BilledMember } from "./types";

// Charges: the one way money reaches an invoice (DESIGN.md "Member portal decisions"). Here
// an admin's one-off charges; the invoice run adds plan periods and setup fees, bookings and
// event tickets add theirs. A charge is invoiced exactly once: `invoice_id` is set in the
// batch that issues its invoice, and a charge with one can no longer be removed.

const amount = z.number({ error: "field.required" }).int(msg("field.invalid")).min(1, msg("field.too_small", { min: 1 })).max(100_000_000, msg("field.too_big", { max: 100_000_000 }));
const percent = z
  .number({ error: "field.required" })
  .min(0, msg("field.too_small", { min: 0 }))
  .max(100, msg("field.too_big", { max: 100 }))
  .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, { message: "field.invalid" });

export const chargeInput = z.strictObject({
  description: z.string({ error: "field.required" }).trim().min(1, "field.required").max(300, msg("field.too_long", { max: 300 })),
  amount: z.strictObject({ amount, currency: z.string({ error: "field.required" }).refine(isCurrency, { message: "field.invalid" }) }),
  taxRate: percent.optional(),
});
export type ChargeInput = z.output<typeof chargeInput>;

export type ChargeView = {
  id: string;
  userId: string;
  kind: Charge["kind"];
  description: string;
  amount: Money;
  taxRate: number;
  periodStart: string | null;
  periodEnd: string | null;
  invoiceId: string | null;
  createdAt: string;
};

export function chargeView(c: Charge): ChargeView {
  return {
    id: c.id,
    userId: c.userId,
    kind: c.kind,
    description: c.description,
    amount: { amount: c.amount, currency: c.currency },
    taxRate: basisPointsToPercent(c.taxRateBp),
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    invoiceId: c.invoiceId,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}

/** A one-off charge for the member's next invoice, in the community's currency (else 422 `currency_mismatch`). */
export async function addOneOffCharge(t: TenantDb, billing: BillingSettingsView, userId: string, input: ChargeInput, now: number): Promise<Charge> {
  if (input.amount.currency !== billing.currency) {
    throw new ApiError(422, "currency_mismatch", `Amounts are in ${billing.currency}, the community's currency.`, { amount: msg("field.currency", { currency: billing.currency }) });
  }
  const [row] = await t.db
    .insert(charges)
    .values({
      id: newId(),
      tenantId: t.tenantId,
      userId,
      membershipId: null,
      kind: "one_off",
      description: input.description,
      amount: input.amount.amount,
      currency: input.amount.currency,
      taxRateBp: percentToBasisPoints(input.taxRate ?? billing.defaultTaxRate),
      createdAt: now,
    })
    .returning();
  forgetInvoicesOf(t.tenantId, userId);
  return row!;
}

/** A member's charges, newest first (invoiced ones too, with their invoice). */
export async function chargesOf(t: TenantDb, userId: string): Promise<Charge[]> {
  return t.db
    .select()
    .from(charges)
    .where(and(eq(charges.tenantId, t.tenantId), eq(charges.userId, userId)))
    .orderBy(desc(charges.createdAt), desc(charges.id))
    .limit(1000);
}

/** A member of this community by id (404 otherwise), as the charges page names them. */
export async function chargedMember(t: TenantDb, userId: string): Promise<BilledMember> {
  const [row] = await t.db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId))).limit(1);
  if (!row) throw notFound("No such member.");
  return row;
}

export const pendingChargesCursor = cursorKind("pending-charges", z.tuple([cursorParts.int, cursorParts.id]));

export type PendingCharge = ChargeView & { member: BilledMember };

/**
 * The charges waiting for an invoice (of one member, or of everyone), newest first, with the
 * member each one bills, a page at a time: what the next invoice run will bill.
 */
export async function uninvoicedCharges(t: TenantDb, opts: { userId?: string | undefined; limit: number; cursor?: string | null | undefined }): Promise<{ items: PendingCharge[]; nextCursor: string | null }> {
  const after = decodeOptionalCursor(pendingChargesCursor, opts.cursor);
  const rows = await t.db
    .select({ charge: charges, member: { id: users.id, name: users.name, email: users.email } })
    .from(charges)
    .innerJoin(users, eq(users.id, charges.userId))
    .where(
      and(
        eq(charges.tenantId, t.tenantId),
        isNull(charges.invoiceId),
        ...(opts.userId ? [eq(charges.userId, opts.userId)] : []),
        ...(after ? [or(lt(charges.createdAt, after[0]), and(eq(charges.createdAt, after[0]), lt(charges.id, after[1])))] : []),
      ),
    )
    .orderBy(desc(charges.createdAt), desc(charges.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1)?.charge;
  return {
    items: page.map((r) => ({ ...chargeView(r.charge), member: r.member })),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(pendingChargesCursor, [last.createdAt, last.id]) : null,
  };
}

/**
 * Removes a charge not yet invoiced: 404 when there is none (or in another community), 409
 * `charge_invoiced` once an invoice carries it. One conditional delete, so a charge that an
 * invoice run claims at the same moment is either removed before or refused after, never both.
 */
export async function removeCharge(t: TenantDb, id: string): Promise<void> {
  const deleted = await t.db
    .delete(charges)
    .where(and(eq(charges.tenantId, t.tenantId), eq(charges.id, id), sql`${charges.invoiceId} is null`))
    .returning({ id: charges.id, userId: charges.userId });
  if (deleted[0]) return forgetInvoicesOf(t.tenantId, deleted[0].userId);
  const [row] = await t.db.select({ id: charges.id }).from(charges).where(and(eq(charges.tenantId, t.tenantId), eq(charges.id, id))).limit(1);
  if (!row) throw notFound("No such charge.");
  throw conflict("charge_invoiced", "This charge is on an issued invoice; void the invoice instead.");
}

// ---- Charges added by bookings (branch bk-core) -------------------------------------------------

export type BookingChargeRow = { id: string; userId: string; membershipId: string | null; description: string; amount: number; currency: string; taxRateBp: number; createdAt: number };

/**
 * The statement that adds a booking's charge in the batch that inserts the booking: it inserts
 * only when the booking `bookingId` is there, so a booking its conditional insert refused leaves
 * no charge behind.
 */
export function bookingChargeStatement(t: TenantDb, row: BookingChargeRow, bookingId: string): D1PreparedStatement {
  return t.d1
    .prepare(
      "insert into charges (id, tenant_id, user_id, membership_id, kind, description, amount, currency, tax_rate_bp, created_at) " +
        "select ?1, ?2, ?3, ?4, 'booking', ?5, ?6, ?7, ?8, ?9 where exists (select 1 from bookings where id = ?10 and tenant_id = ?2)",
    )
    .bind(row.id, t.tenantId, row.userId, row.membershipId, row.description, row.amount, row.currency, row.taxRateBp, row.createdAt, bookingId);
}

/** The statement that removes a charge while no invoice carries it (an invoiced one stays: admins void and rebill). */
export function uninvoicedChargeRemoval(t: TenantDb, chargeId: string): D1PreparedStatement {
  return t.d1.prepare("delete from charges where tenant_id = ?1 and id = ?2 and invoice_id is null").bind(t.tenantId, chargeId);
}

// ---- Tickets of events (branch ev-api) ----------------------------------------------------------

/**
 * The statement that adds an event ticket's charge (kind `event`) in the batch that registers (or
 * promotes) the member: it inserts only when the registration `registrationId` is there and holds
 * this charge (a registration that went to the waitlist, or lost a race, leaves no charge).
 */
export function eventChargeStatement(t: TenantDb, row: BookingChargeRow, registrationId: string): D1PreparedStatement {
  return t.d1
    .prepare(
      "insert into charges (id, tenant_id, user_id, membership_id, kind, description, amount, currency, tax_rate_bp, created_at) " +
        "select ?1, ?2, ?3, ?4, 'event', ?5, ?6, ?7, ?8, ?9 where exists (select 1 from event_registrations where id = ?10 and tenant_id = ?2 and charge_id = ?1 and status = 'going')",
    )
    .bind(row.id, t.tenantId, row.userId, row.membershipId, row.description, row.amount, row.currency, row.taxRateBp, row.createdAt, registrationId);
}
