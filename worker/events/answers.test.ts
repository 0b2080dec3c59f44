import { describe, expect, it } from "vitest";
import { z } from "zod";
import { listAnswer, wholeListAnswer } from "../bookings/answers";
import { call, defineField, makeGroup, makeTenant, signUpMember } from "../test/helpers";
import { attendAnswer, attendeeAnswer, eventAnswer, eventEnvelope } from "./answers";
import { at, iso } from "../test/time";

// The events routes' answer schemas (answers.ts, the OpenAPI document's) against what the routes
// really answer: every main route called for real, its body parsed by its schema (strict: a field
// the answer has and the schema lacks fails, and so does a field the schema names and the answer
// lacks); the `.ics` and the attendees' CSV with their media types.


async function answer<S extends z.ZodType>(schema: S, res: Response, status = 200): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success ? [] : parsed.error.issues, text).toEqual([]);
  return parsed.data as z.output<S>;
}

describe("events: the answers match their schemas", () => {
  it("create, list, read, change, attend (going and waitlisted), attendees, .ics, CSV, leave, cancel", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    await defineField(tenant, { key: "diet", label: "Diet", type: "select", options: ["vegan", "omnivore"] });
    const plan = (await (await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } })).json()) as { plan: { id: string } };
    const room = ((await (await call(tenant.host, "POST", "/api/v1/resources", { cookie: admin, json: { name: "Hall", category: "rooms", pricePerHour: { amount: 0, currency: "EUR" } } })).json()) as { resource: { id: string } }).resource;
    const group = await makeGroup(tenant, { slug: `ev-${Date.now().toString(36)}` });

    const dinner = await answer(
      eventEnvelope,
      await call(tenant.host, "POST", "/api/v1/events", {
        cookie: admin,
        json: { title: "Dîner", description: "A *fine* dinner.", type: "social", startsAt: iso(at(5, 18)), endsAt: iso(at(5, 21)), location: "Hall", resourceId: room.id, capacity: 10, price: { amount: 3000, currency: "EUR" }, taxRate: 10, fields: ["diet"] },
      }),
      201,
    );
    expect(dinner.event).toMatchObject({ resource: { id: room.id, name: "Hall", category: "rooms" }, price: { amount: 3000, currency: "EUR" }, group: null, myStatus: null, canceledAt: null });
    const meetup = await answer(eventEnvelope, await call(tenant.host, "POST", "/api/v1/events", { cookie: admin, json: { title: "Meetup", startsAt: iso(at(6, 18)), endsAt: iso(at(6, 20)), capacity: 1, group: group.slug } }), 201);
    expect(meetup.event).toMatchObject({ group: { slug: group.slug, name: group.name }, price: null, resource: null, type: null, location: null });
    const picnic = await answer(eventEnvelope, await call(tenant.host, "POST", "/api/v1/events", { cookie: admin, json: { title: "Picnic", startsAt: iso(at(7, 12)), endsAt: iso(at(7, 15)), capacity: 1 } }), 201);

    const member = await signUpMember(tenant, "ev-answers@example.com", "Mia");
    expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.plan.id } })).status).toBe(201);
    const second = await signUpMember(tenant, "ev-answers-2@example.com", "Sam");
    expect(await answer(attendAnswer, await call(tenant.host, "POST", `/api/v1/events/${dinner.event.id}/attend`, { cookie: member.cookie, json: { fields: { diet: "vegan" } } }), 201)).toEqual({ status: "going" });
    expect(await answer(attendAnswer, await call(tenant.host, "POST", `/api/v1/events/${picnic.event.id}/attend`, { cookie: member.cookie }), 201)).toEqual({ status: "going" });
    expect(await answer(attendAnswer, await call(tenant.host, "POST", `/api/v1/events/${picnic.event.id}/attend`, { cookie: second.cookie }), 201)).toEqual({ status: "waitlisted" });

    // The dashboard's `upcomingEvents` are the same objects (oa-portal-a's dashboard answer can use `eventAnswer`).
    const dashboard = (await (await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: member.cookie })).json()) as { upcomingEvents: unknown };
    expect(z.array(eventAnswer).min(1).safeParse(dashboard.upcomingEvents).error?.issues ?? []).toEqual([]);
    const listed = await answer(listAnswer(eventAnswer), await call(tenant.host, "GET", "/api/v1/events?limit=1", { cookie: member.cookie }));
    expect(listed.items[0]).toMatchObject({ id: dinner.event.id, myStatus: "going", going: 1 });
    expect(listed.nextCursor).toEqual(expect.any(String));
    const everything = await answer(listAnswer(eventAnswer), await call(tenant.host, "GET", "/api/v1/events", { cookie: admin }));
    expect(everything.items).toHaveLength(3);
    await answer(listAnswer(eventAnswer), await call(tenant.host, "GET", "/api/v1/events?when=past", { cookie: member.cookie }));
    await answer(eventEnvelope, await call(tenant.host, "GET", `/api/v1/events/${dinner.event.id}`, { cookie: member.cookie }));
    await answer(eventEnvelope, await call(tenant.host, "PATCH", `/api/v1/events/${picnic.event.id}`, { cookie: admin, json: { location: "Park", type: null } }));

    const people = await answer(wholeListAnswer(attendeeAnswer), await call(tenant.host, "GET", `/api/v1/events/${picnic.event.id}/attendees`, { cookie: admin }));
    expect(people.items.map((a) => a.status)).toEqual(["going", "waitlisted"]);
    const diners = await answer(wholeListAnswer(attendeeAnswer), await call(tenant.host, "GET", `/api/v1/events/${dinner.event.id}/attendees`, { cookie: admin }));
    expect(diners.items[0]!.answers).toEqual({ diet: "vegan" });

    const ics = await call(tenant.host, "GET", `/api/v1/events/${dinner.event.id}.ics`, { cookie: member.cookie });
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toMatch(/^text\/calendar\b/);
    expect(await ics.text()).toContain("BEGIN:VEVENT");
    const csv = await call(tenant.host, "GET", `/api/v1/events/${dinner.event.id}/attendees.csv`, { cookie: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv\b/);

    const left = await call(tenant.host, "DELETE", `/api/v1/events/${picnic.event.id}/attend`, { cookie: member.cookie });
    expect([left.status, await left.text()]).toEqual([204, ""]);
    const canceled = await call(tenant.host, "DELETE", `/api/v1/events/${meetup.event.id}`, { cookie: admin });
    expect([canceled.status, await canceled.text()]).toEqual([204, ""]);
    const after = await answer(eventEnvelope, await call(tenant.host, "GET", `/api/v1/events/${meetup.event.id}`, { cookie: admin }));
    expect(after.event.canceledAt).toEqual(expect.any(String));
  });

  it("the schemas refuse an answer with a field more or a field less", async () => {
    const tenant = await makeTenant();
    const { event } = await answer(eventEnvelope, await call(tenant.host, "POST", "/api/v1/events", { cookie: tenant.owner.cookie, json: { title: "Talk", startsAt: iso(at(5, 18)), endsAt: iso(at(5, 19)) } }), 201);
    expect(eventAnswer.safeParse({ ...event, invented: true }).success).toBe(false);
    const { canceledAt: _, ...without } = event;
    expect(eventAnswer.safeParse(without).success).toBe(false);
    expect(eventAnswer.safeParse({ ...event, myStatus: "maybe" }).success).toBe(false);
  });
});
