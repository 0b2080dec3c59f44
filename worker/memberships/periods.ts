// Billing periods of a membership, as pure functions of plain arguments.
//
// Days are `YYYY-MM-DD` strings: calendar days in the tenant's timezone (see
// `dayInTimeZone` to get "today" from a UTC instant). Nothing here reads the clock.
// The rules are the contract's "Plans and memberships" (API.md):
// - A membership that starts on an invoice day has periods of `intervalMonths`
//   months from that day. Otherwise its first period runs from its start day to the
//   day before the next invoice day, and whole periods follow from there.
// - The first period's fee is prorated: price × its days ÷ the days of the whole
//   period ending on the same day, rounded half-up (integer minor units).
// - `cancelsOn` is the end E of the first billing period with E ≥ today + noticeDays.
// - A plan change takes effect on the first day of the next period.
// Invoice days are 1..28, so "the same day of another month" always exists.

import { divideHalfUp } from "../invoices/money";

/** A calendar day, `YYYY-MM-DD`. */
export type Day = string;

/** A billing period; both days included. */
export interface Period {
  start: Day;
  end: Day;
}

export interface BillingSchedule {
  /** The membership's first day. */
  startsOn: Day;
  /** The tenant's invoice day of the month, 1..28. */
  invoiceDay: number;
  /** The plan's interval, 1..12 months. */
  intervalMonths: number;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** True for a real calendar day written `YYYY-MM-DD` (so `2026-02-30` is false). */
export function isDay(value: unknown): value is Day {
  if (typeof value !== "string") return false;
  const m = DAY_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function parse(day: Day): { y: number; m: number; d: number } {
  if (!isDay(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${String(day)}`);
  return { y: Number(day.slice(0, 4)), m: Number(day.slice(5, 7)), d: Number(day.slice(8, 10)) };
}

function format(y: number, m: number, d: number): Day {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Days in month `m` (1..12) of year `y` (Gregorian). */
export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Day number since 1970-01-01 (UTC calendar arithmetic, no timezone involved). */
function toEpochDay(day: Day): number {
  const { y, m, d } = parse(day);
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

function fromEpochDay(n: number): Day {
  const date = new Date(n * MS_PER_DAY);
  return format(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** `day` + `n` days (n may be negative). */
export function addDays(day: Day, n: number): Day {
  return fromEpochDay(toEpochDay(day) + n);
}

/** Number of days from `a` to `b` (`b` − `a`); 0 when equal. */
export function daysBetween(a: Day, b: Day): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** Days of a period, both ends included. */
export function periodDays(period: Period): number {
  return daysBetween(period.start, period.end) + 1;
}

/**
 * `day` + `n` months, keeping the day of the month; a day that does not exist in the
 * target month is clamped to its last day (31 Jan + 1 month = 28/29 Feb).
 */
export function addMonths(day: Day, n: number): Day {
  const { y, m, d } = parse(day);
  const index = y * 12 + (m - 1) + n;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return format(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

/** Days compare as strings; these read better. */
export const minDay = (a: Day, b: Day): Day => (a <= b ? a : b);
export const maxDay = (a: Day, b: Day): Day => (a >= b ? a : b);

function checkSchedule(s: BillingSchedule): void {
  parse(s.startsOn);
  if (!Number.isInteger(s.invoiceDay) || s.invoiceDay < 1 || s.invoiceDay > 28) {
    throw new RangeError(`invoiceDay must be 1..28, got ${s.invoiceDay}`);
  }
  if (!Number.isInteger(s.intervalMonths) || s.intervalMonths < 1 || s.intervalMonths > 12) {
    throw new RangeError(`intervalMonths must be 1..12, got ${s.intervalMonths}`);
  }
}

/** The first invoice day strictly after `day`. */
export function nextInvoiceDayAfter(day: Day, invoiceDay: number): Day {
  const { y, m, d } = parse(day);
  if (d < invoiceDay) return format(y, m, invoiceDay);
  return addMonths(format(y, m, invoiceDay), 1);
}

/** The first invoice day on or after `day`. */
export function invoiceDayOnOrAfter(day: Day, invoiceDay: number): Day {
  return parse(day).d === invoiceDay ? day : nextInvoiceDayAfter(day, invoiceDay);
}

/** The last invoice day on or before `day`. */
export function invoiceDayOnOrBefore(day: Day, invoiceDay: number): Day {
  const { y, m, d } = parse(day);
  if (d >= invoiceDay) return format(y, m, invoiceDay);
  return addMonths(format(y, m, invoiceDay), -1);
}

/** Whether the membership starts off an invoice day, so that its first period is short. */
export function hasProratedFirstPeriod(s: BillingSchedule): boolean {
  checkSchedule(s);
  return parse(s.startsOn).d !== s.invoiceDay;
}

/** The first day of the first whole period (the start day itself when it is an invoice day). */
export function firstWholePeriodStart(s: BillingSchedule): Day {
  checkSchedule(s);
  return invoiceDayOnOrAfter(s.startsOn, s.invoiceDay);
}

function wholePeriod(s: BillingSchedule, index: number): Period {
  const anchor = firstWholePeriodStart(s);
  return {
    start: addMonths(anchor, index * s.intervalMonths),
    end: addDays(addMonths(anchor, (index + 1) * s.intervalMonths), -1),
  };
}

/** The membership's first period: whole when it starts on an invoice day, else up to the day before the next one. */
export function firstPeriod(s: BillingSchedule): Period {
  if (!hasProratedFirstPeriod(s)) return wholePeriod(s, 0);
  return { start: s.startsOn, end: addDays(firstWholePeriodStart(s), -1) };
}

/** The period that follows `period` (a whole one). */
export function nextPeriod(s: BillingSchedule, period: Period): Period {
  const start = addDays(period.end, 1);
  return { start, end: addDays(addMonths(start, s.intervalMonths), -1) };
}

/** The period containing `day`, or null before the membership starts. */
export function periodContaining(s: BillingSchedule, day: Day): Period | null {
  checkSchedule(s);
  if (day < s.startsOn) return null;
  const first = firstPeriod(s);
  if (day <= first.end) return first;
  const anchor = firstWholePeriodStart(s);
  // Month distance from the anchor, then step back if `day` is before that period's start.
  const a = parse(anchor);
  const t = parse(day);
  const months = (t.y - a.y) * 12 + (t.m - a.m) - (t.d < a.d ? 1 : 0);
  const index = Math.floor(months / s.intervalMonths);
  return wholePeriod(s, index);
}

/**
 * Billing periods in order, from the first, for as long as a period starts on or
 * before `until` (so the last one returned contains `until` once the membership has
 * started). Empty when `until` is before the start.
 */
export function billingPeriods(s: BillingSchedule, until: Day): Period[] {
  checkSchedule(s);
  const out: Period[] = [];
  for (let p = firstPeriod(s); p.start <= until; p = nextPeriod(s, p)) out.push(p);
  return out;
}

/**
 * The day an invoice carries `period`, charged in advance: a whole period on its first
 * day; a prorated first period on the next invoice day (with the first whole period).
 */
export function invoiceDateOf(s: BillingSchedule, period: Period): Day {
  return period.start === s.startsOn && hasProratedFirstPeriod(s) ? addDays(period.end, 1) : period.start;
}

/**
 * The next day an invoice is issued for this membership's plan on or after `today`:
 * the first whole period's start that is ≥ `today` (the run of that day issues it).
 * A caller that knows today's invoice is already issued passes the day after.
 */
export function nextInvoiceDate(s: BillingSchedule, today: Day): Day {
  checkSchedule(s);
  const anchor = firstWholePeriodStart(s);
  if (today <= anchor) return anchor;
  const current = periodContaining(s, today);
  // today > anchor, so `current` is a whole period that started before today or on it.
  if (!current) throw new Error("unreachable: a day after the anchor has a period");
  return current.start === today ? today : addDays(current.end, 1);
}

/**
 * The plan periods an invoice issued on `day` carries, oldest first: the prorated first
 * period when `day` is the invoice day right after it, and the whole period starting
 * on `day` (charged in advance). Empty when `day` bills nothing for this membership.
 */
export function periodsInvoicedOn(s: BillingSchedule, day: Day): Period[] {
  checkSchedule(s);
  const out: Period[] = [];
  const first = firstPeriod(s);
  if (hasProratedFirstPeriod(s) && addDays(first.end, 1) === day) out.push(first);
  const current = periodContaining(s, day);
  // Whole periods only: a prorated first period starts off an invoice day.
  if (current && current.start === day && day >= firstWholePeriodStart(s)) out.push(current);
  return out;
}

/** The whole period (of `intervalMonths`) that ends on `end`: the base of proration. */
export function wholePeriodEndingOn(s: BillingSchedule, end: Day): Period {
  checkSchedule(s);
  const after = addDays(end, 1);
  return { start: addMonths(after, -s.intervalMonths), end };
}

/**
 * The fee of the first period for a plan priced `price` (integer minor units) per whole
 * period: `price` when the first period is whole, else price × its days ÷ the days of
 * the whole period ending on the same day, rounded half-up.
 */
export function proratedFirstPeriodAmount(s: BillingSchedule, price: number): number {
  if (!Number.isSafeInteger(price)) throw new RangeError("price must be an integer amount in minor units");
  if (!hasProratedFirstPeriod(s)) return price;
  const first = firstPeriod(s);
  const whole = wholePeriodEndingOn(s, first.end);
  return Number(divideHalfUp(BigInt(price) * BigInt(periodDays(first)), BigInt(periodDays(whole))));
}

/**
 * The last day of access when cancelling on `today` with `noticeDays` of notice: the
 * end E of the first billing period with E ≥ today + noticeDays.
 */
export function cancelsOn(s: BillingSchedule, today: Day, noticeDays: number): Day {
  checkSchedule(s);
  if (!Number.isInteger(noticeDays) || noticeDays < 0) throw new RangeError("noticeDays must be a non-negative integer");
  const earliest = addDays(today, noticeDays);
  const period = periodContaining(s, earliest) ?? firstPeriod(s);
  return period.end;
}

/**
 * The day a plan change asked for on `today` takes effect: the first day of the next
 * period (before the start, the day after the first period).
 */
export function planChangeEffectiveOn(s: BillingSchedule, today: Day): Day {
  checkSchedule(s);
  const current = periodContaining(s, maxDay(today, s.startsOn));
  if (!current) throw new Error("unreachable: the start day has a period");
  return addDays(current.end, 1);
}

/**
 * The schedule after a plan change effective on `on` (a period start, hence an invoice
 * day): periods of the new interval counted from `on`, none of them prorated.
 */
export function scheduleAfterChange(s: BillingSchedule, on: Day, intervalMonths: number): BillingSchedule {
  const next = { startsOn: on, invoiceDay: s.invoiceDay, intervalMonths };
  checkSchedule(next);
  return next;
}

// ---- Timezones -------------------------------------------------------------

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(timeZone, f);
  }
  return f;
}

// Every page a member reads asks for "today" in the community's timezone, and formatToParts is
// costly: the last answer per zone is kept for its UTC minute (offsets are whole minutes, so the
// local day cannot change inside one).
const lastDay = new Map<string, { minute: number; day: Day }>();

/** The calendar day in `timeZone` (IANA name) at the UTC instant `nowMs`. Throws RangeError for an unknown zone. */
export function dayInTimeZone(nowMs: number, timeZone: string): Day {
  const minute = Math.floor(nowMs / 60_000);
  const last = lastDay.get(timeZone);
  if (last && last.minute === minute) return last.day;
  const day = computeDay(nowMs, timeZone);
  if (lastDay.size > 500) lastDay.clear();
  lastDay.set(timeZone, { minute, day });
  return day;
}

function computeDay(nowMs: number, timeZone: string): Day {
  let y = 0;
  let m = 0;
  let d = 0;
  for (const part of dayFormat(timeZone).formatToParts(nowMs)) {
    if (part.type === "year") y = Number(part.value);
    else if (part.type === "month") m = Number(part.value);
    else if (part.type === "day") d = Number(part.value);
  }
  return format(y, m, d);
}

/**
 * The first UTC instant (ms) of `day` in `timeZone`: local midnight, or the end of a
 * DST gap when a zone skips midnight. Days are 23, 24 or 25 hours long across DST.
 */
export function startOfDayMs(day: Day, timeZone: string): number {
  const key = `${timeZone}|${day}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    start = searchStartOfDay(day, timeZone);
    if (dayStarts.size >= 5_000) dayStarts.clear();
    dayStarts.set(key, start);
  }
  return start;
}

/** Days' starts by zone: a calendar asks for the same few days on every request, each a binary search of ~30 formatted instants. */
const dayStarts = new Map<string, number>();

function searchStartOfDay(day: Day, timeZone: string): number {
  const utcMidnight = toEpochDay(day) * MS_PER_DAY;
  // Every offset in use lies within ±15 h: the day starts in this window.
  let lo = utcMidnight - 15 * 3_600_000;
  let hi = utcMidnight + 15 * 3_600_000;
  // Invariant: dayInTimeZone(lo) < day <= dayInTimeZone(hi).
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayInTimeZone(mid, timeZone) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The day after `day` starts, minus its start: the length of `day` in ms in `timeZone`. */
export function dayLengthMs(day: Day, timeZone: string): number {
  return startOfDayMs(addDays(day, 1), timeZone) - startOfDayMs(day, timeZone);
}
