import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { membershipWriter } from "../room/membership-writer";
import { groupRoom } from "../room/room";
import { call, errorCode, form, groupMember, joinGroup, logIn, makeGroup, makeTenant, sessionCookie, setSignupPolicy, setTenantRole, signUpMember, signUpPending, type TestTenant } from "../test/helpers";
import { inbox } from "../test/mail";

type Member = { id: string; name: string; email: string; tenantRole: string; status: string; groups: string[]; createdAt: string };

async function listMembers(tenant: TestTenant, query = "", cookie = tenant.owner.cookie) {
  const res = await call(tenant.host, "GET", `/api/v1/members${query}`, { cookie });
  expect(res.status).toBe(200);
  return (await res.json()) as { items: Member[]; nextCursor: string | null };
}

async function ownerId(tenant: TestTenant) {
  const me = await call(tenant.host, "GET", "/api/v1/me", { cookie: tenant.owner.cookie });
  return ((await me.json()) as { id: string }).id;
}

/** A member promoted to the given community role by the owner; returns their fresh cookie. */
async function withRole(tenant: TestTenant, email: string, tenantRole: "admin" | "moderator" | "member") {
  const m = await signUpMember(tenant, email, email.split("@")[0]);
  if (tenantRole !== "member") await setTenantRole(tenant, m.id, tenantRole);
  return m;
}

describe("sign-up on approval", () => {
  it("a pending account gets 401 account_pending, is listed, approved with an email, then signs in", async () => {
    const tenant = await makeTenant();
    await setSignupPolicy(tenant, "approval");
    const id = await signUpPending(tenant, "pat@example.org", "Pat Pending", "en");
    // The admins hear about each request.
    expect((await inbox(tenant.host, tenant.owner.email)).some((m) => m.text.includes("pat@example.org"))).toBe(true);

    const refused = await logIn(tenant, "pat@example.org", "a long enough password");
    expect(refused.status).toBe(401);
    expect(await errorCode(refused)).toBe("account_pending");
    // A wrong password tells nothing about the account's state.
    const wrong = await logIn(tenant, "pat@example.org", "not the password!!");
    expect(await errorCode(wrong)).toBe("invalid_credentials");

    const pending = await listMembers(tenant, "?status=pending_approval");
    expect(pending.items.map((m) => m.id)).toEqual([id]);
    expect(pending.items[0]).toMatchObject({ name: "Pat Pending", email: "pat@example.org", tenantRole: "member", status: "pending_approval", groups: [] });
    expect(typeof pending.items[0]!.createdAt).toBe("string");

    const approved = await call(tenant.host, "POST", `/api/v1/members/${id}/approve`, { cookie: tenant.owner.cookie });
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as { member: Member }).member.status).toBe("active");
    expect((await inbox(tenant.host, "pat@example.org")).some((m) => /approved/i.test(m.subject))).toBe(true);
    expect((await logIn(tenant, "pat@example.org", "a long enough password")).status).toBe(200);

    // Approving twice: 409 invalid_state.
    const again = await call(tenant.host, "POST", `/api/v1/members/${id}/approve`, { cookie: tenant.owner.cookie });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe("invalid_state");
  });

  it("decline deletes the account, emails the person, and the address can sign up again", async () => {
    const tenant = await makeTenant();
    await setSignupPolicy(tenant, "approval");
    const id = await signUpPending(tenant, "dee@example.org", "Dee", "en");
    const declined = await call(tenant.host, "POST", `/api/v1/members/${id}/decline`, { cookie: tenant.owner.cookie });
    expect(declined.status).toBe(200);
    expect((await inbox(tenant.host, "dee@example.org")).some((m) => /request/i.test(m.subject))).toBe(true);
    expect((await logIn(tenant, "dee@example.org", "a long enough password")).status).toBe(401);
    expect(await errorCode(await logIn(tenant, "dee@example.org", "a long enough password"))).toBe("invalid_credentials");
    const second = await signUpPending(tenant, "dee@example.org", "Dee", "en");
    expect(second).not.toBe(id);
    // Declining an active account: 409 invalid_state; an unknown id: 404.
    const owner = await ownerId(tenant);
    expect((await call(tenant.host, "POST", `/api/v1/members/nope/decline`, { cookie: tenant.owner.cookie })).status).toBe(404);
    const onOwner = await call(tenant.host, "POST", `/api/v1/members/${owner}/decline`, { cookie: tenant.owner.cookie });
    expect(await errorCode(onOwner)).toBe("owner_immutable");
  });

  it("two admins approving at once: exactly one wins, one email goes", async () => {
    const tenant = await makeTenant();
    const admin = await withRole(tenant, "second@example.org", "admin");
    await setSignupPolicy(tenant, "approval");
    const id = await signUpPending(tenant, "race@example.org", "Race", "en");
    const answers = await Promise.all([tenant.owner.cookie, admin.cookie, tenant.owner.cookie].map((cookie) => call(tenant.host, "POST", `/api/v1/members/${id}/approve`, { cookie })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect((await inbox(tenant.host, "race@example.org")).length).toBe(1);
  });
});

