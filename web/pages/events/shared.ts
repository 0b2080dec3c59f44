import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { dateFormat, formatMoney } from "../../ui/format";
import type { EventItem } from "./types";

// What every events page shows of an event: its path, when (in the community's timezone and
// the reader's language), its price, its seats and the reader's own status.

export const EVENTS_PATH = "/events";
export const eventPath = (id: string) => `${EVENTS_PATH}/${encodeURIComponent(id)}`;
export const ADMIN_EVENTS_PATH = "/admin/events";
export const adminEventPath = (id: string) => `${ADMIN_EVENTS_PATH}/${encodeURIComponent(id)}`;

const RANGE: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" };
const LONG_RANGE: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" };
const DAY_NUMBER: Intl.DateTimeFormatOptions = { day: "numeric" };
const MONTH_SHORT: Intl.DateTimeFormatOptions = { month: "short" };
const ISO_DAY: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit" };

/** "Tue 8 Dec 2026, 18:00 – 20:00" (the end's day too when it differs), in `timeZone`. */
export function whenText(lang: Lang, event: Pick<EventItem, "startsAt" | "endsAt">, timeZone: string | null, long = false): string {
  const start = new Date(event.startsAt);
  const end = new Date(event.endsAt);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return event.startsAt;
  return dateFormat(lang, long ? LONG_RANGE : RANGE, timeZone).formatRange(start, end);
}

/** The community's calendar day (`YYYY-MM-DD`) of an instant. */
export function dayOf(iso: string, timeZone: string | null): string {
  return dateFormat("en-CA", ISO_DAY, timeZone).format(new Date(iso));
}

/** The day number and short month of an event's start, for its date badge. */
export function DateBadge({ lang, iso, timeZone }: { lang: Lang; iso: string; timeZone: string | null }): VNode {
  const d = new Date(iso);
  return html`<span class="event-date" aria-hidden="true">
    <span class="event-date-day">${dateFormat(lang, DAY_NUMBER, timeZone).format(d)}</span>
    <span class="event-date-month">${dateFormat(lang, MONTH_SHORT, timeZone).format(d)}</span>
  </span>`;
}

/** The ticket's price, or "Free". */
export function priceText(lang: Lang, event: Pick<EventItem, "price">): string {
  return event.price && event.price.amount > 0 ? formatMoney(lang, event.price) : t(lang, "events.free");
}

/** Seats left, or full with a waitlist, or how many go when there is no limit. */
export function seatsText(lang: Lang, event: Pick<EventItem, "capacity" | "going" | "waitlisted">): string {
  if (event.capacity === null) return tCount(lang, "events.going_count", event.going);
  const left = Math.max(0, event.capacity - event.going);
  if (left > 0) return tCount(lang, "events.seats_left", left);
  return event.waitlisted > 0 ? tCount(lang, "events.full_waitlist", event.waitlisted) : t(lang, "events.full");
}

export const isFull = (event: Pick<EventItem, "capacity" | "going">) => event.capacity !== null && event.going >= event.capacity;

/** The reader's status (going, on the waitlist), or the event's being canceled. */
export function StatusBadge({ lang, event }: { lang: Lang; event: Pick<EventItem, "myStatus" | "canceledAt"> }): VNode | null {
  if (event.canceledAt) return html`<span class="badge badge-danger event-status-canceled">${t(lang, "events.status.canceled")}</span>`;
  if (event.myStatus === "going") return html`<span class="badge badge-success event-status-going">${t(lang, "events.status.going")}</span>`;
  if (event.myStatus === "waitlisted") return html`<span class="badge badge-warning event-status-waitlisted">${t(lang, "events.status.waitlisted")}</span>`;
  return null;
}

/** One event as a card of a list: date badge, title, when, where, price, seats, the reader's status. */
export function EventCard({ lang, event, timeZone, headingLevel = 2 }: { lang: Lang; event: EventItem; timeZone: string | null; headingLevel?: 2 | 3 }): VNode {
  const title = html`<a class="event-card-link" href=${eventPath(event.id)}>${event.title}</a>`;
  return html`<li class=${event.canceledAt ? "card event-card is-canceled" : "card event-card"}>
    ${DateBadge({ lang, iso: event.startsAt, timeZone })}
    <div class="event-card-body">
      <div class="event-card-head">
        ${headingLevel === 2 ? html`<h2 class="event-card-title">${title}</h2>` : html`<h3 class="event-card-title">${title}</h3>`}
        ${StatusBadge({ lang, event })}
      </div>
      <p class="event-when"><time datetime=${event.startsAt}>${whenText(lang, event, timeZone)}</time></p>
      <ul class="event-facts">
        ${event.type && html`<li class="event-fact event-fact-type">${event.type}</li>`}
        ${event.location && html`<li class="event-fact event-fact-location">${event.location}</li>`}
        ${event.group && html`<li class="event-fact event-fact-group">${event.group.name}</li>`}
        <li class="event-fact event-fact-price">${priceText(lang, event)}</li>
        ${!event.canceledAt && html`<li class=${isFull(event) ? "event-fact event-fact-seats is-full" : "event-fact event-fact-seats"}>${seatsText(lang, event)}</li>`}
      </ul>
    </div>
  </li>`;
}

/** A list of event cards (the dashboard, a group's page, /events). */
export function EventList({ lang, events, timeZone, headingLevel = 2 }: { lang: Lang; events: EventItem[]; timeZone: string | null; headingLevel?: 2 | 3 }): VNode {
  return html`<ul class="event-list">
    ${events.map((event) => EventCard({ lang, event, timeZone, headingLevel }))}
  </ul>`;
}

/** A group's upcoming events on its page (nothing when it has none). */
export function GroupEvents({ lang, events, timeZone }: { lang: Lang; events: EventItem[]; timeZone: string | null }): VNode | null {
  if (events.length === 0) return null;
  return html`<section class="group-events" aria-labelledby="group-events-title">
    <div class="section-head split-row">
      <h2 id="group-events-title">${t(lang, "events.group.title")}</h2>
      <a href=${EVENTS_PATH}>${t(lang, "events.dashboard.all")}</a>
    </div>
    ${EventList({ lang, events, timeZone, headingLevel: 3 })}
  </section>`;
}
