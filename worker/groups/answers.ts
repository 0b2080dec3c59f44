import { z } from "zod";

/**
 * What the groups API answers (`routes.ts`, `membership-routes.ts`), for the OpenAPI
 * document: written from `groupView` (service.ts), the member, ban and join-request rows
 * (membership.ts, membership-routes.ts) and the room's `JoinRequestView` (room/protocol.ts).
 * `answers.test.ts` parses real answers with them, so they cannot drift.
 */

/** A time as the API answers it: ISO 8601, UTC (`Z`). */
export const isoTime = z.iso.datetime();

/** A list page, as every list answers it (`?limit=`, `?cursor=`). */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** `?limit=` and `?cursor=` of a list, as `pageParams` (http/pagination.ts) reads them by hand. */
export const pageQuery = z.object({
  limit: z.string().optional().describe("Items per page: a whole number from 1; default 50, at most 200 (more reads as 200)."),
  cursor: z.string().optional().describe("The `nextCursor` of the previous page."),
});

export const groupRoleAnswer = z.enum(["owner", "admin", "moderator", "member"]);
export const joinPolicyAnswer = z.enum(["approval", "open", "invite"]);

/** A group as `GET /api/v1/groups/{slug}` answers it (and `{group}` after a change). */
export const groupAnswer = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  joinPolicy: joinPolicyAnswer,
  questions: z.array(z.object({ id: z.string(), label: z.string(), required: z.boolean() })),
  branding: z.object({
    primaryColor: z.string().nullable(),
    logoUrl: z.string().nullable(),
    coverUrl: z.string().nullable(),
    faviconUrl: z.string().nullable(),
  }),
  links: z.array(z.object({ title: z.string(), url: z.string() })),
  memberCount: z.number().int(),
  slugChangesLeft: z.number().int(),
  /** Only tenant admins see deleted groups. */
  deletedAt: isoTime.nullable(),
  /** The reader's role in the group (null when not a member). */
  role: groupRoleAnswer.nullable(),
  /** The reader's standing: a request waiting shows as `pending` (on the single group's read). */
  membership: z.enum(["member", "pending", "none", "banned"]),
  /** The group's join page. */
  joinUrl: z.string(),
});

export const groupEnvelope = z.object({ group: groupAnswer });

/** An uploaded image (group or community asset), checked by its bytes. */
export const imageAnswer = z.object({
  url: z.string().describe("Serves the same bytes with their Content-Type and a year-long cache header."),
  type: z.enum(["image/png", "image/jpeg", "image/webp", "image/gif", "image/x-icon"]),
  width: z.number().int(),
  height: z.number().int(),
});

/** A plan through which a member is in a paid group. */
export const memberPlanAnswer = z.object({ id: z.string(), name: z.string() });

/** A row of `GET /api/v1/groups/{slug}/members`; `email` only for group admins and community staff. */
export const groupMemberAnswer = z.object({
  userId: z.string(),
  name: z.string(),
  role: groupRoleAnswer,
  joinedAt: isoTime,
  plan: memberPlanAnswer.nullable(),
  email: z.string().optional(),
});

/** A member after a role change. */
export const changedMemberAnswer = z.object({ userId: z.string(), name: z.string(), email: z.string(), role: groupRoleAnswer, joinedAt: isoTime });

export const banAnswer = z.object({ userId: z.string(), name: z.string(), email: z.string(), bannedAt: isoTime });

export const joinAnswerAnswer = z.object({ questionId: z.string(), label: z.string(), answer: z.string() });

/** A join request with its answers, as admins see it. */
export const joinRequestAnswer = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  answers: z.array(joinAnswerAnswer),
  createdAt: isoTime,
  status: z.enum(["pending", "approved", "rejected", "withdrawn"]),
});

export const joinedAnswer = z.object({ status: z.literal("member") });
export const joinPendingAnswer = z.object({ status: z.literal("pending"), requestId: z.string() });
