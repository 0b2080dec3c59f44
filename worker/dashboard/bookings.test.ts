import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { forgetBookingsOf } from "../bookings/cache";
import type { TenantDb } from "../db/client";
import * as schema from "../db/schema";
import { invoiceFacts } from "../invoices/cache";
import { forgetMemberPlans } from "../memberships/cache";
import { clockOf } from "../memberships/service";
import { countingD1 } from "../test/counting";
import { call, getPage, makeTenant, signUpMember, type TestTenant, tenantAndUserRows } from "../test/helpers";
import { readDashboard } from "./service";
import { at, iso } from "../test/time";

// The dashboard's upcoming bookings (`GET /api/v1/me/dashboard` `upcomingBookings`, and the
// section `.dashboard-bookings` of `/`): the member's next five, soonest first, as
// `GET /me/bookings` answers them; empty (no section) while `features.bookings` is off; a new
// booking or a cancellation shows at once (the memoized page changes with it); read in the
// dashboard's one batch on a miss, nothing in the steady state.

type Item = { id: string; resource: { id: string; name: string; category: string }; from: string; to: string; title: string | null; mine: boolean };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
async function resource(tenant: TestTenant, name: string) {
  return (await ok<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name, category: "rooms", pricePerHour: { amount: 0, currency: "EUR" } } }), 201)).resource;
}
const bookFor = async (tenant: TestTenant, userId: string, resourceId: string, from: number, to: number, title?: string) =>
  (await ok<{ booking: { id: string } }>(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: tenant.owner.cookie, json: { resourceId, from: iso(from), to: iso(to), userId, ...(title ? { title } : {}) } }), 201)).booking;
const dashboard = async (tenant: TestTenant, cookie: string) => ok<{ upcomingBookings: Item[] }>(await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie }));
const page = async (tenant: TestTenant, cookie: string, lang = "en") => {
  const res = await getPage(tenant, `/?lang=${lang}`, cookie);
  expect(res.status).toBe(200);
  return res.text();
};
const section = (html: string) => /<section class="section dashboard-bookings"[\s\S]*?<\/section>/.exec(html)?.[0] ?? null;

