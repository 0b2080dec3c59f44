import { t as tr, type Lang } from "../../web/i18n";
import { formatDay } from "../../web/ui/format";
import { changesGuard, tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import type { Charge, Invoice, InvoiceLineSnapshot, InvoiceParty, Tenant } from "../db/schema";
import { webhookPayload } from "../webhooks/emit";
import { subscribed } from "../webhooks/emit-many";
import { invoiceView } from "./invoices";
import type { Bindings } from "../env";
import { invoiceIssuedMail, mailLang, tenantBrand } from "../mail/templates";
import { addDays, billingPeriods, dayInTimeZone, firstPeriod, invoiceDateOf, invoiceDayOnOrAfter, invoiceDayOnOrBefore, maxDay, periodDays, proratedFirstPeriodAmount, type BillingSchedule, type Day } from "../memberships/periods";
import { platformUrl } from "../tenancy/hosts";
import { forgetInvoicesOf } from "./cache";
import { computeInvoiceTotals, divideHalfUp, formatMoney, type InvoiceTotals } from "./money";
import { yearOfDay } from "./numbering";
import { billingSettingsOf, type BillingSettingsView } from "./settings";

// The invoice run (API.md "Invoices and payments", DESIGN.md "Member portal decisions"), as a
// function of `now` and the stored state:
//
// 1. Plan charges. For every membership that bills (active, canceling, or canceled lately),
//    every plan period whose invoice day is on or before the run's day and that starts on or
//    before `cancelsOn` becomes a charge row (the prorated first period at its prorated fee),
//    and the setup fee with the first one. The unique key (membership, kind, period start)
//    makes a retried insert a no-op: a period is charged once, whatever the retries.
// 2. Invoices. Every member's charges not yet invoiced make one invoice (none without lines).
//    A chunk of members is issued by ONE D1 batch: the counter grows by the chunk's size,
//    the invoices are inserted with their numbers read from it, each only while all of its
//    charges are still uninvoiced; a guard statement then fails on purpose unless every
//    invoice went in (a conditional insert that inserts nothing does not abort a batch), so
//    the whole batch, counter included, rolls back; then the charges get their invoice and
//    the emails enter the outbox. A number is never skipped nor given twice, and a charge
//    is invoiced once, whatever runs at the same time or is retried.
//
// The preview (`GET /me/invoices/preview`) calls the same `planChargesDue` and `draftOf`.

/** What a membership needs for its plan charges. */
export type BillableMembership = {
  id: string;
  userId: string;
  status: "pending_approval" | "active" | "canceling" | "canceled";
  startsOn: Day;
  periodsFrom: Day;
  cancelsOn: Day | null;
  plan: { name: string; priceAmount: number; currency: string; intervalMonths: number; taxRateBp: number; setupFeeAmount: number };
};

/**
 * What is already charged for a membership: the latest plan period's start and the last day any
 * plan charge paid for (they differ after a plan change: the old plan's period may run on past
 * the new schedule's start), and whether the setup fee is.
 */
export type ChargedState = { lastPeriodStart: Day | null; lastPeriodEnd?: Day | null; setupCharged: boolean };

/** A charge the run would add (no id yet). */
export type NewCharge = Pick<Charge, "userId" | "membershipId" | "kind" | "description" | "amount" | "currency" | "taxRateBp" | "periodStart" | "periodEnd">;

/**
 * The plan charges due for `m` on an invoice issued on `day`, oldest first: every period whose
 * invoice day is on or before `day`, after the last one charged and starting on or before
 * `cancelsOn`; its fee prorated for a short first period; the setup fee with the first invoice
 * (never after a plan change: `periodsFrom` then moved past `startsOn`). A day already paid for
 * is never charged again: after a plan change in the middle of a period charged in advance,
 * the new plan's periods inside it are skipped, and one that runs past it is charged for the
 * days after it only, at their share of the period's price (rounded half-up).
 */
export function planChargesDue(m: BillableMembership, invoiceDay: number, day: Day, charged: ChargedState, lang: Lang): NewCharge[] {
  if (m.status === "pending_approval") return [];
  if (m.status === "canceled" && m.cancelsOn === null) return [];
  const s: BillingSchedule = { startsOn: m.periodsFrom, invoiceDay, intervalMonths: m.plan.intervalMonths };
  const first = firstPeriod(s);
  const out: NewCharge[] = [];
  const base = { userId: m.userId, membershipId: m.id, currency: m.plan.currency, taxRateBp: m.plan.taxRateBp };
  for (const p of billingPeriods(s, day)) {
    if (invoiceDateOf(s, p) > day) continue;
    if (m.cancelsOn !== null && p.start > m.cancelsOn) break;
    if (charged.lastPeriodStart !== null && p.start <= charged.lastPeriodStart) continue;
    const paidUntil = charged.lastPeriodEnd ?? null;
    if (paidUntil !== null && p.end <= paidUntil) continue;
    if (paidUntil !== null && p.start <= paidUntil) {
      // Partly paid for already (a whole period: its own days are the base of the share).
      const from = addDays(paidUntil, 1);
      const amount = Number(divideHalfUp(BigInt(m.plan.priceAmount) * BigInt(periodDays({ start: from, end: p.end })), BigInt(periodDays(p))));
      out.push({ ...base, kind: "plan_period", description: periodLine(lang, m.plan.name, from, p.end), amount, periodStart: from, periodEnd: p.end });
      continue;
    }
    const amount = p.start === first.start ? proratedFirstPeriodAmount(s, m.plan.priceAmount) : m.plan.priceAmount;
    out.push({ ...base, kind: "plan_period", description: periodLine(lang, m.plan.name, p.start, p.end), amount, periodStart: p.start, periodEnd: p.end });
  }
  if (!charged.setupCharged && m.plan.setupFeeAmount > 0 && m.periodsFrom === m.startsOn) {
    // The membership's own first invoice: the first invoice day of the schedule from its start.
    const s0: BillingSchedule = { ...s, startsOn: m.startsOn };
    if (invoiceDateOf(s0, firstPeriod(s0)) <= day) {
      out.unshift({ ...base, kind: "setup_fee", description: tr(lang, "invoices.line.setup_fee", { plan: m.plan.name }), amount: m.plan.setupFeeAmount, periodStart: m.startsOn, periodEnd: null });
    }
  }
  return out;
}

/** A plan period's line, its days written for people in the member's language (the line is printed as stored). */
function periodLine(lang: Lang, plan: string, from: Day, to: Day): string {
  return tr(lang, "invoices.line.period", { plan, from: formatDay(lang, from), to: formatDay(lang, to) });
}

/** A charge as an invoice line's input (an existing charge, or one the preview would add). */
export type DraftCharge = NewCharge & { id: string | null; createdAt: number };

export type Draft = { lines: DraftCharge[]; totals: InvoiceTotals };

const KIND_ORDER: Record<Charge["kind"], number> = { setup_fee: 0, plan_period: 1, booking: 2, event: 3, one_off: 4 };

/** The invoice that carries `pending` (one member's charges in `currency`), lines in a stable order; null without lines. */
export function draftOf(pending: readonly DraftCharge[], currency: string): Draft | null {
  const lines = pending
    .filter((c) => c.currency === currency)
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.periodStart ?? "").localeCompare(b.periodStart ?? "") || a.createdAt - b.createdAt || (a.id ?? "").localeCompare(b.id ?? ""));
  if (lines.length === 0) return null;
  const totals = computeInvoiceTotals(
    lines.map((l) => ({ description: l.description, unitAmount: { amount: l.amount, currency }, taxRateBp: l.taxRateBp })),
    currency,
  );
  return { lines, totals };
}

