import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Day } from "./periods";

/** The plan through which someone is in a paid group. */
export type MemberPlan = { id: string; name: string };

/**
 * The plan of the member's membership that gives access on `today` and opens the group, as
 * one more column of a query that already reads `memberships` (a group's member list): a
 * correlated subquery, so a list costs no query per person; null for everyone else.
 * Access is `givesAccess` (service.ts) in SQL: active or canceling, started, not past
 * `cancelsOn`. The `status <> 'canceled'` term lets SQLite use the one-open-membership index.
 */
export function memberPlanOf(tenantId: AnyColumn, groupId: AnyColumn, userId: AnyColumn, today: Day): SQL<MemberPlan | null> {
  return sql`(select json_object('id', p.id, 'name', p.name) from plan_memberships pm
      join plan_groups pg on pg.plan_id = pm.plan_id and pg.group_id = ${groupId}
      join plans p on p.id = pm.plan_id
      where pm.tenant_id = ${tenantId} and pm.user_id = ${userId} and pm.status <> 'canceled'
        and pm.status in ('active', 'canceling') and pm.starts_on <= ${today}
        and (pm.cancels_on is null or pm.cancels_on >= ${today})
      limit 1)`.mapWith((v: unknown) => (typeof v === "string" && v ? (JSON.parse(v) as MemberPlan) : null));
}
