import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverOutbox } from "../mail/outbox";
import { call, form, makeTenant, sessionCookie } from "../test/helpers";

const EN = "lang=en";

describe("login page when throttled (no JavaScript)", () => {
  it("shows the message and a form that emails a sign-in link; the link's page signs the owner in", async () => {
    const tenant = await makeTenant();
    const client = { "cf-connecting-ip": "203.0.113.50" };
    for (let i = 0; i < 5; i++) {
      const wrong = await call(tenant.host, "POST", "/login", form({ email: tenant.owner.email, password: "wrong password" }, undefined, client));
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).not.toContain('action="/login/link/send"');
    }
    const throttled = await call(tenant.host, "POST", "/login", form({ email: tenant.owner.email, password: tenant.owner.password, next: "/members" }, EN, client));
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    const page = await throttled.text();
    expect(page).toContain("Too many failed attempts. Try again in 15 minutes, or sign in with a link sent to your email address.");
    const offer = /<form[^>]*action="\/login\/link\/send"[^>]*>([\s\S]*?)<\/form>/.exec(page);
    expect(offer, "a form offering the link").not.toBeNull();
    expect(offer![0]).toMatch(/method="post"/);
    expect(offer![1]).toContain(`name="email" value="${tenant.owner.email}"`);
    expect(offer![1]).toContain("Email me a sign-in link");

    const sent = await call(tenant.host, "POST", "/login/link/send", form({ email: tenant.owner.email }, EN, client));
    expect(sent.status).toBe(202);
    expect(await sent.text()).toContain(`If an account exists for ${tenant.owner.email}, we've sent it a sign-in link.`);
    // An unknown address gets the very same page.
    const ghost = await call(tenant.host, "POST", "/login/link/send", form({ email: "ghost@example.org" }, undefined, client));
    expect(ghost.status).toBe(202);

    await deliverOutbox(env);
    const mail = ((await (await call(tenant.host, "GET", `/api/v1/dev/mail?to=${encodeURIComponent(tenant.owner.email)}`)).json()) as { text: string; subject: string }[]).find((m) =>
      m.text.includes("/login/link?token="),
    )!;
    expect(mail.text).toMatch(/15\s+minutes/);
    const link = new URL(/https?:\/\/\S+\/login\/link\?token=[^\s"<]+/.exec(mail.text)![0]);
    const landing = await call(tenant.host, "GET", link.pathname + link.search, { headers: { "accept-language": "en" } });
    expect(landing.status).toBe(200);
    const token = /name="token" value="([^"]+)"/.exec(await landing.text())![1]!;
    const signedIn = await call(tenant.host, "POST", "/login/link", form({ token }, undefined, client));
    expect(signedIn.status).toBe(303);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(signedIn) })).status).toBe(200);
  });

  it("speaks French by default", async () => {
    const tenant = await makeTenant();
    const client = { "cf-connecting-ip": "203.0.113.51" };
    for (let i = 0; i < 5; i++) await call(tenant.host, "POST", "/login", form({ email: tenant.owner.email, password: "wrong password" }, undefined, client));
    const page = await (await call(tenant.host, "POST", "/login", form({ email: tenant.owner.email, password: "wrong password" }, undefined, client))).text();
    expect(page).toContain("M’envoyer un lien de connexion");
    expect(page).toContain("Trop de tentatives échouées");
  });
});
