import { Hono } from "hono";
import type { AppEnv } from "../env";
import { allowed, portalRequest } from "../memberships/http";
import { dashboardOf } from "./service";

/** "Switches, status and messages": the member's dashboard. */
export const dashboardApi = new Hono<AppEnv>().get("/me/dashboard", allowed("readOwnMembership"), async (c) => {
  const r = await portalRequest(c);
  return c.json(await dashboardOf(r.t, r.tenant, r.user, r.clock.today, r.clock.now));
});
