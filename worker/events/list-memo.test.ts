import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { call, makeTenant, signUpMember, tenantAndUserRows, type TestTenant } from "../test/helpers";
import { eventViewer, forgetEvents, listEvents, listEventsJson } from "./service";

// The events list answered to one viewer is remembered by the identities of the two cached reads
// it is built from (the shared list, the viewer's own statuses) and serialized once
// (service.ts `answeredPage`). What that must never do: show one member another's status, or
// keep showing a list or a status that a write changed.

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ahead = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * 24 * HOUR);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
};

type Listed = { items: { id: string; title: string; going: number; waitlisted: number; myStatus: "going" | "waitlisted" | null }[]; nextCursor: string | null };

async function list(tenant: TestTenant, cookie: string): Promise<{ body: Listed; text: string; type: string | null }> {
  const res = await call(tenant.host, "GET", "/api/v1/events", { cookie });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { body: JSON.parse(text) as Listed, text, type: res.headers.get("content-type") };
}

async function makeEvent(tenant: TestTenant, title: string, days: number, capacity?: number): Promise<string> {
  const res = await call(tenant.host, "POST", "/api/v1/events", { cookie: tenant.owner.cookie, json: { title, startsAt: iso(ahead(days, 18)), endsAt: iso(ahead(days, 20)), ...(capacity ? { capacity } : {}) } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { event: { id: string } }).event.id;
}

const row = (l: Listed, id: string) => l.items.find((e) => e.id === id)!;

describe("the events list, remembered per viewer", () => {
  it("answers each member their own statuses, and what a registration, a leave or a new event changed, at once", async () => {
    const tenant = await makeTenant();
    const ada = await signUpMember(tenant, `ada-${crypto.randomUUID()}@example.org`, "Ada");
    const bob = await signUpMember(tenant, `bob-${crypto.randomUUID()}@example.org`, "Bob");
    const talk = await makeEvent(tenant, "Talk", 3, 1);

    const first = await list(tenant, ada.cookie);
    expect(first.type).toBe("application/json");
    expect(row(first.body, talk)).toMatchObject({ going: 0, waitlisted: 0, myStatus: null });
    // Read again unchanged: the same answer.
    expect((await list(tenant, ada.cookie)).text).toBe(first.text);

    expect((await call(tenant.host, "POST", `/api/v1/events/${talk}/attend`, { cookie: ada.cookie })).status).toBe(201);
    expect(row((await list(tenant, ada.cookie)).body, talk)).toMatchObject({ going: 1, waitlisted: 0, myStatus: "going" });
    // Bob shares Ada's list but not her status.
    expect(row((await list(tenant, bob.cookie)).body, talk)).toMatchObject({ going: 1, waitlisted: 0, myStatus: null });

    expect((await call(tenant.host, "POST", `/api/v1/events/${talk}/attend`, { cookie: bob.cookie })).status).toBe(201);
    expect(row((await list(tenant, bob.cookie)).body, talk)).toMatchObject({ going: 1, waitlisted: 1, myStatus: "waitlisted" });
    expect(row((await list(tenant, ada.cookie)).body, talk)).toMatchObject({ going: 1, waitlisted: 1, myStatus: "going" });

    // Ada leaves: Bob is promoted, and both lists say so.
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${talk}/attend`, { cookie: ada.cookie })).status).toBe(204);
    expect(row((await list(tenant, ada.cookie)).body, talk)).toMatchObject({ going: 1, waitlisted: 0, myStatus: null });
    expect(row((await list(tenant, bob.cookie)).body, talk)).toMatchObject({ going: 1, waitlisted: 0, myStatus: "going" });

    // A new event appears in the next read.
    const fair = await makeEvent(tenant, "Fair", 2);
    expect((await list(tenant, bob.cookie)).body.items.map((e) => e.title)).toEqual(["Fair", "Talk"]);
    expect(row((await list(tenant, bob.cookie)).body, fair).myStatus).toBeNull();
  });

  it("builds a page once for the same reads, and anew once they are forgotten", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, `cy-${crypto.randomUUID()}@example.org`, "Cy");
    await makeEvent(tenant, "Workshop", 4);
    const { user } = await tenantAndUserRows(tenant.id, member.id);
    const t = tenantDb(env, { id: tenant.id });
    const viewer = await eventViewer(t, user);
    const ask = { limit: 50, cursor: null };
    const read = async () => ({ page: await listEvents(t, viewer, {}, Date.now(), ask), json: await listEventsJson(t, viewer, {}, Date.now(), ask) });

    const a = await read();
    const b = await read();
    expect(b.page).toBe(a.page);
    expect(b.json).toBe(JSON.stringify(a.page));
    expect(a.page.items.map((e) => e.title)).toEqual(["Workshop"]);

    // Another page size is another page.
    const small = await listEvents(t, viewer, {}, Date.now(), { limit: 1, cursor: null });
    expect(small).not.toBe(a.page);

    forgetEvents(tenant.id, [member.id]);
    const c = await read();
    expect(c.page).not.toBe(a.page);
    expect(c.json).toBe(a.json);
  });
});
