import { Hono } from "hono";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { pageParams } from "../http/pagination";
import { json, load } from "../http/validate";
import { doc } from "../openapi/describe";
import { banAnswer, changedMemberAnswer, groupMemberAnswer, joinedAnswer, joinPendingAnswer, joinRequestAnswer, pageOf, pageQuery } from "./answers";
import { z } from "zod";
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
  .post(
    "/groups/:slug/join",
    doc({
      summary: "Join a group (open) or ask to (approval), answering its questions",
      description:
        "`answers` maps question ids to text; `fields` fills the profile fields the group requires. Joining twice answers the current state. A paid group answers 403 `plan_required` with the plans that open it beside the error (`plans`).",
      answers: { 200: joinedAnswer, 202: joinPendingAnswer },
      errors: {
        403: ["banned", "invite_only", "plan_required", "field_not_editable"],
        404: ["not_found"],
        422: ["validation_failed", "profile_incomplete"],
      },
    }),
    joiner.check(), json(joinSchema), async (c) => {
    const { t, ctx, user } = joiner.of(c);
    const input = c.req.valid("json");
    const result = await joinGroup(c.env, t, ctx, user, input.answers, Date.now(), input.fields);
    return c.json(result, result.status === "pending" ? 202 : 200);
  })
  .post(
    "/groups/:slug/leave",
    doc({ summary: "Leave a group", answers: { 204: null }, errors: { 404: ["not_found"], 409: ["owner_immutable"] } }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    await leaveGroup(c.env, t, ctx, user);
    return c.body(null, 204);
  })
  .get(
    "/groups/:slug/requests",
    doc({
      summary: "List a group's pending join requests with their answers, oldest first",
      answers: { 200: pageOf(joinRequestAnswer) },
      errors: { 400: ["invalid_cursor"], 403: ["forbidden"], 404: ["not_found"], 422: ["validation_failed"] },
      query: pageQuery,
    }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    const { limit, cursor } = pageParams(c);
    const page = await pendingRequests(c.env, t, ctx, limit, cursor);
    return c.json({ items: page.items.map(requestView), nextCursor: page.nextCursor });
  })
  // Live queue for admins: the Worker checks the session and the role before the upgrade reaches the room.
  .get(
    "/groups/:slug/requests/live",
    doc({
      summary: "The live join queue (WebSocket) for a group's admins",
      description:
        "A WebSocket upgrade (101): the socket receives `{type: \"snapshot\", requests}`, then `{type: \"request\", request}` and `{type: \"decided\", id, status}`. Without `Upgrade: websocket` it answers 426 `upgrade_required`.",
      answers: {},
      errors: { 403: ["forbidden"], 404: ["not_found"] },
    }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    assertCan(ctx, "viewRequests");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Open this URL as a WebSocket.");
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-user-id", user.id);
    return groupRoom(c.env, t.tenantId, ctx.group.id).fetch(new Request("https://room/live?channel=queue", { headers }));
  })
  // The applicant's waiting page: told when their own request is decided (signed-in users only, their own request only).
  .get(
    "/groups/:slug/join/live",
    doc({
      summary: "An applicant's live wait for the decision on their join request (WebSocket)",
      description: "A WebSocket upgrade (101): the socket receives `{type: \"decided\", status}` once the request is decided. Without `Upgrade: websocket` it answers 426 `upgrade_required`.",
      answers: {},
      errors: { 404: ["not_found"] },
    }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Open this URL as a WebSocket.");
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-user-id", user.id);
    headers.set("x-member", ctx.actor.groupRole ? "1" : "0");
    return groupRoom(c.env, t.tenantId, ctx.group.id).fetch(new Request("https://room/live?channel=applicant", { headers }));
  })
  .post(
    "/groups/:slug/requests/approve-all",
    doc({ summary: "Approve every pending join request of a group", answers: { 200: z.object({ approved: z.number().int() }) }, errors: { 403: ["forbidden"], 404: ["not_found"] } }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    const approved = await approveAllRequests(c.env, t, ctx, user);
    return c.json({ approved });
  })
  .post(
    "/groups/:slug/requests/:id/approve",
    doc({
      summary: "Approve a join request: the applicant is a member at once",
      answers: { 200: z.object({ request: joinRequestAnswer, status: z.literal("member") }) },
      errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["already_decided"] },
    }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    const request = await decideRequest(c.env, t, ctx, c.req.param("id"), "approve", user);
    return c.json({ request: requestView(request), status: "member" });
  })
  .post(
    "/groups/:slug/requests/:id/reject",
    doc({
      summary: "Reject a join request",
      answers: { 200: z.object({ request: joinRequestAnswer }) },
      errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["already_decided"] },
    }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    const request = await decideRequest(c.env, t, ctx, c.req.param("id"), "reject", user);
    return c.json({ request: requestView(request) });
  })
  .get(
    "/groups/:slug/members",
    doc({
      summary: "List a group's members by role, then name",
      answers: { 200: pageOf(groupMemberAnswer) },
      errors: { 400: ["invalid_cursor"], 403: ["forbidden"], 404: ["not_found"], 422: ["validation_failed"] },
      query: pageQuery,
    }),
    async (c) => {
    const { tenant, t, ctx } = await groupFromRequest(c);
    requireUser(c);
    const { rows, nextCursor } = await listMembers(t, ctx, { ...pageParams(c), today: clockOf(tenant).today });
    const seesEmails = atLeast(ctx.actor, "admin") || (ctx.actor.tenantRole !== "member" && !ctx.actor.viewingAsMember);
    return c.json({
      items: rows.map((r) => ({ userId: r.userId, name: r.name, role: r.role, joinedAt: iso(r.joinedAt), plan: r.plan ?? null, ...(seesEmails ? { email: r.email } : {}) })),
      nextCursor,
    });
  })
  .patch(
    "/groups/:slug/members/:userId",
    doc({
      summary: "Change a member's role in a group",
      answers: { 200: z.object({ member: changedMemberAnswer }) },
      errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable"] },
    }),
    roleChanger.check(), json(roleSchema), async (c) => {
    const { t, ctx } = roleChanger.of(c);
    const member = await changeRole(t, ctx, c.req.param("userId"), c.req.valid("json").role);
    return c.json({ member: { ...member, joinedAt: iso(member.joinedAt) } });
  })
  .delete(
    "/groups/:slug/members/:userId",
    doc({ summary: "Remove a member from a group", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable"] } }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    await removeMember(c.env, t, ctx, c.req.param("userId"));
    return c.body(null, 204);
  })
  .post(
    "/groups/:slug/members/:userId/ban",
    doc({
      summary: "Ban someone from a group (removed, request withdrawn, barred until unbanned)",
      answers: { 204: null },
      errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable"] },
    }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    const user = requireUser(c);
    await banMember(c.env, t, ctx, c.req.param("userId"), user);
    return c.body(null, 204);
  })
  .get(
    "/groups/:slug/bans",
    doc({ summary: "List the people banned from a group", answers: { 200: pageOf(banAnswer) }, errors: { 403: ["forbidden"], 404: ["not_found"] } }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    const rows = await listBans(t, ctx);
    return c.json({ items: rows.map((r) => ({ ...r, bannedAt: iso(r.bannedAt) })), nextCursor: null });
  })
  .delete(
    "/groups/:slug/bans/:userId",
    doc({ summary: "Lift a ban", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"] } }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    await unbanMember(t, ctx, c.req.param("userId"));
    return c.body(null, 204);
  });
