import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { XSS_CORPUS } from "../discussions/xss-corpus";
import { call, defineField, groupMember, makeGroup, makeTenant, setGroupRole, signUpMember, type TestTenant } from "../test/helpers";
import { outboxTo } from "../test/mail";

// The contract's "Events" rows (API.md) through HTTP: who creates what, visibility of group
// events, registration (going, waitlist, promotion and its email, concurrency), tickets on the
// invoice preview, fields asked at registration, resource holds against bookings, moving and
// canceling, attendees and their CSV. Requests run at the real time: every event is placed
// relative to now (whole UTC hours; the community's timezone is Europe/Paris).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
/** A whole UTC hour `days` days ahead, at `hour` UTC. */
const at = (days: number, hour: number, minute = 0) => {
  const d = new Date(Date.now() + days * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour, minute);
};

type Money = { amount: number; currency: string };
export type EventBody = {
  id: string;
  title: string;
  description: string;
  descriptionHtml: string;
  type: string | null;
  startsAt: string;
  endsAt: string;
  location: string | null;
  resource: { id: string; name: string } | null;
  capacity: number | null;
  price: Money | null;
  group: { slug: string; name: string } | null;
  fields: string[];
  going: number;
  waitlisted: number;
  myStatus: "going" | "waitlisted" | null;
  canceledAt: string | null;
};
type Attendee = { userId: string; name: string; email: string; status: "going" | "waitlisted"; position: number; answers: Record<string, unknown> };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
async function refused(res: Response): Promise<{ status: number; code: string; fields?: Record<string, string> }> {
  const body = (await res.json()) as { error: { code: string; fields?: Record<string, string> } };
  return { status: res.status, code: body.error.code, ...(body.error.fields ? { fields: body.error.fields } : {}) };
}

const post = (tenant: TestTenant, cookie: string, json: Record<string, unknown>) => call(tenant.host, "POST", "/api/v1/events", { cookie, json });
async function makeEvent(tenant: TestTenant, json: Record<string, unknown> = {}, cookie = tenant.owner.cookie): Promise<EventBody> {
  return (await ok<{ event: EventBody }>(await post(tenant, cookie, { title: "Soirée pizza", startsAt: iso(at(7, 18)), endsAt: iso(at(7, 21)), ...json }), 201)).event;
}
const attend = (tenant: TestTenant, cookie: string, id: string, json?: Record<string, unknown>) => call(tenant.host, "POST", `/api/v1/events/${id}/attend`, json ? { cookie, json } : { cookie });
const leave = (tenant: TestTenant, cookie: string, id: string) => call(tenant.host, "DELETE", `/api/v1/events/${id}/attend`, { cookie });
const getEvent = async (tenant: TestTenant, cookie: string, id: string) => (await ok<{ event: EventBody }>(await call(tenant.host, "GET", `/api/v1/events/${id}`, { cookie }))).event;
/** The event emails (they link to an event page) queued for these addresses. */
const eventMails = async (tenant: TestTenant, ...to: string[]) => (await outboxTo(tenant.id, ...to)).filter((m) => m.text.includes("/events/"));
const attendeesOf = async (tenant: TestTenant, id: string, cookie = tenant.owner.cookie) => (await ok<{ items: Attendee[] }>(await call(tenant.host, "GET", `/api/v1/events/${id}/attendees`, { cookie }))).items;

