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

/**
 * Contract routes being built on other branches right now (issue 18: tokens, webhooks). The
 * integrator empties this set once those branches are merged.
 */
const BEING_BUILT = new Set<string>([
  "POST /api/v1/api-tokens",
  "GET /api/v1/api-tokens",
  "DELETE /api/v1/api-tokens/{}",
  "POST /api/v1/webhooks",
  "GET /api/v1/webhooks",
  "GET /api/v1/webhooks/{}",
  "PATCH /api/v1/webhooks/{}",
  "DELETE /api/v1/webhooks/{}",
  "POST /api/v1/webhooks/{}/rotate-secret",
  "GET /api/v1/webhooks/{}/deliveries",
  "POST /api/v1/webhooks/{}/deliveries/{}/retry",
]);

/** Contract routes that another route serves: the contract's name → the route that answers it. */
const SERVED_BY: Record<string, string> = {
  // `/events/:id` answers `{id}.ics` as iCalendar (worker/events/routes.ts).
  "GET /api/v1/events/{}.ics": "GET /api/v1/events/{}",
};

/** Contract routes named in prose only (not as `` `METHOD /path` ``). */
const IN_PROSE = ["GET /api/v1/api-tokens"];

/**
 * Routes whose `doc()` is being written on the other documenting branches (oa-groups,
 * oa-portal-a, oa-portal-b) right now. The integrator empties this set once they are merged
 * (the test fails on any listed route that has its doc(), so the set can only shrink).
 */