/** The first invoice day a member's next invoice comes on: after their last issued one, never before today. */
export function nextIssueDay(today: Day, lastIssuedOn: Day | null, invoiceDay: number): Day {
  return invoiceDayOnOrAfter(lastIssuedOn === null ? today : maxDay(today, addDays(lastIssuedOn, 1)), invoiceDay);
}

// ---- Reading the state ---------------------------------------------------------------------

type MembershipRow = {
  id: string;
  user_id: string;
  status: BillableMembership["status"];
  starts_on: string;
  periods_from: string;
  cancels_on: string | null;
  billing_name: string | null;
  billing_address: string | null;
  billing_tax_id: string | null;
  plan_name: string;
  price_amount: number;
  currency: string;
  interval_months: number;
  tax_rate_bp: number;
  setup_fee_amount: number;
  last_start: string | null;
  last_end: string | null;
  setup_charged: number;
};

/** Canceled memberships older than this bill nothing more (their last periods were charged long ago). */
const CANCELED_LOOKBACK_DAYS = 400;

// Each subquery names `period_start is not null` so that SQLite reads it from the partial index
// charges_membership_period (without it, every membership scans the whole charges table).
export const MEMBERSHIP_SELECT = `select pm.id, pm.user_id, pm.status, pm.starts_on, pm.periods_from, pm.cancels_on, pm.billing_name, pm.billing_address, pm.billing_tax_id,
    p.name as plan_name, p.price_amount, p.currency, p.interval_months, p.tax_rate_bp, p.setup_fee_amount,
    (select max(c.period_start) from charges c where c.membership_id = pm.id and c.kind = 'plan_period' and c.period_start is not null) as last_start,
    (select max(c.period_end) from charges c where c.membership_id = pm.id and c.kind = 'plan_period' and c.period_start is not null) as last_end,
    exists (select 1 from charges c where c.membership_id = pm.id and c.kind = 'setup_fee' and c.period_start is not null) as setup_charged
  from plan_memberships pm join plans p on p.id = pm.plan_id
  where pm.tenant_id = ?1 and (pm.status in ('active', 'canceling') or (pm.status = 'canceled' and pm.cancels_on >= ?2))`;

