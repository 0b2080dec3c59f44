import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { invitations, outbox, tenants, users } from "../db/schema";
import { call, csvFile, importFile, makeGroup, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { outboxTo } from "../test/mail";
import { RESENDS_IN_ALL, resendInvitation } from "./service";

type Result = { invited: string[]; addedToGroups: string[]; skipped: { email: string; reason: string }[] };
type Mine = { items: { id: string; groups: { slug: string; name: string }[]; invitedBy: { name: string } | null }[]; nextCursor: null };

const invite = (tenant: TestTenant, cookie: string, body: Record<string, unknown>) => call(tenant.host, "POST", "/api/v1/invitations", { cookie, json: body });

/** A plain member (no tenant role) who creates a group and so becomes its owner. */
async function groupOwner(tenant: TestTenant, email: string, slug: string) {
  const m = await signUpMember(tenant, email, "Gaby Groupowner");
  await makeGroup(tenant, { slug, joinPolicy: "invite" }, m.cookie);
  return m;
}

async function groupsOf(tenant: TestTenant, cookie: string): Promise<{ slug: string; role: string }[]> {
  return ((await (await call(tenant.host, "GET", "/api/v1/me", { cookie })).json()) as { groups: { slug: string; role: string }[] }).groups;
}

async function tenantName(tenant: TestTenant) {
  return (await directoryDb(env).query.tenants.findFirst({ where: eq(tenants.id, tenant.id) }))!.name;
}

/** The same request for each address, sent together, answers the same: 200, invited, nobody added or skipped (so it tells nothing about accounts). */
async function expectInvitedAlike(emails: string[], send: (email: string) => Promise<Response>) {
  const answers = await Promise.all(
    emails.map(async (email) => {
      const res = await send(email);
      return { status: res.status, body: (await res.json()) as Result };
    }),
  );
  for (const [i, email] of emails.entries()) {
    expect(answers[i]).toEqual({ status: 200, body: { invited: [email], addedToGroups: [], skipped: [] } });
  }
}

async function ban(tenant: TestTenant, slug: string, userId: string, cookie = tenant.owner.cookie) {
  const res = await call(tenant.host, "POST", `/api/v1/groups/${slug}/members/${userId}/ban`, { cookie });
  expect(res.status).toBeLessThan(300);
}

describe("a member without a tenant role who runs a group", () => {
  it("cannot learn whether an email has an account, and cannot make anyone a member without consent", async () => {
    const tenant = await makeTenant();
    const known = await signUpMember(tenant, "known@example.org", "Kim Known");
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");

    // The same request for an address with an account, one without, and the tenant's owner.
    await expectInvitedAlike(["known@example.org", "nobody@example.org", tenant.owner.email], (email) => invite(tenant, gaby.cookie, { emails: [email], groups: ["club"] }));
    // Nobody was put in the group.
    expect(await groupsOf(tenant, known.cookie)).toEqual([]);
    expect((await groupsOf(tenant, tenant.owner.cookie)).map((g) => g.slug)).not.toContain("club");

    // The same work was done for each: one invitation row with its token hash, one email.
    const rows = await directoryDb(env).select().from(invitations).where(eq(invitations.tenantId, tenant.id));
    expect(rows.map((r) => r.tokenHash.length)).toEqual([64, 64, 64]);
    for (const email of ["known@example.org", "nobody@example.org", tenant.owner.email]) {
      expect((await outboxTo(tenant.id, email)).filter((m) => /invit/i.test(m.subject))).toHaveLength(1);
    }

    // Their own list shows the three alike (same status, same fields).
    const list = (await (await call(tenant.host, "GET", "/api/v1/invitations", { cookie: gaby.cookie })).json()) as { items: Record<string, unknown>[] };
    expect(list.items).toHaveLength(3);
    const shape = (x: Record<string, unknown>) => ({ keys: Object.keys(x).sort(), status: x.status, groups: x.groups, remindedAt: x.remindedAt, acceptedAt: x.acceptedAt });
    expect(new Set(list.items.map((x) => JSON.stringify(shape(x)))).size).toBe(1);

    // Inviting again answers alike too (a pending invitation to the group, whoever the address is).
    const again = await invite(tenant, gaby.cookie, { emails: ["known@example.org", "nobody@example.org"], groups: ["club"] });
    expect(((await again.json()) as Result).skipped).toEqual([
      { email: "known@example.org", reason: "already_invited" },
      { email: "nobody@example.org", reason: "already_invited" },
    ]);

    // A file: the dry run plans both rows the same way, and the answer says nothing more.
    const dry = await importFile(tenant, csvFile("email\nknown2@example.org\nnobody2@example.org\n"), { cookie: gaby.cookie, fields: { groups: "club" }, query: "?dryRun=1" });
    await signUpMember(tenant, "known2@example.org");
    const dry2 = await importFile(tenant, csvFile("email\nknown2@example.org\nnobody2@example.org\n"), { cookie: gaby.cookie, fields: { groups: "club" }, query: "?dryRun=1" });
    expect(dry.status).toBe(200);
    const strip = (b: { rows: Record<string, unknown>[] }) => b.rows.map(({ email: _e, row: _r, ...rest }) => rest);
    const before = (await dry.json()) as { rows: Record<string, unknown>[]; invited: string[]; addedToGroups: string[] };
    const after = (await dry2.json()) as { rows: Record<string, unknown>[]; invited: string[]; addedToGroups: string[] };
    expect(after.addedToGroups).toEqual([]);
    expect(after.invited).toEqual(before.invited);
    expect(strip(after)).toEqual(strip(before));
    expect(new Set(strip(after).map((r) => JSON.stringify(r))).size).toBe(1);

    // The person with an account said yes: only then are they a member.
    const mine = (await (await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie: known.cookie })).json()) as Mine;
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]!.groups).toEqual([{ slug: "club", name: "Group club" }]);
    expect(mine.items[0]!.invitedBy).toEqual({ name: "Gaby Groupowner" });
    // Their email asks them to sign in and answer; it carries no account-creating link.
    const mail = (await outboxTo(tenant.id, "known@example.org")).find((m) => m.subject.startsWith("Invitation"))!;
    expect(mail.subject).toBe("Invitation à rejoindre Group club sur " + (await tenantName(tenant)));
    expect(mail.text).toContain(`${tenant.host}/me/invitations`);
    expect(mail.text).not.toContain("/invite/");
    const accepted = await call(tenant.host, "POST", `/api/v1/me/invitations/${mine.items[0]!.id}/accept`, { cookie: known.cookie });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ invitation: { id: mine.items[0]!.id, status: "accepted" }, joined: ["club"], skipped: [] });
    expect(await groupsOf(tenant, known.cookie)).toEqual([{ slug: "club", role: "member" }]);

    // The owner declines: never a member, the invitation ends, the inviter sees it declined.
    const ownerMine = (await (await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie: tenant.owner.cookie })).json()) as Mine;
    const declined = await call(tenant.host, "POST", `/api/v1/me/invitations/${ownerMine.items[0]!.id}/decline`, { cookie: tenant.owner.cookie });
    expect(declined.status).toBe(200);
    expect((await groupsOf(tenant, tenant.owner.cookie)).map((g) => g.slug)).not.toContain("club");
    expect(((await (await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie: tenant.owner.cookie })).json()) as Mine).items).toEqual([]);
    expect((await call(tenant.host, "POST", `/api/v1/me/invitations/${ownerMine.items[0]!.id}/accept`, { cookie: tenant.owner.cookie })).status).toBe(404);
    const declinedList = (await (await call(tenant.host, "GET", "/api/v1/invitations?status=declined", { cookie: gaby.cookie })).json()) as { items: { email: string }[] };
    expect(declinedList.items.map((i) => i.email)).toEqual([tenant.owner.email]);
  });

  it("cannot answer someone else's invitation (404, as if it did not exist)", async () => {
    const tenant = await makeTenant();
    const known = await signUpMember(tenant, "known@example.org");
    const other = await signUpMember(tenant, "other@example.org");
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");
    await invite(tenant, gaby.cookie, { emails: [known.email], groups: ["club"] });
    const id = ((await (await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie: known.cookie })).json()) as Mine).items[0]!.id;
    expect((await call(tenant.host, "POST", `/api/v1/me/invitations/${id}/accept`, { cookie: other.cookie })).status).toBe(404);
    expect((await call(tenant.host, "POST", `/api/v1/me/invitations/${id}/decline`, { cookie: gaby.cookie })).status).toBe(404);
    expect((await call(tenant.host, "GET", "/api/v1/me/invitations")).status).toBe(401);
    expect(await groupsOf(tenant, other.cookie)).toEqual([]);
  });

  it("tenant admins still add existing accounts at once (addedToGroups)", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Board", slug: "board", joinPolicy: "invite" });
    const known = await signUpMember(tenant, "known@example.org");
    const res = (await (await invite(tenant, tenant.owner.cookie, { emails: [known.email, "new@example.org"], groups: ["board"] })).json()) as Result;
    expect(res).toEqual({ invited: ["new@example.org"], addedToGroups: [known.email], skipped: [] });
    expect(await groupsOf(tenant, known.cookie)).toEqual([{ slug: "board", role: "member" }]);
  });
});

