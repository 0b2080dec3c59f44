import { expect } from "vitest";
import type { z } from "zod";

/**
 * Checks a real answer against its documented schema (worker/<feature>/answers.ts), both
 * ways: the schema must accept it (no documented field missing or of another type), and
 * parsing must give it back unchanged (zod objects drop keys they do not know, so a field
 * the schema omits makes the two differ). Returns the parsed answer.
 */
export function expectAnswer<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`The answer does not match its schema: ${JSON.stringify(parsed.error.issues, null, 1)}\n${JSON.stringify(body, null, 1)}`);
  expect(parsed.data, "the answer has fields its schema does not document").toStrictEqual(body);
  return parsed.data;
}

/** Reads a response's JSON after checking its status, then checks it as `expectAnswer` does. */
export async function answerOf<S extends z.ZodType>(res: Response, status: number, schema: S): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return expectAnswer(schema, JSON.parse(text));
}
