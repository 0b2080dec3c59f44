import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { ActionForm, Alert, ButtonLink, FormMessages, PageHead, Section } from "../../ui/components";
import { dateFormat, formatMoney } from "../../ui/format";
import { Island } from "../../ui/island";
import { siteName, type PageContext } from "../../ui/page";
import { DataTable } from "../../ui/table";
import { creditTime } from "../memberships/plans";
import type { BookingView, CalendarAsk, CalendarItem, CalendarRange, Grid, PreviewAnswer } from "../../../worker/bookings/types";
import { BookingForm, HiddenBookingFields, MembershipNeeded, PROBLEM_KEYS, type BookingFormValues } from "./booking-form";
import { CalendarFilters, CalendarGrid, CalendarLegend, CalendarMonth, CalendarToolbar, type ResourceChoice } from "./calendar";

// The member's /bookings pages: the calendar with the booking form and their bookings, the
// preview step before confirming, one booking (cancel, .ics), and the page a member meets
// when the community turned bookings off.

const WHEN: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

/** "Mon 7 Dec 2026, 10:00 – 11:00" in the community's timezone (the end's day too when it differs). */
export function whenText(lang: Lang, from: string, to: string, timeZone: string): string {
  const start = dateFormat(lang, WHEN, timeZone).format(new Date(from));
  const sameDay = new Date(to).getTime() - new Date(from).getTime() < 86_400_000 && dateFormat("en-CA", { dateStyle: "short" }, timeZone).format(new Date(from)) === dateFormat("en-CA", { dateStyle: "short" }, timeZone).format(new Date(new Date(to).getTime() - 1));
  const end = dateFormat(lang, sameDay ? TIME : WHEN, timeZone).format(new Date(to));
  return `${start} – ${end}`;
}

const minutesBetween = (from: string, to: string) => Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000);

export type BookingsPageProps = {
  ctx: PageContext;
  timeZone: string;
  today: string;
  ask: CalendarAsk;
  range: CalendarRange;
  resources: ResourceChoice[];
  categories: string[];
  grid: Grid | null;
  month: { day: string; items: CalendarItem[] }[][] | null;
  /** Admins see bookings while members cannot. */
  adminOff: boolean;
  form: { values: BookingFormValues; errors: Record<string, string> };
  upcoming: BookingView[];
  past: BookingView[];
  /** The member's calendar feed (branch bk-ical's control), below their bookings. */
  calendarFeed?: VNode;
  notice?: string;
};

function BookingsTable({ lang, items, timeZone, id }: { lang: Lang; items: BookingView[]; timeZone: string; id: string }): VNode {
  return DataTable({
    className: "table table-stack-sm booking-list",
    labelledBy: id,
    columns: [t(lang, "bookings.col.when"), t(lang, "bookings.col.resource"), t(lang, "bookings.col.title"), { title: t(lang, "bookings.col.price"), className: "num" }],
    children: items.map(
      (b) => html`<tr>
        <td data-label=${t(lang, "bookings.col.when")}><a href=${`/bookings/${b.id}`}>${whenText(lang, b.from, b.to, timeZone)}</a></td>
        <td data-label=${t(lang, "bookings.col.resource")}>${b.resource.name}</td>
        <td data-label=${t(lang, "bookings.col.title")}>${b.title ?? ""}</td>
        <td class="num" data-label=${t(lang, "bookings.col.price")}>${formatMoney(lang, b.price)}</td>
      </tr>`,
    ),
  });
}

