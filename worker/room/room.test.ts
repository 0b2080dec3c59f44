import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeGroup, makeTenant, membershipRows, signUpMember } from "../test/helpers";
import { collectSocket } from "../test/sockets";
import { membershipWriter } from "./membership-writer";
import type { ApplicantEvent, RoomEvent } from "./protocol";
import { groupRoom, type GroupRoom } from "./room";

// The room on its own, through its RPC surface and sockets (no HTTP in front): what it
// keeps in storage and in its sockets must survive an eviction, whichever of its parts
// (join queue, notice queue, connections, discussion store) holds it.

afterEach(() => vi.restoreAllMocks());

type Room = ReturnType<typeof groupRoom>;

/** A socket opened on the room itself, as the Worker opens it once it has checked who connects. */
async function open<E>(room: Room, channel: "chat" | "applicant" | "queue", headers: Record<string, string>) {
  const res = await room.fetch(`https://room/socket?channel=${channel}`, { headers: { upgrade: "websocket", ...headers } });
  expect(res.status).toBe(101);
  return collectSocket<E>(res);
}

const chat = (room: Room, userId: string, name: string, lang: string) => open<RoomEvent>(room, "chat", { "x-user-id": userId, "x-user-name": encodeURIComponent(name), "x-lang": lang });
const scopeOf = (tenantId: string, groupId: string) => ({ tenantId, groupId });

/** A group's room, woken once by a read (which seeds its levels), with its scope. */
async function seededRoom(slug: string) {
  const tenant = await makeTenant();
  const g = await makeGroup(tenant, { slug, joinPolicy: "approval" });
  const room = groupRoom(env, tenant.id, g.id);
  const s = scopeOf(tenant.id, g.id);
  await room.listThreads(s, "", 1, null);
  return { tenant, g, room, s };
}

