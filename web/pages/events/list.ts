import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { Alert, ButtonLink, PageHead } from "../../ui/components";
import { dateFormat } from "../../ui/format";
import { siteName, type PageContext } from "../../ui/page";
import { dayOf, EVENTS_PATH, EventList, eventPath, StatusBadge } from "./shared";
import type { EventItem } from "./types";

// /events: upcoming or past events (`?when=`), filtered by type (`?type=`), or a month's
// calendar (`?view=month&date=YYYY-MM-DD`); links and a GET form, no script.

export type EventsQuery = { when: "upcoming" | "past"; view: "list" | "month"; type: string; /** YYYY-MM-DD, a day of the month shown. */ date: string };

/** `/events` with the query's parts that differ from the defaults. */
export function eventsHref(q: Partial<EventsQuery>): string {
  const p = new URLSearchParams();
  if (q.view === "month") {
    p.set("view", "month");
    if (q.date) p.set("date", q.date);
  } else if (q.when === "past") p.set("when", "past");
  if (q.type) p.set("type", q.type);
  const s = p.toString();
  return s ? `${EVENTS_PATH}?${s}` : EVENTS_PATH;
}

function ViewTabs({ lang, query }: { lang: Lang; query: EventsQuery }): VNode {
  const tabs = [
    { id: "upcoming", href: eventsHref({ when: "upcoming", type: query.type }), label: t(lang, "events.tab.upcoming") },
    { id: "past", href: eventsHref({ when: "past", type: query.type }), label: t(lang, "events.tab.past") },
    { id: "month", href: eventsHref({ view: "month", date: query.date, type: query.type }), label: t(lang, "events.tab.month") },
  ];
  const here = query.view === "month" ? "month" : query.when;
  return html`<nav class="tabs-nav event-tabs" aria-label=${t(lang, "events.views")}>
    <ul class="tabs">
      ${tabs.map((tab) => html`<li><a class="tab" href=${tab.href} aria-current=${tab.id === here ? "page" : undefined}>${tab.label}</a></li>`)}
    </ul>
  </nav>`;
}

/** The type filter: a GET form keeping the view (no script). */
function TypeFilter({ lang, query, types }: { lang: Lang; query: EventsQuery; types: string[] }): VNode | null {
  if (types.length === 0 && !query.type) return null;
  const options = types.includes(query.type) || !query.type ? types : [query.type, ...types];
  return html`<form class="event-filter" method="get" action=${EVENTS_PATH}>
    ${query.view === "month" ? html`<input type="hidden" name="view" value="month" /><input type="hidden" name="date" value=${query.date} />` : query.when === "past" && html`<input type="hidden" name="when" value="past" />`}
    <label class="label event-filter-label" for="event-type">${t(lang, "events.filter.type")}</label>
    <select class="input select event-filter-select" id="event-type" name="type">
      <option value="" selected=${query.type === ""}>${t(lang, "events.filter.all_types")}</option>
      ${options.map((type) => html`<option value=${type} selected=${type === query.type}>${type}</option>`)}
    </select>
    <button type="submit" class="btn btn-secondary btn-sm">${t(lang, "events.filter.apply")}</button>
  </form>`;
}

const MONTH_TITLE: Intl.DateTimeFormatOptions = { month: "long", year: "numeric", timeZone: "UTC" };
const WEEKDAY: Intl.DateTimeFormatOptions = { weekday: "short", timeZone: "UTC" };
const WEEKDAY_LONG: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" };
const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };

const utcDay = (day: string) => new Date(`${day}T00:00:00Z`);
const plusDays = (day: string, n: number) => new Date(utcDay(day).getTime() + n * 86_400_000).toISOString().slice(0, 10);

/** The first day of the month before or after the one of `day`. */
export function monthStep(day: string, step: -1 | 1): string {
  const d = utcDay(day);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + step, 1)).toISOString().slice(0, 10);
}

/** The month of `day` as weeks (Monday first) of days, each with the events starting that day. */
export function monthWeeks(day: string, events: EventItem[], timeZone: string | null): { day: string; inMonth: boolean; events: EventItem[] }[][] {
  const first = `${day.slice(0, 7)}-01`;
  const weekday = (utcDay(first).getUTCDay() + 6) % 7;
  const byDay = new Map<string, EventItem[]>();
  for (const e of events) {
    const d = dayOf(e.startsAt, timeZone);
    byDay.set(d, [...(byDay.get(d) ?? []), e]);
  }
  const weeks: { day: string; inMonth: boolean; events: EventItem[] }[][] = [];
  let cursor = plusDays(first, -weekday);
  do {
    const week = [];
    for (let i = 0; i < 7; i++, cursor = plusDays(cursor, 1)) week.push({ day: cursor, inMonth: cursor.startsWith(first.slice(0, 7)), events: byDay.get(cursor) ?? [] });
    weeks.push(week);
  } while (cursor.startsWith(first.slice(0, 7)));
  return weeks;
}