export function BookingsPage(p: BookingsPageProps): VNode {
  const { lang } = p.ctx;
  const pickable = p.grid !== null && p.grid.columns.some((c) => c.resource !== null);
  return html`<div class="container bookings-page">
    ${PageHead({ title: t(lang, "bookings.title"), lead: t(lang, "bookings.lead") })}
    ${p.adminOff && Alert({ tone: "info", children: t(lang, "bookings.admin_off") })}
    ${p.notice && Alert({ tone: "success", children: p.notice })}
    <section class="card calendar" aria-labelledby="calendar-period">
      ${CalendarToolbar({ lang, ask: p.ask, range: p.range, today: p.today })}
      ${p.resources.length === 0
        ? html`<p class="empty">${t(lang, "bookings.no_resources")}</p>`
        : html`${CalendarFilters({ lang, ask: p.ask, categories: p.categories, resources: p.resources })}
          ${p.grid && p.ask.view === "week" && !p.ask.resource && html`<p class="calendar-note">${t(lang, "bookings.pick_resource")}</p>`}
          ${p.grid && CalendarGrid({ lang, ask: p.ask, grid: p.grid, timeZone: p.timeZone, view: p.ask.view === "day" ? "day" : "week" })}
          ${p.month && CalendarMonth({ lang, ask: p.ask, weeks: p.month, timeZone: p.timeZone, today: p.today })}
          ${p.grid && CalendarLegend({ lang })}
          ${pickable && Island({ name: "BookingPicker", props: { hint: t(lang, "bookings.drag_hint") } })}`}
    </section>
    ${p.resources.length > 0 &&
    Section({
      id: "booking-form-title",
      className: "card booking-new",
      title: t(lang, "bookings.book_title"),
      children: html`${FormMessages({ lang, errors: p.form.errors })}${BookingForm({ lang, resources: p.resources, values: p.form.values, errors: p.form.errors })}`,
    })}
    ${Section({
      id: "bookings-upcoming",
      className: "card booking-upcoming",
      title: t(lang, "bookings.upcoming"),
      children: p.upcoming.length ? BookingsTable({ lang, items: p.upcoming, timeZone: p.timeZone, id: "bookings-upcoming" }) : html`<p class="empty">${t(lang, "bookings.none_upcoming")}</p>`,
    })}
    ${Section({
      id: "bookings-past",
      className: "card booking-past",
      title: t(lang, "bookings.past"),
      children: p.past.length ? BookingsTable({ lang, items: p.past, timeZone: p.timeZone, id: "bookings-past" }) : html`<p class="empty">${t(lang, "bookings.none_past")}</p>`,
    })}
    ${p.calendarFeed}
  </div>`;
}

export type PreviewView = PreviewAnswer & { resourceName: string; from: string; to: string };

export type BookingPreviewProps = {
  ctx: PageContext;
  timeZone: string;
  resources: ResourceChoice[];
  values: BookingFormValues;
  errors: Record<string, string>;
  formError?: string | undefined;
  membershipNeeded: boolean;
  /** Null when the form itself did not parse (its errors say why). */
  preview: PreviewView | null;
};

