import { z } from "zod";
import { listAnswer, moneyAnswer, percentAnswer } from "../invoices/answers";

// What the plan routes answer (API.md "Plans and memberships"), from `PlanView` (types.ts).

export const planAnswer = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  price: moneyAnswer,
  intervalMonths: z.number().int().min(1).max(12),
  taxRate: percentAnswer,
  approvalRequired: z.boolean(),
  hidden: z.boolean(),
  noticeDays: z.number().int().min(0).max(365),
  setupFee: moneyAnswer,
  credits: z.strictObject({ minutes: z.number().int().min(0), categories: z.array(z.string()) }),
  /** Slugs of the groups this plan opens (paid groups). */
  groups: z.array(z.string()),
  archived: z.boolean(),
});
export const planListAnswer = listAnswer(planAnswer);
/** A 200 or 201 that answers one plan. */
export const onePlanAnswer = z.strictObject({ plan: planAnswer });
