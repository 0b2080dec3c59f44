import type { Bindings } from "../env";
import { fold } from "../http/search";

/**
 * Fills `users.search_text` (the folded name) for rows written before the column existed,
 * or by a hand-written insert (seeds, benchmarks): SQL cannot remove accents, so the Worker
 * folds and writes them back, `batchSize` rows per statement, from the scheduled job. A row
 * whose name changed in between keeps its null (the guard on `name`) and is picked up by the
 * next run; until then searches match its ASCII-lowercased name (`foldedOr`).
 * Returns how many rows it folded; idempotent.
 */
export async function backfillSearchText(env: Pick<Bindings, "DB">, opts: { batches?: number; batchSize?: number } = {}): Promise<number> {
  const batches = opts.batches ?? 10;
  const batchSize = opts.batchSize ?? 500;
  let done = 0;
  let after = "";
  for (let i = 0; i < batches; i++) {
    const { results } = await env.DB.prepare("select id, name from users where search_text is null and id > ? order by id limit ?").bind(after, batchSize).all<{ id: string; name: string }>();
    if (!results.length) break;
    after = results[results.length - 1]!.id;
    const rows = results.map((r) => [r.id, r.name, fold(r.name)]);
    const res = await env.DB.prepare(
      `update users set search_text = json_extract(j.value, '$[2]')
         from json_each(?) j
        where users.id = json_extract(j.value, '$[0]') and users.name = json_extract(j.value, '$[1]') and users.search_text is null`,
    )
      .bind(JSON.stringify(rows))
      .run();
    done += res.meta.changes ?? 0;
    if (results.length < batchSize) break;
  }
  return done;
}
