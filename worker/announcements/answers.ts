import { z } from "zod";
import { listAnswer, timeAnswer } from "../invoices/answers";

// What the announcement routes answer (API.md "Switches, status and messages"), from `AnnouncementView`.

export const announcementAnswer = z.strictObject({
  id: z.string(),
  title: z.string(),
  /** Markdown source. */
  body: z.string(),
  email: z.boolean(),
  /** Plan ids it targets (empty with no plan target). */
  plans: z.array(z.string()),
  /** Group slugs it targets. */
  groups: z.array(z.string()),
  until: timeAnswer.nullable(),
  createdAt: timeAnswer,
});
export const oneAnnouncementAnswer = z.strictObject({ announcement: announcementAnswer });
export const announcementListAnswer = listAnswer(announcementAnswer);
