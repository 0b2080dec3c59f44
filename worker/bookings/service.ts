import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, notExists, or, sql } from "drizzle-orm";
import { webhookEventAfterChangeStatement } from "../webhooks/emit";
import { prepared, webhookEvents } from "../webhooks/emit-many";
import { z } from "zod";
import { msg, t as tr, type Lang } from "../../web/i18n";
import { changesGuard, isGuardFailure, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { bookings, events, hiddenResources, resources, users, type Booking, type Plan, type Resource } from "../db/schema";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { ApiError, conflict, forbidden, notFound } from "../http/errors";
import { bookingChargeStatement, uninvoicedChargeRemoval } from "../invoices/charges";
import { divideHalfUp, type Money } from "../invoices/money";
import { addDays, dayInTimeZone, isDay, periodContaining, type BillingSchedule, type Day } from "../memberships/periods";
import type { Clock } from "../memberships/service";
import { givesAccess } from "../memberships/service";
import { mailLang } from "../mail/templates";
import { dateFormat } from "../../web/ui/format";
import { viewerRoles } from "../groups/queries";
import { fitsOpeningHours, wallClock, wallTimeMs } from "./hours";
import type { BookingNotice } from "../calendar/mail";
import { forgetBookingsOf } from "./cache";
import { bookingFacts, rememberCreditsUsed, type BookerMembership, type BookingFacts } from "./facts";

// Bookings (API.md "Resources and bookings", DESIGN.md "Member portal decisions"). A booking
// holds one unit of a resource over the half-open interval [from, to). It is inserted by ONE
// conditional statement that checks, at `from` and at the start of every booking starting inside
// [from, to), that fewer than the resource's `units` bookings run at that instant (the most
// bookings running at once over an interval is reached at one of those instants), and that the
// credits it uses are still there; D1 runs one statement at a time, so of concurrent requests for
// one slot exactly `units` get in. Its charge (the price beyond credits) is inserted in the same
// batch, only when the booking went in.

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY_MS = 86_400_000;

const instant = z
  .string({ error: "field.required" })
  .max(40, msg("field.too_long", { max: 40 }))
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)), { message: "field.invalid" })
  .transform((s) => Date.parse(s));
const wholeMinute = instant.refine((ms) => ms % MINUTE === 0, { message: "field.invalid" });
const id = z.string({ error: "field.required" }).min(1, "field.required").max(64, msg("field.too_long", { max: 64 }));

const slot = z.strictObject({ resourceId: id, from: wholeMinute, to: wholeMinute, userId: id.optional() });
const ordered = <T extends { from: number; to: number }>(s: z.ZodType<T>) =>
  s.superRefine((v, ctx) => {
    if (v.from >= v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "field.invalid" });
  });

export const previewInput = ordered(slot);
export const bookingInput = ordered(
  slot.extend({
    title: z.string().trim().max(200, msg("field.too_long", { max: 200 })).optional(),
    repeat: z
      .strictObject({
        every: z.enum(["day", "week"], { error: "field.option" }),
        count: z.number().int("field.invalid").min(2, msg("field.too_small", { min: 2 })).max(100, msg("field.too_big", { max: 100 })).optional(),
        until: z.string().refine(isDay, { message: "field.day" }).optional(),
      })
      .optional(),
  }),
);
export type PreviewInput = z.output<typeof previewInput>;
export type BookingInput = z.output<typeof bookingInput>;

/** The rules a booking can break, in the contract's order. */
export const RULE_PROBLEMS = ["in_past", "inside_cutoff", "too_short", "too_long", "outside_opening_hours"] as const;
export type Problem = "membership_required" | (typeof RULE_PROBLEMS)[number] | "slot_taken";

/** Who asks, and for whom. */
export type Booker = {
  actorId: string;
  admin: boolean;
  userId: string;
  /** The member's language (their charge's line is written in it). */
  language: string | null;
  /** The member's name (the `booking.created` webhook's `member`), when known without a query. */
  name?: string;
};

export type Quote = {
  resource: Resource;
  userId: string;
  fromMs: number;
  toMs: number;
  minutes: number;
  price: Money;
  creditsUsedMinutes: number;
  /** The membership and period whose credits are used, how many that period has, and how many were used before this booking (null without credits). */
  credits: { membershipId: string; periodStart: Day; perPeriod: number; usedBefore: number } | null;
  membershipId: string | null;
  taxRateBp: number;
  /** Rule problems (membership_required included); `slot_taken` is the insert's business. */
  problems: Problem[];
  /** The facts it was priced from, re-checked by its insert (`factsCheck`). */
  basis: { admin: boolean; ms: BookerMembership | null; invoiceDay: number };
};

/** What a booking is priced from (facts.ts): the resource the booker may book, and the rest of the facts. */
type BookingContext = BookingFacts & { resource: Resource };

/**
 * The facts a booking request is priced from (remembered, or read in one batch; `fresh`: read
 * now): 404 when the resource is unknown, deleted, hidden, or hidden for that member, unless the
 * booker is an admin — decided again on fresh reads before it is answered.
 */
