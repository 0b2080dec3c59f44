import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { requireUser, setSessionCookie } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { pageParams } from "../http/pagination";
import { jsonBody, parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { viewingAsMember } from "../groups/access";
import { actsAsTenantAdmin } from "../groups/policy";
import { publicUser } from "../auth/service";
import {
  acceptAsExistingUser,
  acceptInvitation,
  acceptSchema,
  invite,
  inviteSchema,
  listInvitations,
  lookupInvitation,
  resendInvitation,
  revokeInvitation,
  type Inviter,
} from "./service";

export function inviterOf(c: Context<AppEnv>): Inviter {
  const user = requireUser(c);
  return { user, actsAsTenantAdmin: actsAsTenantAdmin({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }) };
}

const statusSchema = z.enum(["pending", "accepted", "expired", "revoked"]).optional();

export const invitationsApi = new Hono<AppEnv>()
  .post("/invitations", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const input = await jsonBody(c, inviteSchema);
    const result = await invite(c.env, tenantDb(c.env, tenant), tenant, inviter, input);
    deliverSoon(c);
    return c.json(result);
  })
  .get("/invitations", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const status = parseWith(z.object({ status: statusSchema }), { status: c.req.query("status") || undefined }).status;
    const q = c.req.query("q")?.trim().slice(0, 100);
    const page = await listInvitations(tenantDb(c.env, tenant), { ...(status ? { status } : {}), ...(q ? { q } : {}), ...pageParams(c) }, inviter.actsAsTenantAdmin ? undefined : inviter.user.id);
    return c.json(page);
  })
  .get("/invitations/lookup", async (c) => {
    const tenant = requireTenant(c);
    const { view } = await lookupInvitation(tenantDb(c.env, tenant), tenant, c.req.query("token") ?? "");
    return c.json(view);
  })
  .post("/invitations/accept", async (c) => {
    const tenant = requireTenant(c);
    const input = await jsonBody(c, acceptSchema);
    const { user, sessionToken } = await acceptInvitation(tenantDb(c.env, tenant), input);
    setSessionCookie(c, sessionToken);
    return c.json({ user: publicUser(user) }, 201);
  })
  .post("/invitations/accept-as-me", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const { token } = await jsonBody(c, z.object({ token: z.string().min(1).max(200) }));
    await acceptAsExistingUser(tenantDb(c.env, tenant), token, user);
    return c.json({ user: publicUser(user) });
  })
  .post("/invitations/:id/resend", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const inv = await resendInvitation(c.env, tenantDb(c.env, tenant), tenant, inviter, c.req.param("id"));
    deliverSoon(c);
    return c.json({ id: inv.id, email: inv.email, status: "pending", expiresAt: new Date(inv.expiresAt).toISOString() });
  })
  .delete("/invitations/:id", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    await revokeInvitation(tenantDb(c.env, tenant), inviter, c.req.param("id"));
    return c.body(null, 204);
  });
