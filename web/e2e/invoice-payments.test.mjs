// Payments and void on the admin invoice page (/admin/invoices/{id}), in the browser, as the demo
// community's owner:
//   - set up through the API: the billing settings (seller address and IBAN), a plan, three new
//     members, one of them on the plan, a one-off charge each, then the development clock on the
//     next invoice day, which issues their invoices;
//   - the owner records a partial payment then the rest (the amount prefilled with the balance):
//     the invoice turns paid and its payment form goes away;
//   - the owner voids another invoice with "bill again" checked: its credit note is linked;
//   - screenshots of an invoice with a partial payment (fr, en; 1280x800, 360x740) and of the
//     void one (en).
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, eachViewport, mainText, openPage, pageApi as api, postJson, steps, t, tenant, uniqueSuffix } from "./harness.mjs";

const suffix = uniqueSuffix(3);
const lang = "en";
/** The community's today (Europe/Paris) and the next invoice day strictly after it. */
const todayIn = (tz) => new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
function nextInvoiceDay(today, invoiceDay) {
  const [y, m, d] = today.split("-").map(Number);
  const [year, month] = d < invoiceDay ? [y, m] : m === 12 ? [y + 1, 1] : [y, m + 1];
  return `${year}-${String(month).padStart(2, "0")}-${String(invoiceDay).padStart(2, "0")}`;
}
const money = (amount) => ({ amount, currency: "EUR" });
/** Shared with the screenshots: the invoices the setup issued. */
const issued = { paid: null, voided: null, partial: null };

