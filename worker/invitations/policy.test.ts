import { describe, expect, it } from "vitest";
import type { GroupRole, TenantRole } from "../db/schema";
import type { GroupActor } from "../groups/policy";
import {
  ANSWERS,
  existingAccountOutcome,
  invitableGroups,
  invitesForCommunity,
  listScope,
  mayAddToGroupList,
  mayAnswer,
  mayImport,
  mayInvite,
  mayManageInvitation,
  mayOpenInvitationsPage,
  mayProvision,
  mayUseStagedImport,
  PROVISIONING,
  quotaClass,
  recipientCapApplies,
  type Answer,
  type InviteAsk,
  type InviteDecision,
} from "./policy";

/**
 * Every (actor × action × target) of invitations and provisioning, with the expected
 * answer written out as tables below, independently of the implementation.
 *
 * An actor is a tenant role (or a visitor), viewing as a member or not, and the groups
 * whose owner or admin they are (none, or group "a"). Each actor reads as one kind:
 *   - "community": a tenant owner or admin, not viewing as a member;
 *   - "groupAdmin": anyone else who runs group "a" (viewing as a member included);
 *   - "plain": anyone else signed in (a member, a community moderator, an admin viewing as a member who runs no group).
 * A visitor is answered 401 before any policy (requireUser); the policy reads them as "plain".
 */
type Kind = "community" | "groupAdmin" | "plain";
type Actor = { tenantRole: TenantRole | null; viewingAsMember: boolean; runs: "none" | "a as admin" | "a as owner" };

const TENANT_ROLES: (TenantRole | null)[] = [null, "member", "moderator", "admin", "owner"];
const actors: Actor[] = [];
for (const tenantRole of TENANT_ROLES)
  for (const viewingAsMember of tenantRole ? [false, true] : [false])
    for (const runs of tenantRole ? (["none", "a as admin", "a as owner"] as const) : (["none"] as const)) actors.push({ tenantRole, viewingAsMember, runs });

function kindOf(a: Actor): Kind {
  if ((a.tenantRole === "owner" || a.tenantRole === "admin") && !a.viewingAsMember) return "community";
  return a.runs === "none" ? "plain" : "groupAdmin";
}
const label = (a: Actor) => `${a.tenantRole ?? "visitor"}${a.viewingAsMember ? "(as member)" : ""}${a.runs === "none" ? "" : ` running ${a.runs}`}`;
const inviterOf = (a: Actor) => ({ user: { id: "me" }, actsAsTenantAdmin: invitesForCommunity(a) });
const runsSet = (a: Actor) => new Set(a.runs === "none" ? [] : ["a"]);

// ── inviting: a pasted list ────────────────────────────────────────────────

/** The asks: a tenant role and groups, written as "role → groups". */
const ASKS: Record<string, { tenantRole: "admin" | "member"; groups: string[] }> = {
  "member → (no group)": { tenantRole: "member", groups: [] },
  "member → a": { tenantRole: "member", groups: ["a"] },
  "member → b": { tenantRole: "member", groups: ["b"] },
  "member → a, b": { tenantRole: "member", groups: ["a", "b"] },
  "admin → (no group)": { tenantRole: "admin", groups: [] },
  "admin → a": { tenantRole: "admin", groups: ["a"] },
  "admin → b": { tenantRole: "admin", groups: ["b"] },
  "admin → a, b": { tenantRole: "admin", groups: ["a", "b"] },
};

/** The answer to a pasted list, for each ask and kind of inviter. */
const INVITE: Record<string, Record<Kind, string>> = {
  "member → (no group)": { community: "ok, accounts added", groupAdmin: "403 no_group", plain: "403 no_group" },
  "member → a": { community: "ok, accounts added", groupAdmin: "ok, group invitation", plain: "403 not_group_admin (a)" },
  "member → b": { community: "ok, accounts added", groupAdmin: "403 not_group_admin (b)", plain: "403 not_group_admin (b)" },
  "member → a, b": { community: "ok, accounts added", groupAdmin: "403 not_group_admin (b)", plain: "403 not_group_admin (a, b)" },
  "admin → (no group)": { community: "ok, accounts added", groupAdmin: "403 admin_role", plain: "403 admin_role" },
  "admin → a": { community: "ok, accounts added", groupAdmin: "403 admin_role", plain: "403 admin_role" },
  "admin → b": { community: "ok, accounts added", groupAdmin: "403 admin_role", plain: "403 admin_role" },
  "admin → a, b": { community: "ok, accounts added", groupAdmin: "403 admin_role", plain: "403 admin_role" },
};

