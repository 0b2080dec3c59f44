import type { TenantRole } from "../db/schema";
import { actsAsTenantAdmin, can, type GroupActor } from "../groups/policy";

/**
 * Who may do what with invitations and with the accounts admins provision, as pure
 * functions. There are two kinds of inviter:
 *
 *   - "community": the community's owners and admins (not viewing as a member). They
 *     invite anyone to any group, or to the community alone, as admins too; an address
 *     that already has an account is added to the groups at once (`addedToGroups`). They
 *     see and manage every invitation, create accounts, send sign-in links, export the
 *     members, and have the large daily quota.
 *   - "groups": anyone else signed in. They invite plain members into the groups they
 *     run (owner or admin), never to the community alone, never as admins; an address
 *     with an account gets a group invitation to accept or decline, answered exactly as
 *     a new address is. They see and manage only the invitations they sent, have the
 *     small daily quota, and each recipient's daily cap applies to all their mail.
 *
 * Viewing as a member takes away the community powers only: a group's owner or admin
 * keeps inviting into that group (the membership is read as stored, as before).
 *
 * The facts (the groups asked for and whether the inviter runs each, who sent an
 * invitation, to whom) are read by the services; the answers are decided here.
 */
export type InvitationActor = {
  /** null for a visitor who is not signed in. */
  tenantRole: TenantRole | null;
  viewingAsMember?: boolean;
};

/** The inviter as the services carry it: who, and whether they act for the community. */
export type InviterPowers = { user: { id: string }; actsAsTenantAdmin: boolean };

/** Whether a signed-in person invites and provisions for the whole community. */
export function invitesForCommunity(actor: InvitationActor): boolean {
  return actor.tenantRole !== null && actsAsTenantAdmin({ tenantRole: actor.tenantRole, viewingAsMember: actor.viewingAsMember ?? false });
}

// ── inviting ──────────────────────────────────────────────────────────────

/** One invitation asked for: the tenant role it grants and its groups (whether the inviter runs each). */
export type InviteAsk = { tenantRole: "admin" | "member"; groups: readonly { slug: string; run: boolean }[] };

export type InviteRefusal = "admin_role" | "no_group" | "not_group_admin";
export type InviteDecision = { ok: true; existingAccounts: ExistingAccountOutcome } | { ok: false; status: 403; code: "forbidden"; why: InviteRefusal; groups?: string[] };

/** What happens to an address that already has an account: added at once, or asked to accept. */
export type ExistingAccountOutcome = "add_to_groups" | "group_invitation";

export function existingAccountOutcome(inviter: Pick<InviterPowers, "actsAsTenantAdmin">): ExistingAccountOutcome {
  return inviter.actsAsTenantAdmin ? "add_to_groups" : "group_invitation";
}

const refuseInvite = (why: InviteRefusal, groups?: string[]): InviteDecision => ({ ok: false, status: 403, code: "forbidden", why, ...(groups ? { groups } : {}) });

/** A pasted list (`POST /invitations`, the admin page): checked in this order. */
export function mayInvite(inviter: Pick<InviterPowers, "actsAsTenantAdmin">, ask: InviteAsk): InviteDecision {
  if (inviter.actsAsTenantAdmin) return { ok: true, existingAccounts: "add_to_groups" };
  if (ask.tenantRole === "admin") return refuseInvite("admin_role");
  if (ask.groups.length === 0) return refuseInvite("no_group");
  const not = ask.groups.filter((g) => !g.run).map((g) => g.slug);
  if (not.length) return refuseInvite("not_group_admin", not);
  return { ok: true, existingAccounts: "group_invitation" };
}

/**
 * A file (`POST /invitations/import`, the import pages): every row as a pasted list,
 * the whole file refused at once. Any admin row is refused before any group; a row
 * without a group reads as a group the inviter does not run.
 */
export function mayImport(inviter: Pick<InviterPowers, "actsAsTenantAdmin">, rows: readonly InviteAsk[]): InviteDecision {
  if (inviter.actsAsTenantAdmin) return { ok: true, existingAccounts: "add_to_groups" };
  if (rows.some((r) => r.tenantRole === "admin")) return refuseInvite("admin_role");
  if (rows.some((r) => r.groups.length === 0 || r.groups.some((g) => !g.run))) return refuseInvite("not_group_admin");
  return { ok: true, existingAccounts: "group_invitation" };
}

