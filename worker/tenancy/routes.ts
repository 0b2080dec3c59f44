import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import type { AppEnv, Bindings } from "../env";
import { clientIp, requireTenant } from "../http/context";
import { forbidden, notFound } from "../http/errors";
import { guard, json, load } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { addDomain, checkDomain, hostnameSchema, listDomains, publicDomain, removeDomain } from "./domains";
import { createTenantLimited, createTenantSchema, publicTenant, tenantPatchSchema, updateTenant } from "./service";
import { groupFromRequest } from "../groups/request";
import type { GroupContext } from "../groups/service";
import { portalSettingsView } from "./portal-settings";
import { decide, mayCreateCommunity, mayTenancy, type TenancyAction } from "./policy";
import { doc } from "../openapi/describe";
import { createdTenantAnswer, domainAnswer, domainListAnswer, tenantAnswer } from "./answers";

const ADMIN_ONLY = { 403: ["forbidden"], 404: ["not_found"] } as const;
const DOMAIN_CHANGE = { 403: ["forbidden"], 404: ["not_found"], 409: ["domain_taken"], 422: ["validation_failed"], 503: ["domains_unconfigured"] } as const;
const GROUP_DOMAINS = { 403: ["forbidden"], 404: ["not_found"] } as const;

/**
 * The JSON API's actor for the community's settings and domains: its role only. These
 * routes do not read the view-as cookie (as before; the pages and `PUT /tenant/assets` do).
 */
const apiActor = (user: User | null) => ({ tenantRole: user?.tenantRole ?? null });

function requireTenantAdmin(user: User, action: TenancyAction): void {
  if (!mayTenancy(apiActor(user), action)) throw forbidden("forbidden", "Only community owners and admins can do this.");
}

/** Before the body is read: on a community's host, signed in, allowed `action`. */
const tenantAdmin = (action: TenancyAction) =>
  guard((c) => {
    requireTenant(c);
    requireTenantAdmin(requireUser(c), action);
  });

/**
 * A group's domains through the API: its admins, viewing as a member or not read from the
 * group context. Listing asks what changing asks (a member view is refused both, as before).
 */
function requireGroupDomains(ctx: GroupContext): void {
  if (!decide(ctx.actor, "manageGroupDomains").ok) throw forbidden("forbidden", "You are not allowed to do this in this group.");
}

/** Before the body is read: the group, a signed-in admin of its domains. */
const groupDomains = load(async (c) => {
  const group = await groupFromRequest(c);
  requireUser(c);
  requireGroupDomains(group.ctx);
  return group;
});

const hostnameBody = z.object({ hostname: hostnameSchema });

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
    ...portalSettingsView(tenant),
  };
  if (!full) return base;
  const domains = await listDomains(tenantDb(env, tenant));
  return { ...base, domains: domains.map((d) => publicDomain(d, env)) };
}

const rootHostOnly = guard((c) => {
  if (!mayCreateCommunity(c.get("tenant") ? "community" : "root")) throw notFound();
});

/** Routes of the root (platform) host. */
export const platformApi = new Hono<AppEnv>().post(
  "/tenants",
  doc({
    summary: "Create a community (root host)",
    description: "The owner is signed up as the community's owner. Only on the root host (404 elsewhere).",
    answers: { 201: createdTenantAnswer },
    errors: { 404: ["not_found"], 409: ["subdomain_taken"], 429: ["rate_limited"] },
    public: true,
  }),
  rootHostOnly, json(createTenantSchema), async (c) => {
  const tenant = await createTenantLimited(c.env, clientIp(c), c.req.valid("json"));
  deliverSoon(c);
  return c.json({ tenant: publicTenant(c.env, tenant) }, 201);
});

