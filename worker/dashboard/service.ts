import type { TenantDb } from "../db/client";
import type { Announcement, GroupRole, PlanMembership, Tenant, User } from "../db/schema";
import { currentAnnouncements, currentAnnouncementSlugs, liveAnnouncements, liveFrom, reaches, viewsWith, type AnnouncementView, type LiveAnnouncements } from "../announcements/service";
import { idOf, remembered } from "../../web/ui/memo";
import { renderMarkdown } from "../discussions/markdown";
import { cardsOf, groupDirectory, viewerRoles } from "../groups/queries";
import { invoiceFacts, nextInvoiceOf, unpaidInvoices, unpaidInvoicesQuery, type NextInvoice, type UnpaidInvoice } from "../invoices/cache";
import { previewInvoice } from "../invoices/run";
import { billingSettingsOf } from "../invoices/settings";
import type { Day } from "../memberships/periods";
import { givesAccess } from "../memberships/service";
import { memberPlans, memberPlansQuery, planFacts, type MemberPlanRow } from "../memberships/cache";
import { currentStatus, statusShownAt, type StatusView } from "../tenancy/portal-settings";
import { upcomingBookings, upcomingBookingsQuery } from "../bookings/cache";
import type { BookingView } from "../bookings/service";
import { upcomingEventsFor } from "../events/cache";
import type { EventView } from "../events/service";
import type { DashboardMembershipView, DashboardPageView } from "./types";

// The member's dashboard (`GET /api/v1/me/dashboard`, and the page at `/`): what the
// community says (status banner, welcome message, announcements) and where the member
// stands (plan, next invoice, unpaid invoices, bookings, events). Bookings and events fill
// their lists as those features land; until then those lists are empty.
//
// In the steady state the page makes no D1 round trip: the member's memberships (with their
// plans' names), the current announcements (with the slugs of the groups they target) and the
// member's groups, their unpaid invoices and next invoice are per-isolate cached reads
// (memberships/cache.ts, announcements/service.ts, groups/queries.ts, invoices/cache.ts),
// forgotten by the writes that change them; what is missing is read in one D1 batch (the next
// invoice, on a miss, by the run's own preview).

export type Dashboard = {
  name: string;
  bio: string | null;
  membership: { plan: { id: string; name: string }; status: string } | null;
  nextInvoice: { date: Day; total: { amount: number; currency: string } } | null;
  /** Open with a balance, oldest due first; `balance` is what is left to pay (below `total` after a partial payment). */
  unpaidInvoices: UnpaidInvoice[];
  welcomeMessage: string | null;
  announcements: AnnouncementView[];
  /** As `GET /me/bookings?when=upcoming`: at most 5, soonest first; empty while `features.bookings` is off. */
  upcomingBookings: BookingView[];
  /** The events the member is going to or waitlisted for (at most 5, soonest first); none when events are switched off. */
  upcomingEvents: EventView[];
  status: StatusView | null;
};

/** What one dashboard read found: the API's answer, and the open membership's row for the page. */
export type DashboardReads = { dashboard: Dashboard; open: (PlanMembership & { planName: string }) | null; roles: Record<string, GroupRole> };

type Who = Pick<User, "id" | "name" | "bio" | "language" | "tenantRole">;
type Settings = Pick<Tenant, "name" | "defaultLanguage" | "welcomeMessage" | "status" | "features">;

/** A membership the invoice run may still bill (a superset: the preview decides). */
const bills = (m: PlanMembership) => m.status === "active" || m.status === "canceling" || (m.status === "canceled" && m.cancelsOn !== null);

/**
 * The reads a dashboard is made of. Each comes from a per-isolate cache and is the same object
 * while that cache keeps it (an empty list is one shared frozen array), so the page names them
 * by identity in its memo key instead of serialising them.
 */
type DashboardInputs = {
  mine: MemberPlanRow[];
  unpaid: UnpaidInvoice[];
  upcoming: BookingView[];
  live: LiveAnnouncements;
  roles: Record<string, GroupRole>;
  upcomingEvents: EventView[];
  nextInvoice: NextInvoice | null;
};

