import { zValidator } from "@hono/zod-validator";
import type { Context, MiddlewareHandler } from "hono";
import { resolver, uniqueSymbol } from "hono-openapi";
import { z } from "zod";
import { canonicalTag, catalogFor, msg, readMessage } from "../../web/i18n";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { requireTenant } from "./context";
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
export function fieldErrors(error: z.core.$ZodError, input?: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.code === "unrecognized_keys" && issue.keys.length ? [...issue.path, issue.keys[0]!] : issue.path;
    const key = path.map(String).join(".") || "_";
    fields[key] ??= issueMessage(issue, input);
  }
  return fields;
}

/** The 422 every invalid input answers: `fields` maps each field to a catalog message, which the error handler renders in English. */
function invalid(error: z.core.$ZodError, input: unknown): ApiError {
  return new ApiError(422, "validation_failed", "Some fields are invalid.", fieldErrors(error, input));
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalid(result.error, input);
  return result.data;
}

/** The validators' hook: a failure is the error envelope's 422, never zod's own 400. */
function refuseInvalid(result: { success: true; data: unknown } | { success: false; error: z.core.$ZodError; data: unknown }): void {
  if (!result.success) throw invalid(result.error, result.data);
}

/** The middleware `json()` and `query()` made, so a test can tell which input a route validates. */
const validators = new WeakMap<object, "json" | "query">();
export const validatorOf = (handler: unknown): "json" | "query" | undefined => (typeof handler === "function" ? validators.get(handler) : undefined);

/**
 * What hono-openapi reads from a validator (its `uniqueSymbol`): the target and the schema,
 * converted on its input side when the document is built. `optional` marks a JSON body the
 * route makes optional. Nothing of it runs when a request is validated.
 */
export type ValidatorMeta = { target: "json" | "query"; options?: { optional?: boolean } } & ReturnType<typeof resolver>;
function describeValidator(middleware: object, target: "json" | "query", schema: z.ZodType, optional = false): void {
  validators.set(middleware, target);
  const meta: ValidatorMeta = { target, ...resolver(schema), ...(optional ? { options: { optional } } : {}) };
  Object.defineProperty(middleware, uniqueSymbol, { value: meta });
}
/** The hono-openapi description `json()`/`query()` attached to a handler (undefined for any other). */
export const validatorMetaOf = (handler: unknown): ValidatorMeta | undefined =>
  typeof handler === "function" && validators.has(handler) ? ((handler as unknown as Record<symbol, ValidatorMeta>)[uniqueSymbol] ?? undefined) : undefined;

/** What `@hono/zod-validator` reads as JSON (media type without parameters); anything else would be validated as `{}`. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * The checks in front of a JSON body's validator: 415 for another media type, 413 when too
 * large, 400 when malformed. An empty body reads as `{}`. The text stays in Hono's body
 * cache, where the validator reads it.
 */
async function readJson(c: Context, optional: boolean): Promise<void> {
  const type = c.req.header("content-type") ?? "";
  if (optional && type === "" && (await c.req.text()) === "") {
    // A body the route makes optional: nothing at all (no type, no bytes) reads as `{}`.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve("{}");
    return;
  }
  if (!/^application\/(.+\+)?json\b/i.test(type) || !JSON_MEDIA_TYPE.test(type.split(";")[0]!.trim())) {
    throw new ApiError(415, "unsupported_media_type", "Send JSON with Content-Type: application/json.");
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_JSON_BYTES) throw new ApiError(413, "payload_too_large", "The request body is too large.");
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES) throw new ApiError(413, "payload_too_large", "The request body is too large.");
  if (text === "") {
    // Hono's validator parses the text it cached (a promise, whatever `bodyCache`'s type says): an empty body is read as `{}`.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve("{}");
    return;
  }
  try {
    JSON.parse(text);
  } catch {
    throw badRequest("malformed_json", "The request body is not valid JSON.");
  }
}

/**
 * A route's JSON body, validated by `@hono/zod-validator` against `schema` (the handler reads
 * `c.req.valid("json")`): 415 for another media type, 413 when too large, 400
 * `malformed_json`, 422 `validation_failed` with `fields` when invalid. With `optional`, a
 * request without any body (no Content-Type, no bytes) reads as `{}`.
 */
export function json<S extends z.ZodType>(schema: S, opts: { optional?: boolean } = {}) {
  const validate = zValidator("json", schema, refuseInvalid);
  const middleware: typeof validate = async (c, next) => {
    await readJson(c, opts.optional === true);
    return validate(c, next);
  };
  describeValidator(middleware, "json", schema, opts.optional === true);
  return middleware;
}

/**
 * A route's query string, validated by `@hono/zod-validator` against `schema` (the handler
 * reads `c.req.valid("query")`). A repeated parameter counts once, its first value, as
 * `c.req.query(name)` reads it; 422 `validation_failed` with `fields` when invalid.
 */
export function query<S extends z.ZodType>(schema: S) {
  const first = (value: Record<string, string | string[]>) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const validate = zValidator("query", schema, refuseInvalid, {
    // The result's type is a conditional over zod 3 and 4 that TypeScript cannot resolve for a generic schema.
    validationFunction: (s, value) => s.safeParseAsync(first(value)) as never,
  });
  describeValidator(validate, "query", schema);
  return validate;
}

/**
 * A check a route makes before its validators, so that 401, 403 and 404 come before any
 * answer about the body, as they did when handlers read the body themselves.
 */
export function guard(check: (c: Context<AppEnv>) => unknown): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await check(c);
    await next();
  };
}

/** Before the body is read: on a community's host (404 elsewhere). */
export const onTenant = guard(requireTenant);

/** Before the body is read: on a community's host (404), signed in (401). */
export const signedIn = guard((c) => {
  requireTenant(c);
  requireUser(c);
});

/**
 * A `guard` that also works something out (a group, a discussion…) for the handler, which
 * reads it with `of(c)`, so it is worked out once: `.post("/…", group.check(), json(s), (c) => group.of(c))`.
 */
export function load<T, A extends unknown[] = []>(get: (c: Context<AppEnv>, ...args: A) => T | Promise<T>) {
  const values = new WeakMap<Context, T>();
  return {
    check: (...args: A) => guard(async (c) => values.set(c, await get(c, ...args))),
    of(c: Context): T {
      if (!values.has(c)) throw new Error("The route reads what a check it does not run loads.");
      return values.get(c)!;
    },
  };
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
