import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { charges } from "../db/schema";
import { call, getPage, makeTenant, postForm, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { seedInvoice } from "../test/invoice-list";

// /admin/invoices (the invoices with filters kept in the URL, the totals of the whole filtered
// set, the CSV export) and /admin/invoices/charges (one-off charges), for owners and admins.

const text = async (res: Response) => ({ status: res.status, html: await res.text() });
const page = async (tenant: TestTenant, path: string, cookie = tenant.owner.cookie) => text(await getPage(tenant, path, cookie));
/** The invoice numbers a page lists, in order. */
const numbersIn = (html: string) => [...html.matchAll(/class="invoice-number" href="\/admin\/invoices\/[a-z0-9]+">([^<]+)</g)].map((m) => m[1]);
/** The figure under a total's title ("Invoiced", "Paid"…). */
const stat = (html: string, title: string) => new RegExp(`<dt>${title}</dt>\\s*<dd>([^<]+)</dd>`).exec(html)?.[1];

/**
 * Ada: A1 open, long overdue (100.00 + 20 % = 120.00), A2 paid (50.00).
 * Élodie: E1 open, partly paid, overdue (30.00 + 21 % = 36.30, 10.00 paid), E2 void (20.00), E3 open, due in 2099 (70.00).
 */
async function community() {
  const tenant = await makeTenant({ name: "Atelier" });
  const ada = await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
  const elodie = await signUpMember(tenant, "elodie@example.com", "Élodie Dupré");
  const inv = {
    a1: await seedInvoice(tenant, ada.id, { number: "INV2026-0001", issuedOn: "2026-07-01", dueOn: "2026-07-15", subtotal: 10000, taxRateBp: 2000 }),
    e1: await seedInvoice(tenant, elodie.id, { number: "INV2026-0002", issuedOn: "2026-07-02", dueOn: "2026-07-16", subtotal: 3000, taxRateBp: 2100, paid: 1000 }),
    a2: await seedInvoice(tenant, ada.id, { number: "INV2026-0003", issuedOn: "2026-08-01", dueOn: "2026-08-15", subtotal: 5000, paid: 5000, status: "paid" }),
    e2: await seedInvoice(tenant, elodie.id, { number: "INV2026-0004", issuedOn: "2026-08-02", dueOn: "2026-08-16", subtotal: 2000, status: "void" }),
    e3: await seedInvoice(tenant, elodie.id, { number: "INV2026-0005", issuedOn: "2026-08-03", dueOn: "2099-08-31", subtotal: 7000 }),
  };
  return { tenant, ada, elodie, inv };
}

describe("/admin/invoices", () => {
  it("lists every invoice, newest first, each row linking to its page and PDF, with the totals of all of them; the navigation's Invoices is here", async () => {
    const { tenant, inv } = await community();
    const { status, html } = await page(tenant, "/admin/invoices?lang=en");
    expect(status).toBe(200);
    expect(numbersIn(html)).toEqual(["INV2026-0005", "INV2026-0004", "INV2026-0003", "INV2026-0002", "INV2026-0001"]);
    expect(html).toMatch(/class="admin-nav-link is-active" href="\/admin\/invoices" aria-current="page"/);
    expect(html).toContain(`href="/admin/invoices/${inv.a1.id}"`);
    expect(html).toContain(`href="/api/v1/invoices/${inv.a1.id}/pdf"`);
    expect(html).toContain('href="/admin/invoices/settings"'); // the settings tab
    expect(html).toContain('href="/admin/invoices/charges"');
    // 12000 + 3630 + 5000 + 7000 = 27630 invoiced (the void 2000 left out), 1000 + 5000 = 6000 paid, 21630 outstanding.
    expect(stat(html, "Invoices")).toBe("5");
    expect(stat(html, "Invoiced")).toBe("€276.30");
    expect(stat(html, "Paid")).toBe("€60.00");
    expect(stat(html, "Outstanding")).toBe("€216.30");
    // A1 and E1 are past their due day with a balance: overdue; E3 is open; A2 paid; E2 void.
    expect(html).toMatch(/INV2026-0001<\/a>[\s\S]*?badge-danger">Overdue</);
    expect(html).toMatch(/INV2026-0005<\/a>[\s\S]*?badge-info">Open</);
    expect(html).toMatch(/INV2026-0004<\/a>[\s\S]*?badge-quiet">Void</);
    expect(html).toMatch(/INV2026-0002<\/a>[\s\S]*?Élodie Dupré[\s\S]*?elodie@example.com[\s\S]*?€36.30[\s\S]*?€10.00[\s\S]*?€26.30/);
    // The settings page is one tab away and links back.
    const settings = await page(tenant, "/admin/invoices/settings?lang=en");
    expect(settings.html).toMatch(/<a class="tab" href="\/admin\/invoices">Invoices<\/a>/);
  });

  it("narrows the list and its totals by status, overdue, member name or email and issue days, the filters kept in the form", async () => {
    const { tenant } = await community();
    const check = async (query: string, numbers: string[], totals: [string, string, string, string]) => {
      const { status, html } = await page(tenant, `/admin/invoices?lang=en&${query}`);
      expect(status, query).toBe(200);
      expect(numbersIn(html), query).toEqual(numbers);
      expect([stat(html, "Invoices"), stat(html, "Invoiced"), stat(html, "Paid"), stat(html, "Outstanding")], query).toEqual(totals);
      return html;
    };
    await check("status=open", ["INV2026-0005", "INV2026-0002", "INV2026-0001"], ["3", "€226.30", "€10.00", "€216.30"]);
    await check("status=paid", ["INV2026-0003"], ["1", "€50.00", "€50.00", "€0.00"]);
    // A void invoice is counted, its amounts are not.
    await check("status=void", ["INV2026-0004"], ["1", "€0.00", "€0.00", "€0.00"]);
    // Overdue: open, a balance left, due before today (E3 is due in 2099).
    const overdue = await check("status=overdue", ["INV2026-0002", "INV2026-0001"], ["2", "€156.30", "€10.00", "€146.30"]);
    expect(overdue).toMatch(/<option value="overdue" selected/);
    const byName = await check("q=dupre", ["INV2026-0005", "INV2026-0004", "INV2026-0002"], ["3", "€106.30", "€10.00", "€96.30"]);
    expect(byName).toContain('value="dupre"');
    await check("q=ADA%40EXAMPLE", ["INV2026-0003", "INV2026-0001"], ["2", "€170.00", "€50.00", "€120.00"]);
    const byDays = await check("from=2026-07-02&to=2026-08-02", ["INV2026-0004", "INV2026-0003", "INV2026-0002"], ["3", "€86.30", "€60.00", "€26.30"]);
    expect(byDays).toContain('value="2026-07-02"');
    await check("q=elodie&status=open&from=2026-08-01", ["INV2026-0005"], ["1", "€70.00", "€0.00", "€70.00"]);
    const none = await check("q=nobody", [], ["0", "€0.00", "€0.00", "€0.00"]);
    expect(none).toContain("No invoice matches these filters.");
    expect(none).not.toContain("Export as CSV");
    // A date that is not one is said beside its field and not applied.
    const bad = await page(tenant, "/admin/invoices?lang=en&from=2026-13-45");
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="field-from-error"[^>]*>Enter a date as YYYY-MM-DD./);
    expect(numbersIn(bad.html)).toHaveLength(5);
  });

  it("pages with the cursor and keeps every filter in the page links and in the CSV link", async () => {
    const tenant = await makeTenant();
    const zoe = await signUpMember(tenant, "zoe@example.com", "Zoé Martin");
    const other = await signUpMember(tenant, "other@example.com", "Other");
    for (let i = 1; i <= 53; i++) await seedInvoice(tenant, zoe.id, { number: `INV2026-${String(i).padStart(4, "0")}`, issuedOn: `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, "0")}`, subtotal: 1000 });
    await seedInvoice(tenant, other.id, { number: "INV2026-9999", issuedOn: "2026-05-05", subtotal: 1000 });
    const first = await page(tenant, "/admin/invoices?lang=en&q=zoe&status=open&from=2026-01-01");
    expect(numbersIn(first.html)).toHaveLength(50);
    expect(stat(first.html, "Invoices")).toBe("53"); // the totals cover every page
    expect(stat(first.html, "Invoiced")).toBe("€530.00");
    const next = /class="btn btn-secondary btn-sm pager-next" href="([^"]+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toMatch(/^\/admin\/invoices\?status=open&q=zoe&from=2026-01-01&cursor=c1\./);
    expect(first.html).toContain('href="/admin/invoices.csv?status=open&amp;q=zoe&amp;from=2026-01-01"');
    const second = await page(tenant, `${next!}&lang=en`);
    expect(second.status).toBe(200);
    expect(numbersIn(second.html)).toHaveLength(3);
    expect(second.html).not.toContain("INV2026-9999");
    expect(second.html).not.toContain("pager-next");
    expect(second.html).toContain('href="/admin/invoices?status=open&amp;q=zoe&amp;from=2026-01-01">First page');
    expect(new Set([...numbersIn(first.html), ...numbersIn(second.html)]).size).toBe(53);
  });

  it("exports the filtered invoices as CSV: decimal amounts, a void balance of 0, a formula in a name defused", async () => {
    const { tenant, ada } = await community();
    const evil = await signUpMember(tenant, "evil@example.com", "@SUM(1+1)");
    await seedInvoice(tenant, evil.id, { number: "INV2026-0006", issuedOn: "2026-08-04", dueOn: "2026-08-18", subtotal: 4990, taxRateBp: 550 });
    const res = await getPage(tenant, "/admin/invoices.csv", tenant.owner.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="[a-z0-9]+-invoices\.csv"$/);
    const lines = (await res.text()).replace(/^\ufeff/, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe("number,member,email,issued,due,currency,subtotal,tax,total,paid,balance,status");
    // 49.90 + 5.5 % = 2.7445 → 2.74 (half-up on the cent).
    expect(lines[1]).toBe("INV2026-0006,'@SUM(1+1),evil@example.com,2026-08-04,2026-08-18,EUR,49.90,2.74,52.64,0.00,52.64,open");
    expect(lines).toContain("INV2026-0004,Élodie Dupré,elodie@example.com,2026-08-02,2026-08-16,EUR,20.00,0.00,20.00,0.00,0.00,void");
    expect(lines).toHaveLength(7);
    const filtered = await getPage(tenant, `/admin/invoices.csv?q=ada&status=open&from=2026-07-01&to=2026-07-31`, tenant.owner.cookie);
    expect(filtered.headers.get("content-disposition")).toMatch(/-invoices-2026-07-01-2026-07-31\.csv"$/);
    expect((await filtered.text()).replace(/^\ufeff/, "").trimEnd().split("\r\n").slice(1)).toEqual(["INV2026-0001,Ada Lovelace,ada@example.com,2026-07-01,2026-07-15,EUR,100.00,20.00,120.00,0.00,120.00,open"]);
    expect(ada.id).toBeTruthy();
  });

  it("is for owners and admins: a member gets 403, a visitor logs in first, an admin viewing as a member gets 403 without any admin control", async () => {
    const { tenant } = await community();
    const member = await signUpMember(tenant, "plain@example.com", "Plain");
    const admin = await signUpMember(tenant, "admin@example.com", "Admin");
    await setTenantRole(tenant, admin.id, "admin");
    expect((await page(tenant, "/admin/invoices?lang=en", admin.cookie)).status).toBe(200);
    for (const path of ["/admin/invoices", "/admin/invoices.csv", "/admin/invoices/charges"]) {
      const refused = await page(tenant, path, member.cookie);
      expect(refused.status, path).toBe(403);
      expect(refused.html).not.toContain("INV2026-0001");
      const out = await call(tenant.host, "GET", path);
      expect(out.status, path).toBe(303);
      expect(out.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
      const viewing = await page(tenant, path, `${tenant.owner.cookie}; view_as=member`);
      expect(viewing.status, path).toBe(403);
      expect(viewing.html).not.toContain("INV2026-0001");
      expect(viewing.html).not.toContain('action="/admin/invoices/charges"');
      expect(viewing.html).not.toContain('href="/admin/invoices"');
    }
    expect((await postForm(tenant, "/admin/invoices/charges", member.cookie, { email: "plain@example.com", description: "x", amount: "1" })).status).toBe(403);
    expect((await postForm(tenant, "/admin/invoices/charges", `${tenant.owner.cookie}; view_as=member`, { email: "plain@example.com", description: "x", amount: "1" })).status).toBe(403);
  });

  it("speaks French and Dutch", async () => {
    const { tenant } = await community();
    const fr = await page(tenant, "/admin/invoices?lang=fr&status=overdue");
    expect(fr.html).toContain('<h1 class="page-title">Factures</h1>');
    expect(stat(fr.html, "Facturé")).toBe("156,30\u00a0€");
    expect(fr.html).toContain("En retard");
    expect(fr.html).toContain("Exporter en CSV");
    const nl = await page(tenant, "/admin/invoices?lang=nl");
    expect(nl.html).toContain("Openstaand");
    expect(nl.html).toContain("Achterstallig");
  });
});

describe("/admin/invoices/charges", () => {
  it("adds a charge for a member by email with the default tax rate, lists it on their page, and removes it", async () => {
    const tenant = await makeTenant();
    const patched = await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { defaultTaxRate: 5.5 } });
    expect(patched.status).toBe(200);
    const ada = await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
    const form = await page(tenant, "/admin/invoices/charges?lang=fr");
    expect(form.status).toBe(200);
    expect(form.html).toMatch(/name="taxRate"[^>]*value="5,5"|value="5,5"[^>]*name="taxRate"/);
    expect(form.html).toContain("Aucuns frais n’attendent de facture.");

    const added = await postForm(tenant, "/admin/invoices/charges?lang=fr", tenant.owner.cookie, { email: "ADA@example.com", description: "Clé de casier", amount: "15,50", taxRate: "" });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe(`/admin/invoices/charges?member=${ada.id}&done=added`);
    const api = (await (await call(tenant.host, "GET", `/api/v1/members/${ada.id}/charges`, { cookie: tenant.owner.cookie })).json()) as { items: { id: string; description: string; amount: { amount: number }; taxRate: number }[] };
    expect(api.items).toMatchObject([{ description: "Clé de casier", amount: { amount: 1550 }, taxRate: 5.5 }]);
    await postForm(tenant, "/admin/invoices/charges", tenant.owner.cookie, { email: "ada@example.com", description: "Printing", amount: "3", taxRate: "20" });

    const theirs = await page(tenant, `/admin/invoices/charges?member=${ada.id}&done=added&lang=fr`);
    expect(theirs.html).toContain("Frais ajoutés\u202f: ils figureront sur la prochaine facture du membre.");
    expect(theirs.html).toContain("En attente de la prochaine facture de Ada Lovelace");
    expect(theirs.html).toContain('value="ada@example.com"'); // the form is for them
    expect(theirs.html).toContain("Clé de casier");
    expect(theirs.html).toContain("15,50\u00a0€");
    expect(theirs.html).toContain("5,5\u00a0%");
    expect(theirs.html).toContain("20\u00a0%");

    const locker = api.items[0]!.id;
    const removed = await postForm(tenant, `/admin/invoices/charges/${locker}/remove`, tenant.owner.cookie, { member: ada.id });
    expect(removed.status).toBe(303);
    expect(removed.headers.get("location")).toBe(`/admin/invoices/charges?member=${ada.id}&done=removed`);
    const after = await page(tenant, `/admin/invoices/charges?member=${ada.id}&lang=en`);
    expect(after.html).not.toContain("Clé de casier");
    expect(after.html).toContain("Printing");
  });

  it("says what is wrong beside each field, keeps what was typed, and adds nothing", async () => {
    const tenant = await makeTenant();
    const ada = await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
    const bad = await postForm(tenant, "/admin/invoices/charges?lang=en", tenant.owner.cookie, { email: "nobody@example.com", description: "", amount: "12.345", taxRate: "101" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toMatch(/id="field-email-error"[^>]*>No member of this community has this email address./);
    expect(html).toMatch(/id="field-description-error"[^>]*>This field is required./);
    expect(html).toMatch(/id="field-amount-error"[^>]*>Enter an amount in EUR/);
    expect(html).toMatch(/id="field-taxRate-error"/);
    expect(html).toContain('value="nobody@example.com"');
    expect(html).toContain('value="12.345"');
    const missing = await postForm(tenant, "/admin/invoices/charges?lang=en", tenant.owner.cookie, { email: "ada@example.com", description: "Locker", amount: "", taxRate: "0" });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toMatch(/id="field-amount-error"[^>]*>This field is required./);
    const zero = await postForm(tenant, "/admin/invoices/charges?lang=en", tenant.owner.cookie, { email: "ada@example.com", description: "Locker", amount: "0", taxRate: "0" });
    expect(zero.status).toBe(422);
    expect(await zero.text()).toMatch(/id="field-amount-error"/);
    const api = (await (await call(tenant.host, "GET", `/api/v1/members/${ada.id}/charges`, { cookie: tenant.owner.cookie })).json()) as { items: unknown[] };
    expect(api.items).toEqual([]);
  });

  it("refuses to remove an invoiced charge (409) or one already gone (404) with a message, and removes nothing", async () => {
    const tenant = await makeTenant();
    const ada = await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
    await postForm(tenant, "/admin/invoices/charges", tenant.owner.cookie, { email: "ada@example.com", description: "Badge", amount: "8", taxRate: "0" });
    const [charge] = await directoryDb(env).select().from(charges).where(eq(charges.userId, ada.id));
    // Claimed by an invoice run meanwhile: still on the page the admin had open.
    await directoryDb(env).update(charges).set({ invoiceId: "an-invoice" }).where(eq(charges.id, charge!.id));
    const invoiced = await postForm(tenant, `/admin/invoices/charges/${charge!.id}/remove?lang=en`, tenant.owner.cookie, { member: ada.id });
    expect(invoiced.status).toBe(409);
    const html = await invoiced.text();
    expect(html).toContain("This charge is already on an issued invoice: it can no longer be removed. Void the invoice instead.");
    expect(html).toContain("Waiting for Ada Lovelace's next invoice"); // the member's page again, without the invoiced charge
    expect(html).not.toContain("Badge");
    expect((await directoryDb(env).select().from(charges).where(eq(charges.id, charge!.id))).length).toBe(1);
    const gone = await postForm(tenant, "/admin/invoices/charges/nosuchcharge/remove?lang=en", tenant.owner.cookie, {});
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain("This charge no longer exists: it was removed already.");
    expect((await page(tenant, "/admin/invoices/charges?member=nobody")).status).toBe(404);
  });

  it("is one link away from a membership's admin page", async () => {
    const tenant = await makeTenant();
    const ada = await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
    const plan = (await (await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Desk", price: { amount: 10000, currency: "EUR" }, intervalMonths: 1 } })).json()) as { plan: { id: string } };
    const m = (await (await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: ada.id, planId: plan.plan.id } })).json()) as { membership: { id: string } };
    const html = (await page(tenant, `/admin/memberships/${m.membership.id}?lang=en`)).html;
    expect(html).toContain(`<a href="/admin/invoices/charges?member=${ada.id}">One-off charges for this member</a>`);
  });

  it("bills the charge added on the page on the next invoice day, and the invoice shows in the list", async () => {
    const tenant = await makeTenant();
    await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
    expect((await postForm(tenant, "/admin/invoices/charges", tenant.owner.cookie, { email: "ada@example.com", description: "Locker", amount: "15", taxRate: "20" })).status).toBe(303);
    expect((await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: "2027-01-01T08:00:00Z" } })).status).toBe(200);
    const list = await page(tenant, "/admin/invoices?lang=en&q=ada");
    expect(numbersIn(list.html)).toEqual(["INV2027-0001"]);
    expect(stat(list.html, "Invoiced")).toBe("€18.00");
    const charges = await page(tenant, "/admin/invoices/charges?lang=en");
    expect(charges.html).toContain("No charge is waiting for an invoice.");
  });
});
