import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { ActionForm, Alert, Button, ButtonLink } from "../../ui/components";
import { formatDate, formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { ProfileInputs, type InputValue, type ProfileInputField } from "../profiles/inputs";
import { adminEventPath, eventPath, EVENTS_PATH, isFull, priceText, seatsText, StatusBadge, whenText } from "./shared";
import type { EventItem } from "./types";

// /events/{id}: the event (its Markdown description rendered), its facts, and what the
// reader can do: register (answering the event's profile fields), join the waitlist when it
// is full, cancel; plain forms.

/** A refusal the page explains in its own words (the contract's codes), else the generic message. */
export type EventRefusal = { code: string; message: string };

export type EventPageProps = {
  ctx: PageContext;
  event: EventItem;
  /** The profile fields the event asks, as controls (with the member's stored values). */
  fields: ProfileInputField[];
  /** Registration is closed: the event started or was canceled. */
  closed: boolean;
  values?: Record<string, InputValue | undefined> | undefined;
  errors?: Record<string, string> | undefined;
  refusal?: EventRefusal | undefined;
  notice?: string | undefined;
};

function Fact({ label, children, className }: { label: string; children: unknown; className: string }): VNode {
  return html`<div class=${`event-detail-fact ${className}`}>
    <dt>${label}</dt>
    <dd>${children}</dd>
  </div>`;
}

function Facts({ lang, event, timeZone }: { lang: Lang; event: EventItem; timeZone: string | null }): VNode {
  return html`<dl class="card event-detail-facts">
    ${Fact({ label: t(lang, "events.fact.when"), className: "event-fact-when", children: html`<time datetime=${event.startsAt}>${whenText(lang, event, timeZone, true)}</time>` })}
    ${event.location && Fact({ label: t(lang, "events.fact.location"), className: "event-fact-location", children: event.location })}
    ${event.resource && Fact({ label: t(lang, "events.fact.resource"), className: "event-fact-resource", children: event.resource.name })}
    ${event.type && Fact({ label: t(lang, "events.fact.type"), className: "event-fact-type", children: event.type })}
    ${event.group && Fact({ label: t(lang, "events.fact.group"), className: "event-fact-group", children: html`<a href=${`/g/${encodeURIComponent(event.group.slug)}`}>${event.group.name}</a>` })}
    ${Fact({ label: t(lang, "events.fact.price"), className: "event-fact-price", children: priceText(lang, event) })}
    ${Fact({
      label: t(lang, "events.fact.capacity"),
      className: "event-fact-capacity",
      children: event.capacity === null ? t(lang, "events.no_limit") : formatNumber(lang, event.capacity),
    })}
    ${Fact({
      label: t(lang, "events.fact.attendance"),
      className: "event-fact-attendance",
      children: html`<span class="event-going">${tCount(lang, "events.going_count", event.going)}</span>${event.waitlisted > 0 &&
        html`<span class="event-waitlisted"> · ${tCount(lang, "events.waitlisted_count", event.waitlisted)}</span>`}`,
    })}
  </dl>`;
}

/** The refusal, in the page's words: a ticket needs a membership (with the way to get one), registration closed, the rest. */
function RefusalAlert({ lang, refusal }: { lang: Lang; refusal: EventRefusal }): VNode {
  if (refusal.code === "membership_required") {
    return Alert({
      tone: "warning",
      title: t(lang, "events.error.membership_required"),
      children: html`<p>${t(lang, "events.error.membership_required_body")}</p>
        <p><a class="btn btn-primary btn-sm" href="/membership">${t(lang, "events.choose_plan")}</a></p>`,
    });
  }
  return Alert({ tone: "error", children: refusal.message });
}

/** What the reader can do now. */
function Registration(props: EventPageProps): VNode {
  const { ctx, event, fields, closed, values, errors } = props;
  const { lang } = ctx;
  const path = eventPath(event.id);
  if (event.myStatus === "going" || event.myStatus === "waitlisted") {
    const going = event.myStatus === "going";
    return html`<section class="card event-register event-register-mine" aria-labelledby="event-register-title">
      <h2 class="card-title" id="event-register-title">${t(lang, going ? "events.mine.going" : "events.mine.waitlisted")}</h2>
      <p class="event-register-text">${t(lang, going ? (event.price && event.price.amount > 0 ? "events.mine.going_paid" : "events.mine.going_body") : "events.mine.waitlisted_body")}</p>
      ${!closed &&
      ActionForm({
        action: `${path}/cancel`,
        variant: "secondary",
        size: "lg",
        className: "event-cancel-form",
        children: t(lang, going ? "events.cancel_registration" : "events.leave_waitlist"),
      })}
    </section>`;
  }
  if (closed) {
    return html`<section class="card event-register event-register-closed" aria-labelledby="event-register-title">
      <h2 class="card-title" id="event-register-title">${t(lang, "events.closed_title")}</h2>
      <p class="event-register-text">${t(lang, event.canceledAt ? "events.closed_canceled" : "events.closed_started")}</p>
    </section>`;
  }
  const full = isFull(event);
  const paid = event.price !== null && event.price.amount > 0;
  return html`<section class="card event-register" aria-labelledby="event-register-title">
    <h2 class="card-title" id="event-register-title">${t(lang, full ? "events.waitlist_title" : "events.register_title")}</h2>
    <p class="event-register-text">${t(lang, full ? "events.waitlist_body" : paid ? "events.register_paid" : "events.register_body", { price: priceText(lang, event) })}</p>
    <form class="form event-register-form" method="post" action=${`${path}/attend`}>
      ${fields.length > 0 &&
      html`<div class="event-register-fields">
        <p class="field-hint">${t(lang, "events.fields_hint")}</p>
        ${ProfileInputs({ lang, fields, values: values ?? {}, errors: errors ?? {}, prefix: "fields." })}
      </div>`}
      <div class="form-actions">${Button({ children: t(lang, full ? "events.join_waitlist" : "events.register"), size: "lg" })}</div>
    </form>
  </section>`;
}

export function EventPage(props: EventPageProps): VNode {
  const { ctx, event, refusal, notice } = props;
  const { lang } = ctx;
  const timeZone = ctx.tenant?.timezone ?? null;
  const admin = (ctx.user?.tenantRole === "owner" || ctx.user?.tenantRole === "admin") && !ctx.viewingAsMember;
  return html`<div class="container event-detail">
    <p class="event-crumb"><a href=${EVENTS_PATH}>${t(lang, "events.back")}</a></p>
    <div class="split-row event-detail-head">
      <div>
        <h1 class="page-title event-detail-title">${event.title}</h1>
        <p class="lead event-detail-when"><time datetime=${event.startsAt}>${whenText(lang, event, timeZone, true)}</time> ${StatusBadge({ lang, event })}</p>
      </div>
      <div class="event-detail-actions">
        <a class="btn btn-secondary btn-sm event-ics" href=${`/api/v1/events/${encodeURIComponent(event.id)}.ics`} download>${t(lang, "events.ics")}</a>
        ${admin && ButtonLink({ href: adminEventPath(event.id), variant: "secondary", size: "sm", children: t(lang, "events.manage_one") })}
      </div>
    </div>
    ${notice && Alert({ tone: "success", children: notice })}
    ${event.canceledAt &&
    Alert({ tone: "error", title: t(lang, "events.canceled_title"), children: t(lang, "events.canceled_body", { date: formatDate(lang, event.canceledAt, { timeZone }) }) })}
    ${refusal && RefusalAlert({ lang, refusal })}
    ${Object.keys(props.errors ?? {}).length > 0 && !refusal && Alert({ tone: "error", children: t(lang, "form.fix_errors") })}
    <div class="event-detail-layout">
      <div class="event-detail-main">
        ${event.descriptionHtml.trim()
          ? html`<div class="card post-body event-description" dangerouslySetInnerHTML=${{ __html: event.descriptionHtml }}></div>`
          : html`<p class="muted event-description-empty">${t(lang, "events.no_description")}</p>`}
      </div>
      <aside class="event-detail-side" aria-label=${t(lang, "events.details")}>
        ${Registration(props)} ${Facts({ lang, event, timeZone })}
        ${!event.canceledAt && html`<p class="event-seats">${seatsText(lang, event)}</p>`}
      </aside>
    </div>
  </div>`;
}
