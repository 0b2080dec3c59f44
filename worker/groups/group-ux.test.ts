import { describe, expect, it } from "vitest";
import { call, getPage, joinGroup, makeGroup, makeTenant, postForm, setGroupRole, signUpMember, type TestTenant } from "../test/helpers";


async function setup(slug = "makers") {
  const tenant = await makeTenant();
  await makeGroup(tenant, { name: "Makers", slug, joinPolicy: "open" });
  const alice = await signUpMember(tenant, "alice@makers.example", "Alice Author");
  await joinGroup(tenant, slug, alice.cookie);
  const bob = await signUpMember(tenant, "bob@makers.example", "Bob Reader");
  await joinGroup(tenant, slug, bob.cookie);
  return { tenant, alice, bob };
}

async function thread(tenant: TestTenant, cookie: string, title: string, body = "Some text") {
  const res = await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie, json: { title, body } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { thread: { id: string } }).thread.id;
}

describe("hidden posts are explained to their author", () => {
  it("a hidden thread: its author sees a notice with the report's reason, others a 404", async () => {
    const { tenant, alice, bob } = await setup();
    const id = await thread(tenant, alice.cookie, "Selling my bike", "Cheap bike, DM me");
    expect((await call(tenant.host, "POST", "/api/v1/groups/makers/reports", { cookie: bob.cookie, json: { targetType: "thread", targetId: id, reason: "Advertising is not allowed" } })).status).toBe(201);
    expect((await postForm(tenant, "/g/makers/moderation/hide", tenant.owner.cookie, { targetType: "thread", targetId: id })).status).toBe(303);

    const mine = await getPage(tenant, `/g/makers/t/${id}`, alice.cookie);
    expect(mine.status).toBe(200);
    const html = await mine.text();
    expect(html).toContain("Votre discussion a été masquée par un modérateur");
    expect(html).toContain("Advertising is not allowed");
    expect(html).toContain("Selling my bike");
    expect((await getPage(tenant, `/g/makers/t/${id}`, bob.cookie)).status).toBe(404);
  });

  it("a hidden reply: its author sees a notice on the thread; without a report, says a moderator hid it", async () => {
    const { tenant, alice, bob } = await setup();
    const id = await thread(tenant, bob.cookie, "Weekend plans");
    const res = await call(tenant.host, "POST", `/api/v1/groups/makers/threads/${id}/replies`, { cookie: alice.cookie, json: { body: "An off-topic rant" } });
    expect(res.status).toBe(201);
    const replyId = ((await res.json()) as { reply: { id: string } }).reply.id;
    expect((await postForm(tenant, "/g/makers/moderation/hide", tenant.owner.cookie, { targetType: "reply", targetId: replyId })).status).toBe(303);
    const html = await (await getPage(tenant, `/g/makers/t/${id}?lang=en`, alice.cookie)).text();
    expect(html).toContain("One of your replies was hidden by a moderator");
    expect(html).toContain("An off-topic rant");
    expect(html).toContain("A moderator hid it without a report");
    const other = await (await getPage(tenant, `/g/makers/t/${id}?lang=en`, bob.cookie)).text();
    expect(other).not.toContain("An off-topic rant");
    expect(other).not.toContain("hidden by a moderator");
  });
});

