import { unixLines } from "../http/text";
import { and, asc, count, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { newId } from "../db/ids";
import { groups, planGroups, planMemberships, plans, type Plan } from "../db/schema";
import { ApiError, notFound } from "../http/errors";
import { basisPointsToPercent, isCurrency, percentToBasisPoints } from "../invoices/money";
import type { BillingSettingsView } from "../invoices/settings";
import type { PlanView } from "./types";
import { forgetPlans } from "../memberships/cache";

// Plans a community offers: a price per interval, a tax rate, approval, hidden plans with
// their own link, a notice period, a setup fee, booking credits and the groups it opens.
// Archived instead of deleted: members on an archived plan keep it, nobody new chooses it.

const amount = z.number({ error: "field.required" }).int(msg("field.invalid")).min(0, msg("field.too_small", { min: 0 })).max(100_000_000, msg("field.too_big", { max: 100_000_000 }));
const moneyInput = z.strictObject({ amount, currency: z.string({ error: "field.required" }).refine(isCurrency, { message: "field.invalid" }) });
const percent = z
  .number({ error: "field.required" })
  .min(0, msg("field.too_small", { min: 0 }))
  .max(100, msg("field.too_big", { max: 100 }))
  .refine((n) => Number.isInteger(Math.round(n * 100)) && Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, { message: "field.invalid" });
const category = z.string().trim().min(1, "field.required").max(60, msg("field.too_long", { max: 60 }));

export const planInput = z.strictObject({
  name: z.string({ error: "field.required" }).trim().min(1, "field.required").max(120, msg("field.too_long", { max: 120 })),
  description: z.string().max(5000, msg("field.too_long", { max: 5000 })).transform(unixLines).optional(),
  price: moneyInput,
  intervalMonths: z.number({ error: "field.required" }).int("field.invalid").min(1, msg("field.too_small", { min: 1 })).max(12, msg("field.too_big", { max: 12 })),
  taxRate: percent.optional(),
  approvalRequired: z.boolean().optional(),
  hidden: z.boolean().optional(),
  noticeDays: z.number().int("field.invalid").min(0, msg("field.too_small", { min: 0 })).max(365, msg("field.too_big", { max: 365 })).optional(),
  setupFee: moneyInput.optional(),
  credits: z.strictObject({ minutes: amount, categories: z.array(category).max(50, msg("field.too_many", { max: 50 })).optional() }).optional(),
  groups: z.array(z.string().trim().min(1).max(100)).max(100, msg("field.too_many", { max: 100 })).optional(),
});
export type PlanInput = z.output<typeof planInput>;
export const planPatch = planInput.partial();
export type PlanPatch = z.output<typeof planPatch>;

export type { PlanView } from "./types";

export function planView(plan: Plan, groupSlugs: string[]): PlanView {
  return {
    id: plan.id,
    name: plan.name,
    description: plan.description,
    price: { amount: plan.priceAmount, currency: plan.currency },
    intervalMonths: plan.intervalMonths,
    taxRate: basisPointsToPercent(plan.taxRateBp),
    approvalRequired: plan.approvalRequired,
    hidden: plan.hidden,
    noticeDays: plan.noticeDays,
    setupFee: { amount: plan.setupFeeAmount, currency: plan.currency },
    credits: { minutes: plan.creditMinutes, categories: plan.creditCategories },
    groups: groupSlugs,
    archived: plan.archivedAt !== null,
  };
}

/** Money in the community's one currency, else 422 `currency_mismatch` on that field. */
function inCurrency(field: string, value: { currency: string } | undefined, currency: string): void {
  if (value && value.currency !== currency) {
    throw new ApiError(422, "currency_mismatch", `Amounts are in ${currency}, the community's currency.`, { [field]: msg("field.currency", { currency }) });
  }
}

/** The ids of the groups named by slug (live ones), else 422 on `groups` naming the first unknown. */
async function groupIdsOf(t: TenantDb, slugs: string[]): Promise<string[]> {
  const wanted = [...new Set(slugs)];
  if (wanted.length === 0) return [];
  const rows = await t.db
    .select({ id: groups.id, slug: groups.slug })
    .from(groups)
    .where(and(eq(groups.tenantId, t.tenantId), inArray(groups.slug, wanted), isNull(groups.deletedAt)));
  const missing = wanted.find((s) => !rows.some((r) => r.slug === s));
  if (missing) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { groups: msg("field.unknown_group", { slug: missing }) });
  return rows.map((r) => r.id);
}

