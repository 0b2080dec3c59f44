import { describe, expect, it } from "vitest";
import { call, form, makeTenant, ROOT, sessionCookie } from "../test/helpers";

describe("pages without JavaScript", () => {
  it("login form: labelled fields, then a form post signs in and redirects", async () => {
    const tenant = await makeTenant();
    const page = await call(tenant.host, "GET", "/login");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<form[^>]+method="post"[^>]+action="\/login"|<form[^>]+action="\/login"[^>]+method="post"/);
    for (const name of ["email", "password"]) {
      const id = new RegExp(`<input[^>]*name="${name}"[^>]*id="([^"]+)"|<input[^>]*id="([^"]+)"[^>]*name="${name}"`).exec(html);
      expect(id, name).not.toBeNull();
      expect(html).toContain(`for="${id![1] ?? id![2]}"`);
    }
    const ok = await call(tenant.host, "POST", "/login", { ...form({ email: tenant.owner.email, password: tenant.owner.password, next: "/?welcome" }) });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/?welcome");
    const home = await (await call(tenant.host, "GET", "/", { cookie: sessionCookie(ok) })).text();
    expect(home).toContain("Olivia Owner");
  });

  it("login form: a wrong password shows the error in the page, and never redirects off-site", async () => {
    const tenant = await makeTenant();
    const bad = await call(tenant.host, "POST", "/login", { ...form({ email: tenant.owner.email, password: "nope nope nope" }), headers: { ...form({}).headers, "accept-language": "en" } });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('role="alert"');
    const evil = await call(tenant.host, "POST", "/login", { ...form({ email: tenant.owner.email, password: tenant.owner.password, next: "//evil.example/" }) });
    expect(evil.headers.get("location")).toBe("/");
  });

  it("sign-up form creates the account and signs in; errors come back in the page", async () => {
    const tenant = await makeTenant();
    const bad = await call(tenant.host, "POST", "/signup", { ...form({ name: "Léa", email: "lea@", password: "short", language: "fr" }) });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('aria-invalid="true"');
    expect(badHtml).toContain("Léa");
    const ok = await call(tenant.host, "POST", "/signup", { ...form({ name: "Léa", email: "lea@example.org", password: "long enough pass", language: "fr" }) });
    expect(ok.status).toBe(303);
    const home = await (await call(tenant.host, "GET", "/", { cookie: sessionCookie(ok) })).text();
    expect(home).toContain("Léa");
  });

  it("password reset pages: request, then set a new password with the token", async () => {
    const tenant = await makeTenant();
    const request = await call(tenant.host, "POST", "/reset", { ...form({ email: "nobody@example.org" }) });
    expect(request.status).toBe(200);
    const confirmPage = await call(tenant.host, "GET", "/reset?token=abc");
    expect(await confirmPage.text()).toContain('name="token"');
    const invalid = await call(tenant.host, "POST", "/reset/confirm", { ...form({ token: "abc", password: "long enough pass" }) });
    expect(invalid.status).toBe(400);
  });

  it("speaks French by default and English on request, remembered in a cookie", async () => {
    const tenant = await makeTenant();
    const fr = await (await call(tenant.host, "GET", "/login")).text();
    expect(fr).toContain('lang="fr"');
    const enRes = await call(tenant.host, "GET", "/login?lang=en");
    expect(await enRes.text()).toContain('lang="en"');
    const langCookie = enRes.headers.getSetCookie().find((c) => c.startsWith("lang="))!.split(";")[0]!;
    expect(await (await call(tenant.host, "GET", "/signup", { cookie: langCookie })).text()).toContain('lang="en"');
  });

  it("the platform host offers tenant sign-up as a form", async () => {
    const landing = await call(ROOT, "GET", "/");
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('href="/new"');
    const sub = `form${Math.random().toString(36).slice(2, 8)}`;
    const created = await call(ROOT, "POST", "/new", {
      ...form({ name: "Form Made", subdomain: sub, ownerName: "F", ownerEmail: "f@example.org", ownerPassword: "long enough pass" }),
      headers: { ...form({}).headers, "cf-connecting-ip": "10.9.9.9" },
    });
    expect(created.status).toBe(303);
    // Same origin (the CSP's form-action 'self' refuses a redirect to another host): a page that hands over.
    expect(created.headers.get("location")).toMatch(new RegExp(`^/new/ready\\?to=${sub}&token=[A-Za-z0-9_-]{43}$`));
    const taken = await call(ROOT, "POST", "/new", {
      ...form({ name: "Again", subdomain: sub, ownerName: "F", ownerEmail: "f@example.org", ownerPassword: "long enough pass" }),
      headers: { ...form({}).headers, "cf-connecting-ip": "10.9.9.10" },
    });
    expect(taken.status).toBe(409);
    const reserved = await call(ROOT, "POST", "/new", {
      ...form({ name: "Admin", subdomain: "admin", ownerName: "F", ownerEmail: "f@example.org", ownerPassword: "long enough pass" }),
      headers: { ...form({}).headers, "cf-connecting-ip": "10.9.9.11" },
    });
    expect(reserved.status).toBe(422);
    expect(await reserved.text()).toContain('aria-invalid="true"');
  });
});
