import { describe, expect, it } from "vitest";
import type { GroupRole, TenantRole } from "../db/schema";
import type { GroupActor } from "../groups/policy";
import { canDiscuss, DISCUSSION_ACTIONS, type DiscussionAction } from "./policy";

const TENANT_ROLES: (TenantRole | null)[] = [null, "member", "moderator", "admin", "owner"];
const GROUP_ROLES: (GroupRole | null)[] = [null, "member", "moderator", "admin", "owner"];

/** The expected answer, written independently of the implementation. */
function expected(a: GroupActor, action: DiscussionAction): boolean {
  if (a.tenantRole === null || a.banned) return false;
  const tenantAdmin = !a.viewingAsMember && (a.tenantRole === "admin" || a.tenantRole === "owner");
  const tenantModerator = !a.viewingAsMember && a.tenantRole === "moderator";
  // Viewing as a member, any group role is a plain membership.
  const role = a.viewingAsMember
    ? a.groupRole
      ? "member"
      : null
    : a.groupRole === "owner"
      ? "owner"
      : tenantAdmin
        ? "admin"
        : tenantModerator && (a.groupRole === null || a.groupRole === "member")
          ? "moderator"
          : a.groupRole;
  if (role === null) return false;
  const level = { member: 1, moderator: 2, admin: 3, owner: 4 }[role];
  switch (action) {
    case "read":
    case "post":
    case "react":
    case "report":
      return level >= 1;
    case "moderate":
      return level >= 2;
    case "viewActivity":
    case "configureLevels":
      return level >= 3;
  }
}

const cases: [GroupActor, DiscussionAction][] = [];
for (const tenantRole of TENANT_ROLES)
  for (const groupRole of tenantRole === null ? [null] : GROUP_ROLES)
    for (const banned of [false, true])
      for (const viewingAsMember of [false, true])
        for (const action of DISCUSSION_ACTIONS) cases.push([{ tenantRole, groupRole, banned, viewingAsMember }, action]);

describe("discussion policy", () => {
  it.each(cases)("%o may %s", (actor, action) => {
    expect(canDiscuss(actor, action)).toBe(expected(actor, action));
  });

  it("spot checks", () => {
    expect(canDiscuss({ tenantRole: "member", groupRole: null, banned: false }, "read")).toBe(false);
    expect(canDiscuss({ tenantRole: "member", groupRole: "member", banned: false }, "moderate")).toBe(false);
    expect(canDiscuss({ tenantRole: "member", groupRole: "moderator", banned: false }, "moderate")).toBe(true);
    expect(canDiscuss({ tenantRole: "admin", groupRole: null, banned: false }, "configureLevels")).toBe(true);
    expect(canDiscuss({ tenantRole: "admin", groupRole: null, banned: false, viewingAsMember: true }, "read")).toBe(false);
    // A community moderator moderates every group without being a member or an admin of it.
    expect(canDiscuss({ tenantRole: "moderator", groupRole: null, banned: false }, "moderate")).toBe(true);
    expect(canDiscuss({ tenantRole: "moderator", groupRole: "member", banned: false }, "moderate")).toBe(true);
    expect(canDiscuss({ tenantRole: "moderator", groupRole: null, banned: false }, "configureLevels")).toBe(false);
    expect(canDiscuss({ tenantRole: "moderator", groupRole: null, banned: false, viewingAsMember: true }, "moderate")).toBe(false);
  });
});
