import { describe, expect, it } from "vitest";
import { app } from "../app";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { validatorOf } from "./validate";

/**
 * Every JSON route validates through `@hono/zod-validator` (the `json()` middleware of
 * http/validate.ts), attached to the route itself. A new route that reads a JSON body without
 * it fails here; a route that takes no JSON body is listed below and shown to ignore or refuse one.
 */

type ErrorJson = { error: { code: string; message: string; fields?: Record<string, string> } };

/** POST/PUT/PATCH routes under /api/v1 that take no JSON body: what a malformed JSON body gets from each (the owner, real ids). */
const NO_JSON_BODY: Record<string, { status: number; why: string }> = {
  "POST /api/v1/auth/logout": { status: 204, why: "signs out, ignores the body" },
  "POST /api/v1/tenant/domains/:hostname/verify": { status: 404, why: "no such domain; ignores the body" },
  "POST /api/v1/groups/:slug/domains/:hostname/verify": { status: 404, why: "no such domain; ignores the body" },
  "POST /api/v1/groups/:slug/restore": { status: 200, why: "nothing to restore; ignores the body" },
  "PUT /api/v1/groups/:slug/assets/:kind": { status: 415, why: "reads an image: refuses JSON" },
  "PUT /api/v1/tenant/assets/:kind": { status: 415, why: "reads an image: refuses JSON" },
  "PUT /api/v1/me/avatar": { status: 415, why: "reads an image: refuses JSON" },
  "PUT /api/v1/resources/:id/image": { status: 404, why: "no such resource; reads an image" },
  "POST /api/v1/groups/:slug/leave": { status: 204, why: "leaves, ignores the body" },
  "POST /api/v1/groups/:slug/requests/approve-all": { status: 200, why: "approves none, ignores the body" },
  "POST /api/v1/groups/:slug/requests/:id/approve": { status: 404, why: "no such request; ignores the body" },
  "POST /api/v1/groups/:slug/requests/:id/reject": { status: 404, why: "no such request; ignores the body" },
  "POST /api/v1/groups/:slug/members/:userId/ban": { status: 204, why: "bans, ignores the body" },
  "PUT /api/v1/groups/:slug/reactions/:targetType/:targetId/:key": { status: 200, why: "reacts, ignores the body" },
  "POST /api/v1/groups/:slug/reports/:id/dismiss": { status: 404, why: "no such report; ignores the body" },
  "POST /api/v1/invitations/import": { status: 422, why: "reads a multipart form: a JSON body has no file" },
  "POST /api/v1/members/import": { status: 422, why: "reads a multipart form: a JSON body has no file" },
  "POST /api/v1/me/invitations/:id/accept": { status: 404, why: "no such invitation; ignores the body" },
  "POST /api/v1/me/invitations/:id/decline": { status: 404, why: "no such invitation; ignores the body" },
  "POST /api/v1/invitations/:id/resend": { status: 200, why: "resends, ignores the body" },
  "POST /api/v1/members/:userId/approve": { status: 409, why: "already approved; ignores the body" },
  "POST /api/v1/members/:userId/decline": { status: 409, why: "already approved; ignores the body" },
  "POST /api/v1/members/:userId/suspend": { status: 200, why: "suspends, ignores the body" },
  "POST /api/v1/members/:userId/unsuspend": { status: 200, why: "unsuspends, ignores the body" },
  "POST /api/v1/members/:userId/login-link": { status: 202, why: "sends a link, ignores the body" },
  "POST /api/v1/plans/:id/restore": { status: 404, why: "no such plan; ignores the body" },
  "POST /api/v1/me/membership/cancel": { status: 404, why: "no membership to cancel; ignores the body" },
  "POST /api/v1/me/membership/undo-cancel": { status: 404, why: "no membership; ignores the body" },
  "POST /api/v1/memberships/:id/confirm": { status: 404, why: "no such membership; ignores the body" },
  "POST /api/v1/memberships/:id/undo-cancel": { status: 404, why: "no such membership; ignores the body" },
  "POST /api/v1/invoices/:id/checkout": { status: 404, why: "no such invoice; ignores the body" },
  "POST /api/v1/me/calendar-token": { status: 200, why: "replaces the calendar feed's URL, ignores the body" },
  "POST /api/v1/payments/stripe/webhook": { status: 409, why: "Stripe's raw body, checked by its signature: this community connected no Stripe account" },
  // help-api
  "POST /api/v1/issues/:id/close": { status: 404, why: "no such issue; ignores the body" },
  "POST /api/v1/issues/:id/reopen": { status: 404, why: "no such issue; ignores the body" },
  "POST /api/v1/issues/:id/attachments": { status: 404, why: "no such issue; reads an image" },
  // webhooks
  "POST /api/v1/webhooks/:id/rotate-secret": { status: 404, why: "no such webhook; ignores the body" },
  "POST /api/v1/webhooks/deliveries/:deliveryId/retry": { status: 404, why: "no such delivery; ignores the body" },
};

