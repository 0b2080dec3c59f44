import type { Hono } from "hono";
import { generateSpecs } from "hono-openapi";
import { toOpenAPISchema } from "@standard-community/standard-openapi";
import type { z } from "zod";
import { validatorMetaOf } from "../http/validate";
import { WEBHOOK_EVENT_TYPES } from "../webhooks/events";
import { docOf, type RouteDoc } from "./describe";
import { scopeOf } from "./scope";
import { webhookPayload } from "./webhooks";

/* eslint-disable @typescript-eslint/no-explicit-any -- OpenAPI objects are plain JSON built step by step. */
type Json = Record<string, any>;

export const API_PREFIX = "/api/v1";

/**
 * A Hono route path as an OpenAPI path: `:id` and `:name{regex}` become `{id}`, `{name}`; a
 * pattern ending with a fixed extension (`:id{[^/]+\\.ics}`, whose `/` must not split it) becomes
 * `{id}.ics`.
 */
export const toOpenApiPath = (path: string) =>
  path
    .replace(/:([A-Za-z0-9_]+)\{[^}]*?\\\.([A-Za-z0-9]+)\}/g, "{$1}.$2")
    .split("/")
    .map((s) => (s.startsWith(":") ? `{${s.slice(1).replace(/\{.*\}$/, "").replace(/\?$/, "")}}` : s))
    .join("/");

/**
 * The key hono-openapi files a route's description under (its own conversion, segment by
 * segment): the same as {@link toOpenApiPath} except for a pattern holding a `/`, which it keeps
 * apart (`/bookings/:id{[^/]+\\.ics}` is not `/bookings/{id}` there either).
 */
const honoOpenApiKey = (path: string) =>
  path
    .split("/")
    .map((s) => {
      if (!s.startsWith(":")) return s;
      const m = /^:([^{?]+)(?:\{(.+)\})?(\?)?$/.exec(s);
      return m ? `{${m[1]}}` : `{${s.slice(1).replace(/\?$/, "")}}`;
    })
    .join("/");

/** One API route (method and Hono path) with the handlers of its chain. */
export type ApiRoute = { method: string; path: string; handlers: unknown[] };

/** Every route of the JSON API (`/api/v1/…`), as the app registers them, each with its chain. */
export function apiRoutes(app: Hono<any, any, any>): ApiRoute[] {
  const byKey = new Map<string, ApiRoute>();
  for (const r of app.routes) {
    if (r.method === "ALL" || !(r.path === API_PREFIX || r.path.startsWith(`${API_PREFIX}/`))) continue;
    const key = `${r.method} ${r.path}`;
    let route = byKey.get(key);
    if (!route) byKey.set(key, (route = { method: r.method, path: r.path, handlers: [] }));
    route.handlers.push(r.handler);
  }
  return [...byKey.values()];
}

export const routeDoc = (route: ApiRoute): RouteDoc | undefined => route.handlers.map(docOf).find(Boolean);
export const routeValidators = (route: ApiRoute) => route.handlers.map(validatorMetaOf).filter((m) => m !== undefined);

const isDevPath = (path: string) => path.startsWith(`${API_PREFIX}/dev/`);

const ERROR_SCHEMA = {
  type: "object",
  description: "The error envelope every error answers with. Some errors add fields beside `error` (e.g. `loginLink: true`).",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "A stable snake_case code." },
        message: { type: "string", description: "Human text (English)." },
        fields: { type: "object", additionalProperties: { type: "string" }, description: "Per-field messages (422)." },
      },
    },
  },
};

const ERROR_TEXT: Record<string, string> = {
  "400": "Bad request",
  "401": "Not signed in",
  "403": "Not allowed",
  "404": "Not found",
  "409": "Conflict with the current state",
  "410": "Gone",
  "413": "Too large",
  "415": "Wrong media type",
  "422": "Validation failed",
  "429": "Rate limited",
  "503": "Unavailable",
};

const opId = (method: string, path: string) =>
  method.toLowerCase() +
  path
    .split("/")
    .filter(Boolean)
    .map((s) => (s.startsWith("{") ? `By-${s.slice(1, -1)}` : s))
    .join("-")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

async function queryParameters(schema: z.ZodObject): Promise<Json[]> {
  const { schema: s } = await toOpenAPISchema(schema, { options: { io: "input", unrepresentable: "any" } } as never);
  const object = s as Json;
  const required = new Set<string>(object.required ?? []);
  return Object.entries((object.properties ?? {}) as Record<string, Json>).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { in: "query", name, ...(description ? { description } : {}), ...(required.has(name) ? { required: true } : {}), schema: rest };
  });
}

/** The errors of one operation: its own (`doc().errors`) plus those every route of its kind answers. */
function errorsOf(route: ApiRoute, d: RouteDoc | undefined, scope: string): Map<string, Set<string>> {
  const errors = new Map<string, Set<string>>();
  const add = (status: number | string, code: string) => {
    const key = String(status);
    if (!errors.has(key)) errors.set(key, new Set());
    errors.get(key)!.add(code);
  };
  const validators = routeValidators(route);
  if (validators.some((v) => v.target === "json")) {
    add(400, "malformed_json");
    add(413, "payload_too_large");
    add(415, "unsupported_media_type");
    add(422, "validation_failed");
  }
  if (validators.some((v) => v.target === "query")) add(422, "validation_failed");
  if (!d?.public) add(401, "unauthenticated");
  if (scope !== "refused" || !d?.public) add(403, "insufficient_scope");
  if (scope !== "refused") add(429, "rate_limited");
  for (const [status, codes] of Object.entries(d?.errors ?? {})) for (const code of codes ?? []) add(status, code);
  return errors;
}