function RepeatLine({ lang, values }: { lang: Lang; values: BookingFormValues }): VNode | null {
  if (values.repeat !== "day" && values.repeat !== "week") return null;
  const every = t(lang, values.repeat === "day" ? "bookings.form.repeat_day" : "bookings.form.repeat_week");
  const text =
    values.repeatEnds === "until"
      ? t(lang, "bookings.preview.repeat_until", { every, date: dateFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${values.until}T12:00:00Z`)) })
      : t(lang, "bookings.preview.repeat_count", { every, count: values.count ?? "" });
  return html`<div class="booking-fact"><dt>${t(lang, "bookings.preview.repeat")}</dt><dd>${text}</dd></div>`;
}

/** The preview step: what it costs on the member's plan and the credits it uses, its problems, confirm. */
export function BookingPreviewPage(p: BookingPreviewProps): VNode {
  const { lang } = p.ctx;
  const pv = p.preview;
  return html`<div class="container bookings-page booking-preview-page">
    ${PageHead({ title: t(lang, "bookings.preview.title"), lead: t(lang, "bookings.preview.lead") })}
    ${p.membershipNeeded && MembershipNeeded({ lang })}
    ${pv &&
    html`<section class="card booking-preview" aria-labelledby="booking-preview-title">
      <h2 id="booking-preview-title">${pv.resourceName}</h2>
      <dl class="booking-facts">
        <div class="booking-fact"><dt>${t(lang, "bookings.preview.when")}</dt><dd>${whenText(lang, pv.from, pv.to, p.timeZone)}</dd></div>
        <div class="booking-fact"><dt>${t(lang, "bookings.preview.duration")}</dt><dd>${creditTime(lang, minutesBetween(pv.from, pv.to))}</dd></div>
        ${RepeatLine({ lang, values: p.values })}
        <div class="booking-fact booking-price"><dt>${t(lang, "bookings.preview.price")}</dt><dd>${formatMoney(lang, pv.price)}</dd></div>
        <div class="booking-fact booking-credits">
          <dt>${t(lang, "bookings.preview.credits")}</dt>
          <dd>${pv.creditsUsedMinutes > 0 ? creditTime(lang, pv.creditsUsedMinutes) : t(lang, "bookings.preview.no_credits")}</dd>
        </div>
      </dl>
      ${(p.values.repeat === "day" || p.values.repeat === "week") && html`<p class="field-hint">${t(lang, "bookings.preview.first_only")}</p>`}
      ${pv.available && !p.formError
        ? html`${Alert({ tone: "success", children: t(lang, "bookings.preview.available") })}
            <form class="booking-confirm" method="post" action="/bookings">
              ${HiddenBookingFields({ values: p.values })}
              <button type="submit" class="btn btn-primary">${t(lang, "bookings.confirm")}</button>
            </form>`
        : pv.problems.some((x) => x !== "membership_required") &&
          Alert({
            tone: "error",
            title: t(lang, "bookings.preview.problems"),
            children: html`<ul class="booking-problems">
              ${pv.problems.filter((x) => x !== "membership_required").map((x) => html`<li>${t(lang, PROBLEM_KEYS[x])}</li>`)}
            </ul>`,
          })}
    </section>`}
    <section class="card booking-change" aria-labelledby="booking-change-title">
      <h2 id="booking-change-title">${t(lang, "bookings.preview.change")}</h2>
      ${FormMessages({ lang, formError: p.formError, errors: p.errors })}
      ${BookingForm({ lang, resources: p.resources, values: p.values, errors: p.errors })}
    </section>
    <p><a href="/bookings">${t(lang, "bookings.back")}</a></p>
  </div>`;
}

export type BookingPageProps = {
  ctx: PageContext;
  timeZone: string;
  booking: BookingView;
  /** The calendar's week holding it. */
  week: string;
  /** Someone else's booking, seen by an admin: who booked it. */
  showMember: boolean;
  /** When members may no longer cancel it (ISO), null without a deadline. */
  cancelUntil: string | null;
  cancelable: boolean;
  formError?: string | undefined;
  notice?: string;
};

/** One booking: what, when, price and credits, the .ics, and cancelling it (this one, or the rest of its series). */
export function BookingPage(p: BookingPageProps): VNode {
  const { lang } = p.ctx;
  const b = p.booking;
  return html`<div class="container bookings-page booking-page">
    ${PageHead({ title: t(lang, "bookings.detail.title", { resource: b.resource.name }), ...(b.title ? { lead: b.title } : {}) })}
    ${FormMessages({ lang, notice: p.notice, formError: p.formError })}
    <section class="card booking-detail">
      <dl class="booking-facts">
        <div class="booking-fact"><dt>${t(lang, "bookings.preview.when")}</dt><dd>${whenText(lang, b.from, b.to, p.timeZone)}</dd></div>
        <div class="booking-fact"><dt>${t(lang, "bookings.preview.duration")}</dt><dd>${creditTime(lang, minutesBetween(b.from, b.to))}</dd></div>
        <div class="booking-fact booking-price"><dt>${t(lang, "bookings.col.price")}</dt><dd>${formatMoney(lang, b.price)}</dd></div>
        <div class="booking-fact booking-credits">
          <dt>${t(lang, "bookings.preview.credits")}</dt>
          <dd>${b.creditsUsedMinutes > 0 ? creditTime(lang, b.creditsUsedMinutes) : t(lang, "bookings.preview.no_credits")}</dd>
        </div>
        ${p.showMember && b.member && html`<div class="booking-fact"><dt>${t(lang, "bookings.detail.member")}</dt><dd>${b.member.name}</dd></div>`}
        ${b.seriesId && html`<div class="booking-fact"><dt>${t(lang, "bookings.preview.repeat")}</dt><dd>${t(lang, "bookings.detail.series")}</dd></div>`}
      </dl>
      <p><a class="booking-ics" href=${`/api/v1/bookings/${b.id}.ics`} download>${t(lang, "bookings.ics")}</a></p>
      ${p.cancelable &&
      html`<div class="booking-cancel">
        ${p.cancelUntil && html`<p class="field-hint">${t(lang, "bookings.cancel_until", { date: dateFormat(lang, WHEN, p.timeZone).format(new Date(p.cancelUntil)) })}</p>`}
        <div class="actions">
          ${ActionForm({ action: `/bookings/${b.id}/cancel`, children: t(lang, "bookings.cancel"), variant: "danger" })}
          ${b.seriesId && ActionForm({ action: `/bookings/${b.id}/cancel`, children: t(lang, "bookings.cancel_following"), variant: "secondary", hidden: { series: "following" } })}
        </div>
      </div>`}
    </section>
    <p><a href=${p.week}>${t(lang, "bookings.back")}</a></p>
  </div>`;
}

/** What a member sees when the community turned bookings off. */
export function BookingsOffPage({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  return html`<div class="container bookings-page">
    ${PageHead({ title: t(lang, "bookings.title") })}
    <div class="card bookings-off">
      <p>${t(lang, "bookings.off", { community: siteName(ctx) })}</p>
      <div class="actions">${ButtonLink({ href: "/", variant: "secondary", children: t(lang, "form.back_home") })}</div>
    </div>
  </div>`;
}
