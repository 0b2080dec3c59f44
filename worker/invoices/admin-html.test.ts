import { describe, expect, it } from "vitest";
import { addDays, dayInTimeZone } from "../memberships/periods";
import { eur, getInvoice, issueInvoices, ok } from "../test/invoice-fixtures";
import { call, form, getPage, makeTenant, postForm, signUpMember, type TestTenant } from "../test/helpers";

// /admin/invoices/{id}: the invoice for admins, its payments, the "record a payment" and "void"
// forms (POST + 303, errors beside their field), on payments.ts and void.ts.

const today = () => dayInTimeZone(Date.now(), "Europe/Paris");
const text = async (res: Response) => ({ status: res.status, html: await res.text() });
/** The error paragraph of a control, by its id. */
const errorOf = (html: string, id: string) => new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(html)?.[1];

async function setUp(amount = 10000, taxRate = 21) {
  const tenant = await makeTenant();
  const member = await signUpMember(tenant, "page-payer@example.com", "Łukasz Őry");
  const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount, taxRate, description: "Desk, July" }]);
  return { tenant, member, invoice: invoice!, path: `/admin/invoices/${invoice!.id}` };
}
const pay = (tenant: TestTenant, path: string, fields: Record<string, string>) =>
  postForm(tenant, `${path}/payments`, tenant.owner.cookie, { amount: "", method: "bank_transfer", paidOn: today(), note: "", ...fields });

