import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { calendarSql } from "./service";

// The calendar (GET /api/v1/bookings, the /bookings page) reads the bookings overlapping a range.
// Read by their start (`from_ms < to`), that is every booking of the community's history before
// the range's end; by their end (`to_ms > from`), only those still running after its start. Each
// table must come from an index (SQLite says "SCAN x" when it reads every row).

async function plan(viewer: { userId: string; admin: boolean }, q: { resourceId?: string; category?: string }): Promise<string[]> {
  const { results } = await env.DB.prepare(`explain query plan ${calendarSql(viewer, q)}`)
    .bind("t", 1_000, 2_000, ...[q.resourceId, q.category, viewer.admin ? undefined : viewer.userId].filter((v) => v !== undefined))
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

describe("the calendar's query", () => {
  it("reads one resource's bookings by their end, and the community's by their end, never by scanning or by their start", async () => {
    for (const viewer of [{ userId: "u", admin: false }, { userId: "u", admin: true }]) {
      const one = await plan(viewer, { resourceId: "r" });
      expect(one).toContainEqual(expect.stringMatching(/^SEARCH b USING INDEX bookings_resource_to \(resource_id=\? AND to_ms>\?\)/));
      const all = await plan(viewer, {});
      expect(all).toContainEqual(expect.stringMatching(/^SEARCH b USING INDEX bookings_tenant_to \(tenant_id=\? AND to_ms>\?\)/));
      const byCategory = await plan(viewer, { category: "Desks" });
      expect(byCategory).toContainEqual(expect.stringMatching(/^SEARCH b USING INDEX bookings_tenant_to/));
      for (const steps of [one, all, byCategory]) {
        expect(steps.filter((d) => /^SCAN /.test(d))).toEqual([]);
        expect(steps).toContainEqual(expect.stringMatching(/^SEARCH r USING (COVERING )?INDEX sqlite_autoindex_resources_1 \(id=\?\)/));
        expect(steps).toContainEqual(expect.stringMatching(/^SEARCH u USING (COVERING )?INDEX sqlite_autoindex_users_1 \(id=\?\)/));
      }
    }
  });
});
