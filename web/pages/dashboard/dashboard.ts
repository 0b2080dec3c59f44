import { html } from "htm/preact";
import type { VNode } from "preact";
import type { DashboardAnnouncementView, DashboardInvoiceView, DashboardMembershipView, DashboardPageView, DashboardStatusView } from "../../../worker/dashboard/types";
import { t, type Lang, type MessageKey } from "../../i18n";
import { Section } from "../../ui/components";
import { formatDate, formatMoney } from "../../ui/format";
import { membersMayCreateGroups, siteName, type PageContext } from "../../ui/page";
import { MyInvitationsSection, type MyInvitationView } from "../invitations/mine";
import { GroupGrid } from "../tenancy/home";
import { DashboardBookings } from "./bookings";
import { EventList } from "../events/shared";

// The member portal's dashboard at `/` (contract, "Portal pages"): the status banner, the
// welcome message, the member's plan and bio, the announcements meant for them, their
// invitations and groups, and the groups to discover. Invoices, bookings and events join it
// with their features.

const STATES: Record<DashboardStatusView["state"], { key: MessageKey; tone: "info" | "warning" }> = {
  open: { key: "dashboard.status.open", tone: "info" },
  temporarily_closed: { key: "dashboard.status.temporarily_closed", tone: "warning" },
  restricted: { key: "dashboard.status.restricted", tone: "warning" },
};

/** A day (YYYY-MM-DD, the community's calendar) in the reader's language. */
const day = (lang: Lang, d: string) => formatDate(lang, `${d}T12:00:00Z`, { timeZone: "UTC" });

function StatusBanner({ lang, status }: { lang: Lang; status: DashboardStatusView }): VNode {
  const { key, tone } = STATES[status.state];
  return html`<div class=${`alert alert-${tone} dashboard-status dashboard-status-${status.state}`} role="status">
    <p class="alert-title">${t(lang, key)}</p>
    ${status.message && html`<p class="alert-body dashboard-status-message">${status.message}</p>`}
  </div>`;
}

function PlanCard({ lang, membership, plansOffered, nextInvoice }: { lang: Lang; membership: DashboardMembershipView | null; plansOffered: boolean; nextInvoice: DashboardPageView["nextInvoice"] }): VNode | null {
  if (!membership && !plansOffered && !nextInvoice) return null;
  const next =
    nextInvoice &&
    html`<p class="dashboard-next-invoice">
      <span class="dashboard-next-invoice-label">${t(lang, "dashboard.next_invoice")}</span>
      <span class="dashboard-next-invoice-value">${t(lang, "dashboard.next_invoice_value", { total: formatMoney(lang, nextInvoice.total), date: day(lang, nextInvoice.date) })}</span>
    </p>`;
  const body = !membership
    ? html`<p class="dashboard-card-text">${t(lang, "dashboard.plan_none")}</p>
        ${next}
        ${plansOffered && html`<a class="btn btn-primary btn-sm" href="/membership">${t(lang, "dashboard.plan_choose")}</a>`}`
    : html`<p class="dashboard-plan">
          <span class="dashboard-plan-name">${membership.plan.name}</span>
          ${membership.status === "active" && html`<span class="badge badge-success">${t(lang, "dashboard.plan_active")}</span>`}
          ${membership.status === "pending_approval" && html`<span class="badge badge-warning">${t(lang, "dashboard.plan_pending")}</span>`}
          ${membership.status === "canceling" &&
          membership.cancelsOn &&
          html`<span class="badge badge-quiet">${t(lang, "dashboard.plan_canceling", { date: day(lang, membership.cancelsOn) })}</span>`}
        </p>
        ${membership.status === "pending_approval" && html`<p class="dashboard-card-text">${t(lang, "dashboard.plan_pending_body")}</p>`}
        ${membership.status === "canceling" &&
        membership.cancelsOn &&
        html`<p class="dashboard-card-text">${t(lang, "dashboard.plan_canceling_body", { date: day(lang, membership.cancelsOn) })}</p>`}
        ${next}
        <a class="dashboard-card-link" href="/membership">${t(lang, "dashboard.plan_manage")}</a>`;
  return html`<section class="card dashboard-card dashboard-plan-card" aria-labelledby="plan-title">
    <h2 id="plan-title" class="dashboard-card-title">${t(lang, "dashboard.plan_title")}</h2>
    ${body}
  </section>`;
}

/** The member's unpaid invoices, oldest due first, each with what is left to pay and a "Pay" link to its page. */
function UnpaidCard({ lang, invoices }: { lang: Lang; invoices: DashboardInvoiceView[] }): VNode {
  return html`<section class="card dashboard-card dashboard-invoices-card" aria-labelledby="invoices-title">
    <h2 id="invoices-title" class="dashboard-card-title">${t(lang, "dashboard.invoices_title")}</h2>
    <ul class="dashboard-invoices">
      ${invoices.map(
        (i) => html`<li class=${i.overdue ? "dashboard-invoice dashboard-invoice-overdue" : "dashboard-invoice"}>
          <div class="dashboard-invoice-text">
            <a class="dashboard-invoice-number" href=${`/membership/invoices/${encodeURIComponent(i.id)}`}>${i.number}</a>
            <span class="dashboard-invoice-amount">${formatMoney(lang, i.balance)}</span>
            <span class="dashboard-invoice-due">${t(lang, i.overdue ? "dashboard.invoice_overdue" : "dashboard.invoice_due", { date: day(lang, i.dueOn) })}</span>
          </div>
          <a class="btn btn-primary btn-sm" href=${`/membership/invoices/${encodeURIComponent(i.id)}`} aria-label=${t(lang, "dashboard.invoice_pay_label", { number: i.number })}>${t(lang, "dashboard.invoice_pay")}</a>
        </li>`,
      )}
    </ul>
  </section>`;
}

