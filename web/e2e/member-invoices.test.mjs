// The member's invoices, in the browser (issue 15):
//   - the owner (through the API) sets the community's bank details, adds a plan and puts a new
//     member on it, adds a one-off charge, and runs the development clock to an invoice day (the third from today);
//   - the member sees the invoice on /membership (number, total, status, PDF link) and the
//     unpaid invoice on the dashboard with a "Pay" link, opens the invoice there, reads the bank
//     details and the EPC QR code, and downloads the PDF (application/pdf, starting %PDF);
//   - screenshots of /membership, /membership/invoices/{id} and / in French and English, at
//     1280x800 and 360x740;
//   - the bank details are put back as they were, for the files after this one.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, eachViewport, LANGS, mainText, openPage, pageApi as api, postJson, sidOf, steps, t, tenant, uniqueSuffix } from "./harness.mjs";

const suffix = uniqueSuffix(3);
const PLAN = { name: `Atelier ${suffix}`, price: 9000 };
const CHARGE = { description: `Locker key ${suffix}`, amount: 1500 };
const IBAN = "FR7630006000011234567890189";
const person = { name: `Iris Invoice ${suffix}`, email: `iris-${suffix}@example.org`, password: `iris-pass-${suffix}-Xy!` };

/** YYYY-MM-DD of `ms` in the community's timezone. */
const dayIn = (ms, timeZone) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
/**
 * The invoice day this file runs the clock to: the third one strictly after `today`
 * (YYYY-MM-DD), so that a file testing the next invoice day still finds that day's run to do
 * (a community's run of a day happens once).
 */
function invoiceDayAhead(today, invoiceDay) {
  const [y, m, d] = today.split("-").map(Number);
  const month = (d < invoiceDay ? m - 1 : m) + 2; // zero-based
  return new Date(Date.UTC(y, month, invoiceDay)).toISOString().slice(0, 10);
}

let memberSid = null;
let invoiceId = null;

