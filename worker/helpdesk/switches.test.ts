import { describe, expect, it } from "vitest";
import { call, makeTenant, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { comment, ok, openIssue, refused, setFeatures } from "../test/helpdesk";
import { png } from "../test/images";

// The help desk's switches (API.md "Switches, status and messages"): `features.helpdesk` turns
// every member route off and on again; `features.helpdeskIssues` stops members opening issues and
// commenting while reading stays; owners and admins are never stopped.

type Route = [method: string, path: string, opts: Record<string, unknown>];

function memberRoutes(guideId: string, issueId: string, attachmentUrl: string): Route[] {
  return [
    ["GET", "/api/v1/guides", {}],
    ["GET", "/api/v1/guides?q=wifi", {}],
    ["GET", `/api/v1/guides/${guideId}`, {}],
    ["POST", "/api/v1/guides", { json: { title: "x", body: "y" } }],
    ["PATCH", `/api/v1/guides/${guideId}`, { json: { title: "x" } }],
    ["DELETE", `/api/v1/guides/${guideId}`, {}],
    ["GET", "/api/v1/issues", {}],
    ["GET", "/api/v1/issues?status=open", {}],
    ["POST", "/api/v1/issues", { json: { title: "x", body: "y" } }],
    ["GET", `/api/v1/issues/${issueId}`, {}],
    ["PATCH", `/api/v1/issues/${issueId}`, { json: { title: "x" } }],
    ["POST", `/api/v1/issues/${issueId}/comments`, { json: { body: "x" } }],
    ["POST", `/api/v1/issues/${issueId}/attachments`, { body: png(), headers: { "content-type": "image/png" } }],
    ["GET", attachmentUrl, {}],
    ["POST", `/api/v1/issues/${issueId}/close`, {}],
    ["POST", `/api/v1/issues/${issueId}/reopen`, {}],
    ["DELETE", `/api/v1/issues/${issueId}`, {}],
    ["GET", "/api/v1/issues/unknown-id", {}],
    ["GET", "/api/v1/guides/unknown-id", {}],
  ];
}

async function setup() {
  const tenant = await makeTenant();
  await setFeatures(tenant, { memberGuides: true });
  const ana = await signUpMember(tenant, `sw-ana-${tenant.subdomain}@example.com`, "Ana");
  const mod = await signUpMember(tenant, `sw-mod-${tenant.subdomain}@example.com`, "Mo");
  await setTenantRole(tenant, mod.id, "moderator");
  const admin = await signUpMember(tenant, `sw-admin-${tenant.subdomain}@example.com`, "Ada");
  await setTenantRole(tenant, admin.id, "admin");
  return { tenant, ana, mod, admin };
}

const send = (tenant: TestTenant, cookie: string, [method, path, opts]: Route) => call(tenant.host, method, path, { cookie, ...opts });

describe("help desk switches", () => {
  it("features.helpdesk off: every member route answers 403 feature_disabled (moderators too); owners and admins go on; on again, members are back", async () => {
    const { tenant, ana, mod, admin } = await setup();
    const guide = (await ok<{ guide: { id: string } }>(await call(tenant.host, "POST", "/api/v1/guides", { cookie: ana.cookie, json: { title: "Wi-Fi", body: "Code" } }), 201)).guide;
    const issue = await openIssue(tenant, ana.cookie);
    const att = (await ok<{ attachment: { url: string } }>(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/attachments`, { cookie: ana.cookie, body: png(), headers: { "content-type": "image/png" } }), 201)).attachment;
    await setFeatures(tenant, { helpdesk: false });
    for (const route of memberRoutes(guide.id, issue.id, att.url)) {
      for (const who of [ana, mod]) {
        expect(await refused(await send(tenant, who.cookie, route)), `${route[0]} ${route[1]}`).toMatchObject({ status: 403, code: "feature_disabled" });
      }
    }
    // Admins are never stopped.
    for (const cookie of [tenant.owner.cookie, admin.cookie]) {
      await ok(await call(tenant.host, "GET", "/api/v1/guides", { cookie }));
      await ok(await call(tenant.host, "GET", `/api/v1/issues/${issue.id}`, { cookie }));
      await ok(await comment(tenant, cookie, issue.id, "Réponse"), 201);
    }
    await ok(await call(tenant.host, "POST", "/api/v1/guides", { cookie: admin.cookie, json: { title: "Admin", body: "x" } }), 201);
    // On again.
    await setFeatures(tenant, { helpdesk: true });
    await ok(await call(tenant.host, "GET", "/api/v1/guides", { cookie: ana.cookie }));
    expect((await ok<{ issue: { comments: unknown[] } }>(await call(tenant.host, "GET", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie }))).issue.comments).toHaveLength(2);
    await ok(await comment(tenant, ana.cookie, issue.id, "Merci"), 201);
    await ok(await call(tenant.host, "POST", "/api/v1/guides", { cookie: mod.cookie, json: { title: "Mod", body: "x" } }), 201);
    expect((await call(tenant.host, "DELETE", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie })).status).toBe(204);
  });

  it("features.helpdeskIssues off: members cannot open issues, comment or attach (403 feature_disabled), reading, editing and closing stay; admins go on; on again", async () => {
    const { tenant, ana, mod, admin } = await setup();
    const issue = await openIssue(tenant, ana.cookie);
    await setFeatures(tenant, { helpdeskIssues: false });
    for (const who of [ana, mod]) {
      expect(await refused(await call(tenant.host, "POST", "/api/v1/issues", { cookie: who.cookie, json: { title: "x", body: "y" } }))).toMatchObject({ status: 403, code: "feature_disabled" });
      expect(await refused(await comment(tenant, who.cookie, issue.id, "x"))).toMatchObject({ status: 403, code: "feature_disabled" });
      // Before the body is read: even an invalid one meets the switch first.
      expect(await refused(await call(tenant.host, "POST", "/api/v1/issues", { cookie: who.cookie, json: {} }))).toMatchObject({ status: 403, code: "feature_disabled" });
      await ok(await call(tenant.host, "GET", "/api/v1/issues", { cookie: who.cookie }));
      await ok(await call(tenant.host, "GET", `/api/v1/issues/${issue.id}`, { cookie: who.cookie }));
      await ok(await call(tenant.host, "GET", "/api/v1/guides", { cookie: who.cookie }));
    }
    expect(await refused(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/attachments`, { cookie: ana.cookie, body: png(), headers: { "content-type": "image/png" } }))).toMatchObject({ status: 403, code: "feature_disabled" });
    const view = (await ok<{ issue: { can: Record<string, boolean> } }>(await call(tenant.host, "GET", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie }))).issue;
    expect(view.can).toEqual({ edit: true, delete: true, close: true, reopen: false, attach: false, comment: false });
    await ok(await call(tenant.host, "PATCH", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie, json: { title: "Corrigé" } }));
    await ok(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/close`, { cookie: ana.cookie }));
    await ok(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/reopen`, { cookie: ana.cookie }));
    await ok(await comment(tenant, admin.cookie, issue.id, "Admins répondent toujours"), 201);
    await openIssue(tenant, tenant.owner.cookie);
    await setFeatures(tenant, { helpdeskIssues: true });
    await ok(await comment(tenant, mod.cookie, issue.id, "Me revoilà"), 201);
    await openIssue(tenant, ana.cookie);
  });
});
