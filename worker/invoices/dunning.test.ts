import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { formatMoney } from "../../web/ui/format";
import { directoryDb } from "../db/client";
import { invoiceReminders, invoices, outbox } from "../db/schema";
import { countingD1 } from "../test/counting";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { reminderStepDue, runDunningJob } from "./dunning";

// Dunning (API.md "Invoices and payments"): an unpaid invoice gets one reminder 3, 10 and 20
// days after its due day, each exactly once, stopped by payment or void; a job that first runs
// late sends only the latest reminder due. Days in the community's timezone (Europe/Paris here).

const eur = (amount: number) => ({ amount, currency: "EUR" });
const tick = async (tenant: TestTenant, iso: string) => {
  const res = await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: iso } });
  expect(res.status, await res.clone().text()).toBe(200);
};

type Spec = { email: string; amount?: number; language?: string };

/** Members with a one-off charge each, invoiced on July 1st 2026 (due July 15th: 14 days' terms). */
async function unpaidInvoices(tenant: TestTenant, specs: Spec[]) {
  const members = [];
  for (const { email, amount = 10_000, language = "fr" } of specs) {
    const member = await signUpMember(tenant, email, "Zoé Dupont", { language });
    const res = await call(tenant.host, "POST", `/api/v1/members/${member.id}/charges`, { cookie: tenant.owner.cookie, json: { description: "Locker", amount: eur(amount) } });
    expect(res.status).toBe(201);
    members.push({ member, amount });
  }
  await tick(tenant, "2026-07-01T08:00:00Z");
  const out = [];
  for (const { member, amount } of members) {
    const [invoice] = await directoryDb(env).select().from(invoices).where(and(eq(invoices.tenantId, tenant.id), eq(invoices.userId, member.id)));
    expect(invoice).toMatchObject({ status: "open", dueOn: "2026-07-15", total: amount });
    out.push({ member, invoice: invoice! });
  }
  return out;
}

const unpaidInvoice = async (tenant: TestTenant, email: string, amount = 10_000, language = "fr") => (await unpaidInvoices(tenant, [{ email, amount, language }]))[0]!;

const remindersOf = async (invoiceId: string) =>
  (await directoryDb(env).select().from(invoiceReminders).where(eq(invoiceReminders.invoiceId, invoiceId))).map((r) => r.step).sort((a, b) => a - b);
const reminderMails = async (tenant: TestTenant, to: string) =>
  (await directoryDb(env).select().from(outbox).where(and(eq(outbox.tenantId, tenant.id), eq(outbox.to, to)))).filter((m) => /rappel|reminder|herinnering/i.test(m.subject));

describe("reminderStepDue", () => {
  it("is the latest step reached: none before +3, then 3, 10 and 20", () => {
    expect(reminderStepDue("2026-07-15", "2026-07-17")).toBeNull();
    expect(reminderStepDue("2026-07-15", "2026-07-18")).toBe(3);
    expect(reminderStepDue("2026-07-15", "2026-07-24")).toBe(3);
    expect(reminderStepDue("2026-07-15", "2026-07-25")).toBe(10);
    expect(reminderStepDue("2026-07-15", "2026-07-27")).toBe(10);
    expect(reminderStepDue("2026-07-15", "2026-08-04")).toBe(20);
    expect(reminderStepDue("2026-07-15", "2026-12-31")).toBe(20);
  });
});