describe("GET /api/v1/members", () => {
  it("lists every status, filters, searches, pages with a cursor and refuses a forged one", async () => {
    const tenant = await makeTenant();
    for (const n of ["Anna", "Bert", "Cleo"]) await signUpMember(tenant, `${n.toLowerCase()}@example.org`, n);
    const all = await listMembers(tenant);
    expect(all.items.map((m) => m.name)).toEqual(["Anna", "Bert", "Cleo", "Olivia Owner"]);
    const page1 = await listMembers(tenant, "?limit=2");
    expect(page1.items).toHaveLength(2);
    const page2 = await listMembers(tenant, `?limit=2&cursor=${encodeURIComponent(page1.nextCursor!)}`);
    expect(page2.items.map((m) => m.name)).toEqual(["Cleo", "Olivia Owner"]);
    expect(page2.nextCursor).toBeNull();
    expect((await listMembers(tenant, "?q=BER")).items.map((m) => m.name)).toEqual(["Bert"]);
    expect((await call(tenant.host, "GET", "/api/v1/members?cursor=bogus", { cookie: tenant.owner.cookie })).status).toBe(400);
    expect((await call(tenant.host, "GET", "/api/v1/members?status=weird", { cookie: tenant.owner.cookie })).status).toBe(422);
  });

  it("is for owners and admins only (a moderator or member gets 403)", async () => {
    const tenant = await makeTenant();
    const mod = await withRole(tenant, "mod@example.org", "moderator");
    const member = await withRole(tenant, "mem@example.org", "member");
    expect((await call(tenant.host, "GET", "/api/v1/members", { cookie: mod.cookie })).status).toBe(403);
    expect((await call(tenant.host, "GET", "/api/v1/members", { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "GET", "/api/v1/members")).status).toBe(401);
  });

  it("never shows another tenant's accounts (404 on their ids)", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const bob = await signUpMember(b, "bob@example.org", "Bob");
    expect((await listMembers(a)).items.some((m) => m.email === "bob@example.org")).toBe(false);
    expect((await call(a.host, "POST", `/api/v1/members/${bob.id}/suspend`, { cookie: a.owner.cookie })).status).toBe(404);
    expect((await call(a.host, "DELETE", `/api/v1/members/${bob.id}`, { cookie: a.owner.cookie })).status).toBe(404);
  });
});

