import { describe, expect, it } from "vitest";
import { call, form, makeGroup, makeTenant, sessionCookie, signUpMember } from "../test/helpers";
import { png } from "../test/images";

describe("group page", () => {
  it("wears the group's branding: colour, logo, cover and favicon", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Painters", slug: "painters", description: "Oil & <watercolour>", links: [{ title: "Gallery", url: "https://gallery.example.org" }] });
    await call(tenant.host, "PATCH", "/api/v1/groups/painters", { cookie: tenant.owner.cookie, json: { branding: { primaryColor: "#aa3366" } } });
    const logo = (await (await call(tenant.host, "PUT", "/api/v1/groups/painters/assets/logo", { cookie: tenant.owner.cookie, body: png(40, 40), headers: { "content-type": "image/png" } })).json()) as { url: string };
    const favicon = (await (await call(tenant.host, "PUT", "/api/v1/groups/painters/assets/favicon", { cookie: tenant.owner.cookie, body: png(32, 32), headers: { "content-type": "image/png" } })).json()) as { url: string };
    const html = await (await call(tenant.host, "GET", "/g/painters")).text();
    expect(html).toMatch(/--brand:\s*#aa3366/);
    expect(html).toContain(`href="${favicon.url}"`);
    expect(html).toContain(`src="${logo.url}"`);
    expect(html).toContain("Oil &amp; &lt;watercolour");
    expect(html).not.toContain("<watercolour");
    expect(html).toContain('href="https://gallery.example.org/"');
    // The rest of the community keeps the tenant's colours.
    expect(await (await call(tenant.host, "GET", "/login")).text()).not.toMatch(/--brand:\s*#aa3366/);
  });

  it("shows the right membership area: join, pending, member", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Quiet", slug: "quiet" });
    const member = await signUpMember(tenant, "q@example.org");
    const outside = await (await call(tenant.host, "GET", "/g/quiet", { cookie: member.cookie })).text();
    expect(outside).toContain('href="/g/quiet/join"');
    await call(tenant.host, "POST", "/api/v1/groups/quiet/join", { cookie: member.cookie, json: {} });
    const pending = await call(tenant.host, "GET", "/g/quiet", { cookie: member.cookie });
    expect(pending.status).toBe(200);
    const pendingHtml = await pending.text();
    expect(pendingHtml).not.toContain('href="/g/quiet/join"');
    const requests = (await (await call(tenant.host, "GET", "/api/v1/groups/quiet/requests", { cookie: tenant.owner.cookie })).json()) as { items: { id: string }[] };
    await call(tenant.host, "POST", `/api/v1/groups/quiet/requests/${requests.items[0]!.id}/approve`, { cookie: tenant.owner.cookie });
    const memberHtml = await (await call(tenant.host, "GET", "/g/quiet", { cookie: member.cookie })).text();
    expect(memberHtml).toContain('action="/g/quiet/leave"');
  });

  it("answers 404 for a deleted group (except to tenant admins) and for an unknown slug", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Gone", slug: "gone" });
    await call(tenant.host, "DELETE", "/api/v1/groups/gone", { cookie: tenant.owner.cookie });
    expect((await call(tenant.host, "GET", "/g/gone")).status).toBe(404);
    expect((await call(tenant.host, "GET", "/g/gone", { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await call(tenant.host, "GET", "/g/never")).status).toBe(404);
  });
});

describe("join page (the group's unique URL)", () => {
  it("a visitor signs up, answers the question and is pending, in one form post", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Founders", slug: "founders", questions: [{ label: "Your project?", required: true }] });
    const q = g.questions[0]!.id;
    const page = await (await call(tenant.host, "GET", "/g/founders/join")).text();
    expect(page).toContain(`name="answer.${q}"`);
    expect(page).toContain('name="password"');

    // A missing answer creates no account.
    const missing = await call(tenant.host, "POST", "/g/founders/join", form({ mode: "signup", name: "Vic", email: "vic@example.org", password: "long enough pass" }));
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('aria-invalid="true"');
    expect((await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "vic@example.org", password: "long enough pass" } })).status).toBe(401);

    const joined = await call(tenant.host, "POST", "/g/founders/join", form({ mode: "signup", name: "Vic", email: "vic@example.org", password: "long enough pass", [`answer.${q}`]: "Bikes" }));
    expect(joined.status).toBe(202);
    const cookie = sessionCookie(joined);
    const view = (await (await call(tenant.host, "GET", "/api/v1/groups/founders", { cookie })).json()) as { membership: string };
    expect(view.membership).toBe("pending");
    const queue = (await (await call(tenant.host, "GET", "/api/v1/groups/founders/requests", { cookie: tenant.owner.cookie })).json()) as { items: { answers: { answer: string }[] }[] };
    expect(queue.items[0]!.answers[0]!.answer).toBe("Bikes");
  });

  it("an existing member logs in and joins an open group in one post", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Open", slug: "open", joinPolicy: "open" });
    const member = await signUpMember(tenant, "returning@example.org");
    const wrong = await call(tenant.host, "POST", "/g/open/join", form({ mode: "login", email: member.email, password: "wrong password!" }));
    expect(wrong.status).toBe(401);
    const ok = await call(tenant.host, "POST", "/g/open/join", form({ mode: "login", email: member.email, password: member.password }));
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/g/open");
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(ok) })).json()) as { groups: { slug: string }[] };
    expect(me.groups.map((x) => x.slug)).toContain("open");
  });

  it("a signed-in member answers only the questions; invite-only groups say so", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Board", slug: "board", joinPolicy: "invite" });
    await makeGroup(tenant, { name: "Club", slug: "club", joinPolicy: "open" });
    const member = await signUpMember(tenant, "signed@example.org");
    const clubPage = await (await call(tenant.host, "GET", "/g/club/join", { cookie: member.cookie })).text();
    expect(clubPage).not.toContain('name="password"');
    expect((await call(tenant.host, "POST", "/g/club/join", form({ mode: "questions" }, member.cookie))).status).toBe(303);
    const board = await call(tenant.host, "POST", "/g/board/join", form({ mode: "questions" }, member.cookie));
    expect(board.status).toBe(403);
  });
});
