import { describe, expect, it } from "vitest";
import type { GroupRole, TenantRole } from "../db/schema";
import { decide, mayCreateCommunity, TENANCY_ACTIONS, type TenancyAction, type TenancyActor, type TenancySettings } from "./policy";

/**
 * Every (actor × action × setting) of the community's settings, domains, group creation
 * and view-as, with the expected answer written out as tables, independently of the
 * implementation. An actor is a tenant role (or a visitor), viewing as a member or not, and
 * a role in the group concerned (for the group's domains).
 */
type Col =
  | "visitor"
  | "member"
  | "moderator"
  | "admin"
  | "owner"
  | "member (as member)"
  | "moderator (as member)"
  | "admin (as member)"
  | "owner (as member)";

const ok = "ok";
type Role = "member" | "moderator" | "admin" | "owner";
/**
 * A row of the tables below: the answer for a visitor and for each role, the same when the
 * role views as a member unless `asMember` gives that role another answer.
 */
function row(visitor: string, byRole: Record<Role, string>, asMember: Partial<Record<Role, string>> = {}): Record<Col, string> {
  const cells: Record<string, string> = { visitor };
  for (const role of ["member", "moderator", "admin", "owner"] as const) {
    cells[role] = byRole[role];
    cells[`${role} (as member)`] = asMember[role] ?? byRole[role];
  }
  return cells as Record<Col, string>;
}
const everyone = { member: ok, moderator: ok, admin: ok, owner: ok };
const adminsOnly = { member: "not_admin", moderator: "not_admin", admin: ok, owner: ok };
const notInMemberView = { admin: "member_view", owner: "member_view" };

/** The community-wide actions, by actor: "ok" or the reason of the refusal. */
const TABLE: Record<Exclude<TenancyAction, "viewGroupDomains" | "manageGroupDomains" | "createGroup">, Record<Col, string>> = {
  readSettings: row(ok, everyone),
  readAllSettings: row("signed_out", adminsOnly),
  changeSettings: row("signed_out", adminsOnly, notInMemberView),
  viewDomains: row("signed_out", adminsOnly),
  manageDomains: row("signed_out", adminsOnly, notInMemberView),
  viewAsMember: row("signed_out", everyone),
};

/** Creating a group, by actor and the community's `groupCreation`. */
const CREATE_GROUP: Record<TenancySettings["groupCreation"], Record<Col, string>> = {
  everyone: row("signed_out", everyone),
  admins: row(
    "signed_out",
    { member: "group_creation_closed", moderator: "group_creation_closed", admin: ok, owner: ok },
    { admin: "group_creation_closed", owner: "group_creation_closed" },
  ),
};

/**
 * A group's domains: whoever administers the group by role (a tenant owner or admin, or
 * the group's owner or admin; a community moderator does not) sees them; changing them
 * also needs them not to be viewing as a member.
 */
const GROUP_DOMAINS: Record<"viewGroupDomains" | "manageGroupDomains", Record<"administers" | "administers (as member)" | "does not", string>> = {
  viewGroupDomains: { administers: ok, "administers (as member)": ok, "does not": "not_group_admin" },
  manageGroupDomains: { administers: ok, "administers (as member)": "member_view", "does not": "not_group_admin" },
};

const TENANT_ROLES: (TenantRole | null)[] = [null, "member", "moderator", "admin", "owner"];
const GROUP_ROLES: (GroupRole | null)[] = [null, "member", "moderator", "admin", "owner"];

const actors: TenancyActor[] = [];
for (const tenantRole of TENANT_ROLES)
  for (const viewingAsMember of tenantRole ? [false, true] : [false])
    for (const groupRole of tenantRole ? GROUP_ROLES : [null])
      for (const banned of groupRole === null && tenantRole ? [false, true] : [false]) actors.push({ tenantRole, viewingAsMember, groupRole, banned });

