import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { call, makeTenant, sessionCookie, type TestTenant } from "../test/helpers";
import { inbox } from "../test/mail";
import { SELF_LOGIN_LINK_TTL_MS, requestLoginLink, useLoginLink } from "./login-links";
import { directoryDb } from "../db/client";
import { tenants } from "../db/schema";
import { eq } from "drizzle-orm";

type ErrorJson = { error: { code: string; message: string }; loginLink?: boolean };
type Mail = { to: string; subject: string; text: string; html: string; sentAt: string };

const ip = (n: number) => ({ "cf-connecting-ip": `198.18.${Math.floor(n / 256)}.${n % 256}` });

const linkToken = (mail: Mail) => decodeURIComponent(/\/login\/link\?token=([^\s"&<]+)/.exec(mail.text)![1]!);

async function loginLinks(host: string, to: string): Promise<string[]> {
  return (await inbox(host, to, 200)).filter((m) => m.text.includes("/login/link?token=")).map(linkToken);
}

const login = (tenant: TestTenant, password: string, headers: Record<string, string>, email = tenant.owner.email) =>
  call(tenant.host, "POST", "/api/v1/auth/login", { json: { email, password }, headers });

describe("login throttle: reserved before the password is evaluated", () => {
  it("evaluates at most 5 of 30 parallel wrong passwords for one account from 30 clients", async () => {
    const tenant = await makeTenant();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(tenant, `wrong guess ${i}`, ip(i))));
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as ErrorJson[];
    const evaluated = bodies.filter((b) => b.error.code === "invalid_credentials");
    const throttled = answers.filter((r) => r.status === 429);
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(evaluated.length + throttled.length).toBe(30);
    for (const r of throttled) expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    for (const b of bodies.filter((b) => b.error.code !== "invalid_credentials")) expect(b).toMatchObject({ error: { code: "too_many_attempts" }, loginLink: true });
  });

  it("evaluates at most 5 of 20 parallel wrong passwords from one client", async () => {
    const tenant = await makeTenant();
    const answers = await Promise.all(Array.from({ length: 20 }, () => login(tenant, "wrong password", ip(7))));
    expect(answers.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
    expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15);
  });
});

describe("no lockout of the real owner", () => {
  it("5 wrong passwords from client A stop A (429 with loginLink), while client B signs in with the right password", async () => {
    const tenant = await makeTenant();
    for (let i = 0; i < 5; i++) expect((await login(tenant, "wrong password", ip(1))).status).toBe(401);
    const a = await login(tenant, tenant.owner.password, ip(1));
    expect(a.status).toBe(429);
    expect(await a.json()).toMatchObject({ error: { code: "too_many_attempts" }, loginLink: true });
    const wait = Number(a.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);

    const b = await login(tenant, tenant.owner.password, ip(2));
    expect(b.status).toBe(200);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(b) })).status).toBe(200);
  });

  it("failures from 5 different clients stop every client for that account, and only that account", async () => {
    const tenant = await makeTenant();
    for (let i = 0; i < 5; i++) expect((await login(tenant, "wrong password", ip(10 + i))).status).toBe(401);
    // A sixth client, even with the right password, and the five themselves.
    expect((await login(tenant, tenant.owner.password, ip(99))).status).toBe(429);
    expect((await login(tenant, tenant.owner.password, ip(10))).status).toBe(429);
    // Another account of the same community is not affected.
    const other = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "other@example.org", password: "another long password", name: "Other" } });
    expect(other.status).toBe(201);
    expect((await login(tenant, "another long password", ip(99), "other@example.org")).status).toBe(200);
  });

  it("a successful login gives its reservation back", async () => {
    const tenant = await makeTenant();
    for (let i = 0; i < 4; i++) expect((await login(tenant, "wrong password", ip(3))).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await login(tenant, tenant.owner.password, ip(3))).status).toBe(200);
    // The fifth failure is still allowed (the successes took nothing), the sixth attempt is not.
    expect((await login(tenant, "wrong password", ip(3))).status).toBe(401);
    expect((await login(tenant, tenant.owner.password, ip(3))).status).toBe(429);
  });

  it("after 30 parallel wrong passwords from 30 clients, the owner gets in at once through the emailed link", async () => {
    const tenant = await makeTenant();
    await Promise.all(Array.from({ length: 30 }, (_, i) => login(tenant, `wrong guess ${i}`, ip(100 + i))));
    const blocked = await login(tenant, tenant.owner.password, ip(250));
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as ErrorJson).loginLink).toBe(true);

    const asked = await call(tenant.host, "POST", "/api/v1/auth/login-link", { json: { email: tenant.owner.email }, headers: ip(250) });
    expect(asked.status).toBe(202);
    const [token] = await loginLinks(tenant.host, tenant.owner.email);
    expect(token).toBeTruthy();
    const confirmed = await call(tenant.host, "POST", "/api/v1/auth/login-link/confirm", { json: { token }, headers: ip(250) });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ user: { email: tenant.owner.email } });
    const me = await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(confirmed) });
    expect(me.status).toBe(200);
  });
});

