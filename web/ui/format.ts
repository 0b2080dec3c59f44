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
  try {
    return new Intl.DateTimeFormat(lang, timeZone ? { ...options, timeZone } : options).format(date);
  } catch {
    return new Intl.DateTimeFormat(lang, options).format(date);
  }
}

/** Whether two instants fall in the same calendar year in `timeZone` (the runtime's when unknown). */
function sameYear(a: Date, b: Date, timeZone: string | null | undefined): boolean {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en", timeZone ? { year: "numeric", timeZone } : { year: "numeric" });
  } catch {
    format = new Intl.DateTimeFormat("en", { year: "numeric" });
  }
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
    ? `${(bytes / mib).toLocaleString(lang, { maximumFractionDigits: 1 })}\u00a0MiB`
    : `${Math.round(bytes / 1024).toLocaleString(lang)}\u00a0KiB`;
}
