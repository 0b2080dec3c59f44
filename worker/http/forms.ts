import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Lang } from "../../web/i18n";
import type { User } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, badRequest, type RowError } from "./errors";
import { localizeError, localizeFields, localizeMessage } from "./form-errors";
import { safeNext } from "./redirect";

/**
 * The form kit: how every page handler reads a form, runs an action, shows what went
 * wrong, sends a visitor to log in, and announces what it did. A handler is then
 *
 *     const user = requirePageUser(c);
 *     if (user instanceof Response) return user;
 *     const form = await readForm(c);
 *     return formAction(c, {
 *       run: () => service(t, parseWith(schema, form.values)),
 *       render: (f) => page(c, { values: form.values, errors: f.errors, formError: f.formError }, f.status),
 *       done: () => withDone("/somewhere", "saved"),
 *     });
 */

/** A posted form, read once, with typed accessors. */
export interface Form {
  /** Each text value by name (the last one when a name repeats; `name[]` lists are in `all` and `list` only), what `parseWith` reads. */
  readonly values: Record<string, string>;
  /** Every value by name, a repeated name (or `name[]`) as a list, files kept: `c.req.parseBody({ all: true })`'s shape. */
  readonly all: Record<string, FormValue | FormValue[]>;
  /** Whether the form sent `name` at all (a text value or a file). */
  has(name: string): boolean;
  /** The text value of `name` (the last one when it repeats), `""` when absent or a file. */
  str(name: string): string;
  /** Every non-empty text value of `name` (repeated `name`, or `name[]`), in order. */
  list(name: string): string[];
  /** The file sent as `name` (the last one), `null` when none; an empty file input still sends an empty file. */
  file(name: string): File | null;
  /** A checkbox: `on` (what browsers send), `1`, `true` or `yes`. */
  bool(name: string): boolean;
}

export type FormValue = string | File;

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);
const forms = new WeakMap<Request, Promise<Form>>();

