import { describe, expect, it } from "vitest";
import { call, form, getPage, makeGroup, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// The page at `/` for a signed-in member (the portal dashboard) and the member navigation's
// Membership tab. The dashboard reads what `GET /api/v1/me/dashboard` answers.

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const html = async (tenant: TestTenant, cookie: string, path = "/?lang=en") => {
  const res = await getPage(tenant, path, cookie);
  expect(res.status).toBe(200);
  return res.text();
};
const patchTenant = async (tenant: TestTenant, json: unknown) => {
  const res = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json });
  expect(res.status).toBe(200);
};
async function makePlan(tenant: TestTenant, body: Record<string, unknown> = {}): Promise<string> {
  const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Resident", price: { amount: 12000, currency: "EUR" }, intervalMonths: 1, ...body } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { plan: { id: string } }).plan.id;
}
async function assign(tenant: TestTenant, userId: string, planId: string) {
  const res = await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId, planId } });
  expect(res.status).toBe(201);
}
/** The header's navigation as `class href` lines (names and pictures aside). */
function navOf(page: string): string[] {
  const nav = /<nav class="site-nav"[^>]*>([\s\S]*?)<\/nav>/.exec(page)![1]!;
  return [...nav.matchAll(/<li class="([^"]*)">\s*<a[^>]*href="([^"]*)"/g)].map((m) => `${m[1]} ${m[2]}`);
}
const viewAsMember = async (tenant: TestTenant) => {
  const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
  expect(set.status).toBe(303);
  return `${tenant.owner.cookie}; ${set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!}`;
};