describe("invitation limits (reserved before anything is sent)", () => {
  it("30 parallel invitations by a group admin with a quota of 20: 20 go out, 10 answer 429 with Retry-After", async () => {
    const tenant = await makeTenant();
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => invite(tenant, gaby.cookie, { emails: [`p${i}@example.org`], groups: ["club"] })));
    const ok = answers.filter((r) => r.status === 200);
    const limited = answers.filter((r) => r.status === 429);
    expect(ok).toHaveLength(20);
    expect(limited).toHaveLength(10);
    for (const r of limited) {
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    }
    const sent = await directoryDb(env).select().from(outbox).where(eq(outbox.tenantId, tenant.id));
    expect(sent.filter((m) => m.to !== gaby.email && m.to.startsWith("p"))).toHaveLength(20);
    // A list counts each address: one more is refused whole.
    expect((await invite(tenant, gaby.cookie, { emails: ["late@example.org"], groups: ["club"] })).status).toBe(429);
  });

  it("one address invited 30 times at once by different group admins: at most 5 mails", async () => {
    const tenant = await makeTenant();
    const admins = await Promise.all(Array.from({ length: 6 }, (_, i) => groupOwner(tenant, `admin${i}@example.org`, `g${i}`)));
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => invite(tenant, admins[i % 6]!.cookie, { emails: ["target@example.org"], groups: [`g${i % 6}`] })));
    expect(answers.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect((await outboxTo(tenant.id, "target@example.org")).length).toBeLessThanOrEqual(5);
  });

  it("a file import counts its rows against the inviter's quota, all or nothing", async () => {
    const tenant = await makeTenant();
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");
    const rows = Array.from({ length: 21 }, (_, i) => `r${i}@example.org`).join("\n");
    const res = await importFile(tenant, csvFile(`email\n${rows}\n`), { cookie: gaby.cookie, fields: { groups: "club" } });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect((await directoryDb(env).select().from(invitations).where(eq(invitations.tenantId, tenant.id))).length).toBe(0);
    const fits = await importFile(tenant, csvFile(`email\n${Array.from({ length: 20 }, (_, i) => `r${i}@example.org`).join("\n")}\n`), { cookie: gaby.cookie, fields: { groups: "club" } });
    expect(fits.status).toBe(200);
  });

  it("10 parallel resends of one invitation: one is sent; then at most one an hour and five in all", async () => {
    const tenant = await makeTenant();
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");
    await invite(tenant, gaby.cookie, { emails: ["someone@example.org"], groups: ["club"] });
    const [inv] = await directoryDb(env).select().from(invitations).where(eq(invitations.tenantId, tenant.id));
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(tenant.host, "POST", `/api/v1/invitations/${inv!.id}/resend`, { cookie: gaby.cookie })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(9);
    expect(await outboxTo(tenant.id, "someone@example.org")).toHaveLength(2);

    // Later resends, a day apart (the service takes the clock; a resend also counts against the
    // recipient's daily cap): four more, then no more, ever.
    const tenantRow = (await directoryDb(env).query.tenants.findFirst({ where: eq(tenants.id, tenant.id) }))!;
    const gabyUser = (await directoryDb(env).query.users.findFirst({ where: and(eq(users.tenantId, tenant.id), eq(users.email, gaby.email)) }))!;
    const t = tenantDb(env, tenantRow);
    const inviter = { user: gabyUser, actsAsTenantAdmin: false };
    let now = Date.now();
    for (let i = 1; i < RESENDS_IN_ALL; i++) {
      now += 25 * 3600_000;
      await resendInvitation(env, t, tenantRow, inviter, inv!.id, now);
    }
    now += 25 * 3600_000;
    await expect(resendInvitation(env, t, tenantRow, inviter, inv!.id, now)).rejects.toMatchObject({ status: 429 });
  });
});

