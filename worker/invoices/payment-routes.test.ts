import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { invoices } from "../db/schema";
import { addDays, dayInTimeZone } from "../memberships/periods";
import { eur, failure, getInvoice, issueInvoices, ok, type InvoiceBody, type PaymentBody } from "../test/invoice-fixtures";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// POST /api/v1/invoices/{id}/payments and DELETE …/payments/{paymentId} (API.md "Invoices and
// payments"): admins record bank transfers, cash and other payments, partial ones too.

const today = () => dayInTimeZone(Date.now(), "Europe/Paris");
const post = (tenant: TestTenant, id: string, json: unknown, cookie = tenant.owner.cookie) => call(tenant.host, "POST", `/api/v1/invoices/${id}/payments`, { cookie, json });
const remove = (tenant: TestTenant, id: string, paymentId: string, cookie = tenant.owner.cookie) => call(tenant.host, "DELETE", `/api/v1/invoices/${id}/payments/${paymentId}`, { cookie });
type Recorded = { payment: PaymentBody; invoice: InvoiceBody };

async function setUp(amount = 10000, taxRate?: number) {
  const tenant = await makeTenant();
  const member = await signUpMember(tenant, "payer@example.com", "Paula Payer");
  const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount, ...(taxRate !== undefined ? { taxRate } : {}) }]);
  return { tenant, member, invoice: invoice! };
}

describe("POST /api/v1/invoices/{id}/payments", () => {
  it("records a partial then a full payment (201 {payment, invoice}); the invoice lists its payments and turns paid at balance 0", async () => {
    // 80.00 at 21 %: tax 1680, total 8000 + 1680 = 9680.
    const { tenant, member, invoice } = await setUp(8000, 21);
    expect(invoice).toMatchObject({ total: eur(9680), paid: eur(0), balance: eur(9680), status: "open", payments: [], creditNote: null, voidReason: null });
    const first = await ok<Recorded>(await post(tenant, invoice.id, { amount: eur(4000), method: "bank_transfer", note: "Transfer ref 42" }), 201);
    // paidOn defaults to the community's today; 9680 − 4000 = 5680 left.
    expect(first.payment).toMatchObject({ amount: eur(4000), method: "bank_transfer", paidOn: today(), note: "Transfer ref 42" });
    expect(first.invoice).toMatchObject({ id: invoice.id, number: invoice.number, status: "open", paid: eur(4000), balance: eur(5680), payments: [first.payment] });
    const second = await ok<Recorded>(await post(tenant, invoice.id, { amount: eur(5680), method: "cash", paidOn: addDays(today(), -2) }), 201);
    expect(second.invoice).toMatchObject({ status: "paid", paid: eur(9680), balance: eur(0) });
    // Oldest first: the cash payment is dated two days earlier.
    expect(second.invoice.payments.map((p) => p.amount.amount)).toEqual([5680, 4000]);
    // The member reads the same invoice, payments included.
    const mine = await getInvoice(tenant, invoice.id, member.cookie);
    expect(mine).toMatchObject({ status: "paid", balance: eur(0) });
    expect(mine.payments).toHaveLength(2);
    const listed = await ok<{ items: InvoiceBody[] }>(await call(tenant.host, "GET", "/api/v1/me/invoices", { cookie: member.cookie }));
    expect(listed.items[0]!.payments).toHaveLength(2);
    // Nothing is left to pay: one more cent is an overpayment.
    expect(await failure(await post(tenant, invoice.id, { amount: eur(1), method: "cash" }))).toEqual({ status: 409, code: "overpayment" });
  });

  it("refuses: overpayment 409, other currency 422 currency_mismatch, paidOn in the future 422, amount 0 or an unknown method 422, a void invoice 409 invoice_void", async () => {
    const { tenant, invoice } = await setUp(10000);
    expect(await failure(await post(tenant, invoice.id, { amount: eur(10001), method: "cash" }))).toEqual({ status: 409, code: "overpayment" });
    expect(await failure(await post(tenant, invoice.id, { amount: { amount: 100, currency: "USD" }, method: "cash" }))).toEqual({ status: 422, code: "currency_mismatch", fields: ["amount"] });
    expect(await failure(await post(tenant, invoice.id, { amount: eur(100), method: "cash", paidOn: addDays(today(), 1) }))).toEqual({ status: 422, code: "validation_failed", fields: ["paidOn"] });
    expect(await failure(await post(tenant, invoice.id, { amount: eur(100), method: "cash", paidOn: "yesterday" }))).toEqual({ status: 422, code: "validation_failed", fields: ["paidOn"] });
    expect(await failure(await post(tenant, invoice.id, { amount: eur(0), method: "cash" }))).toEqual({ status: 422, code: "validation_failed", fields: ["amount.amount"] });
    expect(await failure(await post(tenant, invoice.id, { amount: eur(100), method: "cheque" }))).toEqual({ status: 422, code: "validation_failed", fields: ["method"] });
    expect((await getInvoice(tenant, invoice.id)).paid).toEqual(eur(0));

    await ok(await call(tenant.host, "POST", `/api/v1/invoices/${invoice.id}/void`, { cookie: tenant.owner.cookie, json: { reason: "Wrong member" } }));
    expect(await failure(await post(tenant, invoice.id, { amount: eur(100), method: "cash" }))).toEqual({ status: 409, code: "invoice_void" });
  });

  it("is for admins: 401 signed out, 403 for the billed member, 404 for another member, across communities and for an unknown invoice", async () => {
    const { tenant, member, invoice } = await setUp(10000);
    const other = await signUpMember(tenant, "other@example.com");
    const elsewhere = await makeTenant();
    const body = { amount: eur(100), method: "cash" };
    expect((await call(tenant.host, "POST", `/api/v1/invoices/${invoice.id}/payments`, { json: body })).status).toBe(401);
    expect(await failure(await post(tenant, invoice.id, body, member.cookie))).toEqual({ status: 403, code: "forbidden" });
    expect(await failure(await post(tenant, invoice.id, body, other.cookie))).toEqual({ status: 404, code: "not_found" });
    expect(await failure(await post(elsewhere, invoice.id, body, elsewhere.owner.cookie))).toEqual({ status: 404, code: "not_found" });
    expect(await failure(await post(tenant, "nope", body))).toEqual({ status: 404, code: "not_found" });
    expect((await getInvoice(tenant, invoice.id)).paid).toEqual(eur(0));
  });

  it("10 concurrent payments of 30.00 on a 100.00 invoice: exactly 3 × 201, 7 × 409 overpayment, paid 9000", async () => {
    const { tenant, invoice } = await setUp(10000);
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(tenant, invoice.id, { amount: eur(3000), method: "bank_transfer" })));
    const codes = await Promise.all(answers.map(async (r) => (r.status === 201 ? (await r.text(), "201") : `${r.status} ${(await failure(r)).code}`)));
    expect(codes.filter((c) => c === "201")).toHaveLength(3);
    expect(codes.filter((c) => c === "409 overpayment")).toHaveLength(7);
    // 3 × 3000 = 9000; balance 10000 − 9000 = 1000.
    const after = await getInvoice(tenant, invoice.id);
    expect(after).toMatchObject({ paid: eur(9000), balance: eur(1000), status: "open" });
    expect(after.payments).toHaveLength(3);
  });
});

