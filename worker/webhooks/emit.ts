import { sql, type SQL } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import type { WebhookEventType } from "./types";

/** The body every attempt of a delivery sends (Standard Webhooks): built once, stored as sent. */
export function webhookPayload(type: WebhookEventType, data: object, now: number): string {
  return JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
}

/** The statement: a query builder, so it goes in `t.db.batch([...])` and in `atomic(t, [...])` alike. */
export type WebhookStatement = ReturnType<typeof insertDeliveries>;

function insertDeliveries(t: TenantDb, type: WebhookEventType, data: object, now: number, guard: SQL, eventId = newId()) {
  // One row per enabled endpoint of this tenant subscribed to `type`; the row's id is the
  // `webhook-id` (made here by SQLite, one per row), the same for every retry of it. The
  // select lists every column of webhook_deliveries in the table's order (drizzle's
  // insert … select with raw SQL inserts into all columns).
  return t.db.insert(webhookDeliveries).select(sql`select 'msg_' || lower(hex(randomblob(16))), e.tenant_id, e.id, ${eventId}, ${type},
      ${webhookPayload(type, data, now)}, 'pending', 0, ${now}, null, null, ${now}, null
    from ${webhookEndpoints} e
    where e.tenant_id = ${t.tenantId} and e.enabled = 1
      and exists (select 1 from json_each(e.events) where json_each.value = ${type})${guard}`);
}

/**
 * ONE statement that queues the event `type` with `data` for every enabled endpoint of the
 * tenant subscribed to it (an `INSERT … SELECT` over the endpoints, nothing read before):
 * put it in the same D1 batch as the change it describes, so both land or neither does.
 * The body `{type, timestamp, data}` is stored as it will be sent; `timestamp` is `now`.
 */
export function webhookEvent(t: TenantDb, type: WebhookEventType, data: object, now: number): WebhookStatement {
  return insertDeliveries(t, type, data, now, sql``);
}

/**
 * The same, only when the statement just before it in the batch changed exactly one row
 * (SQLite's `changes()`, like `enqueueMailAfterChange`): a change that lost a race (a
 * conditional update that matched nothing) emits nothing. Put it right after that statement;
 * a second event after the same change must use its own guard (`changes()` then counts this
 * insert's rows).
 */
export function webhookEventAfterChange(t: TenantDb, type: WebhookEventType, data: object, now: number): WebhookStatement {
  return insertDeliveries(t, type, data, now, sql` and changes() = 1`);
}

/** The SQL of `webhookEventAfterChange`'s statement, written once (its values are all bound). */
let afterChangeSql: string | undefined;

/**
 * `webhookEventAfterChange` as a D1 statement for `t.d1.batch([...])`, its SQL written once:
 * the same statement, for the hottest writes (a booking), without drizzle rebuilding it each time.
 */
export function webhookEventAfterChangeStatement(t: TenantDb, type: WebhookEventType, data: object, now: number): D1PreparedStatement {
  const eventId = newId();
  afterChangeSql ??= insertDeliveries(t, type, data, now, sql` and changes() = 1`, eventId).toSQL().sql;
  return t.d1.prepare(afterChangeSql).bind(...afterChangeParams(t, type, data, now, eventId));
}

/** Its bound values, in the order the SQL names them (emit.test.ts compares them with drizzle's). */
export function afterChangeParams(t: TenantDb, type: WebhookEventType, data: object, now: number, eventId: string): unknown[] {
  return [eventId, type, webhookPayload(type, data, now), now, now, t.tenantId, type];
}

/** drizzle's own statement for the same event (for the test that holds the two equal). */
export function webhookEventAfterChangeQuery(t: TenantDb, type: WebhookEventType, data: object, now: number, eventId: string): { sql: string; params: unknown[] } {
  return insertDeliveries(t, type, data, now, sql` and changes() = 1`, eventId).toSQL();
}