describe("bans hold for every way into a group", () => {
  async function setup() {
    const tenant = await makeTenant();
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");
    const banned = await signUpMember(tenant, "banned@example.org", "Bea Banned");
    await ban(tenant, "club", banned.id, gaby.cookie);
    return { tenant, gaby, banned };
  }

  it("a tenant admin's invitation skips a banned member (banned) and does not add them", async () => {
    const { tenant, banned } = await setup();
    const res = (await (await invite(tenant, tenant.owner.cookie, { emails: [banned.email, "fresh@example.org"], groups: ["club"] })).json()) as Result;
    expect(res).toEqual({ invited: ["fresh@example.org"], addedToGroups: [], skipped: [{ email: banned.email, reason: "banned" }] });
    expect(await groupsOf(tenant, banned.cookie)).toEqual([]);
  });

  it("a group admin's invitation skips a member banned from their group", async () => {
    const { tenant, gaby, banned } = await setup();
    const res = (await (await invite(tenant, gaby.cookie, { emails: [banned.email], groups: ["club"] })).json()) as Result;
    expect(res).toEqual({ invited: [], addedToGroups: [], skipped: [{ email: banned.email, reason: "banned" }] });
    expect(((await (await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie: banned.cookie })).json()) as Mine).items).toEqual([]);
  });

  it("an import (dry run and for real) skips banned members and says so", async () => {
    const { tenant, banned } = await setup();
    const text = `email,groups\n${banned.email},club\nfresh@example.org,club\n`;
    const dry = (await (await importFile(tenant, csvFile(text), { query: "?dryRun=1" })).json()) as { rows: { email: string; action: string; reason?: string }[] };
    expect(dry.rows.find((r) => r.email === banned.email)).toMatchObject({ action: "skip", reason: "banned" });
    const res = await importFile(tenant, csvFile(text));
    expect(res.status).toBe(200);
    const report = (await res.json()) as { invited: string[]; addedToGroups: string[]; skipped: { email: string; reason: string }[] };
    expect(report.addedToGroups).toEqual([]);
    expect(report.invited).toEqual(["fresh@example.org"]);
    expect(report.skipped).toEqual([{ email: banned.email, reason: "banned" }]);
    expect(await groupsOf(tenant, banned.cookie)).toEqual([]);
  });

  it("accepting an invitation (from the account or from the link) never joins a group that bans the person", async () => {
    const tenant = await makeTenant();
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");
    await call(tenant.host, "POST", `/api/v1/groups`, { cookie: gaby.cookie, json: { name: "Other", slug: "other", joinPolicy: "invite" } });
    const person = await signUpMember(tenant, "person@example.org");
    // Invited first, banned afterwards: the answer still respects the ban.
    await invite(tenant, gaby.cookie, { emails: [person.email], groups: ["club", "other"] });
    await ban(tenant, "club", person.id, gaby.cookie);
    const mine = ((await (await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie: person.cookie })).json()) as Mine).items;
    const res = await call(tenant.host, "POST", `/api/v1/me/invitations/${mine[0]!.id}/accept`, { cookie: person.cookie });
    expect(await res.json()).toEqual({ invitation: { id: mine[0]!.id, status: "accepted" }, joined: ["other"], skipped: [{ group: "club", reason: "banned" }] });
    expect(await groupsOf(tenant, person.cookie)).toEqual([{ slug: "other", role: "member" }]);

    // The same through an invitation link opened while signed in (accept-as-me).
    const second = await signUpMember(tenant, "second@example.org");
    await invite(tenant, tenant.owner.cookie, { emails: ["later@example.org"], groups: ["club"] });
    await directoryDb(env).update(invitations).set({ email: second.email }).where(and(eq(invitations.tenantId, tenant.id), eq(invitations.email, "later@example.org")));
    await ban(tenant, "club", second.id);
    const mail = (await outboxTo(tenant.id, "later@example.org"))[0]!;
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const asMe = await call(tenant.host, "POST", "/api/v1/invitations/accept-as-me", { cookie: second.cookie, json: { token } });
    expect(asMe.status).toBe(200);
    expect(await groupsOf(tenant, second.cookie)).toEqual([]);
  });
});

