import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { MessageView, ReplyView, ReportView, RoomEvent, ThreadView } from "../room/protocol";
import { groupRoom, type GroupRoom } from "../room/room";
import { call, groupMember, makeGroup, makeTenant, setGroupRole, signUpMember, type TestTenant } from "../test/helpers";
import { collectSocket, expectUpgradeRefused } from "../test/sockets";
import { XSS_CORPUS } from "./xss-corpus";

type Err = { error: { code: string; message: string; fields?: Record<string, string> } };

/** A community with an open group `slug` and Alice in it. */
async function withAlice(slug: string) {
  const tenant = await makeTenant();
  const g = await makeGroup(tenant, { slug, joinPolicy: "open" });
  const alice = await groupMember(tenant, slug, `alice@${slug}.example`, "Alice");
  return { tenant, g, alice };
}

const api = (tenant: TestTenant, cookie: string) => ({
  get: (path: string) => call(tenant.host, "GET", path, { cookie }),
  post: (path: string, json?: unknown) => call(tenant.host, "POST", path, { cookie, ...(json === undefined ? {} : { json }) }),
  patch: (path: string, json: unknown) => call(tenant.host, "PATCH", path, { cookie, json }),
  put: (path: string, json?: unknown) => call(tenant.host, "PUT", path, { cookie, ...(json === undefined ? {} : { json }) }),
  del: (path: string) => call(tenant.host, "DELETE", path, { cookie }),
});

async function newThread(tenant: TestTenant, slug: string, cookie: string, title: string, body = "Hello **there**") {
  const res = await api(tenant, cookie).post(`/api/v1/groups/${slug}/threads`, { title, body });
  expect(res.status).toBe(201);
  return ((await res.json()) as { thread: ThreadView }).thread;
}