/** DELETE routes that read a JSON body (the others take none). */
const DELETE_WITH_BODY = ["DELETE /api/v1/me"];

/** Each API route once, with the validators among its handlers (middleware included). */
function apiRoutes() {
  const routes = new Map<string, ("json" | "query")[]>();
  for (const r of app.routes) {
    if (!r.path.startsWith("/api/v1/") || !["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method)) continue;
    const key = `${r.method} ${r.path}`;
    const kinds = routes.get(key) ?? [];
    const kind = validatorOf(r.handler);
    if (kind) kinds.push(kind);
    routes.set(key, kinds);
  }
  return routes;
}

describe("validation through @hono/zod-validator", () => {
  it("every POST, PUT and PATCH under /api/v1 validates its JSON body on the route, unless it is listed as taking none", () => {
    const routes = apiRoutes();
    const writes = [...routes.keys()].filter((k) => /^(POST|PUT|PATCH) /.test(k));
    expect(writes.length).toBeGreaterThan(50);
    const unvalidated = writes.filter((k) => !routes.get(k)!.includes("json") && !(k in NO_JSON_BODY));
    expect(unvalidated).toEqual([]);
    // The list stays true: a listed route that validates a body belongs off it, a listed route that is gone too.
    expect(Object.keys(NO_JSON_BODY).filter((k) => !routes.has(k) || routes.get(k)!.includes("json"))).toEqual([]);
    const deletes = [...routes.entries()].filter(([k, kinds]) => k.startsWith("DELETE ") && kinds.includes("json")).map(([k]) => k);
    expect(deletes).toEqual(DELETE_WITH_BODY);
    // GETs read no body: at most their query string.
    expect([...routes.entries()].filter(([k, kinds]) => k.startsWith("GET ") && kinds.includes("json")).map(([k]) => k)).toEqual([]);
  });

  it("query strings parsed with zod are validated on the route too", () => {
    const routes = apiRoutes();
    for (const k of ["GET /api/v1/invitations", "GET /api/v1/groups/:slug/reports", "GET /api/v1/groups/:slug/activity"]) expect(routes.get(k), k).toContain("query");
  });

  it("the routes listed as taking no JSON body ignore a malformed one, or refuse it as the wrong kind of body", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    const member = await signUpMember(tenant, "nobody-body@example.org", "Body Less");
    expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: owner, json: { name: "Bodies", slug: "bodies", joinPolicy: "open" } })).status).toBe(201);
    expect((await call(tenant.host, "POST", "/api/v1/groups/bodies/join", { cookie: member.cookie, json: {} })).status).toBe(200);
    const thread = (await (await call(tenant.host, "POST", "/api/v1/groups/bodies/threads", { cookie: owner, json: { title: "Hi", body: "First" } })).json()) as { thread: { id: string } };
    expect((await call(tenant.host, "POST", "/api/v1/invitations", { cookie: owner, json: { emails: ["body-invite@example.org"] } })).status).toBe(200);
    const pending = (await (await call(tenant.host, "GET", "/api/v1/invitations?status=pending", { cookie: owner })).json()) as { items: { id: string }[] };
    const invitationId = pending.items[0]!.id;
    const values: Record<string, string> = { slug: "bodies", hostname: "nothing.example.org", kind: "logo", id: "nothing", userId: member.id, targetType: "thread", targetId: thread.thread.id, key: "like" };

    const answers: Record<string, number> = {};
    // Sign-out last: the owner's session is needed until then.
    const order = Object.keys(NO_JSON_BODY).sort((a, b) => Number(a.endsWith("/logout")) - Number(b.endsWith("/logout")));
    for (const route of order) {
      const [method, pattern] = route.split(" ") as [string, string];
      const id = pattern.includes("/invitations/:id/resend") ? invitationId : undefined;
      const path = pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === "id" && id ? id : values[name]!));
      // The member leaves and is banned by themselves and the owner in turn: the owner cannot leave their own group.
      const cookie = route.endsWith("/leave") ? member.cookie : owner;
      const res = await call(tenant.host, method, path, { cookie, body: "{not json", headers: { "content-type": "application/json" } });
      answers[route] = res.status;
      if (res.status >= 400) expect(((await res.json()) as ErrorJson).error.code, route).not.toBe("malformed_json");
      else await res.body?.cancel();
    }
    expect(answers).toEqual(Object.fromEntries(Object.entries(NO_JSON_BODY).map(([k, v]) => [k, v.status])));
  });
});

