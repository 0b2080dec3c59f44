import { expect } from "vitest";
import type { z } from "zod";

// The answer schemas (worker/<feature>/answers.ts, the OpenAPI document's) against the routes'
// real answers: `answer(schema, res)` checks the status and parses the body with the schema,
// failing with zod's issues. The schemas are strict objects, so a field the answer has and the
// schema lacks fails, as does a field the schema names and the answer lacks.

export async function answer<S extends z.ZodType>(schema: S, res: Response, status = 200): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success ? [] : parsed.error.issues, text).toEqual([]);
  return parsed.data as z.output<S>;
}

/** A 204: no body at all. */
export async function noContent(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(204);
  expect(text).toBe("");
}

/** The schema refuses the answer with one more field, and with any one of its fields missing (but those the answer may leave out). */
export function isStrict(schema: z.ZodType, sample: Record<string, unknown>, optional: string[] = []): void {
  expect(schema.safeParse(sample).success).toBe(true);
  expect(schema.safeParse({ ...sample, invented: 1 }).success, "a field more").toBe(false);
  for (const key of Object.keys(sample).filter((k) => !optional.includes(k))) {
    const { [key]: _dropped, ...rest } = sample;
    if (schema.safeParse(rest).success) expect.fail(`the schema accepts the answer without "${key}"`);
  }
}