async function bookingContext(t: TenantDb, resourceId: string, booker: Booker, fresh: boolean): Promise<BookingContext> {
  const facts = await bookingFacts(t, resourceId, booker.userId, { admin: booker.admin, fresh });
  const found = facts.resource;
  if (found && (booker.admin || (!found.hidden && !facts.hiddenForMember))) return { ...facts, resource: found };
  if (facts.remembered) return bookingContext(t, resourceId, booker, true);
  throw notFound("No such resource.");
}

/**
 * The context and the quotes `price` makes of it; quotes with a problem (membership_required,
 * a rule) made on remembered facts are made again on fresh ones, so a refusal is never answered
 * on facts another isolate changed.
 */
async function pricedContext(t: TenantDb, resourceId: string, booker: Booker, fresh: boolean, price: (ctx: BookingContext) => Quote[]): Promise<{ ctx: BookingContext; quotes: Quote[] }> {
  const ctx = await bookingContext(t, resourceId, booker, fresh);
  const quotes = price(ctx);
  if (!ctx.remembered || !quotes.some((q) => q.problems.length > 0)) return { ctx, quotes };
  const again = await bookingContext(t, resourceId, booker, true);
  return { ctx: again, quotes: price(again) };
}

/** The plan in force on `day` and its billing schedule (a scheduled change applies from its day). */
function planOn(ms: BookerMembership, day: Day, invoiceDay: number): { plan: Plan; schedule: BillingSchedule } {
  if (ms.next && ms.m.changeOn && day >= ms.m.changeOn) return { plan: ms.next, schedule: { startsOn: ms.m.changeOn, invoiceDay, intervalMonths: ms.next.intervalMonths } };
  return { plan: ms.plan, schedule: { startsOn: ms.m.periodsFrom, invoiceDay, intervalMonths: ms.plan.intervalMonths } };
}

/** The hourly price × `minutes` ÷ 60, rounded half-up (minor units). */
export function priceFor(hourly: number, minutes: number): number {
  return Number(divideHalfUp(BigInt(hourly) * BigInt(minutes), 60n));
}

/** The rule problems of [fromMs, toMs) on `resource` at `now` (in the contract's order). */
export function ruleProblems(resource: Pick<Resource, "cutoffHours" | "minMinutes" | "maxMinutes" | "openingHours">, fromMs: number, toMs: number, now: number, timeZone: string): Problem[] {
  const minutes = (toMs - fromMs) / MINUTE;
  const out: Problem[] = [];
  if (fromMs < now) out.push("in_past");
  if (resource.cutoffHours !== null && fromMs < now + resource.cutoffHours * HOUR) out.push("inside_cutoff");
  if (resource.minMinutes !== null && minutes < resource.minMinutes) out.push("too_short");
  if (resource.maxMinutes !== null && minutes > resource.maxMinutes) out.push("too_long");
  if (!fitsOpeningHours(resource.openingHours, fromMs, toMs, timeZone)) out.push("outside_opening_hours");
  return out;
}

/**
 * What a booking of [fromMs, toMs) would cost `booker.userId` and which rules it breaks: the
 * plan's price (else the resource's), credits of the billing period containing its start first.
 * `extraCredits` are minutes already promised in this period by earlier occurrences of a series.
 */
export function quote(tenant: { timezone: string }, clock: Clock, booker: Booker, ctx: BookingContext, fromMs: number, toMs: number, extraCredits: Map<string, number> = new Map()): Quote {
  const { resource, ms } = ctx;
  const minutes = Math.round((toMs - fromMs) / MINUTE);
  const startDay = dayInTimeZone(fromMs, tenant.timezone);
  const access = ms !== null && givesAccess(ms.m, startDay);
  const problems: Problem[] = [];
  if (!access && !booker.admin) problems.push("membership_required");
  if (!booker.admin) problems.push(...ruleProblems(resource, fromMs, toMs, clock.now, tenant.timezone));
  let hourly = resource.pricePerHourAmount;
  let creditsUsed = 0;
  let credits: Quote["credits"] = null;
  if (ms && access) {
    const { plan, schedule } = planOn(ms, startDay, ctx.invoiceDay);
    hourly = resource.planPrices[plan.id] ?? hourly;
    const covers = plan.creditMinutes > 0 && (plan.creditCategories.length === 0 || plan.creditCategories.includes(resource.category));
    const period = covers ? periodContaining(schedule, startDay) : null;
    if (period) {
      const key = `${ms.m.id}:${period.start}`;
      const usedBefore = (ctx.creditsUsed[period.start] ?? 0) + (extraCredits.get(key) ?? 0);
      creditsUsed = Math.max(0, Math.min(minutes, plan.creditMinutes - usedBefore));
      extraCredits.set(key, (extraCredits.get(key) ?? 0) + creditsUsed);
      credits = { membershipId: ms.m.id, periodStart: period.start, perPeriod: plan.creditMinutes, usedBefore };
    }
  }
  return {
    resource,
    userId: booker.userId,
    fromMs,
    toMs,
    minutes,
    price: { amount: priceFor(hourly, minutes - creditsUsed), currency: resource.currency },
    creditsUsedMinutes: creditsUsed,
    credits,
    membershipId: ms?.m.id ?? null,
    taxRateBp: resource.taxRateBp,
    problems,
    basis: { admin: booker.admin, ms, invoiceDay: ctx.invoiceDay },
  };
}

/**
 * How many bookings of `resourceId` run at the busiest instant of [fromMs, toMs) (the capacity
 * check, as a read); an event holding the resource over part of it counts as every unit taken.
 */
