import { describe, expect, it } from "vitest";
import type { TenantRole, UserStatus } from "../db/schema";
import { decide, MEMBER_ACTIONS, mayDeleteOwnAccount, type AssignableRole, type MemberAction, type MemberActor, type MemberTarget } from "./policy";

const ROLES: TenantRole[] = ["owner", "admin", "moderator", "member"];
const STATUSES: UserStatus[] = ["active", "pending_approval", "suspended", "disabled"];
const NEW_ROLES: AssignableRole[] = ["admin", "moderator", "member"];

/**
 * The expected answer for every (actor × action × target), written out as the contract
 * reads, independently of the implementation: each rule in the contract's order.
 */
function expected(actor: MemberActor, action: MemberAction, target: MemberTarget, newRole?: AssignableRole): string {
  const admin = !actor.viewingAsMember && (actor.tenantRole === "owner" || actor.tenantRole === "admin");
  if (!admin) return "403 forbidden";
  if (target.tenantRole === "owner") return "409 owner_immutable";
  if (actor.tenantRole !== "owner" && (target.tenantRole === "admin" || newRole === "admin")) return "403 forbidden";
  const from: Record<MemberAction, UserStatus[]> = {
    approve: ["pending_approval"],
    decline: ["pending_approval"],
    suspend: ["active"],
    unsuspend: ["suspended", "disabled"],
    changeRole: ["active", "suspended", "disabled"],
    remove: ["active", "suspended", "disabled"],
  };
  if (!from[action].includes(target.status)) return "409 invalid_state";
  if ((action === "suspend" || action === "remove") && actor.id === target.id) return "409 self";
  return "ok";
}

type Row = { label: string; actor: MemberActor; action: MemberAction; target: MemberTarget; newRole?: AssignableRole };
const rows: Row[] = [];
for (const actorRole of ROLES)
  for (const viewingAsMember of [false, true])
    for (const action of MEMBER_ACTIONS)
      for (const targetRole of ROLES)
        for (const status of STATUSES)
          for (const same of [false, true])
            for (const newRole of action === "changeRole" ? NEW_ROLES : [undefined]) {
              if (same && actorRole !== targetRole) continue; // one's own account has one's own role
              const actor: MemberActor = { id: "actor", tenantRole: actorRole, viewingAsMember };
              const target: MemberTarget = { id: same ? "actor" : "target", tenantRole: targetRole, status };
              const label = `${actorRole}${viewingAsMember ? "(as member)" : ""} ${action}${newRole ? `→${newRole}` : ""} ${same ? "self" : "other"} ${targetRole}/${status}`;
              rows.push({ label, actor, action, target, ...(newRole ? { newRole } : {}) });
            }

describe("members policy: every actor × action × target", () => {
  it("covers the whole table", () => {
    expect(rows.length).toBeGreaterThan(500);
  });

  it.each(rows.map((r) => [r.label, r] as const))("%s", (_label, r) => {
    const d = decide(r.actor, r.action, r.target, r.newRole);
    expect(d.ok ? "ok" : `${d.status} ${d.code}`).toBe(expected(r.actor, r.action, r.target, r.newRole));
  });
});

describe("members policy reads as the contract", () => {
  const owner: MemberActor = { id: "o", tenantRole: "owner" };
  const admin: MemberActor = { id: "a", tenantRole: "admin" };
  const member = (over: Partial<MemberTarget> = {}): MemberTarget => ({ id: "m", tenantRole: "member", status: "active", ...over });

  it("an admin suspends, unsuspends, removes and re-roles members but never touches an admin or makes one", () => {
    expect(decide(admin, "suspend", member()).ok).toBe(true);
    expect(decide(admin, "unsuspend", member({ status: "suspended" })).ok).toBe(true);
    expect(decide(admin, "changeRole", member(), "moderator").ok).toBe(true);
    expect(decide(admin, "changeRole", member(), "admin")).toMatchObject({ ok: false, status: 403, why: "owner_only" });
    expect(decide(admin, "remove", member({ tenantRole: "admin", id: "a2" }))).toMatchObject({ ok: false, status: 403 });
    expect(decide(owner, "changeRole", member({ tenantRole: "admin" }), "member").ok).toBe(true);
  });

  it("checks in order: owner_immutable before 403, 403 before invalid_state, invalid_state before self", () => {
    // The owner is immutable even for an admin, who could not touch an admin-or-above anyway.
    expect(decide(admin, "suspend", member({ tenantRole: "owner" }))).toMatchObject({ status: 409, code: "owner_immutable" });
    // An admin target that is already suspended: 403, not invalid_state.
    expect(decide(admin, "suspend", member({ tenantRole: "admin", status: "suspended" }))).toMatchObject({ status: 403, code: "forbidden" });
    // Owner suspending itself: owner_immutable, not self.
    expect(decide(owner, "suspend", member({ tenantRole: "owner", id: "o" }))).toMatchObject({ status: 409, code: "owner_immutable" });
    // An admin suspending itself: 403 (admins are the owner's to suspend), before self.
    expect(decide(admin, "suspend", member({ tenantRole: "admin", id: "a" }))).toMatchObject({ status: 403 });
    // Approving an active account: invalid_state.
    expect(decide(admin, "approve", member())).toMatchObject({ status: 409, code: "invalid_state" });
  });

  it("pending accounts are approved or declined, never suspended", () => {
    expect(decide(admin, "approve", member({ status: "pending_approval" })).ok).toBe(true);
    expect(decide(admin, "decline", member({ status: "pending_approval" })).ok).toBe(true);
    expect(decide(admin, "suspend", member({ status: "pending_approval" }))).toMatchObject({ code: "invalid_state" });
  });

  it("a moderator or a member administers nobody; an admin viewing as a member neither", () => {
    expect(decide({ id: "x", tenantRole: "moderator" }, "suspend", member())).toMatchObject({ status: 403 });
    expect(decide({ id: "x", tenantRole: "member" }, "approve", member({ status: "pending_approval" }))).toMatchObject({ status: 403 });
    expect(decide({ ...admin, viewingAsMember: true }, "suspend", member())).toMatchObject({ status: 403 });
  });

  it("everyone but the owner may delete their own account", () => {
    expect(ROLES.map((r) => [r, mayDeleteOwnAccount(r)])).toEqual([
      ["owner", false],
      ["admin", true],
      ["moderator", true],
      ["member", true],
    ]);
  });
});
