import { describe, expect, it } from "vitest";
import { call, defineField, getPage, groupMember, makeGroup, makeTenant, setGroupRole, signUpMember, type TestTenant } from "../test/helpers";

// /admin/events, /admin/events/new, /admin/events/{id}: the administration of events through
// plain forms (times typed in the community's timezone), cancel, attendees with answers and
// their CSV; who may open them.

type EventBody = { id: string; title: string; startsAt: string; endsAt: string; capacity: number | null; price: { amount: number; currency: string } | null; taxRate: number; group: { slug: string } | null; fields: string[]; type: string | null; location: string | null; canceledAt: string | null };

async function setup() {
  const tenant = await makeTenant();
  expect((await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { timezone: "Europe/Paris" } })).status).toBe(200);
  return tenant;
}

/** A urlencoded body that may repeat a name (the fields' checkboxes). */
const formOf = (fields: [string, string][], cookie: string) => ({ cookie, body: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
const post = (tenant: TestTenant, path: string, fields: [string, string][], cookie = tenant.owner.cookie) => call(tenant.host, "POST", path, formOf(fields, cookie));
const eventJson = async (tenant: TestTenant, id: string) => ((await (await call(tenant.host, "GET", `/api/v1/events/${id}`, { cookie: tenant.owner.cookie })).json()) as { event: EventBody }).event;

/** Next year's 14 July (a summer day: Paris is UTC+2). */
const year = new Date().getUTCFullYear() + 1;
const FULL: [string, string][] = [
  ["title", "Atelier soudure"],
  ["description", "Apportez **vos** lunettes."],
  ["type", "Atelier"],
  ["startsAt", `${year}-07-14T18:30`],
  ["endsAt", `${year}-07-14T21:00`],
  ["location", "Le garage"],
  ["resourceId", ""],
  ["capacity", "12"],
  ["price", "12,50"],
  ["taxRate", "5,5"],
  ["group", ""],
  ["fields", "diet"],
];

async function create(tenant: TestTenant, fields: [string, string][] = FULL): Promise<string> {
  const res = await post(tenant, "/admin/events/new", fields);
  expect(res.status, await res.clone().text()).toBe(303);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/admin\/events\/[^/?]+\?done=created$/);
  return location.split("/")[3]!.split("?")[0]!;
}

describe("/admin/events: creating, editing, cancelling", () => {
  it("creates an event from every field, times read in the community's timezone, decimals with a comma; the form shows it back", async () => {
    const tenant = await setup();
    await defineField(tenant, { key: "diet", label: "Diet", type: "text" });
    const id = await create(tenant);
    const e = await eventJson(tenant, id);
    expect(e).toMatchObject({ title: "Atelier soudure", type: "Atelier", location: "Le garage", capacity: 12, price: { amount: 1250, currency: "EUR" }, taxRate: 5.5, group: null, fields: ["diet"] });
    expect(e.startsAt).toBe(`${year}-07-14T16:30:00.000Z`);
    expect(e.endsAt).toBe(`${year}-07-14T19:00:00.000Z`);
    const res = await getPage(tenant, `/admin/events/${id}?done=created&lang=fr`, tenant.owner.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Événement créé.");
    expect(html).toContain(`value="${year}-07-14T18:30"`);
    expect(html).toContain('value="12,50"');
    expect(html).toContain('value="5,5"');
    expect(html).toMatch(/name="fields" value="diet" checked/);
    expect(html).toContain(`href="/api/v1/events/${id}/attendees.csv"`);
    // Listed with its counts.
    const list = await (await getPage(tenant, "/admin/events?lang=en", tenant.owner.cookie)).text();
    expect(list).toContain("Atelier soudure");
    expect(list).toContain("0 / 12");
    expect(list).toContain('class="admin-nav-link is-active" href="/admin/events"');
  });

  it("refuses bad input with each error beside its field (422) and keeps what was typed; nothing is created", async () => {
    const tenant = await setup();
    const bad: [string, string][] = [
      ["title", ""],
      ["startsAt", `${year}-07-14T18:30`],
      ["endsAt", `${year}-07-14T17:00`],
      ["capacity", "douze"],
      ["price", "1,2,3"],
      ["taxRate", "5"],
      ["location", "Ici"],
    ];
    const res = await post(tenant, "/admin/events/new?lang=en", bad);
    expect(res.status).toBe(422);
    const html = await res.text();
    for (const field of ["title", "endsAt", "capacity", "price"]) expect(html, field).toMatch(new RegExp(`id="field-${field}-error"`));
    expect(html).toContain('value="Ici"');
    const noTime = await post(tenant, "/admin/events/new?lang=en", [["title", "Sans heure"], ["startsAt", "demain"], ["endsAt", ""]]);
    expect(noTime.status).toBe(422);
    const noTimeHtml = await noTime.text();
    expect(noTimeHtml).toContain("Enter a date and a time.");
    expect(noTimeHtml).toMatch(/id="field-endsAt-error"/);
    const list = await (await call(tenant.host, "GET", "/api/v1/events", { cookie: tenant.owner.cookie })).json();
    expect((list as { items: unknown[] }).items).toEqual([]);
  });

  it("edits (every field sent, a cleared one cleared), cancels (listed as canceled), and shows the attendees with their answers", async () => {
    const tenant = await setup();
    await defineField(tenant, { key: "diet", label: "Diet", type: "text" });
    const id = await create(tenant, FULL.map(([k, v]) => [k, k === "price" ? "" : v] as [string, string]));
    const member = await signUpMember(tenant, "mia@example.org", "Mia Member");
    expect((await call(tenant.host, "POST", `/api/v1/events/${id}/attend`, { cookie: member.cookie, json: { fields: { diet: "Végétarien" } } })).status).toBe(201);
    const edited = FULL.map(([k, v]) => [k, k === "title" ? "Atelier soudure avancé" : k === "location" ? "" : k === "price" ? "" : v] as [string, string]);
    const save = await post(tenant, `/admin/events/${id}`, edited);
    expect(save.status).toBe(303);
    expect(save.headers.get("location")).toBe(`/admin/events/${id}?done=saved`);
    expect(await eventJson(tenant, id)).toMatchObject({ title: "Atelier soudure avancé", location: null });
    const shown = await (await getPage(tenant, `/admin/events/${id}?lang=en`, tenant.owner.cookie)).text();
    expect(shown).toContain("Mia Member");
    expect(shown).toContain("mia@example.org");
    expect(shown).toContain("Végétarien");
    const cancel = await post(tenant, `/admin/events/${id}/cancel`, []);
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get("location")).toBe(`/admin/events/${id}?done=canceled`);
    expect((await eventJson(tenant, id)).canceledAt).not.toBeNull();
    const list = await (await getPage(tenant, "/admin/events?lang=en", tenant.owner.cookie)).text();
    expect(list).toMatch(/<tr class="is-canceled">/);
  });

  it("a resource held by a booking: 409 slot_taken shown above the form in the reader's language", async () => {
    const tenant = await setup();
    const resource = ((await (await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Salle Lovelace", category: "rooms", pricePerHour: { amount: 0, currency: "EUR" } } })).json()) as { resource: { id: string } }).resource;
    const booking = await call(tenant.host, "POST", "/api/v1/bookings", { cookie: tenant.owner.cookie, json: { resourceId: resource.id, from: `${year}-07-14T17:00:00.000Z`, to: `${year}-07-14T18:00:00.000Z` } });
    expect(booking.status).toBe(201);
    const form = await (await getPage(tenant, "/admin/events/new", tenant.owner.cookie)).text();
    expect(form).toContain(`<option value="${resource.id}"`);
    const res = await post(tenant, "/admin/events/new?lang=fr", FULL.map(([k, v]) => [k, k === "resourceId" ? resource.id : k === "fields" ? "" : v] as [string, string]));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("La salle est déjà réservée à ce moment-là.");
  });
});

describe("/admin/events: who may open it", () => {
  it("members and an owner viewing as a member get 403 on every page and form; a visitor is sent to log in", async () => {
    const tenant = await setup();
    const id = await create(tenant, FULL.filter(([k]) => k !== "fields"));
    const member = await signUpMember(tenant, "member@example.org");
    for (const cookie of [member.cookie, `${tenant.owner.cookie}; view_as=member`]) {
      for (const path of ["/admin/events", "/admin/events/new", `/admin/events/${id}`]) expect((await getPage(tenant, path, cookie)).status, path).toBe(403);
      expect((await post(tenant, "/admin/events/new", FULL, cookie)).status).toBe(403);
      expect((await post(tenant, `/admin/events/${id}`, FULL, cookie)).status).toBe(403);
      expect((await post(tenant, `/admin/events/${id}/cancel`, [], cookie)).status).toBe(403);
    }
    expect((await eventJson(tenant, id)).canceledAt).toBeNull();
    const visitor = await getPage(tenant, "/admin/events");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login?next=%2Fadmin%2Fevents");
  });

  it("a group's admin creates a free event for their group (the group preselected, no community-wide choice); a price is refused (403); another group's event is 403", async () => {
    const tenant = await setup();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    await makeGroup(tenant, { slug: "others", name: "Others", joinPolicy: "open" });
    const gadmin = await groupMember(tenant, "makers", "gadmin@example.org", "Gus Groupadmin");
    await setGroupRole(tenant, "makers", gadmin.id, "admin");
    const form = await (await getPage(tenant, "/admin/events/new?lang=en", gadmin.cookie)).text();
    expect(form).toMatch(/<option value="makers" selected/);
    expect(form).not.toContain('<option value="others"');
    expect(form).not.toContain(">The whole community<");
    const free = FULL.map(([k, v]) => [k, k === "price" ? "" : k === "group" ? "makers" : k === "fields" ? "" : v] as [string, string]);
    const res = await post(tenant, "/admin/events/new", free, gadmin.cookie);
    expect(res.status).toBe(303);
    const priced = await post(tenant, "/admin/events/new?lang=en", free.map(([k, v]) => [k, k === "price" ? "5" : v] as [string, string]), gadmin.cookie);
    expect(priced.status).toBe(403);
    expect(await priced.text()).toMatch(/id="field-price-error"[^>]*>Only the community’s admins can set a ticket price\.</);
    const theirs = await create(tenant, FULL.map(([k, v]) => [k, k === "group" ? "others" : k === "fields" ? "" : v] as [string, string]));
    expect((await getPage(tenant, `/admin/events/${theirs}`, gadmin.cookie)).status).toBe(404);
    const community = await create(tenant, FULL.filter(([k]) => k !== "fields"));
    expect((await getPage(tenant, `/admin/events/${community}`, gadmin.cookie)).status).toBe(403);
    expect((await post(tenant, `/admin/events/${community}/cancel`, [], gadmin.cookie)).status).toBe(403);
  });
});
