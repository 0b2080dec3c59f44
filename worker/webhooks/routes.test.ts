import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeEach, describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import { call, errorCode, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { fakeDns, fakeReceiver } from "../test/webhooks";
import { webhookCreatedAnswer, webhookDeliveryListAnswer, webhookDeliveryOneAnswer, webhookListAnswer, webhookOneAnswer, webhookSecretAnswer } from "./answers";
import { webhookEvent } from "./emit";
import { deliverWebhooks, MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from "./deliver";
import { createWebhook, MAX_WEBHOOKS, type WebhookConfig } from "./service";

beforeEach(() => {
  // The writes below drain webhooks after answering (waitUntil): never to the network.
  fakeReceiver().install();
  fakeDns({ "hooks.example.com": ["93.184.216.34"], "internal.example.com": ["10.0.0.7"], "sneaky.example.com": ["93.184.216.34", "127.0.0.1"] });
});

const create = (tenant: TestTenant, json: unknown, cookie = tenant.owner.cookie) => call(tenant.host, "POST", "/api/v1/webhooks", { json, cookie });

describe("webhooks API", () => {
  it("creates an endpoint: 201 {id, secret} with a whsec_ secret of 32 bytes, shown once and stored sealed", async () => {
    const tenant = await makeTenant();
    const res = await create(tenant, { url: "https://hooks.example.com/in", events: ["member.created", "booking.created"] });
    expect(res.status).toBe(201);
    const body = webhookCreatedAnswer.parse(await res.json());
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(body.secret.slice(6))).toHaveLength(32);
    expect(() => new Webhook(body.secret)).not.toThrow();
    expect(body.webhook).toMatchObject({ id: body.id, url: "https://hooks.example.com/in", events: ["member.created", "booking.created"], enabled: true, disabledReason: null, failingSince: null });

    // Never again: not in the list, not in the GET, and not in clear in D1.
    const list = await call(tenant.host, "GET", "/api/v1/webhooks", { cookie: tenant.owner.cookie });
    const listed = webhookListAnswer.parse(await list.json());
    expect(listed.items.map((w) => w.id)).toEqual([body.id]);
    expect(JSON.stringify(listed)).not.toContain(body.secret);
    const one = await call(tenant.host, "GET", `/api/v1/webhooks/${body.id}`, { cookie: tenant.owner.cookie });
    expect(JSON.stringify(webhookOneAnswer.parse(await one.json()))).not.toContain("whsec_");
    const [row] = await directoryDb(env).select().from(webhookEndpoints).where(eq(webhookEndpoints.id, body.id));
    expect(row!.secretSealed).toMatch(/^v1\./);
    expect(row!.secretSealed).not.toContain(body.secret.slice(6, 20));
  });

  it("updates, rotates the secret (the new one signs), and deletes", async () => {
    const tenant = await makeTenant();
    const { id, secret } = webhookCreatedAnswer.parse(await (await create(tenant, { url: "https://hooks.example.com/in", events: ["member.created"] })).json());
    const patched = await call(tenant.host, "PATCH", `/api/v1/webhooks/${id}`, { json: { events: ["issue.created", "invoice.paid"], enabled: false }, cookie: tenant.owner.cookie });
    expect(patched.status).toBe(200);
    expect(webhookOneAnswer.parse(await patched.json()).webhook).toMatchObject({ events: ["issue.created", "invoice.paid"], enabled: false });
    const urlChanged = await call(tenant.host, "PATCH", `/api/v1/webhooks/${id}`, { json: { url: "https://hooks.example.com/v2", enabled: true }, cookie: tenant.owner.cookie });
    expect(webhookOneAnswer.parse(await urlChanged.json()).webhook).toMatchObject({ url: "https://hooks.example.com/v2", enabled: true });

    const rotated = await call(tenant.host, "POST", `/api/v1/webhooks/${id}/rotate-secret`, { cookie: tenant.owner.cookie });
    expect(rotated.status).toBe(200);
    const fresh = webhookSecretAnswer.parse(await rotated.json()).secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);

    const gone = await call(tenant.host, "DELETE", `/api/v1/webhooks/${id}`, { cookie: tenant.owner.cookie });
    expect(gone.status).toBe(204);
    expect((await call(tenant.host, "GET", `/api/v1/webhooks/${id}`, { cookie: tenant.owner.cookie })).status).toBe(404);
    expect((await call(tenant.host, "DELETE", `/api/v1/webhooks/${id}`, { cookie: tenant.owner.cookie })).status).toBe(404);
  });

  it("answers 422 unknown_event_type for a type the contract does not have", async () => {
    const tenant = await makeTenant();
    const res = await create(tenant, { url: "https://hooks.example.com/in", events: ["member.created", "member.exploded"] });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe("unknown_event_type");
    expect(body.error.fields.events).toContain("member.exploded");
    const { id } = webhookCreatedAnswer.parse(await (await create(tenant, { url: "https://hooks.example.com/in", events: ["member.created"] })).json());
    const patch = await call(tenant.host, "PATCH", `/api/v1/webhooks/${id}`, { json: { events: ["nope"] }, cookie: tenant.owner.cookie });
    expect(patch.status).toBe(422);
    expect(await errorCode(patch)).toBe("unknown_event_type");
    expect((await create(tenant, { url: "https://hooks.example.com/in", events: [] })).status).toBe(422);
  });

  it("refuses http, private, loopback and link-local URLs outside development (422 with fields.url), names resolved", async () => {
    const tenant = await makeTenant();
    const refused = [
      "http://hooks.example.com/in",
      "https://127.0.0.1/in",
      "https://localhost/in",
      "https://[::1]/in",
      "https://10.0.0.1/in",
      "https://192.168.1.20/in",
      "https://169.254.169.254/latest/meta-data",
      "https://[::ffff:127.0.0.1]/in",
      "https://internal.example.com/in",
      "https://sneaky.example.com/in",
      "https://unknown.example.com/in",
    ];
    for (const url of refused) {
      const res = await create(tenant, { url, events: ["member.created"] });
      expect(res.status, url).toBe(422);
      const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } };
      expect(body.error.code, url).toBe("validation_failed");
      expect(body.error.fields.url, url).toMatch(/https:\/\/|private|could not be found/);
    }
    const { id } = webhookCreatedAnswer.parse(await (await create(tenant, { url: "https://hooks.example.com/in", events: ["member.created"] })).json());
    const patch = await call(tenant.host, "PATCH", `/api/v1/webhooks/${id}`, { json: { url: "https://10.0.0.1/in" }, cookie: tenant.owner.cookie });
    expect(patch.status).toBe(422);
    expect(((await patch.json()) as { error: { fields: Record<string, string> } }).error.fields.url).toContain("private");
  });

  it("is for owners and admins: a member gets 403, a visitor 401", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, `m-${Date.now()}@example.org`);
    expect((await create(tenant, { url: "https://hooks.example.com/in", events: ["member.created"] }, member.cookie)).status).toBe(403);
    expect((await call(tenant.host, "GET", "/api/v1/webhooks", { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "GET", "/api/v1/webhooks")).status).toBe(401);
    const { id } = webhookCreatedAnswer.parse(await (await create(tenant, { url: "https://hooks.example.com/in", events: ["member.created"] })).json());
    for (const [method, path] of [
      ["GET", `/api/v1/webhooks/${id}`],
      ["PATCH", `/api/v1/webhooks/${id}`],
      ["DELETE", `/api/v1/webhooks/${id}`],
      ["POST", `/api/v1/webhooks/${id}/rotate-secret`],
      ["GET", `/api/v1/webhooks/${id}/deliveries`],
      ["POST", `/api/v1/webhooks/deliveries/x/retry`],
    ] as const) {
      expect((await call(tenant.host, method, path, { cookie: member.cookie, ...(method === "PATCH" ? { json: {} } : {}) })).status, `${method} ${path}`).toBe(403);
    }
  });

  it("keeps tenants apart: another community's webhook or delivery id answers 404", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const { id } = webhookCreatedAnswer.parse(await (await create(a, { url: "https://hooks.example.com/in", events: ["member.created"] })).json());
    const ta = tenantDb(env, a);
    await ta.db.batch([webhookEvent(ta, "member.created", { member: { id: "u" } }, Date.now())]);
    const deliveries = webhookDeliveryListAnswer.parse(await (await call(a.host, "GET", `/api/v1/webhooks/${id}/deliveries`, { cookie: a.owner.cookie })).json());
    const deliveryId = deliveries.items[0]!.id;
    for (const [method, path] of [
      ["GET", `/api/v1/webhooks/${id}`],
      ["PATCH", `/api/v1/webhooks/${id}`],
      ["DELETE", `/api/v1/webhooks/${id}`],
      ["POST", `/api/v1/webhooks/${id}/rotate-secret`],
      ["GET", `/api/v1/webhooks/${id}/deliveries`],
      ["POST", `/api/v1/webhooks/deliveries/${deliveryId}/retry`],
    ] as const) {
      const res = await call(b.host, method, path, { cookie: b.owner.cookie, ...(method === "PATCH" ? { json: { enabled: false } } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(webhookListAnswer.parse(await (await call(b.host, "GET", "/api/v1/webhooks", { cookie: b.owner.cookie })).json()).items).toEqual([]);
    // Still there, untouched, for its own community.
    expect(webhookOneAnswer.parse(await (await call(a.host, "GET", `/api/v1/webhooks/${id}`, { cookie: a.owner.cookie })).json()).webhook.enabled).toBe(true);
  });

  it("lists deliveries newest first with their attempts, pages with a cursor, and sends one again", async () => {
    const tenant = await makeTenant();
    const { id } = webhookCreatedAnswer.parse(await (await create(tenant, { url: "https://hooks.example.com/in", events: ["issue.created"] })).json());
    const t = tenantDb(env, tenant);
    const t0 = Date.now();
    await t.db.batch([webhookEvent(t, "issue.created", { issue: { id: "i1" } }, t0), webhookEvent(t, "issue.created", { issue: { id: "i2" } }, t0 + 1)]);
    await deliverWebhooks(env, { now: t0 + 1, tenantId: tenant.id, fetch: async () => new Response("no", { status: 500 }) });
    const page1 = webhookDeliveryListAnswer.parse(await (await call(tenant.host, "GET", `/api/v1/webhooks/${id}/deliveries?limit=1`, { cookie: tenant.owner.cookie })).json());
    expect(page1.items).toHaveLength(1);
    expect(page1.items[0]!.payload).toMatchObject({ type: "issue.created", data: { issue: { id: "i2" } } });
    expect(page1.items[0]!.attempts).toMatchObject([{ ok: false, statusCode: 500 }]);
    expect(page1.items[0]!.status).toBe("pending");
    const page2 = webhookDeliveryListAnswer.parse(await (await call(tenant.host, "GET", `/api/v1/webhooks/${id}/deliveries?limit=1&cursor=${page1.nextCursor}`, { cookie: tenant.owner.cookie })).json());
    expect(page2.items[0]!.payload.data).toEqual({ issue: { id: "i1" } });
    expect(page2.nextCursor).toBeNull();
    expect((await call(tenant.host, "GET", `/api/v1/webhooks/${id}/deliveries?cursor=junk`, { cookie: tenant.owner.cookie })).status).toBe(400);

    const retried = await call(tenant.host, "POST", `/api/v1/webhooks/deliveries/${page2.items[0]!.id}/retry`, { cookie: tenant.owner.cookie });
    expect(retried.status).toBe(200);
    const delivery = webhookDeliveryOneAnswer.parse(await retried.json()).delivery;
    expect(delivery).toMatchObject({ id: page2.items[0]!.id, status: "pending" });
    expect(Date.parse(delivery.nextAttemptAt!)).toBeLessThanOrEqual(Date.now());
    expect((await call(tenant.host, "POST", `/api/v1/webhooks/deliveries/nope/retry`, { cookie: tenant.owner.cookie })).status).toBe(404);
  });

  it("allows http and loopback in development only, never private ranges; needs SECRETS_KEY", async () => {
    const tenant = await makeTenant();
    const t = tenantDb(env, tenant);
    const dev: WebhookConfig = { secretsKey: "k", urls: { development: true, resolve: async () => [] } };
    const input = (url: string) => ({ url, events: ["member.created"] });
    expect((await createWebhook(t, dev, null, input("http://127.0.0.1:9000/hooks"), 1)).webhook.url).toBe("http://127.0.0.1:9000/hooks");
    expect((await createWebhook(t, dev, null, input("http://localhost:9000/hooks"), 1)).secret).toMatch(/^whsec_/);
    await expect(createWebhook(t, dev, null, input("http://10.0.0.1/hooks"), 1)).rejects.toMatchObject({ status: 422, fields: { url: "webhooks.url.private" } });
    await expect(createWebhook(t, dev, null, input("http://192.168.1.1/hooks"), 1)).rejects.toMatchObject({ status: 422 });
    await expect(createWebhook(t, { ...dev, urls: { ...dev.urls, development: false } }, null, input("http://127.0.0.1:9000/hooks"), 1)).rejects.toMatchObject({ status: 422, fields: { url: "webhooks.url.https" } });
    await expect(createWebhook(t, { ...dev, secretsKey: null }, null, input("http://127.0.0.1:9000/hooks"), 1)).rejects.toMatchObject({ status: 409, code: "webhooks_unavailable" });
  });

  it(`caps a community at ${MAX_WEBHOOKS} endpoints (429 too_many_webhooks); deleting one makes room`, async () => {
    const tenant = await makeTenant();
    const made = await Promise.all(Array.from({ length: MAX_WEBHOOKS + 3 }, () => create(tenant, { url: "https://hooks.example.com/in", events: ["member.created"] })));
    expect(made.filter((r) => r.status === 201)).toHaveLength(MAX_WEBHOOKS);
    const refused = made.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    expect(await errorCode(refused[0]!)).toBe("too_many_webhooks");
    const { id } = webhookCreatedAnswer.parse(await made.find((r) => r.status === 201)!.json());
    expect((await call(tenant.host, "DELETE", `/api/v1/webhooks/${id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await create(tenant, { url: "https://hooks.example.com/in", events: ["member.created"] })).status).toBe(201);
  });

  it("a write request sends the webhooks it queued soon after answering (no cron needed)", async () => {
    const tenant = await makeTenant();
    const { id } = webhookCreatedAnswer.parse(await (await create(tenant, { url: "https://hooks.example.com/in", events: ["issue.created"] })).json());
    const t = tenantDb(env, tenant);
    const t0 = Date.now() - 2 * 24 * 3600_000;
    await t.db.batch([webhookEvent(t, "issue.created", { issue: { id: "i1" } }, t0)]);
    let at = t0;
    for (let n = 1; n <= MAX_ATTEMPTS; n++) {
      await deliverWebhooks(env, { now: at, tenantId: tenant.id, fetch: async () => new Response(null, { status: 500 }) });
      at += RETRY_SCHEDULE_MS[n - 1] ?? 0;
    }
    const receiver = fakeReceiver();
    receiver.install();
    const [failed] = webhookDeliveryListAnswer.parse(await (await call(tenant.host, "GET", `/api/v1/webhooks/${id}/deliveries`, { cookie: tenant.owner.cookie })).json()).items;
    expect(failed!.status).toBe("failed");
    // "Send again" only re-queues; the delivery leaves after the answer (waitUntil).
    expect((await call(tenant.host, "POST", `/api/v1/webhooks/deliveries/${failed!.id}/retry`, { cookie: tenant.owner.cookie })).status).toBe(200);
    for (let i = 0; i < 50 && receiver.received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([failed!.id]);
  });
});