describe("community roles", () => {
  it("the owner makes and unmakes admins; an admin changes members and moderators only", async () => {
    const tenant = await makeTenant();
    const admin = await withRole(tenant, "adm@example.org", "admin");
    const other = await withRole(tenant, "other@example.org", "admin");
    const m = await withRole(tenant, "m@example.org", "member");
    // Admin → moderator for a member: fine; admin → admin: 403 (owners only make admins).
    const toMod = await call(tenant.host, "PATCH", `/api/v1/members/${m.id}`, { cookie: admin.cookie, json: { tenantRole: "moderator" } });
    expect(toMod.status).toBe(200);
    expect(((await toMod.json()) as { member: Member }).member.tenantRole).toBe("moderator");
    expect((await call(tenant.host, "PATCH", `/api/v1/members/${m.id}`, { cookie: admin.cookie, json: { tenantRole: "admin" } })).status).toBe(403);
    expect((await call(tenant.host, "PATCH", `/api/v1/members/${other.id}`, { cookie: admin.cookie, json: { tenantRole: "member" } })).status).toBe(403);
    // The owner does both.
    expect((await call(tenant.host, "PATCH", `/api/v1/members/${other.id}`, { cookie: tenant.owner.cookie, json: { tenantRole: "member" } })).status).toBe(200);
    // The owner's own role: 409 owner_immutable, whoever asks.
    const owner = await ownerId(tenant);
    const onOwner = await call(tenant.host, "PATCH", `/api/v1/members/${owner}`, { cookie: tenant.owner.cookie, json: { tenantRole: "member" } });
    expect(onOwner.status).toBe(409);
    expect(await errorCode(onOwner)).toBe("owner_immutable");
    // A bad role: 422.
    expect((await call(tenant.host, "PATCH", `/api/v1/members/${m.id}`, { cookie: tenant.owner.cookie, json: { tenantRole: "owner" } })).status).toBe(422);
    // A demoted admin loses admin powers at once (writes read the role from D1).
    const demoted = await call(tenant.host, "PATCH", `/api/v1/members/${admin.id}`, { cookie: tenant.owner.cookie, json: { tenantRole: "member" } });
    expect(demoted.status).toBe(200);
    expect((await call(tenant.host, "POST", `/api/v1/members/${m.id}/suspend`, { cookie: admin.cookie })).status).toBe(403);
  });

  it("a community moderator moderates a group they are not a member of, but does not administer it", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Club", slug: "club", joinPolicy: "open" });
    const mod = await withRole(tenant, "staff@example.org", "moderator");
    const me = await call(tenant.host, "GET", "/api/v1/me", { cookie: mod.cookie });
    expect(((await me.json()) as { tenantRole: string }).tenantRole).toBe("moderator");
    const thread = await call(tenant.host, "POST", "/api/v1/groups/club/threads", { cookie: tenant.owner.cookie, json: { title: "Hello", body: "First" } });
    const threadId = ((await thread.json()) as { thread: { id: string } }).thread.id;
    expect((await call(tenant.host, "POST", "/api/v1/groups/club/moderation/hide", { cookie: mod.cookie, json: { targetType: "thread", targetId: threadId } })).status).toBe(204);
    expect((await call(tenant.host, "PATCH", "/api/v1/groups/club", { cookie: mod.cookie, json: { name: "Taken over" } })).status).toBe(403);
  });
});

