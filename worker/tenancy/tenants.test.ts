import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, makeTenant, randomIp, ROOT, sessionCookie } from "../test/helpers";
import { createTenantLimited } from "./service";

const owner = { email: "founder@example.org", password: "a strong passphrase", name: "Fatou Founder" };
function uniqueSub(prefix = "acme") {
  return `${prefix}${Math.random().toString(36).slice(2, 9)}`;
}

describe("POST /api/v1/tenants (root host)", () => {
  it("creates the tenant and signs its owner up as owner", async () => {
    const subdomain = uniqueSub();
    const res = await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "Acme Coworking", subdomain, owner }, headers: randomIp() });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { tenant: { id: string; name: string; subdomain: string; url: string } };
    expect(body.tenant).toMatchObject({ name: "Acme Coworking", subdomain, url: `https://${subdomain}.${ROOT}` });
    expect(body.tenant.id).toEqual(expect.any(String));

    const host = `${subdomain}.${ROOT}`;
    const login = await call(host, "POST", "/api/v1/auth/login", { json: { email: owner.email, password: owner.password } });
    expect(login.status).toBe(200);
    const me = await call(host, "GET", "/api/v1/me", { cookie: sessionCookie(login) });
    expect(await me.json()).toMatchObject({ email: owner.email, name: owner.name, tenantRole: "owner", groups: [] });

    const settings = (await (await call(host, "GET", "/api/v1/tenant")).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({ name: "Acme Coworking", subdomain, signupPolicy: "open", defaultLanguage: "fr" });
  });

  it("answers 409 subdomain_taken for a subdomain in use, whatever its case", async () => {
    const subdomain = uniqueSub();
    expect((await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "First", subdomain, owner }, headers: randomIp() })).status).toBe(201);
    const again = await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "Second", subdomain: subdomain.toUpperCase(), owner }, headers: randomIp() });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("subdomain_taken");
  });

  it.each(["www", "api", "admin", "app", "mail"])("refuses the reserved subdomain %s with 422", async (subdomain) => {
    const res = await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "Nope", subdomain, owner }, headers: randomIp() });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fields.subdomain).toMatch(/reserved/);
  });

  it.each(["a_b", "-abc", "abc-", "ab", "a.bcd", "héllo", "a--b", "x".repeat(64), ""])("refuses the malformed subdomain %j with 422", async (subdomain) => {
    const res = await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "Nope", subdomain, owner }, headers: randomIp() });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { fields: Record<string, string> } }).error.fields.subdomain).toBeTruthy();
  });

  it("validates the owner (email, password length, password not the email)", async () => {
    const res = await call(ROOT, "POST", "/api/v1/tenants", {
      json: { name: "Acme", subdomain: uniqueSub(), owner: { email: "not-an-email", password: "short", name: "" } },
      headers: randomIp(),
    });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as { error: { fields: Record<string, string> } }).error.fields;
    expect(Object.keys(fields).sort()).toEqual(["owner.email", "owner.name", "owner.password"]);
    const same = await call(ROOT, "POST", "/api/v1/tenants", {
      json: { name: "Acme", subdomain: uniqueSub(), owner: { email: "same@example.org", password: "same@example.org", name: "S" } },
      headers: randomIp(),
    });
    expect(same.status).toBe(422);
  });

  it("does not exist on a tenant host", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "POST", "/api/v1/tenants", { json: { name: "Inner", subdomain: uniqueSub(), owner }, headers: randomIp() });
    expect(res.status).toBe(404);
  });

  it("limits how many communities one client creates per hour", async () => {
    const headers = { "cf-connecting-ip": "192.0.2.77" };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "Spam", subdomain: uniqueSub("spam"), owner }, headers });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it("holds the hourly limit under concurrency: of 14 parallel creations from one client, at most 10 are created", async () => {
    const headers = randomIp();
    const answers = await Promise.all(
      Array.from({ length: 14 }, () => call(ROOT, "POST", "/api/v1/tenants", { json: { name: "Burst", subdomain: uniqueSub("burst"), owner }, headers })),
    );
    const created = answers.filter((r) => r.status === 201).length;
    expect(created).toBeLessThanOrEqual(10);
    expect(created + answers.filter((r) => r.status === 429).length).toBe(14);
    // The form on /new draws on the same limit.
    const page = await call(ROOT, "POST", "/new", {
      body: new URLSearchParams({ name: "Form", subdomain: uniqueSub("form"), ownerName: "F", ownerEmail: "f@example.org", ownerPassword: "a strong passphrase" }).toString(),
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(page.status).toBe(created === 10 ? 429 : 303);
  });

  it("gives a failed creation's slot back, and takes its limit from TENANT_CREATION_PER_HOUR", async () => {
    const headers = randomIp();
    const taken = uniqueSub("taken");
    expect((await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "First", subdomain: taken, owner }, headers })).status).toBe(201);
    for (let i = 0; i < 12; i++) expect((await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "Again", subdomain: taken, owner }, headers })).status).toBe(409);
    expect((await call(ROOT, "POST", "/api/v1/tenants", { json: { name: "Second", subdomain: uniqueSub("second"), owner }, headers })).status).toBe(201);

    const tuned = { ...env, TENANT_CREATION_PER_HOUR: "2" };
    const client = headers["cf-connecting-ip"] + "-tuned";
    const input = () => ({ name: "Tuned", subdomain: uniqueSub("tuned"), owner });
    await createTenantLimited(tuned, client, input());
    await createTenantLimited(tuned, client, input());
    await expect(createTenantLimited(tuned, client, input())).rejects.toMatchObject({ status: 429, code: "rate_limited" });
  });
});

describe("hosts", () => {
  it("serves the platform on the root host and the community on its subdomain", async () => {
    const tenant = await makeTenant({ name: "Maison des Assos" });
    const root = await call(ROOT, "GET", "/");
    expect(root.status).toBe(200);
    const home = await call(tenant.host, "GET", "/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Maison des Assos");
  });

  it("answers an unknown host with the 'no community here' page, and JSON 404 under /api/", async () => {
    const page = await call(`nobody-here.${ROOT}`, "GET", "/");
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const api = await call("elsewhere.example.net", "GET", "/api/v1/tenant");
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: "no_community" } });
    const deep = await call(`a.b.${ROOT}`, "GET", "/api/v1/me");
    expect(deep.status).toBe(404);
  });

  it("cannot be steered to a tenant by query, header or body", async () => {
    const tenant = await makeTenant();
    const viaQuery = await call(ROOT, "GET", `/api/v1/tenant?tenant=${tenant.subdomain}`);
    expect(viaQuery.status).toBe(404);
    const viaHeader = await call(ROOT, "GET", "/api/v1/tenant", { headers: { "x-forwarded-host": tenant.host, "x-tenant": tenant.id } });
    expect(viaHeader.status).toBe(404);
  });
});

describe("tenant settings", () => {
  it("lets owners change the sign-up policy, and refuses members", async () => {
    const tenant = await makeTenant();
    const ok = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { signupPolicy: "invite_only", branding: { primaryColor: "#112233" } } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ signupPolicy: "invite_only", branding: { primaryColor: "#112233" } });
    const bad = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { signupPolicy: "sometimes" } });
    expect(bad.status).toBe(422);
    const anonymous = await call(tenant.host, "PATCH", "/api/v1/tenant", { json: { name: "Hijacked" } });
    expect(anonymous.status).toBe(401);
  });
});
