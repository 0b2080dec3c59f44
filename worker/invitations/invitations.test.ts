import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { invitations, outbox } from "../db/schema";
import { deliverOutbox } from "../mail/outbox";
import { call, makeGroup, makeTenant, sessionCookie, signUpMember, type TestTenant } from "../test/helpers";
import { inviteToken } from "../test/mail";
import { INVITATION_TTL_MS, REMINDER_AFTER_MS, runInvitationLifecycle } from "./service";

type Err = { error: { code: string; fields?: Record<string, string> } };
type Result = { invited: string[]; addedToGroups: string[]; skipped: { email: string; reason: string }[] };

async function inviteAs(tenant: TestTenant, body: Record<string, unknown>, cookie = tenant.owner.cookie) {
  return call(tenant.host, "POST", "/api/v1/invitations", { cookie, json: body });
}

describe("POST /api/v1/invitations", () => {
  it("invites a pasted list, adds existing accounts to the groups at once, and reports the rest per address", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "board", slug: "board", joinPolicy: "invite" });
    const existing = await signUpMember(tenant, "known@example.org");
    await inviteAs(tenant, { emails: "pending@example.org" });
    const res = await inviteAs(tenant, {
      emails: "new1@example.org, NEW2@example.org;new3@example.org\nknown@example.org\tnot-an-email\npending@example.org, new1@example.org",
      groups: ["board"],
      groupRole: "moderator",
      message: "Welcome aboard!",
      language: "en",
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Result;
    expect(body.invited).toEqual(["new1@example.org", "new2@example.org", "new3@example.org"]);
    expect(body.addedToGroups).toEqual(["known@example.org"]);
    expect(body.skipped).toEqual(
      expect.arrayContaining([
        { email: "not-an-email", reason: "invalid_email" },
        { email: "pending@example.org", reason: "already_invited" },
        { email: "new1@example.org", reason: "duplicate" },
      ]),
    );
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: existing.cookie })).json()) as { groups: unknown[] };
    expect(me.groups).toContainEqual({ slug: "board", role: "moderator" });

    // Each invitation and its email were written together; the email is in English with the message.
    const rows = await directoryDb(env).select().from(outbox).where(eq(outbox.to, "new2@example.org"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.subject).toMatch(/invited/);
    expect(rows[0]!.text).toContain("Welcome aboard!");
    expect(rows[0]!.text).toContain(`https://${tenant.host}/invite/`);
  });

  it("only admins invite: members get 403; group admins only to their own groups, never as tenant admins", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "mine", slug: "mine", joinPolicy: "invite" });
    await makeGroup(tenant, { name: "theirs", slug: "theirs", joinPolicy: "invite" });
    const member = await signUpMember(tenant, "plain@example.org");
    expect((await inviteAs(tenant, { emails: "x@example.org" }, member.cookie)).status).toBe(403);
    const gadmin = await signUpMember(tenant, "gadmin@example.org");
    await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: [gadmin.email], groups: ["mine"] } });
    await call(tenant.host, "PATCH", `/api/v1/groups/mine/members/${gadmin.id}`, { cookie: tenant.owner.cookie, json: { role: "admin" } });
    expect((await inviteAs(tenant, { emails: "a@example.org", groups: ["mine"] }, gadmin.cookie)).status).toBe(200);
    expect((await inviteAs(tenant, { emails: "b@example.org", groups: ["theirs"] }, gadmin.cookie)).status).toBe(403);
    expect((await inviteAs(tenant, { emails: "c@example.org", groups: ["mine"], tenantRole: "admin" }, gadmin.cookie)).status).toBe(403);
    const unknown = await inviteAs(tenant, { emails: "d@example.org", groups: ["nope"] });
    expect(unknown.status).toBe(422);
  });
});

