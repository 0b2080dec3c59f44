// The invoices' administration, in the browser, as the demo community's owner:
//   - /admin/invoices from the admin navigation, then its Charges tab;
//   - a one-off charge for the demo member typed in the form (a refused amount first, said
//     beside its field), listed as waiting for their next invoice;
//   - the development clock moved to the community's next invoice day (pageApi): the invoice
//     that carries the charge is in /admin/invoices, found by the member's email, kept by the
//     "open" filter and gone with "paid", the filters kept in the URL;
//   - screenshots of the list and of the charges page in French and English, at 1280 and 360 px.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, eachViewport, field, LANGS, mainText, openPage, pageApi as api, steps, t, tenant, uniqueSuffix } from "./harness.mjs";

/**
 * The fourth day after today (UTC) that falls on the community's invoice day, at 10:00 in
 * Paris: a community's run of a day happens once and never goes back, and the invoice files
 * before this one (suite.mjs) ran the first three.
 */
function nextInvoiceDay(invoiceDay) {
  const d = new Date();
  d.setUTCHours(9, 0, 0, 0);
  for (let n = 0; n < 4; n++) {
    d.setUTCDate(d.getUTCDate() + 1);
    while (d.getUTCDate() !== invoiceDay) d.setUTCDate(d.getUTCDate() + 1);
  }
  return d.toISOString();
}

describe("Invoices administration (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const description = `Locker key ${uniqueSuffix()}`;
  let opened, page;
  before(async () => {
    opened = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    page = opened.page;
  });
  after(() => opened?.context.close());

  step("opens /admin/invoices from the admin navigation, then the Charges tab", async () => {
    await page.goto(`${tenant}/admin?lang=${lang}`);
    await Promise.all([page.waitForURL((u) => u.pathname === "/admin/invoices"), page.locator(".admin-nav").getByRole("link", { name: t(lang, "admin.nav.invoices") }).click()]);
    assert((await mainText(page)).includes(t(lang, "admin.invoice_list.title")));
    await Promise.all([page.waitForURL((u) => u.pathname === "/admin/invoices/charges"), page.locator(".invoices-tabs").getByRole("link", { name: t(lang, "admin.charges.tab") }).click()]);
  }, { page: () => page });

  step("adds a charge for the demo member: a bad amount is refused beside its field, then it is listed as waiting", async () => {
    await field(page, t(lang, "admin.charges.field_email")).fill(DEMO.member.email);
    await field(page, t(lang, "admin.charges.field_description")).fill(description);
    await field(page, t(lang, "admin.charges.field_amount")).fill("12.345");
    await field(page, t(lang, "admin.charges.field_tax_rate")).fill("20");
    await page.getByRole("button", { name: t(lang, "admin.charges.add_submit") }).click();
    await page.waitForLoadState("load");
    assert.equal((await page.locator("#field-amount-error").innerText()).trim(), t(lang, "plans.error.amount", { currency: "EUR" }));
    assert.equal(await field(page, t(lang, "admin.charges.field_description")).inputValue(), description);
    await field(page, t(lang, "admin.charges.field_amount")).fill("12.50");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "added"), page.getByRole("button", { name: t(lang, "admin.charges.add_submit") }).click()]);
    const text = await mainText(page);
    assert(text.includes(t(lang, "admin.charges.done.added")));
    assert(text.includes(t(lang, "admin.charges.list_title_member", { name: DEMO.member.name })));
    assert(text.includes(description));
    assert(text.includes("€12.50"));
  }, { page: () => page });

  step("on an invoice day ahead (the development clock) the invoice carrying it is in /admin/invoices, and the filters narrow it", async () => {
    const { invoiceDay } = (await api(page, "/api/v1/billing/settings")).body;
    const ran = await api(page, "/api/v1/dev/scheduled", "POST", { at: nextInvoiceDay(invoiceDay) });
    assert.equal(ran.status, 200);
    const charges = (await api(page, "/api/v1/invoices?limit=200")).body.items.filter((i) => i.lines.some((l) => l.description === description));
    assert.equal(charges.length, 1, "one invoice carries the charge");
    const invoice = charges[0];

    await page.goto(`${tenant}/admin/invoices?lang=${lang}`);
    await field(page, t(lang, "admin.invoice_list.filter_member")).fill(DEMO.member.email);
    await page.locator("#field-status").selectOption("open");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("q") === DEMO.member.email), page.getByRole("button", { name: t(lang, "admin.invoice_list.filter_submit") }).click()]);
    assert.equal(new URL(page.url()).searchParams.get("status"), "open");
    const row = page.locator(".invoice-row", { has: page.getByRole("link", { name: invoice.number, exact: true }) });
    assert.equal(await row.count(), 1);
    assert((await row.innerText()).includes(DEMO.member.name));
    await Promise.all([page.waitForURL((u) => u.pathname === `/admin/invoices/${invoice.id}`), row.getByRole("link", { name: invoice.number, exact: true }).click()]);

    await page.goto(`${tenant}/admin/invoices?lang=${lang}&status=paid&q=${encodeURIComponent(DEMO.member.email)}`);
    assert.equal(await page.getByRole("link", { name: invoice.number, exact: true }).count(), 0);
    // The charge is on an invoice now: no longer waiting.
    await page.goto(`${tenant}/admin/invoices/charges?lang=${lang}`);
    assert(!(await mainText(page)).includes(description));
  }, { page: () => page });
});

eachViewport("Invoices administration screenshots", ({ tag, width, options, step }) => {
  let opened;
  before(async () => {
    opened = await openPage(options, { as: DEMO.owner });
  });
  after(() => opened?.context.close());
  for (const lang of LANGS) {
    step.shot(() => opened?.page, { url: () => `${tenant}/admin/invoices?lang=${lang}`, file: `admin-invoices-${lang}-${tag}.png`, lang, width, expectText: t(lang, "admin.invoice_list.total_balance") });
    step.shot(() => opened?.page, { url: () => `${tenant}/admin/invoices/charges?lang=${lang}`, file: `admin-charges-${lang}-${tag}.png`, lang, width, expectText: t(lang, "admin.charges.add_title") });
  }
});
