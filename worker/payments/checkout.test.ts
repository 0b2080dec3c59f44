import { afterEach, describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { recordPayment } from "../invoices/payments";
import { call, env, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { failure, issueInvoices, ok } from "../test/invoice-fixtures";
import { connectStripe, fakeStripe, TEST_STRIPE_KEYS, type FakeStripe } from "../test/fake-stripe";
import { CHECKOUT_LIMIT } from "./service";

// POST /api/v1/invoices/{id}/checkout (API.md "Invoices and payments"): a Stripe Checkout page
// for the balance, when the community connected its own Stripe account; the member it bills
// or an admin. Stripe's HTTP is answered by the test (worker/test/fake-stripe.ts).

let stripe: FakeStripe | null = null;
afterEach(() => {
  stripe?.restore();
  stripe = null;
});

const checkout = (tenant: TestTenant, id: string, cookie?: string, headers: Record<string, string> = {}) =>
  call(tenant.host, "POST", `/api/v1/invoices/${id}/checkout`, { ...(cookie ? { cookie } : {}), headers });

/** A community with Stripe connected and one open invoice of 120.00 EUR for a member. */
async function setup(opts: { connect?: boolean } = {}) {
  const tenant = await makeTenant();
  const member = await signUpMember(tenant, `payer-${crypto.randomUUID()}@example.com`, "Paula Payer");
  if (opts.connect !== false) await connectStripe(tenant);
  const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount: 12000 }]);
  stripe?.restore();
  stripe = fakeStripe();
  return { tenant, member, invoice: invoice! };
}

const voidInvoice = async (tenant: TestTenant, id: string) =>
  ok(await call(tenant.host, "POST", `/api/v1/invoices/${id}/void`, { cookie: tenant.owner.cookie, json: { reason: "Issued by mistake" } }));
const pay = (tenant: TestTenant, invoiceId: string, amount: number) =>
  recordPayment(tenantDb(env, { id: tenant.id }), invoiceId, { amount, currency: "EUR", method: "bank_transfer", paidOn: "2026-07-02", note: null }, { userId: null }, Date.now());

