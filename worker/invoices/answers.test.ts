import { describe, expect, it } from "vitest";
import { z } from "zod";
import { answer, isStrict, noContent } from "../test/answers";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { eur, issueInvoices } from "../test/invoice-fixtures";
import { billingAnswer, chargeAnswer, invoiceAnswer, invoiceListAnswer, invoicePreviewAnswer, listAnswer, paymentRecordedAnswer } from "./answers";

// The invoice routes' answers parsed by their schemas (answers.ts), every route called for real:
// billing settings, charges, issued invoices (list, one, the member's, the preview, the PDFs),
// payments, void and its credit note.

describe("invoices: the answers match their schemas", () => {
  it("billing settings: read and change (Stripe only as connected or not)", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    const settings = await answer(billingAnswer, await call(tenant.host, "GET", "/api/v1/billing/settings", { cookie: admin }));
    expect(settings).toMatchObject({ currency: "EUR", invoiceDay: 1, numberPrefix: "INV", stripe: { connected: false } });
    isStrict(billingAnswer, settings);
    const changed = await answer(billingAnswer, await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: admin, json: { invoiceDay: 5, seller: { name: "Atelier", address: "1 rue X", taxId: "FR1", iban: "FR7630006000011234567890189", bic: "AGRIFRPP" } } }));
    expect(changed.seller).toMatchObject({ name: "Atelier", taxId: "FR1", bic: "AGRIFRPP" });
  });

  it("charges, invoices, the preview, payments, void and the PDFs", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    const member = await signUpMember(tenant, "inv-answers@example.com", "Ines Invoiced");
    const charge = (await answer(z.strictObject({ charge: chargeAnswer }), await call(tenant.host, "POST", `/api/v1/members/${member.id}/charges`, { cookie: admin, json: { description: "Locker", amount: eur(1500), taxRate: 20 } }), 201)).charge;
    expect(charge).toMatchObject({ kind: "one_off", invoiceId: null, periodStart: null });
    isStrict(chargeAnswer, charge);
    expect((await answer(listAnswer(chargeAnswer), await call(tenant.host, "GET", `/api/v1/members/${member.id}/charges`, { cookie: admin }))).items).toEqual([charge]);
    await noContent(await call(tenant.host, "DELETE", `/api/v1/charges/${charge.id}`, { cookie: admin }));

    const [issued] = await issueInvoices(tenant, [{ userId: member.id, amount: 10000, taxRate: 20 }]);
    const listed = await answer(invoiceListAnswer, await call(tenant.host, "GET", "/api/v1/invoices?status=open", { cookie: admin }));
    expect(listed.items.map((i) => i.id)).toEqual([issued!.id]);
    const invoice = await answer(invoiceAnswer, await call(tenant.host, "GET", `/api/v1/invoices/${issued!.id}`, { cookie: member.cookie }));
    isStrict(invoiceAnswer, invoice);
    expect(invoice).toMatchObject({ status: "open", total: eur(12000), taxes: [{ rate: 20, amount: eur(2000) }], creditNote: null });
    expect((await answer(invoiceListAnswer, await call(tenant.host, "GET", "/api/v1/me/invoices", { cookie: member.cookie }))).items).toEqual([invoice]);
    const pdf = await call(tenant.host, "GET", `/api/v1/invoices/${invoice.id}/pdf`, { cookie: member.cookie });
    expect([pdf.status, pdf.headers.get("content-type")]).toEqual([200, "application/pdf"]);

    // Something left for the next invoice: the preview.
    await call(tenant.host, "POST", `/api/v1/members/${member.id}/charges`, { cookie: admin, json: { description: "Printing", amount: eur(300) } });
    const preview = await answer(invoicePreviewAnswer, await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: member.cookie }));
    expect(preview).toMatchObject({ lines: [{ description: "Printing", quantity: 1 }], total: eur(300) });

    const paid = await answer(paymentRecordedAnswer, await call(tenant.host, "POST", `/api/v1/invoices/${invoice.id}/payments`, { cookie: admin, json: { amount: eur(5000), method: "bank_transfer", note: "Ref 7" } }), 201);
    expect(paid.invoice.payments).toEqual([paid.payment]);
    const removed = await answer(z.strictObject({ invoice: invoiceAnswer }), await call(tenant.host, "DELETE", `/api/v1/invoices/${invoice.id}/payments/${paid.payment.id}`, { cookie: admin }));
    expect(removed.invoice.payments).toEqual([]);
    const voided = await answer(z.strictObject({ invoice: invoiceAnswer }), await call(tenant.host, "POST", `/api/v1/invoices/${invoice.id}/void`, { cookie: admin, json: { reason: "Wrong amount", rebill: true } }));
    expect(voided.invoice).toMatchObject({ status: "void", voidReason: "Wrong amount", balance: eur(0) });
    expect(voided.invoice.creditNote).not.toBeNull();
    const note = await call(tenant.host, "GET", `/api/v1/invoices/${invoice.id}/credit-note/pdf`, { cookie: admin });
    expect([note.status, note.headers.get("content-type")]).toEqual([200, "application/pdf"]);
  });
});