describe("POST /api/v1/auth/login-link", () => {
  it("answers 202 alike for a real account, an unknown address and junk, and mails only the real account", async () => {
    const tenant = await makeTenant();
    const real = await call(tenant.host, "POST", "/api/v1/auth/login-link", { json: { email: tenant.owner.email } });
    const ghost = await call(tenant.host, "POST", "/api/v1/auth/login-link", { json: { email: "ghost@example.org" } });
    const junk = await call(tenant.host, "POST", "/api/v1/auth/login-link", { json: { email: "not an email" } });
    expect([real.status, ghost.status, junk.status]).toEqual([202, 202, 202]);
    expect(await real.text()).toBe(await ghost.text());
    expect(await inbox(tenant.host, "ghost@example.org", 200)).toHaveLength(0);
    const mails = (await inbox(tenant.host, tenant.owner.email, 200)).filter((m) => m.text.includes("/login/link?token="));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`http://${tenant.host}/login/link?token=`);
  });

  it("a link works once; a replay, a forged token and another tenant's token answer 400 invalid_token", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    await call(a.host, "POST", "/api/v1/auth/login-link", { json: { email: a.owner.email } });
    const [token] = await loginLinks(a.host, a.owner.email);
    const elsewhere = await call(b.host, "POST", "/api/v1/auth/login-link/confirm", { json: { token } });
    expect(elsewhere.status).toBe(400);
    const twice = await Promise.all([1, 2].map(() => call(a.host, "POST", "/api/v1/auth/login-link/confirm", { json: { token } })));
    expect(twice.map((r) => r.status).sort()).toEqual([200, 400]);
    const replay = await call(a.host, "POST", "/api/v1/auth/login-link/confirm", { json: { token } });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as ErrorJson).error.code).toBe("invalid_token");
    for (const forged of ["", "nope", "x".repeat(43)]) {
      const res = await call(a.host, "POST", "/api/v1/auth/login-link/confirm", { json: { token: forged } });
      expect(res.status, forged).toBe(400);
    }
  });

  it("a link expires after 15 minutes", async () => {
    const tenant = await makeTenant();
    const row = (await directoryDb(env).query.tenants.findFirst({ where: eq(tenants.id, tenant.id) }))!;
    const t = tenantDb(env, row);
    const asked = Date.now() - SELF_LOGIN_LINK_TTL_MS - 1000;
    await requestLoginLink(t, row, tenant.owner.email, { base: `http://${tenant.host}` }, asked);
    const [token] = await loginLinks(tenant.host, tenant.owner.email);
    // Refused once the 15 minutes are up; good a moment before.
    const late = await call(tenant.host, "POST", "/api/v1/auth/login-link/confirm", { json: { token } });
    expect(late.status).toBe(400);
    expect(((await late.json()) as ErrorJson).error.code).toBe("invalid_token");
    await expect(useLoginLink(t, token!, asked + SELF_LOGIN_LINK_TTL_MS - 1000)).resolves.toMatchObject({ user: { email: tenant.owner.email } });
  });

  it("mails one address at most 3 links per 15 minutes, however many requests arrive at once", async () => {
    const tenant = await makeTenant();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call(tenant.host, "POST", "/api/v1/auth/login-link", { json: { email: tenant.owner.email }, headers: ip(i) })));
    expect(answers.every((r) => r.status === 202)).toBe(true);
    expect(await loginLinks(tenant.host, tenant.owner.email)).toHaveLength(3);
  });
});

describe("bad input to the sign-in link routes", () => {
  it("is a 4xx (or the usual 202), never a 5xx", async () => {
    const tenant = await makeTenant();
    const bodies: [string, string, string][] = [
      ["/api/v1/auth/login-link", "application/json", "{nope"],
      ["/api/v1/auth/login-link", "application/json", JSON.stringify({ email: ["a@b.c"] })],
      ["/api/v1/auth/login-link", "application/json", JSON.stringify({ email: "a\r\nb@example.org" })],
      ["/api/v1/auth/login-link", "text/plain", "email=a"],
      ["/api/v1/auth/login-link/confirm", "application/json", JSON.stringify({ token: { $ne: null } })],
      ["/api/v1/auth/login-link/confirm", "application/json", JSON.stringify({ token: "%%%\u0000" })],
      ["/api/v1/auth/login-link/confirm", "application/json", JSON.stringify({ token: "x".repeat(5000) })],
      ["/login/link/send", "application/x-www-form-urlencoded", "email=%ZZ&email=x"],
      ["/login/link/send", "application/json", "{}"],
      ["/login/link", "application/x-www-form-urlencoded", "token=%0d%0a"],
    ];
    for (const [path, type, body] of bodies) {
      const res = await call(tenant.host, "POST", path, { body, headers: { "content-type": type } });
      expect(res.status, `${path} ${body.slice(0, 40)}`).toBeLessThan(500);
    }
  });
});

describe("password reset mail cap", () => {
  it("12 parallel reset requests for one address send at most 3 emails", async () => {
    const tenant = await makeTenant();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: tenant.owner.email }, headers: ip(i) })));
    expect(answers.every((r) => r.status === 202)).toBe(true);
    const resets = (await inbox(tenant.host, tenant.owner.email, 200)).filter((m) => m.text.includes("/reset?token="));
    expect(resets.length).toBeGreaterThan(0);
    expect(resets.length).toBeLessThanOrEqual(3);
  });
});