describe("POST /invoices/{id}/checkout", () => {
  it("answers 200 {url} for the member it bills, after one Checkout Session for the balance: minor units, lower-case currency, the number, metadata, return URLs on the community's host, an idempotency key", async () => {
    const { tenant, member, invoice } = await setup();
    await pay(tenant, invoice.id, 2000); // a partial payment first: the checkout is for the 100.00 left
    const res = await checkout(tenant, invoice.id, member.cookie, { "accept-language": "en" });
    const body = await ok<{ url: string }>(res);
    expect(stripe!.requests).toHaveLength(1);
    const req = stripe!.requests[0]!;
    expect(body).toEqual({ url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_[0-9a-f]+$/) });
    expect(req.url.pathname).toBe("/v1/checkout/sessions");
    expect(req.authorization).toBe(`Bearer ${TEST_STRIPE_KEYS.secretKey}`);
    const back = `http://${tenant.host}/membership/invoices/${invoice.id}`;
    expect(Object.fromEntries(req.form)).toMatchObject({
      mode: "payment",
      "line_items[0][price_data][unit_amount]": "10000",
      "line_items[0][price_data][currency]": "eur",
      "metadata[tenantId]": tenant.id,
      "metadata[invoiceId]": invoice.id,
      client_reference_id: invoice.id,
      success_url: `${back}?done=card_paid`,
      cancel_url: `${back}?done=card_canceled`,
    });
    expect(req.form.get("line_items[0][price_data][product_data][name]")).toContain(invoice.number);
    expect(req.idempotencyKey).toMatch(new RegExp(`^checkout-${invoice.id}-[0-9a-f]{32}$`));
    // The Stripe keys never appear in an answer.
    expect(JSON.stringify(body)).not.toContain(TEST_STRIPE_KEYS.secretKey);
  });

  it("lets a community admin open it too; answers 404 to another member, to another community's owner and on the root host; 401 signed out", async () => {
    const { tenant, member, invoice } = await setup();
    const other = await signUpMember(tenant, `other-${crypto.randomUUID()}@example.com`);
    const elsewhere = await makeTenant();
    await ok(await checkout(tenant, invoice.id, tenant.owner.cookie));
    expect(await failure(await checkout(tenant, invoice.id, other.cookie))).toEqual({ status: 404, code: "not_found" });
    expect(await failure(await checkout(elsewhere, invoice.id, elsewhere.owner.cookie))).toEqual({ status: 404, code: "not_found" });
    expect(await failure(await checkout(tenant, "no-such-invoice", member.cookie))).toEqual({ status: 404, code: "not_found" });
    expect(await failure(await checkout(tenant, invoice.id))).toEqual({ status: 401, code: "unauthenticated" });
    expect((await call("communities.test", "POST", `/api/v1/invoices/${invoice.id}/checkout`, { cookie: member.cookie })).status).toBe(404);
    // Only the admin's checkout reached Stripe.
    expect(stripe!.requests).toHaveLength(1);
  });

  it("409 payments_not_connected without Stripe keys, invoice_void on a void invoice, invoice_paid when nothing is due; Stripe never called", async () => {
    const bare = await setup({ connect: false });
    expect(await failure(await checkout(bare.tenant, bare.invoice.id, bare.member.cookie))).toEqual({ status: 409, code: "payments_not_connected" });
    expect(stripe!.requests).toHaveLength(0);

    const { tenant, member, invoice } = await setup();
    const [second] = await issueInvoices(tenant, [{ userId: member.id, amount: 500 }], "2026-08-01");
    await pay(tenant, second!.id, 500);
    expect(await failure(await checkout(tenant, second!.id, member.cookie))).toEqual({ status: 409, code: "invoice_paid" });
    await voidInvoice(tenant, invoice.id);
    expect(await failure(await checkout(tenant, invoice.id, member.cookie))).toEqual({ status: 409, code: "invoice_void" });
    expect(stripe!.requests).toHaveLength(0);
  });

  it("503 payments_unavailable (with a message, never a crash) when Stripe refuses, cannot be reached, or the stored keys no longer open", async () => {
    const { tenant, member, invoice } = await setup();
    stripe!.behave({ kind: "error", status: 401, body: { error: { type: "invalid_request_error", message: "Invalid API Key provided" } } });
    const refused = await checkout(tenant, invoice.id, member.cookie, { "accept-language": "en" });
    expect(refused.status).toBe(503);
    const envelope = (await refused.json()) as { error: { code: string; message: string } };
    expect(envelope.error.code).toBe("payments_unavailable");
    expect(envelope.error.message).toMatch(/card payment/i);
    expect(envelope.error.message).not.toContain("Invalid API Key");

    stripe!.behave({ kind: "error", status: 500, body: { error: { type: "api_error", message: "Stripe is down" } } });
    expect(await failure(await checkout(tenant, invoice.id, member.cookie))).toEqual({ status: 503, code: "payments_unavailable" });
    stripe!.behave({ kind: "network" });
    expect(await failure(await checkout(tenant, invoice.id, member.cookie))).toEqual({ status: 503, code: "payments_unavailable" });

    // The deployment secret changed since the keys were sealed: they do not open.
    const bindings = env as { SECRETS_KEY?: string };
    const saved = bindings.SECRETS_KEY;
    try {
      bindings.SECRETS_KEY = "another-deployment-secret";
      expect(await failure(await checkout(tenant, invoice.id, member.cookie))).toEqual({ status: 503, code: "payments_unavailable" });
      delete bindings.SECRETS_KEY;
      expect(await failure(await checkout(tenant, invoice.id, member.cookie))).toEqual({ status: 503, code: "payments_unavailable" });
    } finally {
      bindings.SECRETS_KEY = saved;
    }
  });

  it("a double click opens Stripe's same session (same idempotency key); a payment in between opens a new one for the new balance", async () => {
    const { tenant, member, invoice } = await setup();
    const [a, b] = await Promise.all([checkout(tenant, invoice.id, member.cookie), checkout(tenant, invoice.id, member.cookie)]);
    const first = await ok<{ url: string }>(a);
    expect(await ok<{ url: string }>(b)).toEqual(first);
    await pay(tenant, invoice.id, 1000);
    const third = await ok<{ url: string }>(await checkout(tenant, invoice.id, member.cookie));
    expect(third.url).not.toBe(first.url);
    expect(stripe!.requests.map((r) => r.form.get("line_items[0][price_data][unit_amount]"))).toEqual(["12000", "12000", "11000"]);
  });

  it("caps the checkouts one person opens per hour (each calls the community's Stripe account): 429 too_many_checkouts with Retry-After beyond, counted atomically", async () => {
    const { tenant, member, invoice } = await setup();
    const answers = await Promise.all(Array.from({ length: CHECKOUT_LIMIT.max + 3 }, () => checkout(tenant, invoice.id, member.cookie)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(CHECKOUT_LIMIT.max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("too_many_checkouts");
    expect(stripe!.requests).toHaveLength(CHECKOUT_LIMIT.max);
    // Someone else is not held back by it.
    await ok(await checkout(tenant, invoice.id, tenant.owner.cookie));
  });
});