async function plan(tenant: TestTenant) {
  return (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } }), 201)).plan;
}
/** A member signed up and, with `planId`, put on that plan (active from today). */
async function memberOn(tenant: TestTenant, email: string, planId: string | null, name = "Max Member") {
  const m = await signUpMember(tenant, email, name);
  if (planId) await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: m.cookie, json: { planId } }), 201);
  return m;
}
async function resource(tenant: TestTenant, json: Record<string, unknown> = {}) {
  return (await ok<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Salle Lovelace", category: "rooms", pricePerHour: { amount: 0, currency: "EUR" }, ...json } }), 201)).resource;
}
type PreviewLine = { description: string; amount: Money; taxRate: number };
const invoicePreview = async (tenant: TestTenant, cookie: string) => {
  const res = await call(tenant.host, "GET", "/api/v1/me/invoices/preview", { cookie });
  return res.status === 404 ? { lines: [] as PreviewLine[], total: { amount: 0, currency: "EUR" } } : ok<{ lines: PreviewLine[]; total: Money }>(res);
};

describe("creating events: who may", () => {
  it("owners and admins create (201 {event} in the GET's shape); members get 403; visitors 401", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ev-create-member@example.com");
    expect((await call(tenant.host, "POST", "/api/v1/events", { json: { title: "x", startsAt: iso(at(2, 9)), endsAt: iso(at(2, 10)) } })).status).toBe(401);
    expect(await refused(await post(tenant, member.cookie, { title: "Mine", startsAt: iso(at(2, 9)), endsAt: iso(at(2, 10)) }))).toMatchObject({ status: 403, code: "forbidden" });
    const e = await makeEvent(tenant, { description: "**Bring** a friend", type: "social", location: "Rooftop", capacity: 30, price: { amount: 1500, currency: "EUR" }, taxRate: 20 });
    expect(e).toMatchObject({
      title: "Soirée pizza",
      description: "**Bring** a friend",
      type: "social",
      location: "Rooftop",
      resource: null,
      capacity: 30,
      price: { amount: 1500, currency: "EUR" },
      group: null,
      fields: [],
      going: 0,
      waitlisted: 0,
      myStatus: null,
      canceledAt: null,
      startsAt: iso(at(7, 18)),
      endsAt: iso(at(7, 21)),
    });
    expect(e.descriptionHtml).toContain("<strong>Bring</strong>");
    expect(await getEvent(tenant, member.cookie, e.id)).toMatchObject({ id: e.id, title: "Soirée pizza", price: { amount: 1500, currency: "EUR" } });
  });

  it("422 for bad input: end before start, a title over 200 characters, an offset-less time, an unknown field or resource, another currency", async () => {
    const tenant = await makeTenant();
    const base = { title: "Talk", startsAt: iso(at(3, 9)), endsAt: iso(at(3, 10)) };
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, endsAt: base.startsAt }))).toMatchObject({ status: 422, fields: { endsAt: expect.any(String) } });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, title: "x".repeat(201) }))).toMatchObject({ status: 422, fields: { title: expect.any(String) } });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, description: "x".repeat(20_001) }))).toMatchObject({ status: 422, fields: { description: expect.any(String) } });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, startsAt: "2030-01-01T10:00" }))).toMatchObject({ status: 422, fields: { startsAt: expect.any(String) } });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, fields: ["nope"] }))).toMatchObject({ status: 422, fields: { fields: expect.any(String) } });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, resourceId: "nope" }))).toMatchObject({ status: 422, fields: { resourceId: expect.any(String) } });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, group: "nope" }))).toMatchObject({ status: 422, fields: { group: expect.any(String) } });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, price: { amount: 1000, currency: "USD" } }))).toMatchObject({ status: 422, code: "currency_mismatch" });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, capacity: -1 }))).toMatchObject({ status: 422 });
    expect(await refused(await post(tenant, tenant.owner.cookie, { ...base, extra: 1 }))).toMatchObject({ status: 422 });
  });

  it("a group's admins manage their group's free events; a price needs a community admin (403); other groups' admins and members 403", async () => {
    const tenant = await makeTenant();
    const makers = await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    await makeGroup(tenant, { slug: "runners", name: "Runners", joinPolicy: "open" });
    const gadmin = await groupMember(tenant, "makers", "ev-gadmin@example.com", "Grace");
    await setGroupRole(tenant, "makers", gadmin.id, "admin");
    const plain = await groupMember(tenant, "makers", "ev-gmember@example.com");
    const slot = { startsAt: iso(at(5, 17)), endsAt: iso(at(5, 19)) };
    const e = await makeEvent(tenant, { title: "Soldering 101", group: "makers", ...slot }, gadmin.cookie);
    expect(e.group).toEqual({ slug: "makers", name: "Makers" });
    expect(await refused(await post(tenant, gadmin.cookie, { title: "Paid", group: "makers", price: { amount: 500, currency: "EUR" }, ...slot }))).toMatchObject({ status: 403 });
    expect(await refused(await post(tenant, gadmin.cookie, { title: "Elsewhere", group: "runners", ...slot }))).toMatchObject({ status: 403 });
    expect(await refused(await post(tenant, gadmin.cookie, { title: "Everyone", ...slot }))).toMatchObject({ status: 403 });
    expect(await refused(await post(tenant, plain.cookie, { title: "Mine", group: "makers", ...slot }))).toMatchObject({ status: 403 });
    // They edit and cancel it, and read its attendees; a price on it is refused.
    expect((await ok<{ event: EventBody }>(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: gadmin.cookie, json: { location: "Workshop" } }))).event.location).toBe("Workshop");
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: gadmin.cookie, json: { price: { amount: 500, currency: "EUR" } } }))).toMatchObject({ status: 403 });
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: plain.cookie, json: { location: "x" } }))).toMatchObject({ status: 403 });
    expect(await attendeesOf(tenant, e.id, gadmin.cookie)).toEqual([]);
    expect((await call(tenant.host, "GET", `/api/v1/events/${e.id}/attendees`, { cookie: plain.cookie })).status).toBe(403);
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${e.id}`, { cookie: gadmin.cookie })).status).toBe(204);
    // A community admin may price a group's event.
    expect((await makeEvent(tenant, { title: "Paid by admin", group: "makers", price: { amount: 500, currency: "EUR" }, ...slot })).price).toEqual({ amount: 500, currency: "EUR" });
  });
});

describe("seeing events", () => {
  it("group events: visible to that group's members only (404 and absent from the list for others); admins see all", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const inside = await groupMember(tenant, "makers", "ev-inside@example.com");
    const outside = await signUpMember(tenant, "ev-outside@example.com");
    const open = await makeEvent(tenant, { title: "Open day" });
    const closed = await makeEvent(tenant, { title: "Makers night", group: "makers" });
    const titles = async (cookie: string) => (await ok<{ items: EventBody[] }>(await call(tenant.host, "GET", "/api/v1/events", { cookie }))).items.map((e) => e.title).sort();
    expect(await titles(inside.cookie)).toEqual(["Makers night", "Open day"]);
    expect(await titles(outside.cookie)).toEqual(["Open day"]);
    expect(await titles(tenant.owner.cookie)).toEqual(["Makers night", "Open day"]);
    expect((await call(tenant.host, "GET", `/api/v1/events/${closed.id}`, { cookie: outside.cookie })).status).toBe(404);
    expect((await attend(tenant, outside.cookie, closed.id)).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/events/${closed.id}.ics`, { cookie: outside.cookie })).status).toBe(404);
    expect((await getEvent(tenant, inside.cookie, closed.id)).group).toEqual({ slug: "makers", name: "Makers" });
    expect(await ok(await attend(tenant, inside.cookie, closed.id), 201)).toEqual({ status: "going" });
    // Another community's event is 404 too.
    const other = await makeTenant();
    expect((await call(other.host, "GET", `/api/v1/events/${open.id}`, { cookie: other.owner.cookie })).status).toBe(404);
  });

  it("when=upcoming (default, by start) and past (newest first), type, from/to, and pages with a cursor", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ev-list@example.com");
    const a = await makeEvent(tenant, { title: "A", type: "talk", startsAt: iso(at(3, 9)), endsAt: iso(at(3, 10)) });
    const b = await makeEvent(tenant, { title: "B", type: "social", startsAt: iso(at(1, 9)), endsAt: iso(at(1, 10)) });
    const c = await makeEvent(tenant, { title: "C", type: "talk", startsAt: iso(at(10, 9)), endsAt: iso(at(10, 10)) });
    const p1 = await makeEvent(tenant, { title: "P1", startsAt: iso(at(-3, 9)), endsAt: iso(at(-3, 10)) });
    const p2 = await makeEvent(tenant, { title: "P2", startsAt: iso(at(-1, 9)), endsAt: iso(at(-1, 10)) });
    const list = async (q: string) => ok<{ items: EventBody[]; nextCursor: string | null }>(await call(tenant.host, "GET", `/api/v1/events${q}`, { cookie: member.cookie }));
    expect((await list("")).items.map((e) => e.id)).toEqual([b.id, a.id, c.id]);
    expect((await list("?when=past")).items.map((e) => e.id)).toEqual([p2.id, p1.id]);
    expect((await list("?type=talk")).items.map((e) => e.id)).toEqual([a.id, c.id]);
    expect((await list(`?from=${iso(at(-2, 0))}&to=${iso(at(4, 0))}`)).items.map((e) => e.id)).toEqual([p2.id, b.id, a.id]);
    const first = await list("?limit=2");
    expect(first.items.map((e) => e.id)).toEqual([b.id, a.id]);
    const second = await list(`?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second).toEqual({ items: [expect.objectContaining({ id: c.id })], nextCursor: null });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/events?cursor=bogus", { cookie: member.cookie }))).toMatchObject({ status: 400, code: "invalid_cursor" });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/events?when=soon", { cookie: member.cookie }))).toMatchObject({ status: 422 });
    expect(await refused(await call(tenant.host, "GET", `/api/v1/events?from=${iso(at(4, 0))}&to=${iso(at(2, 0))}`, { cookie: member.cookie }))).toMatchObject({ status: 422 });
  });

  it("features.events off: every member route answers 403 feature_disabled (reads and cancellations included), never to owners and admins", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ev-switch@example.com");
    const e = await makeEvent(tenant);
    expect(await ok(await attend(tenant, member.cookie, e.id), 201)).toEqual({ status: "going" });
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { events: false } } }));
    for (const [method, path] of [
      ["GET", "/api/v1/events"],
      ["GET", `/api/v1/events/${e.id}`],
      ["GET", `/api/v1/events/${e.id}.ics`],
      ["POST", `/api/v1/events/${e.id}/attend`],
      ["DELETE", `/api/v1/events/${e.id}/attend`],
      ["POST", "/api/v1/events"],
    ] as const) {
      expect(await refused(await call(tenant.host, method, path, { cookie: member.cookie, ...(method === "POST" ? { json: {} } : {}) })), `${method} ${path}`).toMatchObject({ status: 403, code: "feature_disabled" });
    }
    expect((await call(tenant.host, "GET", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await call(tenant.host, "GET", "/api/v1/events", { cookie: tenant.owner.cookie })).status).toBe(200);
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { events: true } } }));
    expect((await getEvent(tenant, member.cookie, e.id)).myStatus).toBe("going");
  });

  it("the XSS corpus through descriptions: descriptionHtml keeps no script, handler or dangerous URL", async () => {
    const tenant = await makeTenant();
    const e = await makeEvent(tenant, { description: XSS_CORPUS.join("\n\n") });
    const list = (await ok<{ items: EventBody[] }>(await call(tenant.host, "GET", "/api/v1/events", { cookie: tenant.owner.cookie }))).items;
    for (const html of [e.descriptionHtml, list[0]!.descriptionHtml]) {
      expect(html).not.toMatch(/<script|<img|<svg|<iframe|<style|<object|<form|<meta|<details|<math/i);
      for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) expect(tag).not.toMatch(/\son[a-z]+\s*=|style=/i);
      expect(html).not.toMatch(/(href|src)="\s*(javascript|data|vbscript|file):/i);
    }
    // Each entry alone too (a sanitiser can fail on one input and not on the joined text).
    for (const input of XSS_CORPUS) {
      const one = (await ok<{ event: EventBody }>(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { description: input } }))).event;
      expect(one.descriptionHtml, input).not.toMatch(/<script|<img|<svg|<iframe|(href|src)="\s*(javascript|data|vbscript|file):/i);
      for (const [tag] of one.descriptionHtml.matchAll(/<[a-zA-Z][^>]*>/g)) expect(tag, input).not.toMatch(/\son[a-z]+\s*=|style=/i);
    }
  });
});

describe("registering", () => {
  it("capacity 1: the first is going, the second waitlisted; the first cancels → the second is promoted and emailed", async () => {
    const tenant = await makeTenant();
    const ana = await signUpMember(tenant, "ev-ana@example.com", "Ana");
    const bob = await signUpMember(tenant, "ev-bob@example.com", "Bob");
    const e = await makeEvent(tenant, { title: "Atelier vélo", capacity: 1 });
    expect(await ok(await attend(tenant, ana.cookie, e.id), 201)).toEqual({ status: "going" });
    expect(await ok(await attend(tenant, bob.cookie, e.id), 201)).toEqual({ status: "waitlisted" });
    expect(await getEvent(tenant, bob.cookie, e.id)).toMatchObject({ going: 1, waitlisted: 1, myStatus: "waitlisted" });
    const listed = async (cookie: string) => (await ok<{ items: EventBody[] }>(await call(tenant.host, "GET", "/api/v1/events", { cookie }))).items[0];
    expect(await listed(bob.cookie)).toMatchObject({ going: 1, waitlisted: 1, myStatus: "waitlisted" });
    expect(await listed(ana.cookie)).toMatchObject({ going: 1, waitlisted: 1, myStatus: "going" });
    expect(await refused(await attend(tenant, bob.cookie, e.id))).toMatchObject({ status: 409, code: "already_registered" });
    expect(await eventMails(tenant, bob.email)).toHaveLength(0);
    expect((await leave(tenant, ana.cookie, e.id)).status).toBe(204);
    expect(await getEvent(tenant, bob.cookie, e.id)).toMatchObject({ going: 1, waitlisted: 0, myStatus: "going" });
    // The list (kept a few seconds per isolate) shows the change at once in the isolate that made it.
    expect(await listed(bob.cookie)).toMatchObject({ going: 1, waitlisted: 0, myStatus: "going" });
    expect(await listed(ana.cookie)).toMatchObject({ myStatus: null });
    const mails = await eventMails(tenant, bob.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain("Atelier vélo");
    expect(mails[0]!.text).toContain(`/events/${e.id}`);
    expect(await eventMails(tenant, ana.email)).toHaveLength(0);
    expect((await leave(tenant, ana.cookie, e.id)).status).toBe(404);
  });

  it("20 concurrent registrations for 5 seats: exactly 5 going, the other 15 waitlisted in arrival order", async () => {
    const tenant = await makeTenant();
    const e = await makeEvent(tenant, { capacity: 5 });
    const people = [];
    for (let i = 0; i < 20; i++) people.push(await signUpMember(tenant, `ev-rush-${i}@example.com`, `Rusher ${i}`));
    const answers = await Promise.all(people.map(async (p) => ({ id: p.id, status: (await ok<{ status: string }>(await attend(tenant, p.cookie, e.id), 201)).status })));
    expect(answers.filter((a) => a.status === "going")).toHaveLength(5);
    expect(answers.filter((a) => a.status === "waitlisted")).toHaveLength(15);
    const list = await attendeesOf(tenant, e.id);
    // Positions number the arrivals 1..20 without a gap; the 5 going are the first five to arrive.
    expect(list.map((a) => a.position).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(list.filter((a) => a.status === "going").map((a) => a.position)).toEqual([1, 2, 3, 4, 5]);
    expect(list.filter((a) => a.status === "waitlisted").map((a) => a.position)).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
    for (const a of list) expect(answers.find((x) => x.id === a.userId)!.status).toBe(a.status);
    // A freed seat goes to the first to have arrived on the waitlist.
    const firstGoing = people.find((p) => p.id === list[0]!.userId)!;
    const firstWaiting = list.find((a) => a.position === 6)!;
    expect((await leave(tenant, firstGoing.cookie, e.id)).status).toBe(204);
    const after = await attendeesOf(tenant, e.id);
    expect(after.find((a) => a.userId === firstWaiting.userId)!.status).toBe("going");
    expect(after.filter((a) => a.status === "going")).toHaveLength(5);
  });

  it("raising capacity promotes waiting members at once (with their email); lowering it moves nobody", async () => {
    const tenant = await makeTenant();
    const e = await makeEvent(tenant, { capacity: 1 });
    const [a, b, c] = [await signUpMember(tenant, "ev-cap-a@example.com"), await signUpMember(tenant, "ev-cap-b@example.com"), await signUpMember(tenant, "ev-cap-c@example.com")];
    for (const m of [a, b, c]) await ok(await attend(tenant, m.cookie, e.id), 201);
    const raised = (await ok<{ event: EventBody }>(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { capacity: 2 } }))).event;
    expect(raised).toMatchObject({ capacity: 2, going: 2, waitlisted: 1 });
    expect((await getEvent(tenant, b.cookie, e.id)).myStatus).toBe("going");
    expect(await eventMails(tenant, b.email)).toHaveLength(1);
    expect(await eventMails(tenant, c.email)).toHaveLength(0);
    const lowered = (await ok<{ event: EventBody }>(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { capacity: 0 } }))).event;
    expect(lowered).toMatchObject({ capacity: 0, going: 2, waitlisted: 1 });
    // Unlimited: everyone waiting goes.
    expect((await ok<{ event: EventBody }>(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { capacity: null } }))).event).toMatchObject({ going: 3, waitlisted: 0 });
  });

  it("409 event_closed after the start and when canceled; no promotion once the event started", async () => {
    const tenant = await makeTenant();
    const m = await signUpMember(tenant, "ev-closed@example.com");
    const started = await makeEvent(tenant, { startsAt: iso(Date.now() - HOUR), endsAt: iso(Date.now() + HOUR) });
    expect(await refused(await attend(tenant, m.cookie, started.id))).toMatchObject({ status: 409, code: "event_closed" });
    const canceled = await makeEvent(tenant);
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${canceled.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect(await refused(await attend(tenant, m.cookie, canceled.id))).toMatchObject({ status: 409, code: "event_closed" });
    expect((await call(tenant.host, "GET", "/api/v1/events/nope/attend", { cookie: m.cookie })).status).toBe(404);
    expect((await attend(tenant, m.cookie, "nope")).status).toBe(404);
  });

  it("a priced event needs an active membership (403 membership_required); the ticket is on the invoice preview, gone after cancelling", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const noPlan = await memberOn(tenant, "ev-noplan@example.com", null);
    const ana = await memberOn(tenant, "ev-paid@example.com", p.id);
    // 25.00 € taxed 20 %: a line of 2500 cents whose tax is 500 cents.
    const e = await makeEvent(tenant, { title: "Masterclass", price: { amount: 2500, currency: "EUR" }, taxRate: 20 });
    expect(await refused(await attend(tenant, noPlan.cookie, e.id))).toMatchObject({ status: 403, code: "membership_required" });
    const before = await invoicePreview(tenant, ana.cookie);
    expect(await ok(await attend(tenant, ana.cookie, e.id), 201)).toEqual({ status: "going" });
    const after = await invoicePreview(tenant, ana.cookie);
    expect(after.lines).toHaveLength(before.lines.length + 1);
    expect(after.lines.find((l) => l.description.includes("Masterclass"))).toMatchObject({ amount: { amount: 2500, currency: "EUR" }, taxRate: 20 });
    // The plan's 9900 and the ticket's 2500, each taxed at its rate (the plan's 0 %, the ticket's 20 %: 500).
    expect(after.total.amount - before.total.amount).toBe(2500 + 500);
    const charge = (await env.DB.prepare("select kind, amount, tax_rate_bp from charges where user_id = ?1 and kind = 'event'").bind(ana.id).all()).results;
    expect(charge).toEqual([{ kind: "event", amount: 2500, tax_rate_bp: 2000 }]);
    expect((await leave(tenant, ana.cookie, e.id)).status).toBe(204);
    const again = await invoicePreview(tenant, ana.cookie);
    expect(again.lines.some((l) => l.description.includes("Masterclass"))).toBe(false);
    expect(again.total.amount).toBe(before.total.amount);
  });

  it("a waitlisted member of a priced event gets the ticket when promoted; one without access is skipped", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const e = await makeEvent(tenant, { title: "Dîner", capacity: 1, price: { amount: 3000, currency: "EUR" } });
    const first = await memberOn(tenant, "ev-pp-first@example.com", p.id);
    const lapsed = await memberOn(tenant, "ev-pp-lapsed@example.com", p.id);
    const third = await memberOn(tenant, "ev-pp-third@example.com", p.id);
    expect(await ok(await attend(tenant, first.cookie, e.id), 201)).toEqual({ status: "going" });
    expect(await ok(await attend(tenant, lapsed.cookie, e.id), 201)).toEqual({ status: "waitlisted" });
    expect(await ok(await attend(tenant, third.cookie, e.id), 201)).toEqual({ status: "waitlisted" });
    // The second loses access (membership canceled by an admin at once).
    await env.DB.prepare("update plan_memberships set status = 'canceled' where user_id = ?1").bind(lapsed.id).run();
    expect((await leave(tenant, first.cookie, e.id)).status).toBe(204);
    const list = await attendeesOf(tenant, e.id);
    expect(list.map((a) => [a.email, a.status])).toEqual([
      [third.email, "going"],
      [lapsed.email, "waitlisted"],
    ]);
    expect((await invoicePreview(tenant, third.cookie)).lines.find((l) => l.description.includes("Dîner"))).toMatchObject({ amount: { amount: 3000 } });
    expect(await eventMails(tenant, third.email)).toHaveLength(1);
    expect(await eventMails(tenant, lapsed.email)).toHaveLength(0);
  });

  it("fields: each is required at registration (422 naming it), checked by type, saved to the profile where the member may edit it", async () => {
    const tenant = await makeTenant();
    await defineField(tenant, { key: "diet", label: "Diet", type: "select", options: ["vegan", "omnivore"] });
    await defineField(tenant, { key: "badge", label: "Badge number", type: "text", editable: false });
    const e = await makeEvent(tenant, { fields: ["diet", "badge"] });
    expect(e.fields).toEqual(["diet", "badge"]);
    const m = await signUpMember(tenant, "ev-fields@example.com", "Fiona");
    expect(await refused(await attend(tenant, m.cookie, e.id))).toMatchObject({ status: 422, fields: { "fields.diet": expect.any(String), "fields.badge": expect.any(String) } });
    expect(await refused(await attend(tenant, m.cookie, e.id, { fields: { diet: "carnivore", badge: "B-12" } }))).toMatchObject({ status: 422, fields: { "fields.diet": expect.any(String) } });
    expect(await refused(await attend(tenant, m.cookie, e.id, { fields: { diet: "vegan", badge: "B-12", shoe: "42" } }))).toMatchObject({ status: 422, fields: { "fields.shoe": expect.any(String) } });
    expect((await getEvent(tenant, m.cookie, e.id)).myStatus).toBeNull();
    expect(await ok(await attend(tenant, m.cookie, e.id, { fields: { diet: "vegan", badge: "B-12" } }), 201)).toEqual({ status: "going" });
    expect((await attendeesOf(tenant, e.id))[0]!.answers).toEqual({ diet: "vegan", badge: "B-12" });
    const profile = await ok<{ fields: { key: string; value: unknown }[] }>(await call(tenant.host, "GET", "/api/v1/me/profile", { cookie: m.cookie }));
    expect(profile.fields.find((f) => f.key === "diet")?.value).toBe("vegan");
    // The read-only field is not written to the profile.
    const admin = await ok<{ fields: { key: string; value: unknown }[] }>(await call(tenant.host, "GET", `/api/v1/members/${m.id}/profile`, { cookie: tenant.owner.cookie }));
    expect(admin.fields.find((f) => f.key === "badge")?.value ?? null).toBeNull();
    // A member who already has an answer in their profile is not asked again.
    const e2 = await makeEvent(tenant, { title: "Second", fields: ["diet"] });
    expect(await ok(await attend(tenant, m.cookie, e2.id), 201)).toEqual({ status: "going" });
  });
});

describe("attendees", () => {
  it("admins read attendees and waitlist with answers; the CSV defuses formulas as the invoices CSV does; members 403", async () => {
    const tenant = await makeTenant();
    await defineField(tenant, { key: "company", label: "Company", type: "text" });
    const e = await makeEvent(tenant, { title: "Demo night", capacity: 1, fields: ["company"] });
    const evil = await signUpMember(tenant, "ev-csv-evil@example.com", "=HYPERLINK(\"http://x\")");
    const calm = await signUpMember(tenant, "ev-csv-calm@example.com", "Calm, Person");
    expect(await ok(await attend(tenant, evil.cookie, e.id, { fields: { company: "+cmd|' /C calc'!A0" } }), 201)).toEqual({ status: "going" });
    expect(await ok(await attend(tenant, calm.cookie, e.id, { fields: { company: "ACME" } }), 201)).toEqual({ status: "waitlisted" });
    expect((await attendeesOf(tenant, e.id)).map((a) => [a.name, a.status, a.position, a.answers])).toEqual([
      ['=HYPERLINK("http://x")', "going", 1, { company: "+cmd|' /C calc'!A0" }],
      ["Calm, Person", "waitlisted", 2, { company: "ACME" }],
    ]);
    const res = await call(tenant.host, "GET", `/api/v1/events/${e.id}/attendees.csv`, { cookie: tenant.owner.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).replace(/^\ufeff/, "").trim().split("\r\n");
    expect(lines[0]).toBe("name,email,status,position,registered_at,Company");
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/x""\)",ev-csv-evil@example\.com,going,1,[^,]+,'\+cmd\|' \/C calc'!A0$/);
    expect(lines[2]).toMatch(/^"Calm, Person",ev-csv-calm@example\.com,waitlisted,2,[^,]+,ACME$/);
    expect((await call(tenant.host, "GET", `/api/v1/events/${e.id}/attendees.csv`, { cookie: calm.cookie })).status).toBe(403);
    expect((await call(tenant.host, "GET", `/api/v1/events/${e.id}/attendees`, { cookie: calm.cookie })).status).toBe(403);
  });

  it("GET /api/v1/events/{id}.ics: the event as iCalendar", async () => {
    const tenant = await makeTenant();
    const m = await signUpMember(tenant, "ev-ics@example.com");
    const e = await makeEvent(tenant, { title: "Assemblée générale", location: "Salle 2", startsAt: "2031-03-04T18:00:00Z", endsAt: "2031-03-04T20:00:00Z" });
    const res = await call(tenant.host, "GET", `/api/v1/events/${e.id}.ics`, { cookie: m.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const text = await res.text();
    expect(text).toContain("BEGIN:VEVENT");
    expect(text).toContain("SUMMARY:Assemblée générale");
    expect(text).toContain("DTSTART:20310304T180000Z");
    expect(text).toContain("DTEND:20310304T200000Z");
    expect(text).toContain("LOCATION:Salle 2");
    expect(text).toContain(`UID:event-${e.id}@`);
    expect((await call(tenant.host, "GET", "/api/v1/events/nope.ics", { cookie: m.cookie })).status).toBe(404);
  });
});

describe("moving and canceling", () => {
  it("moving emails every registrant (going and waitlisted); canceling keeps it listed with canceledAt, removes uninvoiced tickets, emails registrants", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const ana = await memberOn(tenant, "ev-move-ana@example.com", p.id);
    const bob = await memberOn(tenant, "ev-move-bob@example.com", p.id);
    const e = await makeEvent(tenant, { title: "Gala", capacity: 1, price: { amount: 4000, currency: "EUR" } });
    await ok(await attend(tenant, ana.cookie, e.id), 201);
    await ok(await attend(tenant, bob.cookie, e.id), 201);
    const moved = (await ok<{ event: EventBody }>(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { startsAt: iso(at(8, 18)), endsAt: iso(at(8, 22)) } }))).event;
    expect(moved).toMatchObject({ startsAt: iso(at(8, 18)), endsAt: iso(at(8, 22)) });
    expect(await eventMails(tenant, ana.email)).toHaveLength(1);
    expect(await eventMails(tenant, bob.email)).toHaveLength(1);
    // A title change alone emails nobody.
    await ok(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { title: "Gala 2031" } }));
    expect(await eventMails(tenant, ana.email, bob.email)).toHaveLength(2);
    // The ticket kept its price after a price change.
    await ok(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { price: { amount: 5000, currency: "EUR" } } }));
    expect((await invoicePreview(tenant, ana.cookie)).lines.find((l) => l.description.includes("Gala"))).toMatchObject({ amount: { amount: 4000 } });

    expect((await call(tenant.host, "DELETE", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    const listed = (await ok<{ items: EventBody[] }>(await call(tenant.host, "GET", "/api/v1/events", { cookie: ana.cookie }))).items;
    expect(listed.find((x) => x.id === e.id)?.canceledAt).toEqual(expect.any(String));
    expect((await invoicePreview(tenant, ana.cookie)).lines.some((l) => l.description.includes("Gala"))).toBe(false);
    expect(await eventMails(tenant, ana.email)).toHaveLength(2);
    expect(await eventMails(tenant, bob.email)).toHaveLength(2);
    // Canceling again changes nothing; editing a canceled event is refused.
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect(await eventMails(tenant, ana.email, bob.email)).toHaveLength(4);
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { capacity: 5 } }))).toMatchObject({ status: 409, code: "event_closed" });
    expect(await refused(await call(tenant.host, "DELETE", `/api/v1/events/${e.id}`, { cookie: ana.cookie }))).toMatchObject({ status: 403 });
  });
});

describe("an event holding a resource", () => {
  it("409 slot_taken when a booking overlaps; bookings over its time answer 409 slot_taken (preview too); the calendar shows it with eventId and title", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const m = await memberOn(tenant, "ev-hold@example.com", p.id);
    const room = await resource(tenant, { units: 3 });
    const booked = await ok<{ booking: { id: string } }>(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: { resourceId: room.id, from: iso(at(4, 9)), to: iso(at(4, 10)) } }), 201);
    // One unit of three is booked: the event wants every unit.
    expect(await refused(await post(tenant, tenant.owner.cookie, { title: "Hackathon", resourceId: room.id, startsAt: iso(at(4, 8)), endsAt: iso(at(4, 12)) }))).toMatchObject({ status: 409, code: "slot_taken" });
    const e = await makeEvent(tenant, { title: "Hackathon", resourceId: room.id, startsAt: iso(at(5, 8)), endsAt: iso(at(5, 12)) });
    expect(e.resource).toMatchObject({ id: room.id, name: "Salle Lovelace" });
    expect(await refused(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: { resourceId: room.id, from: iso(at(5, 11)), to: iso(at(5, 13)) } }))).toMatchObject({ status: 409, code: "slot_taken" });
    expect(await ok(await call(tenant.host, "POST", "/api/v1/bookings/preview", { cookie: m.cookie, json: { resourceId: room.id, from: iso(at(5, 9)), to: iso(at(5, 10)) } }))).toMatchObject({ available: false, problems: ["slot_taken"] });
    expect((await call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: { resourceId: room.id, from: iso(at(5, 12)), to: iso(at(5, 13)) } })).status).toBe(201);
    // A second event over the first one's time: refused too.
    expect(await refused(await post(tenant, tenant.owner.cookie, { title: "Clash", resourceId: room.id, startsAt: iso(at(5, 11)), endsAt: iso(at(5, 12)) }))).toMatchObject({ status: 409, code: "slot_taken" });
    const cal = (await ok<{ items: { id: string; eventId?: string; title?: string; from: string; to: string; mine: boolean }[] }>(await call(tenant.host, "GET", `/api/v1/bookings?from=${iso(at(3, 0))}&to=${iso(at(6, 0))}`, { cookie: m.cookie }))).items;
    expect(cal.map((i) => i.eventId ?? i.id)).toEqual([booked.booking.id, e.id, expect.any(String)]);
    expect(cal[1]).toMatchObject({ eventId: e.id, title: "Hackathon", from: iso(at(5, 8)), to: iso(at(5, 12)), mine: false });

    // Moving it moves the hold: onto the booking at 12:00 → 409; elsewhere → the old slot frees.
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { endsAt: iso(at(5, 14)) } }))).toMatchObject({ status: 409, code: "slot_taken" });
    await ok(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { startsAt: iso(at(6, 8)), endsAt: iso(at(6, 12)) } }));
    expect((await call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: { resourceId: room.id, from: iso(at(5, 9)), to: iso(at(5, 10)) } })).status).toBe(201);
    expect((await call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: { resourceId: room.id, from: iso(at(6, 9)), to: iso(at(6, 10)) } })).status).toBe(409);
    // While it holds the resource, the resource cannot be deleted (as with bookings to come).
    const other = await resource(tenant, { name: "Annexe" });
    const holder = await makeEvent(tenant, { title: "Holder", resourceId: other.id });
    expect(await refused(await call(tenant.host, "DELETE", `/api/v1/resources/${other.id}`, { cookie: tenant.owner.cookie }))).toMatchObject({ status: 409, code: "resource_in_use" });
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${holder.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "DELETE", `/api/v1/resources/${other.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    // Canceling frees it.
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: { resourceId: room.id, from: iso(at(6, 9)), to: iso(at(6, 10)) } })).status).toBe(201);
  });

  it("a group event's hold shows as busy, without eventId and title, to members outside the group", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const outsider = await signUpMember(tenant, "ev-hold-out@example.com");
    const room = await resource(tenant);
    const e = await makeEvent(tenant, { title: "Secret", group: "makers", resourceId: room.id, startsAt: iso(at(2, 8)), endsAt: iso(at(2, 9)) });
    const cal = (await ok<{ items: Record<string, unknown>[] }>(await call(tenant.host, "GET", `/api/v1/bookings?from=${iso(at(1, 0))}&to=${iso(at(3, 0))}`, { cookie: outsider.cookie }))).items;
    expect(cal).toEqual([{ id: e.id, resource: { id: room.id, name: "Salle Lovelace", category: "rooms" }, from: iso(at(2, 8)), to: iso(at(2, 9)), mine: false }]);
  });

  it("concurrent event creations and bookings of one slot: exactly one gets it", async () => {
    const tenant = await makeTenant();
    const p = await plan(tenant);
    const room = await resource(tenant);
    const members = [];
    for (let i = 0; i < 4; i++) members.push(await memberOn(tenant, `ev-race-${i}@example.com`, p.id));
    for (let round = 0; round < 3; round++) {
      const from = iso(at(9 + round, 9));
      const to = iso(at(9 + round, 11));
      const results = await Promise.all([
        post(tenant, tenant.owner.cookie, { title: `Race ${round} a`, resourceId: room.id, startsAt: from, endsAt: to }),
        ...members.map((m) => call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: { resourceId: room.id, from, to } })),
        post(tenant, tenant.owner.cookie, { title: `Race ${round} b`, resourceId: room.id, startsAt: from, endsAt: to }),
      ]);
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201), String(statuses)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(results.length - 1);
    }
  });
});

