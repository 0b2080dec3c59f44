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
  .get("/members", async (c) => {
    const tenant = requireTenant(c);
    assertAdministers(memberActor(c));
    const { limit, cursor } = pageParams(c);
    const rawStatus = c.req.query("status");
    const status = rawStatus ? parseWith(memberStatusSchema.optional(), rawStatus) : undefined;
    const q = searchParam(c);
    const { items, nextCursor } = await listMembers(tenantDb(c.env, tenant), { status, q, limit, cursor });
    return c.json({ items, nextCursor });
  })
  .post("/members/:userId/approve", async (c) => {
    const tenant = requireTenant(c);
    const member = await approveMember(tenantDb(c.env, tenant), tenant, memberActor(c), userIdOf(c), { base: requestOrigin(c) });
    deliverSoon(c);
    return c.json({ member });
  })
  .post("/members/:userId/decline", async (c) => {
    const tenant = requireTenant(c);
    const member = await declineMember(tenantDb(c.env, tenant), tenant, memberActor(c), userIdOf(c), { base: requestOrigin(c) });
    deliverSoon(c);
    return c.json({ member });
  })
  .patch("/members/:userId", administrator.check(), json(changeRoleSchema), async (c) => {
    const { tenant, actor } = administrator.of(c);
    return c.json({ member: await changeMemberRole(tenantDb(c.env, tenant), actor, userIdOf(c), c.req.valid("json").tenantRole) });
  })
  .post("/members/:userId/suspend", async (c) => {
    const tenant = requireTenant(c);
    return c.json({ member: await suspendMember(c.env, tenantDb(c.env, tenant), memberActor(c), userIdOf(c)) });
  })
  .post("/members/:userId/unsuspend", async (c) => {
    const tenant = requireTenant(c);
    return c.json({ member: await unsuspendMember(tenantDb(c.env, tenant), memberActor(c), userIdOf(c)) });
  })
  .delete("/members/:userId", async (c) => {
    const tenant = requireTenant(c);
    const deletePosts = ["1", "true"].includes(c.req.query("deletePosts") ?? "");
    await removeMember(c.env, tenantDb(c.env, tenant), tenant, memberActor(c), userIdOf(c), { deletePosts });
    return c.body(null, 204);
  })
  .delete("/me", signedIn, json(deleteMeSchema), async (c) => {
    const tenant = requireTenant(c);
    await deleteOwnAccount(c.env, tenantDb(c.env, tenant), tenant, requireUser(c), c.req.valid("json").password);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
