import { and, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { MiddlewareHandler } from "hono";
import type { TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { billingSettings, bookings, hiddenResources, planMemberships, plans, type Plan, type PlanMembership, resources, type Resource } from "../db/schema";
import type { AppEnv } from "../env";

// The facts a booking is priced from (POST /bookings, its preview, a series), kept a few seconds
// per isolate (db/read-cache.ts) so that a booking in the steady state costs two D1 calls (its
// session, then its write batch): the resource, the resources hidden from the member, the
// member's membership with its plan and next plan, the community's invoice day, and the credit
// minutes the membership already used per billing period. On a miss, whatever is missing is read
// in ONE D1 batch (non-join statements: a batch answers rows as objects, where joined tables'
// equal column names would overwrite each other).
//
// They are advice, never trusted: the booking's conditional insert (service.ts `insertStatement`)
// re-checks every fact it was priced from inside its batch and is refused when one changed (in
// another isolate too); the service then forgets them and prices again on fresh reads. A refusal
// (404, 403, 422) decided on remembered facts is decided again on fresh ones before it is
// answered. In this isolate, every write request on the community but the booking requests
// themselves forgets the community's facts once it answered (`forgetBookingFactsAfterWrites`,
// the calendar's pattern: resources, hidden resources, memberships, plans, billing settings,
// cancellations); a booking sets its member's new credit sum instead (`rememberCreditsUsed`).

export type BookerMembership = { m: PlanMembership; plan: Plan; next: Plan | null };

export type BookingFacts = {
  /** The resource when it exists and is not deleted. */
  resource: Resource | null;
  /** Whether an admin hid the resource from the member (false for an admin's booking). */
  hiddenForMember: boolean;
  /** The member's membership that is not canceled, with its plans. */
  ms: BookerMembership | null;
  invoiceDay: number;
  /** Credit minutes used by the membership per billing period start (a period absent: 0). */
  creditsUsed: Readonly<Record<string, number>>;
  /** Whether some of it came from this isolate's memory rather than from D1 just now. */
  remembered: boolean;
};

const resourceFacts = new ReadCache<Resource>();
const hiddenFacts = new ReadCache<string[]>();
const membershipFacts = new ReadCache<BookerMembership | null>();
const invoiceDayFacts = new ReadCache<number>();
const creditFacts = new ReadCache<Record<string, number>>();

const ALL = [resourceFacts, hiddenFacts, membershipFacts, invoiceDayFacts, creditFacts] as const;

/** Forgets a community's booking facts in this isolate (every community's without an id). */
export function forgetBookingFactsOf(tenantId?: string): void {
  for (const cache of ALL) {
    if (tenantId === undefined) cache.clear();
    else cache.deleteWhere((key) => key === tenantId || key.startsWith(`${tenantId}:`));
  }
}

/** Forgets what one booking request was priced from (its insert was refused on them). */
export function forgetFactsOfBooking(tenantId: string, resourceId: string, userId: string, membershipId: string | null): void {
  resourceFacts.delete(`${tenantId}:${resourceId}`);
  hiddenFacts.delete(`${tenantId}:${userId}`);
  membershipFacts.delete(`${tenantId}:${userId}`);
  invoiceDayFacts.delete(tenantId);
  if (membershipId) creditFacts.delete(`${tenantId}:${membershipId}`);
}

/**
 * After a booking landed: the membership's credit sums per period as the batch left them (only
 * when they were remembered, so a sum is never invented from nothing).
 */
export function rememberCreditsUsed(tenantId: string, membershipId: string, sums: Record<string, number>): void {
  const key = `${tenantId}:${membershipId}`;
  const known = creditFacts.get(key);
  if (known) creditFacts.set(key, { ...known, ...sums });
}

/** The facts for a booking of `resourceId` for `userId`: remembered ones, the missing ones in one D1 batch (`fresh`: all from D1). */
export async function bookingFacts(t: TenantDb, resourceId: string, userId: string, opts: { admin: boolean; fresh: boolean }): Promise<BookingFacts> {
  const tk = t.tenantId;
  const rk = `${tk}:${resourceId}`;
  const uk = `${tk}:${userId}`;
  if (opts.fresh) forgetFactsOfBooking(tk, resourceId, userId, membershipFacts.get(uk)?.m.id ?? null);
  const versions = ALL.map((c) => c.version());
  let resource: Resource | null | undefined = resourceFacts.get(rk);
  let hidden: string[] | undefined = hiddenFacts.get(uk);
  let ms = membershipFacts.get(uk);
  let invoiceDay = invoiceDayFacts.get(tk);
  let credits = ms === undefined ? undefined : ms === null ? {} : creditFacts.get(`${tk}:${ms.m.id}`);
  const remembered = [resource, opts.admin ? undefined : hidden, ms, invoiceDay, credits].some((v) => v !== undefined);

  const reads: BatchItem<"sqlite">[] = [];
  const apply: ((rows: unknown[]) => void)[] = [];
  const open = t.db
    .select({ id: planMemberships.id })
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, tk), eq(planMemberships.userId, userId), ne(planMemberships.status, "canceled")));
  if (resource === undefined) {
    reads.push(t.db.select().from(resources).where(and(eq(resources.tenantId, tk), eq(resources.id, resourceId), isNull(resources.deletedAt))).limit(1));
    apply.push((rows) => {
      resource = (rows[0] as Resource | undefined) ?? null;
      if (resource) resourceFacts.setUnlessForgotten(rk, resource, versions[0]!);
    });
  }
  if (hidden === undefined && !opts.admin) {
    reads.push(t.db.select({ id: hiddenResources.resourceId }).from(hiddenResources).where(and(eq(hiddenResources.tenantId, tk), eq(hiddenResources.userId, userId))));
    apply.push((rows) => {
      hidden = (rows as { id: string }[]).map((r) => r.id);
      hiddenFacts.setUnlessForgotten(uk, hidden, versions[1]!);
    });
  }
  let loadedMembership: PlanMembership | null = null;
  if (ms === undefined) {
    reads.push(t.db.select().from(planMemberships).where(and(eq(planMemberships.tenantId, tk), eq(planMemberships.userId, userId), ne(planMemberships.status, "canceled"))).limit(1));
    apply.push((rows) => {
      loadedMembership = (rows[0] as PlanMembership | undefined) ?? null;
    });
    const changeTo = t.db
      .select({ id: planMemberships.changePlanId })
      .from(planMemberships)
      .where(and(eq(planMemberships.tenantId, tk), eq(planMemberships.userId, userId), ne(planMemberships.status, "canceled")));
    const current = t.db
      .select({ id: planMemberships.planId })
      .from(planMemberships)
      .where(and(eq(planMemberships.tenantId, tk), eq(planMemberships.userId, userId), ne(planMemberships.status, "canceled")));
    reads.push(t.db.select().from(plans).where(and(eq(plans.tenantId, tk), or(inArray(plans.id, current), inArray(plans.id, changeTo)))));
    apply.push((rows) => {
      const m = loadedMembership;
      const byId = new Map((rows as Plan[]).map((p) => [p.id, p]));
      const plan = m ? byId.get(m.planId) : undefined;
      ms = m && plan ? { m, plan, next: m.changePlanId ? (byId.get(m.changePlanId) ?? null) : null } : null;
      membershipFacts.setUnlessForgotten(uk, ms, versions[2]!);
    });
  }
  if (invoiceDay === undefined) {
    reads.push(t.db.select({ day: billingSettings.invoiceDay }).from(billingSettings).where(eq(billingSettings.tenantId, tk)).limit(1));
    apply.push((rows) => {
      invoiceDay = (rows[0] as { day: number } | undefined)?.day ?? 1;
      invoiceDayFacts.setUnlessForgotten(tk, invoiceDay, versions[3]!);
    });
  }
  if (credits === undefined) {
    // The cached membership's, or (read in this batch) the member's open one.
    const ofMembership = ms ? eq(bookings.membershipId, ms.m.id) : inArray(bookings.membershipId, open);
    reads.push(
      t.db
        .select({ period: bookings.periodStart, used: sql<number>`coalesce(sum(${bookings.creditsUsedMinutes}), 0)`.as("used") })
        .from(bookings)
        .where(ofMembership)
        .groupBy(bookings.periodStart),
    );
    apply.push((rows) => {
      credits = Object.fromEntries((rows as { period: string | null; used: number }[]).filter((r) => r.period !== null).map((r) => [r.period!, r.used]));
      if (ms) creditFacts.setUnlessForgotten(`${tk}:${ms.m.id}`, credits, versions[4]!);
    });
  }
  if (reads.length > 0) {
    const results = (await t.db.batch(reads as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])) as unknown[][];
    results.forEach((rows, i) => apply[i]!(rows));
  }
  const found = resource ?? null;
  return {
    resource: found,
    hiddenForMember: !opts.admin && found !== null && (hidden ?? []).includes(found.id),
    ms: ms ?? null,
    invoiceDay: invoiceDay ?? 1,
    creditsUsed: credits ?? {},
    remembered,
  };
}

/** Paths of the booking requests themselves: they keep the facts (a booking sets its member's new credit sums). */
const BOOKING_REQUESTS = /^\/(?:api\/v1\/)?bookings(?:\/preview)?\/?$/;

/** After any request but GET/HEAD (the booking requests excepted), once it answered: the community's booking facts are forgotten in this isolate. */
export function forgetBookingFactsAfterWrites(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === "GET" || c.req.method === "HEAD") return;
    if (c.req.method === "POST" && BOOKING_REQUESTS.test(c.req.path)) return;
    forgetBookingFactsOf(c.get("tenant")?.id);
  };
}
