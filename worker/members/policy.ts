import type { TenantRole, UserStatus } from "../db/schema";

/**
 * Who may administer which account of the community, as a pure function of
 * (actor, action, target). Only tenant owners and admins administer members. The checks
 * run in the contract's order: (404 is the service's: the target is not in the
 * community) 409 `owner_immutable`, 403 (only the owner makes, changes, suspends or
 * removes an admin), 409 `invalid_state`, 409 `self`.
 */
export const MEMBER_ACTIONS = ["approve", "decline", "changeRole", "suspend", "unsuspend", "remove"] as const;
export type MemberAction = (typeof MEMBER_ACTIONS)[number];

export type MemberActor = { id: string; tenantRole: TenantRole; viewingAsMember?: boolean };
export type MemberTarget = { id: string; tenantRole: TenantRole; status: UserStatus };
/** The role asked for by `changeRole`. */
export type AssignableRole = "admin" | "moderator" | "member";

/** `why` tells the two 403s apart (both answer `forbidden`). */
export type Refusal = { status: 403 | 409; code: "forbidden" | "owner_immutable" | "invalid_state" | "self"; why?: "not_admin" | "owner_only" };
export type Decision = { ok: true } | ({ ok: false } & Refusal);

const OK: Decision = { ok: true };
const refuse = (status: Refusal["status"], code: Refusal["code"], why?: Refusal["why"]): Decision => ({ ok: false, status, code, ...(why ? { why } : {}) });

/** A suspended account; `disabled` is the older name of the same state. */
export function isSuspended(status: UserStatus): boolean {
  return status === "suspended" || status === "disabled";
}

/** The status as the contract names it (`disabled` rows read as `suspended`). */
export function publicStatus(status: UserStatus): UserStatus {
  return status === "disabled" ? "suspended" : status;
}

export function administersMembers(actor: Pick<MemberActor, "tenantRole" | "viewingAsMember">): boolean {
  return !actor.viewingAsMember && (actor.tenantRole === "owner" || actor.tenantRole === "admin");
}

/** The states each action starts from. */
function validFrom(action: MemberAction, status: UserStatus): boolean {
  switch (action) {
    case "approve":
    case "decline":
      return status === "pending_approval";
    case "suspend":
      return status === "active";
    case "unsuspend":
      return isSuspended(status);
    case "changeRole":
    case "remove":
      return status === "active" || isSuspended(status);
  }
}

export function decide(actor: MemberActor, action: MemberAction, target: MemberTarget, newRole?: AssignableRole): Decision {
  if (!administersMembers(actor)) return refuse(403, "forbidden", "not_admin");
  if (target.tenantRole === "owner") return refuse(409, "owner_immutable");
  const touchesAdmin = target.tenantRole === "admin" || (action === "changeRole" && newRole === "admin");
  if (touchesAdmin && actor.tenantRole !== "owner") return refuse(403, "forbidden", "owner_only");
  if (!validFrom(action, target.status)) return refuse(409, "invalid_state");
  if ((action === "suspend" || action === "remove") && target.id === actor.id) return refuse(409, "self");
  return OK;
}

/** `DELETE /api/v1/me`: anyone but the owner may delete their own account. */
export function mayDeleteOwnAccount(tenantRole: TenantRole): boolean {
  return tenantRole !== "owner";
}
