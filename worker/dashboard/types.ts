// The shapes the dashboard page reads (web/pages/dashboard): types only, importing nothing
// but the events pages' types, so `web/` may read them with `import type`.

import type { EventItem } from "../../web/pages/events/types";

/** The member's membership that is not canceled, as the dashboard shows it. */
export type DashboardMembershipView = {
  plan: { id: string; name: string };
  status: "pending_approval" | "active" | "canceling";
  /** A day (YYYY-MM-DD) in the community's timezone: the last day of access while canceling. */
  cancelsOn: string | null;
};

/** The status banner within its window; `message` is plain text. */
export type DashboardStatusView = { state: "open" | "temporarily_closed" | "restricted"; message: string };

/** An announcement, its Markdown body rendered and sanitised. */
export type DashboardAnnouncementView = { id: string; title: string; bodyHtml: string; /** ISO */ createdAt: string };

export type DashboardGroupView = { slug: string; name: string; description: string; memberCount: number; role: string | null };

type Money = { amount: number; currency: string };

/** An unpaid invoice (open, balance above 0); `overdue` once its due day is past. */
export type DashboardInvoiceView = { id: string; number: string; total: Money; balance: Money; dueOn: string; overdue: boolean };

/** An upcoming booking on the dashboard (bk-ical): times are ISO, shown in the community's timezone. */
export type DashboardBookingView = { id: string; resource: { id: string; name: string; category: string }; from: string; to: string; title: string | null };

/** Everything the portal dashboard at `/` shows beside the invitations. */
export type DashboardPageView = {
  status: DashboardStatusView | null;
  /** The community's welcome message, rendered and sanitised. */
  welcomeHtml: string | null;
  announcements: DashboardAnnouncementView[];
  bio: string | null;
  membership: DashboardMembershipView | null;
  /** The next invoice as the run would issue it (day and total), or null. */
  nextInvoice: { date: string; total: Money } | null;
  /** Oldest due first. */
  unpaidInvoices: DashboardInvoiceView[];
  /** The community offers a plan a member can choose (the "choose a plan" link). */
  plansOffered: boolean;
  groups: DashboardGroupView[];
  /** The member's next bookings (at most 5, soonest first); null while `features.bookings` is off (no section). */
  upcomingBookings: DashboardBookingView[] | null;
  /** The events the member is going to or waitlisted for, soonest first (at most 5). */
  upcomingEvents: EventItem[];
};