describe("the dunning job", () => {
  it("sends one reminder at +3, +10 and +20 days in the member's language, each once however often the clock runs, days cut in the community's timezone", async () => {
    const tenant = await makeTenant();
    const { member, invoice } = await unpaidInvoice(tenant, "late@example.com");

    // The invoice email writes its due day for people, not as ISO.
    const [issued] = (await directoryDb(env).select().from(outbox).where(and(eq(outbox.tenantId, tenant.id), eq(outbox.to, member.email)))).filter((m) => m.subject.includes("facture"));
    expect(issued!.text).toContain("15 juillet 2026");
    expect(issued!.text).not.toContain("2026-07-15");

    await tick(tenant, "2026-07-17T21:30:00Z"); // 23:30 on July 17th in Paris: +2
    expect(await remindersOf(invoice.id)).toEqual([]);
    await tick(tenant, "2026-07-17T22:30:00Z"); // 00:30 on July 18th in Paris: +3 (still the 17th in UTC)
    expect(await remindersOf(invoice.id)).toEqual([3]);
    await tick(tenant, "2026-07-17T22:30:00Z");
    await tick(tenant, "2026-07-20T08:00:00Z");
    await tick(tenant, "2026-07-24T08:00:00Z");
    expect(await remindersOf(invoice.id)).toEqual([3]);
    await tick(tenant, "2026-07-25T08:00:00Z"); // +10
    await tick(tenant, "2026-07-26T08:00:00Z");
    expect(await remindersOf(invoice.id)).toEqual([3, 10]);
    await tick(tenant, "2026-08-04T08:00:00Z"); // +20
    await tick(tenant, "2026-08-04T09:00:00Z");
    await tick(tenant, "2026-09-10T08:00:00Z");
    expect(await remindersOf(invoice.id)).toEqual([3, 10, 20]);

    const mails = await reminderMails(tenant, member.email);
    expect(mails).toHaveLength(3);
    for (const m of mails) {
      expect(m.subject).toBe(`Community ${tenant.subdomain}\u202f: rappel, la facture ${invoice.number} n’est pas réglée`);
      expect(m.text).toContain(invoice.number);
      expect(m.text).toContain("15 juillet 2026");
      expect(m.text).toContain(formatMoney("fr", eur(10_000)));
      expect(m.text).toContain(`://${tenant.subdomain}.communities.test/membership/invoices/${invoice.id}`);
      expect(m.html).toContain(`/membership/invoices/${invoice.id}`);
    }
    // Only the last one says it is the last.
    expect(mails.filter((m) => m.text.includes("dernier rappel"))).toHaveLength(1);
  });

  it("concurrent runs at the same time send each reminder once", async () => {
    const tenant = await makeTenant();
    const { member, invoice } = await unpaidInvoice(tenant, "race@example.com", 5_000, "en");
    const at = Date.parse("2026-07-18T08:00:00Z");
    const reports = await Promise.all(Array.from({ length: 5 }, (_, i) => runDunningJob(env, at, { tenantId: tenant.id }, { chunkSize: 1 + i })));
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(1);
    await Promise.all([tick(tenant, "2026-07-25T08:00:00Z"), tick(tenant, "2026-07-25T08:00:00Z"), tick(tenant, "2026-07-25T08:01:00Z")]);
    expect(await remindersOf(invoice.id)).toEqual([3, 10]);
    const mails = await reminderMails(tenant, member.email);
    expect(mails.map((m) => m.subject)).toEqual([
      `Community ${tenant.subdomain}: reminder, invoice ${invoice.number} is unpaid`,
      `Community ${tenant.subdomain}: reminder, invoice ${invoice.number} is unpaid`,
    ]);
    expect(mails[0]!.text).toContain("July 15, 2026");
  });

  it("a job that first runs late sends only the latest reminder due: +10 at +12 days, then +20", async () => {
    const tenant = await makeTenant();
    const { member, invoice } = await unpaidInvoice(tenant, "first-late@example.com", 5_000, "nl");
    expect(await runDunningJob(env, Date.parse("2026-07-27T08:00:00Z"), { tenantId: tenant.id })).toEqual({ sent: 1, more: false });
    expect(await remindersOf(invoice.id)).toEqual([10]);
    await tick(tenant, "2026-07-30T08:00:00Z");
    expect(await remindersOf(invoice.id)).toEqual([10]);
    await tick(tenant, "2026-08-04T08:00:00Z");
    expect(await remindersOf(invoice.id)).toEqual([10, 20]);
    const mails = await reminderMails(tenant, member.email);
    expect(mails).toHaveLength(2);
    expect(mails[0]!.text).toContain("15 juli 2026");
  });

  it("a paid invoice gets none, a partly paid one shows what is left, a void one gets none; another tenant's invoices are untouched", async () => {
    const tenant = await makeTenant();
    const other = await makeTenant();
    const [paid, partly, voided] = await unpaidInvoices(tenant, [
      { email: "paid@example.com", amount: 8_000 },
      { email: "partly@example.com", amount: 10_000 },
      { email: "void@example.com", amount: 3_000 },
    ]);
    const elsewhere = await unpaidInvoice(other, "elsewhere@example.com", 4_000);
    // Payments and voids as the payments module records them (status, paid amount).
    const db = directoryDb(env);
    await db.update(invoices).set({ paid: 8_000, status: "paid" }).where(eq(invoices.id, paid!.invoice.id));
    await db.update(invoices).set({ paid: 2_550 }).where(eq(invoices.id, partly!.invoice.id));
    await db.update(invoices).set({ status: "void" }).where(eq(invoices.id, voided!.invoice.id));

    await tick(tenant, "2026-07-18T08:00:00Z");
    expect(await remindersOf(paid!.invoice.id)).toEqual([]);
    expect(await remindersOf(voided!.invoice.id)).toEqual([]);
    expect(await remindersOf(partly!.invoice.id)).toEqual([3]);
    expect(await remindersOf(elsewhere.invoice.id)).toEqual([]);
    const [mail] = await reminderMails(tenant, partly!.member.email);
    expect(mail!.text).toContain(formatMoney("fr", eur(7_450)));
    expect(mail!.text).not.toContain(formatMoney("fr", eur(10_000)));

    // Paid in full before +10: no more reminders.
    await db.update(invoices).set({ paid: 10_000, status: "paid" }).where(eq(invoices.id, partly!.invoice.id));
    await tick(tenant, "2026-07-25T08:00:00Z");
    await tick(tenant, "2026-08-04T08:00:00Z");
    expect(await remindersOf(partly!.invoice.id)).toEqual([3]);
    expect(await reminderMails(tenant, paid!.member.email)).toEqual([]);
    expect(await reminderMails(tenant, voided!.member.email)).toEqual([]);
    expect(await reminderMails(other, elsewhere.member.email)).toEqual([]);
  });

  it("costs two queries when nothing is due, however many unpaid invoices wait for a later step", async () => {
    const tenant = await makeTenant();
    await unpaidInvoices(tenant, [1, 2, 3].map((n) => ({ email: `idle${n}@example.com` })));
    // Every reminder of this file's database due at +3 sent, then a later minute and a day before +10.
    for (const at of [Date.parse("2026-07-18T08:00:00Z"), Date.parse("2026-07-18T08:01:00Z"), Date.parse("2026-07-24T08:00:00Z")]) {
      while ((await runDunningJob(env, at)).more);
      const counted = countingD1(env.DB);
      expect(await runDunningJob({ ...env, DB: counted.db }, at)).toEqual({ sent: 0, more: false });
      expect(counted.count()).toBe(2);
    }
  });

  it("writes a bounded number of reminders per invocation and reports the rest as more", async () => {
    const tenant = await makeTenant();
    const ids = (await unpaidInvoices(tenant, [1, 2, 3].map((n) => ({ email: `bounded${n}@example.com`, amount: 1_000 * n })))).map((x) => x.invoice.id);
    const at = Date.parse("2026-07-18T08:00:00Z");
    expect(await runDunningJob(env, at, { tenantId: tenant.id }, { maxReminders: 2 })).toEqual({ sent: 2, more: true });
    expect(await runDunningJob(env, at, { tenantId: tenant.id }, { maxReminders: 2 })).toEqual({ sent: 1, more: false });
    expect(await runDunningJob(env, at, { tenantId: tenant.id }, { maxReminders: 2 })).toEqual({ sent: 0, more: false });
    for (const id of ids) expect(await remindersOf(id)).toEqual([3]);
  });
});
