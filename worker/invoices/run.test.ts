import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { charges, invoiceRuns, invoices, outbox, planMemberships } from "../db/schema";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { addDays, dayInTimeZone } from "../memberships/periods";
import { hasIssuedInvoices } from "./invoices";
import { runInvoiceJob } from "./run";

// The invoice run of the scheduled job (API.md "Invoices and payments"): plan periods in
// advance with the prorated first one and the setup fee, charges not yet invoiced, numbers
// without gaps across retries, failures and concurrent runs, one email per invoice.

type Money = { amount: number; currency: string };
type InvoiceBody = { id: string; userId: string; number: string; status: string; issuedOn: string; dueOn: string; buyer: { name: string }; lines: { description: string; quantity: number; unitAmount: Money; taxRate: number; amount: Money }[]; subtotal: Money; taxes: { rate: number; amount: Money }[]; total: Money; paid: Money; balance: Money };
type Page = { items: InvoiceBody[]; nextCursor: string | null };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
const code = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code });

const eur = (amount: number): Money => ({ amount, currency: "EUR" });
const tick = (tenant: TestTenant, iso: string) => call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: iso } });
const newPlan = async (tenant: TestTenant, json: Record<string, unknown>) =>
  (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { intervalMonths: 1, ...json } }), 201)).plan;
const assign = async (tenant: TestTenant, userId: string, planId: string, startsOn: string) =>
  (await ok<{ membership: { id: string } }>(await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId, planId, startsOn } }), 201)).membership;
const charge = (tenant: TestTenant, userId: string, json: Record<string, unknown>) => call(tenant.host, "POST", `/api/v1/members/${userId}/charges`, { cookie: tenant.owner.cookie, json });
const allInvoices = async (tenant: TestTenant, q = "") => ok<Page>(await call(tenant.host, "GET", `/api/v1/invoices?limit=100${q}`, { cookie: tenant.owner.cookie }));
const numbersOf = (items: InvoiceBody[]) => items.map((i) => i.number).sort();

