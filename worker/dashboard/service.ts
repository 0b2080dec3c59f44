import type { TenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import { announcementsFor, type AnnouncementView } from "../announcements/service";
import type { Day } from "../memberships/periods";
import { latestMembership } from "../memberships/service";
import { planRow } from "../plans/service";
import { currentStatus, type StatusView } from "../tenancy/portal-settings";

// The member's dashboard (`GET /api/v1/me/dashboard`, and the page at `/`): what the
// community says (status banner, welcome message, announcements) and where the member
// stands (plan, invoices, bookings, events). Invoices, bookings and events fill their lists
// as those features land; until then the lists are empty and the next invoice is null.

export type Dashboard = {
  name: string;
  bio: string | null;
  membership: { plan: { id: string; name: string }; status: string } | null;
  nextInvoice: { date: Day; total: { amount: number; currency: string } } | null;
  unpaidInvoices: { id: string; number: string; total: { amount: number; currency: string }; dueOn: Day }[];
  welcomeMessage: string | null;
  announcements: AnnouncementView[];
  upcomingBookings: unknown[];
  upcomingEvents: unknown[];
  status: StatusView | null;
};

export async function dashboardOf(t: TenantDb, tenant: Pick<Tenant, "welcomeMessage" | "status">, user: Pick<User, "id" | "name" | "bio">, today: Day, now: number): Promise<Dashboard> {
  const [latest, announcements] = await Promise.all([latestMembership(t, user.id), announcementsFor(t, user.id, today, now, 10)]);
  const open = latest && latest.status !== "canceled" ? latest : null;
  const plan = open ? await planRow(t, open.planId) : null;
  return {
    name: user.name,
    bio: user.bio ?? null,
    membership: open && plan ? { plan: { id: plan.id, name: plan.name }, status: open.status } : null,
    nextInvoice: null,
    unpaidInvoices: [],
    welcomeMessage: tenant.welcomeMessage,
    announcements,
    upcomingBookings: [],
    upcomingEvents: [],
    status: currentStatus(tenant.status, now),
  };
}
