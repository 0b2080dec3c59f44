import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import worker from "../index";
import { countingD1 } from "../test/counting";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { fakeDns, fakeReceiver, resetWebhookFakes } from "../test/webhooks";
import { webhookCreatedAnswer } from "./answers";

// The webhooks' check after every write on a community's host: a community without an enabled
// endpoint (most of them) costs no D1 read after the answer; one whose endpoint was just
// created, or enabled again, gets its deliveries right after the write that queued them.

beforeEach(() => {
  fakeReceiver().install();
  fakeDns({ "hooks.example.com": ["93.184.216.34"] });
});
afterEach(() => resetWebhookFakes());

/** A write on the community's host (a profile change, which emits no webhook), counted with what runs after its answer. */
async function countedWrite(tenant: TestTenant, name: string): Promise<{ status: number; sql: string[]; calls: number }> {
  const counted = countingD1(env.DB);
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://${tenant.host}/api/v1/me/profile`, { method: "PATCH", headers: { host: tenant.host, cookie: tenant.owner.cookie, "content-type": "application/json" }, body: JSON.stringify({ name }) }),
    { ...env, DB: counted.db },
    ctx,
  );
  await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, sql: [...counted.sql], calls: counted.calls() };
}

const webhookReads = (sql: string[]) => sql.filter((s) => /webhook_/.test(s));

async function until(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe("the webhooks' check after a write", () => {
  it("reads nothing after a write in a community without an enabled endpoint (none, or only a disabled one)", async () => {
    const tenant = await makeTenant();
    await countedWrite(tenant, "Warm"); // this isolate learns the community has no endpoint
    const none = await countedWrite(tenant, "No hooks");
    expect(none.status).toBe(200);
    expect(webhookReads(none.sql)).toEqual([]);

    const made = await call(tenant.host, "POST", "/api/v1/webhooks", { cookie: tenant.owner.cookie, json: { url: "https://hooks.example.com/in", events: ["member.created"] } });
    const { id } = webhookCreatedAnswer.parse(await made.json());
    expect((await call(tenant.host, "PATCH", `/api/v1/webhooks/${id}`, { cookie: tenant.owner.cookie, json: { enabled: false } })).status).toBe(200);
    await countedWrite(tenant, "Warm again");
    const disabled = await countedWrite(tenant, "Disabled hook");
    expect(disabled.status).toBe(200);
    expect(webhookReads(disabled.sql)).toEqual([]);
  });

  it("an endpoint created, then a write that queues an event: delivered right after the answer; the same once disabled then enabled again", async () => {
    const tenant = await makeTenant();
    const receiver = fakeReceiver();
    receiver.install();
    await countedWrite(tenant, "Warm"); // the isolate knows "no endpoint" before the endpoint is created
    const made = await call(tenant.host, "POST", "/api/v1/webhooks", { cookie: tenant.owner.cookie, json: { url: "https://hooks.example.com/in", events: ["member.created"] } });
    expect(made.status).toBe(201);
    const { id } = webhookCreatedAnswer.parse(await made.json());
    const ann = await signUpMember(tenant, "ann@example.org", "Ann Hook");
    await until(() => receiver.received.length >= 1);
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id)).toEqual([ann.id]);
    // With an enabled endpoint the check reads, as before (one indexed read when nothing is due).
    expect(webhookReads((await countedWrite(tenant, "With a hook")).sql).length).toBeGreaterThan(0);

    expect((await call(tenant.host, "PATCH", `/api/v1/webhooks/${id}`, { cookie: tenant.owner.cookie, json: { enabled: false } })).status).toBe(200);
    await countedWrite(tenant, "Off");
    expect((await call(tenant.host, "PATCH", `/api/v1/webhooks/${id}`, { cookie: tenant.owner.cookie, json: { enabled: true } })).status).toBe(200);
    const bob = await signUpMember(tenant, "bob@example.org", "Bob Hook");
    await until(() => receiver.received.length >= 2);
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id)).toEqual([ann.id, bob.id]);
  });
});