function billable(r: MembershipRow): { m: BillableMembership; charged: ChargedState } {
  return {
    m: {
      id: r.id,
      userId: r.user_id,
      status: r.status,
      startsOn: r.starts_on,
      periodsFrom: r.periods_from,
      cancelsOn: r.cancels_on,
      plan: { name: r.plan_name, priceAmount: r.price_amount, currency: r.currency, intervalMonths: r.interval_months, taxRateBp: r.tax_rate_bp, setupFeeAmount: r.setup_fee_amount },
    },
    charged: { lastPeriodStart: r.last_start, lastPeriodEnd: r.last_end, setupCharged: Boolean(r.setup_charged) },
  };
}

async function billableMemberships(t: TenantDb, today: Day, userId?: string): Promise<MembershipRow[]> {
  const sql = userId ? `${MEMBERSHIP_SELECT} and pm.user_id = ?3` : MEMBERSHIP_SELECT;
  const stmt = t.d1.prepare(sql);
  const bound = userId ? stmt.bind(t.tenantId, addDays(today, -CANCELED_LOOKBACK_DAYS), userId) : stmt.bind(t.tenantId, addDays(today, -CANCELED_LOOKBACK_DAYS));
  return (await bound.all<MembershipRow>()).results;
}

type ChargeRow = {
  id: string;
  user_id: string;
  membership_id: string | null;
  kind: Charge["kind"];
  description: string;
  amount: number;
  currency: string;
  tax_rate_bp: number;
  period_start: string | null;
  period_end: string | null;
  created_at: number;
};

const draftCharge = (r: ChargeRow): DraftCharge => ({
  id: r.id,
  userId: r.user_id,
  membershipId: r.membership_id,
  kind: r.kind,
  description: r.description,
  amount: r.amount,
  currency: r.currency,
  taxRateBp: r.tax_rate_bp,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  createdAt: r.created_at,
});

async function uninvoicedCharges(t: TenantDb, userIds?: string[]): Promise<DraftCharge[]> {
  const base = "select id, user_id, membership_id, kind, description, amount, currency, tax_rate_bp, period_start, period_end, created_at from charges where tenant_id = ?1 and invoice_id is null";
  const stmt = userIds ? t.d1.prepare(`${base} and user_id in (select value from json_each(?2))`).bind(t.tenantId, JSON.stringify(userIds)) : t.d1.prepare(base).bind(t.tenantId);
  return (await stmt.all<ChargeRow>()).results.map(draftCharge);
}

type MemberRow = { id: string; name: string; email: string; language: string | null };

async function membersOf(t: TenantDb, userIds: string[]): Promise<Map<string, MemberRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await t.d1
    .prepare("select id, name, email, language from users where tenant_id = ?1 and id in (select value from json_each(?2))")
    .bind(t.tenantId, JSON.stringify(userIds))
    .all<MemberRow>();
  return new Map(rows.results.map((r) => [r.id, r]));
}

/** Rows per bulk insert statement (one JSON parameter each). */
const CHARGE_ROWS_PER_STATEMENT = 500;