describe("who may create groups (groupCreation)", () => {
  it("defaults to everyone; with admins, others get 403 group_creation_closed; the old flag is an alias", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "m@example.org");
    const tenantView = async () => (await (await call(tenant.host, "GET", "/api/v1/tenant", { cookie: tenant.owner.cookie })).json()) as { groupCreation: string; features: Record<string, boolean> };
    expect((await tenantView()).groupCreation).toBe("everyone");
    await makeGroup(tenant, { name: "Mine" }, member.cookie);

    const patched = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { groupCreation: "admins" } });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { groupCreation: string }).groupCreation).toBe("admins");
    const closed = await call(tenant.host, "POST", "/api/v1/groups", { cookie: member.cookie, json: { name: "Another" } });
    expect(closed.status).toBe(403);
    expect(((await closed.json()) as { error: { code: string } }).error.code).toBe("group_creation_closed");
    await makeGroup(tenant, { name: "Owners'" });
    // The page form answers the same, in the reader's language.
    const form = await call(tenant.host, "POST", "/admin/groups", {
      cookie: member.cookie,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=Page+group",
    });
    expect(form.status).toBe(403);
    expect(await form.text()).toContain("Ici, seuls les administrateurs de la communauté peuvent créer des groupes.");
    // The groups page of someone who runs a group offers no creation form then, and says why.
    const adminPage = await (await call(tenant.host, "GET", "/admin", { cookie: member.cookie })).text();
    expect(adminPage).not.toContain('action="/admin/groups"');
    expect(adminPage).toContain("Ici, seuls les administrateurs de la communauté peuvent créer des groupes.");
    expect(await (await call(tenant.host, "GET", "/admin", { cookie: tenant.owner.cookie })).text()).toContain('action="/admin/groups"');

    expect((await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { groupCreation: "nobody" } })).status).toBe(422);
    expect((await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: member.cookie, json: { groupCreation: "everyone" } })).status).toBe(403);

    // The older flag still works, and only groupCreation holds the setting.
    await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { adminOnlyGroups: false } } });
    const view = await tenantView();
    expect(view.groupCreation).toBe("everyone");
    expect(view.features.adminOnlyGroups).toBeUndefined();
    await makeGroup(tenant, { name: "Open again" }, member.cookie);
  });

  it("is shown and saved on the settings page", async () => {
    const tenant = await makeTenant();
    const page = await call(tenant.host, "GET", "/admin/settings", { cookie: tenant.owner.cookie });
    const html = await page.text();
    expect(html).toContain('name="groupCreation"');
    expect(html).toContain("Qui peut créer des groupes");
    const body = new FormData();
    for (const [k, v] of Object.entries({ name: "Renamed", signupPolicy: "open", groupCreation: "admins", defaultLanguage: "fr", primaryColor: "#4f46e5", accentColor: "" })) body.set(k, v);
    const saved = await call(tenant.host, "POST", "/admin/settings", { cookie: tenant.owner.cookie, body });
    expect(saved.status).toBe(303);
    const view = (await (await call(tenant.host, "GET", "/api/v1/tenant")).json()) as { groupCreation: string };
    expect(view.groupCreation).toBe("admins");
  });
});

