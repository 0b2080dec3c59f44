import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { ApiError, badRequest } from "./errors";

const MAX_JSON_BYTES = 256 * 1024;

/** Maps zod issues to `{field: message}` (dotted paths), first message per field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    fields[key] ??= issue.message;
  }
  return fields;
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError(422, "validation_failed", "Some fields are invalid.", fieldErrors(result.error));
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

/** Reads an HTML form post (pages work without JavaScript). */
export async function formBody(c: Context): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
    throw new ApiError(415, "unsupported_media_type", "Send a form.");
  }
  const form = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) if (typeof v === "string") out[k] = v;
  return out;
}

export const email = z
  .string({ error: "email is required" })
  .trim()
  .toLowerCase()
  .max(254, "email is too long")
  .pipe(z.email({ error: "invalid email" }));

export const password = z
  .string({ error: "password is required" })
  .min(10, "at least 10 characters")
  .max(512, "at most 512 characters");

export const language = z.enum(["fr", "en", "nl"], { error: "unsupported language" });
