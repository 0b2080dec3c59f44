import { EmailMessage } from "cloudflare:email";
import { createMimeMessage } from "mimetext/browser";
import { newId } from "../db/ids";
import { chunkRows, directoryDb } from "../db/client";
import { devMail } from "../db/schema";
import { isDevelopment, type Bindings } from "../env";
import { limitVar } from "../http/limits";
import type { MailMessage } from "./templates";
import { remembered } from "../../web/ui/memo";

export type OutgoingMail = MailMessage & { tenantId: string; idempotencyKey: string };

/**
 * The provider asked us to slow down (429, or 503 with `Retry-After`): nothing was sent, so the
 * outbox spends no attempt and waits at least `retryAfterMs` before that call again.
 */
export class ProviderThrottled extends Error {
  constructor(
    readonly retryAfterMs: number,
    readonly status: number,
  ) {
    super(`mail provider answered ${status} (retry after ${Math.ceil(retryAfterMs / 1000)} s)`);
  }
}

/** What a batch call reports per email: the positions the provider refused (and why); the others went. */
export type BatchOutcome = { rejected: Map<number, string> };

/** Everything the outbox needs from a mail provider. Throwing means "not sent, retry later". */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  /**
   * Optional: many in one provider call, all or none (throwing means none was sent) but for the
   * positions the outcome names as rejected. `idempotencyKey` names the call: the same emails in
   * the same call carry the same key, so a retried call is not sent twice.
   */
  sendBatch?(mails: OutgoingMail[], idempotencyKey: string): Promise<BatchOutcome | void>;
  /** Most emails one `sendBatch` call takes (default 100). */
  readonly batchSize?: number;
  /** Whether an email may travel in a batch (Resend's batch endpoint takes no attachments); default: all. */
  batchable?(mail: MailMessage): boolean;
  /**
   * `sendBatch` takes emails with attachments too (a store that keeps them whole, like the dev
   * mailbox), so the outbox claims and sends them in groups like the others. Default false: the
   * outbox never puts an email with attachments in a batch and claims those apart, singly.
   */
  readonly batchesAttachments?: boolean;
  /** Calls go to a provider with a rate limit: the outbox paces them to MAIL_RATE_PER_SECOND across every drain. */
  readonly paced?: boolean;
}

/** Development and tests: a mailbox stored in D1, readable at /api/v1/dev/mail. */
export class DevMailbox implements MailTransport {
  readonly batchSize = 200;
  /** Attachments are stored with the rest: a whole group (a booking's confirmations with their .ics) is one D1 batch. */
  readonly batchesAttachments = true;
  constructor(private readonly env: Bindings) {}
  async send(mail: OutgoingMail): Promise<void> {
    await directoryDb(this.env)
      .insert(devMail)
      .values({ id: mail.idempotencyKey || newId(), tenantId: mail.tenantId, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, attachments: mail.attachments?.length ? mail.attachments : null, sentAt: Date.now() })
      .onConflictDoNothing();
  }
  async sendBatch(mails: OutgoingMail[]): Promise<void> {
    const now = Date.now();
    // Rows of 8 bound values, 12 per statement (D1 binds at most 100), each statement's SQL
    // written once per row count (drizzle would rebuild a multi-row insert for every group).
    const inserts = chunkRows(mails, 8).map((chunk) =>
      this.env.DB.prepare(devMailInsert(chunk.length)).bind(
        ...chunk.flatMap((m) => [m.idempotencyKey, m.tenantId, m.to, m.subject, m.text, m.html, m.attachments?.length ? JSON.stringify(m.attachments) : null, now]),
      ),
    );
    for (let i = 0; i < inserts.length; i += 50) await this.env.DB.batch(inserts.slice(i, i + 50));
  }
}

/** The dev mailbox's insert of `rows` emails (`dev_mail`; attachments as drizzle's JSON text column stores them). */
const devMailInserts = remembered<string>(16);
const devMailInsert = (rows: number): string =>
  devMailInserts(String(rows), () => `insert into dev_mail (id, tenant_id, "to", subject, text, html, attachments, sent_at) values ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")} on conflict do nothing`);

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A provider's answer that is not a success: throttled (429, 503 with Retry-After) or an ordinary failure. */
function failure(res: Response): Error {
  const wait = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 429) return new ProviderThrottled(wait ?? 1000, 429);
  if (res.status === 503 && wait !== null) return new ProviderThrottled(wait, 503);
  return new Error(`mail provider answered ${res.status}`);
}

/**
 * Production: Resend's API shape (most providers accept it or sit behind a tiny adapter). One
 * JSON POST per email to MAIL_API_URL, or up to 100 per call to its batch endpoint
 * (`{MAIL_API_URL}/batch`, Resend's `POST /emails/batch`: no attachments there, so those go
 * singly). Each call carries an `Idempotency-Key`: the outbox id for one email, the batch's key
 * for a batch, so a retry after a lost answer is not sent twice.
 */
