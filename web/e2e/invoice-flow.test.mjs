// Issue 15's whole story in the browser, through the pages a community's admin and a member use:
//   - the owner fills the billing settings (seller, address, IBAN, BIC) on /admin/invoices/settings,
//     puts a new member on a monthly plan on /admin/memberships and adds a one-off charge on
//     /admin/invoices/charges;
//   - the development clock runs to an invoice day (the fifth from today: the files before this
//     one ran the first three, and a community's run of a day happens once);
//   - the member sees the invoice on /membership with the next invoice's preview and downloads the
//     PDF; the PDF's first page is rendered to PNG with pdftoppm;
//   - the owner records the payment on /admin/invoices/{id}; the member's dashboard no longer lists
//     the invoice as unpaid;
//   - screenshots of /membership (invoices and preview) and /admin/invoices in French and English,
//     at 1280x800 and 360x740, and of the PDF's first page.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { DEMO, eachViewport, field, LANGS, mainText, openPage, pageApi as api, postJson, SHOTS, sidOf, steps, t, tenant, uniqueSuffix } from "./harness.mjs";

const suffix = uniqueSuffix(3);
const PLAN = { name: `Flow ${suffix}`, price: 12000 };
const CHARGE = { description: `Meeting room ${suffix}`, amount: "35.50" };
const SELLER = { name: `Atelier Commun ${suffix}`, address: "12 rue des Lilas\n75011 Paris", iban: "FR76 3000 6000 0112 3456 7890 189", bic: "AGRIFRPP" };
const person = { name: `Łukasz Őry-Ærø Ștefan ${suffix}`, email: `flow-${suffix}@example.org`, password: `flow-pass-${suffix}-Xy!` };

const dayIn = (ms, timeZone) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
/** The `n`th invoice day strictly after `today` (YYYY-MM-DD). */
function invoiceDayAhead(today, invoiceDay, n) {
  const [y, m, d] = today.split("-").map(Number);
  const month = (d < invoiceDay ? m - 1 : m) + n - 1; // zero-based
  return new Date(Date.UTC(y, month, invoiceDay)).toISOString().slice(0, 10);
}

let memberSid = null;
let invoice = null;

