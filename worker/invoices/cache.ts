import { and, asc, eq, gt } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { invoices } from "../db/schema";
import type { Day } from "../memberships/periods";
import type { Money } from "./money";

// What the dashboard (`GET /api/v1/me/dashboard`, the page at `/`) shows of invoices, kept a few
// seconds per isolate (db/read-cache.ts) like the dashboard's other reads, so that a dashboard
// in the steady state makes no D1 round trip for them:
//   - per community: whether it ever issued an invoice or added a charge. Without either,
//     nobody has an unpaid invoice, and only a member with a membership can have a next one:
//     a community that does not invoice pays nothing more;
//   - per member: their unpaid invoices (read in the dashboard's own batch on a miss) and their
//     next invoice's date and total (`previewInvoice`, the run's own code).
// Every write that changes them calls `forgetInvoicesOf` in its isolate (the invoice run,
// charges added or removed, memberships started or changed, billing settings saved, and, in
// the payments branch, payments, voids and the Stripe webhook); other isolates see the change
// within READ_TTL_MS.

export type InvoiceFacts = { /** an invoice was issued */ issued: boolean; /** a charge was added (invoiced or not) */ charged: boolean };
export type UnpaidInvoice = { id: string; number: string; total: Money; balance: Money; dueOn: Day };
export type NextInvoice = { date: Day; total: Money };

const facts = new ReadCache<InvoiceFacts>();
const unpaidCache = new ReadCache<UnpaidInvoice[]>();
const nextCache = new ReadCache<{ today: Day; next: NextInvoice | null }>();

/**
 * After a write that changes invoices or what the next one bills: a member's (`userId`), or the
 * whole community's (no `userId`: the invoice run, billing settings, a plan). Payments, voids
 * and card payments call it with the member the invoice bills.
 */
export function forgetInvoicesOf(tenantId: string, userId?: string): void {
  facts.delete(tenantId);
  if (userId === undefined) {
    const mine = (key: string) => key.startsWith(`${tenantId}:`);
    unpaidCache.deleteWhere(mine);
    nextCache.deleteWhere(mine);
    return;
  }
  unpaidCache.delete(`${tenantId}:${userId}`);
  nextCache.delete(`${tenantId}:${userId}`);
}

export function invoiceFacts(t: TenantDb): Promise<InvoiceFacts> {
  return facts.getOrLoad(t.tenantId, async () => {
    const row = await t.d1
      .prepare("select exists (select 1 from invoices where tenant_id = ?1) as issued, exists (select 1 from charges where tenant_id = ?1) as charged")
      .bind(t.tenantId)
      .first<{ issued: number; charged: number }>();
    return { issued: Boolean(row?.issued), charged: Boolean(row?.charged) };
  });
}

/** The member's unpaid invoices (open, balance above 0), oldest due first (index invoices_user): a query to batch. */
export function unpaidInvoicesQuery(t: TenantDb, userId: string) {
  return t.db
    .select({ id: invoices.id, number: invoices.number, total: invoices.total, paid: invoices.paid, currency: invoices.currency, dueOn: invoices.dueOn })
    .from(invoices)
    .where(and(eq(invoices.tenantId, t.tenantId), eq(invoices.userId, userId), eq(invoices.status, "open"), gt(invoices.total, invoices.paid)))
    .orderBy(asc(invoices.dueOn), asc(invoices.number))
    .limit(50);
}

type UnpaidRow = Awaited<ReturnType<typeof unpaidInvoicesQuery>>[number];

export function unpaidOf(rows: UnpaidRow[]): UnpaidInvoice[] {
  return rows.map((r) => ({ id: r.id, number: r.number, total: { amount: r.total, currency: r.currency }, balance: { amount: r.total - r.paid, currency: r.currency }, dueOn: r.dueOn }));
}

/**
 * The member's unpaid invoices (cached); `load` lets the dashboard fetch them inside its own
 * batch (it is called at once on a miss). Callers skip it while the community never issued one
 * (`invoiceFacts`).
 */
export function unpaidInvoices(t: TenantDb, userId: string, load: () => Promise<UnpaidRow[]> = () => unpaidInvoicesQuery(t, userId)): Promise<UnpaidInvoice[]> {
  return unpaidCache.getOrLoad(`${t.tenantId}:${userId}`, async () => unpaidOf(await load()));
}

/**
 * The member's next invoice's date and total (cached per day), as `load` computes it (the
 * dashboard: `previewInvoice`, the run's own code): null without a read when they hold no
 * membership that bills and the community never added a charge.
 */
export async function nextInvoiceOf(t: TenantDb, userId: string, today: Day, billsByMembership: boolean, load: () => Promise<NextInvoice | null>): Promise<NextInvoice | null> {
  if (!billsByMembership && !(await invoiceFacts(t)).charged) return null;
  const key = `${t.tenantId}:${userId}`;
  const read = async () => ({ today, next: await load() });
  let hit = await nextCache.getOrLoad(key, read);
  // A value of another day (the cache outlived midnight) is read again.
  if (hit.today !== today) {
    nextCache.delete(key);
    hit = await nextCache.getOrLoad(key, read);
  }
  return hit.next;
}
