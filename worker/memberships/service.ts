import { and, desc, eq, inArray, lt, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { planMemberships, plans, users, type Plan, type PlanMembership } from "../db/schema";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { ApiError, conflict, notFound } from "../http/errors";
import { contains, fold, foldedOr } from "../http/search";
import { email as emailSchema } from "../http/validate";
import type { BillingSettingsView } from "../invoices/settings";
import { billingDetails } from "./billing-details";
import { webhookEventAfterChange } from "../webhooks/emit";
import { forgetMemberPlans } from "./cache";
import { planRow, planView, type PlanView } from "../plans/service";
import { addDays, cancelsOn as cancelsOnRule, dayInTimeZone, isDay, nextInvoiceDate, periodContaining, planChangeEffectiveOn, type BillingSchedule, type Day, type Period } from "./periods";

// A member's membership of a plan: chosen (pending approval when the plan asks for it),
// confirmed, cancelled with notice, changed at the next period. Every function takes plain
// values: the community's billing settings, `today` (a day in the community's timezone)
// and `now` (UTC ms); the routes and the scheduled job compute them.

export type MembershipStatus = PlanMembership["status"];
export type Clock = { today: Day; now: number };

/** The community's day at `now`, with `now`: what every membership change is a function of. */
export function clockOf(tenant: { timezone: string }, now = Date.now()): Clock {
  return { today: dayInTimeZone(now, tenant.timezone), now };
}

const day = z.string({ error: "field.required" }).refine(isDay, { message: "field.day" });
export const chooseInput = z.strictObject({ planId: z.string({ error: "field.required" }).min(1, "field.required").max(64), startsOn: day.optional(), billing: billingDetails.optional() });
export const assignInput = chooseInput.extend({ userId: z.string({ error: "field.required" }).min(1, "field.required").max(64) });
export const changeInput = z.strictObject({ planId: z.string({ error: "field.required" }).min(1, "field.required").max(64), on: day.optional() });
export const cancelInput = z.strictObject({ on: day.optional() });
export { billingDetails };
export const billingPatch = billingDetails.partial();

export type MembershipView = {
  id: string;
  userId: string;
  plan: PlanView;
  status: MembershipStatus;
  startedOn: Day;
  currentPeriod: Period | null;
  nextInvoiceDate: Day | null;
  cancelsOn: Day | null;
  scheduledChange: { plan: PlanView; on: Day } | null;
  billing: { name: string; address: string; taxId: string | null } | null;
};

export function scheduleOf(m: Pick<PlanMembership, "periodsFrom">, plan: Pick<Plan, "intervalMonths">, billing: BillingSettingsView): BillingSchedule {
  return { startsOn: m.periodsFrom, invoiceDay: billing.invoiceDay, intervalMonths: plan.intervalMonths };
}

/** The last day of access a member's own cancellation gives today (contract, "Cancelling"): what `cancelMembership` stores, and what the page shows before the member confirms. */
export function memberCancelsOn(m: Pick<PlanMembership, "periodsFrom">, plan: Pick<Plan, "intervalMonths" | "noticeDays">, billing: BillingSettingsView, today: Day): Day {
  return cancelsOnRule(scheduleOf(m, plan, billing), today, plan.noticeDays);
}

/** The day a plan change asked today takes effect (the first day of the next period): what `changePlan` stores, and what the page shows before. */
export function planChangeOn(m: Pick<PlanMembership, "periodsFrom">, plan: Pick<Plan, "intervalMonths">, billing: BillingSettingsView, today: Day): Day {
  return planChangeEffectiveOn(scheduleOf(m, plan, billing), today);
}

/** Whether the membership gives access on `today` (contract, "Access"). */
export function givesAccess(m: Pick<PlanMembership, "status" | "startsOn" | "cancelsOn">, today: Day): boolean {
  if (m.status !== "active" && m.status !== "canceling") return false;
  return m.startsOn <= today && (m.cancelsOn === null || today <= m.cancelsOn);
}

export function membershipView(m: PlanMembership, plan: Plan, changePlan: Plan | null, billing: BillingSettingsView, today: Day): MembershipView {
  const running = (m.status === "active" || m.status === "canceling") && m.startsOn <= today;
  const s = scheduleOf(m, plan, billing);
  const current = running ? periodContaining(s, today) : null;
  let next: Day | null = running ? nextInvoiceDate(s, today) : null;
  // Nothing is billed for a period that starts after the last day of access.
  if (next && m.cancelsOn && next > m.cancelsOn) next = null;
  return {
    id: m.id,
    userId: m.userId,
    plan: planView(plan, []),
    status: m.status,
    startedOn: m.startsOn,
    currentPeriod: current,
    nextInvoiceDate: next,
    cancelsOn: m.cancelsOn,
    scheduledChange: changePlan && m.changeOn ? { plan: planView(changePlan, []), on: m.changeOn } : null,
    billing: m.billingName && m.billingAddress ? { name: m.billingName, address: m.billingAddress, taxId: m.billingTaxId } : null,
  };
}

async function plansById(t: TenantDb, ids: (string | null)[]): Promise<Map<string, Plan>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await t.db.select().from(plans).where(and(eq(plans.tenantId, t.tenantId), inArray(plans.id, wanted)));
  return new Map(rows.map((p) => [p.id, p]));
}