describe("DELETE /api/v1/invoices/{id}/payments/{paymentId}", () => {
  it("removes a payment recorded by mistake (200 {invoice}) and opens a paid invoice again; a card payment answers 409 payment_not_removable; 404 elsewhere", async () => {
    const { tenant, member, invoice } = await setUp(10000);
    const cash = await ok<Recorded>(await post(tenant, invoice.id, { amount: eur(7000), method: "cash" }), 201);
    const card = await ok<Recorded>(await post(tenant, invoice.id, { amount: eur(3000), method: "card" }), 201);
    // 7000 + 3000 = 10000: paid.
    expect(card.invoice.status).toBe("paid");
    expect(await failure(await remove(tenant, invoice.id, card.payment.id))).toEqual({ status: 409, code: "payment_not_removable" });
    const elsewhere = await makeTenant();
    expect(await failure(await remove(elsewhere, invoice.id, cash.payment.id, elsewhere.owner.cookie))).toEqual({ status: 404, code: "not_found" });
    expect(await failure(await remove(tenant, invoice.id, cash.payment.id, member.cookie))).toEqual({ status: 403, code: "forbidden" });
    expect(await failure(await remove(tenant, invoice.id, "nope"))).toEqual({ status: 404, code: "not_found" });

    const after = await ok<{ invoice: InvoiceBody }>(await remove(tenant, invoice.id, cash.payment.id));
    // 10000 − 7000 = 3000 paid, 7000 left: open again.
    expect(after.invoice).toMatchObject({ status: "open", paid: eur(3000), balance: eur(7000) });
    expect(after.invoice.payments.map((p) => p.id)).toEqual([card.payment.id]);
    expect(await failure(await remove(tenant, invoice.id, cash.payment.id))).toEqual({ status: 404, code: "not_found" });
    const [row] = await directoryDb(env).select().from(invoices).where(eq(invoices.id, invoice.id));
    expect(row).toMatchObject({ paid: 3000, status: "open" });
  });
});
