import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import worker from "..";
import { directoryDb, tenantDb } from "../db/client";
import { outbox } from "../db/schema";
import { app } from "../app";
import { backoffMs, deliverOutbox, enqueueMail, MAX_ATTEMPTS } from "./outbox";
import { passwordResetMail, welcomeMail } from "./templates";
import { DevMailbox, HttpMailTransport, setMailTransportForTests, type MailTransport, type OutgoingMail } from "./transports";
import { call, makeTenant } from "../test/helpers";

class FlakyTransport implements MailTransport {
  sent: OutgoingMail[] = [];
  constructor(public failuresLeft: number) {}
  async send(mail: OutgoingMail) {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error("provider unavailable");
    }
    this.sent.push(mail);
  }
}

afterEach(() => setMailTransportForTests(null));

async function queue(tenantId: string, to: string, now: number) {
  const t = tenantDb(env, { id: tenantId });
  await t.db.batch([enqueueMail(t, welcomeMail("en", { to, name: "R", community: "Retry Club", url: "https://x.example/", brand: { color: "#4f46e5", logoUrl: null } }), now)]);
  const [row] = await t.db.select().from(outbox).where(eq(outbox.to, to));
  return row!;
}

/** A fresh community whose mail goes through a transport that fails `failures` times, and a time a little ahead. */
async function withTransport(failures: number) {
  const tenant = await makeTenant();
  const transport = new FlakyTransport(failures);
  setMailTransportForTests(transport);
  return { tenant, transport, now: Date.now() + 1000 };
}

const stateOf = async (id: string) => (await directoryDb(env).select().from(outbox).where(eq(outbox.id, id)))[0]!;