function read(d: InviteDecision): string {
  if (d.ok) return d.existingAccounts === "add_to_groups" ? "ok, accounts added" : "ok, group invitation";
  return `${d.status} ${d.why}${d.groups ? ` (${d.groups.join(", ")})` : ""}`;
}
const askOf = (a: Actor, ask: { tenantRole: "admin" | "member"; groups: string[] }): InviteAsk => ({ tenantRole: ask.tenantRole, groups: ask.groups.map((slug) => ({ slug, run: runsSet(a).has(slug) })) });

// ── inviting: a file (every row of it at once) ─────────────────────────────

/** Files of one or more rows (the asks above), and the answer for each kind of inviter. */
const FILES: Record<string, { rows: string[]; answer: Record<Kind, string> }> = {
  "one row: member → a": { rows: ["member → a"], answer: { community: "ok, accounts added", groupAdmin: "ok, group invitation", plain: "403 not_group_admin" } },
  "one row: member → b": { rows: ["member → b"], answer: { community: "ok, accounts added", groupAdmin: "403 not_group_admin", plain: "403 not_group_admin" } },
  // A row without a group reads as a group the inviter does not run (a list says no_group).
  "one row: member → (no group)": { rows: ["member → (no group)"], answer: { community: "ok, accounts added", groupAdmin: "403 not_group_admin", plain: "403 not_group_admin" } },
  "one row: admin → a": { rows: ["admin → a"], answer: { community: "ok, accounts added", groupAdmin: "403 admin_role", plain: "403 admin_role" } },
  "two rows: member → a, member → a, b": { rows: ["member → a", "member → a, b"], answer: { community: "ok, accounts added", groupAdmin: "403 not_group_admin", plain: "403 not_group_admin" } },
  // Any admin row is refused before any group, wherever it is in the file.
  "two rows: member → b, admin → a": { rows: ["member → b", "admin → a"], answer: { community: "ok, accounts added", groupAdmin: "403 admin_role", plain: "403 admin_role" } },
  "two rows: member → a, member → a": { rows: ["member → a", "member → a"], answer: { community: "ok, accounts added", groupAdmin: "ok, group invitation", plain: "403 not_group_admin" } },
};

// ── everything else an inviter may do, by kind ─────────────────────────────

type Check = (a: Actor) => string | boolean;
const BY_KIND: Record<string, { run: Check; answer: Record<Kind, string | boolean> }> = {
  "list invitations": { run: (a) => listScope(inviterOf(a)), answer: { community: "all", groupAdmin: "own", plain: "own" } },
  "open the invitations page": { run: (a) => mayOpenInvitationsPage(inviterOf(a), runsSet(a).size), answer: { community: true, groupAdmin: true, plain: false } },
  "groups offered on the forms": { run: (a) => invitableGroups(inviterOf(a)), answer: { community: "all", groupAdmin: "run", plain: "run" } },
  "resend/revoke one's own invitation": { run: (a) => mayManageInvitation(inviterOf(a), { invitedBy: "me" }), answer: { community: true, groupAdmin: true, plain: true } },
  "resend/revoke another's invitation": { run: (a) => mayManageInvitation(inviterOf(a), { invitedBy: "someone" }), answer: { community: true, groupAdmin: false, plain: false } },
  "resend/revoke an invitation whose sender left": { run: (a) => mayManageInvitation(inviterOf(a), { invitedBy: null }), answer: { community: true, groupAdmin: false, plain: false } },
  "commit or read the report of one's own staged import": { run: (a) => mayUseStagedImport(inviterOf(a), { by: "me" }), answer: { community: true, groupAdmin: true, plain: true } },
  // Even a community admin: the file is its uploader's until it is sent.
  "commit or read the report of another's staged import": { run: (a) => mayUseStagedImport(inviterOf(a), { by: "someone" }), answer: { community: false, groupAdmin: false, plain: false } },
  "an address with an account": { run: (a) => existingAccountOutcome(inviterOf(a)), answer: { community: "add_to_groups", groupAdmin: "group_invitation", plain: "group_invitation" } },
  "daily quota": { run: (a) => quotaClass(inviterOf(a)), answer: { community: "admin", groupAdmin: "inviter", plain: "inviter" } },
  "recipient cap on a list": { run: (a) => recipientCapApplies(inviterOf(a), "list"), answer: { community: true, groupAdmin: true, plain: true } },
  "recipient cap on a resend": { run: (a) => recipientCapApplies(inviterOf(a), "resend"), answer: { community: true, groupAdmin: true, plain: true } },
  "recipient cap on a file": { run: (a) => recipientCapApplies(inviterOf(a), "file"), answer: { community: false, groupAdmin: true, plain: true } },
  ...Object.fromEntries(PROVISIONING.map((p) => [p, { run: (a: Actor) => mayProvision(inviterOf(a), p), answer: { community: true, groupAdmin: false, plain: false } }])),
};

