import { Hono } from "hono";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { notFound } from "../http/errors";
import { json } from "../http/validate";
import { allowed, apiActor, portalRequest } from "../memberships/http";
import { may } from "../memberships/policy";
import { createPlan, getPlan, listPlans, planInput, planPatch, setPlanArchived, updatePlan } from "./service";

const idOf = (id: string | undefined) => (id && id.length <= 64 ? id : "");

/** "Plans and memberships": the plans (admins manage them; everyone reads what they can choose). */
export const plansApi = new Hono<AppEnv>()
  .post("/plans", allowed("managePlans"), json(planInput), async (c) => {
    const { t, billing, clock } = await portalRequest(c);
    return c.json({ plan: await createPlan(t, billing, c.req.valid("json"), clock.now) }, 201);
  })
  .get("/plans", async (c) => {
    const tenant = requireTenant(c);
    const all = may(apiActor(c.get("user") ?? null), "readAllPlans");
    return c.json({ items: await listPlans(tenantDb(c.env, tenant), { all }), nextCursor: null });
  })
  .get("/plans/:id", async (c) => {
    const tenant = requireTenant(c);
    const archived = may(apiActor(c.get("user") ?? null), "readAllPlans");
    const plan = await getPlan(tenantDb(c.env, tenant), idOf(c.req.param("id")), { archived });
    if (!plan) throw notFound("No such plan.");
    return c.json({ plan });
  })
  .patch("/plans/:id", allowed("managePlans"), json(planPatch), async (c) => {
    const { t, clock } = await portalRequest(c);
    return c.json({ plan: await updatePlan(t, idOf(c.req.param("id")), c.req.valid("json"), clock.now) });
  })
  .delete("/plans/:id", allowed("managePlans"), async (c) => {
    const { t, clock } = await portalRequest(c);
    await setPlanArchived(t, idOf(c.req.param("id")), true, clock.now);
    return c.body(null, 204);
  })
  .post("/plans/:id/restore", allowed("managePlans"), async (c) => {
    const { t, clock } = await portalRequest(c);
    return c.json({ plan: await setPlanArchived(t, idOf(c.req.param("id")), false, clock.now) });
  });