const colOf = (a: TenancyActor): Col => (a.tenantRole === null ? "visitor" : ((a.viewingAsMember ? `${a.tenantRole} (as member)` : a.tenantRole) as Col));
const label = (a: TenancyActor) => `${colOf(a)}/${a.groupRole ?? "none"}${a.banned ? "/banned" : ""}`;

function expected(a: TenancyActor, action: TenancyAction, settings: TenancySettings): string {
  if (action === "createGroup") return CREATE_GROUP[settings.groupCreation][colOf(a)];
  if (action === "viewGroupDomains" || action === "manageGroupDomains") {
    if (a.tenantRole === null) return "signed_out";
    const administers = a.tenantRole === "owner" || a.tenantRole === "admin" || a.groupRole === "owner" || a.groupRole === "admin";
    return GROUP_DOMAINS[action][!administers ? "does not" : a.viewingAsMember ? "administers (as member)" : "administers"];
  }
  return TABLE[action][colOf(a)];
}

const SETTINGS: TenancySettings[] = [{ groupCreation: "everyone" }, { groupCreation: "admins" }];
const rows = actors.flatMap((a) => TENANCY_ACTIONS.flatMap((action) => SETTINGS.map((settings) => [`${label(a)} ${action} (groupCreation: ${settings.groupCreation})`, a, action, settings] as const)));

describe("tenancy policy: every actor × action × setting", () => {
  it("covers the whole table", () => {
    expect(TENANCY_ACTIONS).toHaveLength(Object.keys(TABLE).length + 3);
    expect(rows.length).toBe(actors.length * TENANCY_ACTIONS.length * SETTINGS.length);
    expect(rows.length).toBeGreaterThan(800);
  });

  it.each(rows)("%s", (_label, actor, action, settings) => {
    const d = decide(actor, action, settings);
    expect(d.ok ? "ok" : d.why).toBe(expected(actor, action, settings));
  });
});

describe("tenancy policy: the tricky cases", () => {
  it("an admin viewing as a member still sees the full settings and the domains, read-only", () => {
    const a: TenancyActor = { tenantRole: "admin", viewingAsMember: true };
    expect(decide(a, "readAllSettings").ok).toBe(true);
    expect(decide(a, "viewDomains").ok).toBe(true);
    expect(decide(a, "changeSettings")).toEqual({ ok: false, why: "member_view" });
    expect(decide(a, "manageDomains")).toEqual({ ok: false, why: "member_view" });
  });

  it("a group's admin manages its domains but not the community's; a community moderator neither", () => {
    expect(decide({ tenantRole: "member", groupRole: "admin" }, "manageGroupDomains").ok).toBe(true);
    expect(decide({ tenantRole: "member", groupRole: "admin" }, "manageDomains")).toEqual({ ok: false, why: "not_admin" });
    expect(decide({ tenantRole: "moderator", groupRole: null }, "viewGroupDomains")).toEqual({ ok: false, why: "not_group_admin" });
    expect(decide({ tenantRole: "member", groupRole: "moderator" }, "viewGroupDomains")).toEqual({ ok: false, why: "not_group_admin" });
  });

  it("a tenant admin manages any group's domains without being its member", () => {
    expect(decide({ tenantRole: "owner", groupRole: null }, "manageGroupDomains").ok).toBe(true);
    expect(decide({ tenantRole: "owner", groupRole: null, viewingAsMember: true }, "viewGroupDomains").ok).toBe(true);
  });

  it("with groupCreation admins, an admin viewing as a member creates groups like a member", () => {
    expect(decide({ tenantRole: "admin", viewingAsMember: true }, "createGroup", { groupCreation: "admins" })).toEqual({ ok: false, why: "group_creation_closed" });
    expect(decide({ tenantRole: "member" }, "createGroup").ok).toBe(true);
  });

  it("the public settings are anyone's, a visitor's too", () => {
    expect(decide({ tenantRole: null }, "readSettings").ok).toBe(true);
  });

  it("a community is created on the platform's root host only", () => {
    expect(mayCreateCommunity("root")).toBe(true);
    expect(mayCreateCommunity("community")).toBe(false);
  });
});
