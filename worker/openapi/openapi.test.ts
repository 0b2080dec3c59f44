import { validate } from "@hyperjump/json-schema/openapi-3-1";
import { describe, expect, it } from "vitest";
import { app } from "../app";
import { validatorOf } from "../http/validate";
import { createExecutionContext } from "cloudflare:test";
import { call, env, makeTenant, ROOT } from "../test/helpers";
import { contractRoutes, normalize } from "./contract";
import { docOf } from "./describe";
import { apiRoutes, buildDocument, documentBuilds } from "./document";

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is read as plain JSON. */
type Json = Record<string, any>;

// The contract, kept verbatim in the repository (docs/API.md) and, where the shared copy sits
// beside the repository (../shared/API.md), checked to be the same text.
const contract = Object.values(import.meta.glob<string>(["../../docs/API.md"], { query: "?raw", import: "default", eager: true }))[0]!;
const shared = Object.values(import.meta.glob<string>(["../../../shared/API.md"], { query: "?raw", import: "default", eager: true }))[0];


/** Contract routes that another route serves: the contract's name → the route that answers it. */
const SERVED_BY: Record<string, string> = {};

/** Contract routes named in prose only (not as `` `METHOD /path` ``). */
const IN_PROSE = ["GET /api/v1/api-tokens"];


let documents: Promise<{ dev: Json; prod: Json }> | undefined;
const both = () => (documents ??= Promise.all([buildDocument(app, { development: true }), buildDocument(app, { development: false })]).then(([dev, prod]) => ({ dev, prod })));

