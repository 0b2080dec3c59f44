import { describe, expect, it } from "vitest";
import { call, makeGroup, makeTenant } from "../test/helpers";

describe("invitation import without JavaScript", () => {
  it("previews the file, then sends it, then offers the report", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Crew", slug: "crew", joinPolicy: "invite" });
    expect((await call(tenant.host, "GET", "/admin/invitations/import", { cookie: tenant.owner.cookie })).status).toBe(200);
    const body = new FormData();
    body.set("file", new File(["email,groups\nnew1@example.org,crew\nnew2@example.org,\n"], "list.csv"));
    body.set("groupRole", "member");
    const preview = await call(tenant.host, "POST", "/admin/invitations/import", { cookie: tenant.owner.cookie, body });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain("new1@example.org");
    const action = /action="(\/admin\/invitations\/import\/[a-z0-9]+\/commit)"/.exec(html)![1]!;
    // Nothing is sent by the preview.
    expect(((await (await call(tenant.host, "GET", "/api/v1/invitations", { cookie: tenant.owner.cookie })).json()) as { items: unknown[] }).items).toHaveLength(0);

    const sent = await call(tenant.host, "POST", action, { cookie: tenant.owner.cookie, body: new URLSearchParams().toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(sent.status).toBe(200);
    expect(((await (await call(tenant.host, "GET", "/api/v1/invitations", { cookie: tenant.owner.cookie })).json()) as { items: unknown[] }).items).toHaveLength(2);
    const report = await call(tenant.host, "GET", action.replace("/commit", "/report.csv"), { cookie: tenant.owner.cookie });
    expect(await report.text()).toContain("new1@example.org,invite,,crew,FALSE");
    // Sending twice is refused.
    expect((await call(tenant.host, "POST", action, { cookie: tenant.owner.cookie, body: "", headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(404);
  });

  it("lists the rows to fix and imports nothing when a row is invalid", async () => {
    const tenant = await makeTenant();
    const body = new FormData();
    body.set("file", new File(["email\nok@example.org\nbroken\n"], "list.csv"));
    const res = await call(tenant.host, "POST", "/admin/invitations/import", { cookie: tenant.owner.cookie, body });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("broken");
  });
});

describe("members administration", () => {
  it("creates an account with a generated password shown once, never cached", async () => {
    const tenant = await makeTenant();
    const body = new URLSearchParams({ name: "Gérard", email: "gerard@example.org", passwordMode: "generate", tenantRole: "member", language: "fr" });
    const res = await call(tenant.host, "POST", "/admin/members", { cookie: tenant.owner.cookie, body: body.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    const password = /value="([\w]{5}-[\w]{5}-[\w]{5}-[\w]{5})"/.exec(html)![1]!;
    expect((await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "gerard@example.org", password } })).status).toBe(200);
    const list = await (await call(tenant.host, "GET", "/admin/members?q=gerard", { cookie: tenant.owner.cookie })).text();
    expect(list).toContain("gerard@example.org");
    expect(list).not.toContain(password);
  });
});
