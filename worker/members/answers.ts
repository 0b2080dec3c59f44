import { z } from "zod";
import { tenantRole } from "../auth/answers";
import { listAnswer, timeAnswer } from "../invoices/answers";

// What the community members routes answer (API.md "Community members"), from `MemberItem`
// (service.ts). `memberAnswer` is also the `member` of the `member.*` webhook events.

/** An account of the community as its admins see it (`status` as the contract names it). */
export const memberAnswer = z.strictObject({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  tenantRole,
  status: z.enum(["active", "pending_approval", "suspended"]),
  /** Slugs of the member's groups. */
  groups: z.array(z.string()),
  createdAt: timeAnswer,
});
export const oneMemberAnswer = z.strictObject({ member: memberAnswer });

/** `GET /api/v1/members`: each account with its picture (`/media/…`), null for initials. */
export const memberListItemAnswer = memberAnswer.extend({ avatarUrl: z.string().nullable() });
export const memberListAnswer = listAnswer(memberListItemAnswer);