function errorResponse(status: string, codes: Set<string>): Json {
  const list = [...codes].sort();
  const response: Json = {
    description: `${ERROR_TEXT[status] ?? "Error"}: ${list.map((c) => `\`${c}\``).join(", ")}`,
    content: {
      "application/json": {
        schema: {
          allOf: [
            { $ref: "#/components/schemas/Error" },
            { type: "object", properties: { error: { type: "object", properties: { code: { type: "string", enum: list } } } } },
          ],
        },
      },
    },
  };
  if (status === "429") response.headers = { "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 0 } } };
  return response;
}

export type DocumentOptions = { development: boolean };

/**
 * The OpenAPI 3.1 document of the JSON API, from the routes' own `doc()` and validators:
 * hono-openapi reads their metadata (answers, request bodies, validated query parameters), and
 * this adds what needs the whole chain (errors by kind, `doc({query})`, security, path
 * parameters) and the webhook payloads. `/api/v1/dev/*` only in development.
 */
export async function buildDocument(app: Hono<any, any, any>, opts: DocumentOptions): Promise<Json> {
  const specs = (await generateSpecs(app, { defaultValidationErrorResponse: false, excludeStaticFile: false })) as Json;
  const paths: Json = {};
  const tags = new Set<string>();
  for (const route of apiRoutes(app)) {
    if (isDevPath(route.path) && !opts.development) continue;
    const path = toOpenApiPath(route.path);
    const method = route.method.toLowerCase();
    const d = routeDoc(route);
    const base: Json = specs.paths?.[honoOpenApiKey(route.path)]?.[method] ?? {};
    const scope = scopeOf(route.method, route.path);
    const tag = route.path.slice(API_PREFIX.length).split("/")[1] || "api";
    tags.add(tag);
    const op: Json = { operationId: opId(route.method, path), tags: [tag], summary: d?.summary ?? `${route.method} ${path}` };
    if (d?.description) op.description = d.description;
    // Path parameters, then query parameters (validated ones from hono-openapi, hand-read ones from `doc({query})`).
    const parameters: Json[] = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ in: "path", name: m[1], required: true, schema: { type: "string" } }));
    const seen = new Set(parameters.map((p) => `${p.in} ${p.name}`));
    const more = [...((base.parameters ?? []) as Json[]).filter((p) => p.in !== "path"), ...(d?.query ? await queryParameters(d.query) : [])];
    for (const p of more) {
      if (seen.has(`${p.in} ${p.name}`)) continue;
      seen.add(`${p.in} ${p.name}`);
      parameters.push(p);
    }
    if (parameters.length) op.parameters = parameters;
    if (base.requestBody) {
      const optional = routeValidators(route).some((v) => v.target === "json" && v.options?.optional);
      op.requestBody = { ...base.requestBody, required: !optional };
    }
    op.responses = d ? { ...base.responses } : { default: { description: "Not documented yet." } };
    for (const [status, codes] of errorsOf(route, d, scope)) op.responses[status] = errorResponse(status, codes);
    const security: Json[] = scope === "refused" ? [{ session: [] }] : [{ apiToken: [scope] }, { session: [] }];
    if (d?.public) security.push({});
    op.security = security;
    if (scope !== "refused") op["x-scope"] = scope;
    paths[path] ??= {};
    paths[path][method] = op;
  }
  const webhooks: Json = {};
  for (const type of WEBHOOK_EVENT_TYPES) {
    const { schema, components } = await toOpenAPISchema(webhookPayload(type), { options: { io: "output" } } as never);
    if (components?.schemas) Object.assign((specs.components ??= {}).schemas ?? (specs.components.schemas = {}), components.schemas);
    webhooks[type] = {
      post: {
        operationId: `webhook${type.split(/[._]/).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")}`,
        summary: `The \`${type}\` event`,
        description: "Delivered per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature` headers) to the endpoints subscribed to this type.",
        requestBody: { required: true, content: { "application/json": { schema } } },
        responses: { "200": { description: "Any 2xx answer acknowledges the delivery; anything else is retried with backoff." } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Edge Communities API",
      version: "1",
      description:
        "The JSON API of a community (on its own host) and of the platform (on the root host). Errors answer `{error: {code, message, fields?}}`. Lists take `?limit=` and `?cursor=`. Call it signed in (session cookie) or with an API token (`Authorization: Bearer`, scoped `{area}:read` / `{area}:write`).",
    },
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    webhooks,
    components: {
      ...specs.components,
      schemas: { ...specs.components?.schemas, Error: ERROR_SCHEMA },
      securitySchemes: {
        apiToken: { type: "http", scheme: "bearer", description: "An API token of the community (`/admin/integrations`), on that community's host only." },
        session: { type: "apiKey", in: "cookie", name: "__Host-sid", description: "The session cookie `POST /api/v1/auth/login` sets (`sid` in development)." },
      },
    },
  };
}

/** The document as JSON text, built once per isolate (and per flavour: with or without the development routes). */
const texts = new Map<boolean, Promise<string>>();
let builds = 0;
/** How many documents this isolate built (a test proves the document is not built per request). */
export const documentBuilds = () => builds;

export function documentText(app: Hono<any, any, any>, development: boolean): Promise<string> {
  let text = texts.get(development);
  if (!text) {
    builds += 1;
    text = buildDocument(app, { development }).then((d) => JSON.stringify(d));
    texts.set(development, text);
    // A build that failed is tried again by the next request.
    text.catch(() => texts.delete(development));
  }
  return text;
}
