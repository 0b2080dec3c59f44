import { and, asc, eq, gt, inArray, isNull, notExists, sql } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import { preparedQuery, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { bookings, events, hiddenResources, plans, resources, users, type OpeningWindow, type Resource } from "../db/schema";
import { windowProblem } from "../bookings/hours";
import { checkAsset, storeImage } from "../groups/images";
import { ApiError, conflict, notFound } from "../http/errors";
import { unixLines } from "../http/text";
import { basisPointsToPercent, isCurrency, percentToBasisPoints, type Money } from "../invoices/money";
import type { BillingSettingsView } from "../invoices/settings";
import type { HiddenResourcesView, ResourceView } from "./types";

// Resources a community rents out (API.md "Resources and bookings"): rooms, desks, equipment,
// each with how many bookings may run at once (`units`), an hourly price (per plan too), rules
// (durations, cutoff, cancellation deadline, opening hours) and visibility. A deleted resource
// stays (its past bookings point to it) but is gone for everyone.

const amount = z.number({ error: "field.required" }).int(msg("field.invalid")).min(0, msg("field.too_small", { min: 0 })).max(100_000_000, msg("field.too_big", { max: 100_000_000 }));
const moneyInput = z.strictObject({ amount, currency: z.string({ error: "field.required" }).refine(isCurrency, { message: "field.invalid" }) });
const percent = z
  .number({ error: "field.required" })
  .min(0, msg("field.too_small", { min: 0 }))
  .max(100, msg("field.too_big", { max: 100 }))
  .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, { message: "field.invalid" });
const count = (min: number, max: number) => z.number({ error: "field.invalid" }).int("field.invalid").min(min, msg("field.too_small", { min })).max(max, msg("field.too_big", { max }));
const window = z.strictObject({ day: z.number({ error: "field.required" }), from: z.string({ error: "field.required" }), to: z.string({ error: "field.required" }) }).superRefine((w, ctx) => {
  const problem = windowProblem(w);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const resourceInput = z.strictObject({
  name: z.string({ error: "field.required" }).trim().min(1, "field.required").max(200, msg("field.too_long", { max: 200 })),
  category: z.string({ error: "field.required" }).trim().min(1, "field.required").max(60, msg("field.too_long", { max: 60 })),
  description: z.string().max(20_000, msg("field.too_long", { max: 20_000 })).transform(unixLines).optional(),
  units: count(1, 1000).optional(),
  capacity: count(1, 100_000).nullable().optional(),
  pricePerHour: moneyInput,
  planPrices: z.record(z.string().min(1).max(64), moneyInput).optional(),
  taxRate: percent.optional(),
  minMinutes: count(1, 525_600).nullable().optional(),
  maxMinutes: count(1, 525_600).nullable().optional(),
  cutoffHours: count(0, 8760).nullable().optional(),
  cancellationHours: count(0, 8760).nullable().optional(),
  openingHours: z.array(window).max(100, msg("field.too_many", { max: 100 })).nullable().optional(),
  hidden: z.boolean().optional(),
});
export type ResourceInput = z.output<typeof resourceInput>;
export const resourcePatch = resourceInput.partial();
export type ResourcePatch = z.output<typeof resourcePatch>;

export type { ResourceView };

export function resourceView(r: Resource): ResourceView {
  return {
    id: r.id,
    name: r.name,
    category: r.category,
    description: r.description,
    image: r.imageKey ? `/media/${r.imageKey}` : null,
    units: r.units,
    capacity: r.capacity,
    pricePerHour: { amount: r.pricePerHourAmount, currency: r.currency },
    planPrices: Object.fromEntries(Object.entries(r.planPrices).map(([planId, a]) => [planId, { amount: a, currency: r.currency }])),
    taxRate: basisPointsToPercent(r.taxRateBp),
    minMinutes: r.minMinutes,
    maxMinutes: r.maxMinutes,
    cutoffHours: r.cutoffHours,
    cancellationHours: r.cancellationHours,
    openingHours: r.openingHours,
    hidden: r.hidden,
  };
}

const invalid = (fields: Record<string, string>) => new ApiError(422, "validation_failed", "Some fields are invalid.", fields);

function inCurrency(field: string, value: { currency: string } | undefined, currency: string): void {
  if (value && value.currency !== currency) {
    throw new ApiError(422, "currency_mismatch", `Amounts are in ${currency}, the community's currency.`, { [field]: msg("field.currency", { currency }) });
  }
}

/** Plan prices in minor units, after checking each plan is this community's and each amount in its currency. */
async function planPricesOf(t: TenantDb, input: Record<string, Money>, currency: string): Promise<Record<string, number>> {
  const ids = Object.keys(input);
  for (const id of ids) inCurrency(`planPrices.${id}`, input[id], currency);
  if (ids.length === 0) return {};
  const rows = await t.db.select({ id: plans.id }).from(plans).where(and(eq(plans.tenantId, t.tenantId), inArray(plans.id, ids)));
  const unknown = ids.find((id) => !rows.some((r) => r.id === id));
  if (unknown) throw invalid({ [`planPrices.${unknown}`]: msg("field.unknown") });
  return Object.fromEntries(ids.map((id) => [id, input[id]!.amount]));
}

function checkDurations(minMinutes: number | null, maxMinutes: number | null): void {
  if (minMinutes !== null && maxMinutes !== null && minMinutes > maxMinutes) throw invalid({ maxMinutes: msg("field.too_small", { min: minMinutes }) });
}

async function columnsOf(t: TenantDb, input: ResourcePatch, currency: string): Promise<Partial<typeof resources.$inferInsert>> {
  inCurrency("pricePerHour", input.pricePerHour, currency);
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.category !== undefined ? { category: input.category } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.units !== undefined ? { units: input.units } : {}),
    ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
    ...(input.pricePerHour !== undefined ? { pricePerHourAmount: input.pricePerHour.amount } : {}),
    ...(input.planPrices !== undefined ? { planPrices: await planPricesOf(t, input.planPrices, currency) } : {}),
    ...(input.taxRate !== undefined ? { taxRateBp: percentToBasisPoints(input.taxRate) } : {}),
    ...(input.minMinutes !== undefined ? { minMinutes: input.minMinutes } : {}),
    ...(input.maxMinutes !== undefined ? { maxMinutes: input.maxMinutes } : {}),
    ...(input.cutoffHours !== undefined ? { cutoffHours: input.cutoffHours } : {}),
    ...(input.cancellationHours !== undefined ? { cancellationHours: input.cancellationHours } : {}),
    ...(input.openingHours !== undefined ? { openingHours: input.openingHours } : {}),
    ...(input.hidden !== undefined ? { hidden: input.hidden } : {}),
  };
}