describe("Member invoices: billed on the invoice day, seen on /membership and the dashboard, opened, PDF (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  let owner, member, savedSeller, invoice;
  before(async () => {
    owner = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    await owner.page.goto(`${tenant}/admin?lang=${lang}`);
  });
  after(async () => {
    if (savedSeller) await api(owner.page, "/api/v1/billing/settings", "PATCH", { seller: savedSeller }).catch(() => {});
    await owner?.context.close();
    await member?.context.close();
  });

  step("the owner sets bank details, a plan, a new member on it and a charge, then runs the clock to the invoice day", async () => {
    const p = owner.page;
    const settings = (await api(p, "/api/v1/billing/settings")).body;
    savedSeller = { iban: settings.seller.iban ?? "", bic: settings.seller.bic ?? "" };
    const patched = await api(p, "/api/v1/billing/settings", "PATCH", { seller: { iban: IBAN, bic: "BNPAFRPP" } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const plan = await api(p, "/api/v1/plans", "POST", { name: PLAN.name, price: { amount: PLAN.price, currency: settings.currency }, intervalMonths: 1, taxRate: 20 });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    const signup = await postJson("/api/v1/auth/signup", { name: person.name, email: person.email, password: person.password });
    assert.equal(signup.status, 201, signup.body.slice(0, 300));
    memberSid = sidOf(signup);
    const userId = JSON.parse(signup.body).user.id;
    const m = await api(p, "/api/v1/memberships", "POST", { userId, planId: plan.body.plan.id });
    assert.equal(m.status, 201, JSON.stringify(m.body));
    const c = await api(p, `/api/v1/members/${userId}/charges`, "POST", { description: CHARGE.description, amount: { amount: CHARGE.amount, currency: settings.currency } });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const day = invoiceDayAhead(dayIn(Date.now(), DEMO.timezone), settings.invoiceDay);
    const tick = await postJson("/api/v1/dev/scheduled", { at: `${day}T09:00:00Z` });
    assert.equal(tick.status, 200, tick.body.slice(0, 300));
    member = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { sid: memberSid });
    await member.page.goto(`${tenant}/?lang=${lang}`);
    const mine = await api(member.page, "/api/v1/me/invoices");
    assert.equal(mine.status, 200);
    assert.equal(mine.body.items.length, 1, JSON.stringify(mine.body));
    invoice = mine.body.items[0];
    invoiceId = invoice.id;
    assert.equal(invoice.issuedOn, day);
    assert(invoice.lines.some((l) => l.description === CHARGE.description));
  });

  step("the member sees the invoice on /membership: number, total, status, PDF link", async () => {
    const p = member.page;
    await p.goto(`${tenant}/membership?lang=${lang}`);
    const row = p.locator("tr.member-invoice", { hasText: invoice.number });
    await row.waitFor();
    const text = (await row.innerText()).replace(/\s+/g, " ");
    const total = new Intl.NumberFormat("en", { style: "currency", currency: invoice.total.currency }).format(invoice.total.amount / 100);
    assert(text.includes(total), `row "${text}" lacks ${total}`);
    assert(text.includes(t(lang, "member_invoices.status.open")), text);
    assert.equal(await row.getByRole("link", { name: t(lang, "member_invoices.pdf_label", { number: invoice.number }) }).getAttribute("href"), `/api/v1/invoices/${invoice.id}/pdf`);
  });

  step("the dashboard lists it under unpaid invoices; its Pay link opens the invoice with the bank details and the QR code", async () => {
    const p = member.page;
    await p.goto(`${tenant}/?lang=${lang}`);
    const card = p.locator(".dashboard-invoices-card");
    assert((await card.innerText()).includes(invoice.number));
    await Promise.all([p.waitForURL((u) => u.pathname === `/membership/invoices/${invoice.id}`), card.getByRole("link", { name: t(lang, "dashboard.invoice_pay_label", { number: invoice.number }) }).click()]);
    const text = await mainText(p);
    for (const s of [t(lang, "member_invoices.page_title", { number: invoice.number }), PLAN.name, CHARGE.description, "FR76 3000 6000 0112 3456 7890 189", "BNPAFRPP", person.name]) assert(text.includes(s), `invoice page lacks "${s}"`);
    assert.equal(await p.locator(".invoice-qr-code svg").count(), 1, "no EPC QR code");
  });

  step("the member downloads the PDF from the invoice page: application/pdf, starting %PDF", async () => {
    const p = member.page;
    const href = await p.getByRole("link", { name: t(lang, "member_invoices.download") }).getAttribute("href");
    assert.equal(href, `/api/v1/invoices/${invoice.id}/pdf`);
    const pdf = await p.evaluate(async (path) => {
      const res = await fetch(path, { credentials: "same-origin" });
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, type: res.headers.get("content-type"), head: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length };
    }, href);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.type, "application/pdf");
    assert.equal(pdf.head, "%PDF-");
    assert(pdf.size > 1000, `a PDF of ${pdf.size} bytes`);
  });
});

eachViewport("Member invoices screenshots", ({ tag, width, options, step }) => {
  let opened;
  before(async () => {
    opened = memberSid ? await openPage(options, { sid: memberSid }) : null;
  });
  after(() => opened?.context.close());
  for (const lang of LANGS) {
    step.shot(() => opened?.page, { url: () => `${tenant}/membership?lang=${lang}`, file: `member-invoices-membership-${lang}-${tag}.png`, lang, width, expectText: t(lang, "member_invoices.next_title") });
    step.shot(() => opened?.page, { url: () => `${tenant}/membership/invoices/${invoiceId}?lang=${lang}`, file: `member-invoice-${lang}-${tag}.png`, lang, width, expectText: t(lang, "member_invoices.pay_title") });
    step.shot(() => opened?.page, { url: () => `${tenant}/?lang=${lang}`, file: `member-invoices-dashboard-${lang}-${tag}.png`, lang, width, expectText: t(lang, "dashboard.invoices_title") });
  }
});
