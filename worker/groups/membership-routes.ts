import { Hono } from "hono";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { pageParams } from "../http/pagination";
import { json, load } from "../http/validate";
import { groupAllowing, groupFromRequest } from "./request";
import { assertCan } from "./service";
import { clockOf } from "../memberships/service";
import { atLeast } from "./policy";
import { groupRoom, requestView as roomRequestView, type JoinRequest } from "../room/room";
import {
  approveAllRequests,
  banMember,
  changeRole,
  decideRequest,
  joinGroup,
  joinSchema,
  leaveGroup,
  listBans,
  listMembers,
  pendingRequests,
  removeMember,
  roleSchema,
  unbanMember,
} from "./membership";

export function requestView(r: JoinRequest) {
  return { ...roomRequestView(r), status: r.status };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Before the body is read: the group and the signed-in member. */
const joiner = load(async (c) => {
  const { t, ctx } = await groupFromRequest(c);
  return { t, ctx, user: requireUser(c) };
});

/** Before the body is read: the group, and a signed-in member allowed to change roles in it. */
const roleChanger = load((c) => groupAllowing(c, "changeRole"));

export const membershipApi = new Hono<AppEnv>()
  .post("/groups/:slug/join", joiner.check(), json(joinSchema), async (c) => {
    const { t, ctx, user } = joiner.of(c);
    const input = c.req.valid("json");
    const result = await joinGroup(c.env, t, ctx, user, input.answers, Date.now(), input.fields);
    return c.json(result, result.status === "pending" ? 202 : 200);
  })
  .post("/groups/:slug/leave", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    await leaveGroup(c.env, t, ctx, user);
    return c.body(null, 204);
  })
  .get("/groups/:slug/requests", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    const { limit, cursor } = pageParams(c);
    const page = await pendingRequests(c.env, t, ctx, limit, cursor);
    return c.json({ items: page.items.map(requestView), nextCursor: page.nextCursor });
  })
  // Live queue for admins: the Worker checks the session and the role before the upgrade reaches the room.
  .get("/groups/:slug/requests/live", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    assertCan(ctx, "viewRequests");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Open this URL as a WebSocket.");
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-user-id", user.id);
    return groupRoom(c.env, t.tenantId, ctx.group.id).fetch(new Request("https://room/live?channel=queue", { headers }));
  })
  // The applicant's waiting page: told when their own request is decided (signed-in users only, their own request only).
  .get("/groups/:slug/join/live", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Open this URL as a WebSocket.");
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-user-id", user.id);
    headers.set("x-member", ctx.actor.groupRole ? "1" : "0");
    return groupRoom(c.env, t.tenantId, ctx.group.id).fetch(new Request("https://room/live?channel=applicant", { headers }));
  })
  .post("/groups/:slug/requests/approve-all", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    const approved = await approveAllRequests(c.env, t, ctx, user);
    return c.json({ approved });
  })
  .post("/groups/:slug/requests/:id/approve", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    const request = await decideRequest(c.env, t, ctx, c.req.param("id"), "approve", user);
    return c.json({ request: requestView(request), status: "member" });
  })
  .post("/groups/:slug/requests/:id/reject", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    const request = await decideRequest(c.env, t, ctx, c.req.param("id"), "reject", user);
    return c.json({ request: requestView(request) });
  })
  .get("/groups/:slug/members", async (c) => {
    const { tenant, t, ctx } = await groupFromRequest(c);
    requireUser(c);
    const { rows, nextCursor } = await listMembers(t, ctx, { ...pageParams(c), today: clockOf(tenant).today });
    const seesEmails = atLeast(ctx.actor, "admin") || (ctx.actor.tenantRole !== "member" && !ctx.actor.viewingAsMember);
    return c.json({
      items: rows.map((r) => ({ userId: r.userId, name: r.name, role: r.role, joinedAt: iso(r.joinedAt), plan: r.plan ?? null, ...(seesEmails ? { email: r.email } : {}) })),
      nextCursor,
    });
  })
  .patch("/groups/:slug/members/:userId", roleChanger.check(), json(roleSchema), async (c) => {
    const { t, ctx } = roleChanger.of(c);
    const member = await changeRole(t, ctx, c.req.param("userId"), c.req.valid("json").role);
    return c.json({ member: { ...member, joinedAt: iso(member.joinedAt) } });
  })
  .delete("/groups/:slug/members/:userId", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    await removeMember(c.env, t, ctx, c.req.param("userId"));
    return c.body(null, 204);
  })
  .post("/groups/:slug/members/:userId/ban", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    await banMember(c.env, t, ctx, c.req.param("userId"), user);
    return c.body(null, 204);
  })
  .get("/groups/:slug/bans", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    const rows = await listBans(t, ctx);
    return c.json({ items: rows.map((r) => ({ ...r, bannedAt: iso(r.bannedAt) })), nextCursor: null });
  })
  .delete("/groups/:slug/bans/:userId", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    await unbanMember(t, ctx, c.req.param("userId"));
    return c.body(null, 204);
  });