async function insertCharges(t: TenantDb, rows: NewCharge[], now: number): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += CHARGE_ROWS_PER_STATEMENT) {
    const payload = rows.slice(i, i + CHARGE_ROWS_PER_STATEMENT).map((c) => ({ ...c, id: newId() }));
    statements.push(
      t.d1
        .prepare(
          `insert into charges (id, tenant_id, user_id, membership_id, kind, description, amount, currency, tax_rate_bp, period_start, period_end, invoice_id, created_at)
           select json_extract(j.value, '$.id'), ?1, json_extract(j.value, '$.userId'), json_extract(j.value, '$.membershipId'), json_extract(j.value, '$.kind'),
             json_extract(j.value, '$.description'), json_extract(j.value, '$.amount'), json_extract(j.value, '$.currency'), json_extract(j.value, '$.taxRateBp'),
             json_extract(j.value, '$.periodStart'), json_extract(j.value, '$.periodEnd'), null, ?2
           from json_each(?3) j where true on conflict do nothing`,
        )
        .bind(t.tenantId, now, JSON.stringify(payload)),
    );
  }
  if (statements.length > 0) await t.d1.batch(statements);
}

// ---- Issuing -------------------------------------------------------------------------------

export type RunTenant = Pick<Tenant, "id" | "name" | "subdomain" | "timezone" | "defaultLanguage" | "primaryColor" | "logoKey">;

/** One member's invoice, ready to be issued. */
type Issue = {
  invoiceId: string;
  userId: string;
  membershipId: string | null;
  chargeIds: string[];
  buyer: InvoiceParty;
  lines: InvoiceLineSnapshot[];
  subtotal: number;
  tax: number;
  total: number;
  mail: { id: string; to: string; subject: string; text: string; html: string };
};

export type RunOptions = {
  /** Members issued per D1 batch. */
  chunkSize?: number;
  /** Batches at most in this invocation; the rest is reported as `more`. */
  maxChunks?: number;
  /** D1 queries this run may send (D1 allows 1,000 per invocation); the rest is reported as `more`. */
  maxQueries?: number;
  /** Tests only: a batch that issues these members fails (a statement that errors), as a crash would. */
  sabotage?: (userIds: string[]) => boolean;
};

export type RunReport = { issued: number; charged: number; failed: number; more: boolean; /** D1 queries sent. */ queries?: number };

/**
 * `invoiceIssuedMail`, composed once per language and everything but the recipient: within a run
 * only the member's address and total vary, and the address is not in the text (composing 10,000
 * HTML emails was a tenth of a 10,000-member run). Bounded: cleared past 1,000 entries.
 */
const issuedMails = new Map<string, Omit<ReturnType<typeof invoiceIssuedMail>, "to">>();
function issuedMail(lang: Lang, p: Parameters<typeof invoiceIssuedMail>[1]): ReturnType<typeof invoiceIssuedMail> {
  const key = JSON.stringify([lang, { ...p, to: "" }]);
  let mail = issuedMails.get(key);
  if (!mail) {
    if (issuedMails.size >= 1000) issuedMails.clear();
    const { to: _to, ...rest } = invoiceIssuedMail(lang, { ...p, to: "" });
    mail = rest;
    issuedMails.set(key, mail);
  }
  return { ...mail, to: p.to };
}

/** Stands for the number in an email until the batch that gives it (SQL `replace`). */
const NUMBER_TOKEN = "{{invoice-number}}";

function issueOf(tenant: RunTenant, env: Pick<Bindings, "ROOT_DOMAIN">, billing: BillingSettingsView, day: Day, member: MemberRow, membership: MembershipRow | undefined, draft: Draft): Issue {
  const lang = mailLang(member.language, tenant.defaultLanguage);
  const currency = billing.currency;
  const lines: InvoiceLineSnapshot[] = draft.lines.map((c, i) => ({
    chargeId: c.id!,
    kind: c.kind,
    description: c.description,
    quantity: 1,
    unitAmount: c.amount,
    taxRateBp: c.taxRateBp,
    amount: draft.totals.lines[i]!.amount.amount,
    tax: draft.totals.lines[i]!.tax.amount,
  }));
  const tax = draft.totals.taxes.reduce((n, x) => n + x.amount.amount, 0);
  const dueOn = addDays(day, billing.paymentTermsDays);
  const mail = issuedMail(lang, {
    brand: tenantBrand(env, tenant),
    to: member.email,
    community: tenant.name,
    number: NUMBER_TOKEN,
    total: formatMoney(draft.totals.total, lang),
    dueOn: formatDay(lang, dueOn),
    url: platformUrl(env, tenant.subdomain, "/membership"),
  });
  return {
    invoiceId: newId(),
    userId: member.id,
    membershipId: membership?.id ?? null,
    chargeIds: draft.lines.map((c) => c.id!),
    buyer: { name: membership?.billing_name || member.name, address: membership?.billing_address ?? "", taxId: membership?.billing_tax_id ?? null, email: member.email },
    lines,
    subtotal: draft.totals.subtotal.amount,
    tax,
    total: draft.totals.total.amount,
    mail: { id: newId(), ...mail },
  };
}