async function busiest(t: TenantDb, resourceId: string, fromMs: number, toMs: number): Promise<number> {
  const row = await t.d1
    .prepare(
      "select case when exists (select 1 from events e where e.resource_id = ?1 and e.canceled_at is null and e.starts_ms < ?3 and e.ends_ms > ?2) then 1000000000 else " +
        "coalesce(max((select count(*) from bookings b2 where b2.resource_id = ?1 and b2.to_ms > p.t and b2.from_ms <= p.t)), 0) end as n " +
        "from (select ?2 as t union all select b.from_ms from bookings b where b.resource_id = ?1 and b.from_ms > ?2 and b.from_ms < ?3) p",
    )
    .bind(resourceId, fromMs, toMs)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Who books for whom: a member for themselves; an admin for anyone (404 for someone not of this community). */
export async function bookerOf(t: TenantDb, actor: { id: string; language: string | null; name: string }, admin: boolean, userId: string | undefined): Promise<Booker> {
  if (userId === undefined || userId === actor.id) return { actorId: actor.id, admin, userId: actor.id, language: actor.language, name: actor.name };
  if (!admin) throw forbidden("forbidden", "Only community owners and admins can book for someone else.");
  const [row] = await t.db.select({ id: users.id, language: users.language, name: users.name }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId))).limit(1);
  if (!row) throw notFound("No such member.");
  return { actorId: actor.id, admin, userId, language: row.language, name: row.name };
}

export type PreviewAnswer = { price: Money; creditsUsedMinutes: number; available: boolean; problems: Problem[] };

/** `POST /bookings/preview`: the price, the credits and every problem the booking would meet now. */
export async function previewBooking(t: TenantDb, tenant: { timezone: string }, clock: Clock, booker: Booker, input: PreviewInput): Promise<PreviewAnswer> {
  // The slot's occupancy is read beside the facts (it is not remembered).
  const [{ ctx, quotes }, busy] = await Promise.all([pricedContext(t, input.resourceId, booker, false, (ctx) => [quote(tenant, clock, booker, ctx, input.from, input.to)]), busiest(t, input.resourceId, input.from, input.to)]);
  const q = quotes[0]!;
  const problems = [...q.problems];
  if (busy >= ctx.resource.units) problems.push("slot_taken");
  return { price: q.price, creditsUsedMinutes: q.creditsUsedMinutes, available: problems.length === 0, problems };
}

/** 403 `membership_required`, then 422 naming the first rule problem with all of them beside it. */
function refuseProblems(problems: Problem[]): void {
  if (problems.includes("membership_required")) throw forbidden("membership_required", "Booking needs an active membership.");
  if (problems.length === 0) return;
  const err = new ApiError(422, problems[0]!, "This booking breaks the resource's rules.");
  err.extra = { problems };
  throw err;
}

/** The charge line of a booking, in the member's language: the resource and its local times. */
const CHARGE_TIME: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

function chargeDescription(lang: Lang, resource: Resource, fromMs: number, toMs: number, timeZone: string): string {
  const f = dateFormat("en-CA", CHARGE_TIME, timeZone);
  const local = (ms: number) => f.format(ms).replace(",", "");
  return tr(lang, "bookings.line", { resource: resource.name, from: local(fromMs), to: local(toMs) });
}

/** A JSON column compared as JSON (`null` and SQL NULL alike). */
const jsonIs = (column: string, param: string) => `coalesce(json(${column}), 'null') = coalesce(json(${param}), 'null')`;

/**
 * What the insert re-checks of the facts `q` was priced from (they may be remembered ones another
 * isolate changed since): the resource's price, plan prices, currency, tax, category, name and
 * rules, and for a member that it is not hidden from them; the membership (its status, plan,
 * next plan and day, start, periods and end) or that there is none; its plans' price, credits,
 * credit categories and interval; the invoice day; and that the credit minutes used in the
 * period, as they are now, give this booking the very credits (so the very price) it was given.
 * Parameters from ?18 (`insertStatement`'s first 17 come before).
 */
