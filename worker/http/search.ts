import type { Context } from "hono";
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { z } from "zod";
import { parseWith } from "./validate";

/** The contract's bound on every search parameter `q`. */
export const MAX_QUERY_CHARS = 100;

/**
 * The folded form of searched text and of search queries: lower case, accents removed
 * (NFD, then combining marks stripped), every run of white space one space, trimmed.
 * `Élodie  Dupré` → `elodie dupre`. Stored beside the text it folds (`users.search_text`)
 * and matched with `instr()`, which has no pattern characters (`%`, `_` are literal) and no
 * length limit (D1 refuses LIKE patterns over 50 bytes).
 */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

export const searchQuerySchema = z.string().max(MAX_QUERY_CHARS, `at most ${MAX_QUERY_CHARS} characters`);

/** `?q=` of a list: 422 `validation_failed` beyond 100 characters; the folded query, "" when absent. */
export function searchParam(c: Context, name = "q"): string {
  const raw = c.req.query(name) ?? "";
  return fold(parseWith(z.object({ [name]: searchQuerySchema }), { [name]: raw })[name] as string);
}

/** `column` contains the folded query (already folded by {@link fold}); nothing to match when empty. */
export function contains(column: SQLWrapper | SQL, folded: string): SQL {
  return sql`instr(${column}, ${folded}) > 0`;
}

/**
 * The folded name of a user row, for rows written before `search_text` existed and not yet
 * backfilled by the scheduled job: their ASCII-lowercased name (SQLite folds only ASCII).
 */
export function foldedOr(stored: SQLWrapper, fallback: SQLWrapper): SQL {
  return sql`coalesce(${stored}, lower(${fallback}))`;
}
