import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { groupRoom, type GroupRoom } from "../room/room";
import type { ThreadView } from "../room/protocol";
import { call, getPage, joinGroup, makeGroup, makeTenant, postForm, signUpMember } from "../test/helpers";
import { XSS_CORPUS } from "./xss-corpus";

async function setup() {
  const tenant = await makeTenant();
  await makeGroup(tenant, { name: "Makers", slug: "makers", joinPolicy: "open" });
  const alice = await signUpMember(tenant, "alice@makers.example", "Alice");
  await joinGroup(tenant, "makers", alice.cookie);
  return { tenant, alice };
}

/**
 * Walks every element of a page with the runtime's HTML parser: no event handler
 * attribute, no script but the app's own (module files under /assets or JSON data),
 * no javascript:/data:/vbscript: URL, no style attribute carrying a URL.
 */
async function assertNoInjection(res: Response): Promise<string> {
  const problems: string[] = [];
  const rewritten = new HTMLRewriter()
    .on("*", {
      element(el) {
        // The runtime's Element (not the DOM's) iterates [name, value] pairs.
        for (const [name, value] of el.attributes as unknown as Iterable<[string, string]>) {
          if (/^on/i.test(name)) problems.push(`<${el.tagName} ${name}>`);
          if (["href", "src", "action", "formaction", "xlink:href"].includes(name.toLowerCase()) && /^\s*(javascript|data|vbscript):/i.test(value.replace(/[\u0000-\u0020]/g, ""))) problems.push(`<${el.tagName} ${name}=${value}>`);
          if (name === "style" && /url\(|expression\(/i.test(value)) problems.push(`<${el.tagName} style=${value}>`);
        }
        if (el.tagName === "script" && !(el.getAttribute("src")?.startsWith("/assets/") || el.getAttribute("type") === "application/json")) problems.push("inline <script>");
        // The app draws its own inline SVG icons and charts; what a post could smuggle in is caught by the attribute checks.
        if (["iframe", "object", "embed", "frame", "base", "meta", "link"].includes(el.tagName) && !(el.tagName === "meta" || (el.tagName === "link" && el.getAttribute("href")?.startsWith("/assets/")))) problems.push(`<${el.tagName}>`);
        if (el.tagName === "img" && !el.getAttribute("src")?.startsWith("/media/")) problems.push(`<img src=${el.getAttribute("src")}>`);
        if (el.tagName === "form") {
          const action = el.getAttribute("action") ?? "";
          if (action && !action.startsWith("/")) problems.push(`<form action=${action}>`);
        }
      },
    })
    .transform(res);
  const html = await rewritten.text();
  expect(problems).toEqual([]);
  return html;
}

describe("group discussion pages", () => {
  it("shows members the discussions, the chat and who is online; visitors and non-members see none of it", async () => {
    const { tenant, alice } = await setup();
    await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie: alice.cookie, json: { title: "Members only topic", body: "secret plans" } });
    const memberPage = await (await getPage(tenant, "/g/makers", alice.cookie)).text();
    expect(memberPage).toContain("Members only topic");
    expect(memberPage).toContain('data-island="Chat"');
    expect(memberPage).toContain('data-island="LiveThreads"');
    expect(memberPage).toContain('action="/g/makers/threads"');

    // More than a page of discussions: without JavaScript, "more" leads to the next ones.
    // (Written into the room directly: members may only post five at once.)
    const groupId = ((await (await call(tenant.host, "GET", "/api/v1/groups/makers", { cookie: alice.cookie })).json()) as { id: string }).id;
    await runInDurableObject(groupRoom(env, tenant.id, groupId), (room: GroupRoom) => {
      for (let i = 0; i < 21; i++) room.discussions.createThread({ userId: alice.id, name: "Alice", moderator: false }, `Topic number ${i}`, { source: "b", html: "<p>b</p>", excerpt: "b", mentions: [] }, Date.now() + i + 1);
    });
    // A write through the API forgets the page's copy; this test wrote behind its back.
    await call(tenant.host, "POST", "/api/v1/groups/makers/messages", { cookie: alice.cookie, json: { text: "refresh" } });
    const first = await (await getPage(tenant, "/g/makers", alice.cookie)).text();
    const more = /href="\/g\/makers\?cursor=([^"]+)"/.exec(first);
    expect(more).not.toBeNull();
    expect(first).toContain("Topic number 20");
    expect(first).not.toContain("Members only topic");
    const second = await (await getPage(tenant, `/g/makers?cursor=${more![1]}`, alice.cookie)).text();
    expect(second).toContain("Members only topic");
    expect(second).not.toContain("Topic number 20");

    const visitor = await (await getPage(tenant, "/g/makers")).text();
    const outsider = await signUpMember(tenant, "out@makers.example", "Otto");
    const stranger = await (await getPage(tenant, "/g/makers", outsider.cookie)).text();
    for (const html of [visitor, stranger]) {
      expect(html).not.toContain("Members only topic");
      expect(html).not.toContain('data-island="Chat"');
    }
    // The discussion pages send visitors to log in, non-members to the group page.
    expect((await getPage(tenant, "/g/makers/chat")).headers.get("location")).toBe("/login?next=%2Fg%2Fmakers%2Fchat");
    expect((await getPage(tenant, "/g/makers/chat", outsider.cookie)).headers.get("location")).toBe("/g/makers");
  });

  it("posts a thread and a reply without JavaScript, and shows errors with what was typed", async () => {
    const { tenant, alice } = await setup();
    const bad = await postForm(tenant, "/g/makers/threads", alice.cookie, { title: "", body: "kept text" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("kept text");
    expect(badHtml).toContain("Ce champ est obligatoire."); // the tenant speaks French by default

    const created = await postForm(tenant, "/g/makers/threads", alice.cookie, { title: "Laser cutter", body: "Who can **train** me?" });
    expect(created.status).toBe(303);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/g\/makers\/t\/[0-9a-f]+$/);
    const threadId = location.split("/").pop()!;
    const thread = await (await getPage(tenant, location, alice.cookie)).text();
    expect(thread).toContain("Laser cutter");
    expect(thread).toContain("<strong>train</strong>");

    const replied = await postForm(tenant, `${location}/replies`, tenant.owner.cookie, { body: "Me, on Friday" });
    expect(replied.status).toBe(303);
    expect(replied.headers.get("location")).toMatch(new RegExp(`^/g/makers/t/${threadId}#reply-[0-9a-f]+$`));
    expect(await (await getPage(tenant, location, alice.cookie)).text()).toContain("Me, on Friday");

    const emptyReply = await postForm(tenant, `${location}/replies`, alice.cookie, { body: " " });
    expect(emptyReply.status).toBe(422);

    // Reactions toggle; editing is the author's.
    expect((await postForm(tenant, "/g/makers/react", tenant.owner.cookie, { targetType: "thread", targetId: threadId, key: "like", back: location })).headers.get("location")).toBe(location);
    let api = (await (await call(tenant.host, "GET", `/api/v1/groups/makers/threads/${threadId}`, { cookie: alice.cookie })).json()) as { thread: ThreadView };
    expect(api.thread.reactions).toEqual([{ key: "like", count: 1, mine: false }]);
    await postForm(tenant, "/g/makers/react", tenant.owner.cookie, { targetType: "thread", targetId: threadId, key: "like", back: "https://evil.example/" });
    api = (await (await call(tenant.host, "GET", `/api/v1/groups/makers/threads/${threadId}`, { cookie: alice.cookie })).json()) as { thread: ThreadView };
    expect(api.thread.reactions).toEqual([]);

    expect((await postForm(tenant, `${location}/edit`, tenant.owner.cookie, { title: "Mine now", body: "x" })).status).toBe(403);
    expect((await postForm(tenant, `${location}/edit`, alice.cookie, { title: "Laser cutter training", body: "Updated" })).status).toBe(303);
    expect(await (await getPage(tenant, `${location}?edit=thread`, alice.cookie)).text()).toContain("Laser cutter training");
    const deleted = await postForm(tenant, `${location}/delete`, alice.cookie, {});
    expect(deleted.headers.get("location")).toBe("/g/makers?done=thread_deleted");
    expect((await getPage(tenant, location, alice.cookie)).status).toBe(404);
  });

  it("lets members report and moderators hide, dismiss and mute from the moderation page", async () => {
    const { tenant, alice } = await setup();
    const { thread } = (await (await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie: alice.cookie, json: { title: "Buy cheap watches", body: "spam spam" } })).json()) as { thread: ThreadView };
    const reported = await postForm(tenant, "/g/makers/report", tenant.owner.cookie, { targetType: "thread", targetId: thread.id, reason: "Spam", back: `/g/makers/t/${thread.id}` });
    expect(reported.headers.get("location")).toBe(`/g/makers/t/${thread.id}?done=reported`);
    const again = await postForm(tenant, "/g/makers/report", tenant.owner.cookie, { targetType: "thread", targetId: thread.id, reason: "Spam", back: `/g/makers/t/${thread.id}` });
    expect(again.headers.get("location")).toBe(`/g/makers/t/${thread.id}?done=already_reported`);

    // Members do not see the queue.
    expect((await getPage(tenant, "/g/makers/moderation", alice.cookie)).status).toBe(403);
    const queue = await (await getPage(tenant, "/g/makers/moderation", tenant.owner.cookie)).text();
    expect(queue).toContain("spam spam");
    expect(queue).toContain("Spam");

    const hidden = await postForm(tenant, "/g/makers/moderation/hide", tenant.owner.cookie, { targetType: "thread", targetId: thread.id, back: `/g/makers/t/${thread.id}` });
    expect(hidden.headers.get("location")).toBe("/g/makers?done=hidden");
    expect(await (await getPage(tenant, "/g/makers", alice.cookie)).text()).not.toContain("Buy cheap watches");

    const muted = await postForm(tenant, "/g/makers/mutes", tenant.owner.cookie, { userId: alice.id, minutes: "60", reason: "spam" });
    expect(muted.headers.get("location")).toBe("/g/makers/moderation?done=muted");
    const blocked = await postForm(tenant, "/g/makers/threads", alice.cookie, { title: "Again", body: "more" });
    expect(blocked.status).toBe(403);
    expect(await (await getPage(tenant, "/g/makers/moderation", tenant.owner.cookie)).text()).toContain("Alice");
    expect((await postForm(tenant, `/g/makers/mutes/${alice.id}/delete`, tenant.owner.cookie, {})).headers.get("location")).toBe("/g/makers/moderation?done=unmuted");
    expect((await postForm(tenant, "/g/makers/threads", alice.cookie, { title: "Again", body: "more" })).status).toBe(303);
  });

  it("renders the chat page, the leaderboard and the admins' activity and levels pages", async () => {
    const { tenant, alice } = await setup();
    await call(tenant.host, "POST", "/api/v1/groups/makers/messages", { cookie: alice.cookie, json: { text: "hello <b>everyone</b>" } });
    const chat = await (await getPage(tenant, "/g/makers/chat", alice.cookie)).text();
    expect(chat).toContain("hello &lt;b>everyone&lt;/b>"); // text, escaped
    await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie: alice.cookie, json: { title: "Points", body: "p" } });
    const board = await (await getPage(tenant, "/g/makers/leaderboard", alice.cookie)).text();
    expect(board).toContain("Alice");

    expect((await getPage(tenant, "/admin/groups/makers/activity", alice.cookie)).status).toBe(403);
    expect((await getPage(tenant, "/admin/groups/makers/activity?days=7", tenant.owner.cookie)).status).toBe(200);
    expect((await getPage(tenant, "/admin/groups/makers/levels", tenant.owner.cookie)).status).toBe(200);
    const invalid = await postForm(tenant, "/admin/groups/makers/levels", tenant.owner.cookie, {
      points_thread: "5", points_reply: "2", points_reaction: "1", level_name_0: "Seed", level_min_0: "10",
    });
    expect(invalid.status).toBe(422);
    const saved = await postForm(tenant, "/admin/groups/makers/levels", tenant.owner.cookie, {
      points_thread: "5", points_reply: "2", points_reaction: "1", level_name_0: "Seed", level_min_0: "0", level_name_1: "Sprout", level_min_1: "5", level_badge_1: "🌱",
    });
    expect(saved.headers.get("location")).toBe("/admin/groups/makers/levels?done=saved");
    const levels = (await (await call(tenant.host, "GET", "/api/v1/groups/makers/gamification", { cookie: alice.cookie })).json()) as { levels: { name: string; badge: string | null }[] };
    expect(levels.levels.map((l) => [l.name, l.badge])).toEqual([["Seed", null], ["Sprout", "🌱"]]);
    expect(await (await getPage(tenant, "/g/makers", alice.cookie)).text()).toContain("🌱");
  });

  it("never lets the XSS corpus reach a page as markup: group page, thread page, chat page, moderation queue", async () => {
    const { tenant, alice } = await setup();
    const quarter = Math.ceil(XSS_CORPUS.length / 4);
    let threadId = "";
    for (let i = 0; i < XSS_CORPUS.length; i += quarter) {
      const body = XSS_CORPUS.slice(i, i + quarter).join("\n\n");
      const res = await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie: alice.cookie, json: { title: XSS_CORPUS[i]!, body } });
      threadId = ((await res.json()) as { thread: ThreadView }).thread.id;
    }
    for (const text of XSS_CORPUS.slice(0, 5)) await call(tenant.host, "POST", "/api/v1/groups/makers/messages", { cookie: alice.cookie, json: { text } });
    await call(tenant.host, "POST", "/api/v1/groups/makers/reports", { cookie: tenant.owner.cookie, json: { targetType: "thread", targetId: threadId, reason: "<script>alert(1)</script>" } });
    for (const path of ["/g/makers", `/g/makers/t/${threadId}`, "/g/makers/chat", "/g/makers/moderation", "/g/makers/leaderboard"]) {
      const res = await getPage(tenant, path, tenant.owner.cookie);
      expect(res.status, path).toBe(200);
      await assertNoInjection(res);
    }
  });
});