function factsCheck(q: Quote): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => `?${params.push(v === undefined ? null : v) + 17}`;
  const r = q.resource;
  const parts = [
    "exists (select 1 from resources rf where rf.id = ?3 and rf.tenant_id = ?2 and rf.deleted_at is null" +
      ` and rf.name = ${p(r.name)} and rf.category = ${p(r.category)} and rf.price_per_hour_amount = ${p(r.pricePerHourAmount)} and rf.currency = ${p(r.currency)}` +
      ` and ${jsonIs("rf.plan_prices", p(JSON.stringify(r.planPrices)))} and rf.tax_rate_bp = ${p(r.taxRateBp)}` +
      ` and rf.min_minutes is ${p(r.minMinutes)} and rf.max_minutes is ${p(r.maxMinutes)} and rf.cutoff_hours is ${p(r.cutoffHours)} and ${jsonIs("rf.opening_hours", p(JSON.stringify(r.openingHours)))}` +
      (q.basis.admin ? "" : " and rf.hidden = 0 and not exists (select 1 from hidden_resources h where h.tenant_id = ?2 and h.user_id = ?4 and h.resource_id = ?3)") +
      ")",
    `coalesce((select bs.invoice_day from billing_settings bs where bs.tenant_id = ?2), 1) = ${p(q.basis.invoiceDay)}`,
  ];
  const ms = q.basis.ms;
  if (!ms) parts.push("not exists (select 1 from plan_memberships m where m.tenant_id = ?2 and m.user_id = ?4 and m.status <> 'canceled')");
  else {
    const m = ms.m;
    parts.push(
      `exists (select 1 from plan_memberships m where m.id = ${p(m.id)} and m.tenant_id = ?2 and m.user_id = ?4 and m.status = ${p(m.status)} and m.plan_id = ${p(m.planId)}` +
        ` and m.starts_on = ${p(m.startsOn)} and m.periods_from = ${p(m.periodsFrom)} and m.cancels_on is ${p(m.cancelsOn)} and m.change_plan_id is ${p(m.changePlanId)} and m.change_on is ${p(m.changeOn)})`,
    );
    for (const plan of [ms.plan, ...(ms.next ? [ms.next] : [])]) {
      parts.push(
        `exists (select 1 from plans pl where pl.id = ${p(plan.id)} and pl.tenant_id = ?2 and pl.price_amount = ${p(plan.priceAmount)} and pl.credit_minutes = ${p(plan.creditMinutes)}` +
          ` and ${jsonIs("pl.credit_categories", p(JSON.stringify(plan.creditCategories)))} and pl.interval_months = ${p(plan.intervalMonths)})`,
      );
    }
  }
  if (q.credits) {
    // The credits the real sum gives (what `quote` computes) must be the ones given: a sum that
    // changed in a way that leaves them alone (credits already spent) does not refuse.
    const used = `(select coalesce(sum(c2.credits_used_minutes), 0) from bookings c2 where c2.membership_id = ${p(q.credits.membershipId)} and c2.period_start = ${p(q.credits.periodStart)})`;
    parts.push(`max(0, min(${p(q.minutes)}, ${p(q.credits.perPeriod)} - ${used})) = ${p(q.creditsUsedMinutes)}`);
  }
  return { sql: parts.join(" and "), params };
}

/**
 * The conditional insert of one booking: it lands only while the slot has a free unit, the
 * credits it uses are left, and every fact it was priced from still holds (`factsCheck`).
 */
function insertStatement(t: TenantDb, row: Booking, creditsPerPeriod: number, facts: { sql: string; params: unknown[] }): D1PreparedStatement {
  return t.d1
    .prepare(
      "insert into bookings (id, tenant_id, resource_id, user_id, title, from_ms, to_ms, price_amount, currency, credits_used_minutes, membership_id, period_start, charge_id, series_id, created_by, created_at) " +
        "select ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16 " +
        "where exists (select 1 from resources r where r.id = ?3 and r.tenant_id = ?2 and r.deleted_at is null and not exists (" +
        "  select 1 from (select ?6 as t union all select b.from_ms from bookings b where b.resource_id = ?3 and b.from_ms > ?6 and b.from_ms < ?7) p " +
        "  where (select count(*) from bookings b2 where b2.resource_id = ?3 and b2.to_ms > p.t and b2.from_ms <= p.t) >= r.units) " +
        // An event holding the resource (branch ev-api) takes every unit over its time.
        "  and not exists (select 1 from events e where e.resource_id = ?3 and e.canceled_at is null and e.starts_ms < ?7 and e.ends_ms > ?6)) " +
        "and (?10 = 0 or (select coalesce(sum(c.credits_used_minutes), 0) from bookings c where c.membership_id = ?11 and c.period_start = ?12) + ?10 <= ?17) " +
        `and ${facts.sql}`,
    )
    .bind(
      row.id,
      row.tenantId,
      row.resourceId,
      row.userId,
      row.title,
      row.fromMs,
      row.toMs,
      row.priceAmount,
      row.currency,
      row.creditsUsedMinutes,
      row.membershipId,
      row.periodStart,
      row.chargeId,
      row.seriesId,
      row.createdBy,
      row.createdAt,
      creditsPerPeriod,
      ...facts.params,
    );
}

function rowOf(t: TenantDb, q: Quote, booker: Booker, title: string | null, seriesId: string | null, now: number): Booking {
  return {
    id: newId(),
    tenantId: t.tenantId,
    resourceId: q.resource.id,
    userId: q.userId,
    title,
    fromMs: q.fromMs,
    toMs: q.toMs,
    priceAmount: q.price.amount,
    currency: q.price.currency,
    creditsUsedMinutes: q.creditsUsedMinutes,
    membershipId: q.creditsUsedMinutes > 0 ? q.credits!.membershipId : null,
    periodStart: q.creditsUsedMinutes > 0 ? q.credits!.periodStart : null,
    chargeId: q.price.amount > 0 ? newId() : null,
    seriesId,
    createdBy: booker.actorId,
    createdAt: now,
  };
}

/** The statements of one booking: its conditional insert, then its charge (only if it landed). */
function statementsOf(t: TenantDb, q: Quote, row: Booking, lang: Lang, timeZone: string): D1PreparedStatement[] {
  const out = [insertStatement(t, row, q.credits?.perPeriod ?? 0, factsCheck(q))];
  if (row.chargeId) {
    out.push(
      bookingChargeStatement(
        t,
        { id: row.chargeId, userId: row.userId, membershipId: q.membershipId, description: chargeDescription(lang, q.resource, row.fromMs, row.toMs, timeZone), amount: row.priceAmount, currency: row.currency, taxRateBp: q.taxRateBp, createdAt: row.createdAt },
        row.id,
      ),
    );
  }
  return out;
}

