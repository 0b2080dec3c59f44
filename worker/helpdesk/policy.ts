import type { TenantRole } from "../db/schema";

/**
 * Who may do what in the help desk (API.md "Help desk" and the switches of "Switches, status
 * and messages"), as pure functions of (actor, action, the record's facts, switches).
 *
 *   - "Admins" are tenant owners and admins acting as such; community moderators act as
 *     members, and so does an owner or admin viewing as a member.
 *   - `features.helpdesk` (on by default) off: every member action answers `feature_disabled`
 *     (reads included); admins are never stopped by a switch.
 *   - Guides: everyone signed in reads them; admins write any guide; members write guides when
 *     `features.memberGuides` is on (off by default: `feature_disabled`), and edit or delete
 *     only their own (`not_author`).
 *   - Issues: admins see and manage every issue; members see their own and the public ones
 *     (another member's private issue is `not_found`, on every action); members open issues,
 *     comment and attach images while `features.helpdeskIssues` is on (default on, off:
 *     `feature_disabled`, reading stays); the author edits, deletes, closes, reopens and
 *     attaches (`not_author` for other members on a public issue); anyone who sees an issue
 *     comments on it.
 */
export type HelpActor = {
  /** null for a visitor who is not signed in. */
  tenantRole: TenantRole | null;
  viewingAsMember?: boolean;
};

export type HelpSwitches = { helpdesk?: boolean; helpdeskIssues?: boolean; helpdeskIssuesPrivate?: boolean; memberGuides?: boolean };

export const GUIDE_ACTIONS = ["readGuides", "writeGuides", "editAnyGuide"] as const;
export type GuideAction = (typeof GUIDE_ACTIONS)[number];

/** What one may do to the help desk as a whole (before any issue is read; `commentIssues`: the switch a comment meets before its issue is read). */
export const DESK_ACTIONS = ["readIssues", "openIssue", "commentIssues", "seeEveryIssue"] as const;
export type DeskAction = (typeof DESK_ACTIONS)[number];

/** What one may do to one issue, given whether one wrote it and whether it is private. */
export const ISSUE_ACTIONS = ["read", "edit", "delete", "close", "reopen", "attach", "comment"] as const;
export type IssueAction = (typeof ISSUE_ACTIONS)[number];
export type IssueFacts = { isAuthor: boolean; private: boolean };

export type HelpRefusal = "signed_out" | "feature_disabled" | "not_admin" | "not_author" | "not_found";
export type HelpDecision = { ok: true } | { ok: false; why: HelpRefusal };

const OK: HelpDecision = { ok: true };
const refuse = (why: HelpRefusal): HelpDecision => ({ ok: false, why });

/** An owner or admin acting as one (viewing as a member, they are a member). */
export function actingAdmin(actor: HelpActor): boolean {
  return (actor.tenantRole === "owner" || actor.tenantRole === "admin") && !actor.viewingAsMember;
}

/** The refusal every member action meets first: signed out, or the help desk switched off. */
function memberGate(actor: HelpActor, switches: HelpSwitches): HelpDecision | null {
  if (actor.tenantRole === null) return refuse("signed_out");
  if (actingAdmin(actor)) return OK;
  if (switches.helpdesk === false) return refuse("feature_disabled");
  return null;
}

export function decideGuide(actor: HelpActor, action: GuideAction, switches: HelpSwitches = {}): HelpDecision {
  const gate = memberGate(actor, switches);
  if (gate) return gate;
  switch (action) {
    case "readGuides":
      return OK;
    case "writeGuides":
      return switches.memberGuides === true ? OK : refuse("feature_disabled");
    case "editAnyGuide":
      return refuse("not_admin");
  }
}

export function decideDesk(actor: HelpActor, action: DeskAction, switches: HelpSwitches = {}): HelpDecision {
  const gate = memberGate(actor, switches);
  if (gate) return gate;
  switch (action) {
    case "readIssues":
      return OK;
    case "openIssue":
    case "commentIssues":
      return switches.helpdeskIssues === false ? refuse("feature_disabled") : OK;
    case "seeEveryIssue":
      return refuse("not_admin");
  }
}

/**
 * One issue: a member who may not see it meets `not_found` whatever the action (a private
 * issue does not exist for other members); then the author's actions (`not_author`); then
 * the switch that stops members writing (`feature_disabled` for comments and attachments).
 */
export function decideIssue(actor: HelpActor, action: IssueAction, facts: IssueFacts, switches: HelpSwitches = {}): HelpDecision {
  const gate = memberGate(actor, switches);
  if (gate) return gate;
  if (facts.private && !facts.isAuthor) return refuse("not_found");
  switch (action) {
    case "read":
      return OK;
    case "edit":
    case "delete":
    case "close":
    case "reopen":
      return facts.isAuthor ? OK : refuse("not_author");
    case "attach":
      if (!facts.isAuthor) return refuse("not_author");
      return switches.helpdeskIssues === false ? refuse("feature_disabled") : OK;
    case "comment":
      return switches.helpdeskIssues === false ? refuse("feature_disabled") : OK;
  }
}

export const mayGuide = (actor: HelpActor, action: GuideAction, switches?: HelpSwitches) => decideGuide(actor, action, switches).ok;
export const mayDesk = (actor: HelpActor, action: DeskAction, switches?: HelpSwitches) => decideDesk(actor, action, switches).ok;
export const mayIssue = (actor: HelpActor, action: IssueAction, facts: IssueFacts, switches?: HelpSwitches) => decideIssue(actor, action, facts, switches).ok;
