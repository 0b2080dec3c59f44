import type { Lang } from "../i18n";

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
  const options: Intl.DateTimeFormatOptions = time
    ? { dateStyle: "medium", timeStyle: "short" }
    : short
      ? { day: "numeric", month: "short", ...(sameYear(date, new Date(), timeZone) ? {} : { year: "numeric" }) }
      : { dateStyle: "long" };
  return dateFormat(lang, options, timeZone).format(date);
}

/** Whether two instants fall in the same calendar year in `timeZone` (the runtime's when unknown). */
function sameYear(a: Date, b: Date, timeZone: string | null | undefined): boolean {
  const format = dateFormat("en", { year: "numeric" }, timeZone);
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

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A date formatter for (language, options, time zone), made once: building an
 * Intl.DateTimeFormat costs far more than using one, and pages format many dates. An
 * unknown time zone falls back to the runtime's.
 */
export function dateFormat(lang: string, options: Intl.DateTimeFormatOptions, timeZone?: string | null): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone ?? ""}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(lang, timeZone ? { ...options, timeZone } : options);
    } catch {
      format = new Intl.DateTimeFormat(lang, options);
    }
    if (formats.size > 500) formats.clear();
    formats.set(key, format);
  }
  return format;
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat | null>();

/** "5 minutes ago" in `lang`, made once per language; null on an engine without it. */
export function relativeFormat(lang: string): Intl.RelativeTimeFormat | null {
  if (!relativeFormats.has(lang)) {
    let format: Intl.RelativeTimeFormat | null;
    try {
      format = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    } catch {
      format = null;
    }
    relativeFormats.set(lang, format);
  }
  return relativeFormats.get(lang) ?? null;
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** The language's plural rule, made once: building Intl objects costs far more than using them. */
export function pluralRule(lang: string): Intl.PluralRules {
  let rule = pluralRules.get(lang);
  if (!rule) {
    rule = new Intl.PluralRules(lang);
    pluralRules.set(lang, rule);
  }
  return rule;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * A number in the reader's language ("1 234" in French). `n.toLocaleString(lang)` would
 * build a new Intl.NumberFormat on every call, which showed up as the largest single cost
 * of rendering a page; this one is made once per language and options.
 */
export function formatNumber(lang: string, n: number, options?: Intl.NumberFormatOptions): string {
  const key = options ? `${lang}|${JSON.stringify(options)}` : lang;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, options);
    if (numberFormats.size > 100) numberFormats.clear();
    numberFormats.set(key, format);
  }
  return format.format(n);
}