describe("the dashboard's upcoming bookings", () => {
  it("answers the member's next five, soonest first, as GET /me/bookings does; a booking or a cancellation shows at once", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "dash-bk@example.org", "Dana Desk");
    const other = await signUpMember(tenant, "dash-other@example.org");
    const room = await resource(tenant, "Salle Ærø");
    expect((await dashboard(tenant, member.cookie)).upcomingBookings).toEqual([]);
    expect(section(await page(tenant, member.cookie))).toBeNull();

    await bookFor(tenant, member.id, room.id, at(-2, 9), at(-2, 10)); // past: not shown
    const ids: string[] = [];
    for (const d of [6, 2, 4, 1, 3, 5]) ids[d] = (await bookFor(tenant, member.id, room.id, at(d, 9), at(d, 10), d === 1 ? "Stand-up" : undefined)).id;
    await bookFor(tenant, other.id, room.id, at(1, 11), at(1, 12)); // someone else's
    const items = (await dashboard(tenant, member.cookie)).upcomingBookings;
    expect(items.map((b) => b.id)).toEqual([ids[1], ids[2], ids[3], ids[4], ids[5]]);
    const mine = await ok<{ items: Item[] }>(await call(tenant.host, "GET", "/api/v1/me/bookings?when=upcoming&limit=5", { cookie: member.cookie }));
    expect(items).toEqual(mine.items);
    expect(items[0]).toMatchObject({ resource: { id: room.id, name: "Salle Ærø", category: "rooms" }, from: iso(at(1, 9)), to: iso(at(1, 10)), title: "Stand-up", mine: true });

    // The page (its body memoized by its inputs) shows them too.
    expect(section(await page(tenant, member.cookie))).toContain(`/bookings/${ids[1]}`);

    // Cancelled: gone at once, and the sixth comes in, on the page as well.
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${ids[1]}`, { cookie: member.cookie })).status).toBe(204);
    expect((await dashboard(tenant, member.cookie)).upcomingBookings.map((b) => b.id)).toEqual([ids[2], ids[3], ids[4], ids[5], ids[6]]);
    const after = section(await page(tenant, member.cookie))!;
    expect(after).not.toContain(`/bookings/${ids[1]}`);
    expect(after).toContain(`/bookings/${ids[6]}`);
    // A new, sooner one: first at once.
    const sooner = await bookFor(tenant, member.id, room.id, at(1, 14), at(1, 15));
    expect((await dashboard(tenant, member.cookie)).upcomingBookings[0]!.id).toBe(sooner.id);
  });

  it("shows a section on / with the resource, the day and times in the community's timezone and language, links to each booking and to all bookings", async () => {
    const tenant = await makeTenant({ name: "Atelier" });
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { timezone: "Europe/Paris" } }));
    const member = await signUpMember(tenant, "dash-page@example.org", "Paul Page");
    const room = await resource(tenant, "Salle Łukasz");
    const b = await bookFor(tenant, member.id, room.id, Date.UTC(2030, 0, 7, 8, 0), Date.UTC(2030, 0, 7, 9, 30), "Atelier <b>vélo</b>");
    const en = section(await page(tenant, member.cookie, "en"))!;
    expect(en).toContain("Upcoming bookings");
    expect(en).toContain(`href="/bookings/${b.id}"`);
    expect(en).toContain('href="/bookings"');
    expect(en).toContain("All bookings");
    expect(en).toContain("Salle Łukasz");
    expect(en).toContain("Atelier &lt;b>vélo&lt;/b>");
    // 08:00Z on Monday 7 January 2030 is 09:00 in Paris.
    expect(en).toContain("Mon, Jan 7");
    expect(en).toMatch(/09:00 AM – 10:30 AM/);
    const fr = section(await page(tenant, member.cookie, "fr"))!;
    expect(fr).toContain("Vos prochaines réservations");
    expect(fr).toContain("lun. 7 janv.");
    expect(fr).toContain("09:00 – 10:30");
  });

  it("is empty, and the section gone, while features.bookings is off (admins included)", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "dash-off@example.org");
    const room = await resource(tenant, "Salle Off");
    await bookFor(tenant, member.id, room.id, at(2, 9), at(2, 10));
    await bookFor(tenant, (await ok<{ id: string }>(await call(tenant.host, "GET", "/api/v1/me", { cookie: tenant.owner.cookie }))).id, room.id, at(3, 9), at(3, 10));
    expect((await dashboard(tenant, member.cookie)).upcomingBookings).toHaveLength(1);
    expect(section(await page(tenant, member.cookie))).not.toBeNull();
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: false } } }));
    expect((await dashboard(tenant, member.cookie)).upcomingBookings).toEqual([]);
    expect(section(await page(tenant, member.cookie))).toBeNull();
    expect((await dashboard(tenant, tenant.owner.cookie)).upcomingBookings).toEqual([]);
  });
});

describe("what the dashboard's bookings cost", () => {
  it("reads them in the dashboard's one batch on a miss, none in the steady state, and no bookings statement while the switch is off", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "dash-cost@example.org");
    const room = await resource(tenant, "Salle Cost");
    await bookFor(tenant, member.id, room.id, at(2, 9), at(2, 10));
    const r = await tenantAndUserRows(tenant.id, member.id);
    const counted = countingD1(env.DB);
    const t: TenantDb = { db: drizzle(counted.db, { schema }), tenantId: tenant.id, d1: counted.db };
    const clock = clockOf(r.tenant);
    await readDashboard(t, r.tenant, r.user, clock.today, clock.now);
    // Cold for the member (memberships and bookings forgotten), the community's facts warm.
    forgetMemberPlans(tenant.id, [member.id]);
    forgetBookingsOf(tenant.id, member.id);
    await invoiceFacts(t);
    const before = counted.count();
    const read = await readDashboard(t, r.tenant, r.user, clock.today, clock.now);
    expect(read.dashboard.upcomingBookings).toHaveLength(1);
    expect(counted.count() - before).toBe(4); // one batch: memberships, announcements (2), bookings
    // Steady state: nothing.
    const steady = counted.count();
    await readDashboard(t, r.tenant, r.user, clock.today, clock.now);
    expect(counted.count()).toBe(steady);
    // Only the bookings forgotten (a booking was made): one batch again, nothing else alone.
    forgetBookingsOf(tenant.id, member.id);
    const again = counted.count();
    await readDashboard(t, r.tenant, r.user, clock.today, clock.now);
    expect(counted.count() - again).toBe(4);

    // Switched off: the batch has no bookings statement.
    const off = { ...r.tenant, features: { ...r.tenant.features, bookings: false } };
    forgetMemberPlans(tenant.id, [member.id]);
    await invoiceFacts(t);
    const offBefore = counted.count();
    const offRead = await readDashboard(t, off, r.user, clock.today, clock.now);
    expect(offRead.dashboard.upcomingBookings).toEqual([]);
    expect(counted.count() - offBefore).toBe(3);
  });
});