async function slugsByPlan(t: TenantDb, planIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(planIds.map((id) => [id, []]));
  if (planIds.length === 0) return out;
  const rows = await t.db
    .select({ planId: planGroups.planId, slug: groups.slug })
    .from(planGroups)
    .innerJoin(groups, eq(groups.id, planGroups.groupId))
    .where(and(eq(planGroups.tenantId, t.tenantId), inArray(planGroups.planId, planIds)))
    .orderBy(asc(groups.slug));
  for (const r of rows) out.get(r.planId)?.push(r.slug);
  return out;
}

function columnsOf(input: PlanPatch): Partial<typeof plans.$inferInsert> {
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.price !== undefined ? { priceAmount: input.price.amount } : {}),
    ...(input.intervalMonths !== undefined ? { intervalMonths: input.intervalMonths } : {}),
    ...(input.taxRate !== undefined ? { taxRateBp: percentToBasisPoints(input.taxRate) } : {}),
    ...(input.approvalRequired !== undefined ? { approvalRequired: input.approvalRequired } : {}),
    ...(input.hidden !== undefined ? { hidden: input.hidden } : {}),
    ...(input.noticeDays !== undefined ? { noticeDays: input.noticeDays } : {}),
    ...(input.setupFee !== undefined ? { setupFeeAmount: input.setupFee.amount } : {}),
    ...(input.credits !== undefined ? { creditMinutes: input.credits.minutes, creditCategories: [...new Set(input.credits.categories ?? [])] } : {}),
  };
}

export async function createPlan(t: TenantDb, billing: BillingSettingsView, input: PlanInput, now: number): Promise<PlanView> {
  inCurrency("price", input.price, billing.currency);
  inCurrency("setupFee", input.setupFee, billing.currency);
  const groupIds = await groupIdsOf(t, input.groups ?? []);
  const id = newId();
  const row = { id, tenantId: t.tenantId, currency: billing.currency, createdAt: now, updatedAt: now, ...columnsOf(input) } as typeof plans.$inferInsert;
  await t.db.batch([
    t.db.insert(plans).values(row),
    ...(groupIds.length ? [t.db.insert(planGroups).values(groupIds.map((groupId) => ({ tenantId: t.tenantId, planId: id, groupId })))] : []),
  ]);
  forgetOpening(t.tenantId);
  forgetPlans(t.tenantId);
  return (await getPlan(t, id, { archived: true }))!;
}

export async function updatePlan(t: TenantDb, id: string, patch: PlanPatch, now: number): Promise<PlanView> {
  const current = await planRow(t, id);
  if (!current) throw notFound("No such plan.");
  inCurrency("price", patch.price, current.currency);
  inCurrency("setupFee", patch.setupFee, current.currency);
  const groupIds = patch.groups === undefined ? null : await groupIdsOf(t, patch.groups);
  await t.db.batch([
    t.db.update(plans).set({ ...columnsOf(patch), updatedAt: now }).where(and(eq(plans.tenantId, t.tenantId), eq(plans.id, id))),
    // Editing a plan's groups removes nobody from a group (the contract): only the list changes.
    ...(groupIds === null
      ? []
      : [
          t.db.delete(planGroups).where(and(eq(planGroups.tenantId, t.tenantId), eq(planGroups.planId, id))),
          ...(groupIds.length ? [t.db.insert(planGroups).values(groupIds.map((groupId) => ({ tenantId: t.tenantId, planId: id, groupId })))] : []),
        ]),
  ]);
  forgetOpening(t.tenantId);
  forgetPlans(t.tenantId);
  return (await getPlan(t, id, { archived: true }))!;
}

