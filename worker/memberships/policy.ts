import type { TenantRole } from "../db/schema";

/**
 * Who may do what with plans and memberships, as pure functions of (actor, action, switches).
 *
 *   - Everyone reads the plans a member can choose (visitors too: the sign-up page offers them).
 *   - Owners and admins see every plan (archived and hidden ones too), manage plans, every
 *     membership and the billing settings. Viewing as a member they see and do what a member does.
 *   - Any signed-in account chooses a plan and reads its own membership.
 *   - Cancelling, changing plan and editing billing details are the member's own unless the
 *     community switched them off (`features.cancelMembership`, `changeMembership`,
 *     `editBillingDetails`, on by default); owners and admins (not viewing as a member) are
 *     never stopped by a switch, as for every other switch of the portal.
 */
export type MembershipActor = {
  /** null for a visitor who is not signed in. */
  tenantRole: TenantRole | null;
  viewingAsMember?: boolean;
};

export const MEMBERSHIP_ACTIONS = [
  "readPlans",
  "readAllPlans",
  "managePlans",
  "choosePlan",
  "readOwnMembership",
  "cancelOwnMembership",
  "changeOwnMembership",
  "editOwnBilling",
  "manageMemberships",
  "manageBilling",
  "manageAnnouncements",
] as const;
export type MembershipAction = (typeof MEMBERSHIP_ACTIONS)[number];

/** The community's switches a decision reads (absent means on). */
export type MembershipSwitches = { cancelMembership?: boolean; changeMembership?: boolean; editBillingDetails?: boolean };

export type MembershipRefusal = "signed_out" | "not_admin" | "feature_disabled";
export type MembershipDecision = { ok: true } | { ok: false; why: MembershipRefusal };

const OK: MembershipDecision = { ok: true };
const refuse = (why: MembershipRefusal): MembershipDecision => ({ ok: false, why });

/** An owner or admin acting as one (viewing as a member, they are a member). */
function actingAdmin(actor: MembershipActor): boolean {
  return (actor.tenantRole === "owner" || actor.tenantRole === "admin") && !actor.viewingAsMember;
}

const SWITCH_OF: Partial<Record<MembershipAction, keyof MembershipSwitches>> = {
  cancelOwnMembership: "cancelMembership",
  changeOwnMembership: "changeMembership",
  editOwnBilling: "editBillingDetails",
};

export function decide(actor: MembershipActor, action: MembershipAction, switches: MembershipSwitches = {}): MembershipDecision {
  if (action === "readPlans") return OK;
  if (actor.tenantRole === null) return refuse("signed_out");
  switch (action) {
    case "readAllPlans":
    case "managePlans":
    case "manageMemberships":
    case "manageBilling":
    case "manageAnnouncements":
      return actingAdmin(actor) ? OK : refuse("not_admin");
    case "choosePlan":
    case "readOwnMembership":
      return OK;
    case "cancelOwnMembership":
    case "changeOwnMembership":
    case "editOwnBilling": {
      const key = SWITCH_OF[action]!;
      return switches[key] === false && !actingAdmin(actor) ? refuse("feature_disabled") : OK;
    }
  }
}

export function may(actor: MembershipActor, action: MembershipAction, switches?: MembershipSwitches): boolean {
  return decide(actor, action, switches).ok;
}
