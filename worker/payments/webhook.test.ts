import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { payments } from "../db/schema";
import { recordPayment } from "../invoices/payments";
import { call, env, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { failure, getInvoice, issueInvoices, ok } from "../test/invoice-fixtures";
import { checkoutEvent, connectStripe, signStripe, TEST_STRIPE_KEYS } from "../test/fake-stripe";

// POST /api/v1/payments/stripe/webhook (API.md "Invoices and payments"): Stripe's signed event
// on the community's own host; 401 for a bad signature; a paid Checkout records one `card`
// payment however often (and however concurrently) the event arrives. The tests sign bodies
// themselves, as Stripe does (`t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`).

const deliver = async (tenant: TestTenant, body: string, signature?: string | null, headers: Record<string, string> = {}) =>
  call(tenant.host, "POST", "/api/v1/payments/stripe/webhook", {
    body,
    headers: { "content-type": "application/json; charset=utf-8", ...(signature === null ? {} : { "stripe-signature": signature ?? (await signStripe(body, TEST_STRIPE_KEYS.webhookSecret)) }), ...headers },
  });

async function setup(amount = 12000) {
  const tenant = await makeTenant();
  const member = await signUpMember(tenant, `card-${crypto.randomUUID()}@example.com`, "Carla Card");
  await connectStripe(tenant);
  const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount }]);
  return { tenant, member, invoice: invoice! };
}

const voidInvoice = async (tenant: TestTenant, id: string) =>
  ok(await call(tenant.host, "POST", `/api/v1/invoices/${id}/void`, { cookie: tenant.owner.cookie, json: { reason: "Issued by mistake" } }));

const paymentsOn = (tenant: TestTenant, invoiceId: string) =>
  tenantDb(env, { id: tenant.id })
    .db.select()
    .from(payments)
    .where(and(eq(payments.tenantId, tenant.id), eq(payments.invoiceId, invoiceId)));

describe("Stripe webhook: signature", () => {
  it("401 invalid_signature for a missing, wrong, stale or other secret's signature, and for a body altered after signing; nothing recorded", async () => {
    const { tenant, invoice } = await setup();
    const body = checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 12000 });
    const good = await signStripe(body, TEST_STRIPE_KEYS.webhookSecret);
    expect(await failure(await deliver(tenant, body, null))).toEqual({ status: 401, code: "invalid_signature" });
    expect(await failure(await deliver(tenant, body, "t=1,v1=deadbeef"))).toEqual({ status: 401, code: "invalid_signature" });
    expect(await failure(await deliver(tenant, body, await signStripe(body, "whsec_notThisCommunitys123456")))).toEqual({ status: 401, code: "invalid_signature" });
    expect(await failure(await deliver(tenant, body, await signStripe(body, TEST_STRIPE_KEYS.webhookSecret, Math.floor(Date.now() / 1000) - 600)))).toEqual({ status: 401, code: "invalid_signature" });
    expect(await failure(await deliver(tenant, body.replace('"amount_total":12000', '"amount_total":1'), good))).toEqual({ status: 401, code: "invalid_signature" });
    expect(await paymentsOn(tenant, invoice.id)).toEqual([]);
    expect((await getInvoice(tenant, invoice.id)).status).toBe("open");
  });

  it("checks the body with this community's own secret: an event signed for another community is refused on this host", async () => {
    const a = await setup();
    const b = await makeTenant();
    await connectStripe(b, { secretKey: "sk_test_communityB1234567890", webhookSecret: "whsec_communityBsecret123456" });
    const body = checkoutEvent({ tenantId: a.tenant.id, invoiceId: a.invoice.id, amount: 12000 });
    expect(await failure(await deliver(b, body, await signStripe(body, TEST_STRIPE_KEYS.webhookSecret)))).toEqual({ status: 401, code: "invalid_signature" });
    expect(await paymentsOn(a.tenant, a.invoice.id)).toEqual([]);
  });

  it("needs no session and no same-origin Origin (the signature is the proof); 409 payments_not_connected without keys; 404 on the root host", async () => {
    const { tenant, invoice } = await setup();
    const body = checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 500 });
    expect((await ok<{ received: boolean; outcome: string }>(await deliver(tenant, body, undefined, { origin: "https://hooks.stripe.com" }))).outcome).toBe("recorded");
    // Other state-changing routes keep their Origin check.
    expect(await failure(await call(tenant.host, "POST", `/api/v1/invoices/${invoice.id}/checkout`, { cookie: tenant.owner.cookie, headers: { origin: "https://hooks.stripe.com" } }))).toEqual({ status: 403, code: "origin_mismatch" });

    const bare = await makeTenant();
    expect(await failure(await deliver(bare, body))).toEqual({ status: 409, code: "payments_not_connected" });
    const root = await call("communities.test", "POST", "/api/v1/payments/stripe/webhook", { body, headers: { "stripe-signature": await signStripe(body, TEST_STRIPE_KEYS.webhookSecret) } });
    expect(root.status).toBe(404);
  });
});