type Row = { name: string; actual: () => string | boolean; expected: string | boolean };
const rows: Row[] = [];
for (const a of actors) {
  const kind = kindOf(a);
  for (const [name, ask] of Object.entries(ASKS)) rows.push({ name: `${label(a)} invites ${name}`, actual: () => read(mayInvite(inviterOf(a), askOf(a, ask))), expected: INVITE[name]![kind] });
  for (const [name, file] of Object.entries(FILES))
    rows.push({ name: `${label(a)} imports ${name}`, actual: () => read(mayImport(inviterOf(a), file.rows.map((r) => askOf(a, ASKS[r]!)))).replace(/ \(.*\)$/, ""), expected: file.answer[kind] });
  for (const [name, check] of Object.entries(BY_KIND)) rows.push({ name: `${label(a)}: ${name}`, actual: () => check.run(a), expected: check.answer[kind] });
}

describe("invitations policy: every actor × action × target", () => {
  it("covers the whole table", () => {
    expect(actors).toHaveLength(1 + 4 * 2 * 3);
    expect(rows.length).toBe(actors.length * (Object.keys(ASKS).length + Object.keys(FILES).length + Object.keys(BY_KIND).length));
    expect(rows.length).toBeGreaterThan(700);
  });

  it.each(rows.map((r) => [r.name, r] as const))("%s", (_name, r) => {
    expect(r.actual()).toBe(r.expected);
  });
});

// ── answering an invitation ────────────────────────────────────────────────

type Who = "signed out" | "same email" | "other email";
const ANSWER_TABLE: Record<Answer, Record<Who, string>> = {
  acceptWithNewAccount: { "signed out": "ok", "same email": "ok", "other email": "ok" },
  declineByLink: { "signed out": "ok", "same email": "ok", "other email": "ok" },
  acceptAsMe: { "signed out": "401 unauthenticated", "same email": "ok", "other email": "403 wrong_account" },
  acceptMine: { "signed out": "401 unauthenticated", "same email": "ok", "other email": "404 not_found" },
  declineMine: { "signed out": "401 unauthenticated", "same email": "ok", "other email": "404 not_found" },
};

describe("answering an invitation: every answer × who answers (whatever their role)", () => {
  const answerRows = ANSWERS.flatMap((answer) =>
    (["signed out", "same email", "other email"] as const).flatMap((who) =>
      TENANT_ROLES.filter((r) => (who === "signed out") === (r === null)).map((role) => [`${role ?? "visitor"} (${who}) ${answer}`, answer, who] as const),
    ),
  );
  it.each(answerRows)("%s", (_name, answer, who) => {
    const me = who === "signed out" ? null : { email: who === "same email" ? "ann@example.org" : "bob@example.org" };
    const d = mayAnswer(answer, me, { email: "ann@example.org" });
    expect(d.ok ? "ok" : `${d.status} ${d.code}`).toBe(ANSWER_TABLE[answer][who]);
  });
});

