import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { directoryDb } from "../db/client";
import { memberships } from "../db/schema";
import { groupRoom } from "../room/room";
import { membershipWriter } from "../room/membership-writer";
import { call, makeGroup, makeTenant, membershipRows, requestJoin, signUpMember } from "../test/helpers";
import { collectSocket, expectUpgradeRefused } from "../test/sockets";

type Err = { error: { code: string; fields?: Record<string, string> } };
type Req = { id: string; userId: string; name: string; email: string; answers: { questionId: string; label: string; answer: string }[] };

afterEach(() => vi.restoreAllMocks());

describe("joining", () => {
  it("open: 200 member at once, and joining twice is harmless", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Open house", slug: "open-house", joinPolicy: "open" });
    const member = await signUpMember(tenant, "joiner@example.org");
    const first = await requestJoin(tenant, "open-house", member.cookie);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: "member" });
    const again = await requestJoin(tenant, "open-house", member.cookie);
    expect([again.status, await again.json()]).toEqual([200, { status: "member" }]);
    expect(await membershipRows(tenant.id, g.id, member.id)).toHaveLength(1);
    // The home page shows it at once.
    expect(await (await call(tenant.host, "GET", "/", { cookie: member.cookie })).text()).toMatch(/Open house/);
  });

  it("approval: 202 pending with a request id, the same on a second try, then approve makes a member at once", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Founders", slug: "founders", questions: [{ label: "Your project?", required: true }, { label: "Anything else?" }] });
    const applicant = await signUpMember(tenant, "applicant@example.org", "Alex Applicant");
    const q = g.questions[0]!.id;

    const missing = await requestJoin(tenant, "founders", applicant.cookie);
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as Err).error.fields).toEqual({ [`answers.${q}`]: "This question needs an answer." });

    const pending = await requestJoin(tenant, "founders", applicant.cookie, { [q]: "A bakery" });
    expect(pending.status).toBe(202);
    const body = (await pending.json()) as { status: string; requestId: string };
    expect(body).toEqual({ status: "pending", requestId: expect.any(String) });
    const twice = await requestJoin(tenant, "founders", applicant.cookie, { [q]: "A bakery" });
    expect([twice.status, await twice.json()]).toEqual([202, body]);
    const view = (await (await call(tenant.host, "GET", "/api/v1/groups/founders", { cookie: applicant.cookie })).json()) as { membership: string };
    expect(view.membership).toBe("pending");

    // Members cannot see the queue; admins see it with the answers.
    expect((await call(tenant.host, "GET", "/api/v1/groups/founders/requests", { cookie: applicant.cookie })).status).toBe(403);
    const queue = (await (await call(tenant.host, "GET", "/api/v1/groups/founders/requests", { cookie: tenant.owner.cookie })).json()) as { items: Req[] };
    expect(queue.items).toEqual([
      expect.objectContaining({ id: body.requestId, userId: applicant.id, name: "Alex Applicant", email: "applicant@example.org", answers: [{ questionId: q, label: "Your project?", answer: "A bakery" }] }),
    ]);

    expect((await call(tenant.host, "POST", `/api/v1/groups/founders/requests/${body.requestId}/approve`, { cookie: applicant.cookie })).status).toBe(403);
    const approved = await call(tenant.host, "POST", `/api/v1/groups/founders/requests/${body.requestId}/approve`, { cookie: tenant.owner.cookie });
    expect(approved.status).toBe(200);
    expect(await membershipRows(tenant.id, g.id, applicant.id)).toEqual([expect.objectContaining({ role: "member" })]);
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: applicant.cookie })).json()) as { groups: unknown[] };
    expect(me.groups).toContainEqual({ slug: "founders", role: "member" });
    expect(((await (await call(tenant.host, "GET", "/api/v1/groups/founders/requests", { cookie: tenant.owner.cookie })).json()) as { items: Req[] }).items).toEqual([]);
    // Approving again is harmless; rejecting what was approved is a conflict.
    expect((await call(tenant.host, "POST", `/api/v1/groups/founders/requests/${body.requestId}/approve`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await call(tenant.host, "POST", `/api/v1/groups/founders/requests/${body.requestId}/reject`, { cookie: tenant.owner.cookie })).status).toBe(409);
  });

  it("reject leaves the applicant outside, free to ask again", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Choir", slug: "choir" });
    const applicant = await signUpMember(tenant, "singer@example.org");
    const { requestId } = (await (await requestJoin(tenant, "choir", applicant.cookie)).json()) as { requestId: string };
    expect((await call(tenant.host, "POST", `/api/v1/groups/choir/requests/${requestId}/reject`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect(await membershipRows(tenant.id, g.id, applicant.id)).toEqual([]);
    const again = await requestJoin(tenant, "choir", applicant.cookie);
    expect(again.status).toBe(202);
    expect(((await again.json()) as { requestId: string }).requestId).not.toBe(requestId);
  });

  it("invite: 403 invite_only; signed out: 401; unknown group: 404", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Board", slug: "board", joinPolicy: "invite" });
    const member = await signUpMember(tenant, "hopeful@example.org");
    const res = await requestJoin(tenant, "board", member.cookie);
    expect(res.status).toBe(403);
    expect(((await res.json()) as Err).error.code).toBe("invite_only");
    expect((await call(tenant.host, "POST", "/api/v1/groups/board/join", { json: {} })).status).toBe(401);
    expect((await requestJoin(tenant, "nothing-here", member.cookie)).status).toBe(404);
  });

  it("an approval is never lost: D1 fails once, the room is evicted, the alarm writes the membership exactly once", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Resilient", slug: "resilient" });
    const applicant = await signUpMember(tenant, "patient@example.org");
    const { requestId } = (await (await requestJoin(tenant, "resilient", applicant.cookie)).json()) as { requestId: string };

    const write = vi.spyOn(membershipWriter, "write").mockRejectedValueOnce(new Error("D1_ERROR: database is unavailable"));
    const approved = await call(tenant.host, "POST", `/api/v1/groups/resilient/requests/${requestId}/approve`, { cookie: tenant.owner.cookie });
    expect(approved.status).toBe(200);
    expect(write).toHaveBeenCalledTimes(1);
    expect(await membershipRows(tenant.id, g.id, applicant.id)).toEqual([]);

    const room = groupRoom(env, tenant.id, g.id);
    expect(await room.owedWrites()).toBe(1);
    await evictDurableObject(room);
    // The decision survived the eviction, and the alarm finishes the job.
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(write).toHaveBeenCalledTimes(2);
    expect(await membershipRows(tenant.id, g.id, applicant.id)).toHaveLength(1);
    expect(await room.owedWrites()).toBe(0);
    // Nothing left to do: running again changes nothing.
    expect(await runDurableObjectAlarm(room)).toBe(false);
    await call(tenant.host, "POST", `/api/v1/groups/resilient/requests/${requestId}/approve`, { cookie: tenant.owner.cookie });
    expect(await membershipRows(tenant.id, g.id, applicant.id)).toHaveLength(1);
  });

  it("approve-all clears a large queue into memberships", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Crowd", slug: "crowd" });
    const room = groupRoom(env, tenant.id, g.id);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const m = await signUpMember(tenant, `crowd${i}@example.org`);
      ids.push(m.id);
      await room.submitJoinRequest(tenant.id, g.id, { id: m.id, name: `C${i}`, email: `crowd${i}@example.org` }, []);
    }
    const res = await call(tenant.host, "POST", "/api/v1/groups/crowd/requests/approve-all", { cookie: tenant.owner.cookie });
    expect(await res.json()).toEqual({ approved: 60 });
    const rows = await directoryDb(env).select().from(memberships).where(eq(memberships.groupId, g.id));
    expect(rows).toHaveLength(61);
  });
});

