import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { invitations } from "../db/schema";
import { call, form, makeGroup, makeTenant, sessionCookie, type TestTenant } from "../test/helpers";
import { inviteToken } from "../test/mail";

async function invited(tenant: TestTenant, to: string, groups: string[] = []) {
  await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: [to], groups, message: "<script>alert(1)</script> See you!" } });
  return inviteToken(tenant.host, to);
}

describe("/invite/{token}", () => {
  it("shows the email and asks only for name and password; accepting signs in and lands in the group", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Welcome", slug: "welcome", joinPolicy: "invite" });
    const token = await invited(tenant, "guest@example.org", ["welcome"]);
    const page = await call(tenant.host, "GET", `/invite/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    const html = await page.text();
    expect(html).toContain("guest@example.org");
    expect(html).toContain('name="name"');
    expect(html).toContain('name="password"');
    expect(html).not.toMatch(/<input[^>]*name="email"/);
    expect(html).not.toContain("<script>alert(1)</script>");

    const short = await call(tenant.host, "POST", `/invite/${token}`, form({ name: "Guest", password: "short" }));
    expect(short.status).toBe(422);
    // As a browser posts it: with the page's own origin.
    const ok = await call(tenant.host, "POST", `/invite/${token}`, { ...form({ name: "Gigi Guest", password: "long enough pass" }), headers: { ...form({}).headers, origin: `http://${tenant.host}` } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/g/welcome");
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(ok) })).json()) as { groups: { slug: string }[] };
    expect(me.groups.map((g) => g.slug)).toEqual(["welcome"]);
    expect((await call(tenant.host, "GET", `/invite/${token}`)).status).toBe(404);
  });

  it("says so when the invitation expired (410), and 404 for an unknown token", async () => {
    const tenant = await makeTenant();
    const token = await invited(tenant, "late@example.org");
    await directoryDb(env).update(invitations).set({ expiresAt: Date.now() - 1 }).where(eq(invitations.email, "late@example.org"));
    expect((await call(tenant.host, "GET", `/invite/${token}`)).status).toBe(410);
    expect((await call(tenant.host, "POST", `/invite/${token}`, form({ name: "L", password: "long enough pass" }))).status).toBe(410);
    expect((await call(tenant.host, "GET", "/invite/not-a-real-token")).status).toBe(404);
  });
});

describe("/admin/invitations", () => {
  it("invites from the form and lists, resends and revokes", async () => {
    const tenant = await makeTenant();
    const sent = await call(tenant.host, "POST", "/admin/invitations", form({ emails: "one@example.org;\ntwo@example.org, broken", tenantRole: "member", groupRole: "member", language: "fr", message: "" }, tenant.owner.cookie));
    expect(sent.status).toBe(200);
    const html = await sent.text();
    expect(html).toContain("one@example.org");
    expect(html).toContain("broken");
    const list = (await (await call(tenant.host, "GET", "/api/v1/invitations?status=pending", { cookie: tenant.owner.cookie })).json()) as { items: { id: string; email: string }[] };
    expect(list.items.map((i) => i.email).sort()).toEqual(["one@example.org", "two@example.org"]);
    const one = list.items.find((i) => i.email === "one@example.org")!;
    expect((await call(tenant.host, "POST", `/admin/invitations/${one.id}/resend`, form({}, tenant.owner.cookie))).status).toBe(303);
    expect((await call(tenant.host, "POST", `/admin/invitations/${one.id}/revoke`, form({}, tenant.owner.cookie))).status).toBe(303);
    const page = await (await call(tenant.host, "GET", "/admin/invitations?status=revoked&q=one", { cookie: tenant.owner.cookie })).text();
    expect(page).toContain("one@example.org");
    expect(page).not.toContain("two@example.org");
  });
});
