import type { GroupRole, TenantRole } from "../db/schema";
import { actsAsTenantAdmin, can, canCreateGroup } from "../groups/policy";

/**
 * Who may do what with a community's own settings, as pure functions of (actor, action).
 *
 *   - Everyone (visitors too) reads the public settings: name, branding, languages, switches.
 *   - The full settings (with the domains) and the domains pages are the owners' and
 *     admins'. Viewing as a member changes what they may change, not what they see: the
 *     pages show read-only, and changing answers 403 until they switch back.
 *   - A group's own domains are its admins' (tenant admins act as group admins), the same way.
 *   - Groups are created by any member, or only by admins when `groupCreation` is "admins".
 *   - Anyone signed in may switch to "view as member" (for a plain member it changes nothing).
 *   - A new community is created on the platform's root host only (a community's host answers 404).
 */
export type TenancyActor = {
  /** null for a visitor who is not signed in. */
  tenantRole: TenantRole | null;
  viewingAsMember?: boolean;
  /** For the group actions: the actor's role in that group (as stored) and whether they are banned from it. */
  groupRole?: GroupRole | null;
  banned?: boolean;
};

export const TENANCY_ACTIONS = [
  "readSettings",
  "readAllSettings",
  "changeSettings",
  "viewDomains",
  "manageDomains",
  "viewGroupDomains",
  "manageGroupDomains",
  "createGroup",
  "viewAsMember",
] as const;
export type TenancyAction = (typeof TENANCY_ACTIONS)[number];

/** The settings a decision reads. */
export type TenancySettings = { groupCreation: "everyone" | "admins" };

/**
 * Why a refusal: `signed_out` (401 or a redirect to log in, the caller's), `not_admin`
 * (not an owner or admin of the community), `not_group_admin` (does not administer the
 * group), `member_view` (would be allowed, but is viewing as a member), `group_creation_closed`.
 */
export type TenancyRefusal = "signed_out" | "not_admin" | "not_group_admin" | "member_view" | "group_creation_closed";
export type TenancyDecision = { ok: true } | { ok: false; why: TenancyRefusal };

const OK: TenancyDecision = { ok: true };
const refuse = (why: TenancyRefusal): TenancyDecision => ({ ok: false, why });

/** An owner or admin by role, whatever they are viewing as. */
function adminByRole(actor: TenancyActor): boolean {
  return actor.tenantRole !== null && actsAsTenantAdmin({ tenantRole: actor.tenantRole });
}

function groupActorByRole(actor: TenancyActor) {
  return { tenantRole: actor.tenantRole, groupRole: actor.groupRole ?? null, banned: actor.banned ?? false, viewingAsMember: false };
}

/** Seeing follows the role; changing also needs the actor not to be viewing as a member. */
function seeOrChange(allowedByRole: boolean, actor: TenancyActor, change: boolean, notAllowed: TenancyRefusal): TenancyDecision {
  if (!allowedByRole) return refuse(notAllowed);
  if (change && actor.viewingAsMember) return refuse("member_view");
  return OK;
}

export function decide(actor: TenancyActor, action: TenancyAction, settings: TenancySettings = { groupCreation: "everyone" }): TenancyDecision {
  if (action === "readSettings") return OK;
  if (actor.tenantRole === null) return refuse("signed_out");
  switch (action) {
    case "readAllSettings":
    case "viewDomains":
      return seeOrChange(adminByRole(actor), actor, false, "not_admin");
    case "changeSettings":
    case "manageDomains":
      return seeOrChange(adminByRole(actor), actor, true, "not_admin");
    case "viewGroupDomains":
    case "manageGroupDomains":
      // The group policy's "edit", by role (viewing as a member, nobody edits a group).
      return seeOrChange(can(groupActorByRole(actor), "edit"), actor, action === "manageGroupDomains", "not_group_admin");
    case "createGroup":
      return canCreateGroup(actor.tenantRole, settings.groupCreation, actor.viewingAsMember ?? false) ? OK : refuse("group_creation_closed");
    case "viewAsMember":
      return OK;
  }
}

export function mayTenancy(actor: TenancyActor, action: TenancyAction, settings?: TenancySettings): boolean {
  return decide(actor, action, settings).ok;
}

/** `POST /tenants` and `/new`: on the platform's root host only (a community's host answers 404). */
export function mayCreateCommunity(host: "root" | "community"): boolean {
  return host === "root";
}