export async function viewsOf(t: TenantDb, rows: PlanMembership[], billing: BillingSettingsView, today: Day): Promise<MembershipView[]> {
  const byId = await plansById(t, rows.flatMap((m) => [m.planId, m.changePlanId]));
  return rows.map((m) => membershipView(m, byId.get(m.planId)!, m.changePlanId ? (byId.get(m.changePlanId) ?? null) : null, billing, today));
}

/** A plan a member may choose now: it exists and is not archived (hidden plans are fine: their own link). */
export async function choosablePlan(t: TenantDb, planId: string, field: string): Promise<Plan> {
  const plan = await planRow(t, planId);
  if (!plan || plan.archivedAt !== null) throw new ApiError(422, "plan_unavailable", "This plan cannot be chosen.", { [field]: msg("field.plan_unavailable") });
  return plan;
}

/** The member's latest membership (canceled included), or null. */
export async function latestMembership(t: TenantDb, userId: string): Promise<PlanMembership | null> {
  const [row] = await t.db
    .select()
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId)))
    .orderBy(desc(planMemberships.createdAt), desc(planMemberships.id))
    .limit(1);
  return row ?? null;
}

/** The member's membership that is not canceled, or null. */
export async function openMembership(t: TenantDb, userId: string): Promise<PlanMembership | null> {
  const [row] = await t.db
    .select()
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId), ne(planMemberships.status, "canceled")))
    .limit(1);
  return row ?? null;
}

export async function membershipById(t: TenantDb, id: string): Promise<PlanMembership> {
  const [row] = await t.db.select().from(planMemberships).where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.id, id))).limit(1);
  if (!row) throw notFound("No such membership.");
  return row;
}

/**
 * Puts a member on a plan. A member starts today up to a year ahead; an admin any day and
 * already confirmed. A plan that needs approval leaves a member's choice `pending_approval`.
 * One at a time: the partial unique index lets exactly one of concurrent requests in (409).
 */
export async function startMembership(
  t: TenantDb,
  billing: BillingSettingsView,
  clock: Clock,
  input: { userId: string; planId: string; startsOn?: Day; billing?: z.output<typeof billingDetails> },
  by: "member" | "admin",
): Promise<PlanMembership> {
  const plan = await choosablePlan(t, input.planId, "planId");
  const startsOn = input.startsOn ?? clock.today;
  if (by === "member" && (startsOn < clock.today || startsOn > addDays(clock.today, 365))) {
    throw new ApiError(422, "validation_failed", "Some fields are invalid.", { startsOn: msg("field.start_within_year") });
  }
  const status: MembershipStatus = by === "member" && plan.approvalRequired ? "pending_approval" : "active";
  const row: PlanMembership = {
    id: newId(),
    tenantId: t.tenantId,
    userId: input.userId,
    planId: plan.id,
    status,
    startsOn,
    periodsFrom: startsOn,
    billingName: input.billing?.name ?? null,
    billingAddress: input.billing?.address ?? null,
    billingTaxId: input.billing?.taxId ?? null,
    createdAt: clock.now,
    confirmedAt: status === "active" ? clock.now : null,
    updatedAt: clock.now,
    cancelsOn: null,
    changePlanId: null,
    changeOn: null,
    endedAt: null,
  };
  const [inserted] = await t.db.batch([
    t.db.insert(planMemberships).values(row).onConflictDoNothing().returning(),
    // Not when the partial unique index turned it away (the insert did nothing).
    webhookEventAfterChange(t, "membership.created", { membership: membershipView(row, plan, null, billing, clock.today) }, clock.now),
  ]);
  if (!inserted[0]) throw conflict("membership_exists", "This member already has a membership.");
  forgetMemberPlans(t.tenantId, [input.userId]);
  return inserted[0];
}

/** Admins: a member of this community by id (404 otherwise). */
export async function assertMember(t: TenantDb, userId: string): Promise<void> {
  const [row] = await t.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId))).limit(1);
  if (!row) throw notFound("No such member.");
}