/** Whether the request says it carries a form (urlencoded or multipart). */
export function isForm(c: Context): boolean {
  return FORM_TYPES.has((c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase());
}

/**
 * Reads the request's form: 415 for another media type, 400 `malformed_form` when it
 * cannot be read. The body is parsed once: `formGuard()` already parsed POSTed forms
 * and Hono keeps that `FormData`, which is what this reads; a second call answers the
 * same `Form`.
 */
export function readForm(c: Context): Promise<Form> {
  const known = forms.get(c.req.raw);
  if (known) return known;
  if (!isForm(c)) return Promise.reject(new ApiError(415, "unsupported_media_type", "Send a form."));
  const form = c.req.formData().then(formOf, () => {
    throw badRequest("malformed_form", "The form could not be read.");
  });
  forms.set(c.req.raw, form);
  return form;
}

function formOf(data: FormData): Form {
  const values: Record<string, string> = {};
  const all: Record<string, FormValue | FormValue[]> = Object.create(null);
  for (const [k, v] of data) {
    if (typeof v === "string" && !k.endsWith("[]")) values[k] = v;
    const prev = all[k];
    all[k] = Array.isArray(prev) ? [...prev, v] : prev !== undefined ? [prev, v] : k.endsWith("[]") ? [v] : v;
  }
  // `FormData.entries` keeps order: the last text value wins, as `c.req.parseBody()` does.
  const texts = (name: string) => [...data.getAll(name), ...data.getAll(`${name}[]`)].filter((v): v is string => typeof v === "string");
  return {
    values,
    all,
    has: (name) => data.has(name),
    str: (name) => values[name] ?? "",
    list: (name) => texts(name).filter(Boolean),
    file: (name) => {
      const files = data.getAll(name).filter((v): v is File => typeof v !== "string");
      return files[files.length - 1] ?? null;
    },
    bool: (name) => ["on", "1", "true", "yes"].includes((values[name] ?? "").toLowerCase()),
  };
}

// ── signed-out visitors ────────────────────────────────────────────────────

/**
 * The one way a page sends a visitor to log in: 303 to `/login?next=<path>`, `path` being
 * this page's path unless told otherwise (a form that posts elsewhere than the page it
 * came from), kept on this origin by `safeNext`.
 */
export function loginRedirect(c: Context<AppEnv>, next: string = new URL(c.req.url).pathname): Response {
  return c.redirect(`/login?next=${encodeURIComponent(safeNext(c, next))}`, 303);
}

/** `null` for a signed-in reader; for a visitor, the redirect to log in and come back. */
export function signedIn(c: Context<AppEnv>, next?: string): Response | null {
  return c.get("user") ? null : loginRedirect(c, next);
}

/** The signed-in reader, or the redirect that sends a visitor to log in (return it). */
export function requirePageUser(c: Context<AppEnv>, next?: string): User | Response {
  return c.get("user") ?? loginRedirect(c, next);
}

// ── running a form's action ────────────────────────────────────────────────

/** What a page shows by default: a refusal (4xx); a 5xx goes on to `onError`. */
export const isRefusal = (err: ApiError) => err.status < 500;

/** An expected refusal (a 4xx `ApiError`) in the reader's language, for the page to show. */
export interface FormFailure {
  status: ContentfulStatusCode;
  /** Field errors, localised (empty when the refusal names no field). */
  errors: Record<string, string>;
  /** The refusal itself, localised, when it names no field. */
  formError?: string;
  /** What was posted (the form's text values), to fill the form again. */
  values: Record<string, string>;
  /** A refused file's rows (`invalidRows`), each problem localised; absent for any other refusal. */
  rows?: RowError[];
  err: ApiError;
}

/**
 * A refusal the page shows: a 4xx `ApiError` becomes a `FormFailure`; anything else
 * (a 5xx, a bug) is thrown on to `onError`.
 */
export function formFailure(c: Context<AppEnv>, err: unknown, values: Record<string, string> = {}, shown: (err: ApiError) => boolean = isRefusal): FormFailure {
  if (!(err instanceof ApiError) || !shown(err)) throw err;
  // The page's language, as `pageContext` reads it (not imported: `validate.ts` reads forms here, below the pages).
  const lang = (c.get("language") ?? "fr") as Lang;
  return {
    status: err.status,
    errors: localizeFields(lang, err.fields),
    ...(err.fields ? {} : { formError: localizeError(lang, err) }),
    values,
    ...(err.rows ? { rows: err.rows.map((r) => ({ ...r, errors: r.errors.map((e) => localizeMessage(lang, e)) })) } : {}),
    err,
  };
}

export interface FormAction<T> {
  /** The work: a service call (parse the form inside it, so a 422 is shown like any refusal). */
  run: () => T | Promise<T>;
  /** The page again on a 4xx, with its errors and status (`f.status`); it may throw `f.err` on. */
  render: (failure: FormFailure) => Response | Promise<Response>;
  /** Where to go after it worked (303): a path (`withDone(path, key)` to announce it), or a response. */
  done: (result: T) => string | Response | Promise<string | Response>;
  /** The posted form, whose values the failure carries. */
  form?: Form;
  /** Which errors the page shows (default: every 4xx); a page may also show, say, a provider being down. */
  shows?: (err: ApiError) => boolean;
}

/** Runs a form's action: 303 to `done` when it works, the page again on a 4xx, `onError` for the rest. */
export async function formAction<T>(c: Context<AppEnv>, action: FormAction<T>): Promise<Response> {
  let result: T;
  try {
    result = await action.run();
  } catch (err) {
    return action.render(formFailure(c, err, action.form?.values, action.shows));
  }
  const to = await action.done(result);
  return typeof to === "string" ? c.redirect(to, 303) : to;
}

/**
 * One part of a form that gathers the errors of several parts (a settings form with
 * uploads): `null` when it worked, the refusal otherwise (5xx thrown on, unless `shows`).
 */
export async function refusalOf(c: Context<AppEnv>, run: () => unknown, shows: (err: ApiError) => boolean = isRefusal): Promise<FormFailure | null> {
  try {
    await run();
    return null;
  } catch (err) {
    return formFailure(c, err, {}, shows);
  }
}

/** Field errors under the names the form uses (the API nests `branding.primaryColor`, the form says `primaryColor`). */
export function renameFields(errors: Record<string, string>, rename: (field: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) out[rename(k)] = v;
  return out;
}

/**
 * A refusal that belongs beside one input (a slug or subdomain already taken, `codes`):
 * said there, in the reader's language, instead of above the form. Others are unchanged.
 */
export function refusalAt(c: Context<AppEnv>, failure: FormFailure, field: string, codes: readonly string[]): FormFailure {
  if (!codes.includes(failure.err.code)) return failure;
  const { formError: _above, ...beside } = failure;
  return { ...beside, errors: { ...failure.errors, [field]: localizeError((c.get("language") ?? "fr") as Lang, failure.err) } };
}

/** `path` with `?done=<key>` (kept before any `#fragment`), the notice the next page reads with `doneNotice`. */
export function withDone(path: string, done: string): string {
  const [beforeHash, hash] = path.split("#", 2);
  const url = new URL(beforeHash!, "https://x");
  url.searchParams.set("done", done);
  return `${url.pathname}${url.search}${hash ? `#${hash}` : ""}`;
}
