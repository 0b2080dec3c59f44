import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { apiTokens, webhookDeliveries, webhookEndpoints } from "../db/schema";
import { call, env, form, getPage, makeTenant, postForm, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { webhookEvent } from "../webhooks/emit";
import { setWebhookResolverForTests } from "../webhooks/service";

beforeAll(() => setWebhookResolverForTests(async () => ["93.184.216.34"]));
afterAll(() => setWebhookResolverForTests(null));

const text = async (res: Response) => ({ status: res.status, html: await res.text() });
const postList = (tenant: TestTenant, path: string, fields: [string, string][], cookie = tenant.owner.cookie) => call(tenant.host, "POST", path, { cookie, ...form(fields) });
const tokens = (tenant: TestTenant) => tenantDb(env, { id: tenant.id }).db.select().from(apiTokens).where(eq(apiTokens.tenantId, tenant.id));
const endpoints = (tenant: TestTenant) => tenantDb(env, { id: tenant.id }).db.select().from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenant.id));

async function makeWebhook(tenant: TestTenant, url = "https://hooks.example.com/in") {
  const res = await postList(tenant, "/admin/integrations/webhooks?lang=en", [["url", url], ["events", "member.created"], ["events", "invoice.paid"]]);
  expect(res.status).toBe(200);
  const [row] = await endpoints(tenant);
  return { id: row!.id, html: await res.text() };
}

