import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { call, makeTenant, ROOT, signUpMember } from "../test/helpers";
import { feedUrlAnswer } from "./answers";

// The calendar routes' answers against their documentation: the feed URL as the schema says
// (strict: no field more, none less), the feed and a booking's `.ics` as `text/calendar`, the
// feed callable signed out with its token (`public` in the document).

async function answer<S extends z.ZodType>(schema: S, res: Response, status = 200): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success ? [] : parsed.error.issues, text).toEqual([]);
  return parsed.data as z.output<S>;
}

describe("calendar: the answers match their documentation", () => {
  it("the feed URL (read and replaced), the feed signed out, a booking's .ics", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "cal-answers@example.com");
    const first = await answer(feedUrlAnswer, await call(tenant.host, "GET", "/api/v1/me/calendar", { cookie: member.cookie }));
    const second = await answer(feedUrlAnswer, await call(tenant.host, "POST", "/api/v1/me/calendar-token", { cookie: member.cookie }));
    expect(second.url).not.toBe(first.url);
    expect(feedUrlAnswer.safeParse({ ...second, token: "x" }).success).toBe(false);

    const url = new URL(second.url);
    const feed = await call(tenant.host, "GET", `${url.pathname}${url.search}`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toMatch(/^text\/calendar\b/);
    expect(await feed.text()).toMatch(/^BEGIN:VCALENDAR/);

    const room = ((await (await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Room", category: "rooms", pricePerHour: { amount: 0, currency: "EUR" } } })).json()) as { resource: { id: string } }).resource;
    const from = Date.UTC(new Date().getUTCFullYear() + 1, 0, 5, 9);
    const made = await call(tenant.host, "POST", "/api/v1/bookings", { cookie: tenant.owner.cookie, json: { resourceId: room.id, from: new Date(from).toISOString(), to: new Date(from + 3_600_000).toISOString(), userId: member.id } });
    const { booking } = (await made.json()) as { booking: { id: string } };
    const ics = await call(tenant.host, "GET", `/api/v1/bookings/${booking.id}.ics`, { cookie: member.cookie });
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toMatch(/^text\/calendar\b/);
    expect(await ics.text()).toContain("BEGIN:VEVENT");
  });
});

describe("calendar: the OpenAPI document", () => {
  it("names the iCalendar routes as the contract does (`{id}.ics`), as text/calendar, the feed public with its token", async () => {
    const d = (await (await call(ROOT, "GET", "/api/v1/openapi.json")).json()) as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean }[]; responses: Record<string, { content?: Record<string, unknown> }>; security: object[] }>> };
    for (const path of ["/api/v1/bookings/{id}.ics", "/api/v1/events/{id}.ics"]) {
      const op = d.paths[path]?.get;
      expect(op?.responses["200"]?.content, path).toHaveProperty(["text/calendar"]);
      expect(op?.parameters).toEqual([{ in: "path", name: "id", required: true, schema: { type: "string" } }]);
    }
    expect(Object.keys(d.paths).filter((p) => p.includes("ics"))).toEqual(expect.arrayContaining(["/api/v1/me/calendar.ics", "/api/v1/bookings/{id}.ics", "/api/v1/events/{id}.ics"]));
    expect(Object.keys(d.paths).filter((p) => /\{[^}]*[^A-Za-z0-9_}]/.test(p))).toEqual([]);
    const feed = d.paths["/api/v1/me/calendar.ics"]!.get!;
    expect(feed.security).toContainEqual({});
    expect(feed.parameters).toContainEqual(expect.objectContaining({ in: "query", name: "token", required: true }));
    expect(d.paths["/api/v1/bookings/{id}"]?.get?.responses["200"]?.content).toHaveProperty(["application/json"]);
    expect(d.paths["/api/v1/events/{id}"]?.get?.responses["200"]?.content).toHaveProperty(["application/json"]);
  });
});