describe("Invoice payments and void on /admin/invoices/{id} (en, 1280x800)", () => {
  const step = steps();
  let owner;
  const page = () => owner?.page;
  before(async () => {
    owner = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    await owner.page.goto(`${tenant}/admin?lang=${lang}`);
  });
  after(() => owner?.context.close());

  step("set up through the API: billing, a plan, three members (one on the plan) with a charge each, the clock on the invoice day", async () => {
    const p = owner.page;
    const settings = await api(p, "/api/v1/billing/settings");
    assert.equal(settings.status, 200);
    const patched = await api(p, "/api/v1/billing/settings", "PATCH", { seller: { name: "Atelier Commun", address: "12 rue des Lilas\n75011 Paris", taxId: "FR12345678901", iban: "FR7630006000011234567890189", bic: "AGRIFRPP" } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const plan = await api(p, "/api/v1/plans", "POST", { name: `Desk ${suffix}`, price: money(20000), intervalMonths: 1, taxRate: 20 });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    const people = [];
    for (const who of ["paid", "voided", "partial"]) {
      const res = await postJson("/api/v1/auth/signup", { email: `pay-${who}-${suffix}@example.org`, password: `pay-pass-${suffix}-Xy!`, name: `Payer ${who} ${suffix}` });
      assert.equal(res.status, 201, res.body.slice(0, 200));
      people.push(JSON.parse(res.body).user.id);
    }
    const today = todayIn(DEMO.timezone);
    const assigned = await api(p, "/api/v1/memberships", "POST", { userId: people[0], planId: plan.body.plan.id, startsOn: today });
    assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
    for (const [i, userId] of people.entries()) {
      const charge = await api(p, `/api/v1/members/${userId}/charges`, "POST", { description: `Meeting room ${i + 1}`, amount: money(5000 * (i + 1)), taxRate: 20 });
      assert.equal(charge.status, 201, JSON.stringify(charge.body));
    }
    const day = nextInvoiceDay(today, settings.body.invoiceDay);
    const clock = await api(p, "/api/v1/dev/scheduled", "POST", { at: `${day}T10:00:00Z` });
    assert.equal(clock.status, 200, JSON.stringify(clock.body));
    for (const [i, who] of ["paid", "voided", "partial"].entries()) {
      const list = await api(p, `/api/v1/invoices?userId=${people[i]}`);
      assert.equal(list.body.items.length, 1, `${who}: ${JSON.stringify(list.body)}`);
      issued[who] = list.body.items[0];
    }
    // The plan member: a prorated first period (not a whole month unless it starts on the invoice day), the first whole month, the charge.
    assert(issued.paid.lines.length >= 2);
    // 10000 + 20 % = 12000 for the second member's charge alone.
    assert.deepEqual(issued.voided.total, money(12000));
  });

  step("records a partial payment: the payment is listed, the balance goes down", async () => {
    const p = owner.page;
    const inv = issued.paid;
    await p.goto(`${tenant}/admin/invoices/${inv.id}?lang=${lang}`);
    const amount = p.locator("#payment-amount");
    // Prefilled with the balance, as a decimal.
    assert.equal(await amount.inputValue(), (inv.balance.amount / 100).toFixed(2));
    await amount.fill("100.00");
    await p.locator("#field-method").selectOption("cash");
    await p.locator("#payment-note").fill("Paid at the front desk");
    await Promise.all([p.waitForURL((u) => u.searchParams.get("done") === "paid"), p.getByRole("button", { name: t(lang, "admin_invoice.record_submit") }).click()]);
    const text = await mainText(p);
    assert(text.includes(t(lang, "admin_invoice.done.paid")), text);
    assert(text.includes("Paid at the front desk"));
    const after = (await api(p, `/api/v1/invoices/${inv.id}`)).body;
    assert.deepEqual(after.paid, money(10000));
    assert.equal(after.status, "open");
    assert.equal(await amount.inputValue(), ((inv.total.amount - 10000) / 100).toFixed(2));
  }, { page });

  step("records the rest with the prefilled amount: the invoice is paid and the payment form is gone", async () => {
    const p = owner.page;
    await Promise.all([p.waitForURL((u) => u.searchParams.get("done") === "paid"), p.getByRole("button", { name: t(lang, "admin_invoice.record_submit") }).click()]);
    const after = (await api(p, `/api/v1/invoices/${issued.paid.id}`)).body;
    assert.equal(after.status, "paid");
    assert.deepEqual(after.balance, money(0));
    assert.equal(after.payments.length, 2);
    assert.equal(await p.locator("#record-payment").count(), 0);
    assert((await mainText(p)).includes(t(lang, "admin_invoice.status.paid")));
  }, { page });

  step("voids another invoice with a reason and 'bill again': the credit note and its PDF are linked", async () => {
    const p = owner.page;
    const inv = issued.voided;
    await p.goto(`${tenant}/admin/invoices/${inv.id}?lang=${lang}`);
    await p.locator("#void-reason").fill("Booked by mistake");
    await p.locator("#void-rebill").check();
    await Promise.all([p.waitForURL((u) => u.searchParams.get("done") === "voided"), p.getByRole("button", { name: t(lang, "admin_invoice.void_submit") }).click()]);
    const after = (await api(p, `/api/v1/invoices/${inv.id}`)).body;
    assert.equal(after.status, "void");
    assert.equal(after.number, inv.number);
    assert.match(after.creditNote.number, /C\d{4}-\d{4,}$/);
    const link = p.getByRole("link", { name: t(lang, "admin_invoice.credit_note_pdf", { number: after.creditNote.number }) });
    // Fetched from the page (Node does not resolve *.localhost; the browser does).
    const pdf = await p.evaluate(async (href) => {
      const r = await fetch(href, { credentials: "same-origin" });
      return { status: r.status, type: r.headers.get("content-type"), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
    }, await link.getAttribute("href"));
    assert.deepEqual(pdf, { status: 200, type: "application/pdf", head: "%PDF-" });
    // Bill again: the charge is back on the member's next invoice.
    const charges = (await api(p, `/api/v1/members/${inv.userId}/charges`)).body.items;
    assert.deepEqual(charges.map((c) => c.invoiceId), [null]);
  }, { page });

  step("a partial payment on the third invoice, for the screenshots", async () => {
    const res = await api(owner.page, `/api/v1/invoices/${issued.partial.id}/payments`, "POST", { amount: money(5000), method: "bank_transfer", note: "Transfer 2026-118" });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }, { page });
});

eachViewport("Admin invoice page screenshots", ({ tag, width, options, step }) => {
  let opened;
  before(async () => {
    opened = await openPage(options, { as: DEMO.owner });
  });
  after(() => opened?.context.close());
  for (const l of ["fr", "en"]) {
    step.shot(() => opened?.page, { url: () => `${tenant}/admin/invoices/${issued.partial.id}?lang=${l}`, file: `admin-invoice-${l}-${tag}.png`, lang: l, width, expectText: t(l, "admin_invoice.record") });
  }
  step.shot(() => opened?.page, { url: () => `${tenant}/admin/invoices/${issued.voided.id}?lang=en`, file: `admin-invoice-void-en-${tag}.png`, lang: "en", width, expectText: t("en", "admin_invoice.status.void") });
});
