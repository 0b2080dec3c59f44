import { and, desc, eq, inArray, lt, ne, or } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import { chunkRows, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { ReadCache } from "../db/read-cache";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookAttempt, type WebhookDelivery, type WebhookEndpoint } from "../db/schema";
import type { Bindings } from "../env";
import { cursorKind, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { ApiError, conflict, notFound } from "../http/errors";
import { FOREVER_MS, release, reserveOrThrow, type Limit } from "../http/limits";
import { secretsKeyOf, seal, unseal } from "../invoices/sealed";
import { isWebhookEventType, type WebhookEventType } from "./events";
import type { WebhookAttemptView, WebhookDeliveryView, WebhookView } from "./types";
import { dohResolver, refuseUrl, type Resolver, type UrlRules } from "./url";

// A community's webhook endpoints (owners and admins manage them: routes.ts and the
// /admin/integrations page call these), their signing secrets and their delivery log.

/** What the webhook functions need from the deployment: the key that seals secrets, and the URL rules. */
export type WebhookConfig = { secretsKey: string | null; urls: UrlRules };

let resolverForTests: Resolver | null = null;
/** Tests only: answers DNS questions without the network (null: back to DNS over HTTPS). */
export function setWebhookResolverForTests(resolve: Resolver | null): void {
  resolverForTests = resolve;
}

export function webhookConfig(env: Pick<Bindings, "ENVIRONMENT" | "SECRETS_KEY">): WebhookConfig {
  return { secretsKey: secretsKeyOf(env), urls: { development: env.ENVIRONMENT === "development", resolve: resolverForTests ?? dohResolver } };
}

const MAX_URL = 2000;
const webhookUrl = z.string({ error: "field.required" }).trim().min(1, "field.required").max(MAX_URL, msg("field.too_long", { max: MAX_URL }));
const eventList = z
  .array(z.string({ error: "field.invalid" }).max(100, msg("field.too_long", { max: 100 })), { error: "field.required" })
  .min(1, "field.required")
  .max(50, msg("field.too_many", { max: 50 }));

export const webhookInput = z.strictObject({ url: webhookUrl, events: eventList });
export const webhookPatch = z.strictObject({ url: webhookUrl.optional(), events: eventList.optional(), enabled: z.boolean({ error: "field.invalid" }).optional() });
export type WebhookInput = z.output<typeof webhookInput>;
export type WebhookPatch = z.output<typeof webhookPatch>;

/** `whsec_` + base64 of 32 random bytes (the Standard Webhooks secret format). */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return `whsec_${btoa(s)}`;
}

/** Sealed for this tenant and this endpoint: a value copied to another row does not open. */
const secretContext = (t: TenantDb, endpointId: string) => ({ tenantId: t.tenantId, purpose: `webhook_secret:${endpointId}` });

function requireSecretsKey(config: WebhookConfig): string {
  if (!config.secretsKey) throw conflict("webhooks_unavailable", "Webhooks need the deployment's SECRETS_KEY to store their signing secrets.");
  return config.secretsKey;
}

export async function sealWebhookSecret(t: TenantDb, config: WebhookConfig, endpointId: string, secret: string): Promise<string> {
  return seal(requireSecretsKey(config), secretContext(t, endpointId), secret);
}

/** The endpoint's signing secret (`whsec_…`); throws SealedError when it does not open. */
export async function openWebhookSecret(t: TenantDb, secretsKey: string, endpoint: Pick<WebhookEndpoint, "id" | "secretSealed">): Promise<string> {
  return unseal(secretsKey, secretContext(t, endpoint.id), endpoint.secretSealed);
}

function knownTypes(events: string[]): WebhookEventType[] {
  const unknown = events.filter((e) => !isWebhookEventType(e));
  if (unknown.length) throw new ApiError(422, "unknown_event_type", `Unknown event type: ${unknown.join(", ")}.`, { events: msg("webhooks.field.unknown_event_type", { types: unknown.join(", ") }) });
  return [...new Set(events)] as WebhookEventType[];
}

/** 422 with `fields.url` when the URL may not receive webhooks (see url.ts). */
export async function assertWebhookUrl(config: WebhookConfig, url: string): Promise<void> {
  const refusal = await refuseUrl(url, config.urls);
  if (refusal) throw new ApiError(422, "validation_failed", "This URL cannot receive webhooks.", { url: msg(`webhooks.url.${refusal}`) });
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function webhookView(row: WebhookEndpoint): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events.filter(isWebhookEventType),
    enabled: row.enabled,
    disabledReason: row.disabledReason === "failures" ? "failures" : null,
    failingSince: isoOrNull(row.failingSince),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

const idOk = (id: string) => id.length > 0 && id.length <= 64;

async function findEndpoint(t: TenantDb, id: string): Promise<WebhookEndpoint> {
  const [row] = idOk(id) ? await t.db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, t.tenantId), eq(webhookEndpoints.id, id))) : [];
  if (!row) throw notFound("No such webhook.");
  return row;
}

