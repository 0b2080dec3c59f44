import { formatDay } from "../../web/ui/format";
import { newId } from "../db/ids";
import type { Bindings } from "../env";
import { invoiceReminderMail, mailLang, tenantBrand } from "../mail/templates";
import { addDays, dayInTimeZone, daysBetween, type Day } from "../memberships/periods";
import { platformUrl } from "../tenancy/hosts";
import { formatMoney } from "./money";

// Dunning (API.md "Invoices and payments"): an unpaid invoice (`open`, balance above 0) gets one
// reminder email 3, 10 and 20 days after its due day, days counted in its community's
// timezone. A function of `now` and the stored state, like every scheduled job:
//
// - The step an invoice is due for is the latest one reached (`reminderStepDue`); it goes only
//   when no reminder of that step or a later one went before. So a job that first runs late
//   sends the latest reminder due only (at +12 days the +10 one, and the +20 one at +20).
// - Each reminder is a row of `invoice_reminders` (primary key: invoice, step) carrying the id
//   of its email, and the email enters the outbox in the same D1 batch only when that row is
//   the one this batch inserted: concurrent or repeated runs send each reminder once.
// - The row goes in only while the invoice is still open with the very `paid` amount the email
//   was written with: a payment or a void in between stops it (the next run writes the new
//   balance), so an email never shows a stale balance.
// - Writes are bulk (`INSERT … SELECT … FROM json_each(?)`), a bounded number per invocation;
//   the rest is reported as `more` (the caller continues through the JobRunner's alarm).

/** Days after the due day when a reminder goes, in order. */
export const REMINDER_STEPS = [3, 10, 20] as const;

/**
 * Invoices due longer ago than this many days before today get no first reminder any more:
 * the daily scan stays bounded however many old unpaid invoices pile up (admins chase those).
 */
export const DUNNING_LOOKBACK_DAYS = 80;

/** The latest reminder step reached on `today` for an invoice due on `dueOn`, or null before the first one. */
export function reminderStepDue(dueOn: Day, today: Day): number | null {
  const late = daysBetween(dueOn, today);
  let step: number | null = null;
  for (const s of REMINDER_STEPS) if (late >= s) step = s;
  return step;
}

export type DunningOptions = {
  /** Reminders written per D1 batch. */
  chunkSize?: number;
  /** Reminders at most in this invocation; the rest is reported as `more`. */
  maxReminders?: number;
};

export type DunningReport = { sent: number; more: boolean };

type CandidateRow = {
  id: string;
  tenant_id: string;
  number: string;
  due_on: string;
  total: number;
  paid: number;
  currency: string;
  today: string;
  step: number;
  email: string;
  language: string | null;
  tenant_name: string;
  subdomain: string;
  default_language: string;
  primary_color: string;
  logo_key: string | null;
};

// The step reached, in SQL (days between two ISO days through julianday, both at midnight).
const STEP_SQL = `case when julianday(z.value) - julianday(i.due_on) >= 20 then 20
  when julianday(z.value) - julianday(i.due_on) >= 10 then 10
  when julianday(z.value) - julianday(i.due_on) >= 3 then 3 else 0 end`;

/**
 * Sends the reminders due at `now`, every community (or one: `scope.tenantId`). Two reads
 * when nothing is due: the timezones in use, then the open invoices past a step without its
 * reminder (through the partial index on open invoices by due day).
 */
