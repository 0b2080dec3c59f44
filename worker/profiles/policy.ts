import type { TenantRole } from "../db/schema";
import { actsAsTenantAdmin } from "../groups/policy";

/**
 * Who sees and edits which profile field, as pure functions. The viewer is one of:
 *   - "self": the member looking at their own profile;
 *   - "member": another member of the community (the directory);
 *   - "admin": a community owner or admin (not viewing as a member).
 * An `admins` field is never shown to anyone but admins, whatever its other flags.
 */
export type FieldRules = {
  visibility: "member" | "admins";
  editable: boolean;
  public: boolean;
  required: boolean;
  filterable: boolean;
  askAtSignup: boolean;
  /** Empty: every member; otherwise only members of one of these groups. */
  groupIds: readonly string[];
};

export type ProfileActor = { tenantRole: TenantRole | null; viewingAsMember?: boolean };

export function isProfileAdmin(actor: ProfileActor): boolean {
  return actor.tenantRole !== null && actsAsTenantAdmin({ tenantRole: actor.tenantRole, viewingAsMember: actor.viewingAsMember ?? false });
}

/** Defining fields, reading and editing anyone's profile, exporting: community admins only. */
export const canManageFields = isProfileAdmin;

/** Whether a field applies to someone in these groups. */
export function applies(field: Pick<FieldRules, "groupIds">, groupIds: readonly string[]): boolean {
  return field.groupIds.length === 0 || field.groupIds.some((g) => groupIds.includes(g));
}

/** The member's own profile: their `member` fields that apply to them. */
export function selfCanSee(field: FieldRules, ownGroups: readonly string[]): boolean {
  return field.visibility === "member" && applies(field, ownGroups);
}

/** What the member may change themselves (an admins-only field is never editable, even if flagged so). */
export function selfCanEdit(field: FieldRules, ownGroups: readonly string[]): boolean {
  return selfCanSee(field, ownGroups) && field.editable;
}

/**
 * Another member's field in the directory: public `member` fields, that apply to the subject,
 * and (for a group's field) only to viewers who belong to one of its groups as well.
 */
export function memberCanSee(field: FieldRules, subjectGroups: readonly string[], viewerGroups: readonly string[]): boolean {
  return field.visibility === "member" && field.public && applies(field, subjectGroups) && applies(field, viewerGroups);
}

/** Directory filters: a filterable field the viewer sees in the directory (admins pass every group as theirs). */
export function memberCanFilter(field: FieldRules, viewerGroups: readonly string[]): boolean {
  return field.filterable && field.visibility === "member" && field.public && applies(field, viewerGroups);
}

/**
 * Fields a member must fill, given the groups they are (or are about to be) in: required,
 * shown to them and editable by them (a field they cannot fill can never block them).
 */
export function mustFill(field: FieldRules, groups: readonly string[]): boolean {
  return field.required && selfCanEdit(field, groups);
}

/** Asked on the sign-up form: community-wide, member-editable, and required or flagged to ask. */
export function askedAtSignup(field: FieldRules): boolean {
  return field.groupIds.length === 0 && selfCanEdit(field, []) && (field.required || field.askAtSignup);
}

/** The directory is on unless the community turned it off; its admins always see it. */
export function canUseDirectory(actor: ProfileActor, features: Record<string, boolean>): boolean {
  if (actor.tenantRole === null) return false;
  return features.directory !== false || isProfileAdmin(actor);
}
