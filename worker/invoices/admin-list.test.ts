import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { charges } from "../db/schema";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { seedInvoice } from "../test/invoice-list";
import { uninvoicedCharges } from "./charges";
import { invoicesCsv, invoiceTotals, listInvoices, listInvoicesWithMembers, type InvoiceFilter } from "./invoices";

// The admins' reads over issued invoices (the /admin/invoices page's services): every filter
// narrows the list, the totals cover the whole filtered set (void ones in the count only), the
// CSV export, and the charges waiting for the next invoice.

const eur = (amount: number) => ({ amount, currency: "EUR" });

/**
 * Ada: A1 open and overdue (100.00 + 20 % = 120.00, nothing paid), A2 paid (50.00).
 * Élodie: E1 open, partly paid (30.00 + 21 % = 36.30, 10.00 paid), E2 void (20.00), E3 open, due later (70.00).
 */
async function community() {
  const tenant = await makeTenant();
  const ada = await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
  const elodie = await signUpMember(tenant, "elodie@example.com", "Élodie Dupré");
  const a1 = await seedInvoice(tenant, ada.id, { number: "INV2026-0001", issuedOn: "2026-07-01", dueOn: "2026-07-15", subtotal: 10000, taxRateBp: 2000 });
  const e1 = await seedInvoice(tenant, elodie.id, { number: "INV2026-0002", issuedOn: "2026-07-01", dueOn: "2026-07-15", subtotal: 3000, taxRateBp: 2100, paid: 1000 });
  const a2 = await seedInvoice(tenant, ada.id, { number: "INV2026-0003", issuedOn: "2026-08-01", dueOn: "2026-08-15", subtotal: 5000, paid: 5000, status: "paid" });
  const e2 = await seedInvoice(tenant, elodie.id, { number: "INV2026-0004", issuedOn: "2026-08-01", dueOn: "2026-08-15", subtotal: 2000, status: "void" });
  const e3 = await seedInvoice(tenant, elodie.id, { number: "INV2026-0005", issuedOn: "2026-08-02", dueOn: "2026-08-31", subtotal: 7000 });
  return { tenant, t: tenantDb(env, tenant), ada, elodie, inv: { a1, a2, e1, e2, e3 } };
}

const numbers = async (t: ReturnType<typeof tenantDb>, f: InvoiceFilter) => (await listInvoices(t, { ...f, limit: 50 })).items.map((i) => i.number).sort();

