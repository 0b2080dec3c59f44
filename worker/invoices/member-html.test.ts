import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { invoices } from "../db/schema";
import { call, form, getPage, makeTenant, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { buildEpcPayload, qrMatrix, qrSvgPath } from "./epc";

// The member's invoice pages: the list and the next invoice on /membership, and one invoice at
// /membership/invoices/{id} (who may open it, how to pay it, Checkout's return).

type Money = { amount: number; currency: string };
type Preview = { date: string; lines: { description: string; amount: Money; taxRate: number }[]; subtotal: Money; taxes: { rate: number; amount: Money }[]; total: Money };
type InvoiceBody = { id: string; number: string; total: Money; balance: Money; issuedOn: string; dueOn: string };

const IBAN = "BE71096123456769";
const BIC = "GKCCBEBB";
const SK = "sk_test_51QxYzAbCdEfGhIjKlMnOpQrStUvWx";
const WH = "whsec_AbCdEfGhIjKlMnOpQrStUvWxYz012345";

const eur = (amount: number): Money => ({ amount, currency: "EUR" });

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
const billing = async (tenant: TestTenant, json: Record<string, unknown>) => ok(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json }));
const charge = async (tenant: TestTenant, userId: string, description: string, amount: number, taxRate = 0) =>
  ok(await call(tenant.host, "POST", `/api/v1/members/${userId}/charges`, { cookie: tenant.owner.cookie, json: { description, amount: eur(amount), taxRate } }), 201);
const tick = async (tenant: TestTenant, iso: string) => ok(await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: iso } }));
const myInvoices = async (tenant: TestTenant, cookie: string) => (await ok<{ items: InvoiceBody[] }>(await call(tenant.host, "GET", "/api/v1/me/invoices", { cookie }))).items;
async function page(tenant: TestTenant, path: string, cookie: string) {
  const res = await getPage(tenant, path, cookie);
  return { status: res.status, html: await res.text() };
}
/** The text of an HTML fragment, tags out and spaces folded. */
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&nbsp;|\s+/g, " ").trim();
/** The rows of the /membership invoices table, as text. */
const invoiceRows = (html: string) => [...html.matchAll(/<tr class="member-invoice member-invoice-(\w+)">([\s\S]*?)<\/tr>/g)].map((m) => `${m[1]}: ${text(m[2]!)}`);

/**
 * A community with bank details and a member billed twice by one-off charges:
 *   July 1st, terms 14 days: "Desk day" 10000 at 21 % (tax 2100) → INV2026-0001, total 12100,
 *   due July 15th: overdue today;
 *   August 1st, terms 365 days: "Printing" 2500 at 20 % (tax 500) → INV2026-0002, total 3000,
 *   due 2027-08-01: open.
 */
async function billedMember(opts: { iban?: boolean } = {}) {
  const tenant = await makeTenant();
  await billing(tenant, { paymentTermsDays: 14, seller: { name: "Atelier Commun", address: "Rue Haute 1\n1000 Bruxelles", taxId: "BE0123456789", ...(opts.iban === false ? {} : { iban: IBAN, bic: BIC }) } });
  const member = await signUpMember(tenant, "billed@example.org", "Bea Billed");
  await charge(tenant, member.id, "Desk day", 10000, 21);
  await tick(tenant, "2026-07-01T08:00:00Z");
  await billing(tenant, { paymentTermsDays: 365 });
  await charge(tenant, member.id, "Printing", 2500, 20);
  await tick(tenant, "2026-08-01T08:00:00Z");
  const [august, july] = await myInvoices(tenant, member.cookie);
  return { tenant, member, july: july!, august: august! };
}