const DOCUMENTED_ON_OTHER_BRANCHES = new Set<string>([
  "POST /api/v1/groups",
  "GET /api/v1/groups",
  "GET /api/v1/groups/:slug",
  "PATCH /api/v1/groups/:slug",
  "DELETE /api/v1/groups/:slug",
  "POST /api/v1/groups/:slug/restore",
  "PUT /api/v1/groups/:slug/assets/:kind",
  "PUT /api/v1/tenant/assets/:kind",
  "POST /api/v1/groups/:slug/join",
  "POST /api/v1/groups/:slug/leave",
  "GET /api/v1/groups/:slug/requests",
  "GET /api/v1/groups/:slug/requests/live",
  "GET /api/v1/groups/:slug/join/live",
  "POST /api/v1/groups/:slug/requests/approve-all",
  "POST /api/v1/groups/:slug/requests/:id/approve",
  "POST /api/v1/groups/:slug/requests/:id/reject",
  "GET /api/v1/groups/:slug/members",
  "PATCH /api/v1/groups/:slug/members/:userId",
  "DELETE /api/v1/groups/:slug/members/:userId",
  "POST /api/v1/groups/:slug/members/:userId/ban",
  "GET /api/v1/groups/:slug/bans",
  "DELETE /api/v1/groups/:slug/bans/:userId",
  "GET /api/v1/groups/:slug/mentions",
  "GET /api/v1/groups/:slug/threads",
  "POST /api/v1/groups/:slug/threads",
  "GET /api/v1/groups/:slug/threads/:id",
  "PATCH /api/v1/groups/:slug/threads/:id",
  "DELETE /api/v1/groups/:slug/threads/:id",
  "POST /api/v1/groups/:slug/threads/:id/pin",
  "POST /api/v1/groups/:slug/threads/:id/replies",
  "PATCH /api/v1/groups/:slug/replies/:id",
  "DELETE /api/v1/groups/:slug/replies/:id",
  "PUT /api/v1/groups/:slug/reactions/:targetType/:targetId/:key",
  "DELETE /api/v1/groups/:slug/reactions/:targetType/:targetId/:key",
  "GET /api/v1/groups/:slug/chat",
  "GET /api/v1/groups/:slug/messages",
  "POST /api/v1/groups/:slug/messages",
  "DELETE /api/v1/groups/:slug/messages/:id",
  "GET /api/v1/groups/:slug/online",
  "POST /api/v1/groups/:slug/reports",
  "GET /api/v1/groups/:slug/reports",
  "POST /api/v1/groups/:slug/reports/:id/dismiss",
  "POST /api/v1/groups/:slug/moderation/hide",
  "POST /api/v1/groups/:slug/moderation/unhide",
  "POST /api/v1/groups/:slug/moderation/delete",
  "GET /api/v1/groups/:slug/mutes",
  "POST /api/v1/groups/:slug/mutes",
  "DELETE /api/v1/groups/:slug/mutes/:userId",
  "GET /api/v1/groups/:slug/activity",
  "GET /api/v1/groups/:slug/leaderboard",
  "GET /api/v1/groups/:slug/gamification",
  "PUT /api/v1/groups/:slug/gamification",
  "GET /api/v1/invitations/template.csv",
  "GET /api/v1/invitations/template.xlsx",
  "POST /api/v1/invitations/import",
  "POST /api/v1/invitations",
  "GET /api/v1/invitations",
  "GET /api/v1/invitations/lookup",
  "POST /api/v1/invitations/accept",
  "POST /api/v1/invitations/accept-as-me",
  "POST /api/v1/invitations/decline",
  "GET /api/v1/me/invitations",
  "POST /api/v1/me/invitations/:id/accept",
  "POST /api/v1/me/invitations/:id/decline",
  "POST /api/v1/invitations/:id/resend",
  "DELETE /api/v1/invitations/:id",
  "GET /api/v1/profile-fields",
  "POST /api/v1/profile-fields",
  "POST /api/v1/profile-fields/reorder",
  "PATCH /api/v1/profile-fields/:key",
  "DELETE /api/v1/profile-fields/:key",
  "GET /api/v1/me/profile",
  "PATCH /api/v1/me/profile",
  "PUT /api/v1/me/avatar",
  "DELETE /api/v1/me/avatar",
  "GET /api/v1/members/:userId/profile",
  "PATCH /api/v1/members/:userId/profile",
  "GET /api/v1/directory",
  "GET /api/v1/members",
  "POST /api/v1/members/:userId/approve",
  "POST /api/v1/members/:userId/decline",
  "PATCH /api/v1/members/:userId",
  "POST /api/v1/members/:userId/suspend",
  "POST /api/v1/members/:userId/unsuspend",
  "DELETE /api/v1/members/:userId",
  "DELETE /api/v1/me",
  "POST /api/v1/plans",
  "GET /api/v1/plans",
  "GET /api/v1/plans/:id",
  "PATCH /api/v1/plans/:id",
  "DELETE /api/v1/plans/:id",
  "POST /api/v1/plans/:id/restore",
  "POST /api/v1/me/membership",
  "GET /api/v1/me/membership",
  "POST /api/v1/me/membership/cancel",
  "POST /api/v1/me/membership/undo-cancel",
  "POST /api/v1/me/membership/change",
  "DELETE /api/v1/me/membership/change",
  "PATCH /api/v1/me/membership/billing",
  "GET /api/v1/memberships",
  "POST /api/v1/memberships",
  "GET /api/v1/memberships/:id",
  "POST /api/v1/memberships/:id/confirm",
  "POST /api/v1/memberships/:id/cancel",
  "POST /api/v1/memberships/:id/undo-cancel",
  "POST /api/v1/memberships/:id/change",
  "PATCH /api/v1/memberships/:id/billing",
  "GET /api/v1/billing/settings",
  "PATCH /api/v1/billing/settings",
  "POST /api/v1/members/:userId/charges",
  "GET /api/v1/members/:userId/charges",
  "DELETE /api/v1/charges/:id",
  "GET /api/v1/me/invoices",
  "GET /api/v1/me/invoices/preview",
  "GET /api/v1/invoices",
  "GET /api/v1/invoices/:id",
  "GET /api/v1/invoices/:id/pdf",
  "POST /api/v1/invoices/:id/payments",
  "DELETE /api/v1/invoices/:id/payments/:paymentId",
  "POST /api/v1/invoices/:id/void",
  "GET /api/v1/invoices/:id/credit-note/pdf",
  "POST /api/v1/invoices/:id/checkout",
  "POST /api/v1/payments/stripe/webhook",
  "POST /api/v1/announcements",
  "GET /api/v1/announcements",
  "PATCH /api/v1/announcements/:id",
  "DELETE /api/v1/announcements/:id",
  "GET /api/v1/me/dashboard",
  "POST /api/v1/resources",
  "GET /api/v1/resources",
  "GET /api/v1/resources/:id",
  "PATCH /api/v1/resources/:id",
  "DELETE /api/v1/resources/:id",
  "PUT /api/v1/resources/:id/image",
  "GET /api/v1/members/:userId/hidden-resources",
  "PUT /api/v1/members/:userId/hidden-resources",
  "GET /api/v1/me/calendar",
  "POST /api/v1/me/calendar-token",
  "GET /api/v1/me/calendar.ics",
  "GET /api/v1/bookings/:file{[^/]+\\.ics}",
  "POST /api/v1/bookings/preview",
  "POST /api/v1/bookings",
  "GET /api/v1/me/bookings",
  "GET /api/v1/bookings",
  "GET /api/v1/bookings/:id",
  "DELETE /api/v1/bookings/:id",
  "GET /api/v1/guides",
  "POST /api/v1/guides",
  "GET /api/v1/guides/:id",
  "PATCH /api/v1/guides/:id",
  "DELETE /api/v1/guides/:id",
  "GET /api/v1/issues",
  "POST /api/v1/issues",
  "GET /api/v1/issues/:id",
  "PATCH /api/v1/issues/:id",
  "DELETE /api/v1/issues/:id",
  "POST /api/v1/issues/:id/close",
  "POST /api/v1/issues/:id/reopen",
  "POST /api/v1/issues/:id/comments",
  "POST /api/v1/issues/:id/attachments",
  "GET /api/v1/issues/:id/attachments/:attachmentId",
  "POST /api/v1/events",
  "GET /api/v1/events",
  "GET /api/v1/events/:id/attendees.csv",
  "GET /api/v1/events/:id/attendees",
  "GET /api/v1/events/:id",
  "PATCH /api/v1/events/:id",
  "DELETE /api/v1/events/:id",
  "POST /api/v1/events/:id/attend",
  "DELETE /api/v1/events/:id/attend",
]);

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
    const missing = named.filter((r) => !documented.has(SERVED_BY[r] ?? r) && !BEING_BUILT.has(r));
    expect(missing).toEqual([]);
    // A "being built" route that now exists must leave the set.
    expect([...BEING_BUILT].filter((r) => documented.has(r))).toEqual([]);
  });

  it("keeps docs/API.md the same text as the shared contract (../shared/API.md) where that is present", () => {
    if (shared !== undefined) expect(contract === shared, "docs/API.md differs from ../shared/API.md: copy it again").toBe(true);
    expect(contract).toContain("## Integrations");
  });

  it("documents every /api/v1 route with doc() first in its chain", () => {
    const offenders = apiRoutes(app)
      .filter((r) => !DOCUMENTED_ON_OTHER_BRANCHES.has(`${r.method} ${r.path}`))
      .filter((r) => !docOf(r.handlers[0]))
      .map((r) => `${r.method} ${r.path}${r.handlers.some((h) => docOf(h)) ? " (doc() not first)" : ""}`);
    expect(offenders).toEqual([]);
    // Listed routes must still be undocumented (the set only shrinks).
    const nowDocumented = apiRoutes(app).filter((r) => DOCUMENTED_ON_OTHER_BRANCHES.has(`${r.method} ${r.path}`) && r.handlers.some((h) => docOf(h)));
    expect(nowDocumented.map((r) => `${r.method} ${r.path}`)).toEqual([]);
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
    const { WEBHOOK_EVENT_TYPES } = await import("../webhooks/types");
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

  it("leaves the dev routes out in production", async () => {
    const production = { ...env, ENVIRONMENT: "production" };
    const res = await app.fetch(new Request(`https://${ROOT}/api/v1/openapi.json`), production, createExecutionContext());
    expect(res.status).toBe(200);
    const d = (await res.json()) as Json;
    expect(Object.keys(d.paths).filter((p) => p.includes("/dev/"))).toEqual([]);
    expect(Object.keys(d.paths)).toContain("/api/v1/tenants");
  });
});