/** The groups offered on the invitation forms: every live group, or the ones the inviter runs. */
export function invitableGroups(inviter: Pick<InviterPowers, "actsAsTenantAdmin">): "all" | "run" {
  return inviter.actsAsTenantAdmin ? "all" : "run";
}

/**
 * A file waiting between its preview and its sending (the import pages without JavaScript),
 * and its report afterwards: only the person who uploaded it, a community admin included
 * (anyone else's answers 404, as if it did not exist).
 */
export function mayUseStagedImport(inviter: InviterPowers, upload: { by?: string | undefined }): boolean {
  return upload.by === inviter.user.id;
}

/** Adding emails to a group's member list (`POST /groups/{slug}/members`): the group's admins, with their own powers (a group admin's adds are group invitations). */
export function mayAddToGroupList(actor: GroupActor): boolean {
  return can(actor, "changeRole");
}

// ── limits ───────────────────────────────────────────────────────────────

/** Which daily quota an inviter's mail counts against (`ADMIN_INVITATIONS_PER_DAY` or `INVITATIONS_PER_DAY`). */
export function quotaClass(inviter: Pick<InviterPowers, "actsAsTenantAdmin">): "admin" | "inviter" {
  return inviter.actsAsTenantAdmin ? "admin" : "inviter";
}

/** Whether each recipient's daily cap counts too: always for a pasted list and a resend; for a file, only for a group inviter. */
export function recipientCapApplies(inviter: Pick<InviterPowers, "actsAsTenantAdmin">, channel: "list" | "file" | "resend"): boolean {
  return channel !== "file" || !inviter.actsAsTenantAdmin;
}

// ── the invitations sent ─────────────────────────────────────────────────

/** Whose invitations an inviter lists: everybody's, or only those they sent. */
export function listScope(inviter: Pick<InviterPowers, "actsAsTenantAdmin">): "all" | "own" {
  return inviter.actsAsTenantAdmin ? "all" : "own";
}

/** The invitations page (`/admin/invitations`): community admins, and anyone who runs a group. */
export function mayOpenInvitationsPage(inviter: Pick<InviterPowers, "actsAsTenantAdmin">, groupsRun: number): boolean {
  return inviter.actsAsTenantAdmin || groupsRun > 0;
}

/** Resend and revoke: community admins, and the person who sent the invitation. */
export function mayManageInvitation(inviter: InviterPowers, invitation: { invitedBy: string | null }): boolean {
  return inviter.actsAsTenantAdmin || invitation.invitedBy === inviter.user.id;
}

// ── answering an invitation ──────────────────────────────────────────────

/**
 * How an invitation is answered, and by whom:
 *   - `acceptWithNewAccount`, `declineByLink`: whoever holds the link (the token is the proof);
 *   - `acceptAsMe`: a signed-in account opening a link sent to its own email (another: 403 `wrong_account`);
 *   - `acceptMine`, `declineMine`: a signed-in member's own invitations (`/me/invitations`);
 *     anyone else's answers 404, as if it did not exist.
 */
export const ANSWERS = ["acceptWithNewAccount", "declineByLink", "acceptAsMe", "acceptMine", "declineMine"] as const;
export type Answer = (typeof ANSWERS)[number];
export type AnswerDecision = { ok: true } | { ok: false; status: 401 | 403 | 404; code: "unauthenticated" | "wrong_account" | "not_found" };

export function mayAnswer(answer: Answer, me: { email: string } | null, invitation: { email: string }): AnswerDecision {
  if (answer === "acceptWithNewAccount" || answer === "declineByLink") return { ok: true };
  if (!me) return { ok: false, status: 401, code: "unauthenticated" };
  if (me.email === invitation.email) return { ok: true };
  return answer === "acceptAsMe" ? { ok: false, status: 403, code: "wrong_account" } : { ok: false, status: 404, code: "not_found" };
}

// ── accounts provisioned by admins ───────────────────────────────────────

/** Accounts created by admins (one or a file), one-time sign-in links, the member export and list. */
export const PROVISIONING = ["createAccount", "importAccounts", "sendLoginLink", "exportMembers", "listMembers"] as const;
export type Provisioning = (typeof PROVISIONING)[number];

export function mayProvision(inviter: Pick<InviterPowers, "actsAsTenantAdmin">, _what: Provisioning): boolean {
  return inviter.actsAsTenantAdmin;
}