describe("/membership: the member's invoices and the next one", () => {
  it("lists the invoices newest first with their amounts, due days, status badges and PDF links", async () => {
    const { tenant, member, july, august } = await billedMember();
    const { html } = await page(tenant, "/membership?lang=en", member.cookie);
    expect(html).toContain('id="membership-invoices-title"');
    // 12100 = 10000 + 21 % (2100); 3000 = 2500 + 20 % (500); nothing paid: balance = total.
    expect(invoiceRows(html)).toEqual([
      `open: INV2026-0002 Aug 1, 2026 Aug 1, 2027 €30.00 €30.00 Open PDF`,
      `overdue: INV2026-0001 Jul 1, 2026 Jul 15, 2026 €121.00 €121.00 Overdue PDF`,
    ]);
    expect(html).toContain(`href="/membership/invoices/${august.id}"`);
    expect(html).toContain(`href="/api/v1/invoices/${july.id}/pdf"`);
    expect(html).toContain('<span class="badge badge-danger invoice-status invoice-status-overdue">Overdue</span>');

    // A partial payment leaves a balance; a paid invoice and a void one read as such (stored
    // state: the payments branch writes it).
    await directoryDb(env).update(invoices).set({ paid: 1000 }).where(eq(invoices.id, august.id));
    await directoryDb(env).update(invoices).set({ status: "void" }).where(eq(invoices.id, july.id));
    let rows = invoiceRows((await page(tenant, "/membership?lang=fr", member.cookie)).html);
    // 3000 − 1000 = 2000 left; a void invoice has nothing to pay.
    expect(rows).toEqual([`open: INV2026-0002 1 août 2026 1 août 2027 30,00 € 20,00 € À payer PDF`, `void: INV2026-0001 1 juil. 2026 15 juil. 2026 121,00 € 0,00 € Annulée PDF`]);
    await directoryDb(env).update(invoices).set({ paid: 3000, status: "paid" }).where(eq(invoices.id, august.id));
    rows = invoiceRows((await page(tenant, "/membership?lang=nl", member.cookie)).html);
    expect(rows[0]).toBe(`paid: INV2026-0002 1 aug 2026 1 aug 2027 € 30,00 € 0,00 Betaald PDF`);
  });

  it("shows the next invoice exactly as GET /api/v1/me/invoices/preview computes it, and hides it when there is nothing to bill", async () => {
    const { tenant, member } = await billedMember();
    // Nothing left to bill: no preview, on the page and in the API.
    expect((await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: member.cookie })).status).toBe(404);
    expect((await page(tenant, "/membership?lang=en", member.cookie)).html).not.toContain("membership-next-invoice-title");

    // Locker 4000 at 0 % and coffee 1000 at 5.5 % (55): subtotal 5000, tax 55, total 5055.
    await charge(tenant, member.id, "Locker", 4000);
    await charge(tenant, member.id, "Coffee card", 1000, 5.5);
    const preview = await ok<Preview>(await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: member.cookie }));
    expect(preview.total).toEqual(eur(5055));
    const { html } = await page(tenant, "/membership?lang=en", member.cookie);
    const section = /<section class="card membership-section member-next-invoice"[\s\S]*?<\/section>/.exec(html)![0];
    const date = new Date(`${preview.date}T00:00:00Z`).toLocaleDateString("en", { dateStyle: "long", timeZone: "UTC" });
    expect(text(section)).toBe(
      `Next invoice €50.55 What your next invoice will bill on ${date}, as things stand today. ` +
        `Next invoice Description VAT Amount excl. VAT ${preview.lines.map((l) => `${l.description} ${l.taxRate}% €${(l.amount.amount / 100).toFixed(2)}`).join(" ")} ` +
        `Subtotal excl. VAT €50.00 VAT 5.5% €0.55 Total incl. VAT €50.55`,
    );
    expect(preview.lines.map((l) => l.description)).toEqual(["Locker", "Coffee card"]);
  });

  it("shows a member without invoices no invoice section, and one with a membership that nothing is invoiced yet", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "fresh@example.org");
    expect((await page(tenant, "/membership?lang=en", member.cookie)).html).not.toContain("membership-invoices-title");
    const plan = await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Desk", price: eur(20000), intervalMonths: 1 } }), 201);
    expect((await call(tenant.host, "POST", "/membership", form({ planId: plan.plan.id }, member.cookie))).status).toBe(303);
    const { html } = await page(tenant, "/membership?lang=en", member.cookie);
    expect(html).toContain("No invoice yet.");
    // The plan bills on the next invoice day: the preview shows it.
    expect(html).toContain("membership-next-invoice-title");
  });
});