describe("members", () => {
  async function setup() {
    const tenant = await makeTenant();
    const owner = await signUpMember(tenant, "owner-of-group@example.org", "Gwen Owner");
    const res = await call(tenant.host, "POST", "/api/v1/groups", { cookie: owner.cookie, json: { name: "Crew", slug: "crew", joinPolicy: "open" } });
    const g = ((await res.json()) as { group: { id: string } }).group;
    const alice = await signUpMember(tenant, "alice@example.org", "Alice");
    const bob = await signUpMember(tenant, "bob@example.org", "Bob");
    await requestJoin(tenant, "crew", alice.cookie);
    await requestJoin(tenant, "crew", bob.cookie);
    return { tenant, owner, alice, bob, g };
  }

  it("lists members for members only, owner first", async () => {
    const { tenant, alice } = await setup();
    const outsider = await signUpMember(tenant, "outside@example.org");
    expect((await call(tenant.host, "GET", "/api/v1/groups/crew/members", { cookie: outsider.cookie })).status).toBe(403);
    const list = (await (await call(tenant.host, "GET", "/api/v1/groups/crew/members", { cookie: alice.cookie })).json()) as { items: { name: string; role: string; email?: string }[] };
    expect(list.items.map((m) => [m.name, m.role])).toEqual([["Gwen Owner", "owner"], ["Alice", "member"], ["Bob", "member"]]);
    expect(list.items[0]).not.toHaveProperty("email");
  });

  it("changes roles (admins and up; 403 below; 409 owner_immutable on the owner)", async () => {
    const { tenant, owner, alice, bob } = await setup();
    const promote = await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${alice.id}`, { cookie: owner.cookie, json: { role: "admin" } });
    expect(promote.status).toBe(200);
    expect(((await promote.json()) as { member: { role: string } }).member.role).toBe("admin");
    expect((await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${alice.id}`, { cookie: bob.cookie, json: { role: "member" } })).status).toBe(403);
    const moderator = await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${bob.id}`, { cookie: alice.cookie, json: { role: "moderator" } });
    expect(moderator.status).toBe(200);
    expect((await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${alice.id}`, { cookie: bob.cookie, json: { role: "member" } })).status).toBe(403);
    const atOwner = await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${owner.id}`, { cookie: alice.cookie, json: { role: "member" } });
    expect(atOwner.status).toBe(409);
    expect(((await atOwner.json()) as Err).error.code).toBe("owner_immutable");
    expect((await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${bob.id}`, { cookie: owner.cookie, json: { role: "owner" } })).status).toBe(422);
    // Tenant admins act as group admins.
    expect((await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${bob.id}`, { cookie: tenant.owner.cookie, json: { role: "member" } })).status).toBe(200);
  });

  it("removes members (not the owner), and members can leave (not the owner)", async () => {
    const { tenant, owner, alice, bob } = await setup();
    const atOwner = await call(tenant.host, "DELETE", `/api/v1/groups/crew/members/${owner.id}`, { cookie: tenant.owner.cookie });
    expect(atOwner.status).toBe(409);
    expect(((await atOwner.json()) as Err).error.code).toBe("owner_immutable");
    expect((await call(tenant.host, "DELETE", `/api/v1/groups/crew/members/${alice.id}`, { cookie: bob.cookie })).status).toBe(403);
    expect((await call(tenant.host, "DELETE", `/api/v1/groups/crew/members/${alice.id}`, { cookie: owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "GET", "/api/v1/groups/crew/members", { cookie: alice.cookie })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/api/v1/groups/crew/leave", { cookie: bob.cookie })).status).toBe(204);
    expect((await call(tenant.host, "POST", "/api/v1/groups/crew/leave", { cookie: owner.cookie })).status).toBe(409);
  });

  it("a ban removes the member and blocks rejoining until unbanned", async () => {
    const { tenant, owner, alice } = await setup();
    expect((await call(tenant.host, "POST", `/api/v1/groups/crew/members/${alice.id}/ban`, { cookie: owner.cookie })).status).toBe(204);
    const rejoin = await requestJoin(tenant, "crew", alice.cookie);
    expect(rejoin.status).toBe(403);
    expect(((await rejoin.json()) as Err).error.code).toBe("banned");
    const bans = (await (await call(tenant.host, "GET", "/api/v1/groups/crew/bans", { cookie: owner.cookie })).json()) as { items: { userId: string }[] };
    expect(bans.items.map((b) => b.userId)).toEqual([alice.id]);
    expect((await call(tenant.host, "DELETE", `/api/v1/groups/crew/bans/${alice.id}`, { cookie: owner.cookie })).status).toBe(204);
    expect((await requestJoin(tenant, "crew", alice.cookie)).status).toBe(200);
    expect((await call(tenant.host, "POST", `/api/v1/groups/crew/members/${owner.id}/ban`, { cookie: tenant.owner.cookie })).status).toBe(409);
  });

  it("a member can belong to many groups", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "busy@example.org");
    for (const slug of ["one", "two", "three"]) {
      await makeGroup(tenant, { slug, joinPolicy: "open" });
      expect((await requestJoin(tenant, slug, member.cookie)).status).toBe(200);
    }
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: member.cookie })).json()) as { groups: { slug: string }[] };
    expect(me.groups.map((g) => g.slug).sort()).toEqual(["one", "three", "two"]);
  });

  it("a tenant admin viewing as a member loses admin powers", async () => {
    const { tenant, alice } = await setup();
    const cookie = `${tenant.owner.cookie}; view_as=member`;
    expect((await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${alice.id}`, { cookie, json: { role: "admin" } })).status).toBe(403);
    expect((await call(tenant.host, "PATCH", `/api/v1/groups/crew/members/${alice.id}`, { cookie: tenant.owner.cookie, json: { role: "admin" } })).status).toBe(200);
  });
});

