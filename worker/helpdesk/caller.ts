import type { Tenant, TenantRole, User } from "../db/schema";
import { ApiError, forbidden, notFound, unauthorized } from "../http/errors";
import type { HelpActor, HelpDecision, HelpSwitches } from "./policy";

/**
 * Who asks, as the help desk's services take it: the account, its community role, whether an
 * admin chose "view as member" (pages only; the JSON API never reads that cookie) and the
 * community's switches. Services check the policy themselves, so the API and the pages refuse alike.
 */
export type HelpCaller = HelpActor & { userId: string; name: string; tenantRole: TenantRole; features: HelpSwitches };

export function helpCaller(user: Pick<User, "id" | "name" | "tenantRole">, tenant: Pick<Tenant, "features">, viewingAsMember = false): HelpCaller {
  return { userId: user.id, name: user.name, tenantRole: user.tenantRole, viewingAsMember, features: tenant.features ?? {} };
}

/** The contract's error for a refusal (`not_found` is a 404, as if the record did not exist). */
export function refusal(d: Extract<HelpDecision, { ok: false }>): ApiError {
  switch (d.why) {
    case "signed_out":
      return unauthorized();
    case "feature_disabled":
      return forbidden("feature_disabled", "This community has turned this part of the help desk off.");
    case "not_found":
      return notFound("No such issue.");
    case "not_admin":
      return forbidden("forbidden", "Only community owners and admins can do this.");
    case "not_author":
      return forbidden("forbidden", "Only its author or an admin can do this.");
  }
}

/** Throws the contract's error when the decision refuses. */
export function assertOk(d: HelpDecision): void {
  if (!d.ok) throw refusal(d);
}