/** A month as a grid of weeks on wide screens, a list of the days with events on phones. */
function MonthCalendar({ lang, query, events, today, timeZone }: { lang: Lang; query: EventsQuery; events: EventItem[]; today: string; timeZone: string | null }): VNode {
  const weeks = monthWeeks(query.date, events, timeZone);
  const monday = weeks[0]![0]!.day;
  const title = dateFormat(lang, MONTH_TITLE).format(utcDay(query.date));
  const time = dateFormat(lang, TIME, timeZone);
  return html`<section class="event-month" aria-labelledby="event-month-title">
    <div class="event-month-head">
      <a class="btn btn-secondary btn-sm event-month-prev" href=${eventsHref({ view: "month", date: monthStep(query.date, -1), type: query.type })}>
        <span aria-hidden="true">‹</span><span class="event-month-nav-text"> ${t(lang, "events.month.previous")}</span>
      </a>
      <h2 class="event-month-title" id="event-month-title">${title}</h2>
      <a class="btn btn-secondary btn-sm event-month-next" href=${eventsHref({ view: "month", date: monthStep(query.date, 1), type: query.type })}>
        <span class="event-month-nav-text">${t(lang, "events.month.next")} </span><span aria-hidden="true">›</span>
      </a>
    </div>
    <table class="event-month-grid">
      <caption class="sr-only">${title}</caption>
      <thead>
        <tr>
          ${[0, 1, 2, 3, 4, 5, 6].map((i) => html`<th scope="col">${dateFormat(lang, WEEKDAY).format(utcDay(plusDays(monday, i)))}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${weeks.map(
          (week) => html`<tr>
            ${week.map(
              (cell) => html`<td class=${["event-month-day", !cell.inMonth && "is-outside", cell.day === today && "is-today", cell.events.length > 0 && "has-events"].filter(Boolean).join(" ")}>
                <span class="event-month-number">${Number(cell.day.slice(8))}</span>
                <span class="event-month-weekday">${dateFormat(lang, WEEKDAY_LONG).format(utcDay(cell.day))}</span>
                ${cell.events.length > 0 &&
                html`<ul class="event-month-events">
                  ${cell.events.map(
                    (e) => html`<li class=${e.canceledAt ? "event-month-event is-canceled" : "event-month-event"}>
                      <a href=${eventPath(e.id)}><span class="event-month-time">${time.format(new Date(e.startsAt))}</span> ${e.title}</a>
                      ${StatusBadge({ lang, event: e })}
                    </li>`,
                  )}
                </ul>`}
              </td>`,
            )}
          </tr>`,
        )}
      </tbody>
    </table>
    ${events.length === 0 && html`<p class="empty event-month-empty">${t(lang, "events.month.empty")}</p>`}
  </section>`;
}

export function EventsPage({
  ctx,
  query,
  types,
  events,
  nextCursor = null,
  today,
  adminNotice,
}: {
  ctx: PageContext;
  query: EventsQuery;
  /** Every type an event here has, for the filter. */
  types: string[];
  events: EventItem[];
  /** The list's next page, if any. */
  nextCursor?: string | null;
  /** The community's today (YYYY-MM-DD). */
  today: string;
  /** An admin reads the page while members cannot (events switched off). */
  adminNotice: boolean;
}): VNode {
  const { lang } = ctx;
  const timeZone = ctx.tenant?.timezone ?? null;
  const admin = (ctx.user?.tenantRole === "owner" || ctx.user?.tenantRole === "admin") && !ctx.viewingAsMember;
  return html`<div class="container events">
    <div class="split-row events-head">
      ${PageHead({ title: t(lang, "events.title"), lead: t(lang, "events.lead", { community: siteName(ctx) }) })}
      ${admin && ButtonLink({ href: "/admin/events", variant: "secondary", children: t(lang, "events.manage") })}
    </div>
    ${adminNotice && Alert({ tone: "info", children: t(lang, "events.off_admin") })}
    <div class="events-toolbar">${ViewTabs({ lang, query })} ${TypeFilter({ lang, query, types })}</div>
    ${query.view === "month"
      ? MonthCalendar({ lang, query, events, today, timeZone })
      : events.length > 0
        ? html`${EventList({ lang, events, timeZone })}
          ${nextCursor && html`<p class="events-more"><a class="btn btn-secondary" href=${`${eventsHref(query)}${eventsHref(query).includes("?") ? "&" : "?"}cursor=${encodeURIComponent(nextCursor)}`}>${t(lang, "events.more")}</a></p>`}`
        : html`<p class="empty events-empty">${t(lang, query.when === "past" ? "events.empty_past" : "events.empty_upcoming")}</p>`}
  </div>`;
}

/** What a member sees when the community switched events off. */
export function EventsOffPage({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  return html`<div class="container events">
    ${PageHead({ title: t(lang, "events.title") })}
    <div class="card events-off">
      <p>${t(lang, "events.off", { community: siteName(ctx) })}</p>
      <div class="actions">${ButtonLink({ href: "/", variant: "secondary", children: t(lang, "form.back_home") })}</div>
    </div>
  </div>`;
}
