import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { atomic, directoryDb, tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { tenants, users, webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "../db/schema";
import type { Bindings } from "../env";
import { enqueueMailAfterChange } from "../mail/outbox";
import { mailLang, tenantBrand, webhookDisabledMail } from "../mail/templates";
import { platformUrl } from "../tenancy/hosts";
import { forgetEnabledWebhooks, openWebhookSecret, webhookConfig } from "./service";
import { refuseUrl, type UrlRules } from "./url";

// The webhooks' outbox drained: each due delivery claimed by one conditional UPDATE (two
// drains never send the same one), signed per Standard Webhooks, POSTed without following
// redirects and with a 10 s timeout, then marked delivered, or retried on the Standard
// Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 8 attempts over 27 h 35 min),
// each attempt kept for the log. An endpoint failing for 5 days is disabled and the
// community's owner emailed (same batch); a success clears the failure streak.

/** The wait after the n-th failed attempt of a round (n = 1…7); after the 8th the delivery fails. */
export const RETRY_SCHEDULE_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000] as const;
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** An endpoint whose failures started this long ago (and never succeeded since) is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;
/** How long a claimed delivery stays claimed: longer than a batch of attempts takes. */
const CLAIM_MS = 5 * 60_000;
const CLAIM_BATCH = 40;
const CONCURRENCY = 8;

export type WebhookFetch = (url: string, init: RequestInit) => Promise<Response>;

let fetchForTests: WebhookFetch | null = null;
/** Tests only: the receivers (null: the real `fetch`). */
export function setWebhookFetchForTests(f: WebhookFetch | null): void {
  fetchForTests = f;
}

export type WebhookDeliveryReport = { delivered: number; retried: number; failed: number; disabled: number };

type Outcome = { ok: boolean; statusCode: number | null; error: string | null; durationMs: number };

/** The Standard Webhooks headers of one attempt, signed at `sentAt` (the real time: receivers compare it with their clock). */
export function signedHeaders(secret: string, id: string, payload: string, sentAt: Date): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "edge-communities-webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, sentAt, payload),
  };
}