describe("Stripe webhook: a paid checkout records one card payment", () => {
  it("checkout.session.completed (paid), delivered twice: ONE card payment of amount_total keyed by the payment intent; the invoice turns paid", async () => {
    const { tenant, invoice } = await setup();
    const body = checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 12000, paymentIntent: "pi_twice" });
    expect(await ok(await deliver(tenant, body))).toEqual({ received: true, outcome: "recorded" });
    expect(await ok(await deliver(tenant, body))).toEqual({ received: true, outcome: "duplicate" });
    const rows = await paymentsOn(tenant, invoice.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: 12000, currency: "EUR", method: "card", providerRef: "pi_twice", createdBy: null });
    const after = await getInvoice(tenant, invoice.id);
    expect(after).toMatchObject({ status: "paid", paid: { amount: 12000, currency: "EUR" }, balance: { amount: 0, currency: "EUR" } });
  });

  it("the same event delivered many times at once still records one payment", async () => {
    const { tenant, invoice } = await setup();
    const body = checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 12000, paymentIntent: "pi_concurrent" });
    const signature = await signStripe(body, TEST_STRIPE_KEYS.webhookSecret);
    const answers = await Promise.all(Array.from({ length: 6 }, () => deliver(tenant, body, signature)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const outcomes = await Promise.all(answers.map(async (r) => ((await r.json()) as { outcome: string }).outcome));
    expect(outcomes.filter((o) => o === "recorded")).toHaveLength(1);
    expect(await paymentsOn(tenant, invoice.id)).toHaveLength(1);
    expect((await getInvoice(tenant, invoice.id)).paid.amount).toBe(12000);
  });

  it("a partial card payment (after a bank transfer) and async_payment_succeeded are recorded; a completed checkout not yet paid is not", async () => {
    const { tenant, invoice } = await setup();
    await recordPayment(tenantDb(env, { id: tenant.id }), invoice.id, { amount: 2000, currency: "EUR", method: "bank_transfer", paidOn: "2026-07-02", note: null }, { userId: null }, Date.now());
    const pending = checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 10000, paymentStatus: "unpaid", paymentIntent: "pi_sepa" });
    expect(await ok(await deliver(tenant, pending))).toEqual({ received: true, outcome: "ignored" });
    const succeeded = checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 10000, type: "checkout.session.async_payment_succeeded", paymentIntent: "pi_sepa" });
    expect(await ok(await deliver(tenant, succeeded))).toEqual({ received: true, outcome: "recorded" });
    const rows = await paymentsOn(tenant, invoice.id);
    expect(rows.map((p) => [p.method, p.amount]).sort()).toEqual([
      ["bank_transfer", 2000],
      ["card", 10000],
    ]);
    expect((await getInvoice(tenant, invoice.id)).status).toBe("paid");
  });

  it("a session without a payment intent is keyed by the session id", async () => {
    const { tenant, invoice } = await setup();
    const body = checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 12000, paymentIntent: null, sessionId: "cs_test_nointent" });
    await ok(await deliver(tenant, body));
    await ok(await deliver(tenant, body));
    expect((await paymentsOn(tenant, invoice.id)).map((p) => p.providerRef)).toEqual(["cs_test_nointent"]);
  });
});

describe("Stripe webhook: events it cannot apply answer 200 and record nothing (so Stripe stops retrying)", () => {
  it("another community's invoice, an unknown invoice, a void one, one already paid by hand, another currency, and other event types", async () => {
    const { tenant, member, invoice } = await setup();
    const other = await setup();
    const ignored = async (body: string) => expect(await ok(await deliver(tenant, body))).toEqual({ received: true, outcome: "ignored" });

    // Names another community (its metadata) while signed with this one's secret.
    await ignored(checkoutEvent({ tenantId: other.tenant.id, invoiceId: other.invoice.id, amount: 12000 }));
    // Names this community but the invoice is another community's.
    await ignored(checkoutEvent({ tenantId: tenant.id, invoiceId: other.invoice.id, amount: 12000 }));
    await ignored(checkoutEvent({ tenantId: tenant.id, invoiceId: "no-such-invoice", amount: 12000 }));
    await ignored(checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 12000, currency: "usd" }));
    await ignored(JSON.stringify({ id: "evt_other", object: "event", type: "payment_intent.succeeded", created: Math.floor(Date.now() / 1000), data: { object: { id: "pi_1", object: "payment_intent" } } }));
    await ignored(checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 12000, type: "checkout.session.expired", paymentStatus: "unpaid" }));

    const [paidByHand] = await issueInvoices(tenant, [{ userId: member.id, amount: 3000 }], "2026-08-01");
    await recordPayment(tenantDb(env, { id: tenant.id }), paidByHand!.id, { amount: 3000, currency: "EUR", method: "cash", paidOn: "2026-08-01", note: null }, { userId: null }, Date.now());
    await ignored(checkoutEvent({ tenantId: tenant.id, invoiceId: paidByHand!.id, amount: 3000 }));

    await voidInvoice(tenant, invoice.id);
    await ignored(checkoutEvent({ tenantId: tenant.id, invoiceId: invoice.id, amount: 12000 }));

    expect(await paymentsOn(tenant, invoice.id)).toEqual([]);
    expect((await paymentsOn(tenant, paidByHand!.id)).map((p) => p.method)).toEqual(["cash"]);
    expect(await paymentsOn(other.tenant, other.invoice.id)).toEqual([]);
    expect((await getInvoice(other.tenant, other.invoice.id)).status).toBe("open");
  });

  it("a signed body that is not an event is 400 invalid_event, never a 5xx", async () => {
    const { tenant } = await setup();
    expect(await failure(await deliver(tenant, "not json"))).toEqual({ status: 400, code: "invalid_event" });
    expect(await failure(await deliver(tenant, "[]"))).toEqual({ status: 400, code: "invalid_event" });
  });
});