describe("/membership/invoices/{id}", () => {
  it("shows the member their invoice: seller, buyer, lines, taxes, totals, dates, PDF, bank details and the PDF's EPC QR code", async () => {
    const { tenant, member, august } = await billedMember();
    const { status, html } = await page(tenant, `/membership/invoices/${august.id}?lang=en`, member.cookie);
    expect(status).toBe(200);
    const body = text(html);
    for (const s of ["Invoice INV2026-0002", "Atelier Commun", "Rue Haute 1", "BE0123456789", "Bea Billed", "Printing", "Subtotal excl. VAT €25.00", "VAT 20% €5.00", "Total incl. VAT €30.00", "Paid €0.00", "Balance due €30.00", "August 1, 2026", "August 1, 2027"]) expect(body).toContain(s);
    expect(html).toContain(`href="/api/v1/invoices/${august.id}/pdf"`);
    expect(body).toContain("Please transfer €30.00 by August 1, 2027 to the account below, with the reference INV2026-0002.");
    expect(body).toContain("BE71 0961 2345 6769");
    expect(body).toContain(BIC);
    // The QR code draws the EPC payload of the balance with the number as reference, as the PDF does.
    const payload = buildEpcPayload({ name: "Atelier Commun", iban: IBAN, bic: BIC, amount: eur(3000), remittance: "INV2026-0002" });
    expect(payload).toBe(`BCD\n002\n1\nSCT\n${BIC}\nAtelier Commun\n${IBAN}\nEUR30.00\n\n\nINV2026-0002`);
    expect(html).toContain(`d="${qrSvgPath(qrMatrix(payload, { ecc: "M", maxVersion: 13 }))}"`);
    expect(html).toMatch(/<svg [^>]*role="img"><title>QR code for a SEPA transfer of €30.00 with the reference INV2026-0002<\/title>/);
    // A partial payment: the code asks for what is left (3000 − 1000 = 2000).
    await directoryDb(env).update(invoices).set({ paid: 1000 }).where(eq(invoices.id, august.id));
    const partial = (await page(tenant, `/membership/invoices/${august.id}?lang=en`, member.cookie)).html;
    expect(partial).toContain(`d="${qrSvgPath(qrMatrix(buildEpcPayload({ name: "Atelier Commun", iban: IBAN, bic: BIC, amount: eur(2000), remittance: "INV2026-0002" }), { ecc: "M", maxVersion: 13 }))}"`);
    expect(text(partial)).toContain("Balance due €20.00");
    // Paid: no way to pay shown, a thank-you instead.
    await directoryDb(env).update(invoices).set({ paid: 3000, status: "paid" }).where(eq(invoices.id, august.id));
    const done = (await page(tenant, `/membership/invoices/${august.id}?lang=en`, member.cookie)).html;
    expect(done).toContain("Paid in full. Thank you!");
    expect(done).not.toContain("invoice-pay-title");
    expect(done).not.toContain("<svg");
  });

  it("shows the EPC QR code only when the seller has an IBAN, and overdue invoices say so", async () => {
    const { tenant, member, july } = await billedMember({ iban: false });
    const { html } = await page(tenant, `/membership/invoices/${july.id}?lang=en`, member.cookie);
    expect(html).not.toContain("<svg");
    expect(html).not.toContain("invoice-pay-title");
    expect(text(html)).toContain("This invoice was due on July 15, 2026.");
    expect(html).toContain("invoice-status-overdue");
  });

  it("shows the pay-by-card form only when the community connected Stripe, and Checkout's return messages", async () => {
    const { tenant, member, august, july } = await billedMember();
    let html = (await page(tenant, `/membership/invoices/${august.id}?lang=en`, member.cookie)).html;
    expect(html).not.toContain("/pay");
    await billing(tenant, { stripe: { secretKey: SK, webhookSecret: WH } });
    html = (await page(tenant, `/membership/invoices/${august.id}?lang=en`, member.cookie)).html;
    expect(html).toContain(`<form method="post" action="/membership/invoices/${august.id}/pay" class="invoice-pay-form"><button type="submit" class="btn btn-primary">Pay €30.00 by card</button></form>`);
    // Not on a void invoice.
    await directoryDb(env).update(invoices).set({ status: "void" }).where(eq(invoices.id, july.id));
    const voided = (await page(tenant, `/membership/invoices/${july.id}?lang=en`, member.cookie)).html;
    expect(voided).not.toContain("/pay");
    expect(text(voided)).toContain("This invoice is void: there is nothing to pay.");

    const paid = text((await page(tenant, `/membership/invoices/${august.id}?lang=fr&done=card_paid`, member.cookie)).html);
    expect(paid).toContain("Paiement reçu, merci. Il peut falloir une minute pour qu’il apparaisse sur cette facture.");
    const canceled = (await page(tenant, `/membership/invoices/${august.id}?lang=en&done=card_canceled`, member.cookie)).html;
    expect(canceled).toMatch(/<div class="alert alert-info" role="status"><div class="alert-body">Payment canceled: nothing was charged/);
    expect(canceled).not.toContain("Payment received");
    // The pay form's failure comes back as ?error=<code>, said in the reader's words; an unknown code says nothing.
    const failed = text((await page(tenant, `/membership/invoices/${august.id}?lang=en&error=payments_unavailable`, member.cookie)).html);
    expect(failed).toContain("Card payment is not available right now. Try again in a few minutes, or pay by bank transfer.");
    const unknown = (await page(tenant, `/membership/invoices/${august.id}?lang=en&error=%3Cscript%3E`, member.cookie)).html;
    expect(unknown).not.toContain("alert-error");
  });

  it("is the 404 page for another member, another community and an unknown id; admins may open it, not while viewing as a member; visitors log in", async () => {
    const { tenant, member, august } = await billedMember();
    const other = await signUpMember(tenant, "other@example.org");
    expect((await page(tenant, `/membership/invoices/${august.id}`, other.cookie)).status).toBe(404);
    expect((await page(tenant, "/membership/invoices/nope", member.cookie)).status).toBe(404);
    expect((await page(tenant, `/membership/invoices/${"x".repeat(300)}`, member.cookie)).status).toBe(404);
    const elsewhere = await makeTenant();
    expect((await page(elsewhere, `/membership/invoices/${august.id}`, elsewhere.owner.cookie)).status).toBe(404);
    expect((await page(tenant, `/membership/invoices/${august.id}`, tenant.owner.cookie)).status).toBe(200);
    await setTenantRole(tenant, other.id, "admin");
    expect((await page(tenant, `/membership/invoices/${august.id}`, other.cookie)).status).toBe(200);
    const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
    const asMember = `${tenant.owner.cookie}; ${set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!}`;
    expect((await page(tenant, `/membership/invoices/${august.id}`, asMember)).status).toBe(404);
    const visitor = await getPage(tenant, `/membership/invoices/${august.id}`);
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/membership/invoices/${august.id}`)}`);
  });
});
