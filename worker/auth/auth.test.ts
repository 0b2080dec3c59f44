import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId, newToken, sha256Hex } from "../db/ids";
import { invitations } from "../db/schema";
import { directoryDb } from "../db/client";
import { call, makeTenant, sessionCookie, setSignupPolicy, signUpMember } from "../test/helpers";
import { inbox } from "../test/mail";

type ErrorJson = { error: { code: string; message: string; fields?: Record<string, string> } };

describe("sign-up", () => {
  it("creates an active account with a session on an open community", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "Ana@Example.org", password: "ten chars!!", name: "Ana", language: "en" } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: { email: string; language: string }; status: string };
    expect(body).toMatchObject({ status: "active", user: { email: "ana@example.org", language: "en" } });
    const me = await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(res) });
    expect(await me.json()).toMatchObject({ email: "ana@example.org", tenantRole: "member", groups: [] });
    const mail = await inbox(tenant.host, "ana@example.org");
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toMatch(/Welcome/);
  });

  it("holds the account for approval when the community approves members, without a session", async () => {
    const tenant = await makeTenant();
    await setSignupPolicy(tenant, "approval");
    const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "wait@example.org", password: "ten chars!!", name: "Wait" } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: "pending_approval" });
    expect(res.headers.getSetCookie().some((c) => c.startsWith("sid="))).toBe(false);
    const login = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "wait@example.org", password: "ten chars!!" } });
    expect(login.status).toBe(401);
    expect(((await login.json()) as ErrorJson).error.code).toBe("account_pending");
    // The owner hears about it, in the owner's language.
    const mail = await inbox(tenant.host, tenant.owner.email);
    expect(mail.some((m) => m.text.includes("wait@example.org"))).toBe(true);
  });

  it("answers 403 signup_closed on an invite-only community", async () => {
    const tenant = await makeTenant();
    await setSignupPolicy(tenant, "invite_only");
    const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "closed@example.org", password: "ten chars!!", name: "C" } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorJson).error.code).toBe("signup_closed");
  });

  it("answers 409 invite_required when the email has a pending invitation", async () => {
    const tenant = await makeTenant();
    const now = Date.now();
    await directoryDb(env).insert(invitations).values({
      id: newId(),
      tenantId: tenant.id,
      email: "invited@example.org",
      tokenHash: await sha256Hex(newToken()),
      invitedAt: now,
      expiresAt: now + 30 * 86400_000,
    });
    const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "INVITED@example.org", password: "ten chars!!", name: "I" } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorJson).error.code).toBe("invite_required");
  });

  it("validates the password (10+ characters, not the email) and the email", async () => {
    const tenant = await makeTenant();
    const short = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "s@example.org", password: "123456789", name: "S" } });
    expect(short.status).toBe(422);
    expect(((await short.json()) as ErrorJson).error.fields).toHaveProperty("password");
    const same = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "same.address@example.org", password: "Same.Address@example.org", name: "S" } });
    expect(same.status).toBe(422);
    const bad = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "nope", password: "ten chars!!", name: "S" } });
    expect(((await bad.json()) as ErrorJson).error.fields).toEqual({ email: "Enter a valid email address, like name@example.com." });
  });

  it("answers 409 email_taken for an existing account", async () => {
    const tenant = await makeTenant();
    await signUpMember(tenant, "twice@example.org");
    const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "twice@example.org", password: "ten chars!!", name: "T" } });
    expect(res.status).toBe(409);
  });

  it("keeps accounts per tenant: the same email signs up in two communities", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const inA = await signUpMember(a, "both@example.org", "In A", "password in A!");
    const inB = await signUpMember(b, "both@example.org", "In B", "password in B!");
    expect(inA.id).not.toBe(inB.id);
    const wrong = await call(b.host, "POST", "/api/v1/auth/login", { json: { email: "both@example.org", password: "password in A!" } });
    expect(wrong.status).toBe(401);
  });
});

describe("login", () => {
  it("sets an HttpOnly, SameSite=Lax session cookie (Secure outside development)", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: tenant.owner.email, password: tenant.owner.password } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { email: tenant.owner.email, tenantRole: "owner" } });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("sid="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
    expect(cookie.split(";")[0]!.length).toBeGreaterThan(40);
  });

  it("gives the same 401 for an unknown email and a wrong password", async () => {
    const tenant = await makeTenant();
    const unknown = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "ghost@example.org", password: "whatever123" } });
    const wrong = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: tenant.owner.email, password: "whatever123" } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await unknown.text(), await wrong.text()];
    expect(a).toBe(b);
    expect(JSON.parse(a)).toMatchObject({ error: { code: "invalid_credentials" } });
  });

  it("answers 429 with Retry-After after repeated failures on one account, even with the right password", async () => {
    const tenant = await makeTenant();
    for (let i = 0; i < 5; i++) {
      const res = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: tenant.owner.email, password: "wrong password" }, headers: { "cf-connecting-ip": `203.0.113.${i}` } });
      expect(res.status).toBe(401);
    }
    const blocked = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: tenant.owner.email, password: tenant.owner.password }, headers: { "cf-connecting-ip": "203.0.113.99" } });
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ error: { code: "too_many_attempts" }, loginLink: true });
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it("throttles an unknown email exactly like a real one (no enumeration through 429)", async () => {
    const tenant = await makeTenant();
    for (let i = 0; i < 5; i++) await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "ghost@example.org", password: "wrong password" } });
    const res = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "ghost@example.org", password: "wrong password" } });
    expect(res.status).toBe(429);
  });

  it("answers 429 after repeated failures from one client across many accounts", async () => {
    const tenant = await makeTenant();
    const headers = { "cf-connecting-ip": "198.51.100.7" };
    for (let i = 0; i < 30; i++) {
      const res = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: `spray${i}@example.org`, password: "guess guess" }, headers });
      expect(res.status).toBe(401);
    }
    const blocked = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: tenant.owner.email, password: tenant.owner.password }, headers });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBeTruthy();
    // Another client is not affected.
    const other = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: tenant.owner.email, password: tenant.owner.password }, headers: { "cf-connecting-ip": "198.51.100.8" } });
    expect(other.status).toBe(200);
  });

  it("rejects malformed JSON with 400 and another media type with 415", async () => {
    const tenant = await makeTenant();
    const malformed = await call(tenant.host, "POST", "/api/v1/auth/login", { body: "{nope", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorJson).error.code).toBe("malformed_json");
    const form = await call(tenant.host, "POST", "/api/v1/auth/login", { body: "email=a", headers: { "content-type": "text/plain" } });
    expect(form.status).toBe(415);
  });
});

