import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { Alert, Button, Field } from "../../ui/components";

/**
 * The member's secret calendar feed (branch bk-ical): its URL to copy into a calendar app, and
 * a form that replaces it (POST /me/calendar-token, 303 back with `?done=calendar`). Shown on
 * `/me`; any member page may show it. `url` null: the server cannot make feeds (no secret).
 */
export function CalendarFeedControl({ lang, url, back = "/me", replaced = false }: { lang: Lang; url: string | null; back?: string; /** Just replaced (`?done=calendar`): said here, where the redirect lands. */ replaced?: boolean }): VNode {
  return html`<section class="card calendar-feed" id="calendar-feed" aria-labelledby="calendar-feed-title">
    <h2 class="card-title" id="calendar-feed-title">${t(lang, "calendar.feed_title")}</h2>
    ${replaced && Alert({ tone: "success", children: t(lang, "calendar.done.replaced") })}
    ${url === null
      ? html`<p class="field-hint">${t(lang, "calendar.feed_unavailable")}</p>`
      : html`<p class="card-intro">${t(lang, "calendar.feed_intro")}</p>
          ${Field({ name: "calendar-url", id: "calendar-feed-url", label: t(lang, "calendar.feed_url"), type: "url", value: url, readonly: true, verbatim: true })}
          <form class="form calendar-feed-form" method="post" action="/me/calendar-token">
            <input type="hidden" name="back" value=${back} />
            <p class="field-hint" id="calendar-feed-replace-hint">${t(lang, "calendar.feed_replace_hint")}</p>
            <div class="form-actions">${Button({ children: t(lang, "calendar.feed_replace"), variant: "secondary" })}</div>
          </form>`}
  </section>`;
}
