import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { canonicalTag, catalogFor, msg, readMessage } from "../../web/i18n";
import { ApiError, badRequest } from "./errors";
import { readForm } from "./forms";

const MAX_JSON_BYTES = 256 * 1024;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * The catalog message (`msg()`) of a zod issue: the schema's own message when it is
 * one, else one worked out from the issue's code and limits, so that every schema
 * (even one written with English messages) reaches pages in the reader's language.
 */
export function issueMessage(issue: z.core.$ZodIssue, input?: unknown): string {
  if (readMessage(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type": {
      const value = valueAt(input, issue.path);
      return msg(value === undefined || value === null || value === "" ? "field.required" : "field.invalid");
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return msg(min <= 1 ? "field.required" : "field.too_short", { min });
      if (issue.origin === "array" || issue.origin === "set") return msg(min <= 1 ? "field.required" : "field.too_few", { min });
      return msg("field.too_small", { min });
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return msg("field.too_long", { max });
      if (issue.origin === "array" || issue.origin === "set" || issue.origin === "file") return msg("field.too_many", { max });
      return msg("field.too_big", { max });
    }
    case "invalid_format":
      if (issue.format === "email") return msg("field.invalid_email");
      if (issue.format === "url") return msg("field.url");
      return msg("field.invalid");
    case "invalid_value":
      return msg("field.option");
    case "unrecognized_keys":
      return msg("field.unknown");
    default:
      return msg("field.invalid");
  }
}

/** Maps zod issues to `{field: message}` (dotted paths), first message per field, as catalog messages (`msg()`). */
export function fieldErrors(error: z.ZodError, input?: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.code === "unrecognized_keys" && issue.keys.length ? [...issue.path, issue.keys[0]!] : issue.path;
    const key = path.map(String).join(".") || "_";
    fields[key] ??= issueMessage(issue, input);
  }
  return fields;
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError(422, "validation_failed", "Some fields are invalid.", fieldErrors(result.error, input));
  }
  return result.data;
}

/** Reads a JSON body: 415 for another media type, 413 when too large, 400 when malformed, 422 when invalid. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send JSON with Content-Type: application/json.");
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_JSON_BYTES) throw new ApiError(413, "payload_too_large", "The request body is too large.");
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES) throw new ApiError(413, "payload_too_large", "The request body is too large.");
  let data: unknown;
  try {
    data = text === "" ? {} : JSON.parse(text);
  } catch {
    throw badRequest("malformed_json", "The request body is not valid JSON.");
  }
  return parseWith(schema, data);
}

/**
 * Parses a POSTed form once, before any route: a body that claims to be a form and is not
 * (a broken multipart boundary, say) answers 400 `malformed_form` instead of failing inside
 * whichever route reads it. Hono keeps the parsed form, so routes read it again for free.
 * POST only: forms are posted, and the PUT uploads read their raw body as a stream.
 */
export function formGuard(): MiddlewareHandler {
  return async (c, next) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (c.req.method === "POST" && (type === "multipart/form-data" || type === "application/x-www-form-urlencoded")) {
      try {
        await c.req.parseBody();
      } catch {
        throw badRequest("malformed_form", "The form could not be read.");
      }
    }
    await next();
  };
}

/** The text values of an HTML form post (415 for anything else). Pages read forms with `readForm` (http/forms.ts), which keeps lists and files. */
export async function formBody(c: Context): Promise<Record<string, string>> {
  return (await readForm(c)).values;
}

export const email = z
  .string({ error: "field.required" })
  .trim()
  .toLowerCase()
  .max(254, msg("field.too_long", { max: 254 }))
  .pipe(z.email({ error: "field.invalid_email" }));

export const password = z
  .string({ error: "field.required" })
  .min(10, "field.password_short")
  .max(512, msg("field.too_long", { max: 512 }));

/**
 * A language as any well-formed BCP 47 tag (`en`, `EN`, `nl-BE`, `zh-Hant-TW`), kept in
 * canonical casing; pages and emails read it in the closest catalog (`closestLang`).
 */
export const language = z
  .string({ error: "field.language_tag" })
  .transform((value, ctx) => {
    const tag = canonicalTag(value);
    if (!tag) {
      ctx.addIssue({ code: "custom", message: "field.language_tag" });
      return z.NEVER;
    }
    return tag;
  });

/** A language a community can default to: any BCP 47 tag whose closest catalog exists (`nl-BE`, `fr-CA`; not `de`). */
export const spokenLanguage = language.refine((tag) => catalogFor(tag) !== null, { message: "field.language_spoken" });