export async function runDunningJob(env: Pick<Bindings, "DB" | "ROOT_DOMAIN">, now: number, scope: { tenantId?: string } = {}, opts: DunningOptions = {}): Promise<DunningReport> {
  const chunkSize = opts.chunkSize ?? 100;
  const maxReminders = opts.maxReminders ?? 1000;
  const zones = (
    await env.DB.prepare("select distinct timezone from tenants where (?1 is null or id = ?1)").bind(scope.tenantId ?? null).all<{ timezone: string }>()
  ).results;
  // Each community's day, by timezone (one entry per zone in use).
  const todayByZone: Record<string, Day> = {};
  for (const { timezone } of zones) {
    try {
      todayByZone[timezone] = dayInTimeZone(now, timezone);
    } catch {
      // An unknown zone (never stored by the API): its communities wait for a valid one.
    }
  }
  const days = Object.values(todayByZone).sort();
  if (days.length === 0) return { sent: 0, more: false };
  const latestDue = addDays(days.at(-1)!, -REMINDER_STEPS[0]);
  const earliestDue = addDays(days[0]!, -(REMINDER_STEPS.at(-1)! + DUNNING_LOOKBACK_DAYS));

  const rows = (
    await env.DB.prepare(
      `select i.id, i.tenant_id, i.number, i.due_on, i.total, i.paid, i.currency, z.value as today, ${STEP_SQL} as step,
         u.email, u.language, t.name as tenant_name, t.subdomain, t.default_language, t.primary_color, t.logo_key
       from invoices i
       join tenants t on t.id = i.tenant_id
       join json_each(?1) z on z.key = t.timezone
       join users u on u.id = i.user_id
       where i.status = 'open' and i.due_on <= ?2 and i.due_on >= ?3 and i.total > i.paid
         and (?4 is null or i.tenant_id = ?4)
         and coalesce((select max(r.step) from invoice_reminders r where r.invoice_id = i.id), 0) < ${STEP_SQL}
       order by i.due_on, i.id
       limit ?5`,
    )
      .bind(JSON.stringify(todayByZone), latestDue, earliestDue, scope.tenantId ?? null, maxReminders + 1)
      .all<CandidateRow>()
  ).results;
  const more = rows.length > maxReminders;
  const due = rows.slice(0, maxReminders).filter((r) => r.step > 0);

  let sent = 0;
  for (let i = 0; i < due.length; i += chunkSize) {
    const chunk = due.slice(i, i + chunkSize).map((r) => reminderOf(env, r));
    const [inserted] = await env.DB.batch(reminderBatch(env.DB, chunk, now));
    sent += inserted?.meta.changes ?? 0;
  }
  return { sent, more };
}

type Reminder = { tenantId: string; invoiceId: string; step: number; today: Day; paid: number; mailId: string; to: string; subject: string; text: string; html: string };

function reminderOf(env: Pick<Bindings, "ROOT_DOMAIN">, r: CandidateRow): Reminder {
  const lang = mailLang(r.language, r.default_language);
  const mail = invoiceReminderMail(lang, {
    brand: tenantBrand(env, { subdomain: r.subdomain, primaryColor: r.primary_color, logoKey: r.logo_key }),
    to: r.email,
    community: r.tenant_name,
    number: r.number,
    balance: formatMoney({ amount: r.total - r.paid, currency: r.currency }, lang),
    dueOn: formatDay(lang, r.due_on),
    step: r.step,
    url: platformUrl(env, r.subdomain, `/membership/invoices/${r.id}`),
  });
  return { tenantId: r.tenant_id, invoiceId: r.id, step: r.step, today: r.today, paid: r.paid, mailId: newId(), ...mail };
}

/** The reminder rows, then the emails of the rows this batch inserted (not another run's). */
function reminderBatch(db: D1Database, chunk: Reminder[], now: number): [D1PreparedStatement, D1PreparedStatement] {
  const ref = (field: string) => `json_extract(j.value, '$.${field}')`;
  const rows = JSON.stringify(chunk.map((r) => ({ tenantId: r.tenantId, invoiceId: r.invoiceId, step: r.step, today: r.today, paid: r.paid, mailId: r.mailId })));
  const mails = JSON.stringify(chunk.map((r) => ({ tenantId: r.tenantId, invoiceId: r.invoiceId, step: r.step, mailId: r.mailId, to: r.to, subject: r.subject, text: r.text, html: r.html })));
  return [
    db
      .prepare(
        `insert into invoice_reminders (tenant_id, invoice_id, step, sent_on, mail_id, created_at)
         select i.tenant_id, i.id, ${ref("step")}, ${ref("today")}, ${ref("mailId")}, ?1
         from json_each(?2) j join invoices i on i.id = ${ref("invoiceId")} and i.tenant_id = ${ref("tenantId")}
         where i.status = 'open' and i.paid = ${ref("paid")} and i.total > i.paid
           and not exists (select 1 from invoice_reminders r where r.invoice_id = i.id and r.step >= ${ref("step")})
         on conflict do nothing`,
      )
      .bind(now, rows),
    db
      .prepare(
        `insert into outbox (id, tenant_id, "to", subject, text, html, status, attempts, next_attempt_at, created_at)
         select ${ref("mailId")}, ${ref("tenantId")}, ${ref("to")}, ${ref("subject")}, ${ref("text")}, ${ref("html")}, 'pending', 0, ?1, ?1
         from json_each(?2) j
         where exists (select 1 from invoice_reminders r where r.invoice_id = ${ref("invoiceId")} and r.step = ${ref("step")} and r.mail_id = ${ref("mailId")})
         on conflict do nothing`,
      )
      .bind(now, mails),
  ];
}
