import { describe, expect, it } from "vitest";
import { call, makeTenant, signUpMember } from "../test/helpers";

// `GET /api/v1/me/dashboard` and the portal's part of `PATCH /api/v1/tenant`: messages,
// the status banner inside its window only, announcements only for their targets.

type Dashboard = { name: string; membership: { plan: { name: string }; status: string } | null; welcomeMessage: string | null; announcements: { title: string }[]; status: { state: string; message: string } | null; nextInvoice: null; unpaidInvoices: unknown[] };

const HOUR = 3_600_000;

describe("the dashboard", () => {
  it("shows the welcome message, the status banner within its window, and the member's plan", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "dash@example.com", "Dana Dash");
    const dash = async () => (await (await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: member.cookie })).json()) as Dashboard;
    expect(await dash()).toMatchObject({ name: "Dana Dash", membership: null, welcomeMessage: null, announcements: [], status: null, nextInvoice: null, unpaidInvoices: [] });
    const patch = (json: unknown) => call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json });
    const now = Date.now();
    expect((await patch({ status: { state: "temporarily_closed", message: "Closed for works", from: new Date(now + HOUR).toISOString(), until: new Date(now).toISOString() } })).status).toBe(422);
    expect((await patch({ welcomeMessage: "**Welcome**", cancellationMessage: "Sorry to see you go", status: { state: "temporarily_closed", message: "Closed for works", from: new Date(now - HOUR).toISOString(), until: new Date(now + HOUR).toISOString() } })).status).toBe(200);
    expect(await dash()).toMatchObject({ welcomeMessage: "**Welcome**", status: { state: "temporarily_closed", message: "Closed for works" } });
    const tenantView = (await (await call(tenant.host, "GET", "/api/v1/tenant")).json()) as { cancellationMessage: string; status: { until: string } };
    expect(tenantView).toMatchObject({ cancellationMessage: "Sorry to see you go", status: { until: new Date(now + HOUR).toISOString() } });
    // Outside its window, and `open` without a message: no banner.
    expect((await patch({ status: { state: "restricted", message: "Members only", from: new Date(now + HOUR).toISOString() } })).status).toBe(200);
    expect((await dash()).status).toBeNull();
    expect((await patch({ status: { state: "open", message: "" } })).status).toBe(200);
    expect((await dash()).status).toBeNull();
    expect((await patch({ welcomeMessage: null, status: null })).status).toBe(200);
    expect((await dash()).welcomeMessage).toBeNull();
    // A plan chosen shows with its state.
    const plan = (await (await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Resident", price: { amount: 100, currency: "EUR" }, intervalMonths: 1, approvalRequired: true } })).json()) as { plan: { id: string } };
    await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.plan.id } });
    expect((await dash()).membership).toEqual({ plan: { id: plan.plan.id, name: "Resident" }, status: "pending_approval" });
    expect((await call(tenant.host, "GET", "/api/v1/me/dashboard")).status).toBe(401);
  });

  it("announcements reach only their targets; admins manage them (403 for members)", async () => {
    const tenant = await makeTenant();
    const inGroup = await signUpMember(tenant, "ann-in@example.com");
    const outside = await signUpMember(tenant, "ann-out@example.com");
    expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Makers", slug: "makers", joinPolicy: "open" } })).status).toBe(201);
    await call(tenant.host, "POST", "/api/v1/groups/makers/join", { cookie: inGroup.cookie, json: {} });
    const post = (json: unknown, cookie = tenant.owner.cookie) => call(tenant.host, "POST", "/api/v1/announcements", { cookie, json });
    expect((await post({ title: "x", body: "y" }, inGroup.cookie)).status).toBe(403);
    expect((await post({ title: "Everyone", body: "Hello all" })).status).toBe(201);
    const targeted = await post({ title: "Makers only", body: "Laser night", groups: ["makers"], email: true });
    expect(targeted.status).toBe(201);
    const titles = async (cookie: string) => ((await (await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie })).json()) as Dashboard).announcements.map((a) => a.title);
    expect(await titles(inGroup.cookie)).toEqual(["Makers only", "Everyone"]);
    expect(await titles(outside.cookie)).toEqual(["Everyone"]);
    // Delivered by the outbox (the development clock drains it now).
    await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: new Date().toISOString() } });
    const mail = (await (await call(tenant.host, "GET", `/api/v1/dev/mail?to=${encodeURIComponent("ann-in@example.com")}`)).json()) as { subject: string }[];
    expect(mail.some((m) => m.subject.includes("Makers only"))).toBe(true);
    const none = (await (await call(tenant.host, "GET", `/api/v1/dev/mail?to=${encodeURIComponent("ann-out@example.com")}`)).json()) as { subject: string }[];
    expect(none.some((m) => m.subject.includes("Makers only"))).toBe(false);
    const list = (await (await call(tenant.host, "GET", "/api/v1/announcements", { cookie: tenant.owner.cookie })).json()) as { items: { id: string; title: string }[] };
    expect(list.items.map((a) => a.title)).toEqual(["Makers only", "Everyone"]);
    expect((await call(tenant.host, "DELETE", `/api/v1/announcements/${list.items[1]!.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect(await titles(outside.cookie)).toEqual([]);
  });
});
