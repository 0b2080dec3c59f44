import { z } from "zod";

/** `GET /api/v1/dev/mail`: the development mailbox, newest first. */
export const devMailAnswer = z.array(
  z.object({
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    attachments: z.array(z.unknown()),
    sentAt: z.string(),
  }),
);
