import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../app";
import { call, makeTenant, ROOT } from "../test/helpers";

describe("security headers", () => {
  it("are on every answer: pages, API, errors, assets", async () => {
    const tenant = await makeTenant();
    const answers = [
      await call(tenant.host, "GET", "/"),
      await call(tenant.host, "GET", "/login"),
      await call(tenant.host, "GET", "/api/v1/me"),
      await call(tenant.host, "GET", "/no/such/page"),
      await call("unknown.example.net", "GET", "/"),
      await call(ROOT, "GET", "/healthz"),
      await call(ROOT, "GET", "/assets/app.css"),
    ];
    for (const res of answers) {
      const csp = res.headers.get("content-security-policy") ?? "";
      const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"));
      expect(scriptSrc).toBe("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      // Development (tests) does not pin HSTS on localhost names.
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("sends HSTS for at least a year and a Secure __Host- cookie outside development", async () => {
    const tenant = await makeTenant();
    const prodEnv = { ...env, ENVIRONMENT: "production" };
    const page = await app.fetch(new Request(`https://${tenant.host}/`, { headers: { host: tenant.host } }), prodEnv, createExecutionContext());
    const hsts = page.headers.get("strict-transport-security") ?? "";
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31536000);
    const login = await app.fetch(
      new Request(`https://${tenant.host}/api/v1/auth/login`, {
        method: "POST",
        headers: { host: tenant.host, "content-type": "application/json" },
        body: JSON.stringify({ email: tenant.owner.email, password: tenant.owner.password }),
      }),
      prodEnv,
      createExecutionContext(),
    );
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().join("\n");
    expect(cookie).toMatch(/__Host-sid=[^;]+;/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it("pages carry no inline script and no inline event handler", async () => {
    const tenant = await makeTenant();
    for (const path of ["/", "/login", "/signup", "/reset"]) {
      const html = await (await call(tenant.host, "GET", path)).text();
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
        // Executable scripts only by src; JSON data blocks are not executed.
        expect(tag.includes("src=") || tag.includes('type="application/json"')).toBe(true);
      }
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    }
  });

  it("never leaks a stack trace: an unexpected failure is a plain 500 envelope", async () => {
    const broken = { ...env, DB: undefined as unknown as D1Database };
    const res = await app.fetch(new Request("http://x.communities.test/api/v1/me", { headers: { host: "x.communities.test" } }), broken, createExecutionContext());
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: { code: "internal_error", message: expect.any(String) } });
    expect(body).not.toMatch(/at .*\.ts|TypeError|stack/);
  });
});