/** Applies a change to one membership if it is still in one of `from` states; 409 `stale` if it changed meanwhile. */
async function update(t: TenantDb, m: PlanMembership, from: MembershipStatus[], set: Partial<PlanMembership>, now: number, canceled?: { billing: BillingSettingsView; today: Day }): Promise<PlanMembership> {
  const change = t.db
    .update(planMemberships)
    .set({ ...set, updatedAt: now })
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.id, m.id), inArray(planMemberships.status, from)))
    .returning();
  // A change that makes it `canceled` tells the webhooks, in its batch and only if it won.
  const [rows] = canceled
    ? await t.db.batch([change, webhookEventAfterChange(t, "membership.canceled", { membership: membershipView({ ...m, ...set, updatedAt: now }, (await planRow(t, m.planId))!, null, canceled.billing, canceled.today) }, now)])
    : [await change];
  const row = rows[0];
  if (!row) throw conflict("membership_changed", "The membership changed meanwhile; reload and try again.");
  forgetMemberPlans(t.tenantId, [row.userId]);
  return row;
}

/**
 * Cancels. A pending membership ends at once with nothing invoiced (how a request is
 * declined). Otherwise it turns `canceling` with `cancelsOn` = the member's rule (the end of
 * the first period that ends at least `noticeDays` after today) or, for an admin, `on`
 * (today or later). Cancelling drops a scheduled plan change.
 */
export async function cancelMembership(t: TenantDb, billing: BillingSettingsView, clock: Clock, m: PlanMembership, on?: Day): Promise<PlanMembership> {
  if (m.status === "canceled") throw conflict("membership_canceled", "This membership has ended.");
  if (m.status === "pending_approval") return update(t, m, ["pending_approval"], { status: "canceled", endedAt: clock.now, changePlanId: null, changeOn: null }, clock.now, { billing, today: clock.today });
  if (on !== undefined && on < clock.today) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { on: msg("field.not_before_today") });
  const plan = (await planRow(t, m.planId))!;
  const last = on ?? memberCancelsOn(m, plan, billing, clock.today);
  return update(t, m, ["active", "canceling"], { status: "canceling", cancelsOn: last, changePlanId: null, changeOn: null }, clock.now);
}

export async function undoCancel(t: TenantDb, clock: Clock, m: PlanMembership): Promise<PlanMembership> {
  if (m.status !== "canceling") throw conflict("membership_not_canceling", "This membership is not being cancelled.");
  return update(t, m, ["canceling"], { status: "active", cancelsOn: null }, clock.now);
}

/** Schedules a plan change for the start of the next period (an admin may name a later day). */
export async function changePlan(t: TenantDb, billing: BillingSettingsView, clock: Clock, m: PlanMembership, planId: string, on?: Day): Promise<PlanMembership> {
  if (m.status === "canceling") throw conflict("membership_canceling", "A membership being cancelled cannot change plan.");
  if (m.status === "pending_approval") throw conflict("membership_pending", "A membership waiting for approval cannot change plan.");
  if (m.status === "canceled") throw conflict("membership_canceled", "This membership has ended.");
  const target = await choosablePlan(t, planId, "planId");
  if (target.id === m.planId) throw new ApiError(422, "plan_unavailable", "This is already the current plan.", { planId: msg("field.plan_current") });
  const plan = (await planRow(t, m.planId))!;
  const effective = on ?? planChangeOn(m, plan, billing, clock.today);
  if (effective <= clock.today) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { on: msg("field.after_today") });
  return update(t, m, ["active"], { changePlanId: target.id, changeOn: effective }, clock.now);
}

export async function dropPlanChange(t: TenantDb, clock: Clock, m: PlanMembership): Promise<PlanMembership> {
  if (!m.changePlanId) return m;
  return update(t, m, ["active"], { changePlanId: null, changeOn: null }, clock.now);
}

export async function editBilling(t: TenantDb, clock: Clock, m: PlanMembership, patch: z.output<typeof billingPatch>): Promise<PlanMembership> {
  if (m.status === "canceled") throw conflict("membership_canceled", "This membership has ended.");
  const set = {
    ...(patch.name !== undefined ? { billingName: patch.name } : {}),
    ...(patch.address !== undefined ? { billingAddress: patch.address } : {}),
    ...(patch.taxId !== undefined ? { billingTaxId: patch.taxId ?? null } : {}),
  };
  return update(t, m, ["pending_approval", "active", "canceling"], set, clock.now);
}

/** Confirms a pending membership: it starts on the later of its start day and today. */
export async function confirmMembership(t: TenantDb, clock: Clock, m: PlanMembership): Promise<PlanMembership> {
  if (m.status !== "pending_approval") throw conflict("membership_not_pending", "This membership is not waiting for approval.");
  const startsOn = m.startsOn < clock.today ? clock.today : m.startsOn;
  return update(t, m, ["pending_approval"], { status: "active", startsOn, periodsFrom: startsOn, confirmedAt: clock.now }, clock.now);
}

