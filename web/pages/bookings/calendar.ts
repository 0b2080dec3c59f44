import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { dateFormat } from "../../ui/format";
import type { CalendarAsk, CalendarItem, CalendarRange, CalendarView, Grid, GridColumn } from "../../../worker/bookings/types";

// The calendar of /bookings, drawn from the data worker/bookings/calendar-view.ts computed: the
// views' switch, previous/today/next, the category toggles and the resource filter (links and a
// GET form), the half-hour grid of the day and week views and the month's weeks.

export type ResourceChoice = { id: string; name: string; category: string };

const VIEW_KEYS: Record<CalendarView, MessageKey> = { day: "bookings.view.day", week: "bookings.view.week", month: "bookings.view.month" };

/** `/bookings` with the calendar's query (`patch` overrides; null drops a filter). */
export function calendarHref(ask: CalendarAsk, patch: Partial<CalendarAsk> & Record<string, string | null | undefined> = {}): string {
  const all: Record<string, string | null | undefined> = { view: ask.view, date: ask.date, category: ask.category, resource: ask.resource, ...patch };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(all)) if (v) q.set(k, v);
  return `/bookings?${q.toString()}`;
}

// Formats (module constants, so dateFormat finds its formatters again); days are already the community's, hence UTC.
const DAY_HEAD: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" };
const LONG_DAY: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" };
const MONTH: Intl.DateTimeFormatOptions = { month: "long", year: "numeric", timeZone: "UTC" };
const WEEKDAY: Intl.DateTimeFormatOptions = { weekday: "short", timeZone: "UTC" };
const MEDIUM_DAY: Intl.DateTimeFormatOptions = { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" };
const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

const utcDay = (day: string) => new Date(`${day}T12:00:00Z`);
/** A heading's first letter in capitals ("lun. 7 déc." → "Lun. 7 déc."), the rest as the language writes it. */
const upperFirst = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);
export const dayLabel = (lang: Lang, day: string) => upperFirst(dateFormat(lang, DAY_HEAD).format(utcDay(day)));
export const longDay = (lang: Lang, day: string) => upperFirst(dateFormat(lang, LONG_DAY).format(utcDay(day)));
/** A time of day in the community's timezone ("09:30"). */
export const timeOf = (lang: Lang, iso: string, timeZone: string) => dateFormat(lang, TIME, timeZone).format(new Date(iso));

/** The heading of what a view shows: the day, "Week of 7 December 2026", or the month. */
export function periodTitle(lang: Lang, ask: CalendarAsk, range: CalendarRange): string {
  if (ask.view === "day") return longDay(lang, ask.date);
  if (ask.view === "week") return t(lang, "bookings.week_of", { date: dateFormat(lang, MEDIUM_DAY).format(utcDay(range.first)) });
  return upperFirst(dateFormat(lang, MONTH).format(utcDay(ask.date)));
}

/** The views, previous/today/next and the period's title. */
export function CalendarToolbar({ lang, ask, range, today }: { lang: Lang; ask: CalendarAsk; range: CalendarRange; today: string }): VNode {
  return html`<div class="calendar-toolbar">
    <nav class="calendar-views" aria-label=${t(lang, "bookings.views")}>
      ${(["day", "week", "month"] as const).map(
        (view) => html`<a class="calendar-view-link" href=${calendarHref(ask, { view })} aria-current=${view === ask.view ? "page" : undefined}>${t(lang, VIEW_KEYS[view])}</a>`,
      )}
    </nav>
    <div class="calendar-moves">
      <a class="btn btn-secondary btn-sm calendar-prev" href=${calendarHref(ask, { date: range.prev })} rel="prev" aria-label=${t(lang, "bookings.prev")}
        >‹<span class="calendar-move-word"> ${t(lang, "bookings.prev")}</span></a
      >
      <a class="btn btn-secondary btn-sm calendar-today" href=${calendarHref(ask, { date: today })}>${t(lang, "bookings.today")}</a>
      <a class="btn btn-secondary btn-sm calendar-next" href=${calendarHref(ask, { date: range.next })} rel="next" aria-label=${t(lang, "bookings.next")}
        ><span class="calendar-move-word">${t(lang, "bookings.next")} </span>›</a
      >
    </div>
    <h2 class="calendar-period" id="calendar-period">${periodTitle(lang, ask, range)}</h2>
  </div>`;
}