/** A chat socket as a group page opens it; collects every event. */
async function connect(tenant: TestTenant, slug: string, cookie: string, since?: string) {
  const res = await call(tenant.host, "GET", `/api/v1/groups/${slug}/chat${since ? `?since=${since}` : ""}`, { cookie, headers: { upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const { ws, events, closed } = collectSocket<RoomEvent>(res);
  await vi.waitFor(() => expect(events.some((e) => e.type === "history")).toBe(true));
  const of = <T extends RoomEvent["type"]>(type: T) => events.filter((e): e is Extract<RoomEvent, { type: T }> => e.type === type);
  return {
    ws,
    events,
    closed,
    of,
    say: (text: string, nonce?: string) => ws.send(JSON.stringify({ type: "message", text, ...(nonce ? { nonce } : {}) })),
    messages: () => [...of("history").flatMap((e) => e.messages), ...of("message").map((e) => e.message)],
  };
}

describe("threads and replies", () => {
  it("members post, read newest activity first with pinned on top, and page with a cursor", async () => {
    const { tenant, alice } = await withAlice("club");
    const outsider = await signUpMember(tenant, "out@club.example", "Otto");

    // Signed out: 401; signed in but not a member: 403, before anything is read or written.
    expect((await call(tenant.host, "GET", "/api/v1/groups/club/threads")).status).toBe(401);
    const refused = await api(tenant, outsider.cookie).post("/api/v1/groups/club/threads", { title: "x", body: "y" });
    expect([refused.status, ((await refused.json()) as Err).error.code]).toEqual([403, "members_only"]);

    const first = await newThread(tenant, "club", alice.cookie, "First");
    expect(first).toMatchObject({ title: "First", body: "Hello **there**", bodyHtml: "<p>Hello <strong>there</strong></p>\n", excerpt: "Hello there", pinned: false, replyCount: 0, author: { userId: alice.id, name: "Alice" } });
    const second = await newThread(tenant, "club", alice.cookie, "Second");
    const third = await newThread(tenant, "club", alice.cookie, "Third");

    // A reply makes the first thread the most recently active.
    const reply = await api(tenant, alice.cookie).post(`/api/v1/groups/club/threads/${first.id}/replies`, { body: "bump" });
    expect(reply.status).toBe(201);
    expect(((await reply.json()) as { reply: ReplyView }).reply).toMatchObject({ threadId: first.id, bodyHtml: "<p>bump</p>\n" });
    // Moderators pin; members may not.
    expect((await api(tenant, alice.cookie).post(`/api/v1/groups/club/threads/${second.id}/pin`, { pinned: true })).status).toBe(403);
    expect((await api(tenant, tenant.owner.cookie).post(`/api/v1/groups/club/threads/${second.id}/pin`, { pinned: true })).status).toBe(200);

    const titles: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/groups/club/threads?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await api(tenant, alice.cookie).get(url)).json()) as { items: ThreadView[]; nextCursor: string | null };
      titles.push(...page.items.map((t) => t.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(titles).toEqual(["Second", "First", "Third"]);

    const detail = (await (await api(tenant, alice.cookie).get(`/api/v1/groups/club/threads/${first.id}`)).json()) as { thread: ThreadView; replies: ReplyView[] };
    expect(detail.thread.replyCount).toBe(1);
    expect(detail.replies.map((r) => r.body)).toEqual(["bump"]);
    expect(third.id).not.toBe(first.id);
  });

  it("validates input: 415, 400, 422 with fields, 404 for an unknown thread", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "checks", joinPolicy: "open" });
    const a = api(tenant, tenant.owner.cookie);
    expect((await call(tenant.host, "POST", "/api/v1/groups/checks/threads", { cookie: tenant.owner.cookie, body: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(415);
    expect((await call(tenant.host, "POST", "/api/v1/groups/checks/threads", { cookie: tenant.owner.cookie, body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    const empty = await a.post("/api/v1/groups/checks/threads", { title: "  ", body: "" });
    expect(empty.status).toBe(422);
    expect(Object.keys(((await empty.json()) as Err).error.fields ?? {}).sort()).toEqual(["body", "title"]);
    expect((await a.post("/api/v1/groups/checks/threads", { title: "x".repeat(201), body: "b" })).status).toBe(422);
    expect((await a.post("/api/v1/groups/checks/threads/nope/replies", { body: "b" })).status).toBe(404);
    expect((await a.get("/api/v1/groups/checks/threads/nope")).status).toBe(404);
    expect((await a.put("/api/v1/groups/checks/reactions/thread/x/kiss")).status).toBe(422);
    expect((await a.get("/api/v1/groups/checks/messages?before=abc")).status).toBe(422);
    expect((await call(tenant.host, "GET", "/api/v1/groups/checks/chat?since=1;drop", { cookie: tenant.owner.cookie, headers: { upgrade: "websocket" } })).status).toBe(422);
  });

  it("authors edit and delete their own posts; others cannot; moderators delete anything", async () => {
    const { tenant, alice } = await withAlice("own");
    const bob = await groupMember(tenant, "own", "bob@own.example", "Bob");
    const thread = await newThread(tenant, "own", alice.cookie, "Mine");
    const edit = await api(tenant, bob.cookie).patch(`/api/v1/groups/own/threads/${thread.id}`, { title: "Stolen" });
    expect([edit.status, ((await edit.json()) as Err).error.code]).toEqual([403, "not_author"]);
    const edited = await api(tenant, alice.cookie).patch(`/api/v1/groups/own/threads/${thread.id}`, { body: "Now *better*" });
    expect(((await edited.json()) as { thread: ThreadView }).thread).toMatchObject({ title: "Mine", bodyHtml: "<p>Now <em>better</em></p>\n", editedAt: expect.stringMatching(/Z$/) });

    const replyRes = await api(tenant, bob.cookie).post(`/api/v1/groups/own/threads/${thread.id}/replies`, { body: "hi" });
    const reply = ((await replyRes.json()) as { reply: ReplyView }).reply;
    expect((await api(tenant, alice.cookie).patch(`/api/v1/groups/own/replies/${reply.id}`, { body: "changed" })).status).toBe(403);
    expect((await api(tenant, alice.cookie).del(`/api/v1/groups/own/replies/${reply.id}`)).status).toBe(403);
    expect((await api(tenant, bob.cookie).patch(`/api/v1/groups/own/replies/${reply.id}`, { body: "changed" })).status).toBe(200);
    expect((await api(tenant, bob.cookie).del(`/api/v1/groups/own/replies/${reply.id}`)).status).toBe(204);
    expect((await api(tenant, bob.cookie).del(`/api/v1/groups/own/threads/${thread.id}`)).status).toBe(403);
    await setGroupRole(tenant, "own", bob.id, "moderator");
    expect((await api(tenant, bob.cookie).del(`/api/v1/groups/own/threads/${thread.id}`)).status).toBe(204);
    expect((await api(tenant, alice.cookie).get(`/api/v1/groups/own/threads/${thread.id}`)).status).toBe(404);
  });

  it("renders every body of the XSS corpus to safe HTML, through the API", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "xss", joinPolicy: "open" });
    const a = api(tenant, tenant.owner.cookie);
    // Four posts (members may post five in a burst), each carrying a quarter of the corpus.
    const quarter = Math.ceil(XSS_CORPUS.length / 4);
    for (let i = 0; i < XSS_CORPUS.length; i += quarter) {
      const thread = await newThread(tenant, "xss", tenant.owner.cookie, "t", XSS_CORPUS.slice(i, i + quarter).join("\n\n"));
      expect(thread.bodyHtml).not.toMatch(/<script|<img|<svg|<iframe|<style|<object|<form|(href|src)="\s*(javascript|data|vbscript):|<[^>]*\son[a-z]+=/i);
    }
    // The source stays as written (it is data, for editing); only bodyHtml is ever injected.
    const list = (await (await a.get("/api/v1/groups/xss/threads?limit=200")).json()) as { items: ThreadView[] };
    expect(list.items).toHaveLength(4);
    for (const t of list.items) expect(t.bodyHtml).not.toMatch(/<script|<img|<svg|<[^>]*\son[a-z]+=/i);
  });

  it("mentions link members and email them through the outbox", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "ment", joinPolicy: "open" });
    const alice = await groupMember(tenant, "ment", "alice@ment.example", "Alice Martin");
    const thread = await newThread(tenant, "ment", tenant.owner.cookie, "Ping", "Hey @alicemartin, look");
    expect(thread.bodyHtml).toContain(`<a class="mention" href="/members?q=Alice%20Martin#member-${alice.id}" data-user-id="${alice.id}">@Alice Martin</a>`);
    const mail = await vi.waitFor(async () => {
      const res = (await (await call(tenant.host, "GET", `/api/v1/dev/mail?to=${encodeURIComponent(alice.email)}`)).json()) as { subject: string; text: string }[];
      const found = res.find((m) => m.subject.includes("Olivia Owner"));
      expect(found).toBeDefined();
      return found!;
    });
    expect(mail.text).toContain(`/g/ment/t/${thread.id}`);
  });
});

describe("reactions and levels", () => {
  it("counts points from the records: threads, replies, reactions received (not one's own), and recomputes after hiding", async () => {
    const { tenant, alice } = await withAlice("pts");
    const bob = await groupMember(tenant, "pts", "bob@pts.example", "Bob");
    const thread = await newThread(tenant, "pts", alice.cookie, "Points"); // alice +5
    await api(tenant, bob.cookie).post(`/api/v1/groups/pts/threads/${thread.id}/replies`, { body: "r1" }); // bob +2
    const liked = await api(tenant, bob.cookie).put(`/api/v1/groups/pts/reactions/thread/${thread.id}/like`); // alice +1
    expect(((await liked.json()) as { reactions: unknown }).reactions).toEqual([{ key: "like", count: 1, mine: true }]);
    await api(tenant, bob.cookie).put(`/api/v1/groups/pts/reactions/thread/${thread.id}/like`); // idempotent
    await api(tenant, alice.cookie).put(`/api/v1/groups/pts/reactions/thread/${thread.id}/love`); // own: no points

    const board = async () => ((await (await api(tenant, alice.cookie).get("/api/v1/groups/pts/leaderboard")).json()) as { items: { name: string; points: number; level: { level: number } }[] }).items;
    expect((await board()).map((e) => [e.name, e.points])).toEqual([["Alice", 6], ["Bob", 2]]);

    // Thresholds are the group's to set; the first level starts at 0.
    const bad = await api(tenant, tenant.owner.cookie).put("/api/v1/groups/pts/gamification", { points: { thread: 5, reply: 2, reactionReceived: 1 }, levels: [{ name: "A", minPoints: 3 }] });
    expect(bad.status).toBe(422);
    expect((await api(tenant, bob.cookie).put("/api/v1/groups/pts/gamification", { points: { thread: 1, reply: 1, reactionReceived: 1 }, levels: [{ name: "A", minPoints: 0 }] })).status).toBe(403);
    const set = await api(tenant, tenant.owner.cookie).put("/api/v1/groups/pts/gamification", {
      points: { thread: 10, reply: 3, reactionReceived: 2 },
      levels: [{ name: "Seed", minPoints: 0 }, { name: "Tree", minPoints: 10, badge: "🌳" }],
    });
    expect(set.status).toBe(200);
    const after = await board();
    expect(after.map((e) => [e.name, e.points, e.level.level])).toEqual([["Alice", 12], ["Bob", 3]].map(([n, p]) => [n, p, (p as number) >= 10 ? 2 : 1]));
    const listed = (await (await api(tenant, bob.cookie).get("/api/v1/groups/pts/threads")).json()) as { items: ThreadView[] };
    expect(listed.items[0]!.author.level).toMatchObject({ name: "Tree", badge: "🌳" });

    // Hidden content earns nothing: the points follow the records.
    expect((await api(tenant, tenant.owner.cookie).post("/api/v1/groups/pts/moderation/hide", { targetType: "thread", targetId: thread.id })).status).toBe(204);
    expect(await board()).toEqual([]);
    expect((await api(tenant, tenant.owner.cookie).post("/api/v1/groups/pts/moderation/unhide", { targetType: "thread", targetId: thread.id })).status).toBe(204);
    expect((await board()).map((e) => e.points)).toEqual([12, 3]);
    await api(tenant, bob.cookie).del(`/api/v1/groups/pts/reactions/thread/${thread.id}/like`);
    expect((await board()).map((e) => e.points)).toEqual([10, 3]);
  });
});

describe("reports and moderation", () => {
  it("members report; only moderators see the queue; hiding removes the content and settles the report", async () => {
    const { tenant, alice } = await withAlice("mod");
    const bob = await groupMember(tenant, "mod", "bob@mod.example", "Bob");
    const mo = await groupMember(tenant, "mod", "mo@mod.example", "Mo");
    await setGroupRole(tenant, "mod", mo.id, "moderator");
    const thread = await newThread(tenant, "mod", alice.cookie, "Spam here", "buy now");

    const report = await api(tenant, bob.cookie).post("/api/v1/groups/mod/reports", { targetType: "thread", targetId: thread.id, reason: "spam" });
    expect(report.status).toBe(201);
    const again = await api(tenant, bob.cookie).post("/api/v1/groups/mod/reports", { targetType: "thread", targetId: thread.id, reason: "spam" });
    expect([again.status, ((await again.json()) as Err).error.code]).toEqual([409, "already_reported"]);
    expect((await api(tenant, alice.cookie).post("/api/v1/groups/mod/reports", { targetType: "thread", targetId: thread.id, reason: "mine" })).status).toBe(422);
    expect((await api(tenant, bob.cookie).post("/api/v1/groups/mod/reports", { targetType: "reply", targetId: "nope", reason: "x" })).status).toBe(404);
    expect((await api(tenant, bob.cookie).post("/api/v1/groups/mod/reports", { targetType: "post", targetId: thread.id, reason: "x" })).status).toBe(422);

    // The queue is for moderators and up only.
    expect((await api(tenant, alice.cookie).get("/api/v1/groups/mod/reports")).status).toBe(403);
    expect((await api(tenant, bob.cookie).get("/api/v1/groups/mod/reports")).status).toBe(403);
    const queue = (await (await api(tenant, mo.cookie).get("/api/v1/groups/mod/reports")).json()) as { items: ReportView[] };
    expect(queue.items).toHaveLength(1);
    expect(queue.items[0]).toMatchObject({ targetType: "thread", targetId: thread.id, reason: "spam", status: "open", reporter: { name: "Bob" }, target: { author: { name: "Alice" }, excerpt: "buy now", hidden: false } });

    const page = await connect(tenant, "mod", alice.cookie);
    expect((await api(tenant, alice.cookie).post("/api/v1/groups/mod/moderation/hide", { targetType: "thread", targetId: thread.id })).status).toBe(403);
    expect((await api(tenant, mo.cookie).post("/api/v1/groups/mod/moderation/hide", { targetType: "thread", targetId: thread.id })).status).toBe(204);
    await vi.waitFor(() => expect(page.of("removed")).toEqual([{ type: "removed", targetType: "thread", targetId: thread.id, threadId: thread.id }]));
    expect(((await (await api(tenant, bob.cookie).get("/api/v1/groups/mod/threads")).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await api(tenant, bob.cookie).get(`/api/v1/groups/mod/threads/${thread.id}`)).status).toBe(404);
    const settled = (await (await api(tenant, mo.cookie).get("/api/v1/groups/mod/reports?status=actioned")).json()) as { items: ReportView[] };
    expect(settled.items[0]).toMatchObject({ status: "actioned", target: { hidden: true } });
    expect(((await (await api(tenant, mo.cookie).get("/api/v1/groups/mod/reports")).json()) as { items: unknown[] }).items).toEqual([]);
    page.ws.close();
  });

  it("moderators dismiss reports and mute members for a while; muted members cannot post or chat", async () => {
    const { tenant, alice } = await withAlice("mute");
    const bob = await groupMember(tenant, "mute", "bob@mute.example", "Bob");
    const thread = await newThread(tenant, "mute", alice.cookie, "Fine");
    const { report } = (await (await api(tenant, bob.cookie).post("/api/v1/groups/mute/reports", { targetType: "thread", targetId: thread.id, reason: "meh" })).json()) as { report: ReportView };
    const dismissed = await api(tenant, tenant.owner.cookie).post(`/api/v1/groups/mute/reports/${report.id}/dismiss`);
    expect(((await dismissed.json()) as { report: ReportView }).report.status).toBe("dismissed");
    expect((await api(tenant, tenant.owner.cookie).post(`/api/v1/groups/mute/reports/${report.id}/dismiss`)).status).toBe(409);

    expect((await api(tenant, alice.cookie).post("/api/v1/groups/mute/mutes", { userId: bob.id, minutes: 60 })).status).toBe(403);
    expect((await api(tenant, tenant.owner.cookie).post("/api/v1/groups/mute/mutes", { userId: bob.id, minutes: 0 })).status).toBe(422);
    const socket = await connect(tenant, "mute", bob.cookie);
    const muted = await api(tenant, tenant.owner.cookie).post("/api/v1/groups/mute/mutes", { userId: bob.id, minutes: 60, reason: "cool down" });
    expect(muted.status).toBe(201);
    const post = await api(tenant, bob.cookie).post(`/api/v1/groups/mute/threads/${thread.id}/replies`, { body: "hey" });
    expect([post.status, ((await post.json()) as Err).error.code]).toEqual([403, "muted"]);
    socket.say("let me speak", "n-muted");
    await vi.waitFor(() => expect(socket.of("error").find((e) => e.nonce === "n-muted")).toMatchObject({ code: "muted", until: expect.stringMatching(/Z$/) }));
    expect(socket.of("message")).toEqual([]);
    const mutes = (await (await api(tenant, tenant.owner.cookie).get("/api/v1/groups/mute/mutes")).json()) as { items: { userId: string; reason: string }[] };
    expect(mutes.items).toMatchObject([{ userId: bob.id, reason: "cool down" }]);
    expect((await api(tenant, tenant.owner.cookie).del(`/api/v1/groups/mute/mutes/${bob.id}`)).status).toBe(204);
    expect((await api(tenant, bob.cookie).post(`/api/v1/groups/mute/threads/${thread.id}/replies`, { body: "hey" })).status).toBe(201);
    socket.ws.close();
  });

  it("shows admins the group's activity and most active members; not members", async () => {
    const { tenant, alice } = await withAlice("act");
    const t = await newThread(tenant, "act", alice.cookie, "One");
    await api(tenant, alice.cookie).post(`/api/v1/groups/act/threads/${t.id}/replies`, { body: "two" });
    await api(tenant, alice.cookie).post("/api/v1/groups/act/messages", { text: "three" });
    expect((await api(tenant, alice.cookie).get("/api/v1/groups/act/activity")).status).toBe(403);
    expect((await api(tenant, tenant.owner.cookie).get("/api/v1/groups/act/activity?days=12")).status).toBe(422);
    const activity = (await (await api(tenant, tenant.owner.cookie).get("/api/v1/groups/act/activity?days=7")).json()) as {
      days: { threads: number; replies: number; messages: number; newMembers: number }[];
      members: { total: number; new: number };
      totals: { threads: number; replies: number; messages: number };
      mostActive: { name: string; threads: number; replies: number; messages: number }[];
    };
    expect(activity.days).toHaveLength(7);
    expect(activity.days[6]).toMatchObject({ threads: 1, replies: 1, messages: 1, newMembers: 2 });
    expect(activity.members).toEqual({ total: 2, new: 2 });
    expect(activity.totals).toEqual({ threads: 1, replies: 1, messages: 1 });
    expect(activity.mostActive).toEqual([{ userId: alice.id, name: "Alice", threads: 1, replies: 1, messages: 1 }]);
  });
});

describe("chat", () => {
  it("refuses the upgrade before it reaches the room: 401 signed out, 403 for non-members", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "gate", joinPolicy: "open" });
    await expectUpgradeRefused(tenant, "/api/v1/groups/gate/chat", (await signUpMember(tenant, "out@gate.example", "Otto")).cookie);
    const upgrade = { upgrade: "websocket" };
    // Another tenant's host does not even know the group.
    const other = await makeTenant();
    expect((await call(other.host, "GET", "/api/v1/groups/gate/chat", { cookie: other.owner.cookie, headers: upgrade })).status).toBe(404);
    expect((await call(tenant.host, "GET", "/api/v1/groups/gate/chat", { cookie: tenant.owner.cookie })).status).toBe(426);
    // Another site's page cannot open the chat with a member's cookie; the group's own page can.
    const hijack = await call(tenant.host, "GET", "/api/v1/groups/gate/chat", { cookie: tenant.owner.cookie, headers: { ...upgrade, origin: "https://evil.example" } });
    expect([hijack.status, ((await hijack.json()) as Err).error.code]).toEqual([403, "origin_mismatch"]);
    const own = await call(tenant.host, "GET", "/api/v1/groups/gate/chat", { cookie: tenant.owner.cookie, headers: { ...upgrade, origin: `http://${tenant.host}` } });
    expect(own.status).toBe(101);
    own.webSocket!.accept();
    own.webSocket!.close();
  });

  it("stores each message before broadcasting it to every member's socket, with the sender's nonce", async () => {
    const { tenant, alice, g } = await withAlice("talk");
    const a = await connect(tenant, "talk", alice.cookie);
    const o = await connect(tenant, "talk", tenant.owner.cookie);
    const room = groupRoom(env, tenant.id, g.id);

    // When the other socket receives the message, it is already in the room's storage.
    const storedAtDelivery: boolean[] = [];
    o.ws.addEventListener("message", (e) => {
      const event = JSON.parse(String(e.data)) as RoomEvent;
      if (event.type === "message") {
        storedAtDelivery.push(true);
        void runInDurableObject(room, (instance: GroupRoom) => {
          const rows = instance.discussions.messagesSince(null, 10).map((m) => m.id);
          if (!rows.includes(event.message.id)) storedAtDelivery[storedAtDelivery.length - 1] = false;
        });
      }
    });
    a.say("hello <b>there</b>", "n-1");
    await vi.waitFor(() => expect(o.of("message")).toHaveLength(1));
    await vi.waitFor(() => expect(a.of("message")).toHaveLength(1));
    const [mine] = a.of("message");
    expect(mine).toMatchObject({ nonce: "n-1", message: { userId: alice.id, name: "Alice", text: "hello <b>there</b>", at: expect.stringMatching(/Z$/) } });
    expect(o.of("message")[0]).toEqual({ type: "message", message: mine!.message });
    expect(storedAtDelivery).toEqual([true]);
    const history = (await (await api(tenant, alice.cookie).get("/api/v1/groups/talk/messages")).json()) as { items: MessageView[] };
    expect(history.items.map((m) => m.text)).toEqual(["hello <b>there</b>"]);

    // Invalid frames get an error event, never a crash; empty and oversized texts are refused.
    a.ws.send("not json");
    a.ws.send(JSON.stringify({ type: "message", text: "   " }));
    a.ws.send(JSON.stringify({ type: "message", text: "x".repeat(2001) }));
    await vi.waitFor(() => expect(a.of("error").map((e) => e.code)).toEqual(["invalid", "invalid", "too_long"]));
    a.ws.close();
    o.ws.close();
  });

  it("shows who is online and who is typing, and answers pings without the room's code", async () => {
    const { tenant, alice } = await withAlice("here");
    const a = await connect(tenant, "here", alice.cookie);
    const o = await connect(tenant, "here", tenant.owner.cookie);
    // The newcomer gets the whole list; the others hear of the arrival only.
    await vi.waitFor(() => expect(o.of("presence").at(-1)?.online.map((m) => m.name)).toEqual(["Alice", "Olivia Owner"]));
    await vi.waitFor(() => expect(a.of("online").map((e) => e.member.name)).toEqual(["Olivia Owner"]));
    expect(a.of("presence")).toHaveLength(1);
    // A second tab of the same person is not news.
    const again = await connect(tenant, "here", tenant.owner.cookie);
    again.ws.close();
    o.ws.send(JSON.stringify({ type: "typing" }));
    await vi.waitFor(() => expect(a.of("typing")).toMatchObject([{ userId: expect.any(String), name: "Olivia Owner" }]));
    expect(o.of("typing")).toEqual([]);
    const pongs: string[] = [];
    a.ws.addEventListener("message", (e) => e.data === "pong" && pongs.push("pong"));
    a.ws.send("ping");
    await vi.waitFor(() => expect(pongs).toEqual(["pong"]));
    const online = (await (await api(tenant, alice.cookie).get("/api/v1/groups/here/online")).json()) as { items: { name: string }[] };
    expect(online.items.map((m) => m.name)).toEqual(["Alice", "Olivia Owner"]);
    o.ws.close();
    await vi.waitFor(() => expect(a.of("offline")).toHaveLength(1));
    expect(a.of("online")).toHaveLength(1);
    expect(a.of("offline")[0]!.userId).toBe(o.of("presence")[0]!.online.find((m) => m.name === "Olivia Owner")!.userId);
    a.ws.close();
  });

  it("limits how fast one member sends, with a retry delay", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "fast", joinPolicy: "open" });
    const a = await connect(tenant, "fast", tenant.owner.cookie);
    for (let i = 0; i < 7; i++) a.say(`m${i}`);
    await vi.waitFor(() => expect(a.of("message").length + a.of("error").length).toBe(7));
    expect(a.of("message")).toHaveLength(5);
    expect(a.of("error")[0]).toMatchObject({ code: "rate_limited", retryAfter: 1 });
    a.ws.close();
  });

  it("backfills with since, and after the room is evicted every message is there once, in order", async () => {
    const { tenant, alice, g } = await withAlice("keep");
    const a = await connect(tenant, "keep", alice.cookie);
    const o = await connect(tenant, "keep", tenant.owner.cookie);
    for (let i = 1; i <= 4; i++) a.say(`a${i}`);
    for (let i = 1; i <= 3; i++) o.say(`o${i}`);
    await vi.waitFor(() => expect(a.messages()).toHaveLength(7));
    const seenByAlice = a.messages();
    const lastSeen = seenByAlice[3]!.id;
    a.ws.close();

    // Sent while Alice was away.
    await vi.waitFor(() => expect(o.messages()).toHaveLength(7));
    o.say("missed 1");
    o.say("missed 2");
    await vi.waitFor(() => expect(o.messages()).toHaveLength(9));
    o.ws.close();

    const room = groupRoom(env, tenant.id, g.id);
    await evictDurableObject(room);

    const back = await connect(tenant, "keep", alice.cookie, lastSeen);
    const missed = back.of("history").flatMap((e) => e.messages).map((m) => m.text);
    expect(missed).toEqual(seenByAlice.slice(4).map((m) => m.text).concat(["missed 1", "missed 2"]));
    back.ws.close();

    const fresh = await connect(tenant, "keep", alice.cookie);
    const all = fresh.of("history").flatMap((e) => e.messages);
    expect(all).toHaveLength(9);
    expect(new Set(all.map((m) => m.id)).size).toBe(9);
    expect(all.map((m) => Number(m.id))).toEqual([...all.map((m) => Number(m.id))].sort((x, y) => x - y));
    expect(all.filter((m) => m.userId === alice.id).map((m) => m.text)).toEqual(["a1", "a2", "a3", "a4"]);
    expect(all.filter((m) => m.userId !== alice.id).map((m) => m.text)).toEqual(["o1", "o2", "o3", "missed 1", "missed 2"]);

    // The sockets survive hibernation too: a socket opened before an eviction still receives.
    const live = await connect(tenant, "keep", tenant.owner.cookie);
    const listener = await connect(tenant, "keep", alice.cookie);
    await evictDurableObject(room);
    live.say("after eviction");
    await vi.waitFor(() => expect(listener.of("message").map((e) => e.message.text)).toEqual(["after eviction"]));
    live.ws.close();
    listener.ws.close();
  });

  it("pushes new threads, replies, reactions and removals to open group pages", async () => {
    const { tenant, alice } = await withAlice("feed");
    const page = await connect(tenant, "feed", tenant.owner.cookie);
    const thread = await newThread(tenant, "feed", alice.cookie, "Live one");
    await vi.waitFor(() => expect(page.of("thread").map((e) => e.thread.title)).toEqual(["Live one"]));
    const { reply } = (await (await api(tenant, alice.cookie).post(`/api/v1/groups/feed/threads/${thread.id}/replies`, { body: "live reply" })).json()) as { reply: ReplyView };
    await vi.waitFor(() => expect(page.of("reply").map((e) => e.reply.id)).toEqual([reply.id]));
    await api(tenant, tenant.owner.cookie).put(`/api/v1/groups/feed/reactions/reply/${reply.id}/celebrate`);
    await vi.waitFor(() => expect(page.of("reactions")).toEqual([{ type: "reactions", targetType: "reply", targetId: reply.id, reactions: [{ key: "celebrate", count: 1, mine: false }] }]));
    await api(tenant, alice.cookie).del(`/api/v1/groups/feed/replies/${reply.id}`);
    await vi.waitFor(() => expect(page.of("removed")).toEqual([{ type: "removed", targetType: "reply", targetId: reply.id, threadId: thread.id }]));
    page.ws.close();
  });

  it("closes the sockets of a member who is removed from the group", async () => {
    const { tenant, alice } = await withAlice("bye");
    const a = await connect(tenant, "bye", alice.cookie);
    expect((await call(tenant.host, "DELETE", `/api/v1/groups/bye/members/${alice.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    await vi.waitFor(() => expect(a.closed).toEqual([4403]));
    expect((await call(tenant.host, "GET", "/api/v1/groups/bye/chat", { cookie: alice.cookie, headers: { upgrade: "websocket" } })).status).toBe(403);
  });

  it("tells a page that connects what changed in the last seconds (its render may come from a copy a second old)", async () => {
    const { tenant, alice } = await withAlice("fresh");
    // The group page is rendered (and kept a moment in this isolate) before anything happens.
    expect(await (await call(tenant.host, "GET", "/g/fresh", { cookie: alice.cookie })).text()).not.toContain("Brand new");
    const thread = await newThread(tenant, "fresh", alice.cookie, "Brand new");
    const gone = await newThread(tenant, "fresh", alice.cookie, "Soon gone");
    // A write forgets the copy: the next render has both threads; a removal shows at once too.
    expect(await (await call(tenant.host, "GET", "/g/fresh", { cookie: alice.cookie })).text()).toContain("Soon gone");
    expect((await api(tenant, alice.cookie).del(`/api/v1/groups/fresh/threads/${gone.id}`)).status).toBe(204);
    expect(await (await call(tenant.host, "GET", "/g/fresh", { cookie: alice.cookie })).text()).not.toContain("Soon gone");
    const page = await connect(tenant, "fresh", tenant.owner.cookie);
    await vi.waitFor(() => expect(page.of("removed")).toEqual([{ type: "removed", targetType: "thread", targetId: gone.id, threadId: gone.id }]));
    expect(page.of("thread").map((e) => e.thread.id)).toEqual([thread.id]);
    page.ws.close();
  });
});
