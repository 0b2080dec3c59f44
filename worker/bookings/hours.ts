import type { OpeningWindow } from "../db/schema";
import { addDays, dayInTimeZone, startOfDayMs, type Day } from "../memberships/periods";

// Opening hours (API.md "Resources and bookings"), as pure functions of plain arguments.
//
// A window `{day, from, to}` is wall-clock time in the community's timezone on an ISO weekday
// (1 = Monday): it covers the instants from the first one of that day whose clock reads `from`
// or later up to the first one whose clock reads `to` or later (`24:00`: the start of the next
// day). So a window starting inside a spring-forward gap opens when the clock jumps, and a day
// across a DST change is as long as it really is (23 or 25 hours). A window ending at `24:00`
// joins the next day's window starting at `00:00`: windows that touch merge. A booking fits when
// every instant of its half-open interval [from, to) falls inside one merged window.

export type { OpeningWindow };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` as minutes since midnight (0..1439), `24:00` as 1440 when `end`; null when malformed. */
export function minutesOf(text: string, end = false): number | null {
  if (end && text === "24:00") return 1440;
  const m = HHMM.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** The problem of one window, as a catalog key, or null when it is well formed. */
export function windowProblem(w: OpeningWindow): string | null {
  if (!Number.isInteger(w.day) || w.day < 1 || w.day > 7) return "field.invalid";
  const from = minutesOf(w.from);
  const to = minutesOf(w.to, true);
  if (from === null || to === null) return "field.invalid";
  return from < to ? null : "field.invalid";
}

/** ISO weekday of a day (1 = Monday … 7 = Sunday). */
export function isoWeekday(day: Day): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall clock in `timeZone` at `ms`, as `YYYY-MM-DD` and minutes since midnight (seconds dropped). */
export function wallClock(ms: number, timeZone: string): { day: Day; minutes: number } {
  let f = wallFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit" });
    wallFormats.set(timeZone, f);
  }
  let h = 0;
  let mi = 0;
  for (const p of f.formatToParts(ms)) {
    if (p.type === "hour") h = Number(p.value);
    else if (p.type === "minute") mi = Number(p.value);
  }
  return { day: dayInTimeZone(ms, timeZone), minutes: h * 60 + mi };
}

/**
 * The first instant of `day` in `timeZone` whose wall clock reads `minutes` (0..1440) or later;
 * 1440 is the start of the next day.
 */
export function wallTimeMs(day: Day, minutes: number, timeZone: string): number {
  const start = startOfDayMs(day, timeZone);
  const next = startOfDayMs(addDays(day, 1), timeZone);
  if (minutes <= 0) return start;
  if (minutes >= 1440) return next;
  const reached = (ms: number) => {
    const w = wallClock(ms, timeZone);
    return w.day > day || (w.day === day && w.minutes >= minutes);
  };
  // Wall time only moves forward inside a day except in a fall-back hour, where the first pass counts:
  // search the first minute (offsets are whole minutes) at or after which the clock reads `minutes`.
  let lo = 0; // minutes after `start` known not reached
  let hi = Math.ceil((next - start) / 60_000); // known reached (the next day)
  if (reached(start)) return start;
  // The monotone guess first: the clock reads `minutes` exactly `minutes` after midnight on a plain day.
  const guess = start + minutes * 60_000;
  if (reached(guess) && !reached(guess - 60_000)) return guess;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (reached(start + mid * 60_000)) hi = mid;
    else lo = mid;
  }
  return Math.min(start + hi * 60_000, next);
}

/** The opening intervals (UTC ms, half-open, merged where they touch) of the days around [fromMs, toMs). */
export function openIntervals(windows: readonly OpeningWindow[], fromMs: number, toMs: number, timeZone: string): [number, number][] {
  const first = addDays(dayInTimeZone(fromMs, timeZone), -1);
  const last = addDays(dayInTimeZone(Math.max(fromMs, toMs - 1), timeZone), 1);
  const raw: [number, number][] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const weekday = isoWeekday(day);
    for (const w of windows) {
      if (w.day !== weekday) continue;
      const from = minutesOf(w.from);
      const to = minutesOf(w.to, true);
      if (from === null || to === null || from >= to) continue;
      const a = wallTimeMs(day, from, timeZone);
      const b = wallTimeMs(day, to, timeZone);
      if (a < b) raw.push([a, b]);
    }
  }
  raw.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const iv of raw) {
    const top = merged.at(-1);
    if (top && iv[0] <= top[1]) top[1] = Math.max(top[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

/** Whether every instant of [fromMs, toMs) falls in a window; no windows at all (null) means always open. */
export function fitsOpeningHours(windows: readonly OpeningWindow[] | null, fromMs: number, toMs: number, timeZone: string): boolean {
  if (windows === null) return true;
  return openIntervals(windows, fromMs, toMs, timeZone).some(([a, b]) => a <= fromMs && toMs <= b);
}