/** Tenant settings on the tenant's own host. */
export const tenantApi = new Hono<AppEnv>()
  .get("/tenant", doc({ summary: "The community's settings", description: "Signed out and members see the public part; owners and admins also get `domains`.", answers: { 200: tenantAnswer }, errors: { 404: ["not_found"] }, public: true }), async (c) => {
    const tenant = requireTenant(c);
    return c.json(await tenantView(c.env, tenant, mayTenancy(apiActor(c.get("user")), "readAllSettings")));
  })
  .patch("/tenant", doc({ summary: "Change the community's settings", answers: { 200: tenantAnswer }, errors: ADMIN_ONLY }), tenantAdmin("changeSettings"), json(tenantPatchSchema), async (c) => {
    const updated = await updateTenant(c.env, requireTenant(c), c.req.valid("json"));
    return c.json(await tenantView(c.env, updated, true));
  })
  .get("/tenant/domains", doc({ summary: "The community's custom domains", answers: { 200: domainListAnswer }, errors: ADMIN_ONLY }), async (c) => {
    const tenant = requireTenant(c);
    requireTenantAdmin(requireUser(c), "viewDomains");
    const rows = await listDomains(tenantDb(c.env, tenant));
    return c.json({ items: rows.map((d) => publicDomain(d, c.env)), nextCursor: null });
  })
  .post("/tenant/domains", doc({ summary: "Claim a custom domain", description: "201 for a new pending claim with every DNS record it needs; 200 when the claim already exists.", answers: { 200: domainAnswer, 201: domainAnswer }, errors: DOMAIN_CHANGE }), tenantAdmin("manageDomains"), json(hostnameBody), async (c) => {
    const domain = await addDomain(c.env, tenantDb(c.env, requireTenant(c)), c.req.valid("json").hostname, null);
    return c.json(publicDomain(domain, c.env), domain.status === "pending" ? 201 : 200);
  })
  .post("/tenant/domains/:hostname/verify", doc({ summary: "Check a custom domain's DNS records now", answers: { 200: domainAnswer }, errors: { ...DOMAIN_CHANGE, 404: ["not_found"] } }), async (c) => {
    const tenant = requireTenant(c);
    requireTenantAdmin(requireUser(c), "manageDomains");
    const domain = await checkDomain(c.env, tenantDb(c.env, tenant), c.req.param("hostname"));
    return c.json(publicDomain(domain, c.env));
  })
  .delete("/tenant/domains/:hostname", doc({ summary: "Remove a custom domain", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"], 503: ["domains_unconfigured"] } }), async (c) => {
    const tenant = requireTenant(c);
    requireTenantAdmin(requireUser(c), "manageDomains");
    await removeDomain(c.env, tenantDb(c.env, tenant), c.req.param("hostname"));
    return c.body(null, 204);
  })
  // A group's own hostname (group admins; tenant admins act as group admins): the same rules.
  .get("/groups/:slug/domains", doc({ summary: "A group's own domains", answers: { 200: domainListAnswer }, errors: GROUP_DOMAINS }), async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    requireGroupDomains(ctx);
    const rows = await listDomains(t, ctx.group.id);
    return c.json({ items: rows.map((d) => publicDomain(d, c.env)), nextCursor: null });
  })
  .post("/groups/:slug/domains", doc({ summary: "Claim a domain for a group", answers: { 200: domainAnswer, 201: domainAnswer }, errors: { ...DOMAIN_CHANGE, ...GROUP_DOMAINS } }), groupDomains.check(), json(hostnameBody), async (c) => {
    const { t, ctx } = groupDomains.of(c);
    const domain = await addDomain(c.env, t, c.req.valid("json").hostname, ctx.group.id);
    return c.json(publicDomain(domain, c.env), domain.status === "pending" ? 201 : 200);
  })
  .post("/groups/:slug/domains/:hostname/verify", doc({ summary: "Check a group domain's DNS records now", answers: { 200: domainAnswer }, errors: { ...DOMAIN_CHANGE, ...GROUP_DOMAINS } }), async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    requireGroupDomains(ctx);
    const domain = await checkDomain(c.env, t, c.req.param("hostname"), Date.now(), ctx.group.id);
    return c.json(publicDomain(domain, c.env));
  })
  .delete("/groups/:slug/domains/:hostname", doc({ summary: "Remove a group's domain", answers: { 204: null }, errors: { ...GROUP_DOMAINS, 503: ["domains_unconfigured"] } }), async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    requireGroupDomains(ctx);
    await removeDomain(c.env, t, c.req.param("hostname"), ctx.group.id);
    return c.body(null, 204);
  })
  /** Without a hostname: the group's hostname(s) (`?hostname=` picks one). */
  .delete(
    "/groups/:slug/domains",
    doc({
      summary: "Remove a group's domains",
      description: "Every domain of the group, or the one `?hostname=` names.",
      answers: { 204: null },
      errors: { ...GROUP_DOMAINS, 503: ["domains_unconfigured"] },
      query: z.object({ hostname: z.string().optional() }),
    }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    requireGroupDomains(ctx);
    const only = c.req.query("hostname");
    const rows = only ? [{ hostname: only }] : await listDomains(t, ctx.group.id);
    for (const row of rows) await removeDomain(c.env, t, row.hostname, ctx.group.id);
    return c.body(null, 204);
  });
