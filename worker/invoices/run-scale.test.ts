import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { newId } from "../db/ids";
import { invoices, outbox, tenants } from "../db/schema";
import { countingD1 } from "../test/counting";
import { call, makeTenant } from "../test/helpers";
import { formatMoney } from "./money";
import { issueInvoices } from "./run";
import { billingSettingsOf } from "./settings";

// The run writes in bulk: a community's invoices take a handful of statements per hundred
// members, far under D1's 1,000 queries per invocation. Every statement the run sends is
// counted through a wrapper of the D1 binding (worker/test/counting.ts).

describe("the invoice run at scale", () => {
  it("issues 2,000 members' invoices (a plan fee and two charges each) in one invocation, under 80 statements, one email each", async () => {
    const N = 2000;
    const tenant = await makeTenant();
    const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Desk", price: { amount: 20000, currency: "EUR" }, intervalMonths: 1, taxRate: 21 } });
    const planId = ((await res.json()) as { plan: { id: string } }).plan.id;
    const now = Date.parse("2026-07-01T08:00:00Z");
    const ids = Array.from({ length: N }, () => newId());
    // Members, memberships from July 1st and two charges each, written in bulk.
    await env.DB.batch([
      env.DB.prepare(
        "insert into users (id, tenant_id, email, name, tenant_role, status, created_at) select value, ?1, value || '@scale.example', 'Member ' || key, 'member', 'active', ?2 from json_each(?3)",
      ).bind(tenant.id, now, JSON.stringify(ids)),
      env.DB.prepare(
        "insert into plan_memberships (id, tenant_id, user_id, plan_id, status, starts_on, periods_from, created_at, confirmed_at, updated_at) select 'm' || value, ?1, value, ?2, 'active', '2026-07-01', '2026-07-01', ?3, ?3, ?3 from json_each(?4)",
      ).bind(tenant.id, planId, now, JSON.stringify(ids)),
      env.DB.prepare(
        "insert into charges (id, tenant_id, user_id, kind, description, amount, currency, tax_rate_bp, created_at) select 'a' || value, ?1, value, 'booking', 'Room', 1500, 'EUR', 2100, ?2 from json_each(?3)",
      ).bind(tenant.id, now, JSON.stringify(ids)),
      env.DB.prepare(
        "insert into charges (id, tenant_id, user_id, kind, description, amount, currency, tax_rate_bp, created_at) select 'b' || value, ?1, value, 'event', 'Ticket', 800, 'EUR', 600, ?2 from json_each(?3)",
      ).bind(tenant.id, now, JSON.stringify(ids)),
    ]);
    const [row] = await directoryDb(env).select().from(tenants).where(eq(tenants.id, tenant.id));
    const billing = await billingSettingsOf(tenantDb(env, row!), row!.name);
    const wrapped = countingD1(env.DB);
    const started = Date.now();
    const report = await issueInvoices({ ...env, DB: wrapped.db }, row!, billing, "2026-07-01", now);
    const ms = Date.now() - started;
    console.log(`invoice run: ${N} members in ${ms} ms, ${wrapped.count()} statements`);
    expect(report).toMatchObject({ issued: N, failed: 0, more: false, charged: N });
    // 8 chunks of 250 × 7 statements + a few reads and 4 bulk charge inserts.
    expect(wrapped.count()).toBeLessThan(80);
    const issued = await directoryDb(env).select({ number: invoices.number, total: invoices.total }).from(invoices).where(eq(invoices.tenantId, tenant.id));
    expect(issued).toHaveLength(N);
    expect(new Set(issued.map((i) => i.number)).size).toBe(N);
    expect(issued.map((i) => i.number).sort().at(-1)).toBe("INV2026-2000");
    // 20000 + 4200 tax, 1500 + 315, 800 + 48 = 26863 each.
    expect(new Set(issued.map((i) => i.total))).toEqual(new Set([26863]));
    const mails = await directoryDb(env).select({ to: outbox.to }).from(outbox).where(eq(outbox.tenantId, tenant.id));
    expect(mails.filter((m) => m.to.endsWith("@scale.example"))).toHaveLength(N);
  }, 120_000);

  it("claims each charge by its primary key, never scanning the community's charges (the plan SQLite picks)", async () => {
    const tenant = await makeTenant();
    const now = Date.parse("2026-07-01T08:00:00Z");
    const ids = Array.from({ length: 5 }, () => newId());
    await env.DB.batch([
      env.DB.prepare("insert into users (id, tenant_id, email, name, tenant_role, status, created_at) select value, ?1, value || '@plan.example', 'Member ' || key, 'member', 'active', ?2 from json_each(?3)").bind(tenant.id, now, JSON.stringify(ids)),
      env.DB.prepare("insert into charges (id, tenant_id, user_id, kind, description, amount, currency, tax_rate_bp, created_at) select 'p' || value, ?1, value, 'one_off', 'Room', 500, 'EUR', 0, ?2 from json_each(?3)").bind(tenant.id, now, JSON.stringify(ids)),
    ]);
    const [row] = await directoryDb(env).select().from(tenants).where(eq(tenants.id, tenant.id));
    const billing = await billingSettingsOf(tenantDb(env, row!), row!.name);
    const wrapped = countingD1(env.DB);
    expect(await issueInvoices({ ...env, DB: wrapped.db }, row!, billing, "2026-07-01", now)).toMatchObject({ issued: 5, failed: 0 });
    const claims = [...wrapped.sql].filter((q) => /^\s*update charges set invoice_id/i.test(q));
    expect(claims).toHaveLength(1);
    const plan = (await env.DB.prepare(`explain query plan ${claims[0]}`).bind(tenant.id, "[]").all<{ detail: string }>()).results.map((r) => r.detail);
    expect(plan.some((d) => /^SEARCH charges USING (INDEX sqlite_autoindex_charges_1|PRIMARY KEY) \(id=\?\)/.test(d))).toBe(true);
    expect(plan.filter((d) => /charges_user|charges_invoice|SCAN charges/.test(d))).toEqual([]);
  });

  it("emails every member their own invoice: their address, number, total and language, also when many share a language and a total", async () => {
    const tenant = await makeTenant();
    const now = Date.parse("2026-07-01T08:00:00Z");
    const people = [
      { lang: "fr", amount: 1000 },
      { lang: "en", amount: 1000 },
      { lang: "fr", amount: 2500 },
      { lang: "fr", amount: 1000 },
      { lang: "nl", amount: 2500 },
      { lang: "en", amount: 1000 },
    ].map((p) => ({ ...p, id: newId() }));
    for (const p of people) {
      await env.DB.batch([
        env.DB.prepare("insert into users (id, tenant_id, email, name, language, tenant_role, status, created_at) values (?1, ?2, ?1 || '@mail.example', 'Member', ?3, 'member', 'active', ?4)").bind(p.id, tenant.id, p.lang, now),
        env.DB.prepare("insert into charges (id, tenant_id, user_id, kind, description, amount, currency, tax_rate_bp, created_at) values (?1, ?2, ?3, 'one_off', 'Room', ?4, 'EUR', 0, ?5)").bind(newId(), tenant.id, p.id, p.amount, now),
      ]);
    }
    const [row] = await directoryDb(env).select().from(tenants).where(eq(tenants.id, tenant.id));
    const billing = await billingSettingsOf(tenantDb(env, row!), row!.name);
    expect(await issueInvoices(env, row!, billing, "2026-07-01", now, { chunkSize: 4 })).toMatchObject({ issued: people.length, failed: 0 });
    const issued = await directoryDb(env).select({ userId: invoices.userId, number: invoices.number }).from(invoices).where(eq(invoices.tenantId, tenant.id));
    const numberOf = (p: { id: string }) => issued.find((i) => i.userId === p.id)!.number;
    const mails = (await directoryDb(env).select().from(outbox).where(eq(outbox.tenantId, tenant.id))).filter((m) => m.to.endsWith("@mail.example"));
    expect(mails).toHaveLength(people.length);
    const word = { fr: "facture", en: "invoice", nl: "factuur" } as const;
    for (const p of people) {
      const mine = mails.filter((m) => m.to === `${p.id}@mail.example`);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.subject).toContain(numberOf(p));
      expect(mine[0]!.subject.toLowerCase()).toContain(word[p.lang as keyof typeof word]);
      expect(mine[0]!.text).toContain(formatMoney({ amount: p.amount, currency: "EUR" }, p.lang));
      expect(mine[0]!.html).toContain(`lang="${p.lang}"`);
      for (const other of issued.filter((i) => i.userId !== p.id)) expect(mine[0]!.text).not.toContain(other.number);
    }
    // Same language and total: the same email but for the number.
    const [a, d] = [people[0]!, people[3]!].map((p) => mails.find((m) => m.to === `${p.id}@mail.example`)!.text.replaceAll(numberOf(p), "N"));
    expect(a).toBe(d);
  });

  it("stays within its query budget and goes on where it stopped, numbers without gaps", async () => {
    const tenant = await makeTenant();
    const now = Date.parse("2026-07-01T08:00:00Z");
    const ids = Array.from({ length: 10 }, () => newId());
    await env.DB.batch([
      env.DB.prepare("insert into users (id, tenant_id, email, name, tenant_role, status, created_at) select value, ?1, value || '@budget.example', 'Member ' || key, 'member', 'active', ?2 from json_each(?3)").bind(tenant.id, now, JSON.stringify(ids)),
      env.DB.prepare("insert into charges (id, tenant_id, user_id, kind, description, amount, currency, tax_rate_bp, created_at) select 'c' || value, ?1, value, 'one_off', 'Room', 500, 'EUR', 0, ?2 from json_each(?3)").bind(tenant.id, now, JSON.stringify(ids)),
    ]);
    const [row] = await directoryDb(env).select().from(tenants).where(eq(tenants.id, tenant.id));
    const billing = await billingSettingsOf(tenantDb(env, row!), row!.name);
    let rounds = 0;
    for (let more = true; more; rounds++) {
      const wrapped = countingD1(env.DB);
      const r = await issueInvoices({ ...env, DB: wrapped.db }, row!, billing, "2026-07-01", now, { chunkSize: 2, maxQueries: 25 });
      expect(wrapped.count()).toBeLessThanOrEqual(25);
      more = r.more;
      expect(rounds).toBeLessThan(10);
    }
    expect(rounds).toBeGreaterThan(1);
    const issued = await directoryDb(env).select({ number: invoices.number }).from(invoices).where(eq(invoices.tenantId, tenant.id));
    expect(issued.map((i) => i.number).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `INV2026-${String(i + 1).padStart(4, "0")}`));
  });
});

