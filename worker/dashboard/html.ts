import type { Context, MiddlewareHandler } from "hono";
import { t } from "../../web/i18n";
import { DashboardPage } from "../../web/pages/dashboard/dashboard";
import { tenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import type { AppEnv } from "../env";
import { isApiPath } from "../http/errors";
import { pageContext, rememberedBodies, renderWith } from "../http/render";
import { idOf } from "../../web/ui/memo";
import { myInvitationsCached } from "../invitations/service";
import { clockOf } from "../memberships/service";
import { showsMembershipTab } from "../memberships/cache";
import { dashboardPage } from "./service";

/** `/` for a signed-in member (the signed-out home stays in tenancy/html.ts). */
export async function dashboardResponse(c: Context<AppEnv>, tenant: Tenant, user: User): Promise<Response> {
  const ctx = pageContext(c);
  const tdb = tenantDb(c.env, tenant);
  const clock = clockOf(tenant);
  const [view, invitations] = await Promise.all([dashboardPage(tdb, tenant, user, clock.today, clock.now, ctx.viewingAsMember === true), myInvitationsCached(tdb, user)]);
  // The body is a pure function of these inputs (the nonce aside, which it never reads): a
  // member who opens their dashboard again with nothing changed gets the same HTML, rendered
  // once. The view and the invitations are the same objects while nothing changed (dashboardPage).
  const body = dashboards(ctx, `${idOf(invitations)}\u0001${idOf(view)}`, () => DashboardPage({ ctx, user: ctx.user!, view, invitations }));
  return renderWith(c, ctx, { title: t(ctx.lang, "home.title"), body });
}

const dashboards = rememberedBodies(200);

/** The Membership tab of the member navigation, on every page a signed-in member opens (cached: see memberships/tab.ts). */
export function membershipTab(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenant = c.get("tenant");
    const user = c.get("user");
    if (tenant && user && !isApiPath(c.req.path) && !c.req.path.startsWith("/media/")) c.set("membershipTab", await showsMembershipTab(tenantDb(c.env, tenant), user.id));
    await next();
  };
}
