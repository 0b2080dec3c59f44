import { afterEach, describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { recordPayment } from "../invoices/payments";
import { call, env, form, makeTenant, postForm, signUpMember, type TestTenant } from "../test/helpers";
import { issueInvoices, ok } from "../test/invoice-fixtures";
import { connectStripe, fakeStripe, type FakeStripe } from "../test/fake-stripe";
import { CARD_PAYMENT_ERRORS, CARD_PAYMENT_NOTICES, cardPaymentError } from "./notices";

// POST /membership/invoices/{id}/pay, the page route behind "Pay by card" on the member's
// invoice page: opens a Stripe Checkout and 303-redirects to it; when it cannot, back to the
// invoice page with `?error=<code>` said in the payer's words. Stripe's HTTP is the test's.

let stripe: FakeStripe | null = null;
afterEach(() => {
  stripe?.restore();
  stripe = null;
});

async function setup(opts: { connect?: boolean } = {}) {
  const tenant = await makeTenant();
  const member = await signUpMember(tenant, `pager-${crypto.randomUUID()}@example.com`, "Pia Page");
  if (opts.connect !== false) await connectStripe(tenant);
  const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount: 4500 }]);
  stripe?.restore();
  stripe = fakeStripe();
  return { tenant, member, invoice: invoice! };
}

const payPath = (id: string) => `/membership/invoices/${id}/pay`;
const location = (res: Response) => res.headers.get("location");
const voidInvoice = async (tenant: TestTenant, id: string) =>
  ok(await call(tenant.host, "POST", `/api/v1/invoices/${id}/void`, { cookie: tenant.owner.cookie, json: { reason: "Issued by mistake" } }));

describe("POST /membership/invoices/{id}/pay", () => {
  it("opens a Checkout for the member's balance and 303-redirects the browser to it; an admin may too", async () => {
    const { tenant, member, invoice } = await setup();
    const res = await postForm(tenant, payPath(invoice.id), member.cookie, {});
    expect(res.status).toBe(303);
    expect(location(res)).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    expect(stripe!.requests).toHaveLength(1);
    expect(stripe!.requests[0]!.form.get("line_items[0][price_data][unit_amount]")).toBe("4500");
    expect(stripe!.requests[0]!.form.get("success_url")).toBe(`http://${tenant.host}/membership/invoices/${invoice.id}?done=card_paid`);
    const admin = await postForm(tenant, payPath(invoice.id), tenant.owner.cookie, {});
    expect(admin.status).toBe(303);
    expect(location(admin)).toMatch(/^https:\/\/checkout\.stripe\.com\//);
  });

  it("names the line in the payer's language", async () => {
    const { tenant, member, invoice } = await setup();
    await postForm(tenant, `${payPath(invoice.id)}?lang=en`, member.cookie, {});
    await postForm(tenant, `${payPath(invoice.id)}?lang=fr`, member.cookie, {});
    await postForm(tenant, `${payPath(invoice.id)}?lang=nl`, member.cookie, {});
    expect(stripe!.requests.map((r) => [r.form.get("line_items[0][price_data][product_data][name]"), r.form.get("locale")])).toEqual([
      [`Invoice ${invoice.number}`, "en"],
      [`Facture ${invoice.number}`, "fr"],
      [`Factuur ${invoice.number}`, "nl"],
    ]);
  });

  it("sends a visitor to log in and come back to the invoice; another member gets the 404 page; a cross-site post is refused (403); Stripe never called", async () => {
    const { tenant, invoice } = await setup();
    const other = await signUpMember(tenant, `nosy-${crypto.randomUUID()}@example.com`);
    const anon = await call(tenant.host, "POST", payPath(invoice.id), form({}));
    expect(anon.status).toBe(303);
    expect(location(anon)).toBe(`/login?next=${encodeURIComponent(`/membership/invoices/${invoice.id}`)}`);
    const nosy = await postForm(tenant, payPath(invoice.id), other.cookie, {});
    expect(nosy.status).toBe(404);
    expect(await nosy.text()).toContain("<html");
    const elsewhere = await makeTenant();
    expect((await postForm(elsewhere, payPath(invoice.id), elsewhere.owner.cookie, {})).status).toBe(404);
    const forged = await call(tenant.host, "POST", payPath(invoice.id), form({}, tenant.owner.cookie, { origin: "https://evil.example" }));
    expect(forged.status).toBe(403);
    expect(stripe!.requests).toHaveLength(0);
  });

  it("back to the invoice page with ?error= when it cannot open: not connected, void, already paid, Stripe failing", async () => {
    const bare = await setup({ connect: false });
    const notConnected = await postForm(bare.tenant, payPath(bare.invoice.id), bare.member.cookie, {});
    expect(notConnected.status).toBe(303);
    expect(location(notConnected)).toBe(`/membership/invoices/${bare.invoice.id}?error=payments_not_connected`);

    const { tenant, member, invoice } = await setup();
    stripe!.behave({ kind: "error", status: 500, body: { error: { type: "api_error", message: "down" } } });
    expect(location(await postForm(tenant, payPath(invoice.id), member.cookie, {}))).toBe(`/membership/invoices/${invoice.id}?error=payments_unavailable`);
    stripe!.behave({ kind: "ok" });

    await recordPayment(tenantDb(env, { id: tenant.id }), invoice.id, { amount: 4500, currency: "EUR", method: "cash", paidOn: "2026-07-01", note: null }, { userId: null }, Date.now());
    expect(location(await postForm(tenant, payPath(invoice.id), member.cookie, {}))).toBe(`/membership/invoices/${invoice.id}?error=invoice_paid`);

    const [second] = await issueInvoices(tenant, [{ userId: member.id, amount: 700 }], "2026-08-01");
    await voidInvoice(tenant, second!.id);
    expect(location(await postForm(tenant, payPath(second!.id), member.cookie, {}))).toBe(`/membership/invoices/${second!.id}?error=invoice_void`);
  });

  it("the pages' CSP lets a form be redirected to Stripe Checkout (form-action), and nowhere else new", async () => {
    const { tenant, member } = await setup();
    const res = await call(tenant.host, "GET", "/membership", { cookie: member.cookie });
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp.split("; ").find((d) => d.startsWith("form-action"))).toBe("form-action 'self' https://checkout.stripe.com");
  });
});

describe("the invoice page's card payment notices and errors", () => {
  it("says every ?done= and ?error= code in fr, en and nl, and nothing for an unknown code", () => {
    for (const lang of ["fr", "en", "nl"] as const) {
      for (const code of Object.keys(CARD_PAYMENT_ERRORS)) expect(cardPaymentError(lang, code)).toBeTruthy();
      expect(cardPaymentError(lang, "nope")).toBeNull();
      expect(cardPaymentError(lang, null)).toBeNull();
    }
    expect(cardPaymentError("en", "invoice_paid")).toBe("This invoice is already paid: nothing is due.");
    expect(cardPaymentError("fr", "invoice_void")).toBe("Cette facture a été annulée\u202f: il n’y a rien à payer.");
    expect(Object.keys(CARD_PAYMENT_NOTICES).sort()).toEqual(["card_canceled", "card_paid"]);
  });
});