describe("Invoices end to end: billing, plan, charge, the invoice day, the member's invoice and PDF, the payment (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  let owner, member, saved, userId;
  before(async () => {
    owner = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    await owner.page.goto(`${tenant}/admin?lang=${lang}`);
    saved = (await api(owner.page, "/api/v1/billing/settings")).body;
  });
  after(async () => {
    // The seller as it was, for whatever runs after this file.
    if (saved) await api(owner.page, "/api/v1/billing/settings", "PATCH", { seller: saved.seller }).catch(() => {});
    await owner?.context.close();
    await member?.context.close();
  });

  step("the owner fills the billing settings on /admin/invoices/settings", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/invoices/settings?lang=${lang}`);
    await field(p, t(lang, "billing.field.seller_name")).fill(SELLER.name);
    await field(p, t(lang, "billing.field.seller_address")).fill(SELLER.address);
    await p.locator("#field-iban").fill(SELLER.iban);
    await p.locator("#field-bic").fill(SELLER.bic);
    await Promise.all([p.waitForURL((u) => u.searchParams.get("done") === "saved"), p.getByRole("button", { name: t(lang, "billing.save") }).click()]);
    const now = (await api(p, "/api/v1/billing/settings")).body;
    assert.equal(now.seller.name, SELLER.name);
    assert.equal(now.seller.iban.replace(/\s/g, ""), SELLER.iban.replace(/\s/g, ""));
  });

  step("the owner puts a new member on a monthly plan on /admin/memberships", async () => {
    const p = owner.page;
    const plan = await api(p, "/api/v1/plans", "POST", { name: PLAN.name, price: { amount: PLAN.price, currency: saved.currency }, intervalMonths: 1, taxRate: 20 });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    const signup = await postJson("/api/v1/auth/signup", { name: person.name, email: person.email, password: person.password });
    assert.equal(signup.status, 201, signup.body.slice(0, 300));
    memberSid = sidOf(signup);
    userId = JSON.parse(signup.body).user.id;
    await p.goto(`${tenant}/admin/memberships?lang=${lang}`);
    await p.locator("summary", { hasText: t(lang, "admin.memberships.assign_button") }).click();
    await field(p, t(lang, "admin.memberships.assign_email")).fill(person.email);
    await p.locator("#field-planId").selectOption(plan.body.plan.id);
    await p.getByRole("button", { name: t(lang, "admin.memberships.assign_submit") }).click();
    await p.waitForLoadState("load");
    const held = (await api(p, "/api/v1/memberships?limit=100")).body.items ?? [];
    assert(held.some((m) => m.member.id === userId && m.status === "active"), `no active membership: ${JSON.stringify(held).slice(0, 500)}`);
  });

  step("the owner adds a one-off charge on /admin/invoices/charges", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/invoices/charges?lang=${lang}`);
    await field(p, t(lang, "admin.charges.field_email")).fill(person.email);
    await field(p, t(lang, "admin.charges.field_description")).fill(CHARGE.description);
    await field(p, t(lang, "admin.charges.field_amount")).fill(CHARGE.amount);
    await Promise.all([p.waitForURL((u) => u.searchParams.get("done") === "added"), p.getByRole("button", { name: t(lang, "admin.charges.add_submit") }).click()]);
    assert((await mainText(p)).includes(CHARGE.description));
  });

  step("the clock runs to the invoice day: the member has one invoice with the plan and the charge", async () => {
    const day = invoiceDayAhead(dayIn(Date.now(), DEMO.timezone), saved.invoiceDay, 5);
    const tick = await postJson("/api/v1/dev/scheduled", { at: `${day}T09:00:00Z` });
    assert.equal(tick.status, 200, tick.body.slice(0, 300));
    member = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { sid: memberSid });
    await member.page.goto(`${tenant}/?lang=${lang}`);
    const mine = (await api(member.page, "/api/v1/me/invoices")).body.items;
    assert.equal(mine.length, 1, JSON.stringify(mine));
    invoice = mine[0];
    assert.equal(invoice.issuedOn, day);
    assert(invoice.lines.some((l) => l.description === CHARGE.description && l.amount.amount === 3550), JSON.stringify(invoice.lines));
    assert(invoice.lines.some((l) => l.description.includes(PLAN.name)), JSON.stringify(invoice.lines));
    assert.equal(invoice.seller.name, SELLER.name);
    assert.equal(invoice.buyer.name, person.name);
  });

  step("the member sees it on /membership beside the next invoice's preview, and on the dashboard as unpaid", async () => {
    const p = member.page;
    await p.goto(`${tenant}/membership?lang=${lang}`);
    const text = await mainText(p);
    for (const s of [invoice.number, t(lang, "member_invoices.next_title")]) assert(text.includes(s), `/membership lacks "${s}"`);
    await p.goto(`${tenant}/?lang=${lang}`);
    assert((await p.locator(".dashboard-invoices-card").innerText()).includes(invoice.number));
  });

  step("the member downloads the PDF; its first page is rendered to PNG with pdftoppm", async () => {
    const p = member.page;
    await p.goto(`${tenant}/membership/invoices/${invoice.id}?lang=${lang}`);
    const href = await p.getByRole("link", { name: t(lang, "member_invoices.download") }).getAttribute("href");
    const pdf = await p.evaluate(async (path) => {
      const res = await fetch(path, { credentials: "same-origin" });
      return { status: res.status, type: res.headers.get("content-type"), bytes: Array.from(new Uint8Array(await res.arrayBuffer())) };
    }, href);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.type, "application/pdf");
    const bytes = Buffer.from(pdf.bytes);
    assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");
    const dir = mkdtempSync(join(tmpdir(), "invoice-pdf-"));
    try {
      const file = join(dir, "invoice.pdf");
      writeFileSync(file, bytes);
      const png = join(SHOTS, "invoice-pdf-page1");
      execFileSync("pdftoppm", ["-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", file, png]);
      assert(existsSync(`${png}.png`) && statSync(`${png}.png`).size > 10_000, "pdftoppm wrote no page image");
      // The text layer carries the buyer's name in full (a Unicode font is embedded).
      const text = execFileSync("pdftotext", ["-f", "1", "-l", "1", file, "-"], { encoding: "utf8" });
      for (const s of [invoice.number, person.name, SELLER.name, "FR76 3000 6000 0112 3456 7890 189"]) assert(text.includes(s), `the PDF's text lacks "${s}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  step("the owner records the payment on /admin/invoices/{id}; the dashboard no longer lists the invoice", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/invoices/${invoice.id}?lang=${lang}`);
    await p.locator("#field-method").selectOption("bank_transfer");
    await Promise.all([p.waitForURL((u) => u.searchParams.get("done") === "paid"), p.getByRole("button", { name: t(lang, "admin_invoice.record_submit") }).click()]);
    const after = (await api(p, `/api/v1/invoices/${invoice.id}`)).body;
    assert.equal(after.status, "paid");
    assert.equal(after.balance.amount, 0);
    const m = member.page;
    await m.goto(`${tenant}/?lang=${lang}`);
    assert.equal(await m.locator(".dashboard-invoices-card").count(), 0, "the dashboard still lists an unpaid invoice");
    assert.deepEqual((await api(m, "/api/v1/me/dashboard")).body.unpaidInvoices, []);
  });
});

eachViewport("Invoices end to end screenshots", ({ tag, width, options, step }) => {
  let mine, admin;
  before(async () => {
    mine = memberSid ? await openPage(options, { sid: memberSid }) : null;
    admin = await openPage(options, { as: DEMO.owner });
  });
  after(async () => {
    await mine?.context.close();
    await admin?.context.close();
  });
  for (const lang of LANGS) {
    step.shot(() => mine?.page, { url: () => `${tenant}/membership?lang=${lang}`, file: `invoice-flow-membership-${lang}-${tag}.png`, lang, width, expectText: t(lang, "member_invoices.next_title") });
    step.shot(() => admin?.page, { url: () => `${tenant}/admin/invoices?lang=${lang}`, file: `invoice-flow-admin-invoices-${lang}-${tag}.png`, lang, width, expectText: t(lang, "admin.invoice_list.title") });
  }
});