describe("GroupRoom across evictions", () => {
  it("a join request queued before an eviction is approved after it: the membership lands once and the waiting page hears it", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { slug: "patient", joinPolicy: "approval" });
    const applicant = await signUpMember(tenant, "waiting@example.org", "Wanda Waiting");
    const room = groupRoom(env, tenant.id, g.id);

    const { request, created } = await room.submitJoinRequest(tenant.id, g.id, { id: applicant.id, name: "Wanda Waiting", email: "waiting@example.org" }, []);
    expect(created).toBe(true);
    const waiting = await open<ApplicantEvent>(room, "applicant", { "x-user-id": applicant.id });
    await evictDurableObject(room);

    // The request is in the room's storage, not in its memory.
    await runInDurableObject(room, (_instance: GroupRoom, state) => {
      const rows = state.storage.sql.exec<{ id: string; status: string }>("select id, status from join_requests").toArray();
      expect(rows).toEqual([{ id: request.id, status: "pending" }]);
    });
    expect((await room.pendingFor(applicant.id))?.id).toBe(request.id);

    const decided = await room.decide(tenant.id, g.id, request.id, "approve", tenant.owner.email);
    expect(decided?.applied).toBe(true);
    expect(await membershipRows(tenant.id, g.id, applicant.id)).toHaveLength(1);
    expect(await room.owedWrites()).toBe(0);
    // The socket opened before the eviction was found again by its tag.
    await vi.waitFor(() => expect(waiting.events).toEqual([{ type: "decided", status: "approved" }]));

    // Deciding again answers the first decision and writes nothing more.
    expect((await room.decide(tenant.id, g.id, request.id, "approve", tenant.owner.email))?.applied).toBe(false);
    expect(await membershipRows(tenant.id, g.id, applicant.id)).toHaveLength(1);
    waiting.ws.close();
  });

  it("one alarm serves both queues: a failed membership write brings it forward, an eviction keeps it, and it clears both", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { slug: "both", joinPolicy: "approval" });
    const applicant = await signUpMember(tenant, "both@example.org", "Bo Both");
    const room = groupRoom(env, tenant.id, g.id);

    const { request } = await room.submitJoinRequest(tenant.id, g.id, { id: applicant.id, name: "Bo Both", email: "both@example.org" }, []);
    // The notice of the request waits for its batch: the alarm is set about two minutes ahead.
    const noticeAlarm = await runInDurableObject(room, (_i: GroupRoom, state) => state.storage.getAlarm());
    expect(noticeAlarm).toBeGreaterThan(Date.now() + 60_000);

    vi.spyOn(membershipWriter, "write").mockRejectedValueOnce(new Error("D1_ERROR: database is unavailable"));
    await room.decide(tenant.id, g.id, request.id, "approve", tenant.owner.email);
    expect(await room.owedWrites()).toBe(1);
    // The write is retried in about a second: the one alarm moved earlier.
    const retryAlarm = await runInDurableObject(room, (_i: GroupRoom, state) => state.storage.getAlarm());
    expect(retryAlarm).toBeLessThan(noticeAlarm!);

    await evictDurableObject(room);
    expect(await room.pendingNotices()).toBe(1);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await membershipRows(tenant.id, g.id, applicant.id)).toHaveLength(1);
    expect(await room.owedWrites()).toBe(0);
    expect(await room.pendingNotices()).toBe(0);
    // Nothing owed any more: no alarm is left to wake the room for nothing.
    expect(await runInDurableObject(room, (_i: GroupRoom, state) => state.storage.getAlarm())).toBeNull();
  });

  it("socket state is rebuilt from the sockets after an eviction: presence, each socket's language, closing one user's sockets", async () => {
    const { room, s } = await seededRoom("presence");

    const anna = await chat(room, "u-anna", "Anna", "en");
    const bruno = await chat(room, "u-bruno", "Bruno", "fr");
    await vi.waitFor(() => expect(anna.events.some((e) => e.type === "online")).toBe(true));
    await evictDurableObject(room);

    // Presence is read from the sockets' attachments, not from memory.
    expect(await room.online()).toEqual([
      { userId: "u-anna", name: "Anna" },
      { userId: "u-bruno", name: "Bruno" },
    ]);
    await runInDurableObject(room, (_i: GroupRoom, state) => {
      const tags = state.getWebSockets("chat").map((ws) => state.getTags(ws).sort());
      expect(tags).toEqual(
        expect.arrayContaining([
          ["chat", "lang:en", "user:u-anna"],
          ["chat", "lang:fr", "user:u-bruno"],
        ]),
      );
    });

    // Each socket still reads the seeded level names in its own language.
    const posted = await room.postMessage(s, { userId: "u-carla", name: "Carla", moderator: false }, "bonjour");
    expect(posted.ok).toBe(true);
    await vi.waitFor(() => {
      expect(anna.events.find((e) => e.type === "message")).toMatchObject({ message: { text: "bonjour", level: { name: "Newcomer" } } });
      expect(bruno.events.find((e) => e.type === "message")).toMatchObject({ message: { text: "bonjour", level: { name: "Nouveau venu" } } });
    });

    // Closing one user's sockets after another eviction: they are closed, the others hear it.
    await evictDurableObject(room);
    await room.disconnect("u-anna");
    await vi.waitFor(() => expect(anna.closed).toEqual([4403]));
    await vi.waitFor(() => expect(bruno.events).toContainEqual({ type: "offline", userId: "u-anna" }));
    expect(await room.online()).toEqual([{ userId: "u-bruno", name: "Bruno" }]);
    bruno.ws.close();
  });

  it("a message is in the discussion store before any socket hears of it, over the socket and through the API", async () => {
    const { room, s } = await seededRoom("stored");

    const sender = await chat(room, "u-sam", "Sam", "en");
    const listener = await chat(room, "u-lou", "Lou", "en");
    await evictDurableObject(room);

    const storedAtDelivery: Promise<boolean>[] = [];
    listener.ws.addEventListener("message", (e) => {
      const event = JSON.parse(String(e.data)) as RoomEvent;
      if (event.type !== "message") return;
      storedAtDelivery.push(runInDurableObject(room, (instance: GroupRoom) => instance.discussions.messagesSince(null, 10).some((m) => m.id === event.message.id)));
    });
    sender.ws.send(JSON.stringify({ type: "message", text: "over the socket", nonce: "n-1" }));
    await vi.waitFor(() => expect(storedAtDelivery).toHaveLength(1));
    expect(await room.postMessage(s, { userId: "u-sam", name: "Sam", moderator: false }, "through the API")).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(storedAtDelivery).toHaveLength(2));
    expect(await Promise.all(storedAtDelivery)).toEqual([true, true]);
    // The sender's own copy comes back with its nonce.
    await vi.waitFor(() => expect(sender.events.find((e) => e.type === "message")).toMatchObject({ nonce: "n-1", message: { text: "over the socket" } }));
    sender.ws.close();
    listener.ws.close();
  });
});
