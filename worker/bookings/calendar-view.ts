import { addDays, dayInTimeZone, isDay, startOfDayMs, type Day } from "../memberships/periods";
import type { CalendarAsk, CalendarItem, CalendarRange, CalendarView, CellState, Grid, GridResource } from "./types";
import { isoWeekday, minutesOf, openIntervals, wallClock, wallTimeMs } from "./hours";

// The /bookings page's calendar as plain data (no HTTP, no markup): which days a view covers,
// and for the day and week views a grid of half-hour cells in the community's timezone, each
// free, busy, closed (outside the resource's opening hours) or past, with the bookings that
// start in it. The page's components only draw it.

export type { CalendarAsk, CalendarRange, CalendarView, Grid, GridResource };
export const CALENDAR_VIEWS: readonly CalendarView[] = ["day", "week", "month"];


export function calendarAsk(query: (name: string) => string | undefined, today: Day): CalendarAsk {
  const view = query("view");
  const date = query("date") ?? "";
  const short = (s: string | undefined, max: number) => (s && s.length <= max ? s : null);
  return {
    view: CALENDAR_VIEWS.includes(view as CalendarView) ? (view as CalendarView) : "week",
    date: isDay(date) ? date : today,
    category: short(query("category"), 60),
    resource: short(query("resource"), 64),
  };
}


