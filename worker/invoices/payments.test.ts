import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { invoices, payments } from "../db/schema";
import { ApiError } from "../http/errors";
import { addDays } from "../memberships/periods";
import { issueInvoices } from "../test/invoice-fixtures";
import { makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { recordPayment, removePayment, tenantToday, type PaymentInput } from "./payments";

// recordPayment / removePayment (worker/invoices/payments.ts): the rules of API.md "Invoices and
// payments" for payments, and `invoices.paid` kept in the same batch, never overpaid.

const tdb = (tenant: TestTenant) => tenantDb(env, { id: tenant.id });
const admin = { userId: null };
const NOW = () => Date.now();

async function oneInvoice(amount: number, taxRate?: number) {
  const tenant = await makeTenant();
  const member = await signUpMember(tenant, `payer-${crypto.randomUUID().slice(0, 8)}@example.com`);
  const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount, ...(taxRate !== undefined ? { taxRate } : {}) }]);
  const t = tdb(tenant);
  return { tenant, member, invoice: invoice!, t, today: await tenantToday(t, NOW()) };
}

const pay = (amount: number, today: string, extra: Partial<PaymentInput> = {}): PaymentInput => ({ amount, currency: "EUR", method: "bank_transfer", paidOn: today, note: null, ...extra });

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code, fields: Object.keys(err.fields ?? {}) };
    throw err;
  }
  throw new Error("expected a refusal");
}

const stored = async (t: ReturnType<typeof tdb>, id: string) => (await t.db.select().from(invoices).where(eq(invoices.id, id)))[0]!;
const paymentRows = async (t: ReturnType<typeof tdb>, id: string) => t.db.select().from(payments).where(and(eq(payments.tenantId, t.tenantId), eq(payments.invoiceId, id)));

describe("recordPayment", () => {
  it("records a partial then a full payment: paid grows, the status turns paid when the balance reaches 0", async () => {
    // One charge of 100.00 at 21 %: tax 2100, total 10000 + 2100 = 12100 cents.
    const { invoice, t, today } = await oneInvoice(10000, 21);
    expect(invoice.total.amount).toBe(12100);
    const first = await recordPayment(t, invoice.id, pay(5000, today, { note: "First half" }), { userId: "admin-1" }, NOW());
    // 12100 − 5000 = 7100 left.
    expect(first).toMatchObject({ duplicate: false, payment: { amount: { amount: 5000, currency: "EUR" }, method: "bank_transfer", paidOn: today, note: "First half" }, invoice: { paid: 5000, status: "open" } });
    const second = await recordPayment(t, invoice.id, pay(7100, today, { method: "cash" }), admin, NOW());
    expect(second.invoice).toMatchObject({ paid: 12100, status: "paid" });
    const rows = await paymentRows(t, invoice.id);
    expect(rows.map((r) => [r.amount, r.method, r.userId === invoice.userId]).sort()).toEqual([[5000, "bank_transfer", true], [7100, "cash", true]]);
    expect(rows.find((r) => r.amount === 5000)!.createdBy).toBe("admin-1");
  });

  it("refuses an overpayment (409 overpayment), another currency (422 currency_mismatch), a future day (422 on paidOn), a nil amount, a void invoice (409 invoice_void), and 404 across communities", async () => {
    const { invoice, t, today } = await oneInvoice(10000);
    // Total 10000 (0 % tax): 10001 is one cent too many.
    expect(await refusal(recordPayment(t, invoice.id, pay(10001, today), admin, NOW()))).toEqual({ status: 409, code: "overpayment", fields: [] });
    expect(await refusal(recordPayment(t, invoice.id, pay(100, today, { currency: "USD" }), admin, NOW()))).toEqual({ status: 422, code: "currency_mismatch", fields: ["amount"] });
    expect(await refusal(recordPayment(t, invoice.id, pay(100, addDays(today, 1)), admin, NOW()))).toEqual({ status: 422, code: "validation_failed", fields: ["paidOn"] });
    expect(await refusal(recordPayment(t, invoice.id, pay(0, today), admin, NOW()))).toEqual({ status: 422, code: "validation_failed", fields: ["amount"] });
    // Paid 9000 of 10000: 1001 is more than the 1000 left.
    await recordPayment(t, invoice.id, pay(9000, today), admin, NOW());
    expect(await refusal(recordPayment(t, invoice.id, pay(1001, today), admin, NOW()))).toMatchObject({ status: 409, code: "overpayment" });
    const other = await makeTenant();
    expect(await refusal(recordPayment(tdb(other), invoice.id, pay(100, today), admin, NOW()))).toMatchObject({ status: 404, code: "not_found" });
    expect((await stored(t, invoice.id)).paid).toBe(9000);

    const voided = await oneInvoice(5000);
    await voided.t.db.update(invoices).set({ status: "void" }).where(eq(invoices.id, voided.invoice.id));
    expect(await refusal(recordPayment(voided.t, voided.invoice.id, pay(100, voided.today), admin, NOW()))).toMatchObject({ status: 409, code: "invoice_void" });
    expect(await paymentRows(voided.t, voided.invoice.id)).toEqual([]);
  });

  it("takes a day in the community's timezone: yesterday and today pass, tomorrow does not", async () => {
    const { invoice, t, today } = await oneInvoice(10000);
    await recordPayment(t, invoice.id, pay(100, addDays(today, -1)), admin, NOW());
    await recordPayment(t, invoice.id, pay(100, today), admin, NOW());
    expect((await refusal(recordPayment(t, invoice.id, pay(100, addDays(today, 1)), admin, NOW()))).fields).toEqual(["paidOn"]);
    expect((await stored(t, invoice.id)).paid).toBe(200);
  });

  it("never overpays under concurrency: 10 payments of 30.00 at once on 100.00 → exactly 3 recorded, 7 × 409 overpayment, paid 9000", async () => {
    const { invoice, t, today } = await oneInvoice(10000);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        recordPayment(t, invoice.id, pay(3000, today), admin, NOW()).then(
          () => "ok",
          (err: unknown) => (err instanceof ApiError ? `${err.status} ${err.code}` : String(err)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "409 overpayment")).toHaveLength(7);
    // 3 × 3000 = 9000 of 10000; the status stays open (1000 left).
    expect(await stored(t, invoice.id)).toMatchObject({ paid: 9000, status: "open" });
    expect(await paymentRows(t, invoice.id)).toHaveLength(3);
  });

  it("records a provider reference once: the same one again, even at once, answers the first payment with duplicate: true", async () => {
    const { invoice, t, today } = await oneInvoice(10000);
    const first = await recordPayment(t, invoice.id, pay(2000, today, { method: "card", providerRef: "cs_test_1" }), admin, NOW());
    const again = await recordPayment(t, invoice.id, pay(2000, today, { method: "card", providerRef: "cs_test_1" }), admin, NOW());
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, payment: { id: first.payment.id }, invoice: { paid: 2000 } });

    const together = await Promise.all(Array.from({ length: 5 }, () => recordPayment(t, invoice.id, pay(3000, today, { method: "card", providerRef: "cs_test_2" }), admin, NOW())));
    expect(together.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(together.map((r) => r.payment.id)).size).toBe(1);
    // 2000 + 3000 = 5000: each reference counted once.
    expect((await stored(t, invoice.id)).paid).toBe(5000);
    expect(await paymentRows(t, invoice.id)).toHaveLength(2);
  });
});

