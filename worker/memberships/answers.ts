import { z } from "zod";
import { dayAnswer, listAnswer } from "../invoices/answers";
import { planAnswer } from "../plans/answers";

// What the membership routes answer (API.md "Plans and memberships"), from `MembershipView`
// and `MembershipListItem` (service.ts). `membershipAnswer` is also the `data` of the
// `membership.*` webhook events.

export const membershipStatusAnswer = z.enum(["pending_approval", "active", "canceling", "canceled"]);

export const membershipAnswer = z.strictObject({
  id: z.string(),
  userId: z.string(),
  plan: planAnswer,
  status: membershipStatusAnswer,
  startedOn: dayAnswer,
  /** Null before the start day and while `pending_approval` (and once it no longer runs). */
  currentPeriod: z.strictObject({ start: dayAnswer, end: dayAnswer }).nullable(),
  nextInvoiceDate: dayAnswer.nullable(),
  cancelsOn: dayAnswer.nullable(),
  scheduledChange: z.strictObject({ plan: planAnswer, on: dayAnswer }).nullable(),
  billing: z.strictObject({ name: z.string(), address: z.string(), taxId: z.string().nullable() }).nullable(),
});
/** A 200 or 201 that answers one membership. */
export const oneMembershipAnswer = z.strictObject({ membership: membershipAnswer });

/** `GET /api/v1/memberships`: each membership with its member. */
export const membershipListItemAnswer = membershipAnswer.extend({ member: z.strictObject({ id: z.string(), name: z.string(), email: z.string() }) });
export const membershipListAnswer = listAnswer(membershipListItemAnswer);