describe("view as a member", () => {
  async function switchTo(tenant: TestTenant, cookie: string, as: "member" | "admin", next: string) {
    const res = await postForm(tenant, "/admin/view-as", cookie, { as, next });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(next);
    return res.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!;
  }

  it("the group's owner sees the group page as a member: no owner badge, no manage link, no moderation, no admin link, a banner to switch back", async () => {
    const { tenant, alice } = await setup();
    const id = await thread(tenant, alice.cookie, "Hello all");
    const before = await (await getPage(tenant, "/g/makers?lang=en", tenant.owner.cookie)).text();
    expect(before).toContain("You're the owner of this group");
    expect(before).toContain('href="/admin/groups/makers"');
    expect(before).toContain('href="/admin"');
    expect(before).not.toContain("view-as-banner");

    const viewAs = await switchTo(tenant, tenant.owner.cookie, "member", "/g/makers");
    expect(viewAs).toBe("view_as=member");
    const cookie = `${tenant.owner.cookie}; ${viewAs}`;
    const html = await (await getPage(tenant, "/g/makers?lang=en", cookie)).text();
    expect(html).not.toContain("You're the owner of this group");
    expect(html).toContain("You're a member of this group");
    expect(html).not.toContain('href="/admin/groups/makers"');
    expect(html).not.toContain('href="/admin"');
    expect(html).not.toContain('"canModerate":true');
    expect(html).toContain("view-as-banner");
    expect(html).toContain('name="as" value="admin"');
    // The group page has a composer: switching back opens a new tab and keeps what was typed.
    expect(html).toMatch(/<form class="inline-form view-as" method="post" action="\/admin\/view-as" target="_blank"/);

    const threadPage = await (await getPage(tenant, `/g/makers/t/${id}?lang=en`, cookie)).text();
    expect(threadPage).not.toContain('"canModerate":true');
    expect(threadPage).toContain("view-as-banner");
    expect((await getPage(tenant, "/g/makers/moderation", cookie)).status).toBe(403);
    // Every page carries the banner; a page without fields switches in place.
    const home = await (await getPage(tenant, "/?lang=en", cookie)).text();
    expect(home).toContain("view-as-banner");
    expect(home).not.toContain('target="_blank"');
    // The API agrees: the owner, as a member, cannot moderate or edit.
    expect((await call(tenant.host, "PATCH", "/api/v1/groups/makers", { cookie, json: { name: "Renamed" } })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/api/v1/groups/makers/moderation/hide", { cookie, json: { targetType: "thread", targetId: id } })).status).toBe(403);

    const back = await switchTo(tenant, cookie, "admin", "/g/makers");
    expect(back).toBe("view_as=admin");
    const after = await (await getPage(tenant, "/g/makers?lang=en", `${tenant.owner.cookie}; ${back}`)).text();
    expect(after).toContain("You're the owner of this group");
    expect(after).not.toContain("view-as-banner");
  });

  it("a group moderator who is not a community admin can view as a member too", async () => {
    const { tenant, alice } = await setup();
    await setGroupRole(tenant, "makers", alice.id, "moderator");
    expect(await (await getPage(tenant, "/g/makers", alice.cookie)).text()).toContain('"canModerate":true');
    const viewAs = await switchTo(tenant, alice.cookie, "member", "/g/makers");
    const html = await (await getPage(tenant, "/g/makers", `${alice.cookie}; ${viewAs}`)).text();
    expect(html).not.toContain('"canModerate":true');
    expect(html).toContain("view-as-banner");
  });

  it("refuses a foreign next: the switch only ever goes back to this site", async () => {
    const { tenant } = await setup();
    const res = await postForm(tenant, "/admin/view-as", tenant.owner.cookie, { as: "member", next: "//evil.example/x" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
  });
});

describe("mentions", () => {
  it("suggests group members for what follows @, accents and spaces aside; members only", async () => {
    const { tenant, alice, bob } = await setup();
    const elodie = await signUpMember(tenant, "elodie@makers.example", "Élodie Martin");
    await joinGroup(tenant, "makers", elodie.cookie);
    const outsider = await signUpMember(tenant, "out@makers.example", "Élodie Outside");
    const names = async (q: string, cookie = alice.cookie) =>
      ((await (await call(tenant.host, "GET", `/api/v1/groups/makers/mentions?q=${encodeURIComponent(q)}`, { cookie })).json()) as { items: { name: string }[] }).items.map((i) => i.name);
    expect(await names("elo")).toEqual(["Élodie Martin"]);
    expect(await names("ÉLO")).toEqual(["Élodie Martin"]);
    expect(await names("mart")).toEqual(["Élodie Martin"]);
    expect(await names("elodie m")).toEqual(["Élodie Martin"]);
    expect(await names("elodiemar")).toEqual(["Élodie Martin"]);
    expect(await names("bo")).toEqual(["Bob Reader"]);
    // Not the one typing, and never someone outside the group.
    expect(await names("alice")).toEqual([]);
    expect((await call(tenant.host, "GET", "/api/v1/groups/makers/mentions?q=elo", { cookie: outsider.cookie })).status).toBe(403);
    void bob;
  });

  it("a mention written by full name links to the member and emails them", async () => {
    const { tenant, alice } = await setup();
    const elodie = await signUpMember(tenant, "elodie@makers.example", "Élodie Martin");
    await joinGroup(tenant, "makers", elodie.cookie);
    const res = await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie: alice.cookie, json: { title: "Workshop", body: "Thanks @Élodie Martin for the help!" } });
    expect(res.status).toBe(201);
    const { thread } = (await res.json()) as { thread: { id: string; bodyHtml: string } };
    expect(thread.bodyHtml).toContain(`<a class="mention" href="/members?q=%C3%89lodie%20Martin#member-${elodie.id}" data-user-id="${elodie.id}">@Élodie Martin</a> for the help!`);
    const { env } = await import("cloudflare:workers");
    const mails = await env.DB.prepare(`select subject from outbox where tenant_id = ? and "to" = ?`).bind(tenant.id, "elodie@makers.example").all<{ subject: string }>();
    expect(mails.results.some((m) => m.subject.includes("Alice Author"))).toBe(true);
  });
});

describe("small defects", () => {
  it("/favicon.ico answers on every host: the community's upload, else its initial on its colour", async () => {
    const tenant = await makeTenant({ name: "Zèbre Club" });
    const fallback = await getPage(tenant, "/favicon.ico");
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get("content-type")).toBe("image/svg+xml");
    expect(await fallback.text()).toContain(">Z</text>");
    const root = await call("communities.test", "GET", "/favicon.ico");
    expect(root.status).toBe(200);
    const { png } = await import("../test/images");
    const body = new FormData();
    for (const [k, v] of Object.entries({ name: "Zèbre Club", signupPolicy: "open", defaultLanguage: "fr", primaryColor: "#0f766e", accentColor: "" })) body.set(k, v);
    body.set("favicon", new File([png(16, 16)], "icon.png", { type: "image/png" }));
    expect((await call(tenant.host, "POST", "/admin/settings", { cookie: tenant.owner.cookie, body })).status).toBe(303);
    const uploaded = await getPage(tenant, "/favicon.ico");
    expect(uploaded.status).toBe(200);
    expect(uploaded.headers.get("content-type")).toBe("image/png");
  });

  it("after deleting a group, the admin page says it was deleted (and can be restored)", async () => {
    const { tenant } = await setup();
    const res = await postForm(tenant, "/admin/groups/makers/delete", tenant.owner.cookie, {});
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toBe("/admin?done=deleted");
    const html = await (await getPage(tenant, `${location}&lang=en`, tenant.owner.cookie)).text();
    expect(html).toContain("Group deleted. You can restore it for 30 days.");
  });

  it("the invitation page's email is a labelled field", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: ["guest@example.org"] } });
    expect(res.status).toBe(200);
    const { env } = await import("cloudflare:workers");
    const mail = await env.DB.prepare(`select text from outbox where tenant_id = ? and "to" = ?`).bind(tenant.id, "guest@example.org").first<{ text: string }>();
    const path = /\/invite\/[A-Za-z0-9_-]+/.exec(mail!.text)![0];
    const html = await (await getPage(tenant, path)).text();
    expect(html).toMatch(/<label class="label" for="invite-email">[^<]+<\/label>\s*<input class="input invite-email" id="invite-email" type="email" value="guest@example.org" readonly/);
  });

  it("the admin sidebar shows a group admin only what they may open; members get a \"Create a group\" entry where allowed", async () => {
    const { tenant, alice } = await setup();
    await setGroupRole(tenant, "makers", alice.id, "admin");
    const groupAdmin = await (await getPage(tenant, "/admin/groups/makers?lang=en", alice.cookie)).text();
    expect(groupAdmin).toContain('href="/admin/invitations"');
    for (const path of ["/admin/members", "/admin/profile-fields", "/admin/settings"]) expect(groupAdmin).not.toContain(`href="${path}"`);
    const owner = await (await getPage(tenant, "/admin?lang=en", tenant.owner.cookie)).text();
    for (const path of ["/admin/members", "/admin/profile-fields", "/admin/settings"]) expect(owner).toContain(`href="${path}"`);

    const home = await (await getPage(tenant, "/?lang=en", alice.cookie)).text();
    expect(home).toContain('<a class="nav-link" href="/admin#create-title">Create a group</a>');
    // The owner has the administration link instead; both see the home page's button.
    const ownerHome = await (await getPage(tenant, "/?lang=en", tenant.owner.cookie)).text();
    expect(ownerHome).not.toContain('<a class="nav-link" href="/admin#create-title">');
    expect(ownerHome).toContain('<a class="btn btn-secondary" href="/admin#create-title">Create a group</a>');
    expect(home).toContain('<a class="btn btn-secondary" href="/admin#create-title">Create a group</a>');
    // Admins only: the `groupCreation` setting where the tenant has it, else the older feature flag.
    let restricted = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { groupCreation: "admins" } });
    if (restricted.status !== 200) restricted = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { adminOnlyGroups: true } } });
    expect(restricted.status).toBe(200);
    expect(await (await getPage(tenant, "/?lang=en", alice.cookie)).text()).not.toContain('href="/admin#create-title"');
  });

  it("the group's join link comes with a copy button (drawn by the browser), and the readonly link does not count as typed input", async () => {
    const { tenant } = await setup();
    const html = await (await getPage(tenant, "/g/makers?lang=en", tenant.owner.cookie)).text();
    expect(html).toContain('data-island="CopyButton"');
    expect(html).toContain('"target":"group-join-url"');
  });

  it("a profile field's key, left empty, is made from its label; a key typed in is kept", async () => {
    const tenant = await makeTenant();
    expect((await postForm(tenant, "/admin/profile-fields", tenant.owner.cookie, { label: "Ville d’origine", type: "text", key: "", visibility: "member" })).status).toBe(303);
    expect((await postForm(tenant, "/admin/profile-fields", tenant.owner.cookie, { label: "2e adresse", type: "text", key: "", visibility: "member" })).status).toBe(303);
    expect((await postForm(tenant, "/admin/profile-fields", tenant.owner.cookie, { label: "Company", type: "text", key: "employer", visibility: "member" })).status).toBe(303);
    const fields = (await (await call(tenant.host, "GET", "/api/v1/profile-fields", { cookie: tenant.owner.cookie })).json()) as { items: { key: string; label: string }[] };
    expect(fields.items.map((f) => f.key).sort()).toEqual(["employer", "field_2e_adresse", "ville_d_origine"]);
  });

  it("one avatar wherever a person is shown: initials on their own colour in the header, the member list and the threads", async () => {
    const { initials } = await import("../../web/ui/avatar");
    expect(initials("Élodie Martin")).toBe("ÉM");
    expect(initials("  bob ")).toBe("B");
    expect(initials("Jean de la Tour")).toBe("JT");
    const { tenant, alice } = await setup();
    await thread(tenant, alice.cookie, "Avatars");
    const html = await (await getPage(tenant, "/g/makers?lang=en", tenant.owner.cookie)).text();
    const header = html.slice(html.indexOf("<header"), html.indexOf("</header>"));
    expect(header).toMatch(/<span class="avatar avatar-tone-\d" aria-hidden="true">OO<\/span>/);
    const main = html.slice(html.indexOf("<main"));
    expect(main).toMatch(/<span class="avatar avatar-tone-\d[^"]*" aria-hidden="true">AA<\/span>/);
    expect(main).toMatch(/<span class="avatar avatar-tone-\d[^"]*" aria-hidden="true">BR<\/span>/);
  });
});
