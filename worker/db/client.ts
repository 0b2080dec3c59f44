import { fillPlaceholders, type SQL } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Bindings } from "../env";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema>;

/** A database handle bound to one tenant: repository functions take it first, so a query cannot forget its tenant. */
export type TenantDb = { readonly db: Database; readonly tenantId: string; readonly d1: D1Database };

const handles = new WeakMap<D1Database, Database>();

function database(d1: D1Database): Database {
  let db = handles.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    handles.set(d1, db);
  }
  return db;
}

/**
 * The only way feature code reaches a tenant's data. Today every tenant lives in
 * the one DB binding; a sharded deployment picks the database from the tenant here.
 */
export function tenantDb(env: Pick<Bindings, "DB">, tenant: { id: string }): TenantDb {
  return { db: database(env.DB), tenantId: tenant.id, d1: env.DB };
}

/** The host → tenant directory (tenants, domains), and cross-tenant jobs (cron). */
export function directoryDb(env: Pick<Bindings, "DB">): Database {
  return database(env.DB);
}

/**
 * A query built once per database handle (with `sql.placeholder(…)` for its arguments) and
 * run many times: drizzle builds a query's SQL on every call otherwise, which on the hottest
 * queries (the session of every request, a booking's reads) costs more CPU than the query.
 */
export function preparedQuery<T>(build: (db: Database) => T): (db: Database) => T {
  const made = new WeakMap<Database, T>();
  return (db) => {
    let query = made.get(db);
    if (query === undefined) {
      query = build(db);
      made.set(db, query);
    }
    return query;
  };
}

const dialect = new SQLiteAsyncDialect();

/**
 * One atomic D1 batch of query builders and raw SQL (drizzle's own batch cannot bind
 * parameterised raw SQL). Each result's `results` holds the rows of a `returning`.
 */
export async function atomic(t: TenantDb, items: ({ toSQL(): { sql: string; params: unknown[] } } | SQL | D1PreparedStatement)[]): Promise<D1Result[]> {
  return t.d1.batch(items.map((item) => statementOf(t.d1, item)));
}

/** A query builder or raw SQL as a D1 prepared statement, for a `d1.batch` beside other statements (a prepared statement as it is). */
export function statementOf(d1: D1Database, item: { toSQL(): { sql: string; params: unknown[] } } | SQL | D1PreparedStatement): D1PreparedStatement {
  if ("bind" in item) return item;
  const q = "toSQL" in item ? item.toSQL() : dialect.sqlToQuery(item);
  return d1.prepare(q.sql).bind(...q.params);
}

/**
 * A batch statement that fails on purpose, so that D1 rolls the whole batch back, unless the
 * statement just before it changed exactly `expected` rows (`json()` of the reason is malformed
 * JSON). `isGuardFailure` tells that failure from any other.
 */
export function changesGuard(d1: D1Database, expected: number, why: string): D1PreparedStatement {
  return d1.prepare("select json(case when changes() = ?1 then '0' else ?2 end)").bind(expected, `guard: ${why}`);
}

/** Whether a batch failed at a `changesGuard` (its write did not change what it had to). */
export function isGuardFailure(err: unknown): boolean {
  return /malformed JSON|guard/i.test(String(err instanceof Error ? err.message : err));
}

/** What a query built once (`preparedQuery(… .prepare())`, with placeholders) offers a batch. */
type BuiltQuery = { getQuery(): { params: unknown[] }; mapResult(response: unknown, isFromBatch?: boolean): unknown };

/**
 * A query built once, bound to its placeholders' values as a D1 statement for `d1.batch`, and
 * how to read its answer there as drizzle would (`rows`).
 */
export function boundQuery<R>(query: BuiltQuery, values: Record<string, unknown>): { statement: D1PreparedStatement; rows: (result: D1Result) => R[] } {
  const statement = (query as unknown as { stmt: D1PreparedStatement }).stmt.bind(...fillPlaceholders(query.getQuery().params, values));
  return { statement, rows: (result) => query.mapResult(result, true) as R[] };
}

/** D1 allows 100 bound parameters per statement: split multi-row inserts to fit. */
export function chunkRows<T>(rows: T[], columnsPerRow: number, maxParams = 100): T[][] {
  const size = Math.max(1, Math.floor(maxParams / columnsPerRow));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