describe("declining from the link", () => {
  it("works with or without an account, so a declined invitation says nothing about accounts", async () => {
    const tenant = await makeTenant();
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");
    await invite(tenant, gaby.cookie, { emails: ["nobody@example.org"], groups: ["club"] });
    const mail = (await outboxTo(tenant.id, "nobody@example.org"))[0]!;
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const page = await call(tenant.host, "GET", `/invite/${token}`);
    expect(await page.text()).toContain(`action="/invite/${token}/decline"`);
    const declined = await call(tenant.host, "POST", `/invite/${token}/decline`, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" });
    expect(declined.status).toBe(200);
    expect(await declined.text()).toContain("Invitation refusée");
    expect((await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${token}`)).status).toBe(404);
    expect((await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token, name: "X", password: "a long enough password" } })).status).toBe(404);
    const list = (await (await call(tenant.host, "GET", "/api/v1/invitations", { cookie: gaby.cookie })).json()) as { items: { status: string }[] };
    expect(list.items.map((i) => i.status)).toEqual(["declined"]);
    // The API does the same for a token.
    await invite(tenant, gaby.cookie, { emails: ["other@example.org"], groups: ["club"] });
    const token2 = /\/invite\/([A-Za-z0-9_-]+)/.exec((await outboxTo(tenant.id, "other@example.org"))[0]!.text)![1]!;
    const api = await call(tenant.host, "POST", "/api/v1/invitations/decline", { json: { token: token2 } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { invitation: { status: string } }).invitation.status).toBe("declined");
    expect((await call(tenant.host, "POST", "/api/v1/invitations/decline", { json: { token: token2 } })).status).toBe(404);
  });
});

describe("the member's pages", () => {
  it("home and /me/invitations list pending group invitations with accept and decline forms (no JavaScript)", async () => {
    const tenant = await makeTenant();
    const known = await signUpMember(tenant, "known@example.org");
    const gaby = await groupOwner(tenant, "gaby@example.org", "club");
    await makeGroup(tenant, { name: "Second", slug: "second", joinPolicy: "invite" }, gaby.cookie);
    await invite(tenant, gaby.cookie, { emails: [known.email], groups: ["club"] });
    await invite(tenant, gaby.cookie, { emails: [known.email], groups: ["second"] });
    const items = ((await (await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie: known.cookie })).json()) as Mine).items;
    const a = items.find((i) => i.groups[0]!.slug === "club");
    const b = items.find((i) => i.groups[0]!.slug === "second");
    const home = await (await call(tenant.host, "GET", "/", { cookie: known.cookie })).text();
    expect(home).toContain("Invitations en attente de votre réponse");
    expect(home).toContain(`action="/me/invitations/${a!.id}/accept"`);
    const page = await (await call(tenant.host, "GET", "/me/invitations?lang=en", { cookie: known.cookie })).text();
    expect(page).toContain(`action="/me/invitations/${b!.id}/decline"`);
    expect((await call(tenant.host, "GET", "/me/invitations")).headers.get("location")).toBe("/login?next=%2Fme%2Finvitations");

    const form = { "content-type": "application/x-www-form-urlencoded" };
    const accepted = await call(tenant.host, "POST", `/me/invitations/${b!.id}/accept`, { cookie: known.cookie, headers: form, body: "" });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toBe("/g/second");
    const declined = await call(tenant.host, "POST", `/me/invitations/${a!.id}/decline`, { cookie: known.cookie, headers: form, body: "" });
    expect(declined.headers.get("location")).toBe("/me/invitations?done=declined");
    expect(await groupsOf(tenant, known.cookie)).toEqual([{ slug: "second", role: "member" }]);
    const after = await (await call(tenant.host, "GET", "/me/invitations?done=declined", { cookie: known.cookie })).text();
    // (?lang=en above is remembered.)
    expect(after).toContain("Invitation declined. Nobody was added anywhere.");
    expect(after).toContain("No invitation is waiting for your answer.");
  });
});

describe("a group admin adding emails to the group's member list (POST /groups/{slug}/members)", () => {
  it("adds nobody without consent and answers the same for an address with an account and one without", async () => {
    const tenant = await makeTenant();
    const known = await signUpMember(tenant, "list-known@example.org", "Lou Known");
    const gaby = await groupOwner(tenant, "list-gaby@example.org", "listclub");
    await expectInvitedAlike(["list-known@example.org", "list-nobody@example.org"], (email) =>
      call(tenant.host, "POST", "/api/v1/groups/listclub/members", { cookie: gaby.cookie, json: { emails: [email] } }),
    );
    // Not a member until they accept.
    expect((await groupsOf(tenant, known.cookie)).map((g) => g.slug)).not.toContain("listclub");
    // The community's owner still adds at once.
    const byOwner = await call(tenant.host, "POST", "/api/v1/groups/listclub/members", { cookie: tenant.owner.cookie, json: { emails: ["list-known@example.org"] } });
    expect(byOwner.status).toBe(200);
    expect((await groupsOf(tenant, known.cookie)).map((g) => g.slug)).toContain("listclub");
  });
});
