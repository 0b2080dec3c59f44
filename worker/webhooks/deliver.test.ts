import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeEach, describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../db/schema";
import { call, makeTenant, type TestTenant } from "../test/helpers";
import { devMail } from "../test/mail";
import { fakeDns, fakeReceiver } from "../test/webhooks";
import { webhookCreatedAnswer } from "./answers";
import { ATTEMPT_TIMEOUT_MS, deliverWebhooks, DISABLE_AFTER_MS, MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from "./deliver";
import { webhookEvent } from "./emit";
import { retryDelivery } from "./service";
import type { WebhookEventType } from "./types";

const MIN = 60_000;
const DAY = 24 * 3600_000;

beforeEach(() => {
  fakeReceiver().install(); // writes drain after answering: never to the network
  fakeDns({ "hooks.example.com": ["93.184.216.34"] });
});

async function endpointOf(tenant: TestTenant, events: WebhookEventType[] = ["member.created"]) {
  const res = await call(tenant.host, "POST", "/api/v1/webhooks", { json: { url: "https://hooks.example.com/in", events }, cookie: tenant.owner.cookie });
  expect(res.status).toBe(201);
  return webhookCreatedAnswer.parse(await res.json());
}

async function emit(tenant: TestTenant, now: number, data: object = { member: { id: "u1", name: "Ann" } }) {
  const t = tenantDb(env, tenant);
  await t.db.batch([webhookEvent(t, "member.created", data, now)]);
}

/** The development clock: every scheduled job of this community at `at` (webhook delivery among them). */
async function clock(tenant: TestTenant, at: number) {
  const res = await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: new Date(at).toISOString() } });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { ran: string[] }).ran).toContain("webhooks");
}

const deliveriesOf = (endpointId: string) => directoryDb(env).select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
const attemptsOf = (deliveryId: string) => directoryDb(env).select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(webhookAttempts.attemptedAt);
const endpointRow = async (id: string) => (await directoryDb(env).select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0]!;

