import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";
import { closestLang, readMessage, tMessage } from "../../web/i18n";
import { displayOf } from "./form-errors";

export type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

/** An expected failure with a stable code: becomes the API envelope (or an error page). */
export type RowError = { row: number; email: string; errors: string[] };

export class ApiError extends Error {
  /** Per-row problems of a refused file, answered beside the envelope as `rows`. */
  rows?: RowError[];
  /** Other fields answered beside the envelope (`loginLink: true`, `plans: [...]`). */
  extra?: Record<string, unknown>;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const unauthorized = (message = "Sign in first.") => new ApiError(401, "unauthenticated", message);
export const forbidden = (code = "forbidden", message = "You are not allowed to do this.") => new ApiError(403, code, message);
export const notFound = (message = "Not found.") => new ApiError(404, "not_found", message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
/** A file refused as a whole: 422 naming each row that needs fixing. */
export function invalidRows(rows: RowError[]): ApiError {
  const err = new ApiError(422, "invalid_rows", `${rows.length} row(s) need fixing; nothing was imported.`);
  err.rows = rows;
  return err;
}

export const unprocessable = (message: string, fields?: Record<string, string>) =>
  new ApiError(422, "validation_failed", message, fields);

/** A row problem as `{key, vars}` (the catalog key pages read it with), `{key: null}` for plain text. */
function messageOf(s: string): { key: string | null; vars?: Record<string, string | number> } {
  const m = readMessage(s);
  return m ? { key: m.key, ...(m.vars ? { vars: m.vars } : {}) } : { key: null };
}

/** A catalog message (`msg()`) as the API's readable English; any other text as is. */
export function apiText(s: string): string {
  return tMessage("en", s) ?? s;
}

/** The envelope: field and row messages, which carry catalog keys inside the app, answer in English. */
export function errorBody(err: ApiError): ErrorBody & { rows?: RowError[] } {
  const fields = err.fields ? Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, apiText(v)])) : undefined;
  return {
    ...err.extra,
    error: { code: err.code, message: apiText(err.message), ...(fields ? { fields } : {}) },
    ...(err.rows ? { rows: err.rows.map((r) => ({ ...r, errors: r.errors.map(apiText), messages: r.errors.map(messageOf) })) } : {}),
  };
}

export function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

/** Turns any thrown value into the envelope; never leaks a stack trace. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    if (status === 413) return new ApiError(413, "payload_too_large", "The request body is too large.");
    if (status === 400) return badRequest("bad_request", err.message || "Malformed request.");
    return new ApiError(status, "http_error", err.message || "Request failed.");
  }
  return new ApiError(500, "internal_error", "Something went wrong on our side. Please try again.");
}

export function sendError(c: Context<AppEnv>, err: ApiError) {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  const body = errorBody(err);
  // The pages' scripts show refusals in the reader's language (`error.display`).
  const display = err.status < 500 ? { display: displayOf(closestLang(c.get("language")), err) } : {};
  return c.json({ ...body, error: { ...body.error, ...display } }, err.status);
}
