import { z } from "zod";
import { isoTime, pageOf } from "../groups/answers";

/**
 * What the invitations API answers (`routes.ts`), for the OpenAPI document: written from
 * the service (`invite`, `listInvitations`, `lookupInvitation`, `myInvitations`,
 * `acceptMyInvitation`), the import's `ImportReport` (types.ts) and `publicUser`
 * (auth/answers.ts). `answers.test.ts` parses real answers with them.
 */

/** What a list of addresses did: invited, added to the groups at once, or skipped with a reason. */
export const inviteResultAnswer = z.object({
  invited: z.array(z.string()),
  addedToGroups: z.array(z.string()),
  skipped: z.array(
    z.object({
      email: z.string(),
      reason: z.string().describe("`invalid_email`, `duplicate`, `banned`, `already_member` or `already_invited`"),
    }),
  ),
});

/** One row of an import file as planned (types.ts `RowPlan`). */
export const importRowAnswer = z.object({
  row: z.number().int(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  language: z.string().nullable(),
  groups: z.array(z.string()),
  tenantRole: z.enum(["admin", "member"]),
  action: z.enum(["invite", "add_to_groups", "skip"]),
  reason: z.enum(["already_invited", "already_member", "banned"]).optional(),
});

/** What an import did (or, with `?dryRun=1`, would do: then `dryRun: true`). */
export const importReportAnswer = inviteResultAnswer.extend({ rows: z.array(importRowAnswer), dryRun: z.literal(true).optional() });

export const invitationStatusAnswer = z.enum(["pending", "accepted", "expired", "revoked", "declined"]);

/** A row of `GET /api/v1/invitations`. */
export const invitationAnswer = z.object({
  id: z.string(),
  email: z.string(),
  status: invitationStatusAnswer,
  tenantRole: z.enum(["admin", "member"]),
  groupRole: z.enum(["moderator", "member"]),
  invitedAt: isoTime,
  expiresAt: isoTime,
  remindedAt: isoTime.nullable(),
  acceptedAt: isoTime.nullable(),
  /** Slugs of the invitation's groups. */
  groups: z.array(z.string()),
});

export const invitationListAnswer = pageOf(invitationAnswer);

/** What the invitation page shows of a token. */
export const invitationLookupAnswer = z.object({
  email: z.string(),
  tenant: z.object({ name: z.string(), subdomain: z.string() }),
  groups: z.array(z.object({ slug: z.string(), name: z.string() })),
  expired: z.boolean(),
  language: z.string().nullable(),
});

/** The account, as the auth routes answer it (`publicUser`). */
export { userEnvelope } from "../auth/answers";

/** A signed-in member's own pending group invitation. */
export const myInvitationAnswer = z.object({
  id: z.string(),
  status: z.literal("pending"),
  groups: z.array(z.object({ slug: z.string(), name: z.string() })),
  invitedBy: z.object({ name: z.string() }).nullable(),
  message: z.string().nullable(),
  invitedAt: isoTime,
  expiresAt: isoTime,
});

export const declinedAnswer = z.object({ invitation: z.object({ id: z.string(), status: z.literal("declined") }) });

/** Accepting one's own invitation: the groups joined, and those skipped (banned, or a plan needed). */
export const acceptedMineAnswer = z.object({
  invitation: z.object({ id: z.string(), status: z.literal("accepted") }),
  joined: z.array(z.string()),
  skipped: z.array(z.object({ group: z.string(), reason: z.enum(["banned", "plan_required"]) })),
});

/** A resent invitation: a new link, its expiry reset. */
export const resentAnswer = z.object({ id: z.string(), email: z.string(), status: z.literal("pending"), expiresAt: isoTime });
