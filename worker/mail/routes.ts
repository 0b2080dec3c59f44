import { and, desc, eq, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { directoryDb } from "../db/client";
import { devMail } from "../db/schema";
import { isDevelopment, type AppEnv } from "../env";
import { notFound } from "../http/errors";
import { doc } from "../openapi/describe";
import { z } from "zod";
import { devMailAnswer } from "./answers";

/** The development mailbox. It does not exist in any other environment. */
export const devMailApi = new Hono<AppEnv>().get(
  "/dev/mail",
  doc({
    summary: "The emails the app has sent, newest first (development only)",
    answers: { 200: devMailAnswer },
    errors: { 404: ["not_found"] },
    public: true,
    query: z.object({ to: z.string().optional(), limit: z.string().optional().describe("1 to 200, default 50") }),
  }),
  async (c) => {
  if (!isDevelopment(c.env)) throw notFound();
  const tenant = c.get("tenant");
  const to = c.req.query("to")?.trim().toLowerCase();
  const filters: SQL[] = [];
  if (tenant) filters.push(eq(devMail.tenantId, tenant.id));
  if (to) filters.push(eq(devMail.to, to));
  const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 50) || 50, 1), 200);
  const rows = await directoryDb(c.env)
    .select()
    .from(devMail)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(devMail.sentAt), desc(devMail.id))
    .limit(limit);
  return c.json(rows.map((r) => ({ to: r.to, subject: r.subject, text: r.text, html: r.html, attachments: r.attachments ?? [], sentAt: new Date(r.sentAt).toISOString() })));
});
