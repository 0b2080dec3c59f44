import type { Context } from "hono";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { loadGroup, type GroupContext } from "./service";

/**
 * HTTP glue: the group a request names (`:slug`), loaded for the reader with the plain
 * service (`loadGroup`), with the tenant and its database.
 */
export async function groupFromRequest(c: Context<AppEnv>, slug = c.req.param("slug") ?? ""): Promise<{ tenant: Tenant; t: TenantDb; ctx: GroupContext }> {
  const tenant = requireTenant(c);
  const t = tenantDb(c.env, tenant);
  const ctx = await loadGroup(t, slug, c.get("user"), viewingAsMember(c));
  return { tenant, t, ctx };
}
