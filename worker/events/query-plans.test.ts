import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { REMINDERS_SQL } from "./reminders";
import { eventsListQuery, type EventViewer } from "./service";

// The events' hot queries read through indexes, never by scanning a table: the list (a
// community with 1,000 events, every request of the events tab), the bookings' check that no
// event holds the slot (every booking), the reminders (every minute, every community).

type Step = { detail: string };
async function plan(sql: string, params: unknown[]): Promise<string[]> {
  const rows = await env.DB.prepare(`explain query plan ${sql}`).bind(...params).all<Step>();
  return rows.results.map((r) => r.detail);
}
/** Steps that read a whole table ("SCAN x"), but for the page of at most `limit` ids the list materializes first. */
const scans = (steps: string[]) => steps.filter((d) => /^SCAN /.test(d) && !/^SCAN CONSTANT ROW/.test(d) && d !== "SCAN page");

const member: EventViewer = { userId: "u1", tenantRole: "member", admin: false, viewingAsMember: false, groupRoles: { g1: "member" } };
const admin: EventViewer = { ...member, tenantRole: "admin", admin: true, groupRoles: {} };

describe("the events' queries", () => {
  const t = tenantDb(env, { id: "t1" });
  for (const [label, viewer] of [["a member", member], ["an admin", admin]] as const) {
    for (const q of [{}, { when: "past" as const }, { type: "talk" }, { from: 1, to: 2 }]) {
      it(`the list for ${label} ${JSON.stringify(q)} reads events through an index, counts through event_registrations' index`, async () => {
        const { sql, params } = eventsListQuery(t, viewer, q, Date.now(), 51, null).toSQL();
        const steps = await plan(sql, params);
        expect(steps.length).toBeGreaterThan(0);
        expect(scans(steps), steps.join("\n")).toEqual([]);
        // The page (at most `limit` ids) is cut before the details: the counts run for its rows only.
        expect(steps[0], steps.join("\n")).toBe("MATERIALIZE page");
        expect(steps.some((d) => /SEARCH events USING INDEX events_tenant_(starts|ends)/.test(d)), steps.join("\n")).toBe(true);
        for (const d of steps.filter((d) => /event_registrations|\bx\b/.test(d))) expect(d).toMatch(/USING (COVERING )?INDEX/);
      });
    }
  }

  it("the bookings' check that no event holds the slot searches events by resource and start", async () => {
    const steps = await plan("select 1 from events e where e.resource_id = ?1 and e.canceled_at is null and e.starts_ms < ?3 and e.ends_ms > ?2", ["r", 1, 2]);
    expect(steps).toEqual([expect.stringMatching(/^SEARCH e USING INDEX events_resource_starts \(resource_id=\? AND starts_ms<\?\)$/)]);
  });

  it("the reminders read tomorrow's events by start, their registrations by event", async () => {
    const steps = await plan(REMINDERS_SQL, [1, 2, "Europe/Paris", null, 100]);
    expect(scans(steps), steps.join("\n")).toEqual([]);
    expect(steps.some((d) => /SEARCH e USING INDEX events_starts \(starts_ms>\? AND starts_ms<\?\)/.test(d)), steps.join("\n")).toBe(true);
  });
});
