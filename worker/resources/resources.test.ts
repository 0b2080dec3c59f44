import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { png, svg } from "../test/images";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// The contract's resources rows (API.md "Resources and bookings") through HTTP.

type Resource = { id: string; name: string; category: string; units: number; hidden: boolean; taxRate: number; openingHours: unknown; planPrices: Record<string, unknown>; [k: string]: unknown };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

async function refused(res: Response): Promise<{ status: number; code: string; fields?: Record<string, string> }> {
  const body = (await res.json()) as { error: { code: string; fields?: Record<string, string> } };
  return { status: res.status, code: body.error.code, ...(body.error.fields ? { fields: body.error.fields } : {}) };
}

export const room = (tenant: TestTenant, json: Record<string, unknown> = {}, cookie = tenant.owner.cookie) =>
  call(tenant.host, "POST", "/api/v1/resources", { cookie, json: { name: "Salle Lovelace", category: "rooms", pricePerHour: { amount: 2000, currency: "EUR" }, ...json } });

describe("resources over HTTP", () => {
  it("tenant admins create with every field (201); 401 signed out, 403 to members; defaults: one unit, the billing's tax rate, always open", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "res-member@example.com");
    expect((await call(tenant.host, "POST", "/api/v1/resources", { json: {} })).status).toBe(401);
    expect(await refused(await room(tenant, {}, member.cookie))).toMatchObject({ status: 403, code: "forbidden" });
    const plan = (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } }), 201)).plan;
    const full = {
      name: "Salle Hopper",
      category: "rooms",
      description: "Eight seats, a screen.",
      units: 2,
      capacity: 8,
      pricePerHour: { amount: 3000, currency: "EUR" },
      planPrices: { [plan.id]: { amount: 1500, currency: "EUR" } },
      taxRate: 5.5,
      minMinutes: 30,
      maxMinutes: 240,
      cutoffHours: 2,
      cancellationHours: 24,
      openingHours: [
        { day: 1, from: "08:00", to: "20:00" },
        { day: 6, from: "10:00", to: "24:00" },
      ],
      hidden: false,
    };
    const created = (await ok<{ resource: Resource }>(await room(tenant, full), 201)).resource;
    expect(created).toEqual({ id: expect.any(String), image: null, ...full, planPrices: { [plan.id]: { amount: 1500, currency: "EUR" } } });
    const plain = (await ok<{ resource: Resource }>(await room(tenant), 201)).resource;
    expect(plain).toMatchObject({ units: 1, capacity: null, taxRate: 0, minMinutes: null, maxMinutes: null, cutoffHours: null, cancellationHours: null, openingHours: null, hidden: false, description: "", planPrices: {} });
    expect((await ok<{ resource: Resource }>(await call(tenant.host, "GET", `/api/v1/resources/${created.id}`, { cookie: member.cookie }))).resource).toEqual(created);
  });

  it("every bad input is a 4xx in the envelope: 422 with fields, 422 currency_mismatch, 400 malformed JSON, 415", async () => {
    const tenant = await makeTenant();
    expect(await refused(await room(tenant, { name: "", units: 0, category: "x".repeat(61) }))).toMatchObject({ status: 422, code: "validation_failed", fields: { name: expect.any(String), units: expect.any(String), category: expect.any(String) } });
    expect(await refused(await room(tenant, { name: "x".repeat(201) }))).toMatchObject({ status: 422, fields: { name: expect.any(String) } });
    expect(await refused(await room(tenant, { openingHours: [{ day: 8, from: "08:00", to: "20:00" }] }))).toMatchObject({ status: 422, fields: { "openingHours.0": expect.any(String) } });
    expect(await refused(await room(tenant, { openingHours: [{ day: 1, from: "20:00", to: "08:00" }] }))).toMatchObject({ status: 422, fields: { "openingHours.0": expect.any(String) } });
    expect(await refused(await room(tenant, { openingHours: [{ day: 1, from: "8h", to: "24:00" }] }))).toMatchObject({ status: 422 });
    expect(await refused(await room(tenant, { minMinutes: 120, maxMinutes: 60 }))).toMatchObject({ status: 422, fields: { maxMinutes: expect.any(String) } });
    expect(await refused(await room(tenant, { pricePerHour: { amount: -1, currency: "EUR" } }))).toMatchObject({ status: 422, fields: { "pricePerHour.amount": expect.any(String) } });
    expect(await refused(await room(tenant, { pricePerHour: { amount: 100, currency: "USD" } }))).toMatchObject({ status: 422, code: "currency_mismatch" });
    expect(await refused(await room(tenant, { planPrices: { nope: { amount: 100, currency: "EUR" } } }))).toMatchObject({ status: 422, fields: { "planPrices.nope": expect.any(String) } });
    expect(await refused(await room(tenant, { taxRate: 5.555 }))).toMatchObject({ status: 422, fields: { taxRate: expect.any(String) } });
    expect(await refused(await room(tenant, { surprise: 1 }))).toMatchObject({ status: 422, fields: { surprise: expect.any(String) } });
    expect(await refused(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, body: "{", headers: { "content-type": "application/json" } }))).toMatchObject({ status: 400, code: "malformed_json" });
    expect((await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, body: "name=x", headers: { "content-type": "text/plain" } })).status).toBe(415);
    const r = (await ok<{ resource: Resource }>(await room(tenant, { minMinutes: 30 }), 201)).resource;
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/resources/${r.id}`, { cookie: tenant.owner.cookie, json: { maxMinutes: 15 } }))).toMatchObject({ status: 422, fields: { maxMinutes: expect.any(String) } });
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/resources/${r.id}`, { cookie: tenant.owner.cookie, json: { units: 1.5 } }))).toMatchObject({ status: 422 });
  });

  it("members list the resources they may book: hidden ones and those hidden for them are 404; admins see them all", async () => {
    const tenant = await makeTenant();
    const ana = await signUpMember(tenant, "res-ana@example.com", "Ana");
    const bob = await signUpMember(tenant, "res-bob@example.com", "Bob");
    const desk = (await ok<{ resource: Resource }>(await room(tenant, { name: "Desk 1", category: "desks" }), 201)).resource;
    const secret = (await ok<{ resource: Resource }>(await room(tenant, { name: "Back office", hidden: true }), 201)).resource;
    const lab = (await ok<{ resource: Resource }>(await room(tenant, { name: "Lab" }), 201)).resource;
    const names = async (cookie: string) => (await ok<{ items: Resource[]; nextCursor: null }>(await call(tenant.host, "GET", "/api/v1/resources", { cookie }))).items.map((r) => r.name);
    expect(await names(tenant.owner.cookie)).toEqual(["Desk 1", "Back office", "Lab"]);
    expect(await names(ana.cookie)).toEqual(["Desk 1", "Lab"]);
    expect(await refused(await call(tenant.host, "PUT", `/api/v1/members/${ana.id}/hidden-resources`, { cookie: ana.cookie, json: { resourceIds: [] } }))).toMatchObject({ status: 403 });
    expect(await ok<{ resourceIds: string[] }>(await call(tenant.host, "PUT", `/api/v1/members/${ana.id}/hidden-resources`, { cookie: tenant.owner.cookie, json: { resourceIds: [lab.id, lab.id] } }))).toEqual({ resourceIds: [lab.id] });
    expect(await ok<{ resourceIds: string[] }>(await call(tenant.host, "GET", `/api/v1/members/${ana.id}/hidden-resources`, { cookie: tenant.owner.cookie }))).toEqual({ resourceIds: [lab.id] });
    expect(await names(ana.cookie)).toEqual(["Desk 1"]);
    expect(await names(bob.cookie)).toEqual(["Desk 1", "Lab"]);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${lab.id}`, { cookie: ana.cookie })).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${lab.id}`, { cookie: bob.cookie })).status).toBe(200);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${secret.id}`, { cookie: bob.cookie })).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${secret.id}`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${desk.id}`)).status).toBe(401);
    // Unknown resources and members.
    expect(await refused(await call(tenant.host, "PUT", `/api/v1/members/${ana.id}/hidden-resources`, { cookie: tenant.owner.cookie, json: { resourceIds: [desk.id, "nope"] } }))).toMatchObject({ status: 422, fields: { "resourceIds.1": expect.any(String) } });
    expect((await call(tenant.host, "GET", `/api/v1/members/nobody/hidden-resources`, { cookie: tenant.owner.cookie })).status).toBe(404);
    expect(await ok<{ resourceIds: string[] }>(await call(tenant.host, "PUT", `/api/v1/members/${ana.id}/hidden-resources`, { cookie: tenant.owner.cookie, json: { resourceIds: [] } }))).toEqual({ resourceIds: [] });
    expect(await names(ana.cookie)).toEqual(["Desk 1", "Lab"]);
  });

  it("PATCH edits; DELETE answers 204 then 404, 409 resource_in_use while a booking has not ended; another community's resource is 404", async () => {
    const tenant = await makeTenant();
    const other = await makeTenant();
    const member = await signUpMember(tenant, "res-del@example.com");
    const r = (await ok<{ resource: Resource }>(await room(tenant), 201)).resource;
    expect((await ok<{ resource: Resource }>(await call(tenant.host, "PATCH", `/api/v1/resources/${r.id}`, { cookie: tenant.owner.cookie, json: { name: "Salle Turing", units: 3, openingHours: null } }))).resource).toMatchObject({ name: "Salle Turing", units: 3, openingHours: null });
    expect((await call(tenant.host, "PATCH", `/api/v1/resources/${r.id}`, { cookie: member.cookie, json: { name: "Mine" } })).status).toBe(403);
    expect((await call(other.host, "GET", `/api/v1/resources/${r.id}`, { cookie: other.owner.cookie })).status).toBe(404);
    expect((await call(other.host, "DELETE", `/api/v1/resources/${r.id}`, { cookie: other.owner.cookie })).status).toBe(404);
    const now = Date.now();
    await env.DB.prepare("insert into bookings (id, tenant_id, resource_id, user_id, from_ms, to_ms, currency, created_at) values ('bk-del', ?1, ?2, ?3, ?4, ?5, 'EUR', ?4)")
      .bind(tenant.id, r.id, member.id, now - 3_600_000, now + 3_600_000)
      .run();
    expect(await refused(await call(tenant.host, "DELETE", `/api/v1/resources/${r.id}`, { cookie: tenant.owner.cookie }))).toMatchObject({ status: 409, code: "resource_in_use" });
    await env.DB.prepare("update bookings set to_ms = ?1 where id = 'bk-del'").bind(now - 60_000).run();
    expect((await call(tenant.host, "DELETE", `/api/v1/resources/${r.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${r.id}`, { cookie: tenant.owner.cookie })).status).toBe(404);
    expect((await call(tenant.host, "DELETE", `/api/v1/resources/${r.id}`, { cookie: tenant.owner.cookie })).status).toBe(404);
  });

  it("features.bookings off: members get 403 feature_disabled on reads; admins are never stopped", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "res-switch@example.com");
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: false } } }));
    const r = (await ok<{ resource: Resource }>(await room(tenant), 201)).resource;
    expect(await refused(await call(tenant.host, "GET", "/api/v1/resources", { cookie: member.cookie }))).toMatchObject({ status: 403, code: "feature_disabled" });
    expect(await refused(await call(tenant.host, "GET", `/api/v1/resources/${r.id}`, { cookie: member.cookie }))).toMatchObject({ status: 403, code: "feature_disabled" });
    expect((await call(tenant.host, "GET", "/api/v1/resources", { cookie: tenant.owner.cookie })).status).toBe(200);
  });
});

describe("a resource's picture", () => {
  it("PUT /resources/{id}/image takes a real image (checked from its bytes) from admins; 415 for anything else, 403 to members, 404 for no resource", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "res-image@example.com");
    const r = (await ok<{ resource: Resource }>(await room(tenant), 201)).resource;
    const put = (body: Uint8Array<ArrayBuffer>, cookie = tenant.owner.cookie, id = r.id) => call(tenant.host, "PUT", `/api/v1/resources/${id}/image`, { cookie, body, headers: { "content-type": "image/png" } });
    const answer = (await ok<{ resource: Resource }>(await put(png(40, 30)))).resource;
    expect(answer.image).toMatch(new RegExp(`^/media/tenants/${tenant.id}/resources/${r.id}/image/[0-9a-f]{64}\\.png$`));
    const media = await call(tenant.host, "GET", answer.image as string);
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toBe("image/png");
    expect((await ok<{ resource: Resource }>(await call(tenant.host, "GET", `/api/v1/resources/${r.id}`, { cookie: member.cookie }))).resource.image).toBe(answer.image);
    expect(await refused(await put(svg()))).toMatchObject({ status: 415 });
    expect(await refused(await put(png(), member.cookie))).toMatchObject({ status: 403 });
    expect(await refused(await put(png(), tenant.owner.cookie, "nope"))).toMatchObject({ status: 404 });
  });
});
