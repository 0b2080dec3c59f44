import type { MiddlewareHandler } from "hono";
import type { z } from "zod";

/**
 * What a JSON API route answers, for the OpenAPI document: a zod schema of the JSON body,
 * `{ media }` for another media type (`text/calendar`, `application/pdf`, `text/csv`, …),
 * or `null` for no body (204).
 */
export type Answer = z.ZodType | { media: string; description?: string } | null;

export type SuccessStatus = 200 | 201 | 202 | 204 | 302 | 303;
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503;

/**
 * A route's documentation, next to its validators (`json()`, `query()` in http/validate.ts,
 * which give the request shapes). The document adds by itself the errors every route of a
 * kind answers (400/413/415/422 for a JSON body, 422 for a validated query, 401 when not
 * `public`, 403 `insufficient_scope` for token-callable routes); `errors` lists the route's
 * own codes by status.
 */
export type RouteDoc = {
  /** One line, English. */
  summary: string;
  description?: string;
  answers: Partial<Record<SuccessStatus, Answer>>;
  errors?: Partial<Record<ErrorStatus, readonly string[]>>;
  /** Callable signed out (the security requirement is optional). */
  public?: true;
  /** Query parameters the handler reads by hand (routes that validate with `query()` need not). */
  query?: z.ZodObject;
};

const docs = new WeakMap<object, RouteDoc>();

/** The documentation a `doc()` middleware carries (undefined for any other handler). */
export const docOf = (handler: unknown): RouteDoc | undefined => (typeof handler === "function" ? docs.get(handler) : undefined);

/** Documents the route it is placed in (first in the chain, by convention); does nothing at run time. */
export function doc(d: RouteDoc): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (_c, next) => {
    await next();
  };
  docs.set(middleware, d);
  return middleware;
}
