import { Hono, type Context } from "hono";
import { clearSessionCookie, requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../http/context";
import { requestOrigin, requireTenant } from "../http/context";
import { ApiError } from "../http/errors";
import { pageParams } from "../http/pagination";
import { searchParam } from "../http/search";
import { json, load, parseWith, signedIn } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { doc } from "../openapi/describe";
import { z } from "zod";
import { pageQuery } from "../invoices/answers";
import { memberListAnswer, oneMemberAnswer } from "./answers";
import type { MemberActor } from "./policy";
import {
  approveMember,
  assertAdministers,
  changeMemberRole,
  changeRoleSchema,
  declineMember,
  deleteMeSchema,
  deleteOwnAccount,
  listMembers,
  memberStatusSchema,
  removeMember,
  suspendMember,
  unsuspendMember,
} from "./service";

/** What `GET /members` reads by hand (for the document). */
const membersQuery = pageQuery.extend({
  status: memberStatusSchema.optional().describe("Only accounts in this state (every state without it)."),
  q: z.string().max(100).optional().describe("Words in the name or email, regardless of case and accents."),
});

/** The signed-in person as the members policy sees them. */
export function memberActor(c: Context<AppEnv>): MemberActor {
  const user = requireUser(c);
  return { id: user.id, tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) };
}

const userIdOf = (c: Context<AppEnv>) => {
  const id = c.req.param("userId") ?? "";
  if (id.length > 64) throw new ApiError(404, "not_found", "No such member in this community.");
  return id;
};

/** Before the body is read: a community owner or admin on the community's host. */
const administrator = load((c) => {
  const tenant = requireTenant(c);
  const actor = memberActor(c);
  assertAdministers(actor);
  return { tenant, actor };
});

/** The "Community members" section of the contract. */
export const membersApi = new Hono<AppEnv>()
  .get("/members", doc({ summary: "List the community's accounts (admins)", query: membersQuery, answers: { 200: memberListAnswer }, errors: { 400: ["invalid_cursor"], 403: ["forbidden"], 422: ["validation_failed"] } }), async (c) => {
    const tenant = requireTenant(c);
    assertAdministers(memberActor(c));
    const { limit, cursor } = pageParams(c);
    const rawStatus = c.req.query("status");
    const status = rawStatus ? parseWith(memberStatusSchema.optional(), rawStatus) : undefined;
    const q = searchParam(c);
    const { items, nextCursor } = await listMembers(tenantDb(c.env, tenant), { status, q, limit, cursor });
    return c.json({ items, nextCursor });
  })
  .post("/members/:userId/approve", doc({ summary: "Approve an account waiting for approval (the person is emailed)", answers: { 200: oneMemberAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable", "invalid_state"] } }), async (c) => {
    const tenant = requireTenant(c);
    const member = await approveMember(tenantDb(c.env, tenant), tenant, memberActor(c), userIdOf(c), { base: requestOrigin(c) });
    deliverSoon(c);
    return c.json({ member });
  })
  .post("/members/:userId/decline", doc({ summary: "Decline an account waiting for approval: it is deleted and the person emailed", answers: { 200: oneMemberAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable", "invalid_state"] } }), async (c) => {
    const tenant = requireTenant(c);
    const member = await declineMember(tenantDb(c.env, tenant), tenant, memberActor(c), userIdOf(c), { base: requestOrigin(c) });
    deliverSoon(c);
    return c.json({ member });
  })
  .patch("/members/:userId", doc({ summary: "Change a member's community role", answers: { 200: oneMemberAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable", "invalid_state"] } }), administrator.check(), json(changeRoleSchema), async (c) => {
    const { tenant, actor } = administrator.of(c);
    return c.json({ member: await changeMemberRole(tenantDb(c.env, tenant), actor, userIdOf(c), c.req.valid("json").tenantRole) });
  })
  .post("/members/:userId/suspend", doc({ summary: "Suspend an account: its sessions and sockets end at once", answers: { 200: oneMemberAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable", "invalid_state", "self"] } }), async (c) => {
    const tenant = requireTenant(c);
    return c.json({ member: await suspendMember(c.env, tenantDb(c.env, tenant), memberActor(c), userIdOf(c)) });
  })
  .post("/members/:userId/unsuspend", doc({ summary: "Lift an account's suspension", answers: { 200: oneMemberAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable", "invalid_state"] } }), async (c) => {
    const tenant = requireTenant(c);
    return c.json({ member: await unsuspendMember(tenantDb(c.env, tenant), memberActor(c), userIdOf(c)) });
  })
  .delete("/members/:userId", doc({ summary: "Remove an account from the community (posts stay unless `deletePosts=1`)", query: z.object({ deletePosts: z.enum(["1", "true"]).optional().describe("Also delete the member's posts.") }), answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["owner_immutable", "invalid_state", "self"] } }), async (c) => {
    const tenant = requireTenant(c);
    const deletePosts = ["1", "true"].includes(c.req.query("deletePosts") ?? "");
    await removeMember(c.env, tenantDb(c.env, tenant), tenant, memberActor(c), userIdOf(c), { deletePosts });
    return c.body(null, 204);
  })
  .delete("/me", doc({ summary: "Delete the signed-in member's own account (not the owner's)", answers: { 204: null }, errors: { 403: ["invalid_password"], 404: ["not_found"], 409: ["owner_immutable"], 429: ["rate_limited"] } }), signedIn, json(deleteMeSchema), async (c) => {
    const tenant = requireTenant(c);
    await deleteOwnAccount(c.env, tenantDb(c.env, tenant), tenant, requireUser(c), c.req.valid("json").password);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