function AboutCard({ lang, bio }: { lang: Lang; bio: string | null }): VNode {
  return html`<section class="card dashboard-card dashboard-about-card" aria-labelledby="about-title">
    <h2 id="about-title" class="dashboard-card-title">${t(lang, "dashboard.about_title")}</h2>
    ${bio ? html`<p class="dashboard-bio">${bio}</p>` : html`<p class="dashboard-card-text">${t(lang, "dashboard.bio_empty")}</p>`}
    <a class="dashboard-card-link" href="/me">${t(lang, "dashboard.bio_edit")}</a>
  </section>`;
}

function Announcement({ lang, item, timeZone }: { lang: Lang; item: DashboardAnnouncementView; timeZone: string | null }): VNode {
  return html`<li class="card dashboard-announcement">
    <h3 class="dashboard-announcement-title">${item.title}</h3>
    <p class="dashboard-announcement-date">
      <time datetime=${item.createdAt}>${t(lang, "dashboard.posted_on", { date: formatDate(lang, item.createdAt, { timeZone }) })}</time>
    </p>
    <div class="post-body" dangerouslySetInnerHTML=${{ __html: item.bodyHtml }}></div>
  </li>`;
}

export function DashboardPage({ ctx, user, view, invitations }: { ctx: PageContext; user: NonNullable<PageContext["user"]>; view: DashboardPageView; invitations: MyInvitationView[] }): VNode {
  const { lang } = ctx;
  const mine = view.groups.filter((g) => g.role !== null);
  const others = view.groups.filter((g) => g.role === null);
  const admin = (user.tenantRole === "owner" || user.tenantRole === "admin") && !ctx.viewingAsMember;
  const mayCreate = ctx.tenant !== null && (admin || membersMayCreateGroups(ctx.tenant));
  return html`<div class="container dashboard">
    ${view.status && StatusBanner({ lang, status: view.status })}
    <section class="split-row dashboard-head">
      <div>
        <h1 class="page-title">${t(lang, "home.greeting", { name: user.name })}</h1>
        <p class="lead">${t(lang, "home.dashboard_intro", { community: siteName(ctx) })}</p>
      </div>
      ${mayCreate && html`<a class="btn btn-secondary" href="/admin#create-title">${t(lang, "layout.create_group")}</a>`}
    </section>
    ${view.welcomeHtml &&
    html`<section class="card dashboard-welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title" class="dashboard-card-title">${t(lang, "dashboard.welcome_title", { community: siteName(ctx) })}</h2>
      <div class="post-body" dangerouslySetInnerHTML=${{ __html: view.welcomeHtml }}></div>
    </section>`}
    <div class="dashboard-cards">
      ${view.unpaidInvoices.length > 0 && UnpaidCard({ lang, invoices: view.unpaidInvoices })}
      ${PlanCard({ lang, membership: view.membership, plansOffered: view.plansOffered, nextInvoice: view.nextInvoice })} ${AboutCard({ lang, bio: view.bio })}
    </div>
    ${view.upcomingBookings && view.upcomingBookings.length > 0 && DashboardBookings({ lang, items: view.upcomingBookings, timeZone: ctx.tenant?.timezone ?? null })}
    ${view.upcomingEvents.length > 0 &&
    html`<section class="section dashboard-events" aria-labelledby="dashboard-events-title">
      <div class="section-head split-row">
        <h2 id="dashboard-events-title">${t(lang, "events.dashboard.title")}</h2>
        <a class="dashboard-card-link" href="/events">${t(lang, "events.dashboard.all")}</a>
      </div>
      ${EventList({ lang, events: view.upcomingEvents, timeZone: ctx.tenant?.timezone ?? null, headingLevel: 3 })}
    </section>`}
    ${view.announcements.length > 0 &&
    Section({
      id: "announcements-title",
      className: "section dashboard-announcements",
      title: t(lang, "dashboard.announcements"),
      children: html`<ul class="dashboard-announcement-list">
        ${view.announcements.map((item) => Announcement({ lang, item, timeZone: ctx.tenant?.timezone ?? null }))}
      </ul>`,
    })}
    ${MyInvitationsSection({ ctx, items: invitations })}
    ${Section({
      id: "my-groups-title",
      className: "section",
      title: t(lang, "home.your_groups"),
      children: GroupGrid({ lang, groups: mine, empty: t(lang, others.length ? "home.your_groups_empty" : "home.your_groups_empty_no_groups") }),
    })}
    ${Section({
      id: "discover-title",
      className: "section",
      title: t(lang, "home.discover"),
      intro: others.length > 0 && t(lang, "home.discover_intro"),
      children: GroupGrid({ lang, groups: others, empty: t(lang, view.groups.length ? "home.discover_empty" : "home.no_groups") }),
    })}
  </div>`;
}
