import type { GroupRole, TenantRole } from "../db/schema";

/**
 * Who may do what in a group, as pure functions of (actor, action). Tenant owners
 * and admins act as group admins everywhere (unless viewing as a member), community
 * moderators as group moderators everywhere; the
 * group's owner is fixed. Target rules (the owner cannot be demoted or removed)
 * live in groups/membership.ts because they answer 409, not 403.
 */
export type GroupActor = {
  /** null for a visitor who is not signed in. */
  tenantRole: TenantRole | null;
  groupRole: GroupRole | null;
  banned: boolean;
  /** A tenant admin who switched to "view as member" loses the tenant-wide powers. */
  viewingAsMember?: boolean;
};

export const GROUP_ACTIONS = [
  "view",
  "viewDeleted",
  "join",
  "leave",
  "viewMembers",
  "edit",
  "uploadAssets",
  "delete",
  "restore",
  "viewRequests",
  "decideRequests",
  "changeRole",
  "removeMember",
  "ban",
] as const;
export type GroupAction = (typeof GROUP_ACTIONS)[number];

export function actsAsTenantAdmin(actor: Pick<GroupActor, "tenantRole" | "viewingAsMember">): boolean {
  return !actor.viewingAsMember && (actor.tenantRole === "owner" || actor.tenantRole === "admin");
}

/** A community moderator (the space's staff) acts as a moderator in every group, unless viewing as a member. */
export function actsAsTenantModerator(actor: Pick<GroupActor, "tenantRole" | "viewingAsMember">): boolean {
  return !actor.viewingAsMember && actor.tenantRole === "moderator";
}

/** The role that decides, once tenant-wide powers are folded in (viewing as a member: a member at most). */
export function effectiveRole(actor: GroupActor): GroupRole | null {
  if (actor.viewingAsMember) return actor.groupRole ? "member" : null;
  if (actor.groupRole === "owner") return "owner";
  if (actsAsTenantAdmin(actor)) return "admin";
  if (actsAsTenantModerator(actor) && (actor.groupRole === null || actor.groupRole === "member")) return "moderator";
  return actor.groupRole;
}

/** Group roles in order of power. */
export const ROLE_RANK: Record<GroupRole, number> = { member: 1, moderator: 2, admin: 3, owner: 4 };

export function atLeast(actor: GroupActor, role: GroupRole): boolean {
  const r = effectiveRole(actor);
  return r !== null && ROLE_RANK[r] >= ROLE_RANK[role];
}

export function can(actor: GroupActor, action: GroupAction): boolean {
  const signedIn = actor.tenantRole !== null;
  switch (action) {
    case "view":
      return true;
    case "viewDeleted":
      return actsAsTenantAdmin(actor);
    case "join":
      return signedIn && actor.groupRole === null && !actor.banned;
    case "leave":
      return actor.groupRole !== null && actor.groupRole !== "owner";
    case "viewMembers":
      return atLeast(actor, "member");
    case "edit":
    case "uploadAssets":
    case "viewRequests":
    case "decideRequests":
    case "changeRole":
    case "removeMember":
    case "ban":
      return atLeast(actor, "admin");
    case "delete":
    case "restore":
      return effectiveRole(actor) === "owner" || actsAsTenantAdmin(actor);
  }
}

/** Who may create groups: any active member of the community, unless the tenant's `groupCreation` is "admins". */
export function canCreateGroup(tenantRole: TenantRole | null, groupCreation: "everyone" | "admins", viewingAsMember = false): boolean {
  if (tenantRole === null) return false;
  if (groupCreation === "admins") return actsAsTenantAdmin({ tenantRole, viewingAsMember });
  return true;
}
