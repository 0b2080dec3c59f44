import { describe, expect, it } from "vitest";
import { answer, isStrict } from "../test/answers";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { issueInvoices } from "../test/invoice-fixtures";
import { dashboardAnswer } from "./answers";

// `GET /api/v1/me/dashboard` parsed by its schema (answers.ts), with every list filled: a
// membership and its next invoice, an unpaid invoice, an announcement, the welcome message and
// status banner, a booking and an event.

const HOUR = 3_600_000;
/** A whole UTC hour `days` days ahead. */
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * 24 * HOUR);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour)).toISOString();
};
async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe("dashboard: the answer matches its schema", () => {
  it("empty for a new member, then with every part filled", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    const member = await signUpMember(tenant, "db-answers@example.com", "Dora Dashboard");
    const me = () => call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: member.cookie });
    const empty = await answer(dashboardAnswer, await me());
    expect(empty).toEqual({ name: "Dora Dashboard", bio: null, membership: null, nextInvoice: null, unpaidInvoices: [], welcomeMessage: null, announcements: [], upcomingBookings: [], upcomingEvents: [], status: null });
    isStrict(dashboardAnswer, empty);

    await issueInvoices(tenant, [{ userId: member.id, amount: 2500 }]);
    const plan = await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } }), 201);
    await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.plan.id } }), 201);
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: admin, json: { welcomeMessage: "Welcome **home**", status: { state: "temporarily_closed", message: "Closed for works" } } }));
    await ok(await call(tenant.host, "POST", "/api/v1/announcements", { cookie: admin, json: { title: "Fire drill", body: "Tuesday" } }), 201);
    const room = await ok<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: admin, json: { name: "Salle Hopper", category: "rooms", pricePerHour: { amount: 1000, currency: "EUR" } } }), 201);
    await ok(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.resource.id, from: at(2, 9), to: at(2, 10) } }), 201);
    const event = await ok<{ event: { id: string } }>(await call(tenant.host, "POST", "/api/v1/events", { cookie: admin, json: { title: "Meetup", startsAt: at(3, 18), endsAt: at(3, 20) } }), 201);
    await ok(await call(tenant.host, "POST", `/api/v1/events/${event.event.id}/attend`, { cookie: member.cookie }), 201);

    const full = await answer(dashboardAnswer, await me());
    expect(full).toMatchObject({
      membership: { plan: { id: plan.plan.id, name: "Flex" }, status: "active" },
      welcomeMessage: "Welcome **home**",
      status: { state: "temporarily_closed", message: "Closed for works", from: null, until: null },
    });
    expect(full.nextInvoice).not.toBeNull();
    expect(full.unpaidInvoices).toHaveLength(1);
    expect(full.announcements.map((a) => a.title)).toEqual(["Fire drill"]);
    expect(full.upcomingBookings).toHaveLength(1);
    expect(full.upcomingEvents.map((e) => e.id)).toEqual([event.event.id]);
  });
});
