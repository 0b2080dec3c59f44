import { Hono } from "hono";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { notFound } from "../http/errors";
import { json } from "../http/validate";
import { doc } from "../openapi/describe";
import { onePlanAnswer, planListAnswer } from "./answers";
import { allowed, apiActor, portalRequest } from "../memberships/http";
import { may } from "../memberships/policy";
import { createPlan, getPlan, listPlans, planInput, planPatch, setPlanArchived, updatePlan } from "./service";

const idOf = (id: string | undefined) => (id && id.length <= 64 ? id : "");

/** "Plans and memberships": the plans (admins manage them; everyone reads what they can choose). */
export const plansApi = new Hono<AppEnv>()
  .post("/plans", doc({ summary: "Create a plan", answers: { 201: onePlanAnswer }, errors: { 403: ["forbidden"], 422: ["currency_mismatch", "validation_failed"] } }), allowed("managePlans"), json(planInput), async (c) => {
    const { t, billing, clock } = await portalRequest(c);
    return c.json({ plan: await createPlan(t, billing, c.req.valid("json"), clock.now) }, 201);
  })
  .get("/plans", doc({ summary: "List the plans the caller can choose (admins: every plan, archived and hidden ones too)", public: true, answers: { 200: planListAnswer } }), async (c) => {
    const tenant = requireTenant(c);
    const all = may(apiActor(c.get("user") ?? null), "readAllPlans");
    return c.json({ items: await listPlans(tenantDb(c.env, tenant), { all }), nextCursor: null });
  })
  .get("/plans/:id", doc({ summary: "Read a plan (a hidden plan through its own link; archived ones for admins only)", public: true, answers: { 200: onePlanAnswer }, errors: { 404: ["not_found"] } }), async (c) => {
    const tenant = requireTenant(c);
    const archived = may(apiActor(c.get("user") ?? null), "readAllPlans");
    const plan = await getPlan(tenantDb(c.env, tenant), idOf(c.req.param("id")), { archived });
    if (!plan) throw notFound("No such plan.");
    return c.json({ plan });
  })
  .patch("/plans/:id", doc({ summary: "Change a plan", answers: { 200: onePlanAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 422: ["currency_mismatch", "validation_failed"] } }), allowed("managePlans"), json(planPatch), async (c) => {
    const { t, clock } = await portalRequest(c);
    return c.json({ plan: await updatePlan(t, idOf(c.req.param("id")), c.req.valid("json"), clock.now) });
  })
  .delete("/plans/:id", doc({ summary: "Archive a plan (nobody new can choose it; current members keep it)", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), allowed("managePlans"), async (c) => {
    const { t, clock } = await portalRequest(c);
    await setPlanArchived(t, idOf(c.req.param("id")), true, clock.now);
    return c.body(null, 204);
  })
  .post("/plans/:id/restore", doc({ summary: "Restore an archived plan", answers: { 200: onePlanAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), allowed("managePlans"), async (c) => {
    const { t, clock } = await portalRequest(c);
    return c.json({ plan: await setPlanArchived(t, idOf(c.req.param("id")), false, clock.now) });
  });
