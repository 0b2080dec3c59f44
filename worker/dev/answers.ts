import { z } from "zod";

/** `POST /api/v1/dev/scheduled`: the jobs that ran. */
export const clockAnswer = z.object({ ran: z.array(z.string()) });
