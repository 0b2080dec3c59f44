import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answer, isStrict } from "../test/answers";
import { checkoutEvent, connectStripe, fakeStripe, signStripe, TEST_STRIPE_KEYS, type FakeStripe } from "../test/fake-stripe";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { issueInvoices } from "../test/invoice-fixtures";
import { checkoutAnswer, stripeWebhookAnswer } from "./answers";

// The card payment routes' answers parsed by their schemas (answers.ts): the checkout (Stripe
// answered by the fake) and the signed webhook, recorded then delivered again.

let stripe: FakeStripe | null = null;
beforeEach(() => {
  stripe = fakeStripe();
});
afterEach(() => stripe?.restore());

describe("card payments: the answers match their schemas", () => {
  it("checkout {url}; the webhook {received, outcome}: recorded, then duplicate, then ignored", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "card-answers@example.com", "Carl Card");
    await connectStripe(tenant);
    const [invoice] = await issueInvoices(tenant, [{ userId: member.id, amount: 4200 }]);
    const checkout = await answer(checkoutAnswer, await call(tenant.host, "POST", `/api/v1/invoices/${invoice!.id}/checkout`, { cookie: member.cookie }));
    expect(checkout.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    isStrict(checkoutAnswer, checkout);

    const deliver = async (body: string) =>
      call(tenant.host, "POST", "/api/v1/payments/stripe/webhook", { body, headers: { "content-type": "application/json", "stripe-signature": await signStripe(body, TEST_STRIPE_KEYS.webhookSecret) } });
    const paid = checkoutEvent({ tenantId: tenant.id, invoiceId: invoice!.id, amount: 4200 });
    const first = await answer(stripeWebhookAnswer, await deliver(paid));
    expect(first).toEqual({ received: true, outcome: "recorded" });
    isStrict(stripeWebhookAnswer, first);
    expect(await answer(stripeWebhookAnswer, await deliver(paid))).toEqual({ received: true, outcome: "duplicate" });
    expect(await answer(stripeWebhookAnswer, await deliver(checkoutEvent({ tenantId: tenant.id, invoiceId: invoice!.id, amount: 4200, type: "customer.created" })))).toEqual({ received: true, outcome: "ignored" });
  });
});
