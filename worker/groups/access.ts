import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { loadGroup, type GroupContext } from "./service";

/** A tenant admin who chose "view as member" (a cookie they set from the admin pages). */
export function viewingAsMember(c: Context<AppEnv>): boolean {
  const user = c.get("user");
  return !!user && (user.tenantRole === "owner" || user.tenantRole === "admin") && getCookie(c, "view_as") === "member";
}

export async function groupFromRequest(c: Context<AppEnv>, slug = c.req.param("slug") ?? ""): Promise<{ tenant: Tenant; t: TenantDb; ctx: GroupContext }> {
  const tenant = requireTenant(c);
  const t = tenantDb(c.env, tenant);
  const ctx = await loadGroup(t, slug, c.get("user"), viewingAsMember(c));
  return { tenant, t, ctx };
}
