import { Hono } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { allowed } from "../memberships/http";
import { clockOf } from "../memberships/service";
import { dashboardOf } from "./service";
import { doc } from "../openapi/describe";
import { dashboardAnswer } from "./answers";

/** "Switches, status and messages": the member's dashboard (no billing settings needed: one read). */
export const dashboardApi = new Hono<AppEnv>().get("/me/dashboard", doc({ summary: "Read the signed-in member's dashboard: membership, invoices, messages, bookings and events", answers: { 200: dashboardAnswer } }), allowed("readOwnMembership"), async (c) => {
  const tenant = requireTenant(c);
  const clock = clockOf(tenant);
  return c.json(await dashboardOf(tenantDb(c.env, tenant), tenant, requireUser(c), clock.today, clock.now));
});
