import { t, type Lang, type MessageKey } from "../i18n";
import { remembered } from "./memo";

/**
 * A date (or date and time) in the reader's language. `timeZone` is the community's;
 * an unknown zone falls back to the runtime's rather than failing the page.
 */
export function formatDate(
  lang: Lang,
  iso: string,
  {
    timeZone,
    time = false,
    short = false,
  }: {
    timeZone?: string | null | undefined;
    time?: boolean;
    /** Day and abbreviated month, with the year only when it isn't this year ("12 Mar"), for table cells. */
    short?: boolean;
  } = {},
): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // The short form depends on today's year; the others only on their key, and ICU's format
  // with a time zone is the costliest call of a page that shows a few dates.
  if (short) return dateFormat(lang, sameYear(date, new Date(), timeZone) ? DAY_MONTH : DAY_MONTH_YEAR, timeZone).format(date);
  return formattedDates(`${lang}|${timeZone ?? ""}|${time ? "t" : "d"}|${iso}`, () => dateFormat(lang, time ? DATE_TIME : LONG_DATE, timeZone).format(date));
}

const formattedDates = remembered<string>(2000);

// The same objects every time, so dateFormat finds their formatters without serialising them.
const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };
const DAY_MONTH: Intl.DateTimeFormatOptions = { day: "numeric", month: "short" };
const DAY_MONTH_YEAR: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };
const LONG_DATE: Intl.DateTimeFormatOptions = { dateStyle: "long" };
const YEAR: Intl.DateTimeFormatOptions = { year: "numeric" };

/** Whether two instants fall in the same calendar year in `timeZone` (the runtime's when unknown). */
function sameYear(a: Date, b: Date, timeZone: string | null | undefined): boolean {
  const format = dateFormat("en", YEAR, timeZone);
  return format.format(a) === format.format(b);
}

/** `iso` plus whole days, as ISO (e.g. the end of a 30-day restore window). */
export function addDays(iso: string, days: number): string {
  const ms = new Date(iso).getTime();
  return Number.isNaN(ms) ? iso : new Date(ms + days * 86_400_000).toISOString();
}

/** A byte count as the limits are written (KiB/MiB), in the reader's number format. */
export function formatBytes(lang: Lang, bytes: number): string {
  const mib = 1024 * 1024;
  return bytes >= mib
    ? `${formatNumber(lang, bytes / mib, { maximumFractionDigits: 1 })}\u00a0MiB`
    : `${formatNumber(lang, Math.round(bytes / 1024))}\u00a0KiB`;
}

const formats = remembered<Intl.DateTimeFormat>(500);
/** Options objects a caller keeps (module constants) are serialised once. */
const optionKeys = new WeakMap<Intl.DateTimeFormatOptions, string>();

/**
 * A date formatter for (language, options, time zone), made once: building an
 * Intl.DateTimeFormat costs far more than using one, and pages format many dates. An
 * unknown time zone falls back to the runtime's.
 */
export function dateFormat(lang: string, options: Intl.DateTimeFormatOptions, timeZone?: string | null): Intl.DateTimeFormat {
  let optionsKey = optionKeys.get(options);
  if (optionsKey === undefined) {
    optionsKey = JSON.stringify(options);
    optionKeys.set(options, optionsKey);
  }
  return formats(`${lang}|${timeZone ?? ""}|${optionsKey}`, () => {
    try {
      return new Intl.DateTimeFormat(lang, timeZone ? { ...options, timeZone } : options);
    } catch {
      return new Intl.DateTimeFormat(lang, options);
    }
  });
}

const relativeFormats = remembered<Intl.RelativeTimeFormat | null>(100);

/** "5 minutes ago" in `lang`, made once per language; null on an engine without it. */
export function relativeFormat(lang: string): Intl.RelativeTimeFormat | null {
  return relativeFormats(lang, () => {
    try {
      return new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    } catch {
      return null;
    }
  });
}

const pluralRules = remembered<Intl.PluralRules>(100);

/** The language's plural rule, made once: building Intl objects costs far more than using them. */
function pluralRule(lang: string): Intl.PluralRules {
  return pluralRules(lang, () => new Intl.PluralRules(lang));
}

/**
 * Answers for the counts pages show most (whole numbers below SMALL), per language: even a
 * ready-made PluralRules or NumberFormat goes through ICU on every call, and a page makes
 * dozens of such calls.
 */
const SMALL = 10_000;
const smallCategories = new Map<string, Intl.LDMLPluralRule[]>();
const smallNumbers = new Map<string, string[]>();