describe("suspension", () => {
  /** A community with an open group "club" and one member in it, whose account has been read once (so the read cache holds it). */
  async function clubMemberReadOnce(email: string, name: string) {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Club", slug: "club", joinPolicy: "open" });
    const m = await groupMember(tenant, "club", email, name);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: m.cookie })).status).toBe(200);
    return { tenant, m };
  }

  it("ends sessions at once, closes sockets, refuses sign-in with account_suspended; unsuspend restores sign-in", async () => {
    // The read cache is warm; then a socket is opened.
    const { tenant, m } = await clubMemberReadOnce("sus@example.org", "Sus");
    const upgrade = await call(tenant.host, "GET", "/api/v1/groups/club/chat", { cookie: m.cookie, headers: { upgrade: "websocket" } });
    expect(upgrade.status).toBe(101);
    const ws = upgrade.webSocket!;
    const closed: number[] = [];
    ws.accept();
    ws.addEventListener("close", (e) => closed.push(e.code));

    const res = await call(tenant.host, "POST", `/api/v1/members/${m.id}/suspend`, { cookie: tenant.owner.cookie });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { member: Member }).member.status).toBe("suspended");
    await vi.waitFor(() => expect(closed.length).toBe(1));
    // Every write is refused at once, reads too (the session is gone).
    expect((await call(tenant.host, "POST", "/api/v1/groups/club/threads", { cookie: m.cookie, json: { title: "x", body: "y" } })).status).toBe(401);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: m.cookie })).status).toBe(401);
    const signIn = await logIn(tenant, "sus@example.org", m.password);
    expect(signIn.status).toBe(401);
    expect(await errorCode(signIn)).toBe("account_suspended");
    expect((await listMembers(tenant, "?status=suspended")).items.map((x) => x.id)).toEqual([m.id]);
    // Suspending twice: invalid_state; unsuspend brings sign-in back.
    expect(await errorCode(await call(tenant.host, "POST", `/api/v1/members/${m.id}/suspend`, { cookie: tenant.owner.cookie }))).toBe("invalid_state");
    expect((await call(tenant.host, "POST", `/api/v1/members/${m.id}/unsuspend`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await logIn(tenant, "sus@example.org", m.password)).status).toBe(200);
    expect(await errorCode(await call(tenant.host, "POST", `/api/v1/members/${m.id}/unsuspend`, { cookie: tenant.owner.cookie }))).toBe("invalid_state");
  });

  it("a write reads the account's status from D1 (refused at once) while reads may use the cache for seconds", async () => {
    const { tenant, m } = await clubMemberReadOnce("stale@example.org", "Stale");
    // As another isolate would see it: the row changes in D1, this isolate's cache is not told.
    await env.DB.prepare("update users set status = 'suspended' where id = ?").bind(m.id).run();
    expect((await call(tenant.host, "POST", "/api/v1/groups/club/threads", { cookie: m.cookie, json: { title: "x", body: "y" } })).status).toBe(401);
    expect((await call(tenant.host, "GET", "/api/v1/groups/club/chat", { cookie: m.cookie, headers: { upgrade: "websocket" } })).status).toBe(401);
  });

  it("follows the contract's check order: 404, owner_immutable, 403, invalid_state, self", async () => {
    const tenant = await makeTenant();
    const admin = await withRole(tenant, "a@example.org", "admin");
    const otherAdmin = await withRole(tenant, "b@example.org", "admin");
    const owner = await ownerId(tenant);
    const post = (cookie: string, path: string) => call(tenant.host, "POST", path, { cookie });
    // 404 first.
    expect((await post(admin.cookie, "/api/v1/members/unknown/suspend")).status).toBe(404);
    // owner_immutable before 403: an admin aiming at the owner.
    const a = await post(admin.cookie, `/api/v1/members/${owner}/suspend`);
    expect([a.status, await errorCode(a)]).toEqual([409, "owner_immutable"]);
    // 403 before invalid_state: an admin unsuspending an active admin.
    const b = await post(admin.cookie, `/api/v1/members/${otherAdmin.id}/unsuspend`);
    expect(b.status).toBe(403);
    // invalid_state before self: the owner cannot reach "self" (owner_immutable) — an admin on itself gets 403.
    expect((await post(admin.cookie, `/api/v1/members/${admin.id}/suspend`)).status).toBe(403);
    const c = await post(tenant.owner.cookie, `/api/v1/members/${owner}/suspend`);
    expect(await errorCode(c)).toBe("owner_immutable");
    // The owner suspends an admin.
    expect((await post(tenant.owner.cookie, `/api/v1/members/${otherAdmin.id}/suspend`)).status).toBe(200);
  });
});

