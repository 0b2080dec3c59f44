import { describe, expect, it } from "vitest";
import { DESK_ACTIONS, GUIDE_ACTIONS, ISSUE_ACTIONS, decideDesk, decideGuide, decideIssue, type DeskAction, type GuideAction, type HelpActor, type HelpSwitches, type IssueAction, type IssueFacts } from "./policy";

/** Every (actor × action × switches) of the help desk, the expected answers written out as tables. */
type Col = "visitor" | "member" | "moderator" | "admin" | "owner" | "admin (as member)";
const COLS: Record<Col, HelpActor> = {
  visitor: { tenantRole: null },
  member: { tenantRole: "member" },
  moderator: { tenantRole: "moderator" },
  admin: { tenantRole: "admin" },
  owner: { tenantRole: "owner" },
  "admin (as member)": { tenantRole: "admin", viewingAsMember: true },
};
const ok = "ok";
/** The same answer for every actor who acts as a member (members, moderators, admins viewing as members). */
const members = (member: string): Record<Col, string> => ({ visitor: "signed_out", member, moderator: member, admin: ok, owner: ok, "admin (as member)": member });

const answer = (d: { ok: true } | { ok: false; why: string }) => (d.ok ? ok : d.why);

function check<A extends string>(actions: readonly A[], table: Record<A, Record<Col, string>>, decide: (actor: HelpActor, action: A) => { ok: true } | { ok: false; why: string }) {
  for (const action of actions) {
    for (const [col, actor] of Object.entries(COLS) as [Col, HelpActor][]) {
      expect(`${action} / ${col}: ${answer(decide(actor, action))}`).toBe(`${action} / ${col}: ${table[action][col]}`);
    }
  }
}

describe("help desk policy: guides", () => {
  const cases: [string, HelpSwitches, Record<GuideAction, Record<Col, string>>][] = [
    ["defaults (member guides off)", {}, { readGuides: members(ok), writeGuides: members("feature_disabled"), editAnyGuide: members("not_admin") }],
    ["member guides on", { memberGuides: true }, { readGuides: members(ok), writeGuides: members(ok), editAnyGuide: members("not_admin") }],
    ["help desk off", { helpdesk: false, memberGuides: true }, { readGuides: members("feature_disabled"), writeGuides: members("feature_disabled"), editAnyGuide: members("feature_disabled") }],
    ["issues off changes nothing for guides", { helpdeskIssues: false }, { readGuides: members(ok), writeGuides: members("feature_disabled"), editAnyGuide: members("not_admin") }],
  ];
  for (const [label, switches, table] of cases) {
    it(`every actor × guide action, ${label}`, () => check(GUIDE_ACTIONS, table, (actor, action) => decideGuide(actor, action, switches)));
  }
});

describe("help desk policy: the desk", () => {
  const cases: [string, HelpSwitches, Record<DeskAction, Record<Col, string>>][] = [
    ["defaults", {}, { readIssues: members(ok), openIssue: members(ok), commentIssues: members(ok), seeEveryIssue: members("not_admin") }],
    ["issues off: reading stays", { helpdeskIssues: false }, { readIssues: members(ok), openIssue: members("feature_disabled"), commentIssues: members("feature_disabled"), seeEveryIssue: members("not_admin") }],
    ["help desk off", { helpdesk: false }, { readIssues: members("feature_disabled"), openIssue: members("feature_disabled"), commentIssues: members("feature_disabled"), seeEveryIssue: members("feature_disabled") }],
  ];
  for (const [label, switches, table] of cases) {
    it(`every actor × desk action, ${label}`, () => check(DESK_ACTIONS, table, (actor, action) => decideDesk(actor, action, switches)));
  }
});

describe("help desk policy: one issue", () => {
  const all = (v: string) => Object.fromEntries(ISSUE_ACTIONS.map((a) => [a, members(v)])) as Record<IssueAction, Record<Col, string>>;
  const authorActions = (v: string) => ({ edit: members(v), delete: members(v), close: members(v), reopen: members(v) });
  const facts: Record<string, IssueFacts> = {
    "own public": { isAuthor: true, private: false },
    "own private": { isAuthor: true, private: true },
    "another's public": { isAuthor: false, private: false },
    "another's private": { isAuthor: false, private: true },
  };
  const cases: [string, IssueFacts, HelpSwitches, Record<IssueAction, Record<Col, string>>][] = [
    ["own public", facts["own public"]!, {}, all(ok)],
    ["own private", facts["own private"]!, {}, all(ok)],
    ["another's public", facts["another's public"]!, {}, { read: members(ok), ...authorActions("not_author"), attach: members("not_author"), comment: members(ok) }],
    ["another's private (404 on every action)", facts["another's private"]!, {}, all("not_found")],
    ["own, issues off", facts["own public"]!, { helpdeskIssues: false }, { read: members(ok), ...authorActions(ok), attach: members("feature_disabled"), comment: members("feature_disabled") }],
    ["another's public, issues off", facts["another's public"]!, { helpdeskIssues: false }, { read: members(ok), ...authorActions("not_author"), attach: members("not_author"), comment: members("feature_disabled") }],
    ["another's private, issues off", facts["another's private"]!, { helpdeskIssues: false }, all("not_found")],
    ["own, help desk off", facts["own public"]!, { helpdesk: false }, all("feature_disabled")],
    ["another's private, help desk off", facts["another's private"]!, { helpdesk: false }, all("feature_disabled")],
  ];
  for (const [label, f, switches, table] of cases) {
    it(`every actor × issue action, ${label}${Object.keys(switches).length ? ` ${JSON.stringify(switches)}` : ""}`, () => check(ISSUE_ACTIONS, table, (actor, action) => decideIssue(actor, action, f, switches)));
  }
});