/** Category toggles (links) and the resource filter (a GET form that works without JavaScript). */
export function CalendarFilters({ lang, ask, categories, resources }: { lang: Lang; ask: CalendarAsk; categories: string[]; resources: ResourceChoice[] }): VNode {
  const shown = ask.category ? resources.filter((r) => r.category === ask.category) : resources;
  return html`<div class="calendar-filters">
    ${categories.length > 1 &&
    html`<nav class="calendar-categories" aria-label=${t(lang, "bookings.categories")}>
      <ul class="chip-list">
        <li><a class="calendar-chip" href=${calendarHref(ask, { category: null, resource: null })} aria-current=${ask.category ? undefined : "true"}>${t(lang, "bookings.category_all")}</a></li>
        ${categories.map(
          (c) => html`<li>
            <a class="calendar-chip" href=${calendarHref(ask, { category: ask.category === c ? null : c, resource: null })} aria-current=${ask.category === c ? "true" : undefined}>${c}</a>
          </li>`,
        )}
      </ul>
    </nav>`}
    <form class="calendar-resource-form" method="get" action="/bookings">
      <input type="hidden" name="view" value=${ask.view} />
      <input type="hidden" name="date" value=${ask.date} />
      ${ask.category && html`<input type="hidden" name="category" value=${ask.category} />`}
      <label class="sr-only" for="calendar-resource">${t(lang, "bookings.form.resource")}</label>
      <select class="input select" id="calendar-resource" name="resource">
        <option value="">${t(lang, "bookings.resource_all")}</option>
        ${shown.map((r) => html`<option value=${r.id} selected=${r.id === ask.resource}>${r.name}</option>`)}
      </select>
      <button type="submit" class="btn btn-secondary btn-sm">${t(lang, "bookings.show")}</button>
    </form>
  </div>`;
}

/** What a booking says on the calendar: a member's own title, an admin's title and member, or "busy". */
export function itemText(lang: Lang, it: CalendarItem, withResource: boolean): string {
  const what = it.mine ? it.title || t(lang, "bookings.untitled") : it.member ? [it.title, it.member.name].filter(Boolean).join(" · ") : t(lang, "bookings.busy");
  return withResource ? `${it.resource.name} · ${what}` : what;
}

function ItemChip({ lang, it, timeZone, withResource, count = 1 }: { lang: Lang; it: CalendarItem; timeZone: string; withResource: boolean; count?: number }): VNode {
  const what = count > 1 ? t(lang, "bookings.busy_count", { what: itemText(lang, it, withResource), count }) : itemText(lang, it, withResource);
  const text = html`<span class="calendar-item-time">${timeOf(lang, it.from, timeZone)}–${timeOf(lang, it.to, timeZone)}</span> <span class="calendar-item-text">${what}</span>`;
  const cls = `calendar-item ${it.mine ? "calendar-item-mine" : "calendar-item-busy"}`;
  return it.mine || it.member ? html`<a class=${cls} href=${`/bookings/${it.id}`}>${text}</a>` : html`<span class=${cls}>${text}</span>`;
}

/**
 * A cell's chips: other members' bookings of the same resource and times say the same thing
 * ("Busy", nothing more), so they are one chip with their count — a 5-unit room booked full
 * shows one line per slot, not five.
 */
function CellChips({ lang, items, timeZone, withResource }: { lang: Lang; items: CalendarItem[]; timeZone: string; withResource: boolean }): VNode[] {
  const groups: { it: CalendarItem; count: number }[] = [];
  const anonymous = new Map<string, { it: CalendarItem; count: number }>();
  for (const it of items) {
    if (it.mine || it.member) {
      groups.push({ it, count: 1 });
      continue;
    }
    const key = `${it.resource.id}|${it.from}|${it.to}`;
    const same = anonymous.get(key);
    if (same) same.count++;
    else {
      const group = { it, count: 1 };
      anonymous.set(key, group);
      groups.push(group);
    }
  }
  return groups.map(({ it, count }) => ItemChip({ lang, it, timeZone, withResource, count }));
}

/** Where a free cell leads: this calendar again with the booking form filled (`book`, `on`, `start`, `end`). */
function slotHref(ask: CalendarAsk, col: GridColumn, start: string, end: string): string {
  return `${calendarHref(ask, { book: col.resource!.id, on: col.day, start, end })}#booking-form`;
}

/** An hour after `start` when the next cell is free too, else the cell's own end. */
function slotEnd(col: GridColumn, row: number): string {
  const next = col.cells[row + 1];
  return next && next.state === "free" ? next.end : col.cells[row]!.end;
}

/**
 * The grid of the day view (a column per resource) and the week view (a column per day of one
 * resource, or of all of them, without free links). Free cells are links that fill the booking
 * form; the BookingPicker island lets a pointer drag over several.
 */