describe("mail outbox", () => {
  it("survives a failing transport: retried with backoff, sent once it recovers, never twice", async () => {
    const { tenant, transport: flaky, now: t0 } = await withTransport(2);
    const row = await queue(tenant.id, "retry@example.org", t0);
    const mine = { tenantId: tenant.id };

    expect(await deliverOutbox(env, { now: t0, ...mine })).toMatchObject({ sent: 0, retried: 1 });
    let state = await stateOf(row.id);
    expect(state).toMatchObject({ status: "pending", attempts: 1, lastError: "provider unavailable" });
    expect(state.nextAttemptAt).toBe(t0 + backoffMs(1));

    // Not due yet: nothing happens.
    expect(await deliverOutbox(env, { now: t0 + 1, ...mine })).toMatchObject({ sent: 0, retried: 0 });
    const secondTry = state.nextAttemptAt;
    expect(await deliverOutbox(env, { now: secondTry, ...mine })).toMatchObject({ retried: 1 });
    state = await stateOf(row.id);
    // The wait doubles after each failure.
    expect(state.nextAttemptAt).toBe(secondTry + backoffMs(2));
    expect(backoffMs(2)).toBe(2 * backoffMs(1));

    expect(await deliverOutbox(env, { now: state.nextAttemptAt, ...mine })).toMatchObject({ sent: 1 });
    expect(await deliverOutbox(env, { now: state.nextAttemptAt + 86400_000, ...mine })).toMatchObject({ sent: 0, retried: 0 });
    expect(flaky.sent.map((m) => m.to)).toEqual(["retry@example.org"]);
    state = await stateOf(row.id);
    expect(state).toMatchObject({ status: "sent", attempts: 3 });
  });

  it("two drains running at once send each email once", async () => {
    const { tenant, transport, now } = await withTransport(0);
    for (let i = 0; i < 5; i++) await queue(tenant.id, `race${i}@example.org`, now);
    await Promise.all([deliverOutbox(env, { now, tenantId: tenant.id }), deliverOutbox(env, { now, tenantId: tenant.id })]);
    expect(transport.sent.map((m) => m.to).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `race${i}@example.org`));
  });

  it("gives up after the last attempt and marks the email failed", async () => {
    const { tenant, now: start } = await withTransport(1000);
    let now = start;
    const row = await queue(tenant.id, "doomed@example.org", now);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await deliverOutbox(env, { now, tenantId: tenant.id });
      now += backoffMs(MAX_ATTEMPTS);
    }
    const state = await stateOf(row.id);
    expect(state).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
  });

  it("an email claimed by a drain that died is picked up again after its claim lapses", async () => {
    const { tenant, now } = await withTransport(0);
    const row = await queue(tenant.id, "orphan@example.org", now);
    await directoryDb(env).update(outbox).set({ status: "sending", claimedUntil: now + 60_000 }).where(eq(outbox.id, row.id));
    expect(await deliverOutbox(env, { now, tenantId: tenant.id })).toMatchObject({ sent: 0 });
    expect(await deliverOutbox(env, { now: now + 60_001, tenantId: tenant.id })).toMatchObject({ sent: 1 });
  });

  it("the cron trigger drains the outbox", async () => {
    const tenant = await makeTenant();
    const transport = new FlakyTransport(0);
    setMailTransportForTests(transport);
    await queue(tenant.id, "cron@example.org", Date.now() - 1);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 1000, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(transport.sent.map((m) => m.to)).toContain("cron@example.org");
  });

  it("the dev mailbox keeps one copy per outbox row even if a send is retried", async () => {
    const tenant = await makeTenant();
    const box = new DevMailbox(env);
    const mail = { ...welcomeMail("fr", { to: "dup@example.org", name: "D", community: "C", url: "https://c.example/", brand: { color: "#4f46e5", logoUrl: null } }), tenantId: tenant.id, idempotencyKey: `dup-${tenant.id}` };
    await box.send(mail);
    await box.send(mail);
    const list = (await (await call(tenant.host, "GET", "/api/v1/dev/mail?to=dup@example.org")).json()) as unknown[];
    expect(list).toHaveLength(1);
  });

  it("the HTTP transport posts JSON with the key and an idempotency key, and throws on a provider error", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    let status = 200;
    const fetcher = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response("{}", { status });
    }) as unknown as typeof fetch;
    const transport = new HttpMailTransport("https://mail.example/emails", "key-123", "Team <team@example.org>", fetcher);
    const mail = { ...welcomeMail("en", { to: "x@example.org", name: "X", community: "C", url: "https://c.example/", brand: { color: "#4f46e5", logoUrl: null } }), tenantId: "t", idempotencyKey: "out-1" };
    await transport.send(mail);
    const headers = new Headers(calls[0]!.init.headers);
    expect(headers.get("authorization")).toBe("Bearer key-123");
    expect(headers.get("idempotency-key")).toBe("out-1");
    expect(JSON.parse(String(calls[0]!.init.body))).toMatchObject({ from: "Team <team@example.org>", to: ["x@example.org"], subject: mail.subject });
    status = 503;
    await expect(transport.send(mail)).rejects.toThrow(/503/);
  });

  it("templates speak the recipient's language and escape what they include", () => {
    const fr = passwordResetMail("fr", { to: "a@b.c", community: "Café <b>&</b>", url: "https://x.example/reset?token=abc", brand: { color: "#4f46e5", logoUrl: null } });
    const en = passwordResetMail("en", { to: "a@b.c", community: "Café", url: "https://x.example/reset?token=abc", brand: { color: "#4f46e5", logoUrl: null } });
    expect(fr.subject).not.toBe(en.subject);
    expect(fr.html).toContain("Café &lt;b&gt;&amp;&lt;/b&gt;");
    expect(fr.html).not.toContain("<b>&</b>");
    expect(fr.text).toContain("https://x.example/reset?token=abc");
    expect(en.html).toContain('lang="en"');
  });
});

describe("dev mailbox endpoint", () => {
  it("exists in development only", async () => {
    const request = new Request("http://communities.test/api/v1/dev/mail", { headers: { host: "communities.test" } });
    const prod = await app.fetch(request, { ...env, ENVIRONMENT: "production" }, createExecutionContext());
    expect(prod.status).toBe(404);
    const dev = await call("communities.test", "GET", "/api/v1/dev/mail");
    expect(dev.status).toBe(200);
  });
});
