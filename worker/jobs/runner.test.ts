import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { newId } from "../db/ids";
import { invoiceReminders, invoices } from "../db/schema";
import { runDunningJob } from "../invoices/dunning";
import { runInvoiceJob } from "../invoices/run";
import { runScheduled } from "../cron";
import { makeTenant, type TestTenant } from "../test/helpers";
import { continuationBackoffMs, MAX_CONTINUATION_FAILURES, scheduleContinuation, type JobRunner } from "./runner";

// Work a run leaves over continues through the JobRunner's alarm at the same logical `now`
// (DESIGN.md "Big jobs"), never by waiting for the next cron.

const runnerOf = (tenant: TestTenant) => env.JOB_RUNNER.get(env.JOB_RUNNER.idFromName(tenant.id));

/** Ten members with a one-off charge each, written in bulk. */
async function tenMembersWithCharges(tenant: TestTenant, now: number): Promise<string[]> {
  const ids = Array.from({ length: 10 }, () => newId());
  await env.DB.batch([
    env.DB.prepare("insert into users (id, tenant_id, email, name, tenant_role, status, created_at) select value, ?1, value || '@runner.example', 'Member ' || key, 'member', 'active', ?2 from json_each(?3)").bind(tenant.id, now, JSON.stringify(ids)),
    env.DB.prepare("insert into charges (id, tenant_id, user_id, kind, description, amount, currency, tax_rate_bp, created_at) select 'c' || value, ?1, value, 'one_off', 'Room', 500, 'EUR', 0, ?2 from json_each(?3)").bind(tenant.id, now, JSON.stringify(ids)),
  ]);
  return ids;
}

/** Runs the runner's alarm until it has nothing left (the runtime may also fire it by itself meanwhile). */
async function drainAlarms(tenant: TestTenant): Promise<number> {
  const stub = runnerOf(tenant);
  let fired = 0;
  for (let i = 0; i < 50; i++) {
    if (await runDurableObjectAlarm(stub)) fired++;
    if ((await stub.pending()) === null) return fired;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the runner never finished");
}

describe("the JobRunner continues a run that leaves work", () => {
  it("a run limited to few queries leaves work; the alarm finishes it at the same now, numbers without gaps", async () => {
    const tenant = await makeTenant();
    const at = Date.parse("2026-07-01T08:00:00Z");
    await tenMembersWithCharges(tenant, at);

    const first = await runInvoiceJob(env, at, { tenantId: tenant.id }, { chunkSize: 2, maxQueries: 40 });
    expect(first).toMatchObject({ more: true });
    expect(first.issued).toBeLessThan(10);

    await scheduleContinuation(env, at, { tenantId: tenant.id });
    expect(await runnerOf(tenant).pending()).toMatchObject({ now: at, tenantId: tenant.id });
    await drainAlarms(tenant);

    const issued = await directoryDb(env).select({ number: invoices.number, issuedOn: invoices.issuedOn }).from(invoices).where(eq(invoices.tenantId, tenant.id));
    expect(issued.map((i) => i.number).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `INV2026-${String(i + 1).padStart(4, "0")}`));
    // At the logical `now` of the run it continues, not the real time.
    expect(new Set(issued.map((i) => i.issuedOn))).toEqual(new Set(["2026-07-01"]));
    // Nothing is left: no alarm fires again, and a run at that `now` finds nothing.
    expect(await runDurableObjectAlarm(runnerOf(tenant))).toBe(false);
    expect(await runInvoiceJob(env, at, { tenantId: tenant.id })).toMatchObject({ issued: 0, more: false });
  });

  it("the cron schedules the continuation by itself when the run reports work left", async () => {
    const tenant = await makeTenant();
    const at = Date.parse("2026-07-01T08:00:00Z");
    await tenMembersWithCharges(tenant, at);
    const report = await runScheduled(env, at, { tenantId: tenant.id, limits: { invoices: { chunkSize: 2, maxQueries: 40 } } });
    expect(report.ran).toContain("dunning");
    expect(report.invoices.more).toBe(true);
    expect(await runnerOf(tenant).pending()).toMatchObject({ now: at, tenantId: tenant.id });
    await drainAlarms(tenant);
    const issued = await directoryDb(env).select({ number: invoices.number }).from(invoices).where(eq(invoices.tenantId, tenant.id));
    expect(issued.map((i) => i.number).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `INV2026-${String(i + 1).padStart(4, "0")}`));
  });

  it("continues the dunning job as well, and a later now replaces an earlier one", async () => {
    const tenant = await makeTenant();
    const at = Date.parse("2026-07-01T08:00:00Z");
    await tenMembersWithCharges(tenant, at);
    expect(await runInvoiceJob(env, at, { tenantId: tenant.id })).toMatchObject({ issued: 10, more: false });

    const late = Date.parse("2026-07-18T08:00:00Z"); // +3 after the due day (July 15th)
    expect(await runDunningJob(env, late, { tenantId: tenant.id }, { maxReminders: 4 })).toEqual({ sent: 4, more: true });
    await scheduleContinuation(env, late - 60_000, { tenantId: tenant.id });
    await scheduleContinuation(env, late, { tenantId: tenant.id });
    expect(await runnerOf(tenant).pending()).toMatchObject({ now: late });
    await drainAlarms(tenant);

    const reminders = await directoryDb(env).select().from(invoiceReminders).where(eq(invoiceReminders.tenantId, tenant.id));
    expect(reminders).toHaveLength(10);
    expect(new Set(reminders.map((r) => `${r.step}:${r.sentOn}`))).toEqual(new Set(["3:2026-07-18"]));
  });

  it("backs off after a failure: 2 s, 4 s, 8 s …, at most 5 minutes, and gives up after a few failures in a row", async () => {
    expect([1, 2, 3, 10, 20].map(continuationBackoffMs)).toEqual([2000, 4000, 8000, 300_000, 300_000]);

    const tenant = await makeTenant();
    const at = Date.parse("2026-07-01T08:00:00Z");
    await tenMembersWithCharges(tenant, at);
    const stub = runnerOf(tenant);
    // The database fails every statement, as an outage would.
    const broken = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare" || prop === "batch") return () => { throw new Error("D1 is down"); };
        return Reflect.get(target, prop) as unknown;
      },
    });
    await runInDurableObject(stub, async (runner: JobRunner, state) => {
      const holder = runner as unknown as { env: typeof env };
      const real = holder.env;
      holder.env = { ...real, DB: broken };
      try {
        await runner.continueAt(at, tenant.id);
        await state.storage.deleteAlarm(); // run by hand below, not by the runtime meanwhile
        for (let failures = 1; failures <= MAX_CONTINUATION_FAILURES; failures++) {
          const before = Date.now();
          await runner.alarm();
          if (failures < MAX_CONTINUATION_FAILURES) {
            expect(await runner.pending()).toMatchObject({ now: at, failures });
            const alarm = await state.storage.getAlarm();
            expect(alarm).toBeGreaterThanOrEqual(before + continuationBackoffMs(failures));
          } else {
            expect(await runner.pending()).toBeNull();
          }
        }
      } finally {
        holder.env = real;
      }
      // The database is back: a new request to continue finishes the work.
      await runner.continueAt(at, tenant.id);
      await state.storage.deleteAlarm();
      await runner.alarm();
      expect(await runner.pending()).toBeNull();
    });
    const issued = await directoryDb(env).select({ number: invoices.number }).from(invoices).where(eq(invoices.tenantId, tenant.id));
    expect(issued).toHaveLength(10);
  });
});