export type BookingAnswer = { id: string; resource: { id: string; name: string; category: string }; from: string; to: string; price: Money; creditsUsedMinutes: number; title: string | null; seriesId: string | null };

function answerOf(row: Booking, resource: Pick<Resource, "id" | "name" | "category">): BookingAnswer {
  return {
    id: row.id,
    resource: { id: resource.id, name: resource.name, category: resource.category },
    from: new Date(row.fromMs).toISOString(),
    to: new Date(row.toMs).toISOString(),
    price: { amount: row.priceAmount, currency: row.currency },
    creditsUsedMinutes: row.creditsUsedMinutes,
    title: row.title,
    seriesId: row.seriesId,
  };
}

/** After a booking landed: its member's credit sums as its batch left them (remembered ones only). */
function rememberCredits(t: TenantDb, quotes: Quote[]): void {
  const sums = new Map<string, Record<string, number>>();
  for (const q of quotes) {
    if (!q.credits) continue;
    const of = sums.get(q.credits.membershipId) ?? {};
    of[q.credits.periodStart] = q.credits.usedBefore + q.creditsUsedMinutes;
    sums.set(q.credits.membershipId, of);
  }
  for (const [membershipId, of] of sums) rememberCreditsUsed(t.tenantId, membershipId, of);
}

/**
 * `POST /bookings` without `repeat`: the checks in the contract's order (404, 403
 * `membership_required`, 422 with every problem, 409 `slot_taken`), then one batch: the
 * conditional insert and its charge. It is priced from the facts kept in this isolate (facts.ts),
 * which the insert re-checks; a refused insert whose slot is still free (a fact changed, or its
 * credits went to a concurrent booking of the same member) is priced again on fresh reads (at
 * most three times).
 */
export async function createBooking(t: TenantDb, tenant: { timezone: string; defaultLanguage: string }, clock: Clock, booker: Booker, input: BookingInput, notice: BookingNotice | null): Promise<BookingAnswer> {
  const lang = mailLang(booker.language, tenant.defaultLanguage);
  if (input.repeat) throw new Error("createBooking books one occurrence; a series goes through createSeries");
  const name = booker.name ?? (await memberName(t, booker.userId));
  let fresh = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { ctx, quotes } = await pricedContext(t, input.resourceId, booker, fresh, (ctx) => [quote(tenant, clock, booker, ctx, input.from, input.to)]);
    const q = quotes[0]!;
    const resource = ctx.resource;
    refuseProblems(q.problems);
    const row = rowOf(t, q, booker, input.title || null, null, clock.now);
    const [insert, ...charge] = statementsOf(t, q, row, lang, tenant.timezone);
    // The event right after the conditional insert: only for a booking that landed.
    const event = webhookEventAfterChangeStatement(t, "booking.created", { booking: bookingWebhookView(row, resource, name) }, clock.now);
    const [inserted] = await t.d1.batch([insert!, event, ...charge, ...(notice ? await notice([row], resource) : [])]);
    if ((inserted?.meta.changes ?? 0) === 1) {
      rememberCredits(t, [q]);
      forgetBookingsOf(t.tenantId, row.userId);
      return answerOf(row, resource);
    }
    // Refused: the slot is taken, or a fact it was priced from changed (the next attempt forgets
    // them and reads them all again).
    fresh = true;
    if ((await busiest(t, resource.id, input.from, input.to)) >= resource.units) break;
  }
  throw conflict("slot_taken", "This slot is already booked.");
}

// ---- Recurring bookings --------------------------------------------------------------------

export type Occurrence = { fromMs: number; toMs: number };

/**
 * The occurrences of a series in date order: every day or week from the first, at the first
 * occurrence's wall-clock times in the community's timezone (so across a DST change a booking keeps
 * its local hours), `count` of them (the first included) or every one starting on or before `until`.
 * 422 when neither or both are given, or past 100 occurrences.
 */
