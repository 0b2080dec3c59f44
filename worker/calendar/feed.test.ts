import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { chunkRows, directoryDb, tenantDb, type TenantDb } from "../db/client";
import * as schema from "../db/schema";
import { bookings, tenants } from "../db/schema";
import { secretsKeyOf } from "../invoices/sealed";
import { countingD1 } from "../test/counting";
import { feedDocument } from "./service";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { at, HOUR, iso } from "../test/time";

// The member's secret feed (API.md "Resources and bookings"): `GET /me/calendar` → {url},
// `POST /me/calendar-token` replaces it (the old URL 404), `GET /me/calendar.ics?token=` the
// member's bookings from 30 days back as iCalendar; 404 for an old, foreign or malformed token,
// never a 5xx; bookings left out while `features.bookings` is off. And `GET /bookings/{id}.ics`.

const stamp = (ms: number) => iso(ms).replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, "");

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
async function resource(tenant: TestTenant, name: string) {
  return (await ok<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name, category: "rooms", pricePerHour: { amount: 0, currency: "EUR" } } }), 201)).resource;
}
/** The owner books for the member (exempt from every rule, so past bookings too). */
async function bookFor(tenant: TestTenant, userId: string, resourceId: string, from: number, to: number, title?: string) {
  return (await ok<{ booking: { id: string } }>(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: tenant.owner.cookie, json: { resourceId, from: iso(from), to: iso(to), userId, ...(title ? { title } : {}) } }), 201)).booking;
}
const feedPath = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

describe("the member's secret calendar feed", () => {
  it("answers the member's bookings from 30 days back as text/calendar; replacing the URL makes the old one 404", async () => {
    const tenant = await makeTenant({ name: "Atelier Ærø" });
    const member = await signUpMember(tenant, "feed@example.org", "Łukasz Őry-Ærø");
    const other = await signUpMember(tenant, "feed-other@example.org", "Olga Other");
    const room = await resource(tenant, "Salle Łukasz");
    const old = await bookFor(tenant, member.id, room.id, at(-40, 9), at(-40, 10));
    const recent = await bookFor(tenant, member.id, room.id, at(-10, 9), at(-10, 10), "Réunion; équipe, Ærø");
    const next = await bookFor(tenant, member.id, room.id, at(5, 9), at(5, 11));
    const theirs = await bookFor(tenant, other.id, room.id, at(6, 9), at(6, 10));

    expect((await call(tenant.host, "GET", "/api/v1/me/calendar")).status).toBe(401);
    const { url } = await ok<{ url: string }>(await call(tenant.host, "GET", "/api/v1/me/calendar", { cookie: member.cookie }));
    expect(url).toMatch(new RegExp(`^http://${tenant.host.replace(/\./g, "\\.")}/api/v1/me/calendar\\.ics\\?token=`));
    // The same URL each time until replaced (nothing stored per request).
    expect((await ok<{ url: string }>(await call(tenant.host, "GET", "/api/v1/me/calendar", { cookie: member.cookie }))).url).toBe(url);

    // No session needed: calendar apps fetch the URL on their own.
    const res = await call(tenant.host, "GET", feedPath(url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const text = unfold(await res.text());
    expect(text).toContain("X-WR-CALNAME:Atelier Ærø");
    expect(text).toContain(`UID:booking-${recent.id}@edge-communities`);
    expect(text).toContain(`UID:booking-${next.id}@edge-communities`);
    expect(text).not.toContain(old.id); // ended more than 30 days ago
    expect(text).not.toContain(theirs.id); // someone else's
    expect(text).toContain(`DTSTART:${stamp(at(5, 9))}`);
    expect(text).toContain(`DTEND:${stamp(at(5, 11))}`);
    expect(text).toContain("SUMMARY:Salle Łukasz · Réunion\\; équipe\\, Ærø");
    expect(text.indexOf(recent.id)).toBeLessThan(text.indexOf(next.id));

    const replaced = await ok<{ url: string }>(await call(tenant.host, "POST", "/api/v1/me/calendar-token", { cookie: member.cookie }));
    expect(replaced.url).not.toBe(url);
    expect((await call(tenant.host, "GET", feedPath(url))).status).toBe(404);
    expect((await call(tenant.host, "GET", feedPath(replaced.url))).status).toBe(200);
    expect((await ok<{ url: string }>(await call(tenant.host, "GET", "/api/v1/me/calendar", { cookie: member.cookie }))).url).toBe(replaced.url);
    // Replaced twice: only the newest works.
    const third = await ok<{ url: string }>(await call(tenant.host, "POST", "/api/v1/me/calendar-token", { cookie: member.cookie }));
    expect((await call(tenant.host, "GET", feedPath(replaced.url))).status).toBe(404);
    expect((await call(tenant.host, "GET", feedPath(third.url))).status).toBe(200);
  });

  it("answers 404 for another community's token, another member's name on a signature, and any malformed query, never a 5xx", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const alice = await signUpMember(a, "alice-feed@example.org");
    const bob = await signUpMember(a, "bob-feed@example.org");
    const { url } = await ok<{ url: string }>(await call(a.host, "GET", "/api/v1/me/calendar", { cookie: alice.cookie }));
    const path = feedPath(url);
    const token = new URL(url).searchParams.get("token")!;
    expect((await call(a.host, "GET", path)).status).toBe(200);
    // The same token on another community's host.
    expect((await call(b.host, "GET", path)).status).toBe(404);
    // Alice's signature under Bob's id.
    const sig = token.split(".")[1]!;
    expect((await call(a.host, "GET", `/api/v1/me/calendar.ics?token=${bob.id}.${sig}`)).status).toBe(404);
    const odd = [
      "",
      "?token=",
      "?token=abc",
      `?token=${alice.id}.`,
      `?token=${alice.id}.${"A".repeat(43)}`,
      `?token=${alice.id}.${sig}x`,
      `?token=${encodeURIComponent(token + "\u0000")}`,
      `?token=%E0%A4%A`,
      `?token=${"x".repeat(5000)}`,
      `?token=${token}&token=other`.replace(/^\?token=[^&]+&/, "?token=nope&"),
      "?token[]=1",
    ];
    for (const q of odd) {
      const res = await call(a.host, "GET", `/api/v1/me/calendar.ics${q}`);
      expect(res.status, q).toBe(404);
    }
    // On the root host there is no community: 404 too.
    expect((await call("communities.test", "GET", path)).status).toBe(404);
  });

  it("leaves bookings out while features.bookings is off (the feed itself still answers)", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "feed-off@example.org");
    const room = await resource(tenant, "Salle Off");
    const b = await bookFor(tenant, member.id, room.id, at(3, 9), at(3, 10));
    const { url } = await ok<{ url: string }>(await call(tenant.host, "GET", "/api/v1/me/calendar", { cookie: member.cookie }));
    expect(await (await call(tenant.host, "GET", feedPath(url))).text()).toContain(b.id);
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: false } } }));
    const off = await call(tenant.host, "GET", feedPath(url));
    expect(off.status).toBe(200);
    const text = await off.text();
    expect(text).toContain("BEGIN:VCALENDAR");
    expect(text).not.toContain("BEGIN:VEVENT");
  });
});

