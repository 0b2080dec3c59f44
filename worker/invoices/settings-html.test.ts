import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { billingSettings } from "../db/schema";
import { call, env, getPage, groupMember, makeGroup, makeTenant, postForm, setGroupRole, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";

// /admin/invoices/settings: the billing settings' page, on the settings service.

const PATH = "/admin/invoices/settings";
const SK = "sk_live_51PageKeyAbCdEfGhIjKlMnOp";
const WH = "whsec_PageSecretAbCdEfGhIjKlMnOp";

const FULL: Record<string, string> = {
  currency: "chf",
  invoiceDay: "15",
  numberPrefix: "AT-",
  paymentTermsDays: "30",
  defaultTaxRate: "7,7",
  sellerName: "Atelier Ő",
  sellerAddress: "Rue Ș 1\r\n1200 Genève",
  taxId: "CHE-123.456.789",
  iban: "CH93 0076 2011 6238 5295 7",
  bic: "UBSWCHZH80A",
  stripeSecretKey: "",
  stripeWebhookSecret: "",
};

async function settings(tenant: TestTenant) {
  const res = await call(tenant.host, "GET", "/api/v1/billing/settings", { cookie: tenant.owner.cookie });
  expect(res.status).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
}
const text = async (res: Response) => ({ status: res.status, html: await res.text() });

describe("/admin/invoices/settings", () => {
  it("shows every field with the stored values in the reader's language, and saves the form (a comma in the rate) with 303 and a notice", async () => {
    const tenant = await makeTenant({ name: "Atelier" });
    const page = await text(await getPage(tenant, `${PATH}?lang=fr`, tenant.owner.cookie));
    expect(page.status).toBe(200);
    for (const name of Object.keys(FULL)) expect(page.html).toContain(`name="${name}"`);
    expect(page.html).toContain('<h1 class="page-title">Paramètres de facturation</h1>');
    // The section's link is the invoice list: a crumb back to it, and this page's tab is current.
    expect(page.html).toContain('<p class="admin-crumb"><a href="/admin/invoices">Factures</a></p>');
    expect(page.html).toMatch(/<a class="tab" href="\/admin\/invoices\/settings" aria-current="page">/);
    expect(page.html).toContain('value="EUR"');
    expect(page.html).toContain("Non connecté");

    const saved = await postForm(tenant, PATH, tenant.owner.cookie, FULL);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${PATH}?done=saved`);
    expect(await settings(tenant)).toEqual({
      currency: "CHF",
      invoiceDay: 15,
      numberPrefix: "AT-",
      paymentTermsDays: 30,
      defaultTaxRate: 7.7,
      seller: { name: "Atelier Ő", address: "Rue Ș 1\n1200 Genève", taxId: "CHE-123.456.789", iban: "CH9300762011623852957", bic: "UBSWCHZH80A" },
      stripe: { connected: false },
    });
    const after = await text(await getPage(tenant, `${PATH}?done=saved&lang=en`, tenant.owner.cookie));
    expect(after.html).toContain("Billing settings saved.");
    expect(after.html).toContain('value="7.7"');
    expect(after.html).toContain('value="CH93 0076 2011 6238 5295 7"');
    const nl = await text(await getPage(tenant, `${PATH}?lang=nl`, tenant.owner.cookie));
    expect(nl.html).toContain("Factuurinstellingen");
    expect(nl.html).toContain('value="7,7"');
  });

  it("shows errors beside their fields (IBAN, BIC, rate, day, Stripe key) and keeps what was typed, saving nothing", async () => {
    const tenant = await makeTenant();
    const bad = { ...FULL, iban: "FR76 3000 6000 0112 3456 7890 188", bic: "XX", defaultTaxRate: "5,555", invoiceDay: "29", paymentTermsDays: "two", stripeSecretKey: "pk_live_nope", stripeWebhookSecret: WH };
    const res = await text(await postForm(tenant, `${PATH}?lang=en`, tenant.owner.cookie, bad));
    expect(res.status).toBe(422);
    for (const field of ["iban", "bic", "defaultTaxRate", "invoiceDay", "paymentTermsDays", "stripeSecretKey"]) expect(res.html).toContain(`id="field-${field}-error"`);
    expect(res.html).toContain("Enter a valid IBAN");
    expect(res.html).toContain("at most two decimals");
    expect(res.html).toContain("Paste a Stripe secret key");
    expect(res.html).toContain('value="FR76 3000 6000 0112 3456 7890 188"');
    // Secrets are never written back into the page, even when refused.
    expect(res.html).not.toContain(WH);
    expect(res.html).not.toContain("pk_live_nope");
    expect(await drizzle(env.DB).select().from(billingSettings).where(eq(billingSettings.tenantId, tenant.id))).toEqual([]);
  });

  it("connects Stripe with password inputs never filled back, keeps the keys when left empty, and disconnects", async () => {
    const tenant = await makeTenant();
    expect((await postForm(tenant, PATH, tenant.owner.cookie, { ...FULL, stripeSecretKey: SK, stripeWebhookSecret: WH })).status).toBe(303);
    expect(await settings(tenant)).toMatchObject({ stripe: { connected: true } });
    const page = await text(await getPage(tenant, `${PATH}?lang=en`, tenant.owner.cookie));
    expect(page.html).toContain("Connected");
    expect(page.html).toMatch(/<input[^>]*name="stripeSecretKey"[^>]*type="password"/);
    expect(page.html).not.toContain(SK);
    expect(page.html).not.toContain(WH);
    expect(page.html).not.toContain("v1.");
    expect(page.html).toContain(`http://${tenant.host}/api/v1/payments/stripe/webhook`);
    // Saving with the key inputs empty keeps the account connected.
    expect((await postForm(tenant, PATH, tenant.owner.cookie, { ...FULL, numberPrefix: "B" })).status).toBe(303);
    expect(await settings(tenant)).toMatchObject({ numberPrefix: "B", stripe: { connected: true } });
    // One key alone is refused beside the other.
    const half = await text(await postForm(tenant, PATH, tenant.owner.cookie, { ...FULL, stripeSecretKey: SK }));
    expect(half.status).toBe(422);
    expect(half.html).toContain('id="field-stripeWebhookSecret-error"');

    const out = await postForm(tenant, `${PATH}/disconnect`, tenant.owner.cookie, {});
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe(`${PATH}?done=disconnected`);
    expect(await settings(tenant)).toMatchObject({ stripe: { connected: false } });
    const [row] = await drizzle(env.DB).select().from(billingSettings).where(eq(billingSettings.tenantId, tenant.id));
    expect(row).toMatchObject({ stripeSecretKey: null, stripeWebhookSecret: null });
    expect(await (await getPage(tenant, `${PATH}?done=disconnected&lang=fr`, tenant.owner.cookie)).text()).toContain("Stripe est déconnecté");
  });

  it("disables the currency with its reason once plans are priced in it; a posted currency is ignored", async () => {
    const tenant = await makeTenant();
    expect((await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 1000, currency: "EUR" }, intervalMonths: 1 } })).status).toBe(201);
    const page = await text(await getPage(tenant, `${PATH}?lang=en`, tenant.owner.cookie));
    expect(page.html).toMatch(/<input[^>]*name="currency"[^>]*disabled/);
    expect(page.html).toContain("The currency can no longer change");
    expect(page.html).not.toMatch(/<input[^>]*name="invoiceDay"[^>]*disabled/);
    const { currency: _c, ...withoutCurrency } = FULL;
    expect((await postForm(tenant, PATH, tenant.owner.cookie, { ...withoutCurrency, invoiceDay: "7" })).status).toBe(303);
    expect(await settings(tenant)).toMatchObject({ currency: "EUR", invoiceDay: 7 });
    expect((await postForm(tenant, PATH, tenant.owner.cookie, { ...FULL, currency: "USD" })).status).toBe(303);
    expect(await settings(tenant)).toMatchObject({ currency: "EUR" });
  });

  it("is for owners and admins: members, moderators, group admins and an owner viewing as a member get 403; a visitor logs in", async () => {
    const tenant = await makeTenant();
    const admin = await signUpMember(tenant, "bs-admin@example.org", "Ada Admin");
    await setTenantRole(tenant, admin.id, "admin");
    expect((await getPage(tenant, PATH, admin.cookie)).status).toBe(200);
    expect((await postForm(tenant, PATH, admin.cookie, { ...FULL, invoiceDay: "2" })).status).toBe(303);

    const member = await signUpMember(tenant, "bs-member@example.org", "Mia Member");
    const moderator = await signUpMember(tenant, "bs-mod@example.org", "Mo Moderator");
    await setTenantRole(tenant, moderator.id, "moderator");
    await makeGroup(tenant, { slug: "makers", joinPolicy: "open" });
    const groupAdmin = await groupMember(tenant, "makers", "bs-gadmin@example.org", "Gus Groupadmin");
    await setGroupRole(tenant, "makers", groupAdmin.id, "admin");
    const asMember = `${tenant.owner.cookie}; view_as=member`;
    for (const cookie of [member.cookie, moderator.cookie, groupAdmin.cookie, asMember]) {
      const page = await text(await getPage(tenant, PATH, cookie));
      expect(page.status).toBe(403);
      expect(page.html).not.toContain('name="stripeSecretKey"');
      expect((await postForm(tenant, PATH, cookie, { ...FULL, invoiceDay: "9" })).status).toBe(403);
      expect((await postForm(tenant, `${PATH}/disconnect`, cookie, {})).status).toBe(403);
    }
    expect(await settings(tenant)).toMatchObject({ invoiceDay: 2 });
    const visitor = await getPage(tenant, PATH);
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe(`/login?next=${encodeURIComponent(PATH)}`);
    // The admin navigation names the section for owners and admins only.
    expect(await (await getPage(tenant, "/admin/plans", tenant.owner.cookie)).text()).toContain('href="/admin/invoices"');
  });
});
