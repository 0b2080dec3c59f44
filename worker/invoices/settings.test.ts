import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { billingSettings, tenants } from "../db/schema";
import { ApiError } from "../http/errors";
import { call, env, makeTenant, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { secretsKeyOf, unseal } from "./sealed";
import { billingSettingsPatch, stripeKeysOf, updateBillingSettings } from "./settings";

const SK = "sk_test_51QxYzAbCdEfGhIjKlMnOpQrStUvWx";
const WH = "whsec_AbCdEfGhIjKlMnOpQrStUvWxYz012345";

const patch = (tenant: TestTenant, json: unknown, cookie = tenant.owner.cookie) => call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie, json });
const get = (tenant: TestTenant, cookie = tenant.owner.cookie) => call(tenant.host, "GET", "/api/v1/billing/settings", { cookie });
async function body(res: Response, status = 200) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
}

async function tenantRow(tenant: TestTenant) {
  const db = drizzle(env.DB);
  const [tenantRow] = await db.select().from(tenants).where(eq(tenants.id, tenant.id));
  return tenantRow!;
}

async function storedRow(tenant: TestTenant) {
  const [row] = await drizzle(env.DB).select().from(billingSettings).where(eq(billingSettings.tenantId, tenant.id));
  return row!;
}

describe("PATCH /api/v1/billing/settings", () => {
  it("changes every field of the contract and answers them back, Stripe only as connected", async () => {
    const tenant = await makeTenant({ name: "Atelier Ő" });
    const all = {
      currency: "chf",
      invoiceDay: 28,
      numberPrefix: "AT-",
      paymentTermsDays: 30,
      defaultTaxRate: 7.7,
      seller: { name: "Atelier Ő Sàrl", address: "Rue Ș 1\n1200 Genève", taxId: "CHE-123.456.789", iban: "ch93 0076 2011 6238 5295 7", bic: "ubswchzh80a" },
      stripe: { secretKey: SK, webhookSecret: WH },
    };
    const expected = {
      currency: "CHF",
      invoiceDay: 28,
      numberPrefix: "AT-",
      paymentTermsDays: 30,
      defaultTaxRate: 7.7,
      seller: { name: "Atelier Ő Sàrl", address: "Rue Ș 1\n1200 Genève", taxId: "CHE-123.456.789", iban: "CH9300762011623852957", bic: "UBSWCHZH80A" },
      stripe: { connected: true },
    };
    expect(await body(await patch(tenant, all))).toEqual(expected);
    const read = await get(tenant);
    const text = await read.clone().text();
    expect(await body(read)).toEqual(expected);
    expect(text).not.toContain("sk_test");
    expect(text).not.toContain("whsec_");
    // A later change leaves the keys connected; clearing the optional seller fields stores null.
    expect(await body(await patch(tenant, { numberPrefix: "F", seller: { taxId: "", iban: null, bic: "" } }))).toMatchObject({ numberPrefix: "F", seller: { taxId: null, iban: null, bic: null }, stripe: { connected: true } });
  });

  it("seals the Stripe keys: nothing of them readable in D1, they open with SECRETS_KEY for this tenant only; null disconnects", async () => {
    const tenant = await makeTenant();
    await body(await patch(tenant, { stripe: { secretKey: SK, webhookSecret: WH } }));
    const row = await storedRow(tenant);
    const stored = JSON.stringify(row);
    for (const part of [SK, WH, SK.slice(8, 20), WH.slice(6, 18), "sk_test", "whsec_"]) expect(stored).not.toContain(part);
    expect(row.stripeSecretKey).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(row.stripeWebhookSecret).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    const secret = secretsKeyOf(env)!;
    const t = tenantDb(env, await tenantRow(tenant));
    expect(await stripeKeysOf(t, secret)).toEqual({ secretKey: SK, webhookSecret: WH });
    await expect(unseal(secret, { tenantId: "another", purpose: "stripe.secretKey" }, row.stripeSecretKey!)).rejects.toThrow();
    await expect(stripeKeysOf(t, `${secret}-rotated`)).rejects.toThrow();

    expect(await body(await patch(tenant, { stripe: null }))).toMatchObject({ stripe: { connected: false } });
    expect(await storedRow(tenant)).toMatchObject({ stripeSecretKey: null, stripeWebhookSecret: null });
    expect(await stripeKeysOf(t, secret)).toBeNull();
    expect(await body(await get(tenant))).toMatchObject({ stripe: { connected: false } });
  });

  it("refuses to store keys without SECRETS_KEY: 409 payments_unavailable, nothing changed", async () => {
    const tenant = await makeTenant({ name: "No Secret" });
    const t = tenantDb(env, await tenantRow(tenant));
    const refusal = await updateBillingSettings(t, "No Secret", billingSettingsPatch.parse({ invoiceDay: 9, stripe: { secretKey: SK, webhookSecret: WH } }), Date.now(), async () => false, null).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 409, code: "payments_unavailable" });
    expect(await body(await get(tenant))).toMatchObject({ invoiceDay: 1, stripe: { connected: false } });
    // Without the secret, disconnecting and the other fields still work.
    expect(await updateBillingSettings(t, "No Secret", billingSettingsPatch.parse({ invoiceDay: 9, stripe: null }), Date.now(), async () => false, null)).toMatchObject({ invoiceDay: 9, stripe: { connected: false } });
  });

  it("over HTTP without SECRETS_KEY: 409 payments_unavailable for keys, the rest still saves, the page says why and disables the key inputs", async () => {
    const tenant = await makeTenant();
    const bindings = env as { SECRETS_KEY?: string };
    const saved = bindings.SECRETS_KEY;
    delete bindings.SECRETS_KEY;
    try {
      expect((await body(await patch(tenant, { invoiceDay: 4, stripe: { secretKey: SK, webhookSecret: WH } }), 409)).error.code).toBe("payments_unavailable");
      expect(await body(await patch(tenant, { invoiceDay: 4 }))).toMatchObject({ invoiceDay: 4, stripe: { connected: false } });
      const page = await (await call(tenant.host, "GET", "/admin/invoices/settings?lang=en", { cookie: tenant.owner.cookie })).text();
      expect(page).toContain("the SECRETS_KEY secret");
      expect(page).toMatch(/<input[^>]*name="stripeSecretKey"[^>]*disabled/);
    } finally {
      bindings.SECRETS_KEY = saved;
    }
    expect(await storedRow(tenant)).toMatchObject({ stripeSecretKey: null, stripeWebhookSecret: null });
  });

  it("answers 422 with the field for a bad IBAN (mod-97), BIC, tax rate, invoice day or Stripe key", async () => {
    const tenant = await makeTenant();
    const cases: [unknown, string][] = [
      [{ seller: { iban: "FR76 3000 6000 0112 3456 7890 188" } }, "seller.iban"],
      [{ seller: { bic: "BNP" } }, "seller.bic"],
      [{ defaultTaxRate: 5.555 }, "defaultTaxRate"],
      [{ defaultTaxRate: 101 }, "defaultTaxRate"],
      [{ invoiceDay: 0 }, "invoiceDay"],
      [{ invoiceDay: 29 }, "invoiceDay"],
      [{ currency: "EURO" }, "currency"],
      [{ seller: { name: "" } }, "seller.name"],
      [{ stripe: { secretKey: "pk_test_123456789", webhookSecret: WH } }, "stripe.secretKey"],
      [{ stripe: { secretKey: SK, webhookSecret: "nope" } }, "stripe.webhookSecret"],
      [{ stripe: { secretKey: SK } }, "stripe.webhookSecret"],
    ];
    for (const [json, field] of cases) {
      const res = await body(await patch(tenant, json), 422);
      expect(Object.keys(res.error.fields ?? {}), JSON.stringify(json)).toContain(field);
    }
    expect(await storedRow(tenant)).toBeUndefined();
  });

  it("locks the currency once plans are priced in it (409 billing_locked), the day and the rest stay free", async () => {
    const tenant = await makeTenant();
    await body(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 1000, currency: "EUR" }, intervalMonths: 1 } }), 201);
    expect((await body(await patch(tenant, { currency: "USD", numberPrefix: "X" }), 409)).error.code).toBe("billing_locked");
    expect(await body(await get(tenant))).toMatchObject({ currency: "EUR", numberPrefix: "INV" });
    expect(await body(await patch(tenant, { currency: "EUR", invoiceDay: 3 }))).toMatchObject({ currency: "EUR", invoiceDay: 3 });
  });

  it("is for owners and admins only", async () => {
    const tenant = await makeTenant();
    const admin = await signUpMember(tenant, "billing-admin@example.com");
    await setTenantRole(tenant, admin.id, "admin");
    const moderator = await signUpMember(tenant, "billing-mod@example.com");
    await setTenantRole(tenant, moderator.id, "moderator");
    const member = await signUpMember(tenant, "billing-member2@example.com");
    expect((await body(await patch(tenant, { invoiceDay: 5 }, admin.cookie))).invoiceDay).toBe(5);
    for (const cookie of [moderator.cookie, member.cookie]) {
      expect((await get(tenant, cookie)).status).toBe(403);
      expect((await patch(tenant, { stripe: null }, cookie)).status).toBe(403);
    }
    expect((await call(tenant.host, "GET", "/api/v1/billing/settings")).status).toBe(401);
  });
});

describe("once an invoice is issued", () => {
  it("the invoice day and the currency are locked (409 billing_locked); the rest stays free", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "billed@example.com");
    // No plan: before any invoice both may change.
    expect((await patch(tenant, { invoiceDay: 1 })).status).toBe(200);
    const added = await call(tenant.host, "POST", `/api/v1/members/${member.id}/charges`, { cookie: tenant.owner.cookie, json: { description: "Locker", amount: { amount: 1500, currency: "EUR" } } });
    expect(added.status).toBe(201);
    // The next invoice day (the 1st), at noon UTC: the 1st in the community's timezone too.
    const now = new Date();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 12));
    expect((await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: next.toISOString() } })).status).toBe(200);
    const issued = (await (await call(tenant.host, "GET", "/api/v1/me/invoices", { cookie: member.cookie })).json()) as { items?: unknown[] } | unknown[];
    expect(Array.isArray(issued) ? issued.length : (issued.items ?? []).length).toBe(1);
    for (const body of [{ invoiceDay: 15 }, { currency: "USD" }]) {
      const res = await patch(tenant, body);
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("billing_locked");
    }
    expect((await patch(tenant, { paymentTermsDays: 30, numberPrefix: "F" })).status).toBe(200);
  });
});