describe("a booking's .ics", () => {
  it("answers one's own booking (admins any) and 404 for another member's or an unknown one", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ics-own@example.org");
    const other = await signUpMember(tenant, "ics-other@example.org");
    const room = await resource(tenant, "Salle Ics");
    const b = await bookFor(tenant, member.id, room.id, at(2, 9), at(2, 10), "Atelier Ærø");
    const res = await call(tenant.host, "GET", `/api/v1/bookings/${b.id}.ics`, { cookie: member.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const text = unfold(await res.text());
    expect(text).toContain("METHOD:PUBLISH");
    expect(text).toContain(`UID:booking-${b.id}@edge-communities`);
    expect(text).toContain(`URL;VALUE=URI:http://${tenant.host}/bookings/${b.id}`);
    expect(text).toContain("SUMMARY:Salle Ics · Atelier Ærø");
    expect((await call(tenant.host, "GET", `/api/v1/bookings/${b.id}.ics`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await call(tenant.host, "GET", `/api/v1/bookings/${b.id}.ics`, { cookie: other.cookie })).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/bookings/nope.ics`, { cookie: member.cookie })).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/bookings/${b.id}.ics`)).status).toBe(401);
    // The JSON read of the booking still answers as before.
    expect((await call(tenant.host, "GET", `/api/v1/bookings/${b.id}`, { cookie: member.cookie })).status).toBe(200);
    // Another community's host: 404.
    const elsewhere = await makeTenant();
    expect((await call(elsewhere.host, "GET", `/api/v1/bookings/${b.id}.ics`, { cookie: elsewhere.owner.cookie })).status).toBe(404);
  });
});

describe("what the feed costs", () => {
  it("reads a member's 500 bookings in one query per kind (bookings, events; plus the token's version), however many there are", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "feed-many@example.org");
    const room = await resource(tenant, "Salle Many");
    const t = tenantDb(env, { id: tenant.id });
    const start = at(-20, 0);
    const rows = Array.from({ length: 500 }, (_, i) => ({
      id: `many-${i}`,
      tenantId: tenant.id,
      resourceId: room.id,
      userId: member.id,
      title: null,
      fromMs: start + i * HOUR,
      toMs: start + i * HOUR + 30 * 60_000,
      priceAmount: 0,
      currency: "EUR",
      creditsUsedMinutes: 0,
      membershipId: null,
      periodStart: null,
      chargeId: null,
      seriesId: null,
      createdBy: member.id,
      createdAt: Date.now(),
    }));
    for (const chunk of chunkRows(rows, 16)) await t.db.insert(bookings).values(chunk);
    const { url } = await ok<{ url: string }>(await call(tenant.host, "GET", "/api/v1/me/calendar", { cookie: member.cookie }));
    const token = new URL(url).searchParams.get("token")!;
    const [row] = await directoryDb(env).select().from(tenants).where(eq(tenants.id, tenant.id));
    const counted = countingD1(env.DB);
    const ct: TenantDb = { db: drizzle(counted.db, { schema }), tenantId: tenant.id, d1: counted.db };
    const text = await feedDocument(ct, row!, secretsKeyOf(env), token, Date.now(), "https://x.example");
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(500);
    expect(counted.count()).toBe(3);
  });
});