describe("webhook delivery", () => {
  it("signs per Standard Webhooks: the standardwebhooks package verifies the delivery, webhook-id is the delivery's id", async () => {
    const tenant = await makeTenant();
    const { id, secret } = await endpointOf(tenant);
    const receiver = fakeReceiver();
    receiver.install();
    const t0 = Date.now();
    await emit(tenant, t0);
    await clock(tenant, t0);
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.url).toBe("https://hooks.example.com/in");
    expect(got!.init.method).toBe("POST");
    expect(got!.headers["content-type"]).toBe("application/json");
    const verified = new Webhook(secret).verify(got!.body, got!.headers);
    expect(verified).toMatchObject({ type: "member.created", timestamp: new Date(t0).toISOString(), data: { member: { id: "u1", name: "Ann" } } });
    // A wrong secret does not verify.
    expect(() => new Webhook(`whsec_${btoa("x".repeat(32))}`).verify(got!.body, got!.headers)).toThrow();
    const [delivery] = await deliveriesOf(id);
    expect(got!.headers["webhook-id"]).toBe(delivery!.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, deliveredAt: t0 });
    expect(await attemptsOf(delivery!.id)).toMatchObject([{ ok: true, statusCode: 204, error: null }]);
  });

  it("a receiver failing twice gets the third attempt later (moving the clock), with the same webhook-id, and nothing twice", async () => {
    const tenant = await makeTenant();
    const { id, secret } = await endpointOf(tenant);
    const receiver = fakeReceiver((_r, n) => new Response("down", { status: n <= 2 ? 503 : 200 }));
    receiver.install();
    const t0 = Date.now();
    await emit(tenant, t0);
    await clock(tenant, t0);
    expect(receiver.received).toHaveLength(1);
    await clock(tenant, t0); // the same time again: nothing
    await clock(tenant, t0 + RETRY_SCHEDULE_MS[0] - 1); // not yet due
    expect(receiver.received).toHaveLength(1);
    await clock(tenant, t0 + RETRY_SCHEDULE_MS[0]);
    expect(receiver.received).toHaveLength(2);
    const third = t0 + RETRY_SCHEDULE_MS[0] + RETRY_SCHEDULE_MS[1];
    await clock(tenant, third - 1);
    expect(receiver.received).toHaveLength(2);
    await clock(tenant, third);
    expect(receiver.received).toHaveLength(3);
    await clock(tenant, third + DAY);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    for (const r of receiver.received) expect(() => new Webhook(secret).verify(r.body, r.headers)).not.toThrow();
    const [delivery] = await deliveriesOf(id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, deliveredAt: third });
    expect((await attemptsOf(delivery!.id)).map((a) => [a.ok, a.statusCode, a.attemptedAt])).toEqual([
      [false, 503, t0],
      [false, 503, t0 + RETRY_SCHEDULE_MS[0]],
      [true, 200, third],
    ]);
    // The endpoint's failure streak was cleared by the success.
    expect((await endpointRow(id)).failingSince).toBeNull();
  });

  it("retries on the schedule for more than 24 hours, then fails the delivery", async () => {
    expect(RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(DAY);
    const tenant = await makeTenant();
    const { id } = await endpointOf(tenant);
    const receiver = fakeReceiver(() => new Response(null, { status: 500 }));
    let at = Date.now();
    await emit(tenant, at);
    for (let n = 1; n <= MAX_ATTEMPTS; n++) {
      await deliverWebhooks(env, { now: at, tenantId: tenant.id, fetch: receiver.fetch });
      expect(receiver.received).toHaveLength(n);
      at += RETRY_SCHEDULE_MS[n - 1] ?? DAY;
    }
    await deliverWebhooks(env, { now: at + DAY, tenantId: tenant.id, fetch: receiver.fetch });
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    const [delivery] = await deliveriesOf(id);
    expect(delivery).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, lastError: "HTTP 500." });
  });

  it("concurrent drains never send the same delivery twice", async () => {
    const tenant = await makeTenant();
    await endpointOf(tenant);
    await endpointOf(tenant);
    const now = Date.now();
    for (let i = 0; i < 15; i++) await emit(tenant, now, { member: { id: `u${i}` } });
    const receiver = fakeReceiver(async () => {
      await new Promise((r) => setTimeout(r, 5));
      return new Response(null, { status: 200 });
    });
    const reports = await Promise.all(Array.from({ length: 5 }, () => deliverWebhooks(env, { now, tenantId: tenant.id, fetch: receiver.fetch })));
    const ids = receiver.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(30);
  });

  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    const tenant = await makeTenant();
    const { id } = await endpointOf(tenant);
    const receiver = fakeReceiver(() => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data" } }));
    const now = Date.now();
    await emit(tenant, now);
    await deliverWebhooks(env, { now, tenantId: tenant.id, fetch: receiver.fetch });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.init.redirect).toBe("manual");
    const [delivery] = await deliveriesOf(id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: now + RETRY_SCHEDULE_MS[0] });
    expect(await attemptsOf(delivery!.id)).toMatchObject([{ ok: false, statusCode: 302, error: "Redirect (HTTP 302) not followed." }]);
  });

  it("gives an attempt 10 s: a receiver that does not answer in time is a failed attempt", async () => {
    expect(ATTEMPT_TIMEOUT_MS).toBe(10_000);
    const tenant = await makeTenant();
    const { id } = await endpointOf(tenant);
    const receiver = fakeReceiver(
      (r) =>
        new Promise<Response>((_resolve, reject) => {
          const signal = r.init.signal!;
          signal.addEventListener("abort", () => reject(signal.reason));
        }),
    );
    const now = Date.now();
    await emit(tenant, now);
    const report = await deliverWebhooks(env, { now, tenantId: tenant.id, fetch: receiver.fetch, timeoutMs: 50 });
    expect(report).toMatchObject({ delivered: 0, retried: 1 });
    const [delivery] = await deliveriesOf(id);
    expect(await attemptsOf(delivery!.id)).toMatchObject([{ ok: false, statusCode: null, error: "No answer within 0.05 s." }]);
  });

  it("checks the address again before each attempt: a name now resolving to a private address gets nothing", async () => {
    const tenant = await makeTenant();
    const { id } = await endpointOf(tenant);
    fakeDns({ "hooks.example.com": ["10.0.0.5"] });
    const receiver = fakeReceiver();
    const now = Date.now();
    await emit(tenant, now);
    await deliverWebhooks(env, { now, tenantId: tenant.id, fetch: receiver.fetch });
    expect(receiver.received).toHaveLength(0);
    const [delivery] = await deliveriesOf(id);
    expect(await attemptsOf(delivery!.id)).toMatchObject([{ ok: false, statusCode: null, error: "Address refused (private)." }]);
  });

  it("disables an endpoint after 5 days of failures and emails the owner, once; later events are not queued for it", async () => {
    const tenant = await makeTenant();
    const { id } = await endpointOf(tenant);
    fakeReceiver(() => new Response(null, { status: 500 })).install();
    const t0 = Date.now();
    await emit(tenant, t0);
    await clock(tenant, t0);
    expect((await endpointRow(id)).failingSince).toBe(t0);
    await emit(tenant, t0 + 4 * DAY);
    await clock(tenant, t0 + 4 * DAY);
    expect(await endpointRow(id)).toMatchObject({ enabled: true, failingSince: t0 });
    expect(await devMail(tenant.host, tenant.owner.email)).toHaveLength(1); // the welcome email only
    const later = t0 + DISABLE_AFTER_MS + MIN;
    await emit(tenant, later);
    await clock(tenant, later);
    expect(await endpointRow(id)).toMatchObject({ enabled: false, disabledReason: "failures", disabledAt: later });
    const mails = (await devMail(tenant.host, tenant.owner.email)).filter((m) => m.text.includes("https://hooks.example.com/in"));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain("/admin/integrations");
    expect((await deliveriesOf(id)).every((d) => d.status === "failed")).toBe(true);
    const answered = await call(tenant.host, "GET", `/api/v1/webhooks/${id}`, { cookie: tenant.owner.cookie });
    expect(((await answered.json()) as { webhook: { enabled: boolean; disabledReason: string } }).webhook).toMatchObject({ enabled: false, disabledReason: "failures" });
    await emit(tenant, later + MIN);
    await clock(tenant, later + DAY);
    expect(await deliveriesOf(id)).toHaveLength(3);
    expect((await devMail(tenant.host, tenant.owner.email)).filter((m) => m.text.includes("https://hooks.example.com/in"))).toHaveLength(1);
    // Enabling it again clears the streak.
    const enabled = await call(tenant.host, "PATCH", `/api/v1/webhooks/${id}`, { json: { enabled: true }, cookie: tenant.owner.cookie });
    expect(((await enabled.json()) as { webhook: unknown }).webhook).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it("a success clears the failure streak: failures 5 days apart with a success between do not disable", async () => {
    const tenant = await makeTenant();
    const { id } = await endpointOf(tenant);
    let up = false;
    fakeReceiver(() => new Response(null, { status: up ? 200 : 500 })).install();
    const t0 = Date.now();
    await emit(tenant, t0);
    await clock(tenant, t0);
    up = true;
    await emit(tenant, t0 + DAY);
    await clock(tenant, t0 + DAY);
    expect((await endpointRow(id)).failingSince).toBeNull();
    up = false;
    await emit(tenant, t0 + DISABLE_AFTER_MS + MIN);
    await clock(tenant, t0 + DISABLE_AFTER_MS + MIN);
    expect(await endpointRow(id)).toMatchObject({ enabled: true, failingSince: t0 + DISABLE_AFTER_MS + MIN });
  });

  it("send again re-queues a failed delivery with the same webhook-id", async () => {
    const tenant = await makeTenant();
    const { id, secret } = await endpointOf(tenant);
    const t = tenantDb(env, tenant);
    let up = false;
    const receiver = fakeReceiver(() => new Response(null, { status: up ? 200 : 500 }));
    let at = Date.now();
    await emit(tenant, at);
    for (let n = 1; n <= MAX_ATTEMPTS; n++) {
      await deliverWebhooks(env, { now: at, tenantId: tenant.id, fetch: receiver.fetch });
      at += RETRY_SCHEDULE_MS[n - 1] ?? MIN;
    }
    const [failed] = await deliveriesOf(id);
    expect(failed!.status).toBe("failed");
    up = true;
    const requeued = await retryDelivery(t, failed!.id, at);
    expect(requeued).toMatchObject({ id: failed!.id, status: "pending" });
    await deliverWebhooks(env, { now: at, tenantId: tenant.id, fetch: receiver.fetch });
    const last = receiver.received[receiver.received.length - 1]!;
    expect(last.headers["webhook-id"]).toBe(failed!.id);
    expect(() => new Webhook(secret).verify(last.body, last.headers)).not.toThrow();
    expect((await deliveriesOf(id))[0]).toMatchObject({ status: "delivered", attempts: 1 });
    expect(await attemptsOf(failed!.id)).toHaveLength(MAX_ATTEMPTS + 1);
  });
});
