import { describe, expect, it } from "vitest";
import { DEMO, dayIn, demoInvoiceDay, demoSeedStatements } from "../../scripts/demo-seed.mjs";
import { seedDemoInvoices, type DemoApi } from "../../scripts/demo-invoices.mjs";
import { DEMO_BOOKINGS, DEMO_RESOURCES, mondayOf, seedDemoBookings, wallClock } from "../../scripts/demo-bookings.mjs";
import { hashPassword } from "../auth/passwords";
import { isValidBic, isValidIban } from "../invoices/epc";
import { call, env, ROOT, sessionCookie } from "../test/helpers";
import { devMail } from "../test/mail";

// The demo community `npm start` seeds (scripts/local-db.mjs runs these statements through
// `wrangler d1 execute`): here they run against the test database with its migrations, and
// the result is read back through the API as the demo member and owner would.

const HOST = `${DEMO.subdomain}.${ROOT}`;
const DAY = 86_400_000;

async function seed(now: number) {
  const statements = demoSeedStatements({ now, ownerHash: await hashPassword(DEMO.owner.password), memberHash: await hashPassword(DEMO.member.password) });
  await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
}

/** Every row of every table of the app (D1's own tables aside, and those in `except`), ordered, as JSON. */
async function everything(except: string[] = []): Promise<Record<string, unknown[]>> {
  const { results: tables } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name").all<{ name: string }>();
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) if (!except.includes(name)) out[name] = (await env.DB.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()).results;
  return out;
}

/** scripts/demo-invoices.mjs's HTTP, on the demo host of the test app. */
const api: DemoApi = async (method, path, { json, cookie }) => {
  const res = await call(HOST, method, path, { ...(json === undefined ? {} : { json }), ...(cookie ? { cookie } : {}) });
  const text = await res.text();
  const sid = res.headers.getSetCookie().find((c) => c.startsWith("sid="));
  return { status: res.status, body: text ? JSON.parse(text) : null, cookie: sid ? sid.split(";")[0]! : null };
};

type Money = { amount: number; currency: string };
type InvoiceBody = {
  id: string;
  userId: string;
  number: string;
  status: string;
  issuedOn: string;
  dueOn: string;
  buyer: { name: string };
  seller: { name: string; taxId: string | null; iban?: string | null };
  lines: { description: string; amount: Money }[];
  subtotal: Money;
  taxes: { rate: number; amount: Money }[];
  total: Money;
  paid: Money;
  balance: Money;
  payments: { method: string; amount: Money; paidOn: string }[];
};

async function login(who: { email: string; password: string }) {
  const res = await call(HOST, "POST", "/api/v1/auth/login", { json: { email: who.email, password: who.password } });
  expect(res.status).toBe(200);
  return sessionCookie(res);
}

async function read<T>(path: string, cookie: string, method = "GET"): Promise<{ status: number; body: T }> {
  const res = await call(HOST, method, path, { cookie, ...(method === "POST" ? { json: {} } : {}) });
  return { status: res.status, body: (await res.json()) as T };
}

type Dashboard = {
  name: string;
  membership: { plan: { id: string; name: string }; status: string } | null;
  welcomeMessage: string | null;
  announcements: { title: string; body: string }[];
  status: { state: string; message: string; from: string | null; until: string | null } | null;
};
type Plan = { id: string; name: string; description: string; price: { amount: number; currency: string }; intervalMonths: number; taxRate: number; approvalRequired: boolean; noticeDays: number; groups: string[] };