describe("/admin/invoices/{id}", () => {
  it("shows the invoice (parties, lines, taxes, totals, balance, PDF link) and the forms, the amount prefilled with the balance and today's date", async () => {
    // 100.00 at 21 %: tax 2100, total 12100 → "121.00" left to pay.
    const { tenant, invoice, path } = await setUp();
    const en = await text(await getPage(tenant, `${path}?lang=en`, tenant.owner.cookie));
    expect(en.status).toBe(200);
    for (const s of [`Invoice ${invoice.number}`, "Łukasz Őry", "Desk, July", "€100.00", "VAT 21%", "€21.00", "€121.00", `/api/v1/invoices/${invoice.id}/pdf?lang=en`, "Record a payment", "Void this invoice"]) expect(en.html).toContain(s);
    expect(en.html).toContain('name="amount" type="text" value="121.00"');
    expect(en.html).toContain(`value="${today()}"`);
    expect(en.html).toContain("No payment recorded yet.");
    const fr = await text(await getPage(tenant, `${path}?lang=fr`, tenant.owner.cookie));
    for (const s of [`Facture ${invoice.number}`, "Enregistrer un paiement", "Annuler cette facture", "121,00\u00a0€", "Reste à payer"]) expect(fr.html).toContain(s);
    const nl = await text(await getPage(tenant, `${path}?lang=nl`, tenant.owner.cookie));
    for (const s of [`Factuur ${invoice.number}`, "Een betaling registreren", "Deze factuur annuleren"]) expect(nl.html).toContain(s);
  });

  it("keeps /admin/invoices/settings as the billing settings page (not an invoice id)", async () => {
    const tenant = await makeTenant();
    const page = await text(await getPage(tenant, "/admin/invoices/settings?lang=en", tenant.owner.cookie));
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1 class="page-title">Billing settings</h1>');
    const saved = await postForm(tenant, "/admin/invoices/settings", tenant.owner.cookie, { currency: "EUR", invoiceDay: "1", numberPrefix: "INV", paymentTermsDays: "14", defaultTaxRate: "0", sellerName: "Seller", sellerAddress: "", taxId: "", iban: "", bic: "", stripeSecretKey: "", stripeWebhookSecret: "" });
    expect(saved.headers.get("location")).toBe("/admin/invoices/settings?done=saved");
  });

  it("is for owners and admins: a visitor is sent to log in, a member (even the billed one) and an admin viewing as a member get 403, another community and an unknown id 404", async () => {
    const { tenant, member, path } = await setUp();
    const visitor = await getPage(tenant, path);
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    expect((await getPage(tenant, path, member.cookie)).status).toBe(403);
    expect((await postForm(tenant, `${path}/payments`, member.cookie, { amount: "1", method: "cash", paidOn: today() })).status).toBe(403);
    expect((await postForm(tenant, `${path}/void`, member.cookie, { reason: "x" })).status).toBe(403);
    const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
    const asMember = `${tenant.owner.cookie}; ${set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!}`;
    expect((await getPage(tenant, path, asMember)).status).toBe(403);
    const elsewhere = await makeTenant();
    expect((await getPage(elsewhere, path, elsewhere.owner.cookie)).status).toBe(404);
    expect((await getPage(tenant, "/admin/invoices/nope", tenant.owner.cookie)).status).toBe(404);
  });

  it("records a partial then a full payment (303 with a notice); the payment is listed with a remove button, the form disappears once paid", async () => {
    const { tenant, invoice, path } = await setUp();
    // 121.00 due: 50,00 typed with a comma, then the 71.00 left.
    const first = await pay(tenant, path, { amount: "50,00", method: "cash", note: "Paid at the desk" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`${path}?done=paid`);
    const after = await text(await getPage(tenant, `${path}?done=paid&lang=en`, tenant.owner.cookie));
    for (const s of ["Payment recorded.", "Paid at the desk", "Cash", "€50.00", 'value="71.00"', "Remove the payments recorded above"]) expect(after.html).toContain(s);
    expect(after.html).toMatch(/action="\/admin\/invoices\/[^/]+\/payments\/[^/]+\/remove"/);
    expect((await pay(tenant, path, { amount: "71" })).status).toBe(303);
    expect(await getInvoice(tenant, invoice.id)).toMatchObject({ status: "paid", paid: eur(12100), balance: eur(0) });
    const paid = await text(await getPage(tenant, `${path}?lang=en`, tenant.owner.cookie));
    expect(paid.html).not.toContain("Record a payment");
    expect(paid.html).toContain('class="badge badge-success">Paid<');
  });

  it("shows each refusal beside its field with what was typed: amount not a number (422), more than the balance (409), a future day (422); nothing is recorded", async () => {
    const { tenant, invoice, path } = await setUp();
    const bad = await text(await call(tenant.host, "POST", `${path}/payments?lang=en`, { cookie: tenant.owner.cookie, ...form({ amount: "abc", method: "cash", paidOn: today(), note: "kept note" }) }));
    expect(bad.status).toBe(422);
    expect(errorOf(bad.html, "payment-amount")).toBe("This value is not valid.");
    expect(bad.html).toContain('value="kept note"');
    const over = await text(await call(tenant.host, "POST", `${path}/payments?lang=en`, { cookie: tenant.owner.cookie, ...form({ amount: "121.01", method: "cash", paidOn: today(), note: "" }) }));
    expect(over.status).toBe(409);
    expect(errorOf(over.html, "payment-amount")).toBe("This is more than the balance left to pay.");
    expect(over.html).toContain('value="121.01"');
    const future = await text(await call(tenant.host, "POST", `${path}/payments?lang=fr`, { cookie: tenant.owner.cookie, ...form({ amount: "10", method: "cash", paidOn: addDays(today(), 1), note: "" }) }));
    expect(future.status).toBe(422);
    expect(errorOf(future.html, "payment-paid-on")).toBe("Choisissez aujourd’hui ou un jour passé.");
    expect((await getInvoice(tenant, invoice.id)).payments).toEqual([]);
  });

  it("removes a payment (303, the invoice opens again); a card payment shows no remove button and refuses a forged removal (409, said on the page)", async () => {
    const { tenant, invoice, path } = await setUp(10000, 0);
    await pay(tenant, path, { amount: "60" });
    const card = await ok<{ payment: { id: string } }>(await call(tenant.host, "POST", `/api/v1/invoices/${invoice.id}/payments`, { cookie: tenant.owner.cookie, json: { amount: eur(4000), method: "card" } }), 201);
    // 6000 + 4000 = 10000: paid.
    const manual = (await getInvoice(tenant, invoice.id)).payments.find((p) => p.method === "bank_transfer")!;
    const page = await text(await getPage(tenant, `${path}?lang=en`, tenant.owner.cookie));
    expect(page.html).toContain(`${path}/payments/${manual.id}/remove`);
    expect(page.html).not.toContain(`${path}/payments/${card.payment.id}/remove`);
    expect(page.html).toContain("Refund through Stripe");
    const refused = await text(await call(tenant.host, "POST", `${path}/payments/${card.payment.id}/remove?lang=en`, { cookie: tenant.owner.cookie, ...form({}) }));
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("A card payment cannot be removed here");
    const removed = await postForm(tenant, `${path}/payments/${manual.id}/remove`, tenant.owner.cookie, {});
    expect(removed.headers.get("location")).toBe(`${path}?done=removed`);
    // 10000 − 6000 = 4000 paid: open again with 6000 left.
    expect(await getInvoice(tenant, invoice.id)).toMatchObject({ status: "open", paid: eur(4000), balance: eur(6000) });
  });

  it("voids with a reason (422 beside the field without one), then shows the credit note and its PDF link and no forms; a second void is refused on the page (409)", async () => {
    const { tenant, invoice, path } = await setUp();
    const empty = await text(await call(tenant.host, "POST", `${path}/void?lang=en`, { cookie: tenant.owner.cookie, ...form({ reason: " ", rebill: "on" }) }));
    expect(empty.status).toBe(422);
    expect(errorOf(empty.html, "void-reason")).toBe("This field is required.");
    expect(empty.html).toMatch(/id="void-rebill"[^>]*checked/);
    const voided = await postForm(tenant, `${path}/void`, tenant.owner.cookie, { reason: "Wrong member", rebill: "on" });
    expect(voided.headers.get("location")).toBe(`${path}?done=voided`);
    const view = await getInvoice(tenant, invoice.id);
    expect(view).toMatchObject({ status: "void", voidReason: "Wrong member", balance: eur(0) });
    const page = await text(await getPage(tenant, `${path}?done=voided&lang=en`, tenant.owner.cookie));
    for (const s of ["Invoice voided: its credit note is issued.", `Credit note ${view.creditNote!.number} (PDF)`, `/api/v1/invoices/${invoice.id}/credit-note/pdf?lang=en`, "Reason: Wrong member", ">Void<"]) expect(page.html).toContain(s);
    expect(page.html).not.toContain('id="void-invoice"');
    expect(page.html).not.toContain('id="record-payment"');
    const again = await text(await call(tenant.host, "POST", `${path}/void?lang=en`, { cookie: tenant.owner.cookie, ...form({ reason: "Again" }) }));
    expect(again.status).toBe(409);
    expect(again.html).toContain("This invoice is void.");
  });
});
