import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import type { AppEnv, Bindings } from "../env";
import { clientIp, requireTenant } from "../http/context";
import { forbidden, notFound } from "../http/errors";
import { jsonBody } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { addDomain, checkDomain, hostnameSchema, listDomains, publicDomain, removeDomain } from "./domains";
import { createTenantLimited, createTenantSchema, publicTenant, tenantPatchSchema, updateTenant } from "./service";
import { actsAsTenantAdmin } from "../groups/policy";
import { groupFromRequest } from "../groups/access";
import { assertCan } from "../groups/service";

const isTenantAdmin = (user: User | null) => actsAsTenantAdmin({ tenantRole: user?.tenantRole ?? null });

function requireTenantAdmin(user: User): void {
  if (!isTenantAdmin(user)) throw forbidden("forbidden", "Only community owners and admins can do this.");
}

async function tenantView(env: Bindings, tenant: Tenant, full: boolean) {
  const base = {
    id: tenant.id,
    name: tenant.name,
    subdomain: tenant.subdomain,
    signupPolicy: tenant.signupPolicy,
    defaultLanguage: tenant.defaultLanguage,
    timezone: tenant.timezone,
    branding: {
      primaryColor: tenant.primaryColor,
      accentColor: tenant.accentColor,
      logoUrl: tenant.logoKey ? `/media/${tenant.logoKey}` : null,
      faviconUrl: tenant.faviconKey ? `/media/${tenant.faviconKey}` : null,
    },
    features: tenant.features,
    groupCreation: tenant.groupCreation,
  };
  if (!full) return base;
  const domains = await listDomains(tenantDb(env, tenant));
  return { ...base, domains: domains.map((d) => publicDomain(d, env)) };
}

/** Routes of the root (platform) host. */
export const platformApi = new Hono<AppEnv>().post("/tenants", async (c) => {
  if (c.get("tenant")) throw notFound();
  const input = await jsonBody(c, createTenantSchema);
  const tenant = await createTenantLimited(c.env, clientIp(c), input);
  deliverSoon(c);
  return c.json({ tenant: publicTenant(c.env, tenant) }, 201);
});

/** Tenant settings on the tenant's own host. */
export const tenantApi = new Hono<AppEnv>()
  .get("/tenant", async (c) => {
    const tenant = requireTenant(c);
    return c.json(await tenantView(c.env, tenant, isTenantAdmin(c.get("user"))));
  })
  .patch("/tenant", async (c) => {
    const tenant = requireTenant(c);
    requireTenantAdmin(requireUser(c));
    const patch = await jsonBody(c, tenantPatchSchema);
    const updated = await updateTenant(c.env, tenant, patch);
    return c.json(await tenantView(c.env, updated, true));
  })
  .get("/tenant/domains", async (c) => {
    const tenant = requireTenant(c);
    requireTenantAdmin(requireUser(c));
    const rows = await listDomains(tenantDb(c.env, tenant));
    return c.json({ items: rows.map((d) => publicDomain(d, c.env)), nextCursor: null });
  })
  .post("/tenant/domains", async (c) => {
    const tenant = requireTenant(c);
    requireTenantAdmin(requireUser(c));
    const input = await jsonBody(c, z.object({ hostname: hostnameSchema }));
    const domain = await addDomain(c.env, tenantDb(c.env, tenant), input.hostname, null);
    return c.json(publicDomain(domain, c.env), domain.status === "pending" ? 201 : 200);
  })
  .post("/tenant/domains/:hostname/verify", async (c) => {
    const tenant = requireTenant(c);
    requireTenantAdmin(requireUser(c));
    const domain = await checkDomain(c.env, tenantDb(c.env, tenant), c.req.param("hostname"));
    return c.json(publicDomain(domain, c.env));
  })
  .delete("/tenant/domains/:hostname", async (c) => {
    const tenant = requireTenant(c);
    requireTenantAdmin(requireUser(c));
    await removeDomain(c.env, tenantDb(c.env, tenant), c.req.param("hostname"));
    return c.body(null, 204);
  })
  // A group's own hostname (group admins; tenant admins act as group admins): the same rules.
  .get("/groups/:slug/domains", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    assertCan(ctx, "edit");
    const rows = await listDomains(t, ctx.group.id);
    return c.json({ items: rows.map((d) => publicDomain(d, c.env)), nextCursor: null });
  })
  .post("/groups/:slug/domains", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    assertCan(ctx, "edit");
    const input = await jsonBody(c, z.object({ hostname: hostnameSchema }));
    const domain = await addDomain(c.env, t, input.hostname, ctx.group.id);
    return c.json(publicDomain(domain, c.env), domain.status === "pending" ? 201 : 200);
  })
  .post("/groups/:slug/domains/:hostname/verify", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    assertCan(ctx, "edit");
    const domain = await checkDomain(c.env, t, c.req.param("hostname"), Date.now(), ctx.group.id);
    return c.json(publicDomain(domain, c.env));
  })
  .delete("/groups/:slug/domains/:hostname", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    assertCan(ctx, "edit");
    await removeDomain(c.env, t, c.req.param("hostname"), ctx.group.id);
    return c.body(null, 204);
  })
  /** Without a hostname: the group's hostname(s) (`?hostname=` picks one). */
  .delete("/groups/:slug/domains", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    assertCan(ctx, "edit");
    const only = c.req.query("hostname");
    const rows = only ? [{ hostname: only }] : await listDomains(t, ctx.group.id);
    for (const row of rows) await removeDomain(c.env, t, row.hostname, ctx.group.id);
    return c.body(null, 204);
  });
