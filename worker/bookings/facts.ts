import { and, eq, inArray, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { boundQuery, preparedQuery, type Database, type TenantDb } from "../db/client";
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

// The reads of a miss, built once (db/client.ts `preparedQuery`) and sent together in one D1 batch.
type Read = (db: Database) => { getQuery(): { params: unknown[] }; mapResult(response: unknown, isFromBatch?: boolean): unknown };
const tenantP = sql.placeholder("tenantId");
const userP = sql.placeholder("userId");
const openOf = (db: Database, column: typeof planMemberships.id | typeof planMemberships.planId | typeof planMemberships.changePlanId) =>
  db
    .select({ id: column })
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, tenantP), eq(planMemberships.userId, userP), ne(planMemberships.status, "canceled")));
const resourceRead: Read = preparedQuery((db) =>
  db
    .select()
    .from(resources)
    .where(and(eq(resources.tenantId, tenantP), eq(resources.id, sql.placeholder("id")), isNull(resources.deletedAt)))
    .limit(1)
    .prepare(),
);
const hiddenRead: Read = preparedQuery((db) =>
  db
    .select({ id: hiddenResources.resourceId })
    .from(hiddenResources)
    .where(and(eq(hiddenResources.tenantId, tenantP), eq(hiddenResources.userId, userP)))
    .prepare(),
);
const membershipRead: Read = preparedQuery((db) =>
  db
    .select()
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, tenantP), eq(planMemberships.userId, userP), ne(planMemberships.status, "canceled")))
    .limit(1)
    .prepare(),
);
const plansRead: Read = preparedQuery((db) =>
  db
    .select()
    .from(plans)
    .where(and(eq(plans.tenantId, tenantP), or(inArray(plans.id, openOf(db, planMemberships.planId)), inArray(plans.id, openOf(db, planMemberships.changePlanId)))))
    .prepare(),
);
const invoiceDayRead: Read = preparedQuery((db) => db.select({ day: billingSettings.invoiceDay }).from(billingSettings).where(eq(billingSettings.tenantId, tenantP)).limit(1).prepare());
const creditsBy = (db: Database, which: SQL) =>
  db
    .select({ period: bookings.periodStart, used: sql<number>`coalesce(sum(${bookings.creditsUsedMinutes}), 0)`.as("used") })
    .from(bookings)
    .where(which)
    .groupBy(bookings.periodStart)
    .prepare();
const creditsOfMembershipRead: Read = preparedQuery((db) => creditsBy(db, eq(bookings.membershipId, sql.placeholder("membershipId"))));
const creditsOfMemberRead: Read = preparedQuery((db) => creditsBy(db, inArray(bookings.membershipId, openOf(db, planMemberships.id))));

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

  const reads: { statement: D1PreparedStatement; apply: (result: D1Result) => void }[] = [];
  const read = <R>(q: Read, values: Record<string, unknown>, apply: (rows: R[]) => void) => {
    const { statement, rows } = boundQuery<R>(q(t.db), values);
    reads.push({ statement, apply: (result) => apply(rows(result)) });
  };
  const member = { tenantId: tk, userId };
  if (resource === undefined) {
    read<Resource>(resourceRead, { tenantId: tk, id: resourceId }, (rows) => {
      resource = rows[0] ?? null;
      if (resource) resourceFacts.setUnlessForgotten(rk, resource, versions[0]!);
    });
  }
  if (hidden === undefined && !opts.admin) {
    read<{ id: string }>(hiddenRead, member, (rows) => {
      hidden = rows.map((r) => r.id);
      hiddenFacts.setUnlessForgotten(uk, hidden, versions[1]!);
    });
  }
  if (ms === undefined) {
    let loaded: PlanMembership | null = null;
    read<PlanMembership>(membershipRead, member, (rows) => {
      loaded = rows[0] ?? null;
    });
    read<Plan>(plansRead, member, (rows) => {
      const m: PlanMembership | null = loaded;
      const byId = new Map(rows.map((p) => [p.id, p]));
      const plan = m ? byId.get(m.planId) : undefined;
      ms = m && plan ? { m, plan, next: m.changePlanId ? (byId.get(m.changePlanId) ?? null) : null } : null;
      membershipFacts.setUnlessForgotten(uk, ms, versions[2]!);
    });
  }
  if (invoiceDay === undefined) {
    read<{ day: number }>(invoiceDayRead, { tenantId: tk }, (rows) => {
      invoiceDay = rows[0]?.day ?? 1;
      invoiceDayFacts.setUnlessForgotten(tk, invoiceDay, versions[3]!);
    });
  }
  if (credits === undefined) {
    // The remembered membership's, or (read in this batch) the member's open one.
    const apply = (rows: { period: string | null; used: number }[]) => {
      credits = Object.fromEntries(rows.filter((r) => r.period !== null).map((r) => [r.period!, r.used]));
      if (ms) creditFacts.setUnlessForgotten(`${tk}:${ms.m.id}`, credits, versions[4]!);
    };
    if (ms) read(creditsOfMembershipRead, { membershipId: ms.m.id }, apply);
    else read(creditsOfMemberRead, member, apply);
  }
  if (reads.length > 0) {
    const results = await t.d1.batch(reads.map((r) => r.statement));
    results.forEach((result, i) => reads[i]!.apply(result));
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