describe("removal", () => {
  async function groupWithPosts(tenant: TestTenant) {
    await makeGroup(tenant, { name: "Club", slug: "club", joinPolicy: "open" });
    const m = await groupMember(tenant, "club", "leaver@example.org", "Lea Ver");
    const thread = await call(tenant.host, "POST", "/api/v1/groups/club/threads", { cookie: m.cookie, json: { title: "My thread", body: "Mine" } });
    expect(thread.status).toBe(201);
    return { m, threadId: ((await thread.json()) as { thread: { id: string } }).thread.id };
  }

  it("the account leaves; its posts stay under 'former member'; the address may sign up again", async () => {
    const tenant = await makeTenant();
    const { m, threadId } = await groupWithPosts(tenant);
    const res = await call(tenant.host, "DELETE", `/api/v1/members/${m.id}`, { cookie: tenant.owner.cookie });
    expect(res.status).toBe(204);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: m.cookie })).status).toBe(401);
    expect((await call(tenant.host, "POST", "/api/v1/groups/club/threads", { cookie: m.cookie, json: { title: "x", body: "y" } })).status).toBe(401);
    const thread = await call(tenant.host, "GET", `/api/v1/groups/club/threads/${threadId}`, { cookie: tenant.owner.cookie });
    expect(thread.status).toBe(200);
    const body = (await thread.json()) as { thread: { author: { name: string } } };
    expect(body.thread.author.name).toBe("Ancien membre"); // the community's language (fr by default)
    const members = await call(tenant.host, "GET", "/api/v1/groups/club/members", { cookie: tenant.owner.cookie });
    expect(JSON.stringify(await members.json())).not.toContain("leaver@example.org");
    expect((await call(tenant.host, "DELETE", `/api/v1/members/${m.id}`, { cookie: tenant.owner.cookie })).status).toBe(404);
    await signUpMember(tenant, "leaver@example.org", "Lea Again");
  });

  it("?deletePosts=1 also deletes their posts", async () => {
    const tenant = await makeTenant();
    const { m, threadId } = await groupWithPosts(tenant);
    expect((await call(tenant.host, "DELETE", `/api/v1/members/${m.id}?deletePosts=1`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "GET", `/api/v1/groups/club/threads/${threadId}`, { cookie: tenant.owner.cookie })).status).toBe(404);
  });

  it("a membership the group's room still owed the removed person is dropped, and the others' still land", async () => {
    const tenant = await makeTenant();
    const created = await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Queue", slug: "queue" } });
    const groupId = ((await created.json()) as { group: { id: string } }).group.id;
    const gone = await signUpMember(tenant, "gone@example.org", "Gone");
    const stays = await signUpMember(tenant, "stays@example.org", "Stays");
    const ask = async (cookie: string) => ((await (await call(tenant.host, "POST", "/api/v1/groups/queue/join", { cookie, json: {} })).json()) as { requestId: string }).requestId;
    const first = await ask(gone.cookie);
    const second = await ask(stays.cookie);
    const write = vi.spyOn(membershipWriter, "write").mockRejectedValue(new Error("D1_ERROR: database is unavailable"));
    try {
      for (const id of [first, second]) expect((await call(tenant.host, "POST", `/api/v1/groups/queue/requests/${id}/approve`, { cookie: tenant.owner.cookie })).status).toBe(200);
      const room = groupRoom(env, tenant.id, groupId);
      expect(await room.owedWrites()).toBe(2);
      expect((await call(tenant.host, "DELETE", `/api/v1/members/${gone.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
      expect(await room.owedWrites()).toBe(1);
      write.mockRestore();
      await runDurableObjectAlarm(room);
      expect(await room.owedWrites()).toBe(0);
      const me = await call(tenant.host, "GET", "/api/v1/me", { cookie: stays.cookie });
      expect(((await me.json()) as { groups: { slug: string }[] }).groups.map((g) => g.slug)).toEqual(["queue"]);
    } finally {
      write.mockRestore();
    }
  });

  it("the owner cannot be removed; an admin cannot remove an admin", async () => {
    const tenant = await makeTenant();
    const admin = await withRole(tenant, "a@example.org", "admin");
    const other = await withRole(tenant, "b@example.org", "admin");
    const owner = await ownerId(tenant);
    expect(await errorCode(await call(tenant.host, "DELETE", `/api/v1/members/${owner}`, { cookie: admin.cookie }))).toBe("owner_immutable");
    expect((await call(tenant.host, "DELETE", `/api/v1/members/${other.id}`, { cookie: admin.cookie })).status).toBe(403);
    expect((await call(tenant.host, "DELETE", `/api/v1/members/${other.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
  });
});

describe("DELETE /api/v1/me", () => {
  it("a member deletes their own account with their password; a wrong one is 403 invalid_password; the owner cannot", async () => {
    const tenant = await makeTenant();
    const m = await signUpMember(tenant, "me@example.org", "Me");
    const wrong = await call(tenant.host, "DELETE", "/api/v1/me", { cookie: m.cookie, json: { password: "not my password" } });
    expect(wrong.status).toBe(403);
    expect(await errorCode(wrong)).toBe("invalid_password");
    const ok = await call(tenant.host, "DELETE", "/api/v1/me", { cookie: m.cookie, json: { password: m.password } });
    expect(ok.status).toBe(204);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: m.cookie })).status).toBe(401);
    expect(await errorCode(await logIn(tenant, "me@example.org", m.password))).toBe("invalid_credentials");
    const owner = await call(tenant.host, "DELETE", "/api/v1/me", { cookie: tenant.owner.cookie, json: { password: tenant.owner.password } });
    expect([owner.status, await errorCode(owner)]).toEqual([409, "owner_immutable"]);
    expect((await call(tenant.host, "DELETE", "/api/v1/me", { json: { password: "x" } })).status).toBe(401);
  });
});

