import { env } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import { directoryDb } from "../db/client";
import { outbox } from "../db/schema";
import { deliverOutbox } from "../mail/outbox";
import { call } from "./helpers";

/** A delivered email as the development mailbox (`/api/v1/dev/mail`) shows it. */
export type DevMail = { to: string; subject: string; text: string; html: string; attachments?: { filename: string; contentType: string; content: string }[]; sentAt: string };

/** What the development mailbox holds for `to`, newest first, without delivering the outbox. */
export async function devMail(host: string, to: string, limit?: number): Promise<DevMail[]> {
  const res = await call(host, "GET", `/api/v1/dev/mail?to=${encodeURIComponent(to)}${limit === undefined ? "" : `&limit=${limit}`}`);
  if (res.status !== 200) throw new Error(`dev mail: ${res.status}`);
  return (await res.json()) as DevMail[];
}

/** Delivers the outbox, then reads the development mailbox for `to`. */
export async function inbox(host: string, to: string, limit?: number): Promise<DevMail[]> {
  await deliverOutbox(env);
  return devMail(host, to, limit);
}

/** The token of the invitation link in the `nth` newest email to `to` (the outbox delivered first). */
export async function inviteToken(host: string, to: string, nth = 0): Promise<string> {
  const mail = (await inbox(host, to))[nth];
  const token = mail && /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no invitation link in email ${nth} to ${to}`);
  return token;
}

/** The outbox rows of one community to these addresses, delivered or not. */
export async function outboxTo(tenantId: string, ...to: string[]) {
  return directoryDb(env).select().from(outbox).where(and(eq(outbox.tenantId, tenantId), to.length === 1 ? eq(outbox.to, to[0]!) : inArray(outbox.to, to)));
}