export function occurrences(first: Occurrence, repeat: NonNullable<BookingInput["repeat"]>, timeZone: string): Occurrence[] {
  if ((repeat.count === undefined) === (repeat.until === undefined)) throw new ApiError(422, "validation_failed", "Give exactly one of count and until.", { "repeat.count": msg("field.invalid") });
  const step = repeat.every === "day" ? 1 : 7;
  const start = dayInTimeZone(first.fromMs, timeZone);
  if (repeat.until !== undefined && repeat.until < start) throw new ApiError(422, "validation_failed", "The series ends before it starts.", { "repeat.until": msg("field.invalid") });
  // Wall minutes counted from the first day's midnight (a local time, not elapsed time).
  const startWall = wallClock(first.fromMs, timeZone);
  const endWall = wallClock(first.toMs, timeZone);
  const endDays = Math.round((Date.parse(`${endWall.day}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
  const out: Occurrence[] = [];
  for (let k = 0; ; k++) {
    const day = addDays(start, k * step);
    if (repeat.count !== undefined ? k >= repeat.count : day > repeat.until!) break;
    if (k >= 100) throw new ApiError(422, "validation_failed", "At most 100 occurrences.", { "repeat.until": msg("field.too_many", { max: 100 }) });
    const fromMs = k === 0 ? first.fromMs : wallTimeMs(day, startWall.minutes, timeZone);
    const toMs = k === 0 ? first.toMs : wallTimeMs(addDays(day, endDays), endWall.minutes, timeZone);
    if (fromMs < toMs) out.push({ fromMs, toMs });
  }
  return out;
}

/**
 * `POST /bookings` with `repeat`: every occurrence is priced in date order (credits occurrence by
 * occurrence) and checked; one breaking a rule refuses the whole series (422 with `problems:
 * [{from, to, problems}]`). Then ONE batch inserts them all, each conditional insert followed by a
 * guard that fails on purpose unless it inserted its row, so the series lands whole or not at all;
 * a refused series answers 409 `slot_taken` with the `conflicts`.
 */
export async function createSeries(t: TenantDb, tenant: { timezone: string; defaultLanguage: string }, clock: Clock, booker: Booker, input: BookingInput, notice: BookingNotice | null): Promise<BookingAnswer[]> {
  const lang = mailLang(booker.language, tenant.defaultLanguage);
  const series = occurrences({ fromMs: input.from, toMs: input.to }, input.repeat!, tenant.timezone);
  let fresh = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { ctx, quotes } = await pricedContext(t, input.resourceId, booker, fresh, (ctx) => {
      const promised = new Map<string, number>();
      return series.map((o) => quote(tenant, clock, booker, ctx, o.fromMs, o.toMs, promised));
    });
    const resource = ctx.resource;
    if (quotes.some((q) => q.problems.includes("membership_required"))) refuseProblems(["membership_required"]);
    const failing = quotes.filter((q) => q.problems.length > 0);
    if (failing.length > 0) {
      const err = new ApiError(422, failing[0]!.problems[0]!, "Some occurrences break the resource's rules.");
      err.extra = { problems: failing.map((q) => ({ from: iso(q.fromMs), to: iso(q.toMs), problems: q.problems })) };
      throw err;
    }
    const seriesId = newId();
    const rows = quotes.map((q) => rowOf(t, q, booker, input.title || null, seriesId, clock.now));
    const statements = quotes.flatMap((q, i) => {
      const [insert, ...charge] = statementsOf(t, q, rows[i]!, lang, tenant.timezone);
      return [insert!, changesGuard(t.d1, 1, "an occurrence was refused"), ...charge];
    });
    // Unconditional: the guards above fail the whole batch unless every occurrence landed.
    const name = booker.name ?? (await memberName(t, booker.userId));
    statements.push(...webhookEvents(t, "booking.created", rows.map((row) => ({ data: { booking: bookingWebhookView(row, resource, name) } })), clock.now).map((e) => prepared(t, e)));
    // One email for the whole series, last: it lands only with every occurrence.
    if (notice) statements.push(...(await notice(rows, resource)));
    try {
      await t.d1.batch(statements);
      rememberCredits(t, quotes);
      forgetBookingsOf(t.tenantId, booker.userId);
      return rows.map((row) => answerOf(row, resource));
    } catch (err) {
      if (!isGuardFailure(err)) throw err;
    }
    // Refused: a slot is taken, or a fact it was priced from changed (the next attempt forgets
    // them and prices again on fresh reads).
    fresh = true;
    const conflicts: { from: string; to: string }[] = [];
    for (const o of series) if ((await busiest(t, resource.id, o.fromMs, o.toMs)) >= resource.units) conflicts.push({ from: iso(o.fromMs), to: iso(o.toMs) });
    if (conflicts.length > 0) {
      const err = conflict("slot_taken", "Some occurrences are already booked.");
      err.extra = { conflicts };
      throw err;
    }
  }
  throw conflict("slot_taken", "This series could not be booked; try again.");
}

const iso = (ms: number) => new Date(ms).toISOString();

// ---- Reading -------------------------------------------------------------------------------

export type BookingView = BookingAnswer & { mine: boolean; member: { id: string; name: string } | null };

/** A booking as `GET /bookings/{id}` shows it to an admin (no viewer: `mine` false): the `data` of `booking.*` events. */
function bookingWebhookView(row: Booking, resource: Pick<Resource, "id" | "name" | "category">, name: string): BookingView {
  return { ...answerOf(row, resource), mine: false, member: { id: row.userId, name } };
}

async function memberName(t: TenantDb, userId: string): Promise<string> {
  const [u] = await t.db.select({ name: users.name }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId))).limit(1);
  return u?.name ?? "";
}

type Joined = { b: Booking; resourceName: string; category: string; memberName: string | null };

export function viewOf(r: Joined, viewerId: string): BookingView {
  return { ...answerOf(r.b, { id: r.b.resourceId, name: r.resourceName, category: r.category }), mine: r.b.userId === viewerId, member: { id: r.b.userId, name: r.memberName ?? "" } };
}

const joined = (t: TenantDb) =>
  t.db
    .select({ b: bookings, resourceName: resources.name, category: resources.category, memberName: users.name })
    .from(bookings)
    .innerJoin(resources, eq(resources.id, bookings.resourceId))
    .leftJoin(users, eq(users.id, bookings.userId));

/** One booking: its member's own, or any for admins (404 otherwise). */
export async function bookingFor(t: TenantDb, id: string, viewer: { userId: string; admin: boolean }): Promise<{ view: BookingView; row: Booking; resource: Pick<Resource, "cancellationHours"> }> {
  const [r] = await t.db
    .select({ b: bookings, resourceName: resources.name, category: resources.category, memberName: users.name, cancellationHours: resources.cancellationHours })
    .from(bookings)
    .innerJoin(resources, eq(resources.id, bookings.resourceId))
    .leftJoin(users, eq(users.id, bookings.userId))
    .where(and(eq(bookings.tenantId, t.tenantId), eq(bookings.id, id)))
    .limit(1);
  if (!r || (!viewer.admin && r.b.userId !== viewer.userId)) throw notFound("No such booking.");
  return { view: viewOf(r, viewer.userId), row: r.b, resource: { cancellationHours: r.cancellationHours } };
}

export const myBookingsQuery = z.strictObject({
  when: z.enum(["upcoming", "past"], { error: "field.option" }).optional(),
  limit: z.string().optional(),
  cursor: z.string().optional(),
});

const myCursor = cursorKind("my-bookings", z.tuple([cursorParts.int, cursorParts.id]));

/** The member's bookings: `upcoming` (ending after now, soonest first) or `past` (newest first), a page at a time. */
export async function myBookings(t: TenantDb, userId: string, when: "upcoming" | "past", now: number, page: { limit: number; cursor: string | null }): Promise<{ items: BookingView[]; nextCursor: string | null }> {
  const after = decodeOptionalCursor(myCursor, page.cursor);
  const upcoming = when === "upcoming";
  const rows = await joined(t)
    .where(
      and(
        eq(bookings.tenantId, t.tenantId),
        eq(bookings.userId, userId),
        upcoming ? gt(bookings.toMs, now) : lte(bookings.toMs, now),
        ...(after
          ? [upcoming ? or(gt(bookings.fromMs, after[0]), and(eq(bookings.fromMs, after[0]), gt(bookings.id, after[1]))) : or(lt(bookings.fromMs, after[0]), and(eq(bookings.fromMs, after[0]), lt(bookings.id, after[1])))]
          : []),
      ),
    )
    .orderBy(...(upcoming ? [asc(bookings.fromMs), asc(bookings.id)] : [desc(bookings.fromMs), desc(bookings.id)]))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map((r) => viewOf(r, userId));
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor(myCursor, [last.b.fromMs, last.b.id]) : null };
}

export const calendarQuery = z.strictObject({
  from: instant,
  to: instant,
  resourceId: z.string().max(64).optional(),
  category: z.string().max(60).optional(),
});

export type CalendarItem = { id: string; resource: { id: string; name: string; category: string }; from: string; to: string; mine: boolean; title?: string | null; member?: { id: string; name: string }; eventId?: string };

/**
 * The calendar: every booking overlapping [from, to) (at most 62 days), by `from`. Members see
 * the resources they may book, and others' bookings as busy: no title, no member.
 */
export async function calendar(t: TenantDb, viewer: { userId: string; admin: boolean }, q: z.output<typeof calendarQuery>): Promise<CalendarItem[]> {
  if (q.to <= q.from) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { to: msg("field.invalid") });
  if (q.to - q.from > 62 * DAY_MS) throw new ApiError(422, "validation_failed", "At most 62 days at once.", { to: msg("field.too_big", { max: 62 }) });
  const hiddenForViewer = t.db
    .select({ x: sql`1` })
    .from(hiddenResources)
    .where(and(eq(hiddenResources.tenantId, t.tenantId), eq(hiddenResources.userId, viewer.userId), eq(hiddenResources.resourceId, resources.id)));
  const rows = await calendarStatement(t, viewer, q).raw<CalendarRow>();
  const items = rows.map(([id, resourceId, resourceName, category, userId, title, fromMs, toMs, memberName]) => {
    const mine = userId === viewer.userId;
    const base: CalendarItem = { id, resource: { id: resourceId, name: resourceName, category }, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), mine };
    return mine || viewer.admin ? { ...base, title, member: { id: userId, name: memberName ?? "" } } : base;
  });
  // Events holding a resource (branch ev-api): busy for everyone, with their `eventId` and
  // `title` to those who may see the event (a group's event: that group's members).
  const holds = await t.db
    .select({ id: events.id, title: events.title, resourceId: resources.id, resourceName: resources.name, category: resources.category, startsMs: events.startsMs, endsMs: events.endsMs, groupId: events.groupId })
    .from(events)
    .innerJoin(resources, eq(resources.id, events.resourceId))
    .where(
      and(
        eq(events.tenantId, t.tenantId),
        isNull(events.canceledAt),
        lt(events.startsMs, q.to),
        gt(events.endsMs, q.from),
        isNull(resources.deletedAt),
        ...(q.resourceId ? [eq(events.resourceId, q.resourceId)] : []),
        ...(q.category ? [eq(resources.category, q.category)] : []),
        ...(viewer.admin ? [] : [eq(resources.hidden, false), notExists(hiddenForViewer)]),
      ),
    )
    .limit(5000);
  if (holds.length === 0) return items;
  const roles = viewer.admin || holds.every((h) => h.groupId === null) ? {} : await viewerRoles(t, viewer.userId);
  for (const h of holds) {
    const base: CalendarItem = { id: h.id, resource: { id: h.resourceId, name: h.resourceName, category: h.category }, from: new Date(h.startsMs).toISOString(), to: new Date(h.endsMs).toISOString(), mine: false };
    items.push(viewer.admin || h.groupId === null || roles[h.groupId] !== undefined ? { ...base, eventId: h.id, title: h.title } : base);
  }
  return items.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

type CalendarRow = [id: string, resourceId: string, resourceName: string, category: string, userId: string, title: string | null, fromMs: number, toMs: number, memberName: string | null];

/**
 * The calendar's one statement, reading only what the answer shows (a week of a busy resource is
 * hundreds of rows: every column more is parsed and mapped that many times). It reads the
 * bookings ending after the range's start, through their end: of one resource
 * (`bookings_resource_to`) or of the community (`bookings_tenant_to`), so years of past bookings
 * are never read again (by their start, every booking before the range's end would be).
 * worker/bookings/query-plans.test.ts holds it to those indexes.
 */
export function calendarSql(viewer: { admin: boolean }, q: { resourceId?: string | undefined; category?: string | undefined }): string {
  return calendarQuerySql(viewer, q).sql;
}

/** The statement's text and its parameters' order: tenant, from, to, then those the filters need. */
function calendarQuerySql(viewer: { admin: boolean }, q: { resourceId?: string | undefined; category?: string | undefined }): { sql: string; params: ("resourceId" | "category" | "userId")[] } {
  const params: ("resourceId" | "category" | "userId")[] = [];
  const param = (name: (typeof params)[number]) => `?${params.push(name) + 3}`;
  const where = [
    "b.tenant_id = ?1",
    "b.from_ms < ?3",
    "b.to_ms > ?2",
    "r.deleted_at is null",
    ...(q.resourceId !== undefined ? [`b.resource_id = ${param("resourceId")}`] : []),
    ...(q.category !== undefined ? [`r.category = ${param("category")}`] : []),
    ...(viewer.admin ? [] : ["r.hidden = 0", `not exists (select 1 from hidden_resources h where h.tenant_id = ?1 and h.user_id = ${param("userId")} and h.resource_id = b.resource_id)`]),
  ];
  return {
    sql:
      "select b.id, b.resource_id, r.name, r.category, b.user_id, b.title, b.from_ms, b.to_ms, u.name " +
      `from bookings b indexed by ${q.resourceId !== undefined ? "bookings_resource_to" : "bookings_tenant_to"} join resources r on r.id = b.resource_id left join users u on u.id = b.user_id ` +
      `where ${where.join(" and ")} order by b.from_ms, b.id limit 5000`,
    params,
  };
}

function calendarStatement(t: TenantDb, viewer: { userId: string; admin: boolean }, q: { from: number; to: number; resourceId?: string | undefined; category?: string | undefined }): D1PreparedStatement {
  const { sql: text, params } = calendarQuerySql(viewer, q);
  const values = { resourceId: q.resourceId, category: q.category, userId: viewer.userId };
  return t.d1.prepare(text).bind(t.tenantId, q.from, q.to, ...params.map((p) => values[p]));
}

// ---- Cancelling ----------------------------------------------------------------------------

/**
 * `DELETE /bookings/{id}`: members cancel their own up to `cancellationHours` before its start
 * (409 `cancellation_closed` after, and once it started); admins any. One batch: the booking goes
 * (its credits with it: credits used are summed from the bookings of a period) and its charge
 * while no invoice carries it.
 */
export async function cancelBooking(t: TenantDb, clock: Clock, id: string, viewer: { userId: string; admin: boolean }, opts: { following?: boolean; notice: BookingNotice | null }): Promise<void> {
  const { row, resource, view } = await bookingFor(t, id, viewer);
  // `?series=following`: this booking and the later ones of its series, all or none.
  const rows =
    opts.following && row.seriesId
      ? await t.db
          .select()
          .from(bookings)
          .where(and(eq(bookings.tenantId, t.tenantId), eq(bookings.seriesId, row.seriesId), sql`${bookings.fromMs} >= ${row.fromMs}`))
      : [row];
  if (!viewer.admin) {
    for (const b of rows) {
      const closesAt = b.fromMs - (resource.cancellationHours ?? 0) * HOUR;
      if (clock.now > closesAt || clock.now >= b.fromMs) throw conflict("cancellation_closed", "This booking can no longer be cancelled.");
    }
  }
  // The cancellation email goes right after the first delete: sent only when that delete happened.
  const mail = opts.notice ? await opts.notice(rows, view.resource) : [];
  await t.d1.batch(
    rows.flatMap((b, i) => [
      t.d1.prepare("delete from bookings where tenant_id = ?1 and id = ?2").bind(t.tenantId, b.id),
      ...(i === 0 ? mail : []),
      // After the delete (or its one email, written only with it): only for a booking this batch removed.
      webhookEventAfterChangeStatement(t, "booking.canceled", { booking: bookingWebhookView(b, view.resource, view.member?.name ?? "") }, clock.now),
      ...(b.chargeId ? [uninvoicedChargeRemoval(t, b.chargeId)] : []),
    ]),
  );
  forgetBookingsOf(t.tenantId, row.userId);
}

export const cancelQuery = z.strictObject({ series: z.enum(["following"], { error: "field.option" }).optional() });