const isSmall = (n: number) => Number.isInteger(n) && n >= 0 && n < SMALL;

/** `pluralRule(lang).select(n)`, remembered for small whole numbers. */
export function pluralCategory(lang: string, n: number): Intl.LDMLPluralRule {
  if (!isSmall(n)) return pluralRule(lang).select(n);
  let known = smallCategories.get(lang);
  if (!known) smallCategories.set(lang, (known = []));
  return (known[n] ??= pluralRule(lang).select(n));
}

const numberFormats = remembered<Intl.NumberFormat>(100);

/** A decimal as the reader writes it in a form field (a comma in French and Dutch), unlike `formatNumber` without grouping or rounding. */
export function decimalInput(lang: Lang, value: string | number): string {
  const text = String(value);
  return lang === "en" ? text : text.replace(".", ",");
}

/**
 * A number in the reader's language ("1 234" in French). `n.toLocaleString(lang)` would
 * build a new Intl.NumberFormat on every call, which showed up as the largest single cost
 * of rendering a page; this one is made once per language and options.
 */
export function formatNumber(lang: string, n: number, options?: Intl.NumberFormatOptions): string {
  if (!options && isSmall(n)) {
    let known = smallNumbers.get(lang);
    if (!known) smallNumbers.set(lang, (known = []));
    return (known[n] ??= numberFormat(lang).format(n));
  }
  return numberFormat(lang, options).format(n);
}

function numberFormat(lang: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  return numberFormats(options ? `${lang}|${JSON.stringify(options)}` : lang, () => new Intl.NumberFormat(lang, options));
}

/** A stored code (a role, a reason) in words through its catalog key; an unknown code is shown as is rather than hidden. */
export function codeLabel(lang: Lang, keys: Record<string, MessageKey>, code: string): string {
  const key = keys[code];
  return key ? t(lang, key) : code;
}

/**
 * Money (integer minor units of an ISO 4217 currency) in the reader's language ("49,90 €" in
 * French, "€49.90" in English), through its decimal text, never divided in binary floats.
 */
export function formatMoney(lang: string, m: { amount: number; currency: string }): string {
  const format = numberFormat(lang, { style: "currency", currency: m.currency });
  const e = format.resolvedOptions().maximumFractionDigits ?? 2;
  const digits = String(Math.abs(m.amount)).padStart(e + 1, "0");
  const text = `${m.amount < 0 ? "-" : ""}${e === 0 ? digits : `${digits.slice(0, -e)}.${digits.slice(-e)}`}`;
  // Intl formats decimal strings exactly (its `format` takes a string since ES2023).
  return format.format(text as unknown as number);
}

const DAY_UTC: Intl.DateTimeFormatOptions = { dateStyle: "long", timeZone: "UTC" };
const DAY_SHORT_UTC: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" };

/** A calendar day (`YYYY-MM-DD`, already the community's day) in the reader's language; `short` for table cells. */
export function formatDay(lang: string, day: string, { short = false }: { short?: boolean } = {}): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return dateFormat(lang, short ? DAY_SHORT_UTC : DAY_UTC).format(date);
}

// ── bk-ical ──
const SLOT_DAY: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long", year: "numeric" };
const SLOT_DAY_SHORT: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short" };
const SLOT_TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };

/**
 * A booking's day and times in the reader's language and the community's timezone:
 * "lundi 7 décembre 2026, 09:00 – 10:30" (`short`: "lun. 7 déc."); a slot ending on another day
 * names both days.
 */
export function formatSlot(lang: string, from: string, to: string, timeZone: string | null | undefined, { short = false }: { short?: boolean } = {}): { day: string; time: string; text: string } {
  const a = new Date(from);
  const b = new Date(to);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return { day: from, time: to, text: `${from} – ${to}` };
  const dayFormat = dateFormat(lang, short ? SLOT_DAY_SHORT : SLOT_DAY, timeZone);
  const timeFormat = dateFormat(lang, SLOT_TIME, timeZone);
  const day = dayFormat.format(a);
  // The day the slot ends on, judged by the minute before its end (a slot ending at midnight ends that day).
  const endDay = dayFormat.format(new Date(b.getTime() - 60_000));
  const time = endDay === day ? `${timeFormat.format(a)} – ${timeFormat.format(b)}` : `${timeFormat.format(a)} – ${endDay}, ${timeFormat.format(b)}`;
  return { day, time, text: `${day}, ${time}` };
}
// ── end bk-ical ──
