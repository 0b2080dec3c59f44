import { html } from "htm/preact";
import type { VNode } from "preact";
import type { DashboardBookingView } from "../../../worker/dashboard/types";
import { t, type Lang } from "../../i18n";
import { formatSlot } from "../../ui/format";

/**
 * The dashboard's upcoming bookings (branch bk-ical): each booking's resource, day and times in
 * the community's timezone and the reader's language, linking to `/bookings/{id}`, then "all
 * bookings". Shown only when there is at least one (no empty placeholder).
 */
export function DashboardBookings({ lang, items, timeZone }: { lang: Lang; items: DashboardBookingView[]; timeZone: string | null }): VNode {
  return html`<section class="section dashboard-bookings" aria-labelledby="dashboard-bookings-title">
    <div class="section-head dashboard-bookings-head">
      <h2 id="dashboard-bookings-title">${t(lang, "dashboard.bookings_title")}</h2>
      <a class="dashboard-card-link dashboard-bookings-all" href="/bookings">${t(lang, "dashboard.bookings_all")}</a>
    </div>
    <ul class="dashboard-booking-list">
      ${items.map((b) => {
        const slot = formatSlot(lang, b.from, b.to, timeZone, { short: true });
        return html`<li class="card dashboard-booking">
          <a class="dashboard-booking-link" href=${`/bookings/${encodeURIComponent(b.id)}`}>
            <span class="dashboard-booking-resource">${b.resource.name}</span>
            ${b.title && html`<span class="dashboard-booking-title">${b.title}</span>`}
          </a>
          <p class="dashboard-booking-when">
            <time class="dashboard-booking-day" datetime=${b.from}>${slot.day}</time>
            <span class="dashboard-booking-time">${slot.time}</span>
          </p>
        </li>`;
      })}
    </ul>
  </section>`;
}