export async function createResource(t: TenantDb, billing: BillingSettingsView, input: ResourceInput, now: number): Promise<ResourceView> {
  checkDurations(input.minMinutes ?? null, input.maxMinutes ?? null);
  const columns = await columnsOf(t, input, billing.currency);
  const [row] = await t.db
    .insert(resources)
    .values({
      id: newId(),
      tenantId: t.tenantId,
      currency: billing.currency,
      taxRateBp: percentToBasisPoints(billing.defaultTaxRate),
      createdAt: now,
      updatedAt: now,
      ...(columns as { name: string; category: string; pricePerHourAmount: number }),
    })
    .returning();
  return resourceView(row!);
}

/** A resource of this community that is not deleted, or null. */
export async function resourceRow(t: TenantDb, id: string): Promise<Resource | null> {
  const [row] = await t.db
    .select()
    .from(resources)
    .where(and(eq(resources.tenantId, t.tenantId), eq(resources.id, id), isNull(resources.deletedAt)))
    .limit(1);
  return row ?? null;
}

/** A resource of this community that is not deleted, with whether an admin hid it from `userId` (one query), or null. */
/** The resource of `resourceForMember` with whether an admin hid it from that member (one query, built once). */
const resourceForMemberStatement = preparedQuery((db) => {
  const tenantId = sql.placeholder("tenantId");
  return db
    .select({
      row: resources,
      hiddenForMember: sql<number>`exists (select 1 from ${hiddenResources} where ${hiddenResources.tenantId} = ${tenantId} and ${hiddenResources.userId} = ${sql.placeholder("userId")} and ${hiddenResources.resourceId} = ${resources.id})`,
    })
    .from(resources)
    .where(and(eq(resources.tenantId, tenantId), eq(resources.id, sql.placeholder("id")), isNull(resources.deletedAt)))
    .limit(1)
    .prepare();
});