/** The statements that issue `issues` all together or not at all. */
function issueBatch(t: TenantDb, billing: BillingSettingsView, day: Day, issues: Issue[], now: number, sabotage: boolean, events = false): D1PreparedStatement[] {
  const year = yearOfDay(day);
  const k = issues.length;
  const seller: InvoiceParty = { ...billing.seller };
  const dueOn = addDays(day, billing.paymentTermsDays);
  const payload = JSON.stringify(
    issues.map((i) => ({ id: i.invoiceId, userId: i.userId, membershipId: i.membershipId, chargeIds: i.chargeIds, buyer: i.buyer, lines: i.lines, subtotal: i.subtotal, tax: i.tax, total: i.total })),
  );
  const claims = JSON.stringify(issues.flatMap((i) => i.chargeIds.map((c) => [c, i.invoiceId, i.userId])));
  const mails = JSON.stringify(issues.map((i) => ({ id: i.mail.id, invoiceId: i.invoiceId, to: i.mail.to, subject: i.mail.subject, text: i.mail.text, html: i.mail.html })));
  const chargeCount = issues.reduce((n, i) => n + i.chargeIds.length, 0);
  const guard = (expected: number) => changesGuard(t.d1, expected, "the batch did not issue what it read");
  const seq = "(select sequence from document_counters where tenant_id = ?1 and series = 'invoice' and year = ?2)";
  const ref = (field: string) => `json_extract(j.value, '$.${field}')`;
  return [
    t.d1
      .prepare("insert into document_counters (tenant_id, series, year, sequence) values (?1, 'invoice', ?2, ?3) on conflict (tenant_id, series, year) do update set sequence = sequence + excluded.sequence")
      .bind(t.tenantId, year, k),
    t.d1
      .prepare(
        `insert into invoices (id, tenant_id, user_id, membership_id, number, status, issued_on, due_on, seller, buyer, lines, subtotal, tax, total, paid, currency, created_at)
         select ${ref("id")}, ?1, ${ref("userId")}, ${ref("membershipId")}, ?3 || printf('%d', ?2) || '-' || printf('%04d', ${seq} - ?4 + 1 + j.key), 'open', ?5, ?6, ?7,
           json_extract(j.value, '$.buyer'), json_extract(j.value, '$.lines'), ${ref("subtotal")}, ${ref("tax")}, ${ref("total")}, 0, ?8, ?9
         from json_each(?10) j
         where (select count(*) from charges c where c.tenant_id = ?1 and c.user_id = ${ref("userId")} and c.invoice_id is null
                  and c.id in (select value from json_each(json_extract(j.value, '$.chargeIds')))) = json_array_length(json_extract(j.value, '$.chargeIds'))
           and not exists (select 1 from invoices i2 where i2.tenant_id = ?1 and i2.user_id = ${ref("userId")} and i2.issued_on = ?5)`,
      )
      .bind(t.tenantId, year, billing.numberPrefix, k, day, dueOn, JSON.stringify(seller), billing.currency, now, payload),
    guard(k),
    t.d1
      .prepare(
        // One primary-key lookup per claim. The unary `+` keeps SQLite off the indexes on the
        // tenant and on invoice_id: with them it scanned every charge of the community and
        // looked each claimed one up among all the claims (90 % of a 10,000-member run).
        `update charges set invoice_id = json_extract(x.value, '$[1]') from json_each(?2) x
         where charges.id = json_extract(x.value, '$[0]') and +charges.tenant_id = ?1 and +charges.invoice_id is null`,
      )
      .bind(t.tenantId, claims),
    guard(chargeCount),
    t.d1
      .prepare(
        `insert into outbox (id, tenant_id, "to", subject, text, html, status, attempts, next_attempt_at, created_at)
         select ${ref("id")}, ?1, ${ref("to")}, replace(${ref("subject")}, ?2, i.number), replace(${ref("text")}, ?2, i.number), replace(${ref("html")}, ?2, i.number), 'pending', 0, ?3, ?3
         from json_each(?4) j join invoices i on i.id = ${ref("invoiceId")}
         where true on conflict do nothing`,
      )
      .bind(t.tenantId, NUMBER_TOKEN, now, mails),
    // `invoice.issued` for each invoice (the guards above fail the batch unless all landed), its number given here as in the emails.
    ...(events ? [issuedEvents(t, billing, day, dueOn, seller, issues, now)] : []),
    ...(sabotage ? [t.d1.prepare("select json('sabotaged for a test')")] : []),
  ];
}

