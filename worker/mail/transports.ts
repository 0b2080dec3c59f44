import { newId } from "../db/ids";
import { chunkRows, directoryDb } from "../db/client";
import { devMail } from "../db/schema";
import { isDevelopment, type Bindings } from "../env";
import type { MailMessage } from "./templates";

export type OutgoingMail = MailMessage & { tenantId: string; idempotencyKey: string };

/** Everything the outbox needs from a mail provider. Throwing means "not sent, retry later". */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  /** Optional: many at once (all or none; throwing means none was sent). */
  sendBatch?(mails: OutgoingMail[]): Promise<void>;
}

/** Development and tests: a mailbox stored in D1, readable at /api/v1/dev/mail. */
export class DevMailbox implements MailTransport {
  constructor(private readonly env: Bindings) {}
  async send(mail: OutgoingMail): Promise<void> {
    await directoryDb(this.env)
      .insert(devMail)
      .values({ id: mail.idempotencyKey || newId(), tenantId: mail.tenantId, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, attachments: mail.attachments?.length ? mail.attachments : null, sentAt: Date.now() })
      .onConflictDoNothing();
  }
  async sendBatch(mails: OutgoingMail[]): Promise<void> {
    const db = directoryDb(this.env);
    const now = Date.now();
    const inserts = chunkRows(mails, 8).map((chunk) =>
      db
        .insert(devMail)
        .values(chunk.map((m) => ({ id: m.idempotencyKey, tenantId: m.tenantId, to: m.to, subject: m.subject, text: m.text, html: m.html, attachments: m.attachments?.length ? m.attachments : null, sentAt: now })))
        .onConflictDoNothing(),
    );
    for (let i = 0; i < inserts.length; i += 50) {
      const [first, ...rest] = inserts.slice(i, i + 50);
      if (first) await db.batch([first, ...rest]);
    }
  }
}

/**
 * Production: one JSON POST per email to MAIL_API_URL with a bearer key
 * (Resend's API shape; most providers accept it or sit behind a tiny adapter).
 * The outbox id travels as Idempotency-Key so a retry after a lost answer is not sent twice.
 */
export class HttpMailTransport implements MailTransport {
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly from: string,
    private readonly fetcher: typeof fetch = fetch,
  ) {}
  async send(mail: OutgoingMail): Promise<void> {
    const res = await this.fetcher(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.apiKey}`, "idempotency-key": mail.idempotencyKey },
      body: JSON.stringify({
        from: this.from,
        to: [mail.to],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // Resend's shape: `content` in base64, `content_type` beside the name.
        ...(mail.attachments?.length ? { attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, content_type: a.contentType })) } : {}),
      }),
    });
    if (!res.ok) throw new Error(`mail provider answered ${res.status}`);
  }
}

export class MailConfigError extends Error {}

let override: MailTransport | null = null;
/** Tests replace the transport (to make it fail, for instance). */
export function setMailTransportForTests(transport: MailTransport | null): void {
  override = transport;
}

export function mailTransport(env: Bindings): MailTransport {
  if (override) return override;
  const kind = env.MAIL_TRANSPORT ?? (isDevelopment(env) ? "dev" : "http");
  if (kind === "dev") {
    if (!isDevelopment(env)) throw new MailConfigError("MAIL_TRANSPORT=dev is only allowed in development");
    return new DevMailbox(env);
  }
  if (!env.MAIL_API_URL || !env.MAIL_API_KEY || !env.MAIL_FROM) {
    throw new MailConfigError("MAIL_API_URL, MAIL_API_KEY and MAIL_FROM must be set for the http mail transport");
  }
  return new HttpMailTransport(env.MAIL_API_URL, env.MAIL_API_KEY, env.MAIL_FROM);
}
