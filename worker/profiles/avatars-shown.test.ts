import { describe, expect, it, vi } from "vitest";
import type { MessageView, ThreadView } from "../../web/pages/discussions/types";
import { call, joinGroup, makeGroup, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { png } from "../test/images";

/** The shared avatar as a picture: `<img class="avatar … avatar-img" src="/media/…/users/{id}/avatar…">`. */
const photoOf = (userId: string) => new RegExp(`<img class="avatar[^"]*avatar-img" src="/media/tenants/[^"]+/users/${userId}/avatar[^"]*"`);
/** The shared avatar as initials. */
const initialsOf = (letters: string) => new RegExp(`<span class="avatar[^"]*" aria-hidden="true">${letters}</span>`);

async function page(tenant: TestTenant, path: string, cookie: string): Promise<string> {
  const res = await call(tenant.host, "GET", path, { cookie });
  expect(res.status, path).toBe(200);
  return res.text();
}

/** A group where Pia has uploaded a picture and Ned has not; both wrote a thread, a reply and chat messages. */
async function scene() {
  const tenant = await makeTenant();
  await makeGroup(tenant, { name: "Crew", slug: "crew", joinPolicy: "open" });
  const pia = await signUpMember(tenant, "pia@photo.example", "Pia Photo");
  const ned = await signUpMember(tenant, "ned@plain.example", "Ned Initials");
  const up = await call(tenant.host, "PUT", "/api/v1/me/avatar", { cookie: pia.cookie, body: png(16, 16), headers: { "content-type": "image/png" } });
  expect(up.status).toBe(200);
  for (const m of [pia, ned]) await joinGroup(tenant, "crew", m.cookie);
  const res = await call(tenant.host, "POST", "/api/v1/groups/crew/threads", { cookie: pia.cookie, json: { title: "Sortie vélo", body: "Qui vient ?" } });
  expect(res.status).toBe(201);
  const thread = ((await res.json()) as { thread: ThreadView }).thread;
  expect((await call(tenant.host, "POST", `/api/v1/groups/crew/threads/${thread.id}/replies`, { cookie: ned.cookie, json: { body: "Moi !" } })).status).toBe(201);
  for (const [m, text] of [[pia, "Bonjour"], [ned, "Salut"]] as const) {
    expect((await call(tenant.host, "POST", "/api/v1/groups/crew/messages", { cookie: m.cookie, json: { text } })).status).toBeLessThan(300);
  }
  return { tenant, pia, ned, thread };
}

describe("a member's uploaded picture is shown wherever the person is, initials otherwise", () => {
  it("header, group page, thread, chat, group and community admin lists", async () => {
    const { tenant, pia, ned, thread } = await scene();
    // Header: one's own picture, or one's initials.
    expect(await page(tenant, "/", pia.cookie)).toMatch(photoOf(pia.id));
    const nedHome = await page(tenant, "/", ned.cookie);
    expect(nedHome).not.toMatch(/avatar-img/);
    expect(nedHome).toMatch(initialsOf("NI"));

    // Seen by someone else (the owner, who has no picture), on every page that lists them.
    for (const path of ["/g/crew", `/g/crew/t/${thread.id}`, "/g/crew/chat", "/g/crew/leaderboard", "/admin/groups/crew/members", "/admin/members"]) {
      const body = await page(tenant, path, tenant.owner.cookie);
      expect(body, path).toMatch(photoOf(pia.id));
      expect(body, path).toMatch(initialsOf("NI"));
      expect(body, path).not.toMatch(photoOf(ned.id));
    }
  });

  it("the thread and chat APIs carry the author's picture, and so do live chat messages", async () => {
    const { tenant, pia, ned, thread } = await scene();
    const one = (await (await call(tenant.host, "GET", `/api/v1/groups/crew/threads/${thread.id}`, { cookie: ned.cookie })).json()) as { thread: ThreadView; replies: { items: { author: { avatarUrl?: string | null } }[] } | { author: { avatarUrl?: string | null } }[] };
    expect(one.thread.author.avatarUrl).toMatch(new RegExp(`^/media/tenants/.+/users/${pia.id}/avatar`));
    const history = (await (await call(tenant.host, "GET", "/api/v1/groups/crew/messages", { cookie: ned.cookie })).json()) as { items: MessageView[] };
    expect(history.items.find((m) => m.userId === pia.id)?.avatarUrl).toMatch(/^\/media\//);
    expect(history.items.find((m) => m.userId === ned.id)?.avatarUrl ?? null).toBeNull();

    // Ned watches the chat; Pia writes over her own socket.
    const watch = await call(tenant.host, "GET", "/api/v1/groups/crew/chat", { cookie: ned.cookie, headers: { upgrade: "websocket" } });
    expect(watch.status).toBe(101);
    const events: { type: string; message?: MessageView; messages?: MessageView[] }[] = [];
    watch.webSocket!.accept();
    watch.webSocket!.addEventListener("message", (e) => {
      if (typeof e.data === "string" && e.data !== "pong") events.push(JSON.parse(e.data));
    });
    await vi.waitFor(() => expect(events.some((e) => e.type === "history")).toBe(true));
    expect(events.find((e) => e.type === "history")!.messages!.find((m) => m.userId === pia.id)?.avatarUrl).toMatch(/^\/media\//);
    const writer = await call(tenant.host, "GET", "/api/v1/groups/crew/chat", { cookie: pia.cookie, headers: { upgrade: "websocket" } });
    expect(writer.status).toBe(101);
    writer.webSocket!.accept();
    writer.webSocket!.send(JSON.stringify({ type: "message", text: "En direct" }));
    await vi.waitFor(() => expect(events.some((e) => e.type === "message" && e.message?.text === "En direct")).toBe(true));
    expect(events.find((e) => e.type === "message" && e.message?.text === "En direct")!.message!.avatarUrl).toMatch(new RegExp(`^/media/tenants/.+/users/${pia.id}/avatar`));
    watch.webSocket!.close();
    writer.webSocket!.close();
  });

  it("a removed picture goes back to initials in the header and on the member's next post", async () => {
    const { tenant, pia } = await scene();
    expect((await call(tenant.host, "DELETE", "/api/v1/me/avatar", { cookie: pia.cookie })).status).toBe(204);
    const home = await page(tenant, "/", pia.cookie);
    expect(home).not.toMatch(photoOf(pia.id));
    expect(home).toMatch(initialsOf("PP"));
    expect((await call(tenant.host, "POST", "/api/v1/groups/crew/messages", { cookie: pia.cookie, json: { text: "Sans photo" } })).status).toBeLessThan(300);
    const history = (await (await call(tenant.host, "GET", "/api/v1/groups/crew/messages", { cookie: pia.cookie })).json()) as { items: MessageView[] };
    expect(history.items.filter((m) => m.userId === pia.id).every((m) => !m.avatarUrl)).toBe(true);
  });

  it("the join request queue (page and live) and the mention suggestions", async () => {
    const { tenant, pia, ned } = await scene();
    await makeGroup(tenant, { name: "Gate", slug: "gate", joinPolicy: "approval" });
    const live = await call(tenant.host, "GET", "/api/v1/groups/gate/requests/live", { cookie: tenant.owner.cookie, headers: { upgrade: "websocket" } });
    expect(live.status).toBe(101);
    const events: { type: string; request?: { userId: string; avatarUrl?: string | null } }[] = [];
    live.webSocket!.accept();
    live.webSocket!.addEventListener("message", (e) => events.push(JSON.parse(String(e.data))));
    for (const m of [pia, ned]) expect((await call(tenant.host, "POST", "/api/v1/groups/gate/join", { cookie: m.cookie, json: { answers: {} } })).status).toBe(202);
    await vi.waitFor(() => expect(events.filter((e) => e.type === "request")).toHaveLength(2));
    expect(events.find((e) => e.request?.userId === pia.id)!.request!.avatarUrl).toMatch(/^\/media\//);
    expect(events.find((e) => e.request?.userId === ned.id)!.request!.avatarUrl).toBeNull();
    live.webSocket!.close();
    const queue = await page(tenant, "/admin/groups/gate/requests", tenant.owner.cookie);
    expect(queue).toMatch(photoOf(pia.id));
    expect(queue).toMatch(initialsOf("NI"));

    const found = (await (await call(tenant.host, "GET", "/api/v1/groups/crew/mentions?q=", { cookie: tenant.owner.cookie })).json()) as { items: { userId: string; avatarUrl: string | null }[] };
    expect(found.items.find((m) => m.userId === pia.id)?.avatarUrl).toMatch(new RegExp(`^/media/tenants/.+/users/${pia.id}/avatar`));
    expect(found.items.find((m) => m.userId === ned.id)?.avatarUrl).toBeNull();
  });
});