/** The `invoice.issued` events of a batch: each invoice as `GET /invoices/{id}` answers it, for every endpoint that wants them. */
function issuedEvents(t: TenantDb, billing: BillingSettingsView, day: Day, dueOn: Day, seller: InvoiceParty, issues: Issue[], now: number): D1PreparedStatement {
  const rows = issues.map((i) => {
    const invoice: Invoice = {
      id: i.invoiceId,
      tenantId: t.tenantId,
      userId: i.userId,
      membershipId: i.membershipId,
      number: NUMBER_TOKEN,
      status: "open",
      issuedOn: day,
      dueOn,
      seller,
      buyer: i.buyer,
      lines: i.lines,
      subtotal: i.subtotal,
      tax: i.tax,
      total: i.total,
      paid: 0,
      currency: billing.currency,
      createdAt: now,
      voidReason: null,
      voidedAt: null,
      creditNoteNumber: null,
      creditNoteIssuedOn: null,
    };
    return { e: newId(), i: i.invoiceId, p: webhookPayload("invoice.issued", invoiceView(invoice), now) };
  });
  return t.d1
    .prepare(
      `insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, type, payload, status, attempts, next_attempt_at, created_at)
       select 'msg_' || lower(hex(randomblob(16))), e.tenant_id, e.id, json_extract(j.value, '$.e'), 'invoice.issued', replace(json_extract(j.value, '$.p'), ?2, i.number), 'pending', 0, ?3, ?3
       from json_each(?4) j join invoices i on i.id = json_extract(j.value, '$.i') and i.tenant_id = ?1, webhook_endpoints e
       where e.tenant_id = ?1 and e.enabled = 1 and exists (select 1 from json_each(e.events) where json_each.value = 'invoice.issued')`,
    )
    .bind(t.tenantId, NUMBER_TOKEN, now, JSON.stringify(rows));
}

/**
 * Issues the invoices of one community on `day`: plan charges first (bulk, idempotent), then
 * one invoice per member with charges left, a chunk of members per batch. A chunk whose batch
 * fails (another run got some of its charges first, or anything else) is retried member by
 * member from the stored state; a member whose own batch still fails is counted in `failed`
 * and left for the next run, which issues it without skipping or repeating a number.
 */
