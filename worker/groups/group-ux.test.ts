import { describe, expect, it } from "vitest";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded" },
});
const page = (tenant: TestTenant, path: string, cookie?: string) => call(tenant.host, "GET", path, cookie ? { cookie } : {});
const post = (tenant: TestTenant, path: string, cookie: string, fields: Record<string, string>) => call(tenant.host, "POST", path, { cookie, ...form(fields) });

async function setup(slug = "makers") {
  const tenant = await makeTenant();
  expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Makers", slug, joinPolicy: "open" } })).status).toBe(201);
  const alice = await signUpMember(tenant, "alice@makers.example", "Alice Author");
  expect((await call(tenant.host, "POST", `/api/v1/groups/${slug}/join`, { cookie: alice.cookie, json: { answers: {} } })).status).toBe(200);
  const bob = await signUpMember(tenant, "bob@makers.example", "Bob Reader");
  expect((await call(tenant.host, "POST", `/api/v1/groups/${slug}/join`, { cookie: bob.cookie, json: { answers: {} } })).status).toBe(200);
  return { tenant, alice, bob };
}

async function thread(tenant: TestTenant, cookie: string, title: string, body = "Some text") {
  const res = await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie, json: { title, body } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { thread: { id: string } }).thread.id;
}

describe("hidden posts are explained to their author", () => {
  it("a hidden thread: its author sees a notice with the report's reason, others a 404", async () => {
    const { tenant, alice, bob } = await setup();
    const id = await thread(tenant, alice.cookie, "Selling my bike", "Cheap bike, DM me");
    expect((await call(tenant.host, "POST", "/api/v1/groups/makers/reports", { cookie: bob.cookie, json: { targetType: "thread", targetId: id, reason: "Advertising is not allowed" } })).status).toBe(201);
    expect((await post(tenant, "/g/makers/moderation/hide", tenant.owner.cookie, { targetType: "thread", targetId: id })).status).toBe(303);

    const mine = await page(tenant, `/g/makers/t/${id}`, alice.cookie);
    expect(mine.status).toBe(200);
    const html = await mine.text();
    expect(html).toContain("Votre discussion a été masquée par un modérateur");
    expect(html).toContain("Advertising is not allowed");
    expect(html).toContain("Selling my bike");
    expect((await page(tenant, `/g/makers/t/${id}`, bob.cookie)).status).toBe(404);
  });

  it("a hidden reply: its author sees a notice on the thread; without a report, says a moderator hid it", async () => {
    const { tenant, alice, bob } = await setup();
    const id = await thread(tenant, bob.cookie, "Weekend plans");
    const res = await call(tenant.host, "POST", `/api/v1/groups/makers/threads/${id}/replies`, { cookie: alice.cookie, json: { body: "An off-topic rant" } });
    expect(res.status).toBe(201);
    const replyId = ((await res.json()) as { reply: { id: string } }).reply.id;
    expect((await post(tenant, "/g/makers/moderation/hide", tenant.owner.cookie, { targetType: "reply", targetId: replyId })).status).toBe(303);
    const html = await (await page(tenant, `/g/makers/t/${id}?lang=en`, alice.cookie)).text();
    expect(html).toContain("One of your replies was hidden by a moderator");
    expect(html).toContain("An off-topic rant");
    expect(html).toContain("A moderator hid it without a report");
    const other = await (await page(tenant, `/g/makers/t/${id}?lang=en`, bob.cookie)).text();
    expect(other).not.toContain("An off-topic rant");
    expect(other).not.toContain("hidden by a moderator");
  });
});
