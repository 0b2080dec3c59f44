// The billing settings, in the browser, as the demo community's owner:
//   - /admin/invoices/settings from the admin navigation ("Invoices", then its settings tab);
//   - a bad IBAN and a tax rate with three decimals are refused beside their fields, what was
//     typed stays; then saved, the rate typed with a comma;
//   - the community's own Stripe keys: typed into password inputs, "connected", never filled
//     back, kept when the form is saved with them empty, then disconnected;
//   - the settings are put back as they were, for the files after this one;
//   - screenshots in French and English, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, eachViewport, field, LANGS, mainText, openPage, pageApi as api, steps, t, tenant } from "./harness.mjs";

const SK = "sk_test_51BrowserAbCdEfGhIjKlMn";
const WH = "whsec_BrowserAbCdEfGhIjKlMn";

describe("Billing settings (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  let opened, page, saved;
  const save = () => Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "saved"), page.getByRole("button", { name: t(lang, "billing.save") }).click()]);
  before(async () => {
    opened = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    page = opened.page;
  });
  after(async () => {
    if (saved && page) await api(page, "/api/v1/billing/settings", "PATCH", saved);
    await opened?.context.close();
  });

  step("opens /admin/invoices/settings from the admin navigation", async () => {
    await page.goto(`${tenant}/admin?lang=${lang}`);
    const { currency: _c, invoiceDay: _d, stripe: _s, ...rest } = (await api(page, "/api/v1/billing/settings")).body;
    saved = { ...rest, stripe: null };
    await Promise.all([page.waitForURL((u) => u.pathname === "/admin/invoices"), page.locator(".admin-nav").getByRole("link", { name: t(lang, "admin.nav.invoices") }).click()]);
    await Promise.all([page.waitForURL((u) => u.pathname === "/admin/invoices/settings"), page.locator(".invoices-tabs").getByRole("link", { name: t(lang, "admin.invoice_list.tab_settings") }).click()]);
    assert((await mainText(page)).includes(t(lang, "billing.section.seller")));
  });

  step("a bad IBAN and a rate with three decimals are refused beside their fields; fixed, the form saves", async () => {
    await field(page, t(lang, "billing.field.seller_address")).fill("12 rue des Lilas\n75011 Paris");
    await page.locator("#field-iban").fill("FR76 3000 6000 0112 3456 7890 188");
    await page.locator("#field-defaultTaxRate").fill("5,555");
    await page.getByRole("button", { name: t(lang, "billing.save") }).click();
    await page.waitForLoadState("load");
    assert.equal((await page.locator("#field-iban-error").innerText()).trim(), t(lang, "field.iban"));
    assert.equal((await page.locator("#field-defaultTaxRate-error").innerText()).trim(), t(lang, "plans.error.rate"));
    assert.equal(await page.locator("#field-iban").inputValue(), "FR76 3000 6000 0112 3456 7890 188");
    await page.locator("#field-iban").fill("FR76 3000 6000 0112 3456 7890 189");
    await page.locator("#field-defaultTaxRate").fill("5,5");
    await save();
    const body = (await api(page, "/api/v1/billing/settings")).body;
    assert.equal(body.defaultTaxRate, 5.5);
    assert.equal(body.seller.iban, "FR7630006000011234567890189");
    assert.equal(body.seller.address, "12 rue des Lilas\n75011 Paris");
    assert((await mainText(page)).includes(t(lang, "billing.done.saved")));
  });

  step("connects Stripe: the keys are never filled back, kept when left empty, then disconnected", async () => {
    await page.locator("#field-stripeSecretKey").fill(SK);
    await page.locator("#field-stripeWebhookSecret").fill(WH);
    await save();
    assert.equal((await api(page, "/api/v1/billing/settings")).body.stripe.connected, true);
    assert((await mainText(page)).includes(t(lang, "billing.stripe.connected")));
    assert.equal(await page.locator("#field-stripeSecretKey").inputValue(), "");
    assert(!(await page.content()).includes(SK));
    await page.locator("#field-numberPrefix").fill("DEMO-");
    await save();
    assert.deepEqual((await api(page, "/api/v1/billing/settings")).body.stripe, { connected: true });
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "disconnected"), page.getByRole("button", { name: t(lang, "billing.stripe.disconnect") }).click()]);
    assert.deepEqual((await api(page, "/api/v1/billing/settings")).body.stripe, { connected: false });
    assert((await mainText(page)).includes(t(lang, "billing.stripe.not_connected")));
  });
});

eachViewport("Billing settings screenshots", ({ tag, width, options, step }) => {
  let opened;
  before(async () => {
    opened = await openPage(options, { as: DEMO.owner });
  });
  after(() => opened?.context.close());
  for (const lang of LANGS) {
    step.shot(() => opened?.page, { url: () => `${tenant}/admin/invoices/settings?lang=${lang}`, file: `billing-settings-${lang}-${tag}.png`, lang, width, expectText: t(lang, "billing.section.stripe") });
  }
});