describe("the error envelope of a JSON body is unchanged", () => {
  it("415 for another media type, 413 when too large (declared or sent), 400 when malformed, 422 with fields in English when invalid", async () => {
    const tenant = await makeTenant();
    const post = (body: string, headers: Record<string, string>) => call(tenant.host, "POST", "/api/v1/auth/signup", { body, headers });
    // The envelope as the API answers it (`display` beside it carries the reader's language).
    const envelope = async (res: Response) => {
      const { error } = (await res.json()) as ErrorJson;
      return { status: res.status, body: { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } } };
    };

    expect(await envelope(await post(JSON.stringify({ email: "a@example.org" }), { "content-type": "text/plain" }))).toEqual({
      status: 415,
      body: { error: { code: "unsupported_media_type", message: "Send JSON with Content-Type: application/json." } },
    });
    expect(await envelope(await post("email=a%40example.org", { "content-type": "application/x-www-form-urlencoded" }))).toMatchObject({ status: 415 });
    expect(await envelope(await post("{}", { "content-type": "application/json-seq" }))).toMatchObject({ status: 415 });
    const tooLarge = { status: 413, body: { error: { code: "payload_too_large", message: "The request body is too large." } } };
    expect(await envelope(await post(JSON.stringify({ name: "x".repeat(300 * 1024) }), { "content-type": "application/json" }))).toEqual(tooLarge);
    expect(await envelope(await post("{}", { "content-type": "application/json", "content-length": String(10 * 1024 * 1024) }))).toEqual(tooLarge);
    expect(await envelope(await post("{nope", { "content-type": "application/json; charset=utf-8" }))).toEqual({
      status: 400,
      body: { error: { code: "malformed_json", message: "The request body is not valid JSON." } },
    });
    expect(await envelope(await post(JSON.stringify({ email: "not an email", password: "short", name: "" }), { "content-type": "application/json" }))).toEqual({
      status: 422,
      body: {
        error: {
          code: "validation_failed",
          message: "Some fields are invalid.",
          fields: {
            email: "Enter a valid email address, like name@example.com.",
            password: expect.stringMatching(/^[A-Z].*\.$/) as unknown as string,
            name: expect.stringMatching(/^[A-Z].*\.$/) as unknown as string,
          },
        },
      },
    });
    // An empty body reads as `{}`: every required field is named, in English.
    const empty = await envelope(await post("", { "content-type": "application/json" }));
    expect(empty.status).toBe(422);
    expect(Object.keys(empty.body.error.fields ?? {}).sort()).toEqual(["email", "name", "password"]);
    for (const text of Object.values(empty.body.error.fields!)) expect(text).not.toMatch(/^field\./);
  });

  it("a route's checks still come before its body: 401 signed out, 403 not allowed, 404 no such group, whatever the body", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "order@example.org", "Order Member");
    const junk = { body: "{nope", headers: { "content-type": "text/plain" } };
    expect((await call(tenant.host, "POST", "/api/v1/groups", junk)).status).toBe(401);
    expect((await call(tenant.host, "PATCH", "/api/v1/tenant", { ...junk, cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/api/v1/groups/none/threads", { ...junk, cookie: member.cookie })).status).toBe(404);
    expect((await call(tenant.host, "DELETE", "/api/v1/me", junk)).status).toBe(401);
  });

  it("a query string parsed with zod answers the same 422 envelope", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "GET", "/api/v1/invitations?status=zzz&status=pending", { cookie: tenant.owner.cookie });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({ code: "validation_failed", message: "Some fields are invalid.", fields: { status: "Choose one of the options offered." } });
    expect((await call(tenant.host, "GET", "/api/v1/invitations?status=", { cookie: tenant.owner.cookie })).status).toBe(200);
  });
});