describe("one-off charges", () => {
  it("admins add (201), list and remove (204) a member's charges; members 403; other currencies 422; invoiced ones 409; other tenants 404", async () => {
    const tenant = await makeTenant();
    const other = await makeTenant();
    const member = await signUpMember(tenant, "charges@example.com");
    const added = await ok<{ charge: { id: string; kind: string; amount: Money; taxRate: number; invoiceId: null } }>(await charge(tenant, member.id, { description: "Locker key", amount: eur(1500) }), 201);
    expect(added.charge).toMatchObject({ kind: "one_off", amount: eur(1500), taxRate: 0, invoiceId: null });
    expect(await code(await charge(tenant, member.id, { description: "Dollars", amount: { amount: 100, currency: "USD" } }))).toEqual({ status: 422, code: "currency_mismatch" });
    expect(await code(await charge(tenant, member.id, { description: "", amount: eur(0) }))).toEqual({ status: 422, code: "validation_failed" });
    expect((await call(tenant.host, "POST", `/api/v1/members/${member.id}/charges`, { cookie: member.cookie, json: { description: "x", amount: eur(1) } })).status).toBe(403);
    expect((await call(tenant.host, "POST", `/api/v1/members/${member.id}/charges`, { json: { description: "x", amount: eur(1) } })).status).toBe(401);
    expect((await charge(tenant, "nobody", { description: "x", amount: eur(1) })).status).toBe(404);
    const list = await ok<{ items: { id: string }[] }>(await call(tenant.host, "GET", `/api/v1/members/${member.id}/charges`, { cookie: tenant.owner.cookie }));
    expect(list.items.map((c) => c.id)).toEqual([added.charge.id]);
    expect((await call(other.host, "DELETE", `/api/v1/charges/${added.charge.id}`, { cookie: other.owner.cookie })).status).toBe(404);
    expect((await call(tenant.host, "DELETE", `/api/v1/charges/${added.charge.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "DELETE", `/api/v1/charges/${added.charge.id}`, { cookie: tenant.owner.cookie })).status).toBe(404);

    const kept = (await ok<{ charge: { id: string } }>(await charge(tenant, member.id, { description: "Printing", amount: eur(300), taxRate: 21 }), 201)).charge;
    await ok(await tick(tenant, "2026-07-01T08:00:00Z"));
    expect(await code(await call(tenant.host, "DELETE", `/api/v1/charges/${kept.id}`, { cookie: tenant.owner.cookie }))).toEqual({ status: 409, code: "charge_invoiced" });
  });
});

describe("the invoice run", () => {
  it("bills a plan started on the 17th of a 30-day month: prorated first period, setup fee and the coming period on the next invoice day, tax per line", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "prorated@example.com", "Łukasz Őry", { language: "fr" });
    const plan = await newPlan(tenant, { name: "Desk", price: eur(30000), taxRate: 21, setupFee: eur(5000) });
    await assign(tenant, member.id, plan.id, "2026-06-17");
    await ok(await charge(tenant, member.id, { description: "Coffee card", amount: eur(2500), taxRate: 20 }), 201);

    // Not the invoice day (1st): nothing.
    await ok(await tick(tenant, "2026-06-20T08:00:00Z"));
    expect((await allInvoices(tenant)).items).toEqual([]);

    await ok(await tick(tenant, "2026-07-01T08:00:00Z")); // 10:00 in Paris, July 1st
    const [invoice, ...rest] = (await allInvoices(tenant)).items;
    expect(rest).toEqual([]);
    // June has 30 days; the first period runs 17–30 June: 14 days of 30 → 30000 × 14 / 30 = 14000.
    // Lines: setup 5000 (21 % → 1050), June 17–30 14000 (21 % → 2940), July 30000 (21 % → 6300),
    // coffee 2500 (20 % → 500). Subtotal 5000 + 14000 + 30000 + 2500 = 51500;
    // taxes 20 %: 500, 21 %: 1050 + 2940 + 6300 = 10290; total 51500 + 500 + 10290 = 62290.
    expect(invoice).toMatchObject({
      number: "INV2026-0001",
      status: "open",
      issuedOn: "2026-07-01",
      dueOn: "2026-07-15",
      buyer: { name: "Łukasz Őry" },
      subtotal: eur(51500),
      taxes: [
        { rate: 20, amount: eur(500) },
        { rate: 21, amount: eur(10290) },
      ],
      total: eur(62290),
      paid: eur(0),
      balance: eur(62290),
    });
    expect(invoice!.lines.map((l) => [l.amount.amount, l.taxRate, l.quantity])).toEqual([
      [5000, 21, 1],
      [14000, 21, 1],
      [30000, 21, 1],
      [2500, 20, 1],
    ]);
    expect(invoice!.lines[1]!.description).toBe("Desk\u202f: du 17 juin 2026 au 30 juin 2026");

    // The member's email, in their language, with the number.
    const mails = await directoryDb(env).select().from(outbox).where(and(eq(outbox.tenantId, tenant.id), eq(outbox.to, member.email)));
    const invoiceMails = mails.filter((m) => m.subject.includes("facture"));
    expect(invoiceMails.map((m) => m.subject)).toEqual([expect.stringContaining("facture INV2026-0001")]);
    expect(invoiceMails[0]!.text).toContain("INV2026-0001");

    // The same `now` again: nothing new. The next month: the August period only (30000 + 21 % 6300 = 36300).
    await ok(await tick(tenant, "2026-07-01T08:00:00Z"));
    expect((await allInvoices(tenant)).items).toHaveLength(1);
    await ok(await tick(tenant, "2026-08-01T08:00:00Z"));
    const august = (await allInvoices(tenant, "&from=2026-08-01")).items;
    expect(august.map((i) => [i.number, i.total.amount, i.lines.length])).toEqual([["INV2026-0002", 36300, 1]]);
  });

  it("canceled memberships get a last invoice for charges left, and no period starting after cancelsOn", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "leaving@example.com");
    const plan = await newPlan(tenant, { name: "Flex", price: eur(10000) });
    const m = await assign(tenant, member.id, plan.id, "2026-07-01");
    await ok(await tick(tenant, "2026-07-01T08:00:00Z")); // July: 10000
    // Cancelled in July for July 31 (requests use the real clock, so the row says it directly).
    await directoryDb(env).update(planMemberships).set({ status: "canceling", cancelsOn: "2026-07-31" }).where(eq(planMemberships.id, m.id));
    await ok(await charge(tenant, member.id, { description: "Late booking", amount: eur(1200) }), 201);
    await ok(await tick(tenant, "2026-08-01T08:00:00Z"));
    const items = (await allInvoices(tenant)).items.sort((a, b) => a.number.localeCompare(b.number));
    expect(items.map((i) => [i.number, i.total.amount, i.lines.length])).toEqual([
      ["INV2026-0001", 10000, 1],
      ["INV2026-0002", 1200, 1], // the booking only: August starts after cancelsOn
    ]);
    await ok(await tick(tenant, "2026-09-01T08:00:00Z"));
    expect((await allInvoices(tenant)).items).toHaveLength(2);
    expect(await code(await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: member.cookie }))).toEqual({ status: 404, code: "no_upcoming_invoice" });
  });

  it("runs on the invoice day of the community's timezone, and charges a plan period once (the unique key refuses a second row)", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "midnight@example.com");
    const plan = await newPlan(tenant, { name: "Night", price: eur(9000) });
    const m = await assign(tenant, member.id, plan.id, "2026-07-01");
    await ok(await tick(tenant, "2026-06-30T21:30:00Z")); // 23:30 on June 30 in Paris
    expect((await allInvoices(tenant)).items).toEqual([]);
    await ok(await tick(tenant, "2026-06-30T22:30:00Z")); // 00:30 on July 1 in Paris
    expect((await allInvoices(tenant)).items.map((i) => [i.number, i.issuedOn, i.total.amount])).toEqual([["INV2026-0001", "2026-07-01", 9000]]);
    const [period] = await directoryDb(env).select().from(charges).where(eq(charges.membershipId, m.id));
    expect(period).toMatchObject({ kind: "plan_period", periodStart: "2026-07-01", periodEnd: "2026-07-31", amount: 9000 });
    await expect(directoryDb(env).insert(charges).values({ ...period!, id: "again", invoiceId: null })).rejects.toThrow();
  });

  it("one invoice per member and invoice day: a charge added after the day's run waits for the next invoice day", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "late-charge@example.com");
    await ok(await charge(tenant, member.id, { description: "First", amount: eur(1000) }), 201);
    await ok(await tick(tenant, "2026-07-01T08:00:00Z"));
    await ok(await charge(tenant, member.id, { description: "Second", amount: eur(2000) }), 201);
    await ok(await tick(tenant, "2026-07-01T15:00:00Z")); // the cron again, later that day
    expect((await allInvoices(tenant)).items.map((i) => i.total.amount)).toEqual([1000]);
    // Without the finished day's mark, the run still issues no second invoice that day.
    await directoryDb(env).delete(invoiceRuns).where(eq(invoiceRuns.tenantId, tenant.id));
    expect(await runInvoiceJob(env, Date.parse("2026-07-01T16:00:00Z"), { tenantId: tenant.id })).toMatchObject({ issued: 0, failed: 0 });
    expect((await allInvoices(tenant)).items).toHaveLength(1);
    await ok(await tick(tenant, "2026-08-01T08:00:00Z"));
    expect((await allInvoices(tenant)).items.map((i) => [i.number, i.total.amount]).sort()).toEqual([
      ["INV2026-0001", 1000],
      ["INV2026-0002", 2000],
    ]);
  });

  it("a batch that fails in the middle issues nothing twice and skips no number on the retry", async () => {
    const tenant = await makeTenant();
    const members = [];
    for (let i = 0; i < 5; i++) members.push(await signUpMember(tenant, `retry${i}@example.com`));
    for (const m of members) await ok(await charge(tenant, m.id, { description: "Room", amount: eur(1000) }), 201);
    const at = Date.parse("2026-07-01T08:00:00Z");
    const broken = members[2]!.id;
    const first = await runInvoiceJob(env, at, { tenantId: tenant.id }, { chunkSize: 2, sabotage: (ids) => ids.includes(broken) });
    expect(first).toMatchObject({ issued: 4, failed: 1 });
    const before = (await allInvoices(tenant)).items;
    expect(numbersOf(before)).toEqual(["INV2026-0001", "INV2026-0002", "INV2026-0003", "INV2026-0004"]);
    expect(before.map((i) => i.userId)).not.toContain(broken);
    // The failed batch left nothing behind: its member's charge is still free, no email.
    const free = await directoryDb(env).select().from(charges).where(and(eq(charges.tenantId, tenant.id), eq(charges.userId, broken)));
    expect(free.map((c) => c.invoiceId)).toEqual([null]);

    const retry = await runInvoiceJob(env, at, { tenantId: tenant.id }, { chunkSize: 2 });
    expect(retry).toMatchObject({ issued: 1, failed: 0 });
    const after = (await allInvoices(tenant)).items;
    expect(numbersOf(after)).toEqual(["INV2026-0001", "INV2026-0002", "INV2026-0003", "INV2026-0004", "INV2026-0005"]);
    expect(new Set(after.map((i) => i.userId)).size).toBe(5);
    const mails = await directoryDb(env).select().from(outbox).where(eq(outbox.tenantId, tenant.id));
    expect(mails.filter((m) => m.subject.includes("INV2026-")).map((m) => m.to).sort()).toEqual(members.map((m) => m.email).sort());
  });

  it("two runs fired at once issue every number once, without gaps, one invoice per member", async () => {
    const tenant = await makeTenant();
    const members = [];
    for (let i = 0; i < 7; i++) members.push(await signUpMember(tenant, `race${i}@example.com`));
    for (const m of members) await ok(await charge(tenant, m.id, { description: "Event", amount: eur(700) }), 201);
    const at = Date.parse("2026-07-01T08:00:00Z");
    const [a, b] = await Promise.all([runInvoiceJob(env, at, { tenantId: tenant.id }, { chunkSize: 3 }), runInvoiceJob(env, at, { tenantId: tenant.id }, { chunkSize: 2 })]);
    expect(a.issued + b.issued).toBe(7);
    const items = (await allInvoices(tenant)).items;
    expect(numbersOf(items)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `INV2026-000${n}`));
    expect(new Set(items.map((i) => i.userId)).size).toBe(7);
    const rows = await directoryDb(env).select().from(invoices).where(eq(invoices.tenantId, tenant.id));
    expect(rows).toHaveLength(7);
  });

  it("continues where it stopped when a community's work does not fit one invocation", async () => {
    const tenant = await makeTenant();
    for (let i = 0; i < 5; i++) {
      const m = await signUpMember(tenant, `chunk${i}@example.com`);
      await ok(await charge(tenant, m.id, { description: "Room", amount: eur(100) }), 201);
    }
    const at = Date.parse("2026-07-01T08:00:00Z");
    expect(await runInvoiceJob(env, at, { tenantId: tenant.id }, { chunkSize: 2, maxChunks: 1 })).toMatchObject({ issued: 2, more: true });
    expect(await runInvoiceJob(env, at, { tenantId: tenant.id }, { chunkSize: 2, maxChunks: 1 })).toMatchObject({ issued: 2, more: true });
    expect(await runInvoiceJob(env, at, { tenantId: tenant.id }, { chunkSize: 2, maxChunks: 1 })).toMatchObject({ issued: 1, more: false });
    expect(numbersOf((await allInvoices(tenant)).items)).toEqual([1, 2, 3, 4, 5].map((n) => `INV2026-000${n}`));
  });
});

describe("reading invoices", () => {
  it("the member and admins read one; other members and other tenants get 404; admins filter and page", async () => {
    const tenant = await makeTenant();
    const other = await makeTenant();
    const alice = await signUpMember(tenant, "alice@example.com", "Alice");
    const bob = await signUpMember(tenant, "bob@example.com", "Bob");
    await ok(await charge(tenant, alice.id, { description: "A", amount: eur(100) }), 201);
    await ok(await charge(tenant, bob.id, { description: "B", amount: eur(200) }), 201);
    await ok(await tick(tenant, "2026-07-01T08:00:00Z"));
    const mine = await ok<Page>(await call(tenant.host, "GET", "/api/v1/me/invoices", { cookie: alice.cookie }));
    expect(mine.items.map((i) => i.total.amount)).toEqual([100]);
    const id = mine.items[0]!.id;
    expect((await ok<InvoiceBody>(await call(tenant.host, "GET", `/api/v1/invoices/${id}`, { cookie: alice.cookie }))).number).toMatch(/^INV2026-000[12]$/);
    expect((await ok<InvoiceBody>(await call(tenant.host, "GET", `/api/v1/invoices/${id}`, { cookie: tenant.owner.cookie }))).id).toBe(id);
    expect((await call(tenant.host, "GET", `/api/v1/invoices/${id}`, { cookie: bob.cookie })).status).toBe(404);
    expect((await call(other.host, "GET", `/api/v1/invoices/${id}`, { cookie: other.owner.cookie })).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/invoices/${id}`)).status).toBe(401);
    expect((await call(tenant.host, "GET", "/api/v1/invoices", { cookie: alice.cookie })).status).toBe(403);

    expect((await allInvoices(tenant, `&userId=${bob.id}`)).items.map((i) => i.total.amount)).toEqual([200]);
    expect((await allInvoices(tenant, "&status=paid")).items).toEqual([]);
    expect((await allInvoices(tenant, "&to=2026-06-30")).items).toEqual([]);
    const page1 = await ok<Page>(await call(tenant.host, "GET", "/api/v1/invoices?limit=1", { cookie: tenant.owner.cookie }));
    expect(page1.items).toHaveLength(1);
    const page2 = await ok<Page>(await call(tenant.host, "GET", `/api/v1/invoices?limit=1&cursor=${page1.nextCursor}`, { cookie: tenant.owner.cookie }));
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect(numbersOf([...page1.items, ...page2.items])).toEqual(["INV2026-0001", "INV2026-0002"]);
    expect((await call(tenant.host, "GET", "/api/v1/invoices?status=late", { cookie: tenant.owner.cookie })).status).toBe(422);
    expect(await hasIssuedInvoices(tenantDb(env, { id: tenant.id }))).toBe(true);
    expect(await hasIssuedInvoices(tenantDb(env, { id: other.id }))).toBe(false);
  });

  it("the preview is what the run then issues, dated the next invoice day, never before today", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "preview@example.com");
    expect(await code(await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: member.cookie }))).toEqual({ status: 404, code: "no_upcoming_invoice" });
    const plan = await newPlan(tenant, { name: "Desk", price: eur(30000), taxRate: 21 });
    // Requests use the real clock (the dev clock moves only the jobs): start a few days from today.
    const today = dayInTimeZone(Date.now(), "Europe/Paris");
    await assign(tenant, member.id, plan.id, addDays(today, 3));
    await ok(await charge(tenant, member.id, { description: "Locker", amount: eur(1999), taxRate: 20 }), 201);
    const preview = await ok<{ date: string; lines: unknown[]; subtotal: Money; taxes: { rate: number; amount: Money }[]; total: Money }>(
      await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: member.cookie }),
    );
    await ok(await tick(tenant, `${preview.date}T08:00:00Z`));
    const [issued] = (await ok<Page>(await call(tenant.host, "GET", "/api/v1/me/invoices", { cookie: member.cookie }))).items;
    expect(preview.date >= today).toBe(true);
    expect(issued).toMatchObject({ issuedOn: preview.date, lines: preview.lines, subtotal: preview.subtotal, taxes: preview.taxes, total: preview.total });
    // Once issued, the next preview is the following invoice day's: the next period only.
    const next = await ok<{ date: string; lines: unknown[]; total: Money }>(await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie: member.cookie }));
    expect(next.date > preview.date).toBe(true);
    expect(next.date.slice(8)).toBe("01");
    expect(next).toMatchObject({ lines: [{ amount: eur(30000), taxRate: 21 }], total: eur(36300) }); // 30000 + 21 % (6300)
  });

  it("the PDF of an invoice opens and carries its number, buyer and total; other members get 404", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "pdf@example.com", "Łukasz Őry-Ærø Ștefan");
    const other = await signUpMember(tenant, "pdf-other@example.com");
    await ok(await charge(tenant, member.id, { description: "Meeting room", amount: eur(4500), taxRate: 21 }), 201);
    await ok(await tick(tenant, "2026-07-01T08:00:00Z"));
    const [invoice] = (await ok<Page>(await call(tenant.host, "GET", "/api/v1/me/invoices", { cookie: member.cookie }))).items;
    const res = await call(tenant.host, "GET", `/api/v1/invoices/${invoice!.id}/pdf?lang=en`, { cookie: member.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const doc = await getDocumentProxy(new Uint8Array(await res.arrayBuffer()));
    const { text } = await extractText(doc, { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    // 4500 + 21 % (945) = 5445 → €54.45
    for (const mention of ["INV2026-0001", "Łukasz Őry-Ærø Ștefan", "Meeting room", "€54.45"]) expect(flat).toContain(mention);
    expect((await call(tenant.host, "GET", `/api/v1/invoices/${invoice!.id}/pdf`, { cookie: other.cookie })).status).toBe(404);
  });
});