// ── adding emails to a group's member list ─────────────────────────────────

describe("adding to a group's member list: every tenant role × group role × view", () => {
  /** "T": a tenant owner or admin not viewing as a member; otherwise the group role, when not viewing as a member. */
  const ALLOWED = ["T", "admin", "owner"];
  const GROUP_ROLES: (GroupRole | null)[] = [null, "member", "moderator", "admin", "owner"];
  const listRows: [string, GroupActor, boolean][] = [];
  for (const tenantRole of TENANT_ROLES)
    for (const groupRole of tenantRole ? GROUP_ROLES : [null])
      for (const viewingAsMember of tenantRole ? [false, true] : [false]) {
        const who = [...((tenantRole === "owner" || tenantRole === "admin") && !viewingAsMember ? ["T"] : []), ...(groupRole && !viewingAsMember ? [groupRole] : [])];
        listRows.push([`${tenantRole ?? "visitor"}${viewingAsMember ? "(as member)" : ""}/${groupRole ?? "none"}`, { tenantRole, groupRole, banned: false, viewingAsMember }, who.some((w) => ALLOWED.includes(w))]);
      }
  it.each(listRows)("%s → %s", (_name, actor, allowed) => {
    expect(mayAddToGroupList(actor)).toBe(allowed);
  });
});

// ── the tricky cases, by hand ──────────────────────────────────────────────

describe("invitations policy: the tricky cases", () => {
  const community = { user: { id: "me" }, actsAsTenantAdmin: true };
  const groupAdmin = { user: { id: "me" }, actsAsTenantAdmin: false };

  it("a tenant admin viewing as a member invites as the group admin they also are, never as the community", () => {
    expect(invitesForCommunity({ tenantRole: "admin", viewingAsMember: true })).toBe(false);
    const inviter = { user: { id: "me" }, actsAsTenantAdmin: invitesForCommunity({ tenantRole: "admin", viewingAsMember: true }) };
    expect(mayInvite(inviter, { tenantRole: "member", groups: [{ slug: "a", run: true }] })).toEqual({ ok: true, existingAccounts: "group_invitation" });
    expect(mayInvite(inviter, { tenantRole: "admin", groups: [{ slug: "a", run: true }] })).toMatchObject({ ok: false, why: "admin_role" });
    expect(mayProvision(inviter, "exportMembers")).toBe(false);
  });

  it("a group admin's refusal names the groups they do not run, in the order asked", () => {
    expect(mayInvite(groupAdmin, { tenantRole: "member", groups: [{ slug: "c", run: false }, { slug: "a", run: true }, { slug: "b", run: false }] })).toEqual({ ok: false, status: 403, code: "forbidden", why: "not_group_admin", groups: ["c", "b"] });
  });

  it("the admin role is refused before the groups, and the empty list before the groups too", () => {
    expect(mayInvite(groupAdmin, { tenantRole: "admin", groups: [{ slug: "b", run: false }] })).toMatchObject({ why: "admin_role" });
    expect(mayInvite(groupAdmin, { tenantRole: "member", groups: [] })).toMatchObject({ why: "no_group" });
  });

  it("an empty file is no refusal for anyone (it has no row to refuse)", () => {
    expect(mayImport(groupAdmin, [])).toEqual({ ok: true, existingAccounts: "group_invitation" });
    expect(mayImport(community, [])).toEqual({ ok: true, existingAccounts: "add_to_groups" });
  });

  it("a community moderator is no inviter: staff of every group, admin of none", () => {
    const moderator = { user: { id: "me" }, actsAsTenantAdmin: invitesForCommunity({ tenantRole: "moderator" }) };
    expect(mayInvite(moderator, { tenantRole: "member", groups: [{ slug: "a", run: false }] })).toMatchObject({ ok: false, why: "not_group_admin" });
    expect(mayAddToGroupList({ tenantRole: "moderator", groupRole: null, banned: false })).toBe(false);
  });

  it("a visitor never invites for the community", () => {
    expect(invitesForCommunity({ tenantRole: null })).toBe(false);
  });
});