const NONE = Object.freeze([]) as never[];

async function dashboardInputs(t: TenantDb, tenant: Settings, user: Who, today: Day, now: number, viewingAsMember: boolean): Promise<DashboardInputs> {
  // What the caches miss is read in one batch: the member's memberships, their unpaid invoices
  // (only once the community issued one) and, when missing too, the current announcements
  // (alone, they are their own batch of two).
  const facts = await invoiceFacts(t);
  // The member's upcoming bookings join that batch (none while `features.bookings` is off).
  const bookingsOn = tenant.features.bookings !== false;
  let batch: ReturnType<typeof readAll> | undefined;
  const readAll = async () => {
    const plansQ = memberPlansQuery(t, user.id);
    const rowsQ = currentAnnouncements(t, now);
    const slugsQ = currentAnnouncementSlugs(t, now);
    const unpaidQ = facts.issued ? unpaidInvoicesQuery(t, user.id) : null;
    const upcomingQ = bookingsOn ? upcomingBookingsQuery(t, user.id, now) : null;
    // One batch of 3 to 5 statements; the answers come back in the order they went.
    const list = [plansQ, rowsQ, slugsQ, ...(unpaidQ ? [unpaidQ] : []), ...(upcomingQ ? [upcomingQ] : [])];
    const results = (await t.db.batch(list as unknown as Parameters<typeof t.db.batch>[0])) as unknown as unknown[];
    const mine = results[0] as Awaited<typeof plansQ>;
    const rows = results[1] as Awaited<typeof rowsQ>;
    const slugs = results[2] as Awaited<typeof slugsQ>;
    let next = 3;
    const unpaid = unpaidQ ? (results[next++] as Awaited<typeof unpaidQ>) : [];
    const upcoming = upcomingQ ? (results[next++] as Awaited<typeof upcomingQ>) : [];
    return { mine, live: liveFrom(rows, slugs), unpaid, upcoming };
  };
  // (Each loader starts the batch synchronously on a miss, so the announcements, asked last, join it.)
  const [mine, unpaid, upcoming, live, roles, upcomingEvents] = await Promise.all([
    memberPlans(t, user.id, async () => (await (batch ??= readAll())).mine),
    facts.issued ? unpaidInvoices(t, user.id, async () => (await (batch ??= readAll())).unpaid) : NONE,
    bookingsOn ? upcomingBookings(t, user.id, now, async () => (await (batch ??= readAll())).upcoming) : NONE,
    liveAnnouncements(t, now, batch ? async () => (await batch!).live : undefined),
    viewerRoles(t, user.id),
    upcomingEventsFor(t, tenant, user, now, viewingAsMember),
  ]);
  // The next invoice as the run would issue it (its own code, cached a few seconds).
  const nextInvoice = await nextInvoiceOf(t, user.id, today, mine.some((r) => bills(r.m)), async () => {
    const preview = await previewInvoice(t, tenant, await billingSettingsOf(t, tenant.name), today, user);
    return preview ? { date: preview.date, total: preview.draft.totals.total } : null;
  });
  return { mine, unpaid, upcoming, live, roles, upcomingEvents, nextInvoice };
}

/** The dashboard those reads give at `now` (what the member's plans and groups let them see). */
function dashboardFrom(inputs: DashboardInputs, tenant: Settings, user: Who, today: Day, now: number): DashboardReads {
  const { mine, live, roles } = inputs;
  // The latest membership, unless it is canceled (the contract).
  const latest = mine[0] && mine[0].m.status !== "canceled" ? { ...mine[0].m, planName: mine[0].planName } : null;
  const myPlans = new Set(mine.filter((r) => givesAccess(r.m, today)).map((r) => r.m.planId));
  const shown = live.rows.filter((a) => reaches(a, new Set(Object.keys(roles)), myPlans)).slice(0, 10);
  const dashboard: Dashboard = {
    name: user.name,
    bio: user.bio ?? null,
    membership: latest ? { plan: { id: latest.planId, name: latest.planName }, status: latest.status } : null,
    nextInvoice: inputs.nextInvoice,
    unpaidInvoices: inputs.unpaid,
    welcomeMessage: tenant.welcomeMessage,
    announcements: viewsWith(shown, live.slugs),
    upcomingBookings: inputs.upcoming,
    upcomingEvents: inputs.upcomingEvents,
    status: currentStatus(tenant.status, now),
  };
  return { dashboard, open: latest, roles };
}