describe("the reminder of the day before (the scheduled job, moved by the development clock)", () => {
  const clock = (tenant: TestTenant, at: string) => call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at } });
  const reminders = async (tenant: TestTenant, email: string) => (await eventMails(tenant, email)).filter((m) => /tomorrow|demain|morgen/i.test(m.subject));

  it("goes once to each member going, on the day before in the community's timezone (Europe/Paris), never to the waitlist nor for a canceled event", async () => {
    const tenant = await makeTenant();
    const ana = await signUpMember(tenant, "ev-rem-ana@example.com", "Ana");
    const bob = await signUpMember(tenant, "ev-rem-bob@example.com", "Bob");
    // 23:30 UTC on 4 March 2031 is 00:30 on 5 March in Paris; 22:30 UTC is still 4 March there.
    const late = await makeEvent(tenant, { title: "Midnight run", capacity: 1, startsAt: "2031-03-04T23:30:00Z", endsAt: "2031-03-05T01:00:00Z" });
    const early = await makeEvent(tenant, { title: "Late talk", startsAt: "2031-03-04T22:30:00Z", endsAt: "2031-03-04T23:00:00Z" });
    const gone = await makeEvent(tenant, { title: "Canceled party", startsAt: "2031-03-05T10:00:00Z", endsAt: "2031-03-05T12:00:00Z" });
    await ok(await attend(tenant, ana.cookie, late.id), 201);
    await ok(await attend(tenant, bob.cookie, late.id), 201); // waitlisted
    await ok(await attend(tenant, ana.cookie, early.id), 201);
    await ok(await attend(tenant, ana.cookie, gone.id), 201);
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${gone.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);

    // Three days before (Paris): nothing.
    expect((await clock(tenant, "2031-03-02T10:00:00Z")).status).toBe(200);
    expect(await reminders(tenant, ana.email)).toHaveLength(0);
    // 3 March, 11:00 in Paris: "Late talk" (23:30 on 4 March there) is tomorrow; "Midnight run" (00:30 on 5 March there) is not, though it is 4 March in UTC.
    const res = await clock(tenant, "2031-03-03T10:00:00Z");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ran: string[] }).ran).toContain("event_reminders");
    expect((await reminders(tenant, ana.email)).map((m) => m.subject)).toEqual([expect.stringContaining("Late talk")]);
    // 3 March 23:30 UTC is 4 March 00:30 in Paris: now "Midnight run" is tomorrow.
    expect((await clock(tenant, "2031-03-03T23:30:00Z")).status).toBe(200);
    expect((await reminders(tenant, ana.email)).map((m) => m.subject).sort()).toEqual([expect.stringContaining("Late talk"), expect.stringContaining("Midnight run")]);
    expect(await reminders(tenant, bob.email)).toHaveLength(0);
    // Later the same day, and again: still one each.
    expect((await clock(tenant, "2031-03-04T12:00:00Z")).status).toBe(200);
    expect((await clock(tenant, "2031-03-04T12:00:00Z")).status).toBe(200);
    expect(await reminders(tenant, ana.email)).toHaveLength(2);
  });

  it("moving an event re-arms its reminder for the new day", async () => {
    const tenant = await makeTenant();
    const ana = await signUpMember(tenant, "ev-rem-move@example.com", "Ana");
    const e = await makeEvent(tenant, { title: "Board games", startsAt: "2031-06-10T16:00:00Z", endsAt: "2031-06-10T18:00:00Z" });
    await ok(await attend(tenant, ana.cookie, e.id), 201);
    await clock(tenant, "2031-06-09T08:00:00Z");
    expect(await reminders(tenant, ana.email)).toHaveLength(1);
    await ok(await call(tenant.host, "PATCH", `/api/v1/events/${e.id}`, { cookie: tenant.owner.cookie, json: { startsAt: "2031-06-20T16:00:00Z", endsAt: "2031-06-20T18:00:00Z" } }));
    await clock(tenant, "2031-06-19T08:00:00Z");
    await clock(tenant, "2031-06-19T09:00:00Z");
    expect(await reminders(tenant, ana.email)).toHaveLength(2);
  });
});