/** The community's endpoints, oldest first. */
export async function listWebhooks(t: TenantDb): Promise<WebhookView[]> {
  const rows = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, t.tenantId)).orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
  return rows.map(webhookView);
}

export async function getWebhook(t: TenantDb, id: string): Promise<WebhookView> {
  return webhookView(await findEndpoint(t, id));
}

/**
 * Per isolate: whether a community has an enabled endpoint, so the check after every write
 * (`deliverWebhooksAfterWrites`) reads nothing for the many communities without one. Forgotten by
 * every endpoint write in this isolate; other isolates see a new endpoint within READ_TTL_MS
 * (meanwhile its deliveries leave with the cron, as every due delivery does).
 */
const enabledEndpoints = new ReadCache<boolean>();

export async function hasEnabledWebhook(t: TenantDb): Promise<boolean> {
  return enabledEndpoints.getOrLoad(t.tenantId, async () => {
    const [row] = await t.db
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.tenantId, t.tenantId), eq(webhookEndpoints.enabled, true)))
      .limit(1);
    return row !== undefined;
  });
}

/** After a write to a community's endpoints (created, enabled or disabled, deleted). */
export function forgetEnabledWebhooks(tenantId: string): void {
  enabledEndpoints.delete(tenantId);
}

/** After a write that left an enabled endpoint (created, enabled): known at once, no read needed. */
function knowEnabledWebhook(tenantId: string): void {
  enabledEndpoints.delete(tenantId); // a load under way must not store its older answer
  enabledEndpoints.set(tenantId, true);
}

/** Endpoints a community may have at once (each event fans out to every subscribed one). */
export const MAX_WEBHOOKS = 20;
const endpointCap = (t: TenantDb): Limit => ({ key: `webhooks:${t.tenantId}:endpoints`, max: MAX_WEBHOOKS, windowMs: FOREVER_MS });

/** A new endpoint, enabled; its secret is returned here and at rotation only. 429 `too_many_webhooks` beyond {@link MAX_WEBHOOKS}. */
export async function createWebhook(t: TenantDb, config: WebhookConfig, actorId: string | null, input: WebhookInput, now: number): Promise<{ webhook: WebhookView; secret: string }> {
  const events = knownTypes(input.events);
  requireSecretsKey(config);
  await assertWebhookUrl(config, input.url);
  const id = newId();
  const secret = newWebhookSecret();
  const secretSealed = await sealWebhookSecret(t, config, id, secret);
  await reserveOrThrow(t.d1, [endpointCap(t)], `A community can have at most ${MAX_WEBHOOKS} webhooks.`, { code: "too_many_webhooks" });
  try {
    const [row] = await t.db
      .insert(webhookEndpoints)
      .values({ id, tenantId: t.tenantId, url: input.url, events, enabled: true, secretSealed, createdBy: actorId, createdAt: now, updatedAt: now })
      .returning();
    knowEnabledWebhook(t.tenantId);
    return { webhook: webhookView(row!), secret };
  } catch (err) {
    await release(t.d1, [endpointCap(t)]);
    throw err;
  }
}

/**
 * Changes the URL, the event types or the switch. Enabling again clears the failure streak
 * (and the product's reason for disabling it); deliveries queued meanwhile were failed.
 */
export async function updateWebhook(t: TenantDb, config: WebhookConfig, id: string, patch: WebhookPatch, now: number): Promise<WebhookView> {
  const current = await findEndpoint(t, id);
  const events = patch.events === undefined ? undefined : knownTypes(patch.events);
  if (patch.url !== undefined && patch.url !== current.url) await assertWebhookUrl(config, patch.url);
  const enabling = patch.enabled === true && !current.enabled;
  const disabling = patch.enabled === false && current.enabled;
  const [row] = await t.db
    .update(webhookEndpoints)
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(events ? { events } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(enabling ? { failingSince: null, disabledReason: null, disabledAt: null } : {}),
      ...(disabling ? { disabledAt: now, disabledReason: null } : {}),
      updatedAt: now,
    })
    .where(and(eq(webhookEndpoints.tenantId, t.tenantId), eq(webhookEndpoints.id, id)))
    .returning();
  if (row?.enabled) knowEnabledWebhook(t.tenantId);
  else forgetEnabledWebhooks(t.tenantId);
  if (!row) throw notFound("No such webhook.");
  return webhookView(row);
}

/** Removes the endpoint with its deliveries and their attempts. */
export async function deleteWebhook(t: TenantDb, id: string): Promise<void> {
  const gone = idOk(id) ? await t.db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, t.tenantId), eq(webhookEndpoints.id, id))).returning({ id: webhookEndpoints.id }) : [];
  forgetEnabledWebhooks(t.tenantId);
  if (gone.length === 0) throw notFound("No such webhook.");
  await release(t.d1, [endpointCap(t)]);
}