export async function readDashboard(t: TenantDb, tenant: Settings, user: Who, today: Day, now: number, viewingAsMember = false): Promise<DashboardReads> {
  return dashboardFrom(await dashboardInputs(t, tenant, user, today, now, viewingAsMember), tenant, user, today, now);
}

export async function dashboardOf(t: TenantDb, tenant: Settings, user: Who, today: Day, now: number): Promise<Dashboard> {
  return (await readDashboard(t, tenant, user, today, now)).dashboard;
}

// The same welcome message and announcements are rendered for every member: once per source.
const rendered = remembered<string>(500);
const markdown = (source: string) => rendered(source, () => renderMarkdown(source).html);

/**
 * The page at `/` for a signed-in member: the dashboard's reads, the community's groups (with
 * the member's role in each; a plain member's badge while viewing as a member) and whether a
 * plan can be chosen, with the Markdown rendered and sanitised.
 */
export async function dashboardPage(t: TenantDb, tenant: Settings, user: Who, today: Day, now: number, viewingAsMember: boolean): Promise<DashboardPageView> {
  const [inputs, directory, facts] = await Promise.all([dashboardInputs(t, tenant, user, today, now, viewingAsMember), groupDirectory(t), planFacts(t)]);
  // The view is a function of these reads (by identity: see DashboardInputs; the community and
  // the member are the per-isolate cached rows), of the day (overdue invoices, plans giving
  // access) and of whether the banner's window is open: the same view object while they stay.
  const { mine, unpaid, upcoming, live, roles, upcomingEvents, nextInvoice } = inputs;
  const key = `${idOf(tenant)},${idOf(user)},${idOf(mine)},${idOf(unpaid)},${idOf(upcoming)},${idOf(live)},${idOf(roles)},${idOf(upcomingEvents)},${nextInvoice ? idOf(nextInvoice) : 0},${idOf(directory)},${idOf(facts)},${today},${viewingAsMember ? 1 : 0},${statusShownAt(tenant.status, now) ? 1 : 0}`;
  return pageViews(key, () => {
    const { dashboard: d, open } = dashboardFrom(inputs, tenant, user, today, now);
    const membership: DashboardMembershipView | null = open && open.status !== "canceled" ? { plan: { id: open.planId, name: open.planName }, status: open.status, cancelsOn: open.cancelsOn } : null;
    const cards = cardsOf(directory, roles);
    return {
      status: d.status ? { state: d.status.state, message: d.status.message } : null,
      welcomeHtml: d.welcomeMessage?.trim() ? markdown(d.welcomeMessage) : null,
      announcements: d.announcements.map((a) => ({ id: a.id, title: a.title, bodyHtml: markdown(a.body), createdAt: a.createdAt })),
      bio: d.bio?.trim() ? d.bio : null,
      membership,
      nextInvoice: d.nextInvoice,
      unpaidInvoices: d.unpaidInvoices.map((i) => ({ ...i, overdue: i.dueOn < today })),
      plansOffered: facts.offered,
      groups: viewingAsMember ? cards.map((g) => ({ ...g, role: g.role ? "member" : null })) : cards,
      upcomingBookings: tenant.features.bookings !== false ? d.upcomingBookings.map((b) => ({ id: b.id, resource: b.resource, from: b.from, to: b.to, title: b.title })) : null,
      upcomingEvents: d.upcomingEvents,
    };
  });
}

/** Dashboard views by their inputs' identities (a few hundred members' views). */
const pageViews = remembered<DashboardPageView>(500);
