import { sql, type SQL } from "drizzle-orm";
import { newId } from "../db/ids";
import { statementOf, type TenantDb } from "../db/client";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import { webhookPayload } from "./emit";
import type { WebhookEventType } from "./types";

// Emission sites of branch hooks-emit: the `data` shared by several sites, and the bulk form
// of `webhookEvent` for changes that touch many rows at once (an invoice run, an import, an
// approval of a whole queue, the memberships' job), which must stay one statement per chunk.

/** `data` of `group.member_joined` and `group.join_requested` (contract: `{group: {id, slug}, member: {id, name}}`). */
export function groupMemberData(group: { id: string; slug: string }, member: { id: string; name: string }) {
  return { group: { id: group.id, slug: group.slug }, member: { id: member.id, name: member.name } };
}

/** One event of a bulk emission: its `data`, and `ref`, a value the guard can test as `json_extract(j.value, '$.r')`. */
/** `eventId`: a stable id for an event that may be written again (a retried batch): its rows are then written once. */
export type BulkEvent = { data: object; ref?: string | Record<string, string> | null; eventId?: string };

/** What a guard reads of the event being inserted: its `ref` (or the field `name` of an object `ref`). */
export const eventRef = sql.raw(`json_extract(j.value, '$.r')`);
export const eventRefField = (name: "g" | "u") => sql.raw(`json_extract(j.value, '$.r.${name}')`);

/** The guard of a bulk `group.member_joined`, put before the inserts: the person (`ref.u`) is not yet in the group (`ref.g`). */
export const notYetMember = sql`not exists (select 1 from memberships m where m.group_id = ${eventRefField("g")} and m.user_id = ${eventRefField("u")})`;

/** Bound parameter size of one bulk statement: far under D1's limits on a statement. */
const MAX_JSON_CHARS = 400_000;

/**
 * The events `type` with each item's `data`, for every enabled endpoint of the tenant
 * subscribed to `type`, as few `INSERT … SELECT … FROM json_each(?)` statements as fit D1's
 * limits (one for most changes): put them in the batch of the change. `guard` (SQL over
 * `eventRef`) keeps an event only when it holds, e.g. "this membership is still due", so a
 * statement placed before the change that it describes writes exactly the events of the rows
 * that change.
 */
export function webhookEvents(t: TenantDb, type: WebhookEventType, items: BulkEvent[], now: number, guard?: SQL): SQL[] {
  const chunks: string[][] = [];
  let size = 0;
  for (const item of items) {
    const row = JSON.stringify({ e: item.eventId ?? newId(), s: item.eventId !== undefined, p: webhookPayload(type, item.data, now), r: item.ref ?? null });
    if (!chunks.length || size + row.length > MAX_JSON_CHARS) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1]!.push(row);
    size += row.length + 1;
  }
  return chunks.map(
    (rows) => sql`insert into ${webhookDeliveries} (id, tenant_id, endpoint_id, event_id, type, payload, status, attempts, next_attempt_at, created_at)
    select case when json_extract(j.value, '$.s') then 'msg_' || json_extract(j.value, '$.e') || '_' || e.id else 'msg_' || lower(hex(randomblob(16))) end,
      e.tenant_id, e.id, json_extract(j.value, '$.e'), ${type}, json_extract(j.value, '$.p'), 'pending', 0, ${now}, ${now}
    from json_each(${"[" + rows.join(",") + "]"}) j, ${webhookEndpoints} e
    where e.tenant_id = ${t.tenantId} and e.enabled = 1
      and exists (select 1 from json_each(e.events) where json_each.value = ${type})${guard ? sql` and (${guard})` : sql``}
    on conflict (id) do nothing`,
  );
}

/** A webhook statement (or any SQL) as a D1 prepared statement, for the sites that batch with `t.d1.batch`. */
export function prepared(t: TenantDb, item: SQL | { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  return statementOf(t.d1, item);
}

/**
 * Whether an enabled endpoint of the community wants `type`: a bulk change (a job, a run)
 * asks first and builds no event `data` when none does. An endpoint created meanwhile misses
 * that one change, as it would had it been created just after.
 */
export async function subscribed(t: TenantDb, type: WebhookEventType): Promise<boolean> {
  const row = await t.d1
    .prepare("select 1 as one from webhook_endpoints e where e.tenant_id = ?1 and e.enabled = 1 and exists (select 1 from json_each(e.events) where json_each.value = ?2) limit 1")
    .bind(t.tenantId, type)
    .first();
  return row !== null;
}

/**
 * One event whose `data` has values only the batch knows (a status decided by the insert, a
 * count after it): `data` is built with `fill(name)` placeholders, each replaced in SQL by the
 * JSON of `fills[name]` (a scalar subquery run after the change), and the event is kept only
 * when `guard` holds (e.g. "the row this batch inserted exists").
 */
export function webhookEventFilled<K extends string>(t: TenantDb, type: WebhookEventType, build: (fill: (name: K) => string) => object, fills: Record<K, SQL>, now: number, guard: SQL): SQL {
  const nonce = newId(12);
  const mark = (name: string) => `@@${nonce}:${name}@@`;
  let payload: SQL = sql`${webhookPayload(type, build(mark as (name: K) => string), now)}`;
  for (const [name, value] of Object.entries(fills) as [string, SQL][]) payload = sql`replace(${payload}, ${JSON.stringify(mark(name))}, json_quote((${value})))`;
  return sql`insert into ${webhookDeliveries} (id, tenant_id, endpoint_id, event_id, type, payload, status, attempts, next_attempt_at, created_at)
    select 'msg_' || lower(hex(randomblob(16))), e.tenant_id, e.id, ${newId()}, ${type}, ${payload}, 'pending', 0, ${now}, ${now}
    from ${webhookEndpoints} e
    where e.tenant_id = ${t.tenantId} and e.enabled = 1
      and exists (select 1 from json_each(e.events) where json_each.value = ${type}) and (${guard})`;
}
