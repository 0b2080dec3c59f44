import { Hono } from "hono";
import { z } from "zod";
import { runScheduled } from "../cron";
import { isDevelopment, type AppEnv } from "../env";
import { notFound } from "../http/errors";
import { guard, json } from "../http/validate";
import { doc } from "../openapi/describe";
import { clockAnswer } from "./answers";

const clockSchema = z.object({
  at: z.iso.datetime({ offset: true, error: "an ISO time such as 2026-12-01T09:00:00Z" }),
});

/**
 * The development clock: runs every scheduled job once as if the cron fired at `at`, for this
 * tenant on a tenant host and for every tenant on the root host, and answers once nothing
 * due at `at` is left. This is how tests move time instead of waiting.
 */
const developmentOnly = guard((c) => {
  if (!isDevelopment(c.env)) throw notFound();
});

export const devClockApi = new Hono<AppEnv>().post(
  "/dev/scheduled",
  doc({
    summary: "Run every scheduled job as if the cron fired at `at` (development only)",
    description: "On a community's host for that community only, on the root host for every community. Answers once all that is due at `at` is done.",
    answers: { 200: clockAnswer },
    errors: { 404: ["not_found"] },
    public: true,
  }),
  developmentOnly, json(clockSchema), async (c) => {
  const { at } = c.req.valid("json");
  const tenant = c.get("tenant");
  const report = await runScheduled(c.env, Date.parse(at), { drain: true, ...(tenant ? { tenantId: tenant.id } : {}) });
  return c.json({ ran: report.ran });
});
