import { describe, expect, it } from "vitest";
import type { TenantRole } from "../db/schema";
import { decide, MEMBERSHIP_ACTIONS, type MembershipAction, type MembershipActor, type MembershipSwitches } from "./policy";

/**
 * Every (actor × action × switch) of plans and memberships, the expected answers written out
 * as tables, independently of the implementation.
 */
type Col = "visitor" | "member" | "moderator" | "admin" | "owner" | "admin (as member)" | "owner (as member)";
const COLS: Record<Col, MembershipActor> = {
  visitor: { tenantRole: null },
  member: { tenantRole: "member" },
  moderator: { tenantRole: "moderator" },
  admin: { tenantRole: "admin" },
  owner: { tenantRole: "owner" },
  "admin (as member)": { tenantRole: "admin", viewingAsMember: true },
  "owner (as member)": { tenantRole: "owner", viewingAsMember: true },
};
const ok = "ok";
const everyone = (visitor: string): Record<Col, string> => ({ visitor, member: ok, moderator: ok, admin: ok, owner: ok, "admin (as member)": ok, "owner (as member)": ok });
const adminsOnly: Record<Col, string> = {
  visitor: "signed_out",
  member: "not_admin",
  moderator: "not_admin",
  admin: ok,
  owner: ok,
  "admin (as member)": "not_admin",
  "owner (as member)": "not_admin",
};
/** A member's own action under a switch that is off: admins acting as admins pass. */
const switchedOff: Record<Col, string> = {
  visitor: "signed_out",
  member: "feature_disabled",
  moderator: "feature_disabled",
  admin: ok,
  owner: ok,
  "admin (as member)": "feature_disabled",
  "owner (as member)": "feature_disabled",
};

const ON: Record<MembershipAction, Record<Col, string>> = {
  readPlans: everyone(ok),
  readAllPlans: adminsOnly,
  managePlans: adminsOnly,
  choosePlan: everyone("signed_out"),
  readOwnMembership: everyone("signed_out"),
  cancelOwnMembership: everyone("signed_out"),
  changeOwnMembership: everyone("signed_out"),
  editOwnBilling: everyone("signed_out"),
  manageMemberships: adminsOnly,
  manageBilling: adminsOnly,
  manageAnnouncements: adminsOnly,
};
const SWITCH: Partial<Record<MembershipAction, keyof MembershipSwitches>> = {
  cancelOwnMembership: "cancelMembership",
  changeOwnMembership: "changeMembership",
  editOwnBilling: "editBillingDetails",
};

const SWITCH_NAMES: Record<keyof MembershipSwitches, true> = { cancelMembership: true, changeMembership: true, editBillingDetails: true };

const answer = (actor: MembershipActor, action: MembershipAction, switches?: MembershipSwitches) => {
  const d = decide(actor, action, switches);
  return d.ok ? ok : d.why;
};

describe("plans and memberships policy", () => {
  it("covers every action", () => {
    expect(Object.keys(ON).sort()).toEqual([...MEMBERSHIP_ACTIONS].sort());
  });

  const rows = MEMBERSHIP_ACTIONS.flatMap((action) => (Object.keys(COLS) as Col[]).map((col) => [action, col] as const));
  it.each(rows)("%s by %s, every switch on (and unset)", (action, col) => {
    expect(answer(COLS[col], action)).toBe(ON[action][col]);
    expect(answer(COLS[col], action, { cancelMembership: true, changeMembership: true, editBillingDetails: true })).toBe(ON[action][col]);
  });

  const switched = rows.flatMap(([action, col]) => (Object.keys(SWITCH_NAMES) as (keyof MembershipSwitches)[]).map((off) => [action, col, off] as const));
  it.each(switched)("%s by %s with %s off", (action, col, off) => {
    const expected = SWITCH[action] === off ? switchedOff[col] : ON[action][col];
    expect(answer(COLS[col], action, { [off]: false })).toBe(expected);
  });

  it("a switch stops only its own action", () => {
    const member: MembershipActor = { tenantRole: "member" as TenantRole };
    expect(answer(member, "cancelOwnMembership", { changeMembership: false, editBillingDetails: false })).toBe(ok);
    expect(answer(member, "changeOwnMembership", { cancelMembership: false, editBillingDetails: false })).toBe(ok);
    expect(answer(member, "editOwnBilling", { cancelMembership: false, changeMembership: false })).toBe(ok);
  });
});