describe("/admin/integrations: API tokens", () => {
  it("shows both sections, the scopes grouped by area with read and write, and links to the API reference, in fr, en and nl", async () => {
    const tenant = await makeTenant();
    const en = await text(await getPage(tenant, "/admin/integrations?lang=en", tenant.owner.cookie));
    expect(en.status).toBe(200);
    expect(en.html).toContain("API tokens");
    expect(en.html).toContain("Webhooks");
    expect(en.html).toContain('href="/api/docs"');
    expect(en.html).toContain('value="members:read"');
    expect(en.html).toContain('value="webhooks:write"');
    expect(en.html).toContain('href="/admin/integrations"');
    expect((await text(await getPage(tenant, "/admin/integrations?lang=fr", tenant.owner.cookie))).html).toContain("Jetons d’API");
    expect((await text(await getPage(tenant, "/admin/integrations?lang=nl", tenant.owner.cookie))).html).toContain("API-tokens");
  });

  it("creates a token from the form: shown once with its warning, then listed without it", async () => {
    const tenant = await makeTenant();
    const res = await text(await postList(tenant, "/admin/integrations/tokens?lang=en", [["name", "Door access"], ["scopes", "bookings:read"], ["scopes", "members:write"]]));
    expect(res.status).toBe(200);
    const token = /id="created-token"[^>]*value="([A-Za-z0-9_-]{43})"|value="([A-Za-z0-9_-]{43})"[^>]*id="created-token"/.exec(res.html);
    expect(token).not.toBeNull();
    const secret = token![1] ?? token![2]!;
    expect(res.html).toContain("This is the only time the token is shown");
    const [row] = await tokens(tenant);
    expect(row!.scopes).toEqual(["members:write", "bookings:read"]);
    expect((await call(tenant.host, "GET", "/api/v1/resources", { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    const list = await text(await getPage(tenant, "/admin/integrations?lang=en", tenant.owner.cookie));
    expect(list.html).toContain("Door access");
    expect(list.html).toContain("bookings:read");
    expect(list.html).toContain("Olivia Owner");
    expect(list.html).toContain("table-stack-md");
    expect(list.html).not.toContain(secret);
  });

  it("shows the errors beside their fields and keeps what was typed and ticked", async () => {
    const tenant = await makeTenant();
    const noScope = await text(await postList(tenant, "/admin/integrations/tokens?lang=en", [["name", "Keep me"]]));
    expect(noScope.status).toBe(422);
    expect(noScope.html).toContain("Choose at least one permission.");
    expect(noScope.html).toContain('value="Keep me"');
    const noName = await text(await postList(tenant, "/admin/integrations/tokens?lang=en", [["name", ""], ["scopes", "events:read"]]));
    expect(noName.status).toBe(422);
    expect(noName.html).toMatch(/id="token-name-error"|field-error/);
    expect(noName.html).toMatch(/value="events:read"[^>]*checked|checked[^>]*value="events:read"/);
    const forged = await text(await postList(tenant, "/admin/integrations/tokens?lang=fr", [["name", "x"], ["scopes", "root:write"]]));
    expect(forged.status).toBe(422);
    expect(forged.html).toContain("Autorisation inconnue.");
    expect(await tokens(tenant)).toEqual([]);
  });

  it("revokes a token behind a confirmation, without JavaScript", async () => {
    const tenant = await makeTenant();
    await postList(tenant, "/admin/integrations/tokens", [["name", "Old"], ["scopes", "events:read"]]);
    const [row] = await tokens(tenant);
    const list = await text(await getPage(tenant, "/admin/integrations?lang=en", tenant.owner.cookie));
    expect(list.html).toMatch(/<details class="confirm-details">/);
    expect(list.html).toContain(`action="/admin/integrations/tokens/${row!.id}/revoke"`);
    const res = await postForm(tenant, `/admin/integrations/tokens/${row!.id}/revoke`, tenant.owner.cookie, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/integrations?done=revoked");
    expect((await tokens(tenant))[0]!.revokedAt).not.toBeNull();
    const after = await text(await getPage(tenant, "/admin/integrations?done=revoked&lang=en", tenant.owner.cookie));
    expect(after.html).toContain("Token revoked.");
    expect(after.html).not.toContain(">Old<");
  });

  it("is for owners and admins: a member gets 403 (GET and POST), a visitor the login page, an admin viewing as a member 403", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "m@example.org");
    expect((await getPage(tenant, "/admin/integrations", member.cookie)).status).toBe(403);
    expect((await postList(tenant, "/admin/integrations/tokens", [["name", "x"], ["scopes", "events:read"]], member.cookie)).status).toBe(403);
    expect((await postList(tenant, "/admin/integrations/webhooks", [["url", "https://x.example.com"], ["events", "member.created"]], member.cookie)).status).toBe(403);
    const visitor = await call(tenant.host, "GET", "/admin/integrations");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toContain("/login?next=");
    const admin = await signUpMember(tenant, "a@example.org", "Ada Admin");
    await setTenantRole(tenant, admin.id, "admin");
    expect((await getPage(tenant, "/admin/integrations", admin.cookie)).status).toBe(200);
    expect((await getPage(tenant, "/admin/integrations", `${admin.cookie}; view_as=member`)).status).toBe(403);
    expect(await tokens(tenant)).toEqual([]);
  });
});

describe("/admin/integrations: webhooks", () => {
  it("creates a webhook: its secret shown once, then listed with its events and state", async () => {
    const tenant = await makeTenant();
    const { html } = await makeWebhook(tenant);
    expect(html).toMatch(/value="whsec_[A-Za-z0-9+/=]+"/);
    expect(html).toContain("This is the only time the secret is shown");
    const list = await text(await getPage(tenant, "/admin/integrations?lang=en", tenant.owner.cookie));
    expect(list.html).toContain("https://hooks.example.com/in");
    expect(list.html).toContain("invoice.paid");
    expect(list.html).toContain("Enabled");
    expect(list.html).not.toContain("whsec_");
  });

  it("refuses a bad address or no event beside the field", async () => {
    const tenant = await makeTenant();
    const http = await text(await postList(tenant, "/admin/integrations/webhooks?lang=en", [["url", "http://hooks.example.com"], ["events", "member.created"]]));
    expect(http.status).toBe(422);
    expect(http.html).toContain("A webhook address must start with https://.");
    const none = await text(await postList(tenant, "/admin/integrations/webhooks?lang=en", [["url", "https://hooks.example.com"]]));
    expect(none.status).toBe(422);
    expect(none.html).toContain('value="https://hooks.example.com"');
    expect(await endpoints(tenant)).toEqual([]);
  });

  it("edits the address and events, disables and enables, rotates the secret and deletes, each without JavaScript", async () => {
    const tenant = await makeTenant();
    const { id } = await makeWebhook(tenant);
    const base = `/admin/integrations/webhooks/${id}`;
    const saved = await postList(tenant, base, [["url", "https://hooks.example.com/v2"], ["events", "booking.created"]]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${base}?done=saved`);
    expect((await endpoints(tenant))[0]).toMatchObject({ url: "https://hooks.example.com/v2", events: ["booking.created"] });
    const bad = await text(await postList(tenant, `${base}?lang=en`, [["url", "ftp://x"], ["events", "booking.created"]]));
    expect(bad.status).toBe(422);
    expect((await postForm(tenant, `${base}/disable`, tenant.owner.cookie, {})).headers.get("location")).toBe(`${base}?done=disabled`);
    expect((await endpoints(tenant))[0]!.enabled).toBe(false);
    expect((await text(await getPage(tenant, `${base}?lang=en`, tenant.owner.cookie))).html).toContain("Disabled");
    await postForm(tenant, `${base}/enable`, tenant.owner.cookie, {});
    expect((await endpoints(tenant))[0]!.enabled).toBe(true);
    const rotated = await text(await postForm(tenant, `${base}/rotate?lang=en`, tenant.owner.cookie, {}));
    expect(rotated.status).toBe(200);
    expect(rotated.html).toMatch(/value="whsec_[A-Za-z0-9+/=]+"/);
    const deleted = await postForm(tenant, `${base}/delete`, tenant.owner.cookie, {});
    expect(deleted.headers.get("location")).toBe("/admin/integrations?done=deleted");
    expect(await endpoints(tenant)).toEqual([]);
    expect((await getPage(tenant, base, tenant.owner.cookie)).status).toBe(404);
  });

  it("shows the delivery log and sends a delivery again", async () => {
    const tenant = await makeTenant();
    const { id } = await makeWebhook(tenant);
    const t = tenantDb(env, { id: tenant.id });
    await t.db.batch([webhookEvent(t, "member.created", { member: { id: "u1", name: "Ann" } }, Date.now())]);
    const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id));
    await t.db.update(webhookDeliveries).set({ status: "failed", attempts: 9, nextAttemptAt: Date.now() + 3600_000 }).where(eq(webhookDeliveries.id, delivery!.id));
    const log = await text(await getPage(tenant, `/admin/integrations/webhooks/${id}?lang=en`, tenant.owner.cookie));
    expect(log.html).toContain("Delivery log");
    expect(log.html).toContain("member.created");
    expect(log.html).toContain("Failed");
    const retryPath = `/admin/integrations/webhooks/${id}/deliveries/${delivery!.id}/retry`;
    expect(log.html).toContain(`action="${retryPath}"`);
    const res = await postForm(tenant, retryPath, tenant.owner.cookie, {});
    expect(res.status).toBe(303);
    const [again] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery!.id));
    expect(again!.status).toBe("pending");
    expect((await text(await getPage(tenant, `/admin/integrations/webhooks/${id}?done=retried&lang=fr`, tenant.owner.cookie))).html).toContain("Journal des envois");
  });
});