export type MembershipListItem = MembershipView & { member: { id: string; name: string; email: string } };

export const membershipsCursor = cursorKind("memberships", z.tuple([cursorParts.int, cursorParts.id]));

/**
 * Admins: every membership, newest first, optionally of one status or plan, or of members
 * whose name or email contains `q` (regardless of case and accents), a page at a time.
 */
export async function listMemberships(
  t: TenantDb,
  billing: BillingSettingsView,
  today: Day,
  opts: { status?: MembershipStatus; planId?: string; q?: string; limit: number; cursor?: string | null },
): Promise<{ items: MembershipListItem[]; nextCursor: string | null }> {
  const after = decodeOptionalCursor(membershipsCursor, opts.cursor);
  const q = fold(opts.q ?? "");
  const rows = await t.db
    .select({ m: planMemberships, name: users.name, email: users.email })
    .from(planMemberships)
    .innerJoin(users, eq(users.id, planMemberships.userId))
    .where(
      and(
        eq(planMemberships.tenantId, t.tenantId),
        ...(opts.status ? [eq(planMemberships.status, opts.status)] : []),
        ...(opts.planId ? [eq(planMemberships.planId, opts.planId)] : []),
        ...(q ? [or(contains(foldedOr(users.searchText, users.name), q), contains(sql`lower(${users.email})`, q))] : []),
        ...(after ? [or(lt(planMemberships.createdAt, after[0]), and(eq(planMemberships.createdAt, after[0]), lt(planMemberships.id, after[1])))] : []),
      ),
    )
    .orderBy(desc(planMemberships.createdAt), desc(planMemberships.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const views = await viewsOf(t, page.map((r) => r.m), billing, today);
  const last = page.at(-1);
  return {
    items: views.map((v, i) => ({ ...v, member: { id: page[i]!.m.userId, name: page[i]!.name, email: page[i]!.email } })),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(membershipsCursor, [last.m.createdAt, last.m.id]) : null,
  };
}

/** How many memberships wait for an admin's approval. */
export async function pendingMembershipCount(t: TenantDb): Promise<number> {
  const [row] = await t.db
    .select({ n: sql<number>`count(*)` })
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.status, "pending_approval")));
  return row?.n ?? 0;
}

export type MembershipDetail = {
  membership: MembershipView;
  member: { id: string; name: string; email: string };
  /** What an admin's cancel defaults to (the member's rule), while it can still be cancelled with a date. */
  ruleCancelsOn: Day | null;
  /** When a plan change asked today takes effect by default, while the plan can change. */
  nextChangeOn: Day | null;
};

/** Admins: one membership with its member and the days its cancel and plan change default to. */
export async function membershipDetail(t: TenantDb, billing: BillingSettingsView, clock: Clock, id: string): Promise<MembershipDetail> {
  const [row] = await t.db
    .select({ m: planMemberships, name: users.name, email: users.email })
    .from(planMemberships)
    .innerJoin(users, eq(users.id, planMemberships.userId))
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.id, id)))
    .limit(1);
  if (!row) throw notFound("No such membership.");
  const m = row.m;
  const plan = (await planRow(t, m.planId))!;
  const running = m.status === "active" || m.status === "canceling";
  return {
    membership: (await viewsOf(t, [m], billing, clock.today))[0]!,
    member: { id: m.userId, name: row.name, email: row.email },
    ruleCancelsOn: running ? memberCancelsOn(m, plan, billing, clock.today) : null,
    nextChangeOn: m.status === "active" ? planChangeEffectiveOn(scheduleOf(m, plan, billing), clock.today) : null,
  };
}

/** Admins: the open membership of the member with this email (as typed), if any: where a refused assignment points. */
export async function openMembershipByEmail(t: TenantDb, email: string): Promise<PlanMembership | null> {
  const [member] = await t.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.email, email.trim().toLowerCase()))).limit(1);
  return member ? openMembership(t, member.id) : null;
}

export const assignByEmailInput = z.strictObject({ email: emailSchema, planId: assignInput.shape.planId, startsOn: day.optional() });

/** Admins: puts the member with this email on a plan (422 on `email` when no member has it; 409 `membership_exists`). */
export async function assignByEmail(t: TenantDb, billing: BillingSettingsView, clock: Clock, input: z.output<typeof assignByEmailInput>): Promise<PlanMembership> {
  const [member] = await t.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.email, input.email))).limit(1);
  if (!member) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { email: msg("field.no_member_email") });
  return startMembership(t, billing, clock, { userId: member.id, planId: input.planId, ...(input.startsOn ? { startsOn: input.startsOn } : {}) }, "admin");
}