describe("handoff from /new to the community", () => {
  /** Posts the root page's form as a browser on the root host does, from the client address `ip`. */
  const createOnRoot = (fields: { name: string; subdomain: string; ownerName: string; ownerEmail: string }, ip: string) =>
    call("communities.test", "POST", "/new", form({ ...fields, ownerPassword: "a long enough password" }, undefined, { origin: "http://communities.test", "cf-connecting-ip": ip }));

  it("the root page's answer leads to the tenant host, which signs the new owner in once", async () => {
    const subdomain = `hand${Date.now().toString(36)}`;
    const created = await createOnRoot({ name: "Hand Off", subdomain, ownerName: "Hana", ownerEmail: "hana@example.org" }, "10.9.9.9");
    expect(created.status).toBe(303);
    const ready = created.headers.get("location")!;
    // Same origin: the page's CSP (form-action 'self') allows the redirect.
    expect(ready.startsWith("/new/ready?")).toBe(true);
    expect(created.headers.getSetCookie().some((c) => c.startsWith("sid="))).toBe(false);
    const page = await call("communities.test", "GET", ready);
    expect(page.status).toBe(200);
    const html = await page.text();
    const link = /href="(https?:\/\/[^"]+\/welcome\?token=[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    expect(link).toBeTruthy();
    expect(html).toContain('http-equiv="refresh"');
    const url = new URL(link!);
    expect(url.host).toBe(`${subdomain}.communities.test`);
    const landed = await call(url.host, "GET", url.pathname + url.search);
    expect(landed.status).toBe(303);
    expect(landed.headers.get("location")).toBe("/admin");
    const cookie = sessionCookie(landed);
    const me = await call(url.host, "GET", "/api/v1/me", { cookie });
    expect(((await me.json()) as { tenantRole: string }).tenantRole).toBe("owner");
    // Once only.
    const again = await call(url.host, "GET", url.pathname + url.search);
    expect(again.status).toBe(400);
    expect(again.headers.getSetCookie().some((c) => c.startsWith("sid="))).toBe(false);
  });

  it("a handoff token expires after 2 minutes and works on no other host", async () => {
    const subdomain = `exp${Date.now().toString(36)}`;
    const created = await createOnRoot({ name: "Expiring", subdomain, ownerName: "Eve", ownerEmail: "eve@example.org" }, "10.9.9.8");
    const page = await (await call("communities.test", "GET", created.headers.get("location")!)).text();
    const link = new URL(/href="(https?:\/\/[^"]+\/welcome\?token=[^"]+)"/.exec(page)![1]!.replace(/&amp;/g, "&"));
    const other = await makeTenant();
    expect((await call(other.host, "GET", link.pathname + link.search)).status).toBe(400);
    vi.useFakeTimers({ now: Date.now() + 121_000, toFake: ["Date"] });
    try {
      expect((await call(link.host, "GET", link.pathname + link.search)).status).toBe(400);
    } finally {
      vi.useRealTimers();
    }
  });
});
