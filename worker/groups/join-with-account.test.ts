import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { signUp } from "../auth/service";
import { tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { memberships, sessions, users, type Tenant, type User } from "../db/schema";
import { ApiError } from "../http/errors";
import { createTenant, updateTenant } from "../tenancy/service";
import { joinView, joinWithAccount, membershipState, type JoinEvents, type JoinView } from "./membership";
import { createGroup } from "./service";

// The join page's flow as a plain service: no request, no cookie, only a tenant's database.

const BASE = "https://example.test";

async function community(signupPolicy: Tenant["signupPolicy"] = "open") {
  const subdomain = `j${newId(8).toLowerCase()}`;
  let tenant = await createTenant(env, { name: "Join test", subdomain, owner: { email: `owner@${subdomain}.example`, password: "correct horse battery", name: "Olivia Owner" } });
  if (signupPolicy !== "open") tenant = await updateTenant(env, tenant, { signupPolicy });
  const t = tenantDb(env, tenant);
  const owner = (await t.db.query.users.findFirst({ where: and(eq(users.tenantId, tenant.id), eq(users.tenantRole, "owner")) }))!;
  return { tenant, t, owner };
}

async function groupOf(c: { tenant: Tenant; t: TenantDb; owner: User }, input: { name: string; slug: string; joinPolicy: "open" | "approval" | "invite"; questions?: { label: string; required: boolean }[] }) {
  await createGroup(c.t, c.owner, "everyone", { description: "", questions: [], links: [], ...input });
  return (viewer: User | null) => joinView(env, c.tenant, c.t, input.slug, viewer, false);
}

/** A group that asks one required question, as a visitor sees it. */
async function foundersAsVisitor() {
  const c = await community();
  const group = await (await groupOf(c, { name: "Founders", slug: "founders", joinPolicy: "approval", questions: [{ label: "Your project?", required: true }] }))(null);
  return { c, group, q: group.view.questions[0]!.id };
}

/** What the flow told its caller. */
function recorder() {
  const seen: { sessions: { user: User; sessionToken: string; group: JoinView }[]; mail: number } = { sessions: [], mail: 0 };
  const on: JoinEvents = { signedIn: (s) => seen.sessions.push(s), mailQueued: () => seen.mail++ };
  return { seen, on };
}

const input = (group: JoinView, user: User | null, form: Record<string, string>) => ({ group, user, form, asksMemberView: false, clientIp: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, base: BASE });

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("joinWithAccount", () => {
  it("a visitor signs up and asks to join in one go: a session, mail to send, a pending request", async () => {
    const { c, group, q } = await foundersAsVisitor();
    const { seen, on } = recorder();
    const outcome = await joinWithAccount(env, c.t, c.tenant, input(group, null, { mode: "signup", name: "Vic", email: "vic@example.org", password: "long enough pass", [`answer.${q}`]: "Bikes" }), on);
    expect(outcome.status).toBe("pending");
    expect(seen.mail).toBe(1);
    expect(seen.sessions).toHaveLength(1);
    const { user, sessionToken, group: after } = seen.sessions[0]!;
    expect(user.email).toBe("vic@example.org");
    expect(sessionToken).toEqual(expect.any(String));
    expect(await c.t.db.query.sessions.findFirst({ where: eq(sessions.userId, user.id) })).toBeDefined();
    // The group as the new account sees it (they were a visitor when the form was shown).
    expect(after.ctx.actor.tenantRole).toBe("member");
    expect(outcome.group).toBe(after);
    expect(await membershipState(env, c.t, after.ctx, user)).toBe("pending");
  });

  it("a missing answer refuses the post before any account is made", async () => {
    const { c, group, q } = await foundersAsVisitor();
    const { seen, on } = recorder();
    const err = await refusal(joinWithAccount(env, c.t, c.tenant, input(group, null, { mode: "signup", name: "Vic", email: "vic@example.org", password: "long enough pass" }), on));
    expect([err.status, err.code, Object.keys(err.fields ?? {})]).toEqual([422, "validation_failed", [`answers.${q}`]]);
    expect(await c.t.db.query.users.findFirst({ where: and(eq(users.tenantId, c.tenant.id), eq(users.email, "vic@example.org")) })).toBeUndefined();
    expect(seen).toEqual({ sessions: [], mail: 0 });
  });

  it("a returning member logs in and joins an open group; a wrong password opens nothing", async () => {
    const c = await community();
    const view = await groupOf(c, { name: "Open", slug: "open", joinPolicy: "open" });
    const member = await signUp(c.t, c.tenant, { email: "returning@example.org", password: "a long enough password", name: "Rita" }, { base: BASE });
    const wrong = recorder();
    const err = await refusal(joinWithAccount(env, c.t, c.tenant, input(await view(null), null, { mode: "login", email: "returning@example.org", password: "wrong password!" }), wrong.on));
    expect(err.status).toBe(401);
    expect(wrong.seen.sessions).toHaveLength(0);

    const { seen, on } = recorder();
    const outcome = await joinWithAccount(env, c.t, c.tenant, input(await view(null), null, { mode: "login", email: "returning@example.org", password: "a long enough password" }), on);
    expect(outcome.status).toBe("member");
    expect(seen.sessions.map((s) => s.user.id)).toEqual([member.user.id]);
    expect(seen.mail).toBe(0);
    const rows = await c.t.db.select().from(memberships).where(and(eq(memberships.groupId, outcome.group.ctx.group.id), eq(memberships.userId, member.user.id)));
    expect(rows).toHaveLength(1);
  });

  it("a signed-in member only joins: no session, no mail", async () => {
    const c = await community();
    const view = await groupOf(c, { name: "Club", slug: "club", joinPolicy: "open" });
    const { user } = await signUp(c.t, c.tenant, { email: "signed@example.org", password: "a long enough password", name: "Sam" }, { base: BASE });
    const { seen, on } = recorder();
    const outcome = await joinWithAccount(env, c.t, c.tenant, input(await view(user), user, { mode: "questions" }), on);
    expect(outcome.status).toBe("member");
    expect(seen).toEqual({ sessions: [], mail: 0 });
    expect(await membershipState(env, c.t, (await view(user)).ctx, user)).toBe("member");
  });

  it("a community that approves accounts: the sign-up waits, nothing is joined and no session opens", async () => {
    const c = await community("approval");
    const view = await groupOf(c, { name: "Open", slug: "open", joinPolicy: "open" });
    const { seen, on } = recorder();
    const outcome = await joinWithAccount(env, c.t, c.tenant, input(await view(null), null, { mode: "signup", name: "Paula", email: "paula@example.org", password: "long enough pass" }), on);
    expect(outcome.status).toBe("account_pending");
    expect(seen.sessions).toHaveLength(0);
    expect(seen.mail).toBe(1);
    const paula = (await c.t.db.query.users.findFirst({ where: and(eq(users.tenantId, c.tenant.id), eq(users.email, "paula@example.org")) }))!;
    expect(paula.status).toBe("pending_approval");
    expect(await c.t.db.select().from(memberships).where(eq(memberships.userId, paula.id))).toHaveLength(0);
  });

  it("logging in to an invite-only group: refused, but the session opened on the way is kept", async () => {
    const c = await community();
    const view = await groupOf(c, { name: "Board", slug: "board", joinPolicy: "invite" });
    await signUp(c.t, c.tenant, { email: "member@example.org", password: "a long enough password", name: "Max" }, { base: BASE });
    const { seen, on } = recorder();
    const err = await refusal(joinWithAccount(env, c.t, c.tenant, input(await view(null), null, { mode: "login", email: "member@example.org", password: "a long enough password" }), on));
    expect([err.status, err.code]).toEqual([403, "invite_only"]);
    expect(seen.sessions).toHaveLength(1);
    expect(seen.sessions[0]!.group.view.joinPolicy).toBe("invite");
  });
});
