import { describe, expect, it } from "vitest";
import { call, form, makeGroup, makeTenant, signUpMember } from "../test/helpers";
import { png, svg } from "../test/images";

type Group = { slug: string; name: string; joinPolicy: string; questions: { id: string; label: string; required: boolean }[]; links: { title: string; url: string }[]; branding: { primaryColor: string | null; logoUrl: string | null } };

describe("admin pages", () => {
  it("send signed-out visitors to log in, and refuse plain members", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "GET", "/admin");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fadmin");
    const member = await signUpMember(tenant, "plain@example.org");
    expect((await call(tenant.host, "GET", "/admin/settings", { cookie: member.cookie })).status).toBe(403);
  });

  it("create a group, then edit its settings, questions, links and slug through forms", async () => {
    const tenant = await makeTenant();
    const cookie = tenant.owner.cookie;
    const list = await call(tenant.host, "GET", "/admin", { cookie });
    expect(list.status).toBe(200);
    const created = await call(tenant.host, "POST", "/admin/groups", form({ name: "Yoga du matin", joinPolicy: "approval", description: "" }, cookie));
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/admin/groups/yoga-du-matin?done=created");
    const settings = await call(tenant.host, "GET", "/admin/groups/yoga-du-matin?done=created", { cookie });
    expect(settings.status).toBe(200);
    expect(await settings.text()).toContain('role="status"');

    const saved = await call(
      tenant.host,
      "POST",
      "/admin/groups/yoga-du-matin",
      form(
        {
          name: "Yoga",
          description: "Every morning",
          joinPolicy: "approval",
          "question.0.label": "Level?",
          "question.0.required": "on",
          "question.1.label": "",
          "link.0.title": "Schedule",
          "link.0.url": "https://yoga.example.org/schedule",
          "link.1.title": "",
          "link.1.url": "",
          slug: "yoga",
        },
        cookie,
      ),
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/admin/groups/yoga?done=saved");
    const group = (await (await call(tenant.host, "GET", "/api/v1/groups/yoga")).json()) as Group;
    expect(group).toMatchObject({ name: "Yoga", questions: [{ label: "Level?", required: true }], links: [{ title: "Schedule", url: "https://yoga.example.org/schedule" }] });

    const bad = await call(tenant.host, "POST", "/admin/groups/yoga", form({ name: "Yoga", joinPolicy: "approval", "link.0.title": "Evil", "link.0.url": "javascript:alert(1)", slug: "again" }, cookie));
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('aria-invalid="true"');
    const locked = await call(tenant.host, "POST", "/admin/groups/yoga", form({ name: "Yoga", joinPolicy: "approval", slug: "again" }, cookie));
    expect(locked.status).toBe(409);
  });

  it("upload branding through the multipart form; SVG is refused with a message", async () => {
    const tenant = await makeTenant();
    const cookie = tenant.owner.cookie;
    await makeGroup(tenant, { name: "Art", slug: "art" }, cookie);
    const good = new FormData();
    good.set("primaryColor", "#123456");
    good.set("logo", new File([png(100, 100)], "logo.png", { type: "image/png" }));
    const ok = await call(tenant.host, "POST", "/admin/groups/art/branding", { cookie, body: good });
    expect(ok.status).toBe(303);
    const group = (await (await call(tenant.host, "GET", "/api/v1/groups/art")).json()) as Group;
    expect(group.branding.primaryColor).toBe("#123456");
    expect(group.branding.logoUrl).toMatch(/^\/media\//);

    const bad = new FormData();
    bad.set("primaryColor", "#123456");
    bad.set("cover", new File([svg()], "cover.png", { type: "image/png" }));
    const refused = await call(tenant.host, "POST", "/admin/groups/art/branding", { cookie, body: bad });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('aria-invalid="true"');
  });

  it("approve a request and change a role through forms", async () => {
    const tenant = await makeTenant();
    const cookie = tenant.owner.cookie;
    await makeGroup(tenant, { name: "Queue", slug: "queue" }, cookie);
    const applicant = await signUpMember(tenant, "queued@example.org", "Quinn");
    const { requestId } = (await (await call(tenant.host, "POST", "/api/v1/groups/queue/join", { cookie: applicant.cookie, json: {} })).json()) as { requestId: string };
    const queuePage = await (await call(tenant.host, "GET", "/admin/groups/queue/requests", { cookie })).text();
    expect(queuePage).toContain("Quinn");
    expect(queuePage).toContain(`/admin/groups/queue/requests/${requestId}/approve`);
    const approved = await call(tenant.host, "POST", `/admin/groups/queue/requests/${requestId}/approve`, form({}, cookie));
    expect(approved.status).toBe(303);
    const role = await call(tenant.host, "POST", `/admin/groups/queue/members/${applicant.id}/role`, form({ role: "moderator" }, cookie));
    expect(role.status).toBe(303);
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: applicant.cookie })).json()) as { groups: { slug: string; role: string }[] };
    expect(me.groups).toContainEqual({ slug: "queue", role: "moderator" });
    const members = await (await call(tenant.host, "GET", "/admin/groups/queue/members", { cookie })).text();
    expect(members).toContain("queued@example.org");
  });

  it("community settings: policy and theme colours", async () => {
    const tenant = await makeTenant();
    const body = new FormData();
    for (const [k, v] of Object.entries({ name: "Renamed community", signupPolicy: "approval", defaultLanguage: "en", primaryColor: "#0f766e", accentColor: "" })) body.set(k, v);
    const res = await call(tenant.host, "POST", "/admin/settings", { cookie: tenant.owner.cookie, body });
    expect(res.status).toBe(303);
    const settings = (await (await call(tenant.host, "GET", "/api/v1/tenant")).json()) as { name: string; signupPolicy: string; branding: { primaryColor: string } };
    expect(settings).toMatchObject({ name: "Renamed community", signupPolicy: "approval", branding: { primaryColor: "#0f766e" } });
    expect(await (await call(tenant.host, "GET", "/login")).text()).toMatch(/--brand:\s*#0f766e/);
  });

  it("view as member: a tenant admin switches and loses admin powers until switching back", async () => {
    const tenant = await makeTenant();
    const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
    expect(set.status).toBe(303);
    const viewAs = set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!;
    expect(viewAs).toBe("view_as=member");
    const cookie = `${tenant.owner.cookie}; ${viewAs}`;
    await makeGroup(tenant, { name: "Mine", slug: "mine" });
    const member = await signUpMember(tenant, "someone@example.org");
    await makeGroup(tenant, { name: "Theirs", slug: "theirs" }, member.cookie);
    expect((await call(tenant.host, "PATCH", "/api/v1/groups/theirs", { cookie, json: { name: "Taken" } })).status).toBe(403);
    expect((await call(tenant.host, "PATCH", "/api/v1/groups/theirs", { cookie: tenant.owner.cookie, json: { name: "Fixed" } })).status).toBe(200);
  });
});