export function resourceForMemberQuery(t: TenantDb, id: string, userId: string) {
  return resourceForMemberStatement(t.db).all({ tenantId: t.tenantId, id, userId });
}

/** What `resourceForMemberQuery` answers, as the resource and whether an admin hid it from that member. */
export function resourceForMemberOf(found: { row: Resource; hiddenForMember: number } | undefined): { row: Resource; hiddenForMember: boolean } | null {
  return found ? { row: found.row, hiddenForMember: Boolean(found.hiddenForMember) } : null;
}

export async function resourceForMember(t: TenantDb, id: string, userId: string): Promise<{ row: Resource; hiddenForMember: boolean } | null> {
  const [found] = await resourceForMemberQuery(t, id, userId);
  return resourceForMemberOf(found);
}

/** Whether an admin hid this resource from this member. */
export async function hiddenFor(t: TenantDb, userId: string, resourceId: string): Promise<boolean> {
  const [row] = await t.db
    .select({ id: hiddenResources.resourceId })
    .from(hiddenResources)
    .where(and(eq(hiddenResources.tenantId, t.tenantId), eq(hiddenResources.userId, userId), eq(hiddenResources.resourceId, resourceId)))
    .limit(1);
  return row !== undefined;
}

/** The resource `userId` may see (404 when unknown, deleted, hidden, or hidden for that member); `all` (admins) sees hidden ones. */
export async function visibleResource(t: TenantDb, id: string, viewer: { userId: string; all: boolean }): Promise<Resource> {
  const row = await resourceRow(t, id);
  if (!row) throw notFound("No such resource.");
  if (!viewer.all && (row.hidden || (await hiddenFor(t, viewer.userId, row.id)))) throw notFound("No such resource.");
  return row;
}

/** The resources a viewer may book, by category then name (`all`: every resource, hidden ones too). */
export async function listResources(t: TenantDb, viewer: { userId: string; all: boolean }): Promise<ResourceView[]> {
  const hiddenForViewer = t.db
    .select({ x: sql`1` })
    .from(hiddenResources)
    .where(and(eq(hiddenResources.tenantId, t.tenantId), eq(hiddenResources.userId, viewer.userId), eq(hiddenResources.resourceId, resources.id)));
  const rows = await t.db
    .select()
    .from(resources)
    .where(and(eq(resources.tenantId, t.tenantId), isNull(resources.deletedAt), ...(viewer.all ? [] : [eq(resources.hidden, false), notExists(hiddenForViewer)])))
    .orderBy(asc(resources.category), asc(resources.name), asc(resources.id))
    .limit(1000);
  return rows.map(resourceView);
}

export async function updateResource(t: TenantDb, id: string, patch: ResourcePatch, now: number): Promise<ResourceView> {
  const current = await resourceRow(t, id);
  if (!current) throw notFound("No such resource.");
  checkDurations(patch.minMinutes !== undefined ? patch.minMinutes : current.minMinutes, patch.maxMinutes !== undefined ? patch.maxMinutes : current.maxMinutes);
  const columns = await columnsOf(t, patch, current.currency);
  const [row] = await t.db
    .update(resources)
    .set({ ...columns, updatedAt: now })
    .where(and(eq(resources.tenantId, t.tenantId), eq(resources.id, id), isNull(resources.deletedAt)))
    .returning();
  if (!row) throw notFound("No such resource.");
  return resourceView(row);
}

/**
 * Deletes a resource: 409 `resource_in_use` while a booking of it has not ended. One conditional
 * update, so a booking made at the same moment either lands first (and the delete is refused) or
 * finds the resource gone (404).
 */
export async function deleteResource(t: TenantDb, id: string, now: number): Promise<void> {
  const future = t.db
    .select({ x: sql`1` })
    .from(bookings)
    .where(and(eq(bookings.resourceId, resources.id), gt(bookings.toMs, now)));
  // An event holding it (branch ev-api) counts as a booking to come until it ends or is canceled.
  const held = t.db
    .select({ x: sql`1` })
    .from(events)
    .where(and(eq(events.resourceId, resources.id), isNull(events.canceledAt), gt(events.endsMs, now)));
  const done = await t.db
    .update(resources)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(eq(resources.tenantId, t.tenantId), eq(resources.id, id), isNull(resources.deletedAt), notExists(future), notExists(held)))
    .returning({ id: resources.id });
  if (done.length > 0) return;
  if (!(await resourceRow(t, id))) throw notFound("No such resource.");
  throw conflict("resource_in_use", "This resource has bookings to come; cancel them first.");
}