describe("live queue", () => {
  it("refuses the upgrade to non-admins (401/403) and pushes new requests and decisions to admins", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Live", slug: "live" });
    const applicant = await signUpMember(tenant, "live@example.org", "Lou Live");
    await expectUpgradeRefused(tenant, "/api/v1/groups/live/requests/live", applicant.cookie);

    // An admin's socket: a snapshot first, then each request and decision as it happens.
    const res = await call(tenant.host, "GET", "/api/v1/groups/live/requests/live", { cookie: tenant.owner.cookie, headers: { upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const { ws, events: received } = collectSocket<{ type: string; request?: { name: string }; id?: string; status?: string }>(res);

    await vi.waitFor(() => expect(received[0]).toEqual({ type: "snapshot", requests: [] }));
    const { requestId } = (await (await requestJoin(tenant, "live", applicant.cookie)).json()) as { requestId: string };
    await vi.waitFor(() => expect(received[1]).toMatchObject({ type: "request", request: { id: requestId, name: "Lou Live", createdAt: expect.stringMatching(/Z$/) } }));
    await call(tenant.host, "POST", `/api/v1/groups/live/requests/${requestId}/approve`, { cookie: tenant.owner.cookie });
    await vi.waitFor(() => expect(received[2]).toEqual({ type: "decided", id: requestId, status: "approved" }));
    ws.close();
  });
});

describe("a long queue", () => {
  it("pages pending requests with a cursor", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Long", slug: "long" });
    const room = groupRoom(env, tenant.id, g.id);
    for (let i = 0; i < 7; i++) {
      const m = await signUpMember(tenant, `queue${i}@example.org`);
      await room.submitJoinRequest(tenant.id, g.id, { id: m.id, name: `Q${i}`, email: m.email }, []);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/groups/long/requests?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = (await (await call(tenant.host, "GET", url, { cookie: tenant.owner.cookie })).json()) as { items: { name: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((r) => r.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Q0", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]);
  });
});