async function attempt(delivery: WebhookDelivery, endpoint: WebhookEndpoint, secret: string | null, rules: UrlRules, send: WebhookFetch, timeoutMs: number): Promise<Outcome> {
  const started = Date.now();
  const done = (o: Omit<Outcome, "durationMs">): Outcome => ({ ...o, durationMs: Date.now() - started });
  if (!secret) return done({ ok: false, statusCode: null, error: "The signing secret does not open (SECRETS_KEY changed?)." });
  // Checked again at each attempt: a name can change what it resolves to.
  const refusal = await refuseUrl(endpoint.url, rules);
  if (refusal) return done({ ok: false, statusCode: null, error: `Address refused (${refusal}).` });
  try {
    const res = await send(endpoint.url, {
      method: "POST",
      headers: signedHeaders(secret, delivery.id, delivery.payload, new Date()),
      body: delivery.payload,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return done({ ok: true, statusCode: res.status, error: null });
    if (res.status >= 300 && res.status < 400) return done({ ok: false, statusCode: res.status, error: `Redirect (HTTP ${res.status}) not followed.` });
    return done({ ok: false, statusCode: res.status, error: `HTTP ${res.status}.` });
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (name === "TimeoutError" || name === "AbortError") return done({ ok: false, statusCode: null, error: `No answer within ${timeoutMs / 1000} s.` });
    return done({ ok: false, statusCode: null, error: String(err instanceof Error ? err.message : err).slice(0, 300) || "Network error." });
  }
}

/** The statements that record one attempt's outcome, and disable the endpoint (with the owner's email) when its failures have lasted 5 days. */
async function recordOutcome(env: Bindings, t: TenantDb, delivery: WebhookDelivery, endpoint: WebhookEndpoint, outcome: Outcome, now: number): Promise<boolean> {
  const log = t.db.insert(webhookAttempts).values({ id: newId(), tenantId: t.tenantId, deliveryId: delivery.id, attemptedAt: now, statusCode: outcome.statusCode, ok: outcome.ok, error: outcome.error, durationMs: outcome.durationMs });
  const mine = and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, "sending"));
  const endpointRow = and(eq(webhookEndpoints.tenantId, t.tenantId), eq(webhookEndpoints.id, endpoint.id));
  if (outcome.ok) {
    await t.db.batch([
      log,
      t.db.update(webhookDeliveries).set({ status: "delivered", deliveredAt: now, claimedUntil: null, lastError: null }).where(mine),
      t.db.update(webhookEndpoints).set({ failingSince: null }).where(endpointRow),
    ]);
    return false;
  }
  const final = delivery.attempts >= MAX_ATTEMPTS;
  const statements = [
    log,
    t.db
      .update(webhookDeliveries)
      .set({ status: final ? "failed" : "pending", claimedUntil: null, lastError: outcome.error, ...(final ? {} : { nextAttemptAt: now + RETRY_SCHEDULE_MS[delivery.attempts - 1]! }) })
      .where(mine),
    t.db.update(webhookEndpoints).set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now})` }).where(endpointRow),
  ];
  const failingSince = endpoint.failingSince ?? now;
  if (now - failingSince < DISABLE_AFTER_MS) {
    await t.db.batch([statements[0]!, ...statements.slice(1)]);
    return false;
  }
  // Five days of failures: disabled (once, whichever drain gets there first), the owner told
  // in the same batch, and what was still queued for it failed.
  const disable = t.db
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: "failures", disabledAt: now, updatedAt: now })
    .where(and(endpointRow, eq(webhookEndpoints.enabled, true), lte(webhookEndpoints.failingSince, now - DISABLE_AFTER_MS)));
  const mail = await ownerMail(env, t, endpoint.url);
  const results = await atomic(t, [
    ...statements,
    disable,
    ...(mail ? [enqueueMailAfterChange(t, mail, now)] : []),
    t.db
      .update(webhookDeliveries)
      .set({ status: "failed", lastError: "The webhook was disabled after 5 days of failures." })
      .where(and(eq(webhookDeliveries.tenantId, t.tenantId), eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.status, "pending"))),
  ]);
  forgetEnabledWebhooks(t.tenantId);
  return (results[3]?.meta.changes ?? 0) === 1;
}

async function ownerMail(env: Bindings, t: TenantDb, webhookUrl: string) {
  const [tenant] = await t.db.select().from(tenants).where(eq(tenants.id, t.tenantId));
  const [owner] = await t.db
    .select({ email: users.email, language: users.language })
    .from(users)
    .where(and(eq(users.tenantId, t.tenantId), eq(users.tenantRole, "owner"), eq(users.status, "active")))
    .orderBy(asc(users.createdAt))
    .limit(1);
  if (!tenant || !owner) return null;
  const base = platformUrl(env, tenant.subdomain);
  return webhookDisabledMail(mailLang(owner.language, tenant.defaultLanguage), { brand: tenantBrand(env, tenant), to: owner.email, community: tenant.name, webhookUrl, url: `${base}/admin/integrations` });
}

/**
 * Sends what is due at `now` (for one tenant when `tenantId` is given), a claimed batch at a
 * time, until nothing is due, `limit` deliveries were handled or the time budget is spent.
 */
export async function deliverWebhooks(
  env: Bindings,
  opts: { now: number; tenantId?: string; limit?: number; budgetMs?: number; fetch?: WebhookFetch; timeoutMs?: number },
): Promise<WebhookDeliveryReport> {
  const { now } = opts;
  const limit = opts.limit ?? 500;
  const deadline = Date.now() + (opts.budgetMs ?? 20_000);
  const send = opts.fetch ?? fetchForTests ?? ((url, init) => fetch(url, init));
  const config = webhookConfig(env);
  const db = directoryDb(env);
  const report: WebhookDeliveryReport = { delivered: 0, retried: 0, failed: 0, disabled: 0 };
  const tenantScope = opts.tenantId ? eq(webhookDeliveries.tenantId, opts.tenantId) : undefined;
  const due = or(
    and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)),
    and(eq(webhookDeliveries.status, "sending"), lt(webhookDeliveries.claimedUntil, now)),
  );
  const disabledEndpoints = db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.enabled, false));
  // Deliveries queued for an endpoint that was disabled meanwhile are not sent ("send again" once it is enabled).
  await db
    .update(webhookDeliveries)
    .set({ status: "failed", claimedUntil: null, lastError: "The webhook is disabled." })
    .where(and(tenantScope, due, inArray(webhookDeliveries.endpointId, disabledEndpoints)));

  let handled = 0;
  while (handled < limit && Date.now() < deadline) {
    const picked = db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(tenantScope, due))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(Math.min(CLAIM_BATCH, limit - handled));
    const claimed = await db
      .update(webhookDeliveries)
      .set({ status: "sending", claimedUntil: now + CLAIM_MS, attempts: sql`${webhookDeliveries.attempts} + 1` })
      .where(and(inArray(webhookDeliveries.id, picked), due))
      .returning();
    if (claimed.length === 0) break;
    handled += claimed.length;
    const endpointIds = [...new Set(claimed.map((d) => d.endpointId))];
    const endpoints = new Map((await db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, endpointIds))).map((e) => [e.id, e]));
    const secrets = new Map<string, string | null>();
    for (const e of endpoints.values()) {
      secrets.set(e.id, config.secretsKey ? await openWebhookSecret(tenantDb(env, { id: e.tenantId }), config.secretsKey, e).catch(() => null) : null);
    }
    for (let i = 0; i < claimed.length; i += CONCURRENCY) {
      await Promise.all(
        claimed.slice(i, i + CONCURRENCY).map(async (delivery) => {
          const endpoint = endpoints.get(delivery.endpointId);
          if (!endpoint) return; // deleted meanwhile: its deliveries went with it
          const t = tenantDb(env, { id: delivery.tenantId });
          const outcome = await attempt(delivery, endpoint, secrets.get(endpoint.id) ?? null, config.urls, send, opts.timeoutMs ?? ATTEMPT_TIMEOUT_MS);
          // A failure to record (the endpoint deleted meanwhile) leaves the claim to lapse.
          const disabled = await recordOutcome(env, t, delivery, endpoint, outcome, now).catch((err: unknown) => {
            console.error("webhook attempt not recorded", err);
            return false;
          });
          if (outcome.ok) report.delivered++;
          else if (delivery.attempts >= MAX_ATTEMPTS) report.failed++;
          else report.retried++;
          if (disabled) report.disabled++;
        }),
      );
    }
  }
  return report;
}

/** Whether anything is due for a tenant at `now` (cheap: the due index). */
export async function webhooksDue(env: Bindings, now: number, tenantId?: string): Promise<boolean> {
  const [row] = await directoryDb(env)
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(tenantId ? eq(webhookDeliveries.tenantId, tenantId) : undefined, eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now), isNull(webhookDeliveries.claimedUntil)))
    .limit(1);
  return !!row;
}
