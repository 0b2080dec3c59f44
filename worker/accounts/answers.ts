import { z } from "zod";
import { userAnswer } from "../auth/answers";

/** The answers of the accounts routes (`worker/accounts/routes.ts`). */

export const createdAccountAnswer = z.object({
  user: userAnswer.extend({ extraInfo: z.string().nullable() }),
  generatedPassword: z.string().nullable().describe("Shown once, when the password was generated and no email goes to the member."),
  passwordGenerated: z.boolean(),
});

const importRow = z.object({
  row: z.number().int(),
  email: z.string(),
  name: z.string(),
  language: z.string().nullable(),
  groups: z.array(z.string()),
  tenantRole: z.enum(["admin", "member"]),
  extraInfo: z.string().nullable(),
});

/** `POST /api/v1/members/import` (`dryRun: true` with `?dryRun=1`, nothing created). */
export const accountImportAnswer = z.object({ dryRun: z.literal(true).optional(), created: z.array(z.string()), rows: z.array(importRow) });

export const loginLinkSentAnswer = z.object({ status: z.literal("sent") });

/** What adding emails to a group answers (the invitations service's result). */
export const addedToGroupAnswer = z.object({
  invited: z.array(z.string()),
  addedToGroups: z.array(z.string()),
  skipped: z.array(z.object({ email: z.string(), reason: z.string() })),
});