describe("removePayment", () => {
  it("removes a payment recorded by mistake and opens the invoice again; a card payment is refused (409 payment_not_removable); 404 for another invoice's payment", async () => {
    const { invoice, t, today } = await oneInvoice(10000);
    const cash = await recordPayment(t, invoice.id, pay(6000, today, { method: "cash" }), admin, NOW());
    const card = await recordPayment(t, invoice.id, pay(4000, today, { method: "card", providerRef: "cs_rm" }), admin, NOW());
    // 6000 + 4000 = 10000: paid.
    expect(card.invoice).toMatchObject({ paid: 10000, status: "paid" });
    expect(await refusal(removePayment(t, invoice.id, card.payment.id))).toMatchObject({ status: 409, code: "payment_not_removable" });
    const reopened = await removePayment(t, invoice.id, cash.payment.id);
    // 10000 − 6000 = 4000 paid, 6000 left: open again.
    expect(reopened).toMatchObject({ paid: 4000, status: "open" });
    expect(await refusal(removePayment(t, invoice.id, cash.payment.id))).toMatchObject({ status: 404 });

    const other = await oneInvoice(5000);
    expect(await refusal(removePayment(other.t, other.invoice.id, card.payment.id))).toMatchObject({ status: 404 });
    expect(await refusal(removePayment(other.t, invoice.id, card.payment.id))).toMatchObject({ status: 404 });
  });

  it("removes a payment once when asked twice at once: paid drops by its amount only", async () => {
    const { invoice, t, today } = await oneInvoice(10000);
    await recordPayment(t, invoice.id, pay(1000, today), admin, NOW());
    const p = await recordPayment(t, invoice.id, pay(2500, today), admin, NOW());
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => removePayment(t, invoice.id, p.payment.id).then(() => "ok", (e: ApiError) => e.status)));
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    expect(outcomes.filter((o) => o === 404)).toHaveLength(3);
    // 1000 + 2500 − 2500 = 1000.
    expect((await stored(t, invoice.id)).paid).toBe(1000);
  });
});
