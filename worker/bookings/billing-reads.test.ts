import { describe, expect, it } from "vitest";
import { countedRequest } from "../test/counted-request";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { at, iso } from "../test/time";

// Bookings and resources do not use the billing settings of a portal request (the invoice day a
// booking is priced with is one of its remembered facts, worker/bookings/facts.ts): their
// routes take the community, the member and the clock only (`portalBasics`), so a write there
// does not read the billing settings fresh from D1 for nothing.

async function sqlOf(host: string, method: string, path: string, cookie: string, body?: { json?: unknown; form?: Record<string, string> }): Promise<{ status: number; sql: string[] }> {
  const { status, counted } = await countedRequest(host, method, path, { cookie, ...body });
  return { status, sql: counted.log.flat() };
}

// The whole settings row (seller, numbering, terms), as billingSettingsOf reads it; a booking's own
// invoice-day read and its insert's guard on the invoice day are part of booking, not of this.
const readsBilling = (sql: string[]) => sql.filter((s) => /^select .*"number_prefix".* from "billing_settings"/i.test(s));

describe("booking writes read no billing settings", () => {
  it("cancelling through the API and booking and cancelling through the pages", async () => {
    const tenant = await makeTenant();
    const features = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: true } } });
    expect(features.status).toBe(200);
    const plan = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } });
    expect(plan.status).toBe(201);
    const planId = ((await plan.json()) as { plan: { id: string } }).plan.id;
    const member = await signUpMember(tenant, "bk-billing@example.org");
    expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId } })).status).toBe(201);
    const room = await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Salle Curie", category: "rooms", pricePerHour: { amount: 0, currency: "EUR" } } });
    expect(room.status).toBe(201);
    const resourceId = ((await room.json()) as { resource: { id: string } }).resource.id;
    const book = async (days: number) => {
      const res = await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId, from: iso(at(days, 9)), to: iso(at(days, 10)) } });
      expect(res.status).toBe(201);
      return ((await res.json()) as { booking: { id: string } }).booking.id;
    };
    // Warm: the booking facts (the invoice day among them) are remembered by the bookings above.
    const first = await book(3);
    const second = await book(4);

    const cancel = await sqlOf(tenant.host, "DELETE", `/api/v1/bookings/${first}`, member.cookie);
    expect(cancel.status).toBe(204);
    expect(readsBilling(cancel.sql)).toEqual([]);

    const page = await sqlOf(tenant.host, "POST", "/bookings", member.cookie, { form: { resourceId, date: iso(at(5, 12)).slice(0, 10), start: "09:00", end: "10:00" } });
    expect(page.status).toBe(303);
    expect(readsBilling(page.sql)).toEqual([]);

    const pageCancel = await sqlOf(tenant.host, "POST", `/bookings/${second}/cancel`, member.cookie, { form: {} });
    expect(pageCancel.status).toBe(303);
    expect(readsBilling(pageCancel.sql)).toEqual([]);
  });
});