describe("sessions", () => {
  it("GET /api/v1/me answers 401 when signed out", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "GET", "/api/v1/me");
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorJson).error.code).toBe("unauthenticated");
  });

  it("logout revokes the session server-side", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "leaving@example.org");
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: member.cookie })).status).toBe(200);
    const out = await call(tenant.host, "POST", "/api/v1/auth/logout", { cookie: member.cookie });
    expect(out.status).toBe(204);
    // Replaying the old cookie does not work: the row is gone, not just the browser's copy.
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: member.cookie })).status).toBe(401);
  });

  it("a session cookie of tenant A answers 401 on tenant B's host", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    expect((await call(a.host, "GET", "/api/v1/me", { cookie: a.owner.cookie })).status).toBe(200);
    expect((await call(b.host, "GET", "/api/v1/me", { cookie: a.owner.cookie })).status).toBe(401);
  });

  it("rejects a cookie-authenticated state-changing request from a foreign Origin with 403", async () => {
    const tenant = await makeTenant();
    const foreign = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { name: "Hacked" }, headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as ErrorJson).error.code).toBe("origin_mismatch");
    const logout = await call(tenant.host, "POST", "/api/v1/auth/logout", { cookie: tenant.owner.cookie, headers: { origin: "null" } });
    expect(logout.status).toBe(403);
    const same = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { name: "Renamed" }, headers: { origin: `http://${tenant.host}` } });
    expect(same.status).toBe(200);
    const none = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { name: "Renamed again" } });
    expect(none.status).toBe(200);
    // Safe methods are not affected.
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: tenant.owner.cookie, headers: { origin: "https://evil.example" } })).status).toBe(200);
  });
});

describe("password reset", () => {
  it("answers 202 whether or not the account exists, and mails a link only to real accounts", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "forgetful@example.org");
    const real = await call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: member.email } });
    const ghost = await call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: "ghost@example.org" } });
    const junk = await call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: "not an email" } });
    expect([real.status, ghost.status, junk.status]).toEqual([202, 202, 202]);
    expect(await real.text()).toBe(await ghost.text());
    expect(await inbox(tenant.host, "ghost@example.org")).toHaveLength(0);
    const mail = (await inbox(tenant.host, member.email)).filter((m) => /reset|réinitialis/i.test(m.subject));
    expect(mail).toHaveLength(1);
  });

  it("sets the new password with the emailed token once, and revokes every session", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "reset.me@example.org");
    await call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: member.email } });
    const mail = (await inbox(tenant.host, member.email)).find((m) => m.text.includes("/reset?token="))!;
    const token = decodeURIComponent(/\/reset\?token=([^\s"&]+)/.exec(mail.text)![1]!);
    expect(mail.text).toContain(`http://${tenant.host}/reset?token=`);

    const confirm = await call(tenant.host, "POST", "/api/v1/auth/password-reset/confirm", { json: { token, password: "a brand new password" } });
    expect(confirm.status).toBe(200);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: member.cookie })).status).toBe(401);
    expect((await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: member.email, password: member.password } })).status).toBe(401);
    expect((await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: member.email, password: "a brand new password" } })).status).toBe(200);

    const replay = await call(tenant.host, "POST", "/api/v1/auth/password-reset/confirm", { json: { token, password: "yet another password" } });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as ErrorJson).error.code).toBe("invalid_token");
  });

  it("answers 400 invalid_token for an unknown token, and for a token of another tenant", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const member = await signUpMember(a, "cross@example.org");
    await call(a.host, "POST", "/api/v1/auth/password-reset", { json: { email: member.email } });
    const mail = (await inbox(a.host, member.email)).find((m) => m.text.includes("/reset?token="))!;
    const token = decodeURIComponent(/\/reset\?token=([^\s"&]+)/.exec(mail.text)![1]!);
    const elsewhere = await call(b.host, "POST", "/api/v1/auth/password-reset/confirm", { json: { token, password: "hijacked password" } });
    expect(elsewhere.status).toBe(400);
    const unknown = await call(a.host, "POST", "/api/v1/auth/password-reset/confirm", { json: { token: "nope", password: "hijacked password" } });
    expect(unknown.status).toBe(400);
  });
});
