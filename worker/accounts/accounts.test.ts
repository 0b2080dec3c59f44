import { describe, expect, it } from "vitest";
import { call, form, makeGroup, makeTenant, sessionCookie, signUpMember } from "../test/helpers";
import { inbox } from "../test/mail";

type Mail = { subject: string; text: string };

const linkIn = (mail: Mail, path: string) => decodeURIComponent(new RegExp(`${path.replace("?", "\\?")}([A-Za-z0-9_%-]+)`).exec(mail.text)![1]!);
describe("accounts created by admins", () => {
  it("creates an account with the admin's password, in groups, with admin-only extra information", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Desk", slug: "desk", joinPolicy: "invite" });
    const res = await call(tenant.host, "POST", "/api/v1/members", {
      cookie: tenant.owner.cookie,
      json: { name: "Paula Provisioned", email: "paula@example.org", password: "chosen by admin", groups: ["desk"], extraInfo: "Contract #42", sendEmail: false },
    });
    expect(res.status).toBe(201);
    const login = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "paula@example.org", password: "chosen by admin" } });
    expect(login.status).toBe(200);
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(login) })).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ groups: [{ slug: "desk", role: "member" }] });
    expect(JSON.stringify(me)).not.toContain("Contract #42");
    const csv = await (await call(tenant.host, "GET", "/api/v1/members/export.csv", { cookie: tenant.owner.cookie })).text();
    expect(csv).toContain("paula@example.org,Paula Provisioned,,member,active,desk,Contract #42,");
    // Members cannot create accounts or export.
    expect((await call(tenant.host, "GET", "/api/v1/members/export.csv", { cookie: sessionCookie(login) })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/api/v1/members", { cookie: sessionCookie(login), json: { name: "X", email: "x@example.org" } })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/api/v1/members", { cookie: tenant.owner.cookie, json: { name: "Again", email: "paula@example.org" } })).status).toBe(409);
  });

  it("generates a password (shown once) or emails a link to choose one", async () => {
    const tenant = await makeTenant();
    const generated = await call(tenant.host, "POST", "/api/v1/members", { cookie: tenant.owner.cookie, json: { name: "Gen", email: "gen@example.org", generatePassword: true, sendEmail: false } });
    const { generatedPassword } = (await generated.json()) as { generatedPassword: string };
    expect(generatedPassword).toMatch(/^[\w]{5}-[\w]{5}-[\w]{5}-[\w]{5}$/);
    expect((await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "gen@example.org", password: generatedPassword } })).status).toBe(200);

    const emailed = await call(tenant.host, "POST", "/api/v1/members", { cookie: tenant.owner.cookie, json: { name: "Mailed", email: "mailed@example.org", language: "en" } });
    expect(((await emailed.json()) as { generatedPassword: null }).generatedPassword).toBeNull();
    const [mail] = await inbox(tenant.host, "mailed@example.org");
    expect(mail!.subject).toMatch(/account/i);
    const token = linkIn(mail!, "/reset?token=");
    expect((await call(tenant.host, "POST", "/api/v1/auth/password-reset/confirm", { json: { token, password: "my own password" } })).status).toBe(200);
    expect((await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "mailed@example.org", password: "my own password" } })).status).toBe(200);
  });

  it("creates many accounts from a CSV, all or nothing, each emailed a link", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Cohort", slug: "cohort", joinPolicy: "invite" });
    const upload = (text: string) => {
      const body = new FormData();
      body.set("file", new File([text], "accounts.csv"));
      return call(tenant.host, "POST", "/api/v1/members/import", { cookie: tenant.owner.cookie, body });
    };
    const bad = await upload("email,first_name,last_name,groups,extra_info\nok@example.org,Ok,One,cohort,\nbad,No,Name,,\nok@example.org,Dup,Licate,,\n");
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { rows: { row: number }[] }).rows.map((r) => r.row)).toEqual([3, 4]);
    expect((await call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: "ok@example.org" } })).status).toBe(202);
    expect(await inbox(tenant.host, "ok@example.org")).toHaveLength(0);

    const lines = ["email,name,language,groups,admin,extra_info"];
    for (let i = 0; i < 300; i++) lines.push(`learner${i}@example.org,Learner ${i},${i % 2 ? "en" : "fr"},cohort,0,Badge ${i}`);
    const ok = await upload(lines.join("\n"));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { created: string[] }).created).toHaveLength(300);
    const cohort = (await (await call(tenant.host, "GET", "/api/v1/groups/cohort")).json()) as { memberCount: number };
    expect(cohort.memberCount).toBe(301);
    const [mail] = await inbox(tenant.host, "learner7@example.org");
    expect(mail!.text).toContain("/reset?token=");
  });
});

describe("sign-in links", () => {
  it("an admin sends a member a one-time link; it signs in once", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "linked@example.org");
    expect((await call(tenant.host, "POST", `/api/v1/members/${member.id}/login-link`, { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "POST", `/api/v1/members/${member.id}/login-link`, { cookie: tenant.owner.cookie })).status).toBe(202);
    const mail = (await inbox(tenant.host, member.email)).find((m) => m.text.includes("/login/link?token="))!;
    const token = linkIn(mail, "/login/link?token=");
    // Opening the link does not sign in by itself (mail scanners open links too).
    const page = await call(tenant.host, "GET", `/login/link?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expect(page.headers.getSetCookie().some((c) => c.startsWith("sid="))).toBe(false);
    const used = await call(tenant.host, "POST", "/login/link", form({ token }));
    expect(used.status).toBe(303);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(used) })).status).toBe(200);
    expect((await call(tenant.host, "POST", "/login/link", form({ token }))).status).toBe(400);
    // A sign-in link is not a password reset token.
    expect((await call(tenant.host, "POST", "/api/v1/auth/password-reset/confirm", { json: { token, password: "hijack attempt" } })).status).toBe(400);
  });
});

describe("adding emails to a group's member list", () => {
  it("adds accounts at once and invites the unknown addresses into the group", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Team", slug: "team", joinPolicy: "invite" });
    const known = await signUpMember(tenant, "known@example.org");
    const res = await call(tenant.host, "POST", "/api/v1/groups/team/members", { cookie: tenant.owner.cookie, json: { emails: "known@example.org, stranger@example.org" } });
    expect(await res.json()).toMatchObject({ addedToGroups: ["known@example.org"], invited: ["stranger@example.org"] });
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: known.cookie })).json()) as { groups: { slug: string }[] };
    expect(me.groups.map((g) => g.slug)).toEqual(["team"]);
    expect((await call(tenant.host, "POST", "/api/v1/groups/team/members", { cookie: known.cookie, json: { emails: "x@example.org" } })).status).toBe(403);
  });
});
