import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MEMBERSHIP_SELECT } from "./run";

// The run reads every billable membership with what is already charged for it (subqueries over
// `charges`). Each subquery must come from an index: one that scans the charges table turns a
// 10,000-member run from 3 s into minutes (10,000 memberships × 30,000 charges).

describe("the invoice run's queries", () => {
  it("read each membership's charges through an index, never by scanning the charges table", async () => {
    const plan = await env.DB.prepare(`explain query plan ${MEMBERSHIP_SELECT}`).bind("t", "2026-01-01").all<{ detail: string }>();
    const steps = plan.results.map((r) => r.detail);
    expect(steps.length).toBeGreaterThan(0);
    // The charges table is `c` in every subquery: each reads it through an index (SQLite says
    // "SCAN c", or "SEARCH c" without an index, when it reads every row).
    const charges = steps.filter((d) => /\b(SCAN|SEARCH) c\b/.test(d));
    expect(charges.length).toBeGreaterThanOrEqual(3);
    expect(charges.filter((d) => !/^SEARCH c USING (COVERING )?INDEX /.test(d))).toEqual([]);
  });
});