describe("the demo community's seed (npm start)", () => {
  it("shows the portal: three plans, the member on Flex for three weeks, the welcome message, an announcement and the banner; a second run changes nothing", async () => {
    const now = Date.now();
    await seed(now);
    const first = await everything();
    // A second `npm start` a day later (new password hashes, a later `now`): not one row changes.
    await seed(now + DAY);
    expect(await everything()).toEqual(first);

    const member = await login(DEMO.member);
    const dashboard = await read<Dashboard>("/api/v1/me/dashboard", member);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatchObject({
      name: DEMO.member.name,
      membership: { plan: { id: DEMO.plans.flex.id, name: "Flex" }, status: "active" },
      welcomeMessage: expect.stringContaining("Bienvenue"),
      announcements: [{ title: DEMO.announcement.title, body: expect.stringContaining("**Jade**") }],
      status: { state: "restricted", message: DEMO.status.message },
    });
    // The banner's window covers now, for a long time.
    const { from, until } = dashboard.body.status!;
    expect(Date.parse(from!)).toBeLessThan(now);
    expect(Date.parse(until!)).toBeGreaterThan(now + 300 * DAY);

    // Three plans in EUR cents, cheapest first: one needs approval, one opens the paid group.
    const plans = await read<{ items: Plan[] }>("/api/v1/plans", member);
    expect(plans.body.items.map((p) => [p.name, p.price, p.intervalMonths, p.approvalRequired, p.groups])).toEqual([
      ["Flex", { amount: 19_000, currency: "EUR" }, 1, false, []],
      ["Résident", { amount: 34_000, currency: "EUR" }, 1, true, []],
      ["Équipe", { amount: 149_000, currency: "EUR" }, 1, false, [DEMO.paidGroup.slug]],
    ]);
    expect(plans.body.items.every((p) => p.taxRate === 20 && p.description.length > 20)).toBe(true);

    // Active since three weeks ago (a day in the community's timezone), in a current period.
    const membership = await read<{ status: string; startedOn: string; currentPeriod: { start: string; end: string } | null; cancelsOn: string | null }>("/api/v1/me/membership", member);
    expect(membership.body).toMatchObject({ status: "active", startedOn: dayIn(now - 21 * DAY, DEMO.timezone), cancelsOn: null, currentPeriod: expect.objectContaining({ start: expect.any(String) }) });

    // The paid group: described, and joined only with the plan that opens it.
    const group = await read<{ name: string; description: string }>(`/api/v1/groups/${DEMO.paidGroup.slug}`, member);
    expect(group.body).toMatchObject({ name: DEMO.paidGroup.name, description: expect.stringContaining("bureau privé") });
    const join = await read<{ error: { code: string }; plans: { id: string; name: string }[] }>(`/api/v1/groups/${DEMO.paidGroup.slug}/join`, member, "POST");
    expect(join.status).toBe(403);
    expect(join.body).toMatchObject({ error: { code: "plan_required" }, plans: [{ id: DEMO.plans.team.id, name: "Équipe" }] });
  });

  it("does not put back what the owner removed: the announcement deleted and the welcome message cleared stay so on the next start", async () => {
    const now = Date.now();
    await seed(now);
    const owner = await login(DEMO.owner);
    expect((await call(HOST, "DELETE", `/api/v1/announcements/${DEMO.announcement.id}`, { cookie: owner })).status).toBe(204);
    expect((await call(HOST, "PATCH", "/api/v1/tenant", { cookie: owner, json: { welcomeMessage: null } })).status).toBe(200);
    await seed(now + DAY);
    const member = await login(DEMO.member);
    const dashboard = await read<Dashboard>("/api/v1/me/dashboard", member);
    expect(dashboard.body).toMatchObject({ welcomeMessage: null, announcements: [], membership: { status: "active" } });
  });

  it("issues the demo invoices through the run on past invoice days: valid billing settings, the member's first invoice paid and the next open, the billed members' invoices, a next-invoice preview; a second start adds nothing", async () => {
    const now = Date.now();
    await seed(now);
    const done = await seedDemoInvoices(api, { now });
    expect(done).toMatchObject({ issued: true, days: [expect.any(String), expect.any(String)], paid: expect.stringMatching(/^AC\d{4}-\d{4}$/) });
    const days = done.issued ? done.days : [];
    // A second `npm start` a day later changes nothing but the owner's login session.
    const transient = ["sessions", "rate_limits", "throttles"];
    const first = await everything(transient);
    await seed(now + DAY);
    expect(await seedDemoInvoices(api, { now: now + DAY })).toEqual({ issued: false });
    expect(await everything(transient)).toEqual(first);

    // Billing settings the API's own validation accepts (sent back unchanged: 200), with a valid IBAN and BIC.
    const owner = await login(DEMO.owner);
    const settings = await read<{ currency: string; invoiceDay: number; numberPrefix: string; seller: { name: string; address: string; taxId: string; iban: string; bic: string } }>("/api/v1/billing/settings", owner);
    expect(settings.body).toMatchObject({
      currency: "EUR",
      invoiceDay: demoInvoiceDay(now),
      numberPrefix: "AC",
      seller: { name: DEMO.billing.sellerName, address: DEMO.billing.sellerAddress, taxId: DEMO.billing.sellerTaxId, iban: DEMO.billing.iban, bic: DEMO.billing.bic },
    });
    expect(isValidIban(settings.body.seller.iban) && isValidBic(settings.body.seller.bic)).toBe(true);
    expect((await call(HOST, "PATCH", "/api/v1/billing/settings", { cookie: owner, json: { seller: settings.body.seller, numberPrefix: "AC", paymentTermsDays: 14 } })).status).toBe(200);
    // The invoice days: a month apart, the member's plan starting between them.
    const started = dayIn(now - DEMO.membership.startedDaysAgo * DAY, DEMO.timezone);
    expect(days[0]! < started && started < days[1]! && days[1]! < dayIn(now, DEMO.timezone)).toBe(true);

    // The member's invoices, newest first: the plan's prorated first period and the next one (open),
    // and the workshop ticket a month earlier, paid by bank transfer.
    const member = await login(DEMO.member);
    const mine = (await read<{ items: InvoiceBody[] }>("/api/v1/me/invoices", member)).body.items;
    expect(mine.map((i) => [i.issuedOn, i.status])).toEqual([
      [days[1], "open"],
      [days[0], "paid"],
    ]);
    const [open, paid] = mine as [InvoiceBody, InvoiceBody];
    expect(paid).toMatchObject({
      number: done.issued ? done.paid : "",
      lines: [{ description: expect.stringContaining("impression 3D"), amount: { amount: 4_500 } }],
      subtotal: { amount: 4_500, currency: "EUR" },
      taxes: [{ rate: 20, amount: { amount: 900 } }],
      total: { amount: 5_400 },
      paid: { amount: 5_400 },
      balance: { amount: 0 },
      payments: [{ method: "bank_transfer", amount: { amount: 5_400, currency: "EUR" } }],
      seller: { name: DEMO.billing.sellerName, taxId: DEMO.billing.sellerTaxId },
      buyer: { name: DEMO.member.name },
    });
    expect(open.lines).toHaveLength(2);
    expect(open.lines.every((l) => l.description.includes("Flex"))).toBe(true);
    expect(open.lines[1]!.amount.amount).toBe(19_000); // the whole period, after the prorated one
    expect(open.lines[0]!.amount.amount).toBeLessThan(19_000);
    const subtotal = open.lines.reduce((n, l) => n + l.amount.amount, 0);
    expect(open).toMatchObject({ status: "open", subtotal: { amount: subtotal }, paid: { amount: 0 }, payments: [] });
    expect(open.total.amount).toBe(subtotal + open.taxes.reduce((n, x) => n + x.amount.amount, 0));
    expect(open.balance).toEqual(open.total);
    // Each issue emailed the member once.
    const mails = await devMail(HOST, DEMO.member.email);
    for (const i of mine) expect(mails.filter((m) => m.subject.includes(i.number))).toHaveLength(1);

    // Invoices for the members billed without a plan too; numbers without a gap, per year.
    const all = (await read<{ items: InvoiceBody[] }>("/api/v1/invoices?limit=100", owner)).body.items;
    expect(new Set(all.map((i) => i.userId))).toEqual(new Set(["demo-member", ...DEMO.billedMembers.map((m) => m.id)]));
    expect(all.map((i) => i.buyer.name)).toContain("Łukasz Őry-Ærø Ștefan");
    expect(all).toHaveLength(6); // the first day: the four members; the second: the member's plan and Łukasz's locker
    const byYear = new Map<string, number[]>();
    for (const i of all) {
      const [, year, seq] = /^AC(\d{4})-(\d{4})$/.exec(i.number)!;
      byYear.set(year!, [...(byYear.get(year!) ?? []), Number(seq)]);
    }
    for (const seqs of byYear.values()) expect(seqs.sort((a, b) => a - b)).toEqual(seqs.map((_, k) => k + 1));
    for (const i of all) expect(i.total.amount).toBe(i.subtotal.amount + i.taxes.reduce((n, x) => n + x.amount.amount, 0));

    // The next invoice: the plan's next period and the room booked beyond the credits.
    const preview = await read<{ date: string; lines: { description: string; amount: Money }[]; total: Money }>("/api/v1/me/invoices/preview", member);
    expect(preview.status).toBe(200);
    expect(preview.body.date > dayIn(now, DEMO.timezone)).toBe(true);
    expect(preview.body.lines.map((l) => [l.description.includes("Flex") || l.description.includes("Salle Jade"), l.amount.amount])).toEqual([
      [true, 19_000],
      [true, 6_000],
    ]);
  });

  it("has rooms and desks in two categories with opening hours and plan prices, and a week of bookings by several members; credits cover meeting rooms; a second start adds nothing", async () => {
    const now = Date.now();
    await seed(now);
    await seedDemoInvoices(api, { now });
    const done = await seedDemoBookings(api, { now });
    expect(done).toMatchObject({ seeded: true, resources: DEMO_RESOURCES.length, booked: DEMO_BOOKINGS.length, skipped: 0, week: mondayOf(now) });
    const transient = ["sessions", "rate_limits", "throttles"];
    const first = await everything(transient);
    await seed(now + DAY);
    expect(await seedDemoBookings(api, { now: now + DAY })).toEqual({ seeded: false });
    expect(await everything(transient)).toEqual(first);

    const owner = await login(DEMO.owner);
    type R = { id: string; name: string; category: string; units: number; openingHours: { day: number; from: string; to: string }[] | null; planPrices: Record<string, Money>; pricePerHour: Money; hidden: boolean };
    const resources = (await read<{ items: R[] }>("/api/v1/resources", owner)).body.items;
    expect(new Set(resources.map((r) => r.category))).toEqual(new Set(["Salles de réunion", "Bureaux"]));
    expect(resources.filter((r) => r.category === "Salles de réunion").length).toBeGreaterThanOrEqual(2);
    expect(resources.filter((r) => r.category === "Bureaux").length).toBeGreaterThanOrEqual(2);
    const jade = resources.find((r) => r.name === "Salle Jade")!;
    expect(jade.openingHours).toContainEqual({ day: 1, from: "08:00", to: "20:00" });
    expect(jade).toMatchObject({ pricePerHour: { amount: 3_000, currency: "EUR" }, planPrices: { [DEMO.plans.resident.id]: { amount: 2_000, currency: "EUR" }, [DEMO.plans.team.id]: { amount: 1_500, currency: "EUR" } } });
    expect(resources.find((r) => r.name === "Poste nomade")!.planPrices[DEMO.plans.flex.id]).toEqual({ amount: 0, currency: "EUR" });
    const plans = (await read<{ items: { name: string; credits: { minutes: number; categories: string[] } }[] }>("/api/v1/plans", owner)).body.items;
    for (const p of plans) expect(p.credits.categories).toEqual(["Salles de réunion"]);

    // The calendar of the current week (Monday to Sunday in the community's timezone): every booking, by several members.
    const monday = mondayOf(now);
    const from = wallClock(monday, "00:00", DEMO.timezone);
    const to = from + 7 * DAY + 2 * 3_600_000;
    const week = (await read<{ items: { from: string; to: string; member: { id: string }; resource: { name: string } }[] }>(`/api/v1/bookings?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`, owner)).body.items;
    expect(week).toHaveLength(DEMO_BOOKINGS.length);
    expect(new Set(week.map((b) => b.member.id)).size).toBeGreaterThanOrEqual(4);
    for (const b of week) expect(mondayOf(Date.parse(b.from))).toBe(monday);
    // Wall-clock times in Paris: Monday's first meeting starts at 09:00 there.
    expect(week.find((b) => b.resource.name === "Salle Jade")!.from).toBe(new Date(wallClock(monday, "09:00", DEMO.timezone)).toISOString());

    // The demo member sees their own bookings, used within their credits: no booking charge waits for them.
    const member = await login(DEMO.member);
    const mine = (await read<{ items: { resource: { name: string }; price: Money; creditsUsedMinutes: number }[] }>("/api/v1/me/bookings?when=past", member)).body.items;
    const upcoming = (await read<{ items: { resource: { name: string }; price: Money; creditsUsedMinutes: number }[] }>("/api/v1/me/bookings?when=upcoming", member)).body.items;
    const all = [...mine, ...upcoming];
    expect(all).toHaveLength(DEMO_BOOKINGS.filter((b) => b.userId === "demo-member").length);
    expect(all.every((b) => b.price.amount === 0)).toBe(true);
    expect(all.filter((b) => b.creditsUsedMinutes > 0).map((b) => b.resource.name).sort()).toEqual(["Salle Jade", "Salle Lovelace"]);
  });
});