/**
 * Checks a picture under the branding's rules (a cover image: PNG, JPEG, WebP or GIF from its
 * bytes, 5 MiB; 413, 415, 422), stores it in R2 by content hash and sets it on the resource:
 * what `PUT /api/v1/resources/{id}/image` and the admin's form both do.
 */
export async function storeResourceImage(t: TenantDb, bucket: R2Bucket, id: string, bytes: Uint8Array<ArrayBuffer>, now: number): Promise<ResourceView> {
  if (!(await resourceRow(t, id))) throw notFound("No such resource.");
  const key = await storeImage(bucket, `tenants/${t.tenantId}/resources/${id}/image`, bytes, checkAsset("cover", bytes));
  return setResourceImage(t, id, key, now);
}

/** Sets a resource's picture (already checked and stored by the caller under the community's prefix). */
export async function setResourceImage(t: TenantDb, id: string, key: string, now: number): Promise<ResourceView> {
  const [row] = await t.db
    .update(resources)
    .set({ imageKey: key, updatedAt: now })
    .where(and(eq(resources.tenantId, t.tenantId), eq(resources.id, id), isNull(resources.deletedAt)))
    .returning();
  if (!row) throw notFound("No such resource.");
  return resourceView(row);
}

export const hiddenResourcesInput = z.strictObject({
  resourceIds: z.array(z.string().min(1).max(64)).max(1000, msg("field.too_many", { max: 1000 })),
});

async function assertMember(t: TenantDb, userId: string): Promise<void> {
  const [row] = await t.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId))).limit(1);
  if (!row) throw notFound("No such member.");
}

/** The resources hidden from one member (admins). */
export async function hiddenResourcesOf(t: TenantDb, userId: string): Promise<string[]> {
  await assertMember(t, userId);
  const rows = await t.db
    .select({ id: hiddenResources.resourceId })
    .from(hiddenResources)
    .innerJoin(resources, eq(resources.id, hiddenResources.resourceId))
    .where(and(eq(hiddenResources.tenantId, t.tenantId), eq(hiddenResources.userId, userId), isNull(resources.deletedAt)))
    .orderBy(asc(hiddenResources.resourceId));
  return rows.map((r) => r.id);
}

/** Replaces the resources hidden from one member (422 naming an unknown resource). */
export async function setHiddenResources(t: TenantDb, userId: string, resourceIds: string[]): Promise<string[]> {
  await assertMember(t, userId);
  const wanted = [...new Set(resourceIds)];
  if (wanted.length > 0) {
    const rows = await t.db
      .select({ id: resources.id })
      .from(resources)
      .where(and(eq(resources.tenantId, t.tenantId), inArray(resources.id, wanted), isNull(resources.deletedAt)));
    const unknown = wanted.findIndex((id) => !rows.some((r) => r.id === id));
    if (unknown >= 0) throw invalid({ [`resourceIds.${resourceIds.indexOf(wanted[unknown]!)}`]: msg("field.unknown") });
  }
  const rows = wanted.map((resourceId) => ({ tenantId: t.tenantId, userId, resourceId }));
  const chunks: (typeof rows)[] = [];
  for (let i = 0; i < rows.length; i += 30) chunks.push(rows.slice(i, i + 30));
  await t.db.batch([
    t.db.delete(hiddenResources).where(and(eq(hiddenResources.tenantId, t.tenantId), eq(hiddenResources.userId, userId))),
    ...chunks.map((chunk) => t.db.insert(hiddenResources).values(chunk)),
  ]);
  return wanted.sort();
}

/** The form on a member's admin page: every resource (hidden ones too) and those hidden from this member (404 for an unknown member). */
export async function hiddenResourceChoices(t: TenantDb, userId: string): Promise<HiddenResourcesView> {
  const [hiddenIds, all] = await Promise.all([hiddenResourcesOf(t, userId), listResources(t, { userId, all: true })]);
  return { userId, hiddenIds, resources: all.map((r) => ({ id: r.id, name: r.name, category: r.category, hidden: r.hidden })) };
}
