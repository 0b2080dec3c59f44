import { z } from "zod";

/** The answers of the auth routes (`worker/auth/routes.ts`), as `publicUser` and the handlers build them. */
export const tenantRole = z.enum(["owner", "admin", "moderator", "member"]);
export const userStatus = z.enum(["staged", "active", "pending_approval", "suspended", "disabled"]);

/** An account as the auth routes show it to its owner (`publicUser`). */
export const userAnswer = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  language: z.string().nullable(),
  tenantRole,
  status: userStatus,
});

export const signupAnswer = z.object({
  user: userAnswer,
  status: z.enum(["active", "pending_approval"]),
  membership: z.object({ id: z.string(), status: z.string() }).optional().describe("When the sign-up chose a plan (`planId`)."),
});

export const userEnvelope = z.object({ user: userAnswer });

/** `GET /api/v1/me`. */
export const meAnswer = userAnswer.omit({ status: true }).extend({
  groups: z.array(z.object({ slug: z.string(), role: z.enum(["owner", "admin", "moderator", "member"]) })),
});

/** The 202 of a request answered the same whether or not the email has an account. */
export const acceptedAnswer = z.object({ status: z.literal("accepted") });