export async function issueInvoices(env: Pick<Bindings, "DB" | "ROOT_DOMAIN">, tenant: RunTenant, billing: BillingSettingsView, day: Day, now: number, opts: RunOptions = {}): Promise<RunReport> {
  const t = tenantDb(env, tenant);
  // A batch is a D1 round trip whose fixed cost outweighs its rows: 250 members per batch
  // issue 10,000 in 40 of them (each batch's JSON stays far under D1's 2 MB per value).
  const chunkSize = opts.chunkSize ?? 250;
  const maxChunks = opts.maxChunks ?? Infinity;
  const maxQueries = opts.maxQueries ?? 900;
  // Reads and bulk charge inserts are counted as they go; a batch counts its statements.
  let queries = 6;
  const memberships = await billableMemberships(t, day);
  const langs = await membersOf(t, [...new Set(memberships.map((r) => r.user_id))]);
  const due: NewCharge[] = [];
  for (const r of memberships) {
    const { m, charged } = billable(r);
    if (m.plan.currency !== billing.currency) continue;
    due.push(...planChargesDue(m, billing.invoiceDay, day, charged, mailLang(langs.get(m.userId)?.language, tenant.defaultLanguage)));
  }
  await insertCharges(t, due, now);
  queries += Math.ceil(due.length / CHARGE_ROWS_PER_STATEMENT);

  const pending = await uninvoicedCharges(t);
  const byUser = new Map<string, DraftCharge[]>();
  for (const c of pending) byUser.set(c.userId, [...(byUser.get(c.userId) ?? []), c]);
  // One invoice per member and invoice day: what arrives after it waits for the next one.
  const invoicedToday = new Set(
    (await t.d1.prepare("select user_id from invoices where tenant_id = ?1 and issued_on = ?2").bind(t.tenantId, day).all<{ user_id: string }>()).results.map((r) => r.user_id),
  );
  const userIds = [...byUser.keys()].filter((u) => !invoicedToday.has(u)).sort();
  const members = await membersOf(t, userIds);
  // The membership an invoice belongs to: the member's billing one (the latest when several).
  const membershipOf = new Map<string, MembershipRow>();
  for (const r of memberships) if (!membershipOf.has(r.user_id) || r.starts_on > membershipOf.get(r.user_id)!.starts_on) membershipOf.set(r.user_id, r);

  const build = (userId: string, charges: DraftCharge[]): Issue | null => {
    const member = members.get(userId);
    const draft = draftOf(charges, billing.currency);
    if (!member || !draft) return null;
    return issueOf(tenant, env, billing, day, member, membershipOf.get(userId), draft);
  };
  const issues = userIds.map((u) => build(u, byUser.get(u)!)).filter((i): i is Issue => i !== null);

  const report: RunReport = { issued: 0, charged: due.length, failed: 0, more: false };
  // Asked once per run: no event is built when no endpoint wants them.
  const events = issues.length > 0 && (await subscribed(t, "invoice.issued"));
  queries += 1;
  const BATCH_QUERIES = 7;
  const affordable = (n: number) => chunks < maxChunks && queries + n <= maxQueries;
  const tryBatch = async (chunk: Issue[]): Promise<boolean> => {
    chunks++;
    queries += BATCH_QUERIES;
    try {
      await t.d1.batch(issueBatch(t, billing, day, chunk, now, opts.sabotage?.(chunk.map((i) => i.userId)) ?? false, events));
      return true;
    } catch {
      return false;
    }
  };
  let chunks = 0;
  for (let i = 0; i < issues.length; i += chunkSize) {
    if (!affordable(BATCH_QUERIES + 1)) {
      report.more = true;
      break;
    }
    const chunk = issues.slice(i, i + chunkSize);
    if (await tryBatch(chunk)) {
      report.issued += chunk.length;
      continue;
    }
    // One by one, from what is stored now: what another run issued meanwhile is gone.
    queries += 2;
    const fresh = await uninvoicedCharges(t, chunk.map((c) => c.userId));
    const done = new Set(
      (await t.d1.prepare("select user_id from invoices where tenant_id = ?1 and issued_on = ?2 and user_id in (select value from json_each(?3))").bind(t.tenantId, day, JSON.stringify(chunk.map((c) => c.userId))).all<{ user_id: string }>()).results.map((r) => r.user_id),
    );
    for (const issue of chunk) {
      if (done.has(issue.userId)) continue;
      const single = build(issue.userId, fresh.filter((c) => c.userId === issue.userId));
      if (!single) continue;
      if (!affordable(BATCH_QUERIES + 1)) {
        report.more = true;
        break;
      }
      if (await tryBatch([single])) report.issued++;
      else report.failed++;
    }
  }
  report.queries = queries + 1;
  // The members' dashboards (unpaid invoices, next invoice) read again in this isolate.
  if (report.issued > 0 || due.length > 0) forgetInvoicesOf(tenant.id);
  if (!report.more && report.failed === 0) {
    await t.d1.prepare("insert into invoice_runs (tenant_id, day, finished_at) values (?1, ?2, ?3) on conflict do nothing").bind(t.tenantId, day, now).run();
  }
  return report;
}

// ---- The scheduled job ---------------------------------------------------------------------

type TenantRow = {
  id: string;
  name: string;
  subdomain: string;
  timezone: string;
  default_language: string;
  primary_color: string;
  logo_key: string | null;
  invoice_day: number;
  /** The latest day a run of this community finished. */
  last_run: string | null;
  /** The earliest start of a membership that bills, and the oldest charge not invoiced (ms). */
  first_start: string | null;
  first_charge_at: number | null;
};

/**
 * Whether a community's run is due on `today` (its day in its timezone): its latest invoice day on or before
 * `today` has no finished run (the cron missed it, or the development clock jumped past it),
 * and something was there to bill by that day (today's invoice day always runs). A run on a
 * later day issues what every invoice day before left unissued; `issuedOn` is the run's day.
 */
export function invoiceRunDue(today: Day, invoiceDay: number, state: { lastRun: Day | null; firstStart: Day | null; firstChargeDay: Day | null }): boolean {
  const latest = invoiceDayOnOrBefore(today, invoiceDay);
  if (state.lastRun !== null && state.lastRun >= latest) return false;
  if (latest === today) return true;
  // A missed day only counts when it had work: a membership billed by then, or a charge made by then.
  const billedBy = state.firstStart !== null && invoiceDayOnOrAfter(state.firstStart, invoiceDay) <= latest;
  return billedBy || (state.firstChargeDay !== null && state.firstChargeDay <= latest);
}