describe("the member's calendar feed (worker/calendar/feed.ts)", () => {
  it("holds the events the member is going to from 30 days back (not the waitlist), a canceled one as CANCELLED; left out while features.events is off", async () => {
    const tenant = await makeTenant();
    const m = await signUpMember(tenant, "ev-feed@example.com");
    const other = await signUpMember(tenant, "ev-feed-other@example.com");
    const next = await makeEvent(tenant, { title: "Next week" });
    const full = await makeEvent(tenant, { title: "Full one", capacity: 1 });
    const dropped = await makeEvent(tenant, { title: "Dropped" });
    const recent = await makeEvent(tenant, { title: "Ten days ago", startsAt: iso(at(-10, 9)), endsAt: iso(at(-10, 10)) });
    const old = await makeEvent(tenant, { title: "Forty days ago", startsAt: iso(at(-40, 9)), endsAt: iso(at(-40, 10)) });
    await ok(await attend(tenant, m.cookie, next.id), 201);
    await ok(await attend(tenant, other.cookie, full.id), 201);
    await ok(await attend(tenant, m.cookie, full.id), 201); // waitlisted
    await ok(await attend(tenant, m.cookie, dropped.id), 201);
    // Past events: registration is closed, so their registrations are written as they were then.
    for (const [i, e] of [recent, old].entries()) {
      await env.DB.prepare("insert into event_registrations (id, tenant_id, event_id, user_id, status, position, answers, created_at) values (?1, ?2, ?3, ?4, 'going', 1, '{}', ?5)").bind(`feed-reg-${i}-${e.id}`, tenant.id, e.id, m.id, Date.now() - 50 * DAY).run();
    }
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${dropped.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    const { url } = await ok<{ url: string }>(await call(tenant.host, "GET", "/api/v1/me/calendar", { cookie: m.cookie }));
    const feed = async () => {
      const u = new URL(url);
      const res = await call(tenant.host, "GET", u.pathname + u.search);
      expect(res.status).toBe(200);
      return (await res.text()).replace(/\r\n[ \t]/g, "");
    };
    const text = await feed();
    expect(text).toContain(`UID:event-${next.id}@edge-communities`);
    expect(text).toContain(`UID:event-${recent.id}@edge-communities`);
    expect(text).not.toContain(`UID:event-${old.id}@`);
    expect(text).not.toContain(`UID:event-${full.id}@`);
    const canceled = text.split("BEGIN:VEVENT").find((v) => v.includes(`UID:event-${dropped.id}@`));
    expect(canceled).toContain("STATUS:CANCELLED");
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { events: false } } }));
    expect(await feed()).not.toContain("UID:event-");
  });
});
