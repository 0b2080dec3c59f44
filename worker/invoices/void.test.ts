import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { charges, documentCounters } from "../db/schema";
import { dayInTimeZone } from "../memberships/periods";
import { eur, failure, getInvoice, issueInvoices, ok, type InvoiceBody } from "../test/invoice-fixtures";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// POST /api/v1/invoices/{id}/void and GET …/credit-note/pdf (API.md "Invoices and payments"):
// the invoice keeps its number, a credit note gets one of its own series in the same batch,
// and `rebill` sends the invoice's charges (the same rows) to the member's next invoice.

const today = () => dayInTimeZone(Date.now(), "Europe/Paris");
const year = () => today().slice(0, 4);
const voidIt = (tenant: TestTenant, id: string, json: unknown, cookie = tenant.owner.cookie) => call(tenant.host, "POST", `/api/v1/invoices/${id}/void`, { cookie, json });
const chargesOf = (userId: string) => directoryDb(env).select().from(charges).where(eq(charges.userId, userId));
const list = async (tenant: TestTenant, q: string) => (await ok<{ items: InvoiceBody[] }>(await call(tenant.host, "GET", `/api/v1/invoices?limit=200${q}`, { cookie: tenant.owner.cookie }))).items;

describe("POST /api/v1/invoices/{id}/void", () => {
  it("voids (200 {invoice}): the number stays, a credit note {prefix}C{year}-0001 dated today, the reason kept, balance 0; 409 invoice_void the second time", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "void@example.com");
    const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount: 4500, taxRate: 21 }]);
    // 4500 + 21 % (945) = 5445.
    expect(invoice).toMatchObject({ number: "INV2026-0001", total: eur(5445), balance: eur(5445) });
    const voided = await ok<{ invoice: InvoiceBody }>(await voidIt(tenant, invoice!.id, { reason: "Billed to the wrong member" }));
    expect(voided.invoice).toMatchObject({
      id: invoice!.id,
      number: "INV2026-0001",
      status: "void",
      voidReason: "Billed to the wrong member",
      creditNote: { number: `INVC${year()}-0001`, issuedOn: today() },
      total: eur(5445),
      paid: eur(0),
      balance: eur(0),
    });
    expect(await getInvoice(tenant, invoice!.id, member.cookie)).toMatchObject({ status: "void", creditNote: { number: `INVC${year()}-0001` } });
    expect(await failure(await voidIt(tenant, invoice!.id, { reason: "Again" }))).toEqual({ status: 409, code: "invoice_void" });
    // The refused void gave no number: the counter still says 1.
    const [counter] = await directoryDb(env).select().from(documentCounters).where(and(eq(documentCounters.tenantId, tenant.id), eq(documentCounters.series, "credit_note")));
    expect(counter).toMatchObject({ year: Number(year()), sequence: 1 });
    // No longer unpaid anywhere: not in the open list, in the void one.
    expect((await list(tenant, "&status=open")).map((i) => i.id)).toEqual([]);
    expect((await list(tenant, "&status=void")).map((i) => i.id)).toEqual([invoice!.id]);
  });

  it("409 invoice_has_payments while a payment is recorded; once it is removed the void goes through", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "void-paid@example.com");
    const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount: 10000 }]);
    const paid = await ok<{ payment: { id: string } }>(await call(tenant.host, "POST", `/api/v1/invoices/${invoice!.id}/payments`, { cookie: tenant.owner.cookie, json: { amount: eur(2500), method: "cash" } }), 201);
    expect(await failure(await voidIt(tenant, invoice!.id, { reason: "Mistake" }))).toEqual({ status: 409, code: "invoice_has_payments" });
    await ok(await call(tenant.host, "DELETE", `/api/v1/invoices/${invoice!.id}/payments/${paid.payment.id}`, { cookie: tenant.owner.cookie }));
    expect((await ok<{ invoice: InvoiceBody }>(await voidIt(tenant, invoice!.id, { reason: "Mistake" }))).invoice.creditNote!.number).toBe(`INVC${year()}-0001`);
  });

  it("validates (422 on reason), is for admins (403 for the billed member, 404 for another member and across communities)", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "void-rights@example.com");
    const other = await signUpMember(tenant, "void-other@example.com");
    const elsewhere = await makeTenant();
    const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount: 1000 }]);
    expect(await failure(await voidIt(tenant, invoice!.id, { reason: "  " }))).toEqual({ status: 422, code: "validation_failed", fields: ["reason"] });
    expect(await failure(await voidIt(tenant, invoice!.id, { reason: "x".repeat(501) }))).toEqual({ status: 422, code: "validation_failed", fields: ["reason"] });
    expect(await failure(await voidIt(tenant, invoice!.id, { reason: "ok", rebill: "yes" }))).toEqual({ status: 422, code: "validation_failed", fields: ["rebill"] });
    expect(await failure(await voidIt(tenant, invoice!.id, { reason: "mine" }, member.cookie))).toEqual({ status: 403, code: "forbidden" });
    expect(await failure(await voidIt(tenant, invoice!.id, { reason: "theirs" }, other.cookie))).toEqual({ status: 404, code: "not_found" });
    expect(await failure(await voidIt(elsewhere, invoice!.id, { reason: "x" }, elsewhere.owner.cookie))).toEqual({ status: 404, code: "not_found" });
    expect((await getInvoice(tenant, invoice!.id)).status).toBe("open");
  });

  it("concurrent voids of different invoices get distinct consecutive credit-note numbers; voiding one invoice many times at once gives one number", async () => {
    const tenant = await makeTenant();
    const members = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => signUpMember(tenant, `void-c${n}@example.com`)));
    const issued = await issueInvoices(tenant, members.map((m, i) => ({ userId: m.id, amount: 1000 * (i + 1) })));
    const [same, ...rest] = issued;
    const answers = await Promise.all([...rest.map((i) => voidIt(tenant, i.id, { reason: "Batch correction" })), ...[1, 2, 3, 4].map(() => voidIt(tenant, same!.id, { reason: "Twice" }))]);
    const statuses = answers.map((r) => r.status);
    // 5 different invoices voided, and one of the 4 voids of the same invoice.
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
    const numbers = (await list(tenant, "&status=void")).map((i) => i.creditNote!.number).sort();
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6].map((n) => `INVC${year()}-000${n}`));
  });

  it("rebill: true sends every charge of the invoice, the plan period included, to the member's next invoice (the same charge rows); without it they stay on the void invoice", async () => {
    const tenant = await makeTenant();
    const rebilled = await signUpMember(tenant, "rebill@example.com");
    const kept = await signUpMember(tenant, "kept@example.com");
    const plan = (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Desk", price: eur(20000), intervalMonths: 1 } }), 201)).plan;
    for (const m of [rebilled, kept]) await ok(await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: m.id, planId: plan.id, startsOn: "2026-07-01" } }), 201);
    // July 1st: each gets the July period (20000) and a one-off charge (1500): 21500.
    const [first, other] = await issueInvoices(tenant, [
      { userId: rebilled.id, amount: 1500, description: "Locker" },
      { userId: kept.id, amount: 1500, description: "Locker" },
    ]);
    expect(first!.total).toEqual(eur(21500));
    const rebilledCharges = (await chargesOf(rebilled.id)).map((c) => c.id).sort();
    expect(rebilledCharges).toHaveLength(2);

    await ok(await voidIt(tenant, first!.id, { reason: "Wrong price", rebill: true }));
    await ok(await voidIt(tenant, other!.id, { reason: "Duplicate" }));
    expect((await chargesOf(rebilled.id)).map((c) => c.invoiceId)).toEqual([null, null]);
    expect((await chargesOf(kept.id)).every((c) => c.invoiceId === other!.id)).toBe(true);

    // August 1st: the rebilled member's invoice carries July again (same rows), the locker and
    // August: 20000 + 1500 + 20000 = 41500. The other member's carries August only: 20000.
    await ok(await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: "2026-08-01T08:00:00Z" } }));
    const august = await list(tenant, "&from=2026-08-01&to=2026-08-01");
    const mine = august.find((i) => i.userId === rebilled.id)!;
    const theirs = august.find((i) => i.userId === kept.id)!;
    expect(mine.total).toEqual(eur(41500));
    expect(theirs.total).toEqual(eur(20000));
    const after = await chargesOf(rebilled.id);
    // One row per period: July's was reused, not inserted again (3 = July, locker, August).
    expect(after).toHaveLength(3);
    expect(after.filter((c) => rebilledCharges.includes(c.id)).every((c) => c.invoiceId === mine.id)).toBe(true);
  });
});

describe("GET /api/v1/invoices/{id}/credit-note/pdf", () => {
  it("serves the credit note of a void invoice as a PDF with its number and the invoice it credits; 404 before the void and for other members", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "cn@example.com", "Łukasz Őry-Ærø Ștefan");
    const other = await signUpMember(tenant, "cn-other@example.com");
    const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount: 4500, taxRate: 21, description: "Meeting room" }]);
    const path = `/api/v1/invoices/${invoice!.id}/credit-note/pdf?lang=en`;
    expect(await failure(await call(tenant.host, "GET", path, { cookie: tenant.owner.cookie }))).toEqual({ status: 404, code: "not_found" });
    await ok(await voidIt(tenant, invoice!.id, { reason: "Cancelled booking" }));
    const res = await call(tenant.host, "GET", path, { cookie: member.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await res.arrayBuffer())), { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    for (const mention of [`INVC${year()}-0001`, "INV2026-0001", "Łukasz Őry-Ærø Ștefan", "Meeting room"]) expect(flat).toContain(mention);
    expect((await call(tenant.host, "GET", path, { cookie: other.cookie })).status).toBe(404);
  });
});
