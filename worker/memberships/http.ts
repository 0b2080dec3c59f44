import type { Context } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { forbidden } from "../http/errors";
import { guard } from "../http/validate";
import { billingSettingsOf, billingSettingsShown, type BillingSettingsView } from "../invoices/settings";
import { decide, type MembershipAction, type MembershipActor } from "./policy";
import { clockOf, type Clock } from "./service";

// The HTTP side of plans and memberships: who is asking, the community's clock and
// billing settings, and the policy's refusals as the contract's errors.

export type PortalRequest = { tenant: Tenant; t: TenantDb; user: User; billing: BillingSettingsView; clock: Clock };

/** The JSON API's actor: its role (the API does not read the view-as cookie). */
export const apiActor = (user: User | null): MembershipActor => ({ tenantRole: user?.tenantRole ?? null });


/** 403 with the contract's code when the policy refuses (a visitor never gets here: `requireUser` answers 401 first). */
export function assertMay(actor: MembershipActor, action: MembershipAction, tenant: Pick<Tenant, "features">): void {
  const d = decide(actor, action, tenant.features);
  if (d.ok) return;
  if (d.why === "feature_disabled") throw forbidden("feature_disabled", "This community has turned this off.");
  throw forbidden("forbidden", "Only community owners and admins can do this.");
}

/** Before the body is read: signed in on a community's host and allowed `action`. */
export const allowed = (action: MembershipAction) =>
  guard((c) => {
    const tenant = requireTenant(c);
    assertMay(apiActor(requireUser(c)), action, tenant);
  });

/** A portal request without the billing settings (bookings, resources): no read for them. */
export type PortalBasics = Omit<PortalRequest, "billing">;

export function portalBasics(c: Context<AppEnv>): PortalBasics {
  const tenant = requireTenant(c);
  return { tenant, t: tenantDb(c.env, tenant), user: requireUser(c), clock: clockOf(tenant) };
}

export async function portalRequest(c: Context<AppEnv>): Promise<PortalRequest> {
  const basics = portalBasics(c);
  // A page or a list shows the settings kept a few seconds; a write reads them fresh.
  const read = c.req.method === "GET" || c.req.method === "HEAD";
  return { ...basics, billing: await (read ? billingSettingsShown : billingSettingsOf)(basics.t, basics.tenant.name) };
}
