import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Context } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { devMail, outbox } from "../db/schema";
import type { AppEnv, Bindings } from "../env";
import { countingD1 } from "../test/counting";
import { makeTenant } from "../test/helpers";
import { deliverSoon } from "./deliver";
import { deliverOutbox, enqueueMail } from "./outbox";
import { welcomeMail } from "./templates";
import { DevMailbox, setMailTransportForTests, type OutgoingMail } from "./transports";

// What the drain after a write costs in D1 calls (each call on workerd costs far more than the
// SQL it runs): a booking's confirmation carries an .ics, so it cannot ride Resend's batch
// endpoint, but the dev mailbox (development, tests, benches) stores a whole group in one batch.
// A round is a claim, one store, and the outcome (folded into the next claim when there is one),
// with no empty claim at the end when the round's claim already came back short.

afterEach(() => setMailTransportForTests(null));

const ics = btoa("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:b1@test\r\nDTSTART:20270101T090000Z\r\nDTEND:20270101T100000Z\r\nSUMMARY:Room\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");

/** `count` confirmation-like emails (each with an .ics) queued for a fresh community whose outbox starts empty. */
async function queued(count: number, now: number) {
  const tenant = await makeTenant();
  const t = tenantDb(env, { id: tenant.id });
  // The owner's welcome email leaves after makeTenant's answer: let that drain end first (it would share the count).
  for (let i = 0; i < 100; i++) {
    const waiting = await directoryDb(env).select({ id: outbox.id }).from(outbox).where(and(eq(outbox.tenantId, tenant.id), inArray(outbox.status, ["pending", "sending"])));
    if (waiting.length === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await directoryDb(env).delete(outbox).where(eq(outbox.tenantId, tenant.id));
  const mail = (i: number) => ({
    ...welcomeMail("en", { to: `drain-${i}@example.org`, name: "D", community: "C", url: "https://c.example/", brand: { color: "#4f46e5", logoUrl: null } }),
    attachments: [{ filename: "booking.ics", contentType: "text/calendar", content: ics }],
  });
  const inserts = Array.from({ length: count }, (_, i) => enqueueMail(t, mail(i), now));
  for (let i = 0; i < inserts.length; i += 50) {
    const [first, ...rest] = inserts.slice(i, i + 50);
    await t.db.batch([first!, ...rest]);
  }
  return tenant;
}

/** Every email of the community went once: sent in the outbox after one attempt, one copy in the dev mailbox. */
async function expectAllSentOnce(tenantId: string, count: number) {
  const states = await directoryDb(env)
    .select({ status: outbox.status, attempts: outbox.attempts, n: sql<number>`count(*)` })
    .from(outbox)
    .where(eq(outbox.tenantId, tenantId))
    .groupBy(outbox.status, outbox.attempts);
  expect(states).toEqual([{ status: "sent", attempts: 1, n: count }]);
  // The dev mailbox also holds the owner's welcome email, sent before these were queued.
  const box = (await directoryDb(env).select({ to: devMail.to, attachments: devMail.attachments }).from(devMail).where(eq(devMail.tenantId, tenantId))).filter((m) => m.to.startsWith("drain-") || m.to === "late@example.org");
  expect(box).toHaveLength(count);
  expect(new Set(box.map((m) => m.to)).size).toBe(count);
  expect(box.every((m) => m.attachments?.[0]?.filename === "booking.ics")).toBe(true);
}

describe("the drain's D1 calls per email (emails with an .ics, the dev mailbox)", () => {
  for (const count of [1, 10, 100]) {
    it(`${count} queued: one claim, one store, one outcome — 3 calls, no empty claim after`, async () => {
      // Far ahead, so that no drain on the real clock finds these rows due.
      const now = Date.now() + 400 * 86400_000;
      const tenant = await queued(count, now);
      const counted = countingD1(env.DB);
      const report = await deliverOutbox({ ...env, DB: counted.db }, { now: now + 1000, tenantId: tenant.id });
      expect(counted.calls()).toBe(3);
      expect(report).toMatchObject({ sent: count, failed: 0, retried: 0, more: false, calls: 1 });
      await expectAllSentOnce(tenant.id, count);
    });
  }

  it("a claim that fails still writes the outcome it carried: the emails it sent are marked sent, not sent again when their claim lapses", async () => {
    const now = Date.now() + 400 * 86400_000;
    const tenant = await queued(3, now);
    let batches = 0;
    // D1 refuses the third batch: the claim that carries the first group's outcome.
    const failing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch")
          return (statements: D1PreparedStatement[]) => {
            if (++batches === 3) return Promise.reject(new Error("D1 is overloaded"));
            return target.batch(statements);
          };
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(deliverOutbox({ ...env, DB: failing }, { now: now + 1000, tenantId: tenant.id, asked: () => true })).rejects.toThrow("D1 is overloaded");
    await expectAllSentOnce(tenant.id, 3);
  });

  it("deliverSoon: an email queued while the drain runs goes in the same drain (its claim folded with the first group's outcome), none lost, none twice", async () => {
    const now = Date.now() - 1000;
    const tenant = await queued(10, now);
    const counted = countingD1(env.DB);
    const countedEnv: Bindings = { ...env, DB: counted.db };
    // The mailbox holds its first group until a second request has queued its email and asked for a round.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let stores = 0;
    class GatedBox extends DevMailbox {
      override async sendBatch(mails: OutgoingMail[]): Promise<void> {
        if (stores++ === 0) await gate;
        return super.sendBatch(mails);
      }
    }
    setMailTransportForTests(new GatedBox(countedEnv));
    const ctx = createExecutionContext();
    const c = { get: (key: string) => (key === "tenant" ? { id: tenant.id } : undefined), env: countedEnv, executionCtx: ctx } as unknown as Context<AppEnv>;
    deliverSoon(c);
    for (let i = 0; i < 100 && stores === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(stores).toBe(1);
    const t = tenantDb(env, { id: tenant.id });
    await t.db.batch([enqueueMail(t, { ...welcomeMail("en", { to: "late@example.org", name: "L", community: "C", url: "https://c.example/", brand: { color: "#4f46e5", logoUrl: null } }), attachments: [{ filename: "booking.ics", contentType: "text/calendar", content: ics }] }, now)]);
    deliverSoon(c); // the second request: the drain is running, so it asks for one more round
    open();
    await waitOnExecutionContext(ctx);
    await expectAllSentOnce(tenant.id, 11);
    // claim, store, (outcome + claim), store, outcome: the second round's claim carried the first's outcome.
    expect(stores).toBe(2);
    expect(counted.calls()).toBe(5);
    const late = await directoryDb(env).select().from(outbox).where(and(eq(outbox.tenantId, tenant.id), eq(outbox.to, "late@example.org")));
    expect(late[0]).toMatchObject({ status: "sent", attempts: 1 });
  });
});
