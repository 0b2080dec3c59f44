import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pageOf } from "../groups/answers";
import { answerOf } from "../test/answer-shape";
import { call, groupMember, makeGroup, makeTenant, setGroupRole } from "../test/helpers";
import {
  activityAnswer,
  gamificationAnswer,
  leaderboardAnswer,
  mentionAnswer,
  messageAnswer,
  muteAnswer,
  onlineMemberAnswer,
  reactionAnswer,
  replyAnswer,
  reportAnswer,
  threadAnswer,
  threadWithRepliesAnswer,
} from "./answers";

// The documented answers of the discussions API (answers.ts) parsed against what the routes really answer.
describe("discussions API answers match their documented schemas", () => {
  it("threads, replies, reactions, chat, reports, moderation, mutes, activity and levels", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "talk", joinPolicy: "open" });
    const alice = await groupMember(tenant, "talk", "alice@example.org", "Alice");
    const bob = await groupMember(tenant, "talk", "bob@example.org", "Bob");
    const mod = await groupMember(tenant, "talk", "mod@example.org", "Mona");
    await setGroupRole(tenant, "talk", mod.id, "moderator");
    const as = (cookie: string) => ({
      send: (method: string, path: string, json?: unknown) => call(tenant.host, method, `/api/v1/groups/talk${path}`, { cookie, ...(json === undefined ? {} : { json }) }),
    });
    const a = as(alice.cookie);
    const b = as(bob.cookie);
    const m = as(mod.cookie);
    const owner = as(tenant.owner.cookie);

    const { thread } = await answerOf(await a.send("POST", "/threads", { title: "Hello", body: "Hi **all**, @Bob" }), 201, z.object({ thread: threadAnswer }));
    const { reply } = await answerOf(await b.send("POST", `/threads/${thread.id}/replies`, { body: "Hi Alice" }), 201, z.object({ reply: replyAnswer }));
    await answerOf(await a.send("PATCH", `/threads/${thread.id}`, { title: "Hello there" }), 200, z.object({ thread: threadAnswer }));
    await answerOf(await b.send("PATCH", `/replies/${reply.id}`, { body: "Hi Alice!" }), 200, z.object({ reply: replyAnswer }));
    const reacted = await answerOf(await b.send("PUT", `/reactions/thread/${thread.id}/like`), 200, z.object({ reactions: z.array(reactionAnswer) }));
    expect(reacted.reactions).toEqual([{ key: "like", count: 1, mine: true }]);
    await answerOf(await a.send("PUT", `/reactions/reply/${reply.id}/love`), 200, z.object({ reactions: z.array(reactionAnswer) }));
    await answerOf(await b.send("DELETE", `/reactions/thread/${thread.id}/like`), 200, z.object({ reactions: z.array(reactionAnswer) }));
    await answerOf(await m.send("POST", `/threads/${thread.id}/pin`, { pinned: true }), 200, z.object({ thread: threadAnswer }));

    const threads = await answerOf(await a.send("GET", "/threads"), 200, pageOf(threadAnswer));
    expect(threads.items[0]).toMatchObject({ id: thread.id, pinned: true, replyCount: 1 });
    const read = await answerOf(await a.send("GET", `/threads/${thread.id}`), 200, threadWithRepliesAnswer);
    expect(read.replies[0]!.reactions).toEqual([{ key: "love", count: 1, mine: true }]);
    const mentions = await answerOf(await a.send("GET", "/mentions?q=bo"), 200, z.object({ items: z.array(mentionAnswer) }));
    expect(mentions.items.map((x) => x.name)).toEqual(["Bob"]);

    const { message } = await answerOf(await a.send("POST", "/messages", { text: "Hello chat" }), 201, z.object({ message: messageAnswer }));
    await answerOf(await b.send("POST", "/messages", { text: "Hi" }), 201, z.object({ message: messageAnswer }));
    const history = await answerOf(await a.send("GET", "/messages?limit=1"), 200, pageOf(messageAnswer));
    expect(history.nextCursor).not.toBeNull();
    await answerOf(await a.send("GET", `/messages?before=${history.nextCursor}`), 200, pageOf(messageAnswer));
    await answerOf(await a.send("GET", "/online"), 200, pageOf(onlineMemberAnswer));

    const { report } = await answerOf(await b.send("POST", "/reports", { targetType: "message", targetId: message.id, reason: "Off topic" }), 201, z.object({ report: reportAnswer }));
    await answerOf(await b.send("POST", "/reports", { targetType: "thread", targetId: thread.id, reason: "Spam" }), 201, z.object({ report: reportAnswer }));
    const reports = await answerOf(await m.send("GET", "/reports?status=all"), 200, pageOf(reportAnswer));
    expect(reports.items).toHaveLength(2);
    const dismissed = await answerOf(await m.send("POST", `/reports/${report.id}/dismiss`), 200, z.object({ report: reportAnswer }));
    expect(dismissed.report.status).toBe("dismissed");
    expect((await m.send("POST", "/moderation/hide", { targetType: "reply", targetId: reply.id })).status).toBe(204);
    expect((await m.send("POST", "/moderation/unhide", { targetType: "reply", targetId: reply.id })).status).toBe(204);
    expect((await m.send("POST", "/moderation/delete", { targetType: "message", targetId: message.id })).status).toBe(204);

    const { mute } = await answerOf(await m.send("POST", "/mutes", { userId: bob.id, minutes: 60, reason: "Cool down" }), 201, z.object({ mute: muteAnswer }));
    expect(mute).toMatchObject({ userId: bob.id, name: "Bob", reason: "Cool down", mutedBy: mod.id });
    const mutes = await answerOf(await m.send("GET", "/mutes"), 200, pageOf(muteAnswer));
    expect(mutes.items.map((x) => x.userId)).toEqual([bob.id]);
    expect((await m.send("DELETE", `/mutes/${bob.id}`)).status).toBe(204);

    const activity = await answerOf(await owner.send("GET", "/activity?days=7"), 200, activityAnswer);
    expect(activity.days).toHaveLength(7);
    expect(activity.mostActive.length).toBeGreaterThan(0);
    const levels = await answerOf(await a.send("GET", "/gamification"), 200, gamificationAnswer);
    await answerOf(
      await owner.send("PUT", "/gamification", { points: levels.points, levels: [{ name: "Seed", minPoints: 0, badge: "🌱" }, { name: "Tree", minPoints: 10 }] }),
      200,
      gamificationAnswer,
    );
    const board = await answerOf(await a.send("GET", "/leaderboard"), 200, leaderboardAnswer);
    expect(board.items[0]).toMatchObject({ rank: 1, level: { name: "Seed", badge: "🌱" } });

    expect((await b.send("DELETE", `/replies/${reply.id}`)).status).toBe(204);
    expect((await a.send("DELETE", `/threads/${thread.id}`)).status).toBe(204);
  });
});
