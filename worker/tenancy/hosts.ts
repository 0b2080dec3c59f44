import { and, eq, isNull } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { directoryDb } from "../db/client";
import { domainClaims, groups, tenants, type Group, type Tenant } from "../db/schema";
import type { AppEnv, Bindings } from "../env";
import { ApiError } from "../http/errors";
import { ReadCache } from "../db/read-cache";

export type HostMatch =
  | { kind: "root" }
  | { kind: "tenant"; tenant: Tenant; group: Group | null }
  | { kind: "unknown" };

const CACHE_TTL_MS = 10_000;
const cache = new ReadCache<HostMatch>(CACHE_TTL_MS);

/**
 * Forget cached host lookups after a tenant's settings or domains change: its own
 * entries, and the "unknown" ones, since a newly verified domain was unknown until now.
 * Other isolates catch up within CACHE_TTL_MS.
 */
export function invalidateTenantHosts(tenantId?: string): void {
  cache.deleteWhere((_host, m) => !tenantId || m.kind === "unknown" || (m.kind === "tenant" && m.tenant.id === tenantId));
}

export function isDevHost(env: Pick<Bindings, "ROOT_DOMAIN">): boolean {
  return /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(env.ROOT_DOMAIN);
}

/** The public URL of a tenant (or of the platform when subdomain is null). */
export function platformUrl(env: Pick<Bindings, "ROOT_DOMAIN">, subdomain: string | null, path = ""): string {
  const scheme = isDevHost(env) ? "http" : "https";
  return `${scheme}://${subdomain ? subdomain + "." : ""}${env.ROOT_DOMAIN}${path}`;
}

export function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}

function stripPort(host: string): string {
  return host.replace(/:\d+$/, "");
}

/** Resolves the Host header: the root domain, a tenant subdomain, or a verified custom domain. */
export async function resolveHost(env: Bindings, rawHost: string, now = Date.now()): Promise<HostMatch> {
  const host = normaliseHost(rawHost);
  return cache.getOrLoad(host, () => lookupHost(env, host), now);
}

async function lookupHost(env: Bindings, host: string): Promise<HostMatch> {
  const root = normaliseHost(env.ROOT_DOMAIN);
  if (host === root) return { kind: "root" };
  const db = directoryDb(env);
  if (host.endsWith("." + root)) {
    const sub = host.slice(0, -(root.length + 1));
    if (sub.includes(".")) return { kind: "unknown" };
    const tenant = await db.query.tenants.findFirst({ where: eq(tenants.subdomain, sub) });
    return tenant ? { kind: "tenant", tenant, group: null } : { kind: "unknown" };
  }
  const rows = await db
    .select({ tenant: tenants, groupId: domainClaims.groupId })
    .from(domainClaims)
    .innerJoin(tenants, eq(tenants.id, domainClaims.tenantId))
    // Only a claim proven by its owner whose hostname and certificate are active serves.
    .where(and(eq(domainClaims.hostname, stripPort(host)), eq(domainClaims.status, "active")))
    .limit(1);
  const row = rows[0];
  if (!row) return { kind: "unknown" };
  let group: Group | null = null;
  if (row.groupId) {
    group =
      (await db.query.groups.findFirst({
        where: and(eq(groups.tenantId, row.tenant.id), eq(groups.id, row.groupId), isNull(groups.deletedAt)),
      })) ?? null;
  }
  return { kind: "tenant", tenant: row.tenant, group };
}

/** Sets `tenant` and `hostGroup` once per request, before any route runs. */
export function tenancy(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    const match = await resolveHost(c.env, host);
    if (match.kind === "unknown") {
      throw new ApiError(404, "no_community", "There is no community at this address.");
    }
    c.set("tenant", match.kind === "tenant" ? match.tenant : null);
    c.set("hostGroup", match.kind === "tenant" ? match.group : null);
    await next();
  };
}