export class HttpMailTransport implements MailTransport {
  readonly paced = true;
  readonly batchSize: number;
  readonly sendBatch?: (mails: OutgoingMail[], idempotencyKey: string) => Promise<BatchOutcome>;
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly from: string,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
    /** Emails per batch call; 1 turns the batch endpoint off (a provider without one). */
    batchSize = 100,
  ) {
    this.batchSize = Math.max(1, Math.min(100, batchSize));
    if (this.batchSize > 1) this.sendBatch = (mails, key) => this.postBatch(mails, key);
  }

  batchable(mail: MailMessage): boolean {
    return !mail.attachments?.length;
  }

  private body(mail: OutgoingMail, withAttachments: boolean) {
    return {
      from: this.from,
      to: [mail.to],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // Resend's shape: `content` in base64, `content_type` beside the name.
      ...(withAttachments && mail.attachments?.length ? { attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, content_type: a.contentType })) } : {}),
    };
  }

  private headers(idempotencyKey: string): Record<string, string> {
    return { "content-type": "application/json", authorization: `Bearer ${this.apiKey}`, "idempotency-key": idempotencyKey };
  }

  async send(mail: OutgoingMail): Promise<void> {
    const res = await this.fetcher(this.url, { method: "POST", headers: this.headers(mail.idempotencyKey), body: JSON.stringify(this.body(mail, true)) });
    if (!res.ok) throw failure(res);
  }

  /** `POST {url}/batch` with permissive validation: an address the provider refuses fails alone, the others go. */
  private async postBatch(mails: OutgoingMail[], idempotencyKey: string): Promise<BatchOutcome> {
    const res = await this.fetcher(`${this.url.replace(/\/+$/, "")}/batch`, {
      method: "POST",
      headers: { ...this.headers(idempotencyKey), "x-batch-validation": "permissive" },
      body: JSON.stringify(mails.map((m) => this.body(m, false))),
    });
    if (!res.ok) throw failure(res);
    const answer = (await res.json().catch(() => ({}))) as { errors?: { index?: unknown; message?: unknown }[] };
    const rejected = new Map<number, string>();
    for (const e of Array.isArray(answer.errors) ? answer.errors : []) {
      if (typeof e.index === "number") rejected.set(e.index, String(e.message ?? "refused by the mail provider"));
    }
    return { rejected };
  }
}

// ── Cloudflare's send_email binding ─────────────────────────────────────────

/** One address out of "Name <addr@host>" or "addr@host". */
export function addressOf(mailbox: string): string {
  const m = /<([^<>\s]+)>\s*$/.exec(mailbox);
  return (m ? m[1]! : mailbox).trim();
}

/**
 * The raw RFC 5322 message for the binding: UTF-8 headers encoded (RFC 2047), a
 * multipart/alternative text and HTML body, attachments in base64 (multipart/mixed), the
 * outbox id as `Message-ID` so a resent copy is recognisable. Built with `mimetext`.
 */
export function buildMime(from: string, mail: OutgoingMail, date = new Date()): string {
  const msg = createMimeMessage();
  const fromMatch = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(from);
  msg.setSender(fromMatch && fromMatch[1] ? { name: fromMatch[1].replace(/^"|"$/g, ""), addr: fromMatch[2]! } : { addr: addressOf(from) });
  msg.setRecipient(mail.to);
  msg.setSubject(mail.subject);
  const domain = addressOf(from).split("@")[1] ?? "localhost";
  msg.setHeader("Message-ID", `<${mail.idempotencyKey}@${domain}>`);
  msg.setHeader("Date", date.toUTCString());
  msg.addMessage({ contentType: "text/plain", data: mail.text });
  msg.addMessage({ contentType: "text/html", data: mail.html });
  for (const a of mail.attachments ?? []) msg.addAttachment({ filename: a.filename, contentType: a.contentType, data: a.content });
  return msg.asRaw();
}

/** What the transport needs of the binding (`SendEmail`), so tests can hand it a fake. */
export type EmailSender = { send(message: EmailMessage): Promise<unknown> };

/**
 * Cloudflare Email Workers: the `send_email` binding (`SEND_EMAIL` in wrangler.toml), one MIME
 * message per email. The binding has no batch endpoint and no idempotency key.
 */
export class SendEmailTransport implements MailTransport {
  constructor(
    private readonly binding: EmailSender,
    private readonly from: string,
    private readonly message: (from: string, to: string, raw: string) => EmailMessage = (f, t, raw) => new EmailMessage(f, t, raw),
  ) {}
  async send(mail: OutgoingMail): Promise<void> {
    await this.binding.send(this.message(addressOf(this.from), mail.to, buildMime(this.from, mail)));
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
  if (kind === "send_email") {
    if (!env.SEND_EMAIL || !env.MAIL_FROM) throw new MailConfigError("the SEND_EMAIL binding and MAIL_FROM must be set for the send_email mail transport");
    return new SendEmailTransport(env.SEND_EMAIL, env.MAIL_FROM);
  }
  if (!env.MAIL_API_URL || !env.MAIL_API_KEY || !env.MAIL_FROM) {
    throw new MailConfigError("MAIL_API_URL, MAIL_API_KEY and MAIL_FROM must be set for the http mail transport");
  }
  return new HttpMailTransport(env.MAIL_API_URL, env.MAIL_API_KEY, env.MAIL_FROM, undefined, limitVar(env.MAIL_BATCH_SIZE, 100));
}