describe("the admins' invoice list", () => {
  it("narrows by status, member, issue days, member name or email (any case or accent) and overdue", async () => {
    const { t, ada, elodie } = await community();
    expect(await numbers(t, {})).toEqual(["INV2026-0001", "INV2026-0002", "INV2026-0003", "INV2026-0004", "INV2026-0005"]);
    expect(await numbers(t, { status: "open" })).toEqual(["INV2026-0001", "INV2026-0002", "INV2026-0005"]);
    expect(await numbers(t, { status: "paid" })).toEqual(["INV2026-0003"]);
    expect(await numbers(t, { status: "void" })).toEqual(["INV2026-0004"]);
    expect(await numbers(t, { userId: ada.id })).toEqual(["INV2026-0001", "INV2026-0003"]);
    expect(await numbers(t, { from: "2026-08-01" })).toEqual(["INV2026-0003", "INV2026-0004", "INV2026-0005"]);
    expect(await numbers(t, { to: "2026-07-31" })).toEqual(["INV2026-0001", "INV2026-0002"]);
    expect(await numbers(t, { from: "2026-08-01", to: "2026-08-01" })).toEqual(["INV2026-0003", "INV2026-0004"]);
    expect(await numbers(t, { q: "ELODIE" })).toEqual(["INV2026-0002", "INV2026-0004", "INV2026-0005"]);
    expect(await numbers(t, { q: "dupré" })).toEqual(["INV2026-0002", "INV2026-0004", "INV2026-0005"]);
    expect(await numbers(t, { q: "ADA@EXAMPLE" })).toEqual(["INV2026-0001", "INV2026-0003"]);
    expect(await numbers(t, { q: "nobody" })).toEqual([]);
    // Overdue on 20 August: open, a balance left, due before that day (E3 is due on the 31st, A2 is paid, E2 void).
    expect(await numbers(t, { overdueOn: "2026-08-20" })).toEqual(["INV2026-0001", "INV2026-0002"]);
    expect(await numbers(t, { overdueOn: "2026-07-15" })).toEqual([]);
    expect(await numbers(t, { overdueOn: "2026-09-01", q: "élodie" })).toEqual(["INV2026-0002", "INV2026-0005"]);
    const rows = (await listInvoicesWithMembers(t, { userId: elodie.id, limit: 1 })).items;
    expect(rows[0]).toMatchObject({ number: "INV2026-0005", member: { id: elodie.id, name: "Élodie Dupré", email: "elodie@example.com" }, balance: eur(7000) });
  });

  it("totals every invoice the filter selects, not one page; a void invoice counts in none of the amounts", async () => {
    const { t, ada } = await community();
    // All: 12000 + 3630 + 5000 + 7000 = 27630 invoiced (E2 void left out), 1000 + 5000 = 6000 paid, 21630 owed.
    expect(await invoiceTotals(t, {}, "EUR")).toEqual({ count: 5, total: eur(27630), paid: eur(6000), balance: eur(21630) });
    expect(await invoiceTotals(t, { status: "void" }, "EUR")).toEqual({ count: 1, total: eur(0), paid: eur(0), balance: eur(0) });
    // Élodie: 3630 + 7000 = 10630, 1000 paid, 9630 owed.
    expect(await invoiceTotals(t, { q: "elodie" }, "EUR")).toEqual({ count: 3, total: eur(10630), paid: eur(1000), balance: eur(9630) });
    // Overdue on 20 August: A1 12000 and E1 3630 (1000 paid) → 15630, 1000, 14630.
    expect(await invoiceTotals(t, { overdueOn: "2026-08-20" }, "EUR")).toEqual({ count: 2, total: eur(15630), paid: eur(1000), balance: eur(14630) });
    expect(await invoiceTotals(t, { userId: ada.id, from: "2026-08-01" }, "EUR")).toEqual({ count: 1, total: eur(5000), paid: eur(5000), balance: eur(0) });
    expect(await invoiceTotals(t, { q: "nobody" }, "EUR")).toEqual({ count: 0, total: eur(0), paid: eur(0), balance: eur(0) });
  });

  it("pages through the filtered set with the cursor, newest day first and by number within a day, the filter kept on every page", async () => {
    const { t } = await community();
    const first = await listInvoices(t, { status: "open", limit: 2 });
    expect(first.items.map((i) => i.number)).toEqual(["INV2026-0005", "INV2026-0002"]);
    const second = await listInvoices(t, { status: "open", limit: 2, cursor: first.nextCursor });
    expect(second.items.map((i) => i.number)).toEqual(["INV2026-0001"]);
    expect(second.nextCursor).toBeNull();
  });

  it("orders one day's invoices by number, a sequence past four digits after 9999, across pages", async () => {
    const tenant = await makeTenant();
    const ada = await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
    for (const number of ["INV2026-9998", "INV2026-10000", "INV2026-9999", "INV2026-10001"]) await seedInvoice(tenant, ada.id, { number, issuedOn: "2026-12-01", subtotal: 100 });
    await seedInvoice(tenant, ada.id, { number: "INV2026-9997", issuedOn: "2026-11-01", subtotal: 100 });
    const t = tenantDb(env, tenant);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listInvoices>> = await listInvoices(t, { limit: 2, cursor });
      seen.push(...page.items.map((i) => i.number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["INV2026-10001", "INV2026-10000", "INV2026-9999", "INV2026-9998", "INV2026-9997"]);
    expect((await invoicesCsv(t, {})).split("\r\n").slice(1, 6).map((l) => l.split(",")[0])).toEqual(seen);
  });

  it("keeps GET /api/v1/invoices to the contract's filters: a member search is not one of them", async () => {
    const { tenant, ada } = await community();
    const list = async (q: string) =>
      ((await (await call(tenant.host, "GET", `/api/v1/invoices${q}`, { cookie: tenant.owner.cookie })).json()) as { items: { number: string }[] }).items.map((i) => i.number).sort();
    expect(await list(`?userId=${ada.id}&status=open`)).toEqual(["INV2026-0001"]);
    expect(await list("?from=2026-08-02&to=2026-08-31")).toEqual(["INV2026-0005"]);
    expect(await list("?q=elodie")).toHaveLength(5);
  });
});

describe("the invoices' CSV export", () => {
  it("lists the filtered invoices with decimal amounts, a void balance of 0, and defuses a name that reads as a formula", async () => {
    const { tenant, t, elodie } = await community();
    const evil = await signUpMember(tenant, "evil@example.com", "=HYPERLINK(\"http://x\")");
    await seedInvoice(tenant, evil.id, { number: "INV2026-0006", issuedOn: "2026-08-03", subtotal: 123456, taxRateBp: 550 });
    const csv = await invoicesCsv(t, {});
    const lines = csv.replace(/^\ufeff/, "").split("\r\n");
    expect(lines[0]).toBe("number,member,email,issued,due,currency,subtotal,tax,total,paid,balance,status");
    expect(lines).toHaveLength(8); // header, 6 invoices, the final line break
    // 1234.56 + 5.5 % = 67.9008 → 67.90; the name's "=" is neutralised and the cell quoted.
    expect(lines[1]).toBe(`INV2026-0006,"'=HYPERLINK(""http://x"")",evil@example.com,2026-08-03,2026-08-03,EUR,1234.56,67.90,1302.46,0.00,1302.46,open`);
    expect(lines).toContain("INV2026-0004,Élodie Dupré,elodie@example.com,2026-08-01,2026-08-15,EUR,20.00,0.00,20.00,0.00,0.00,void");
    expect(lines).toContain("INV2026-0002,Élodie Dupré,elodie@example.com,2026-07-01,2026-07-15,EUR,30.00,6.30,36.30,10.00,26.30,open");
    const filtered = (await invoicesCsv(t, { userId: elodie.id, status: "open" })).split("\r\n").filter(Boolean);
    expect(filtered.map((l) => l.split(",")[0])).toEqual(["\ufeffnumber", "INV2026-0005", "INV2026-0002"]);
  });
});

describe("charges waiting for an invoice", () => {
  it("lists every member's uninvoiced charges (or one member's), newest first, a page at a time, without the invoiced ones", async () => {
    const tenant: TestTenant = await makeTenant();
    const ada = await signUpMember(tenant, "ada@example.com", "Ada Lovelace");
    const bob = await signUpMember(tenant, "bob@example.com", "Bob");
    const add = async (userId: string, description: string, amount: number) => {
      const res = await call(tenant.host, "POST", `/api/v1/members/${userId}/charges`, { cookie: tenant.owner.cookie, json: { description, amount: eur(amount) } });
      expect(res.status).toBe(201);
      return ((await res.json()) as { charge: { id: string } }).charge.id;
    };
    const locker = await add(ada.id, "Locker", 1500);
    await add(bob.id, "Printing", 300);
    await add(ada.id, "Coffee", 250);
    await directoryDb(env).update(charges).set({ invoiceId: "some-invoice" }).where(eq(charges.id, locker));
    const t = tenantDb(env, tenant);
    const all = await uninvoicedCharges(t, { limit: 10 });
    expect(all.items.map((c) => [c.description, c.member.name, c.amount.amount])).toEqual([
      ["Coffee", "Ada Lovelace", 250],
      ["Printing", "Bob", 300],
    ]);
    expect((await uninvoicedCharges(t, { userId: ada.id, limit: 10 })).items.map((c) => c.description)).toEqual(["Coffee"]);
    const first = await uninvoicedCharges(t, { limit: 1 });
    expect(first.items.map((c) => c.description)).toEqual(["Coffee"]);
    const next = await uninvoicedCharges(t, { limit: 1, cursor: first.nextCursor });
    expect(next.items.map((c) => c.description)).toEqual(["Printing"]);
    expect(next.nextCursor).toBeNull();
  });
});