const operations = (d: Json) => Object.entries(d.paths as Json).flatMap(([path, item]) => Object.keys(item as Json).map((m) => `${m.toUpperCase()} ${path}`));

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1 (with its schemas in the 3.1 dialect)", async () => {
    const { dev, prod } = await both();
    for (const d of [dev, prod]) {
      const output = await validate("https://spec.openapis.org/oas/3.1/schema-base", d as never, "BASIC");
      expect(output.valid, JSON.stringify("errors" in output ? output.errors?.slice(0, 10) : [], null, 1)).toBe(true);
    }
  });

  it("lists every route of the contract's tables (docs/API.md), so the two cannot drift", async () => {
    const { dev } = await both();
    const documented = new Set(operations(dev).map((o) => normalize(o)));
    const named = [...contractRoutes(contract), ...IN_PROSE];
    expect(named.length).toBeGreaterThan(140);
    const missing = named.filter((r) => !documented.has(SERVED_BY[r] ?? r));
    expect(missing).toEqual([]);
  });

  it("keeps docs/API.md the same text as the shared contract (../shared/API.md) where that is present", () => {
    if (shared !== undefined) expect(contract === shared, "docs/API.md differs from ../shared/API.md: copy it again").toBe(true);
    expect(contract).toContain("## Integrations");
  });

  it("documents every /api/v1 route with doc() first in its chain", () => {
    const offenders = apiRoutes(app)
      .filter((r) => !docOf(r.handlers[0]))
      .map((r) => `${r.method} ${r.path}${r.handlers.some((h) => docOf(h)) ? " (doc() not first)" : ""}`);
    expect(offenders).toEqual([]);
  });

  it("finds no route that reads a JSON body without json() (which documents it)", () => {
    const sources = import.meta.glob<string>(["../**/*.ts", "!../**/*.test.ts", "!../test/**", "!../generated/**", "!../http/validate.ts"], {
      query: "?raw",
      import: "default",
      eager: true,
    });
    const readers = Object.entries(sources)
      .filter(([, text]) => /\breq\.json\s*[<(]|\.req\.raw\.json\s*\(|\bbodyCache\b/.test(text))
      .map(([file]) => file);
    expect(readers).toEqual([]);
    // And every json() validator sits in a documented chain, its body in the document.
    for (const r of apiRoutes(app)) if (r.handlers.some((h) => validatorOf(h) === "json")) expect(r.method, `${r.method} ${r.path}`).not.toBe("GET");
  });

  it("adds the errors every route of a kind answers, with the shared envelope", async () => {
    const { prod } = await both();
    const login = prod.paths["/api/v1/auth/login"].post;
    const codes = (op: Json, status: string) => op.responses[status]?.content["application/json"].schema.allOf[1].properties.error.properties.code.enum;
    expect(codes(login, "400")).toContain("malformed_json");
    expect(codes(login, "413")).toEqual(["payload_too_large"]);
    expect(codes(login, "415")).toEqual(["unsupported_media_type"]);
    expect(codes(login, "422")).toContain("validation_failed");
    expect(codes(login, "401")).toContain("invalid_credentials");
    expect(login.responses["429"].headers["Retry-After"]).toBeTruthy();
    expect(login.security).toEqual([{ session: [] }, {}]);
    expect(login.responses["401"].content["application/json"].schema.allOf[0]).toEqual({ $ref: "#/components/schemas/Error" });
    expect(prod.components.schemas.Error.properties.error.required).toEqual(["code", "message"]);
    expect(prod.components.securitySchemes.apiToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(prod.components.securitySchemes.session).toMatchObject({ type: "apiKey", in: "cookie" });

    const me = prod.paths["/api/v1/me"].get;
    expect(me.security).toEqual([{ session: [] }]);
    expect(codes(me, "401")).toEqual(["unauthenticated"]);

    const patchTenant = prod.paths["/api/v1/tenant"].patch;
    expect(patchTenant.security).toEqual([{ apiToken: ["tenant:write"] }, { session: [] }]);
    expect(codes(patchTenant, "403")).toEqual(expect.arrayContaining(["insufficient_scope", "forbidden"]));
    expect(codes(patchTenant, "429")).toContain("rate_limited");
    expect(prod.paths["/api/v1/tenant/domains/{hostname}"].delete.parameters).toEqual([{ in: "path", name: "hostname", required: true, schema: { type: "string" } }]);
    expect(prod.paths["/api/v1/tenant/domains/{hostname}"].delete.responses["204"].content).toBeUndefined();
  });

  it("has one webhook per event type, with the {type, timestamp, data} payload", async () => {
    const { prod } = await both();
    const { WEBHOOK_EVENT_TYPES } = await import("../webhooks/events");
    expect(Object.keys(prod.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    const body = prod.webhooks["group.member_joined"].post.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["type", "timestamp", "data"]);
    expect(body.properties.type.const).toBe("group.member_joined");
    expect(body.properties.data.properties.group.required).toEqual(["id", "slug"]);
  });

  it("has /api/v1/dev/* only in development", async () => {
    const { dev, prod } = await both();
    expect(operations(dev)).toEqual(expect.arrayContaining(["GET /api/v1/dev/mail", "POST /api/v1/dev/scheduled"]));
    expect(operations(prod).filter((o) => o.includes("/dev/"))).toEqual([]);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("answers signed out on a community's host and on the root host, the same document, built once per isolate", async () => {
    const tenant = await makeTenant();
    const onRoot = await call(ROOT, "GET", "/api/v1/openapi.json");
    expect(onRoot.status).toBe(200);
    expect(onRoot.headers.get("content-type")).toMatch(/^application\/json/);
    const before = documentBuilds();
    const onTenant = await call(tenant.host, "GET", "/api/v1/openapi.json");
    const signedIn = await call(tenant.host, "GET", "/api/v1/openapi.json", { cookie: tenant.owner.cookie });
    expect([onTenant.status, signedIn.status]).toEqual([200, 200]);
    const text = await onTenant.text();
    expect(text).toBe(await onRoot.text());
    expect(await signedIn.text()).toBe(text);
    expect(documentBuilds()).toBe(before);
    const d = JSON.parse(text) as Json;
    expect(d.openapi).toBe("3.1.0");
    // Tests run as development (isDevelopment): the dev routes exist, and are documented.
    expect(Object.keys(d.paths).filter((p) => p.startsWith("/api/v1/dev/"))).toEqual(["/api/v1/dev/mail", "/api/v1/dev/scheduled"]);
  });

  it("answers a bearer (API token) call on the token's community host", async () => {
    const tenant = await makeTenant();
    const made = await call(tenant.host, "POST", "/api/v1/api-tokens", { cookie: tenant.owner.cookie, json: { name: "CRM", scopes: ["members:read"] } });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };
    const res = await call(tenant.host, "GET", "/api/v1/openapi.json", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).openapi).toBe("3.1.0");
  });

  it("leaves the dev routes out in production", async () => {
    const production = { ...env, ENVIRONMENT: "production" };
    const res = await app.fetch(new Request(`https://${ROOT}/api/v1/openapi.json`), production, createExecutionContext());
    expect(res.status).toBe(200);
    const d = (await res.json()) as Json;
    expect(Object.keys(d.paths).filter((p) => p.includes("/dev/"))).toEqual([]);
    expect(Object.keys(d.paths)).toContain("/api/v1/tenants");
  });
});