export function CalendarGrid({ lang, ask, grid, timeZone, view }: { lang: Lang; ask: CalendarAsk; grid: Grid; timeZone: string; view: "day" | "week" }): VNode {
  const label = (col: GridColumn) => (view === "day" ? (col.resource?.name ?? "") : dayLabel(lang, col.day));
  const withResource = grid.columns.some((c) => c.resource === null);
  return html`<div class="calendar-scroll">
    <table class=${`calendar-grid calendar-grid-${view}`} style=${`--calendar-cols: ${grid.columns.length}`} aria-labelledby="calendar-period">
      <thead>
        <tr>
          <th scope="col" class="calendar-time-head"><span class="sr-only">${t(lang, "bookings.time")}</span></th>
          ${grid.columns.map(
            (col) => html`<th scope="col" class="calendar-col-head">
              ${view === "week" ? html`<a href=${calendarHref(ask, { view: "day", date: col.day })}>${label(col)}</a>` : label(col)}
            </th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${grid.rows.map(
          (row, r) => html`<tr class=${row.start.endsWith(":00") ? "calendar-hour" : "calendar-half"}>
            <th scope="row" class="calendar-time">${row.start.endsWith(":00") ? row.start : html`<span class="sr-only">${row.start}</span>`}</th>
            ${grid.columns.map((col, c) => {
              const cell = col.cells[r]!;
              const free = cell.state === "free" && col.resource !== null;
              return html`<td class=${`calendar-cell calendar-${cell.state}${cell.mine ? " calendar-cell-mine" : ""}`} data-col=${c} data-row=${r}>
                ${free &&
                html`<a
                  class="calendar-slot"
                  href=${slotHref(ask, col, cell.start, slotEnd(col, r))}
                  data-resource=${col.resource!.id}
                  data-day=${col.day}
                  data-start=${cell.start}
                  data-end=${cell.end}
                  aria-label=${t(lang, "bookings.free_slot", { resource: col.resource!.name, date: dayLabel(lang, col.day), time: cell.start })}
                ></a>`}
                ${CellChips({ lang, items: cell.items, timeZone, withResource })}
              </td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The month: its weeks, each day with its first bookings and a link to that day. */
export function CalendarMonth({ lang, ask, weeks, timeZone, today }: { lang: Lang; ask: CalendarAsk; weeks: { day: string; items: CalendarItem[] }[][]; timeZone: string; today: string }): VNode {
  const month = ask.date.slice(0, 7);
  const withResource = !ask.resource;
  return html`<div class="calendar-scroll calendar-scroll-month">
    <table class="calendar-month" aria-labelledby="calendar-period">
      <thead>
        <tr>
          ${(weeks[0] ?? []).map((d) => html`<th scope="col">${upperFirst(dateFormat(lang, WEEKDAY).format(utcDay(d.day)))}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${weeks.map(
          (week) => html`<tr>
            ${week.map(
              (d) => html`<td class=${["calendar-day", d.day.slice(0, 7) !== month && "calendar-day-other", d.day === today && "calendar-day-today"].filter(Boolean).join(" ")}>
                <a class="calendar-day-link" href=${calendarHref(ask, { view: "day", date: d.day })} aria-label=${t(lang, "bookings.day_link", { date: longDay(lang, d.day) })}>${Number(d.day.slice(8))}</a>
                ${d.items.length > 0 && html`<span class="calendar-day-count" aria-hidden="true">${d.items.length}</span>`}
                <div class="calendar-day-items">
                  ${d.items.slice(0, 3).map((it) => ItemChip({ lang, it, timeZone, withResource }))}
                  ${d.items.length > 3 && html`<a class="calendar-more" href=${calendarHref(ask, { view: "day", date: d.day })}>${t(lang, "bookings.more", { count: d.items.length - 3 })}</a>`}
                </div>
              </td>`,
            )}
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** What the grid's colours mean. */
export function CalendarLegend({ lang }: { lang: Lang }): VNode {
  return html`<ul class="calendar-legend">
    <li><span class="calendar-swatch calendar-free" aria-hidden="true"></span>${t(lang, "bookings.free")}</li>
    <li><span class="calendar-swatch calendar-swatch-mine" aria-hidden="true"></span>${t(lang, "bookings.mine")}</li>
    <li><span class="calendar-swatch calendar-busy" aria-hidden="true"></span>${t(lang, "bookings.busy")}</li>
    <li><span class="calendar-swatch calendar-closed" aria-hidden="true"></span>${t(lang, "bookings.closed")}</li>
  </ul>`;
}