/** The days a view shows: a day, the ISO week (Monday first) or the whole weeks around a month, and where previous/next go. */
export function calendarRange(view: CalendarView, date: Day, timeZone: string): CalendarRange {
  let first: Day;
  let end: Day;
  let prev: Day;
  let next: Day;
  if (view === "day") {
    [first, end, prev, next] = [date, addDays(date, 1), addDays(date, -1), addDays(date, 1)];
  } else if (view === "week") {
    first = addDays(date, 1 - isoWeekday(date));
    [end, prev, next] = [addDays(first, 7), addDays(first, -7), addDays(first, 7)];
  } else {
    const monthStart = `${date.slice(0, 7)}-01`;
    const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
    next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    prev = m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, "0")}-01`;
    first = addDays(monthStart, 1 - isoWeekday(monthStart));
    const last = addDays(next, -1);
    end = addDays(last, 8 - isoWeekday(last));
  }
  return { first, end, prev, next, fromMs: startOfDayMs(first, timeZone), toMs: startOfDayMs(end, timeZone) };
}

/** Every day of [first, end). */
export function daysOf(first: Day, end: Day): Day[] {
  const out: Day[] = [];
  for (let d = first; d < end; d = addDays(d, 1)) out.push(d);
  return out;
}


const STEP = 30;
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

const DAY_MS = 86_400_000;

/**
 * Wall-clock arithmetic for the days a grid shows, without asking Intl for every cell: a day of
 * exactly 24 hours has no offset change (a DST day lasts 23 or 25), so its minute `m` is its
 * start + m minutes; other days (and instants outside the shown days) go through `hours.ts`.
 * A week of 500 bookings is ~340 cells and 1,000 instants: Intl for each cost ~100 ms a page.
 */
function dayClocks(days: Iterable<Day>, timeZone: string) {
  const plain = new Map<Day, number>();
  for (const day of new Set(days)) {
    const start = wallTimeMs(day, 0, timeZone);
    if (wallTimeMs(addDays(day, 1), 0, timeZone) - start === DAY_MS) plain.set(day, start);
  }
  const starts = [...plain.entries()];
  return {
    /** The instant `day`'s wall clock reads `minutes` (as `wallTimeMs`). */
    at(day: Day, minutes: number): number {
      const start = plain.get(day);
      return start === undefined || minutes < 0 || minutes > 1440 ? wallTimeMs(day, minutes, timeZone) : start + minutes * 60_000;
    },
    /** The wall clock at `ms` (as `wallClock`). */
    clock(ms: number): { day: Day; minutes: number } {
      for (const [day, start] of starts) if (ms >= start && ms < start + DAY_MS) return { day, minutes: Math.floor((ms - start) / 60_000) };
      return wallClock(ms, timeZone);
    },
  };
}

/** The rows a grid shows: the resources' opening hours (08:00–20:00 without any), widened to every booking shown. */
function rowSpan(columns: { day: Day; resource: GridResource | null }[], items: CalendarItem[], clocks: ReturnType<typeof dayClocks>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of columns) {
    for (const w of c.resource?.openingHours ?? []) {
      lo = Math.min(lo, minutesOf(w.from) ?? 0);
      hi = Math.max(hi, minutesOf(w.to, true) ?? 1440);
    }
  }
  if (lo === Infinity) [lo, hi] = [8 * 60, 20 * 60];
  const days = new Set(columns.map((c) => c.day));
  for (const it of items) {
    const a = clocks.clock(Date.parse(it.from));
    const b = clocks.clock(Date.parse(it.to));
    if (days.has(a.day)) lo = Math.min(lo, a.minutes);
    if (days.has(b.day)) hi = Math.max(hi, b.minutes);
    if (days.has(a.day) && b.day > a.day) hi = 1440;
    if (days.has(b.day) && a.day < b.day) lo = 0;
  }
  return [Math.max(0, Math.floor(lo / STEP) * STEP), Math.min(1440, Math.ceil(hi / STEP) * STEP)];
}

/**
 * The half-hour grid of the day and week views: one column per (day, resource) — a week of one
 * resource, or one day of several. A cell is past once it started, closed outside its resource's
 * opening hours, busy when as many bookings as the resource has units run in it (a column without
 * a resource only shows bookings), free otherwise; each booking sits in the cell it starts in (or
 * the first row when it started earlier).
 */
export function calendarGrid(columns: { day: Day; resource: GridResource | null }[], items: CalendarItem[], timeZone: string, now: number): Grid {
  const clocks = dayClocks(columns.map((c) => c.day), timeZone);
  const [lo, hi] = rowSpan(columns, items, clocks);
  const rows: Grid["rows"] = [];
  for (let m = lo; m < hi; m += STEP) rows.push({ start: hhmm(m), end: hhmm(m + STEP) });
  const spans = items.map((it) => ({ it, a: Date.parse(it.from), b: Date.parse(it.to) }));
  return {
    rows,
    columns: columns.map(({ day, resource }) => {
      const dayFrom = clocks.at(day, lo);
      const dayTo = clocks.at(day, hi);
      const open = resource?.openingHours ? openIntervals(resource.openingHours, dayFrom, Math.max(dayFrom + 1, dayTo), timeZone) : null;
      const mine = spans.filter((s) => (!resource || s.it.resource.id === resource.id) && s.a < dayTo && s.b > dayFrom);
      const cells = rows.map((row, i) => {
        const m = lo + i * STEP;
        const from = clocks.at(day, m);
        const to = clocks.at(day, m + STEP);
        const overlapping = mine.filter((s) => s.a < to && s.b > from);
        const starting = overlapping.filter((s) => (s.a >= from && s.a < to) || (i === 0 && s.a < from)).map((s) => s.it);
        let state: CellState = "free";
        if (from >= to || from < now) state = "past";
        else if (open && !open.some(([a, b]) => a <= from && to <= b)) state = "closed";
        else if (overlapping.length >= (resource?.units ?? 1) && (resource || overlapping.length > 0)) state = "busy";
        return { start: row.start, end: row.end, state, mine: overlapping.some((s) => s.it.mine), items: starting };
      });
      return { day, resource, cells };
    }),
  };
}

/** The month view: its weeks, each day with the bookings starting on it (in the community's timezone). */
export function monthWeeks(range: CalendarRange, items: CalendarItem[], timeZone: string): { day: Day; items: CalendarItem[] }[][] {
  const byDay = new Map<Day, CalendarItem[]>();
  for (const it of items) {
    const day = dayInTimeZone(Date.parse(it.from), timeZone);
    byDay.set(day, [...(byDay.get(day) ?? []), it]);
  }
  const days = daysOf(range.first, range.end);
  const weeks: { day: Day; items: CalendarItem[] }[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7).map((day) => ({ day, items: byDay.get(day) ?? [] })));
  return weeks;
}