/**
 * Every community whose run is due at `now` (`invoiceRunDue`, in its timezone), or one: its
 * invoices issued. One query when nothing is due, however many communities (the cron fires
 * every minute): what decides is read with the communities. Communities are independent:
 * one failing does not stop the others.
 */
export async function runInvoiceJob(env: Bindings, now: number, scope: { tenantId?: string } = {}, opts: RunOptions = {}): Promise<RunReport> {
  const rows = await env.DB.prepare(
    `select t.id, t.name, t.subdomain, t.timezone, t.default_language, t.primary_color, t.logo_key, coalesce(b.invoice_day, 1) as invoice_day,
       (select max(r.day) from invoice_runs r where r.tenant_id = t.id) as last_run,
       (select min(pm.starts_on) from plan_memberships pm where pm.tenant_id = t.id and pm.status <> 'pending_approval') as first_start,
       (select min(c.created_at) from charges c where c.tenant_id = t.id and c.invoice_id is null) as first_charge_at
     from tenants t left join billing_settings b on b.tenant_id = t.id
     where (?1 is null or t.id = ?1)
       and (exists (select 1 from plan_memberships pm where pm.tenant_id = t.id and pm.status <> 'pending_approval')
            or exists (select 1 from charges c where c.tenant_id = t.id and c.invoice_id is null))`,
  )
    .bind(scope.tenantId ?? null)
    .all<TenantRow>();
  const report: RunReport = { issued: 0, charged: 0, failed: 0, more: false };
  // One budget of queries for the whole invocation (D1 counts them per invocation): what
  // does not fit is reported as `more`, and the caller continues it (worker/jobs/runner.ts).
  let budget = (opts.maxQueries ?? 900) - 1;
  for (const row of rows.results) {
    const tenant: RunTenant = { id: row.id, name: row.name, subdomain: row.subdomain, timezone: row.timezone, defaultLanguage: row.default_language, primaryColor: row.primary_color, logoKey: row.logo_key };
    let day: Day;
    try {
      day = dayInTimeZone(now, tenant.timezone);
    } catch {
      continue;
    }
    const due = invoiceRunDue(day, row.invoice_day, {
      lastRun: row.last_run,
      firstStart: row.first_start,
      firstChargeDay: row.first_charge_at === null ? null : dayInTimeZone(row.first_charge_at, tenant.timezone),
    });
    if (!due) continue;
    if (budget < 30) {
      report.more = true;
      break;
    }
    budget -= 1;
    const billing = await billingSettingsOf(tenantDb(env, tenant), tenant.name);
    try {
      const r = await issueInvoices(env, tenant, billing, day, now, { ...opts, maxQueries: budget });
      budget -= r.queries ?? 0;
      report.issued += r.issued;
      report.charged += r.charged;
      report.failed += r.failed;
      report.more ||= r.more;
    } catch (err) {
      console.error("invoice run failed", tenant.id, err);
      report.failed++;
    }
  }
  return report;
}

/** Whether the community's run of `day` finished (later runs of that day skip it). */
async function runFinished(db: D1Database, tenantId: string, day: Day): Promise<boolean> {
  return (await db.prepare("select 1 as x from invoice_runs where tenant_id = ?1 and day = ?2").bind(tenantId, day).first()) !== null;
}

/** The member's next invoice as the run would issue it on its day (`nextIssueDay`), or null when it would bill nothing. */
export async function previewInvoice(t: TenantDb, tenant: Pick<Tenant, "defaultLanguage">, billing: BillingSettingsView, today: Day, user: { id: string; language: string | null }): Promise<{ date: Day; draft: Draft } | null> {
  const last = await t.d1.prepare("select max(issued_on) as d from invoices where tenant_id = ?1 and user_id = ?2").bind(t.tenantId, user.id).first<{ d: string | null }>();
  const from = (await runFinished(t.d1, t.tenantId, today)) ? addDays(today, 1) : today;
  const date = nextIssueDay(from, last?.d ?? null, billing.invoiceDay);
  const lang = mailLang(user.language, tenant.defaultLanguage);
  const added: DraftCharge[] = [];
  for (const r of await billableMemberships(t, date, user.id)) {
    const { m, charged } = billable(r);
    if (m.plan.currency !== billing.currency) continue;
    added.push(...planChargesDue(m, billing.invoiceDay, date, charged, lang).map((c) => ({ ...c, id: null, createdAt: 0 })));
  }
  const draft = draftOf([...added, ...(await uninvoicedCharges(t, [user.id]))], billing.currency);
  return draft ? { date, draft } : null;
}
