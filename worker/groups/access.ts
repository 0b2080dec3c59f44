import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { loadGroup, type GroupContext } from "./service";

/**
 * Someone who chose "view as member" (a cookie they set from the admin pages): a tenant
 * admin loses the tenant-wide powers, a group owner, admin or moderator their group role,
 * everywhere, until they switch back. For a plain member it changes nothing.
 */
export function viewingAsMember(c: Context<AppEnv>): boolean {
  return !!c.get("user") && getCookie(c, "view_as") === "member";
}

export async function groupFromRequest(c: Context<AppEnv>, slug = c.req.param("slug") ?? ""): Promise<{ tenant: Tenant; t: TenantDb; ctx: GroupContext }> {
  const tenant = requireTenant(c);
  const t = tenantDb(c.env, tenant);
  const ctx = await loadGroup(t, slug, c.get("user"), viewingAsMember(c));
  return { tenant, t, ctx };
}
