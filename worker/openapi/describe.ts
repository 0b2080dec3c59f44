import type { MiddlewareHandler } from "hono";
import { resolver, uniqueSymbol } from "hono-openapi";
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

const STATUS_TEXT: Record<SuccessStatus, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No content",
  302: "Found (redirect)",
  303: "See other (redirect)",
};

/**
 * hono-openapi's description of a route (what `describeRoute` carries): the summary and the
 * success answers, each zod schema converted on its output side when the document is built
 * (never at start-up). The errors, the query parameters of `doc({query})` and the security are
 * added by the document builder (openapi/document.ts), which sees the whole chain.
 */
function operationSpec(d: RouteDoc) {
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(d.answers) as [string, Answer][]) {
    const description = STATUS_TEXT[Number(status) as SuccessStatus] ?? "OK";
    if (answer === null) responses[status] = { description };
    else if ("media" in answer && !("_zod" in answer))
      responses[status] = { description: answer.description ?? description, content: { [answer.media]: { schema: { type: "string", format: "binary" } } } };
    else responses[status] = { description, content: { "application/json": { schema: resolver(answer as z.ZodType, { options: { io: "output" } }) } } };
  }
  return { summary: d.summary, ...(d.description ? { description: d.description } : {}), responses };
}

/** Documents the route it is placed in (first in the chain, by convention); does nothing at run time. */
export function doc(d: RouteDoc): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (_c, next) => {
    await next();
  };
  docs.set(middleware, d);
  let spec: ReturnType<typeof operationSpec> | undefined;
  // Read by hono-openapi's generateSpecs; worked out on first read only.
  Object.defineProperty(middleware, uniqueSymbol, {
    get: () => ({ spec: (spec ??= operationSpec(d)) }),
  });
  return middleware;
}