/** Archives (DELETE) or restores a plan; idempotent. */
export async function setPlanArchived(t: TenantDb, id: string, archived: boolean, now: number): Promise<PlanView> {
  const current = await planRow(t, id);
  if (!current) throw notFound("No such plan.");
  if ((current.archivedAt !== null) !== archived) {
    await t.db
      .update(plans)
      .set({ archivedAt: archived ? now : null, updatedAt: now })
      .where(and(eq(plans.tenantId, t.tenantId), eq(plans.id, id)));
    forgetOpening(t.tenantId);
    forgetPlans(t.tenantId);
  }
  return (await getPlan(t, id, { archived: true }))!;
}

export async function planRow(t: TenantDb, id: string): Promise<Plan | null> {
  const [row] = await t.db.select().from(plans).where(and(eq(plans.tenantId, t.tenantId), eq(plans.id, id))).limit(1);
  return row ?? null;
}

/** One plan by id: hidden plans are served (their own link); archived ones only when asked. */
export async function getPlan(t: TenantDb, id: string, opts: { archived: boolean }): Promise<PlanView | null> {
  const row = await planRow(t, id);
  if (!row || (row.archivedAt !== null && !opts.archived)) return null;
  return planView(row, (await slugsByPlan(t, [id])).get(id) ?? []);
}

/** The plans offered: `all` (admins) lists hidden and archived ones too, else neither. */
export async function listPlans(t: TenantDb, opts: { all: boolean }): Promise<PlanView[]> {
  const rows = await t.db
    .select()
    .from(plans)
    .where(and(eq(plans.tenantId, t.tenantId), ...(opts.all ? [] : [isNull(plans.archivedAt), eq(plans.hidden, false)])))
    .orderBy(asc(plans.priceAmount), asc(plans.name), asc(plans.id));
  const slugs = await slugsByPlan(t, rows.map((r) => r.id));
  return rows.map((r) => planView(r, slugs.get(r.id) ?? []));
}

/** The plans that open a group (paid groups): empty when the group is open to everyone. */
export async function plansOpening(t: TenantDb, groupId: string): Promise<Plan[]> {
  const rows = await t.db
    .select({ plan: plans })
    .from(planGroups)
    .innerJoin(plans, eq(plans.id, planGroups.planId))
    .where(and(eq(planGroups.tenantId, t.tenantId), eq(planGroups.groupId, groupId)))
    .orderBy(asc(plans.priceAmount), asc(plans.name));
  return rows.map((r) => r.plan);
}

/** How many members are on each plan (memberships `active` or `canceling`), by plan id, in one grouped query. */
export async function memberCountsByPlan(t: TenantDb): Promise<Map<string, number>> {
  const rows = await t.db
    .select({ planId: planMemberships.planId, n: count() })
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, t.tenantId), inArray(planMemberships.status, ["active", "canceling"])))
    .groupBy(planMemberships.planId);
  return new Map(rows.map((r) => [r.planId, r.n]));
}

/** The community's live groups a plan can open, by name (the plan form's checkboxes). */
export async function groupChoices(t: TenantDb): Promise<{ slug: string; name: string }[]> {
  return t.db
    .select({ slug: groups.slug, name: groups.name })
    .from(groups)
    .where(and(eq(groups.tenantId, t.tenantId), isNull(groups.deletedAt)))
    .orderBy(asc(groups.name), asc(groups.slug));
}

/** Plans opening a group, per isolate for READ_TTL_MS (every group page shows them); every plan write forgets its community's. */
const openingCache = new ReadCache<Plan[]>();

/** `plansOpening` from the read cache: for pages (a join checks `plansOpening` itself). */
export function cachedPlansOpening(t: TenantDb, groupId: string): Promise<Plan[]> {
  return openingCache.getOrLoad(`${t.tenantId}:${groupId}`, () => plansOpening(t, groupId));
}

function forgetOpening(tenantId: string): void {
  openingCache.deleteWhere((key) => key.startsWith(`${tenantId}:`));
}