/** A new secret: the old one stops signing at once (attempts already under way excepted). */
export async function rotateWebhookSecret(t: TenantDb, config: WebhookConfig, id: string, now: number): Promise<{ secret: string }> {
  await findEndpoint(t, id);
  const secret = newWebhookSecret();
  const sealed = await sealWebhookSecret(t, config, id, secret);
  const changed = await t.db
    .update(webhookEndpoints)
    .set({ secretSealed: sealed, updatedAt: now })
    .where(and(eq(webhookEndpoints.tenantId, t.tenantId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  if (changed.length === 0) throw notFound("No such webhook.");
  return { secret };
}

const ATTEMPTS_SHOWN = 20;

export function attemptView(a: WebhookAttempt): WebhookAttemptView {
  return { id: a.id, attemptedAt: iso(a.attemptedAt), statusCode: a.statusCode, ok: a.ok, error: a.error, durationMs: a.durationMs };
}

function deliveryView(d: WebhookDelivery, attempts: WebhookAttempt[]): WebhookDeliveryView {
  return {
    id: d.id,
    webhookId: d.endpointId,
    eventId: d.eventId,
    type: d.type,
    status: d.status,
    payload: JSON.parse(d.payload) as WebhookDeliveryView["payload"],
    createdAt: iso(d.createdAt),
    deliveredAt: isoOrNull(d.deliveredAt),
    nextAttemptAt: d.status === "pending" ? iso(d.nextAttemptAt) : null,
    lastError: d.lastError,
    attempts: attempts.map(attemptView),
  };
}

async function withAttempts(t: TenantDb, rows: WebhookDelivery[]): Promise<WebhookDeliveryView[]> {
  const byDelivery = new Map<string, WebhookAttempt[]>();
  for (const ids of chunkRows(rows.map((r) => r.id), 1, 90)) {
    const attempts = await t.db
      .select()
      .from(webhookAttempts)
      .where(and(eq(webhookAttempts.tenantId, t.tenantId), inArray(webhookAttempts.deliveryId, ids)))
      .orderBy(desc(webhookAttempts.attemptedAt), desc(webhookAttempts.id));
    for (const a of attempts) {
      const list = byDelivery.get(a.deliveryId) ?? [];
      if (list.length < ATTEMPTS_SHOWN) list.push(a);
      byDelivery.set(a.deliveryId, list);
    }
  }
  return rows.map((r) => deliveryView(r, byDelivery.get(r.id) ?? []));
}

const deliveriesCursor = cursorKind("webhook_deliveries", z.strictObject({ c: z.number().int(), i: z.string().max(64) }));

/** The endpoint's deliveries, newest first, each with its last attempts (the delivery log). */
export async function listDeliveries(t: TenantDb, webhookId: string, page: { limit: number; cursor: string | null }): Promise<{ items: WebhookDeliveryView[]; nextCursor: string | null }> {
  await findEndpoint(t, webhookId);
  const after = decodeOptionalCursor(deliveriesCursor, page.cursor);
  const rows = await t.db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, t.tenantId),
        eq(webhookDeliveries.endpointId, webhookId),
        after ? or(lt(webhookDeliveries.createdAt, after.c), and(eq(webhookDeliveries.createdAt, after.c), lt(webhookDeliveries.id, after.i))) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items: await withAttempts(t, items), nextCursor: rows.length > page.limit && last ? encodeCursor(deliveriesCursor, { c: last.createdAt, i: last.id }) : null };
}

export async function getDelivery(t: TenantDb, deliveryId: string): Promise<WebhookDeliveryView> {
  const [row] = idOk(deliveryId) ? await t.db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, t.tenantId), eq(webhookDeliveries.id, deliveryId))) : [];
  if (!row) throw notFound("No such delivery.");
  return (await withAttempts(t, [row]))[0]!;
}

/**
 * "Send again": the delivery (same id, same body) is due now, with a fresh round of
 * retries. 409 `delivery_in_progress` while an attempt is under way, 409
 * `webhook_disabled` when its endpoint is disabled (enable it first).
 */
export async function retryDelivery(t: TenantDb, deliveryId: string, now: number): Promise<WebhookDeliveryView> {
  const current = await getDelivery(t, deliveryId);
  const endpoint = await findEndpoint(t, current.webhookId);
  if (!endpoint.enabled) throw conflict("webhook_disabled", "The webhook is disabled: enable it first.");
  const changed = await t.db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now, claimedUntil: null, deliveredAt: null })
    .where(and(eq(webhookDeliveries.tenantId, t.tenantId), eq(webhookDeliveries.id, deliveryId), ne(webhookDeliveries.status, "sending")))
    .returning({ id: webhookDeliveries.id });
  if (changed.length === 0) throw conflict("delivery_in_progress", "This delivery is being sent right now.");
  return getDelivery(t, deliveryId);
}
