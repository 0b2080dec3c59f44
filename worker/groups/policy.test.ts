import { describe, expect, it } from "vitest";
import type { GroupRole, TenantRole } from "../db/schema";
import { can, canCreateGroup, GROUP_ACTIONS, type GroupAction, type GroupActor } from "./policy";

const TENANT_ROLES: (TenantRole | null)[] = [null, "member", "moderator", "admin", "owner"];
const GROUP_ROLES: (GroupRole | null)[] = [null, "member", "moderator", "admin", "owner"];

/**
 * The whole matrix, written out by hand: for each action, which (tenant role / group role)
 * pairs may act. "T" marks a tenant owner or admin; "TM" a community moderator (acting as a
 * group moderator everywhere); "-" a visitor or non-member.
 * Anything not listed is refused.
 */
type Who = "anon" | "tenantMember" | "T" | "TM" | "member" | "moderator" | "admin" | "owner";
const ALLOWED: Record<GroupAction, Who[]> = {
  view: ["anon", "tenantMember", "T", "TM", "member", "moderator", "admin", "owner"],
  viewDeleted: ["T"],
  join: ["tenantMember", "T"],
  leave: ["member", "moderator", "admin"],
  viewMembers: ["T", "TM", "member", "moderator", "admin", "owner"],
  edit: ["T", "admin", "owner"],
  uploadAssets: ["T", "admin", "owner"],
  delete: ["T", "owner"],
  restore: ["T", "owner"],
  viewRequests: ["T", "admin", "owner"],
  decideRequests: ["T", "admin", "owner"],
  changeRole: ["T", "admin", "owner"],
  removeMember: ["T", "admin", "owner"],
  ban: ["T", "admin", "owner"],
};

/** The labels that describe an actor: a tenant admin who is also a group member is both "T" and "member". */
function labels(a: GroupActor): Who[] {
  const out: Who[] = [];
  if (a.tenantRole === null) out.push("anon");
  else if (a.tenantRole === "member" || a.viewingAsMember) out.push("tenantMember");
  else if (a.tenantRole === "moderator") out.push("TM");
  else out.push("T");
  // Viewing as a member, a group role counts as a plain membership.
  if (a.groupRole) out.push(a.viewingAsMember ? "member" : a.groupRole);
  return out;
}

function expected(a: GroupActor, action: GroupAction): boolean {
  const who = labels(a);
  // join needs a signed-in non-member who is not banned; leave is for members but the owner.
  if (action === "join") return a.tenantRole !== null && a.groupRole === null && !a.banned;
  // The real owner can never leave, viewing as a member or not.
  if (action === "leave") return a.groupRole !== null && a.groupRole !== "owner";
  return who.some((w) => ALLOWED[action].includes(w));
}

const actors: GroupActor[] = [];
for (const tenantRole of TENANT_ROLES) {
  for (const groupRole of GROUP_ROLES) {
    if (tenantRole === null && groupRole !== null) continue; // a visitor holds no group role
    for (const banned of [false, true]) {
      if (banned && groupRole !== null) continue; // banning removes the membership
      for (const viewingAsMember of tenantRole !== null ? [false, true] : [false]) {
        actors.push({ tenantRole, groupRole, banned, viewingAsMember });
      }
    }
  }
}

describe("group policy matrix", () => {
  const rows = actors.flatMap((actor) => GROUP_ACTIONS.map((action) => [actor, action] as const));

  it("covers every actor × action pair", () => {
    expect(GROUP_ACTIONS).toHaveLength(Object.keys(ALLOWED).length);
    expect(rows.length).toBe(actors.length * GROUP_ACTIONS.length);
    expect(actors.length).toBeGreaterThanOrEqual(20);
  });

  it.each(rows.map(([actor, action]) => [`${actor.tenantRole ?? "visitor"}${actor.viewingAsMember ? "(as member)" : ""}/${actor.groupRole ?? "none"}${actor.banned ? "/banned" : ""}`, action, actor] as const))(
    "%s → %s",
    (_label, action, actor) => {
      expect(can(actor, action)).toBe(expected(actor, action));
    },
  );

  it("spot checks read naturally", () => {
    const tenantAdmin: GroupActor = { tenantRole: "admin", groupRole: null, banned: false };
    const moderator: GroupActor = { tenantRole: "member", groupRole: "moderator", banned: false };
    const owner: GroupActor = { tenantRole: "member", groupRole: "owner", banned: false };
    expect(can(tenantAdmin, "edit")).toBe(true);
    expect(can({ ...tenantAdmin, viewingAsMember: true }, "edit")).toBe(false);
    expect(can(moderator, "changeRole")).toBe(false);
    expect(can(owner, "leave")).toBe(false);
    expect(can(owner, "delete")).toBe(true);
    expect(can({ tenantRole: "member", groupRole: "admin", banned: false }, "delete")).toBe(false);
    expect(can({ tenantRole: "member", groupRole: null, banned: true }, "join")).toBe(false);
    const communityModerator: GroupActor = { tenantRole: "moderator", groupRole: null, banned: false };
    expect(can(communityModerator, "viewMembers")).toBe(true);
    expect(can(communityModerator, "edit")).toBe(false);
    expect(can(communityModerator, "ban")).toBe(false);
    expect(can({ ...communityModerator, viewingAsMember: true }, "viewMembers")).toBe(false);
  });
});

describe("group creation", () => {
  it.each([
    [null, "everyone", false],
    ["member", "everyone", true],
    ["admin", "everyone", true],
    ["moderator", "everyone", true],
    ["member", "admins", false],
    ["moderator", "admins", false],
    ["admin", "admins", true],
    ["owner", "admins", true],
  ] as const)("tenant role %s with groupCreation %s → %s", (role, groupCreation, allowed) => {
    expect(canCreateGroup(role, groupCreation)).toBe(allowed);
  });
  it("a tenant admin viewing as a member creates groups like a member", () => {
    expect(canCreateGroup("admin", "admins", true)).toBe(false);
  });
});