describe("accepting", () => {
  it("lookup shows the email; accept creates a verified account with the role and groups, signed in; a second accept is 404", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "staff", slug: "staff", joinPolicy: "invite" });
    await inviteAs(tenant, { emails: ["newcomer@example.org"], groups: ["staff"], tenantRole: "admin" });
    const token = await inviteToken(tenant.host, "newcomer@example.org");

    const lookup = await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${token}`);
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toMatchObject({ email: "newcomer@example.org", groups: [{ slug: "staff" }], expired: false });

    // Self sign-up with that email is refused while the invitation is pending.
    const signup = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "newcomer@example.org", password: "long enough pass", name: "N" } });
    expect(((await signup.json()) as Err).error.code).toBe("invite_required");

    const accepted = await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token, name: "Nina Newcomer", password: "long enough pass" } });
    expect(accepted.status).toBe(201);
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(accepted) })).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ email: "newcomer@example.org", name: "Nina Newcomer", tenantRole: "admin", groups: [{ slug: "staff", role: "member" }] });

    expect((await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token, name: "Again", password: "long enough pass" } })).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${token}`)).status).toBe(404);
    const list = (await (await call(tenant.host, "GET", "/api/v1/invitations?status=accepted", { cookie: tenant.owner.cookie })).json()) as { items: { email: string; status: string }[] };
    expect(list.items).toEqual([expect.objectContaining({ email: "newcomer@example.org", status: "accepted" })]);
  });

  it("answers 410 invitation_expired after 30 days", async () => {
    const tenant = await makeTenant();
    await inviteAs(tenant, { emails: "late@example.org" });
    const token = await inviteToken(tenant.host, "late@example.org");
    await directoryDb(env).update(invitations).set({ expiresAt: Date.now() - 1 }).where(eq(invitations.email, "late@example.org"));
    const res = await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token, name: "L", password: "long enough pass" } });
    expect(res.status).toBe(410);
    expect(((await res.json()) as Err).error.code).toBe("invitation_expired");
    expect(await (await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${token}`)).json()).toMatchObject({ expired: true });
  });

  it("resend makes a new token (the old one dies) and resets the expiry; revoke kills the token", async () => {
    const tenant = await makeTenant();
    await inviteAs(tenant, { emails: "again@example.org, gone@example.org" });
    const list = (await (await call(tenant.host, "GET", "/api/v1/invitations?status=pending", { cookie: tenant.owner.cookie })).json()) as { items: { id: string; email: string; expiresAt: string }[] };
    const again = list.items.find((i) => i.email === "again@example.org")!;
    const oldToken = await inviteToken(tenant.host, "again@example.org");
    await directoryDb(env).update(invitations).set({ expiresAt: Date.now() + 1000 }).where(eq(invitations.id, again.id));
    const resent = await call(tenant.host, "POST", `/api/v1/invitations/${again.id}/resend`, { cookie: tenant.owner.cookie });
    expect(resent.status).toBe(200);
    const expiresAt = Date.parse(((await resent.json()) as { expiresAt: string }).expiresAt);
    expect(expiresAt).toBeGreaterThan(Date.now() + INVITATION_TTL_MS - 60_000);
    const newToken = await inviteToken(tenant.host, "again@example.org", 0);
    expect(newToken).not.toBe(oldToken);
    expect((await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${oldToken}`)).status).toBe(404);
    expect((await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token: oldToken, name: "A", password: "long enough pass" } })).status).toBe(404);
    expect((await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token: newToken, name: "A", password: "long enough pass" } })).status).toBe(201);

    const gone = list.items.find((i) => i.email === "gone@example.org")!;
    const goneToken = await inviteToken(tenant.host, "gone@example.org");
    expect((await call(tenant.host, "DELETE", `/api/v1/invitations/${gone.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${goneToken}`)).status).toBe(404);
    // After revocation, self sign-up works for that address again.
    expect((await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "gone@example.org", password: "long enough pass", name: "G" } })).status).toBe(201);
  });

  it("a signed-in user who opens an invitation for their own email simply gets its groups", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "vip", slug: "vip", joinPolicy: "invite" });
    const member = await signUpMember(tenant, "already@example.org");
    // Invited before signing up is impossible (invite_required), so invite, then let the account exist by another path.
    await inviteAs(tenant, { emails: "already2@example.org", groups: ["vip"] });
    const token = await inviteToken(tenant.host, "already2@example.org");
    const wrong = await call(tenant.host, "POST", "/api/v1/invitations/accept-as-me", { cookie: member.cookie, json: { token } });
    expect(wrong.status).toBe(403);
    const other = (await (await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token, name: "Two", password: "long enough pass" } })).json()) as { user: { id: string } };
    expect(other.user.id).toEqual(expect.any(String));
  });
});

describe("reminders and expiry (cron, controlled clock)", () => {
  it("one reminder at 3 days, never twice, none after acceptance; expiry at 30 days", async () => {
    const tenant = await makeTenant();
    const t0 = Date.now();
    await inviteAs(tenant, { emails: "remind@example.org, accepted@example.org" });
    const acceptedToken = await inviteToken(tenant.host, "accepted@example.org");
    await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token: acceptedToken, name: "Ace", password: "long enough pass" } });

    const reminders = async () => (await directoryDb(env).select().from(outbox).where(eq(outbox.to, "remind@example.org"))).filter((m) => /Rappel|Reminder/.test(m.subject));
    await runInvitationLifecycle(env, t0 + REMINDER_AFTER_MS - 60_000);
    expect(await reminders()).toHaveLength(0);
    const first = await runInvitationLifecycle(env, t0 + REMINDER_AFTER_MS + 60_000);
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    await runInvitationLifecycle(env, t0 + REMINDER_AFTER_MS + 120_000);
    await runInvitationLifecycle(env, t0 + 10 * 86400_000);
    expect(await reminders()).toHaveLength(1);
    expect((await directoryDb(env).select().from(outbox).where(eq(outbox.to, "accepted@example.org"))).filter((m) => /Rappel|Reminder/.test(m.subject))).toHaveLength(0);

    // The reminder's link works, and so does the first email's.
    await deliverOutbox(env, { now: t0 + 10 * 86400_000 });
    const firstLink = await inviteToken(tenant.host, "remind@example.org", 1);
    const reminderLink = await inviteToken(tenant.host, "remind@example.org", 0);
    expect(reminderLink).not.toBe(firstLink);
    expect((await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${firstLink}`)).status).toBe(200);
    expect((await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${reminderLink}`)).status).toBe(200);

    const expiry = await runInvitationLifecycle(env, t0 + INVITATION_TTL_MS + 60_000);
    expect(expiry.expired).toBeGreaterThanOrEqual(1);
    expect((await runInvitationLifecycle(env, t0 + INVITATION_TTL_MS + 120_000)).expired).toBe(0);
    const [row] = await directoryDb(env).select().from(invitations).where(eq(invitations.email, "remind@example.org"));
    expect(row!.status).toBe("expired");
    const expired = (await (await call(tenant.host, "GET", "/api/v1/invitations?status=expired", { cookie: tenant.owner.cookie })).json()) as { items: { email: string }[] };
    expect(expired.items.map((i) => i.email)).toContain("remind@example.org");
  });
});