describe("the dashboard at /", () => {
  it("shows the status banner only inside its window", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "banner@example.org", "Bea Banner");
    const now = Date.now();
    await patchTenant(tenant, { status: { state: "temporarily_closed", message: "Closed for works", from: iso(now - HOUR), until: iso(now + HOUR) } });
    let page = await html(tenant, member.cookie);
    expect(page).toMatch(/<div class="alert alert-warning dashboard-status dashboard-status-temporarily_closed" role="status"><p class="alert-title">Temporarily closed<\/p><p class="alert-body dashboard-status-message">Closed for works<\/p>/);
    // Not yet, and no more: no banner.
    await patchTenant(tenant, { status: { state: "restricted", message: "Members only", from: iso(now + HOUR), until: iso(now + 2 * HOUR) } });
    page = await html(tenant, member.cookie);
    expect(page).not.toContain("dashboard-status");
    expect(page).not.toContain("Members only");
    await patchTenant(tenant, { status: { state: "restricted", message: "Members only", from: iso(now - 2 * HOUR), until: iso(now - 60_000) } });
    expect(await html(tenant, member.cookie)).not.toContain("Members only");
    // Open-ended windows: from only, and until only.
    await patchTenant(tenant, { status: { state: "restricted", message: "Members only", from: iso(now - HOUR) } });
    expect(await html(tenant, member.cookie, "/?lang=fr")).toMatch(/<p class="alert-title">Accès restreint<\/p><p class="alert-body dashboard-status-message">Members only<\/p>/);
    await patchTenant(tenant, { status: { state: "open", message: "Open late on Thursdays", until: iso(now + HOUR) } });
    expect(await html(tenant, member.cookie)).toMatch(/alert-info dashboard-status dashboard-status-open"[^>]*><p class="alert-title">Open<\/p><p class="alert-body dashboard-status-message">Open late on Thursdays/);
    // `open` without a message shows nothing; the signed-out home never shows the banner.
    await patchTenant(tenant, { status: { state: "open", message: "" } });
    expect(await html(tenant, member.cookie)).not.toContain("dashboard-status");
    await patchTenant(tenant, { status: { state: "temporarily_closed", message: "Closed for works" } });
    expect(await (await getPage(tenant, "/?lang=en")).text()).not.toContain("Closed for works");
  });

  it("renders the welcome message as safe Markdown: HTML stays text, unsafe links are dropped", async () => {
    const tenant = await makeTenant({ name: "Hive" });
    const member = await signUpMember(tenant, "welcome@example.org", "Wes Welcome");
    expect(await html(tenant, member.cookie)).not.toContain("dashboard-welcome");
    await patchTenant(tenant, { welcomeMessage: "**Welcome** to the _hive_.\n\n<script>alert(1)</script>\n\n[rules](https://example.org/rules) [bad](javascript:alert(2)) <img src=x onerror=alert(3)>" });
    const page = await html(tenant, member.cookie);
    expect(page).toContain('<h2 id="welcome-title" class="dashboard-card-title">A word from Hive</h2>');
    expect(page).toContain("<strong>Welcome</strong> to the <em>hive</em>.");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain('href="https://example.org/rules"');
    expect(page).not.toMatch(/<script>alert|href="javascript:|<img/i);
    // Exactly the page's own scripts: none here (no island on the dashboard).
    expect(page).not.toMatch(/<script(?![^>]*type="application\/json")/);
  });

  it("shows the announcements meant for the member: everyone, their groups, their plans", async () => {
    const tenant = await makeTenant();
    const planId = await makePlan(tenant);
    await makeGroup(tenant, { name: "Makers", slug: "makers", joinPolicy: "open" });
    const onPlan = await signUpMember(tenant, "plan@example.org", "Paula Plan");
    const inGroup = await signUpMember(tenant, "group@example.org", "Gus Group");
    const nobody = await signUpMember(tenant, "nobody@example.org", "Ned Nobody");
    await assign(tenant, onPlan.id, planId);
    expect((await call(tenant.host, "POST", "/api/v1/groups/makers/join", { cookie: inGroup.cookie, json: {} })).status).toBe(200);
    const announce = async (json: Record<string, unknown>) => expect((await call(tenant.host, "POST", "/api/v1/announcements", { cookie: tenant.owner.cookie, json })).status).toBe(201);
    await announce({ title: "For everyone", body: "Coffee is *free* today." });
    await announce({ title: "For residents", body: "Desk cleaning on Friday.", plans: [planId] });
    await announce({ title: "For makers", body: "Laser night <b>tonight</b>.", groups: ["makers"] });
    const titles = async (cookie: string) => [...(await html(tenant, cookie)).matchAll(/<h3 class="dashboard-announcement-title">([^<]*)<\/h3>/g)].map((m) => m[1]);
    expect(await titles(onPlan.cookie)).toEqual(["For residents", "For everyone"]);
    expect(await titles(inGroup.cookie)).toEqual(["For makers", "For everyone"]);
    expect(await titles(nobody.cookie)).toEqual(["For everyone"]);
    const page = await html(tenant, inGroup.cookie);
    expect(page).toContain("Laser night &lt;b&gt;tonight&lt;/b&gt;.");
    expect(page).toContain("Coffee is <em>free</em> today.");
    expect(page).toMatch(/<time datetime="[0-9T:.Z-]+">Posted on [A-Z][a-z]+ \d{1,2}, 20\d\d<\/time>/);
    // Edited, retargeted and deleted announcements show at once (the cached read is forgotten).
    const list = (await (await call(tenant.host, "GET", "/api/v1/announcements", { cookie: tenant.owner.cookie })).json()) as { items: { id: string; title: string }[] };
    const makers = list.items.find((a) => a.title === "For makers")!;
    expect((await call(tenant.host, "PATCH", `/api/v1/announcements/${makers.id}`, { cookie: tenant.owner.cookie, json: { title: "For all makers", groups: [] } })).status).toBe(200);
    expect(await titles(nobody.cookie)).toEqual(["For all makers", "For everyone"]);
    for (const a of list.items) expect((await call(tenant.host, "DELETE", `/api/v1/announcements/${a.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect(await html(tenant, nobody.cookie)).not.toContain("announcements-title");
  });

  it("shows the member's plan in each state, or a link to choose one only when the community has plans; and the bio with its edit link", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "state@example.org", "Stella State");
    let page = await html(tenant, member.cookie);
    expect(page).not.toContain("plan-title");
    expect(page).not.toContain('href="/membership"');
    expect(page).toContain("You haven't written a few words about yourself yet.");
    expect(page).toContain('<a class="dashboard-card-link" href="/me">Edit your profile</a>');
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { bio: "Designer <b>and</b> baker" } })).status).toBe(200);
    expect(await html(tenant, member.cookie)).toContain('<p class="dashboard-bio">Designer &lt;b>and&lt;/b> baker</p>');

    const approval = await makePlan(tenant, { name: "Studio", approvalRequired: true, noticeDays: 0 });
    page = await html(tenant, member.cookie);
    expect(page).toContain("You don't have a plan yet.");
    expect(page).toContain('<a class="btn btn-primary btn-sm" href="/membership">Choose a plan</a>');

    expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: approval } })).status).toBe(201);
    page = await html(tenant, member.cookie);
    expect(page).toMatch(/<span class="dashboard-plan-name">Studio<\/span>\s*<span class="badge badge-warning">Awaiting approval<\/span>/);
    expect(page).toContain('<a class="dashboard-card-link" href="/membership">Manage your membership</a>');

    const mine = (await (await call(tenant.host, "GET", "/api/v1/me/membership", { cookie: member.cookie })).json()) as { id: string };
    expect((await call(tenant.host, "POST", `/api/v1/memberships/${mine.id}/confirm`, { cookie: tenant.owner.cookie, json: {} })).status).toBe(200);
    page = await html(tenant, member.cookie);
    expect(page).toMatch(/<span class="dashboard-plan-name">Studio<\/span>\s*<span class="badge badge-success">Active<\/span>/);
    // Renaming the plan shows at once (the cached read is forgotten).
    expect((await call(tenant.host, "PATCH", `/api/v1/plans/${approval}`, { cookie: tenant.owner.cookie, json: { name: "Studio XL" } })).status).toBe(200);
    expect(await html(tenant, member.cookie)).toContain('<span class="dashboard-plan-name">Studio XL</span>');

    const canceled = await call(tenant.host, "POST", "/api/v1/me/membership/cancel", { cookie: member.cookie, json: {} });
    expect(canceled.status).toBe(200);
    const cancelsOn = ((await canceled.json()) as { membership: { cancelsOn: string } }).membership.cancelsOn;
    const longEn = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${cancelsOn}T12:00:00Z`));
    const longFr = new Intl.DateTimeFormat("fr", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${cancelsOn}T12:00:00Z`));
    page = await html(tenant, member.cookie);
    expect(page).toContain(`<span class="badge badge-quiet">Ends on ${longEn}</span>`);
    expect(page).toContain(`Your membership ends on ${longEn}; you keep access until then.`);
    expect(await html(tenant, member.cookie, "/?lang=fr")).toContain(`Votre abonnement prend fin le ${longFr}\u202f; vous gardez l’accès jusque-là.`);

    // Ended (an admin's cancel today, then the job the day after): no plan, the choice again.
    expect((await call(tenant.host, "POST", `/api/v1/memberships/${mine.id}/cancel`, { cookie: tenant.owner.cookie, json: { on: cancelsOn } })).status).toBe(200);
    const dayAfter = new Date(Date.parse(`${cancelsOn}T12:00:00Z`) + 36 * HOUR).toISOString();
    expect((await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: dayAfter } })).status).toBe(200);
    expect(((await (await call(tenant.host, "GET", "/api/v1/me/membership", { cookie: member.cookie })).json()) as { status: string }).status).toBe("canceled");
    page = await html(tenant, member.cookie);
    expect(page).not.toContain("dashboard-plan-name");
    expect(page).toContain("Choose a plan");
  });

  it("keeps what the home dashboard showed: greeting, create-group button, the member's groups and the groups to discover", async () => {
    const tenant = await makeTenant({ name: "Hive" });
    await makeGroup(tenant, { name: "Makers", slug: "makers", joinPolicy: "open" });
    await makeGroup(tenant, { name: "Readers", slug: "readers", joinPolicy: "open" });
    const member = await signUpMember(tenant, "groups@example.org", "Gina Groups");
    expect((await call(tenant.host, "POST", "/api/v1/groups/makers/join", { cookie: member.cookie, json: {} })).status).toBe(200);
    const page = await html(tenant, member.cookie);
    expect(page).toContain('<h1 class="page-title">Hello, Gina Groups</h1>');
    const mine = /<section class="section" aria-labelledby="my-groups-title">([\s\S]*?)<\/section>/.exec(page)![1]!;
    const discover = /<section class="section" aria-labelledby="discover-title">([\s\S]*?)<\/section>/.exec(page)![1]!;
    expect(mine).toContain('href="/g/makers"');
    expect(mine).not.toContain('href="/g/readers"');
    expect(discover).toContain('href="/g/readers"');
    expect(page).toContain('<a class="btn btn-secondary" href="/admin#create-title">Create a group</a>');
    // No placeholders for what later issues bring.
    expect(/<main[\s\S]*<\/main>/.exec(page)![0]).not.toMatch(/invoice|booking|upcoming event/i);
  });

  it("renders each dashboard from its own inputs: a page once rendered is never shown to another member, nor after a change, nor in another language", async () => {
    // The body is remembered by its inputs (worker/dashboard/html.ts): everything it reads must be in the key.
    const tenant = await makeTenant({ name: "Twins" });
    await makeGroup(tenant, { name: "Makers", slug: "makers", joinPolicy: "open" });
    const ann = await signUpMember(tenant, "ann@example.org", "Ann Same");
    const bob = await signUpMember(tenant, "bob@example.org", "Bob Same");
    const strip = (page: string) => page.replace(/nonce="[^"]*"/g, "");
    const first = await html(tenant, ann.cookie);
    expect(strip(await html(tenant, ann.cookie))).toBe(strip(first));
    const other = await html(tenant, bob.cookie);
    expect(other).toContain("Hello, Bob Same");
    expect(other).not.toContain("Ann Same");
    // A change the member makes shows at once: joining a group moves it to their groups.
    expect((await call(tenant.host, "POST", "/api/v1/groups/makers/join", { cookie: ann.cookie, json: {} })).status).toBe(200);
    const joined = await html(tenant, ann.cookie);
    expect(/<section class="section" aria-labelledby="my-groups-title">([\s\S]*?)<\/section>/.exec(joined)?.[1]).toContain('href="/g/makers"');
    // A change an admin makes shows at once too, and the language follows the request.
    await patchTenant(tenant, { welcomeMessage: "Coffee is **free** today" });
    expect(await html(tenant, ann.cookie)).toContain("<strong>free</strong>");
    expect(await html(tenant, ann.cookie, "/?lang=fr")).toContain("Bonjour Ann Same");
    // The community and the reader stand in the key by identity (worker/http/render.ts
    // contextKey): a change to either is a new row, so a new page.
    expect(await html(tenant, ann.cookie)).toContain('href="/admin#create-title"');
    await patchTenant(tenant, { name: "Twins Renamed", groupCreation: "admins" });
    const renamed = await html(tenant, ann.cookie);
    expect(renamed).toContain("Twins Renamed");
    expect(renamed).not.toContain('href="/admin#create-title"');
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: ann.cookie, json: { name: "Ann Other" } })).status).toBe(200);
    expect(await html(tenant, ann.cookie)).toContain("Hello, Ann Other");
    // Each page keeps its own nonce (it is outside the remembered body).
    const nonces = new Set([await html(tenant, bob.cookie), await html(tenant, bob.cookie)].map((p) => /nonce="([^"]*)"/.exec(p)![1]));
    expect(nonces.size).toBe(2);
  });
});

describe("the member navigation", () => {
  it("shows the Membership tab when the community offers a plan, or to a member who has a membership", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "tab@example.org", "Tad Tab");
    const other = await signUpMember(tenant, "other@example.org", "Otto Other");
    const hasTab = async (cookie: string, path = "/?lang=en") => navOf(await html(tenant, cookie, path)).includes("nav-membership /membership");
    expect(await hasTab(member.cookie)).toBe(false);
    expect(await hasTab(tenant.owner.cookie)).toBe(false);
    // A hidden plan is offered only through its link: no tab yet.
    const hidden = await makePlan(tenant, { name: "Friends", hidden: true });
    expect(await hasTab(member.cookie)).toBe(false);
    const planId = await makePlan(tenant);
    expect(await hasTab(member.cookie)).toBe(true);
    expect(await hasTab(member.cookie, "/me?lang=en")).toBe(true);
    expect(await hasTab(tenant.owner.cookie, "/me?lang=en")).toBe(true);
    expect(await (await getPage(tenant, "/?lang=en")).text()).not.toContain("nav-membership");
    // Every plan archived: only a member with a membership keeps the tab.
    await assign(tenant, member.id, hidden);
    expect((await call(tenant.host, "DELETE", `/api/v1/plans/${planId}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect(await hasTab(member.cookie)).toBe(true);
    expect(await hasTab(other.cookie)).toBe(false);
    expect((await call(tenant.host, "POST", `/api/v1/plans/${planId}/restore`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect(await hasTab(other.cookie)).toBe(true);
    // Named in the reader's language, and marked current on the membership pages.
    expect(await html(tenant, member.cookie, "/?lang=en")).toContain('<a class="nav-link" href="/membership">Membership</a>');
    expect(await html(tenant, member.cookie, "/?lang=fr")).toContain('<a class="nav-link" href="/membership">Abonnement</a>');
    expect(await (await getPage(tenant, "/membership?lang=en", member.cookie)).text()).toContain('<a class="nav-link" href="/membership" aria-current="page">Membership</a>');
  });

  it("the Community tab follows features.directory; view as member shows exactly a member's navigation", async () => {
    const tenant = await makeTenant();
    await makePlan(tenant);
    const member = await signUpMember(tenant, "nav@example.org", "Nia Nav");
    const asMember = await viewAsMember(tenant);
    const member_ = async () => navOf(await html(tenant, member.cookie));
    const viewer = async () => navOf(await html(tenant, asMember));
    expect(await member_()).toEqual(["nav-home /", "nav-bookings /bookings", "nav-members /members", "nav-events /events", "nav-help /help", "nav-membership /membership", "nav-create-group /admin#create-title", "nav-profile /me"]);
    expect(await viewer()).toEqual(await member_());
    expect(navOf(await html(tenant, tenant.owner.cookie))).toEqual(["nav-home /", "nav-bookings /bookings", "nav-members /members", "nav-events /events", "nav-help /help", "nav-membership /membership", "nav-admin /admin", "nav-profile /me"]);
    await patchTenant(tenant, { features: { directory: false }, groupCreation: "admins" });
    expect(await member_()).toEqual(["nav-home /", "nav-bookings /bookings", "nav-events /events", "nav-help /help", "nav-membership /membership", "nav-profile /me"]);
    expect(await viewer()).toEqual(await member_());
    // The owner keeps the directory (admins always see it) when not viewing as a member.
    expect(navOf(await html(tenant, tenant.owner.cookie))).toEqual(["nav-home /", "nav-bookings /bookings", "nav-members /members", "nav-events /events", "nav-help /help", "nav-membership /membership", "nav-admin /admin", "nav-profile /me"]);
    // The Bookings tab follows features.bookings the same way (issue 16).
    await patchTenant(tenant, { features: { bookings: false } });
    expect(await member_()).toEqual(["nav-home /", "nav-events /events", "nav-help /help", "nav-membership /membership", "nav-profile /me"]);
    expect(await viewer()).toEqual(await member_());
    expect(navOf(await html(tenant, tenant.owner.cookie))).toEqual(["nav-home /", "nav-bookings /bookings", "nav-members /members", "nav-events /events", "nav-help /help", "nav-membership /membership", "nav-admin /admin", "nav-profile /me"]);
    // And the dashboard itself: no admin-only button while viewing as a member.
    expect(await html(tenant, asMember)).not.toContain('href="/admin#create-title"');
  });
});

describe("the signed-out home", () => {
  it("stays the visitors' page: hero, groups, no dashboard, no Membership tab", async () => {
    const tenant = await makeTenant({ name: "Hive" });
    await makePlan(tenant);
    await makeGroup(tenant, { name: "Makers", slug: "makers", joinPolicy: "open" });
    await patchTenant(tenant, { welcomeMessage: "Members only words", status: { state: "restricted", message: "Closed to visitors" } });
    const res = await getPage(tenant, "/?lang=en");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1 class="hero-title">Welcome to Hive</h1>');
    expect(page).toContain('href="/g/makers"');
    expect(page).not.toMatch(/dashboard|Members only words|Closed to visitors|nav-membership/);
  });
});
