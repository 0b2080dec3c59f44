import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { notFound } from "../http/errors";
import { pageParams } from "../http/pagination";
import { searchQuerySchema } from "../http/search";
import { json, query } from "../http/validate";
import { allowed, portalRequest, type PortalRequest } from "./http";
import {
  assertMember,
  assignInput,
  billingPatch,
  cancelInput,
  cancelMembership,
  changeInput,
  changePlan,
  chooseInput,
  confirmMembership,
  dropPlanChange,
  editBilling,
  latestMembership,
  listMemberships,
  membershipById,
  openMembership,
  startMembership,
  undoCancel,
  viewsOf,
  type MembershipView,
} from "./service";
import type { PlanMembership } from "../db/schema";

async function answer(r: PortalRequest, m: PlanMembership): Promise<MembershipView> {
  return (await viewsOf(r.t, [m], r.billing, r.clock.today))[0]!;
}

/** The member's own membership that is not canceled (404 without one). */
async function own(c: Context<AppEnv>) {
  const r = await portalRequest(c);
  const m = await openMembership(r.t, r.user.id);
  if (!m) throw notFound("You have no membership.");
  return { r, m };
}

/** A membership of this community by id, for its admins. */
async function byId(c: Context<AppEnv>) {
  const r = await portalRequest(c);
  const id = c.req.param("id") ?? "";
  return { r, m: await membershipById(r.t, id.length <= 64 ? id : "") };
}

type Loaded = { r: PortalRequest; m: PlanMembership };

/** A membership action's handler: load the membership, act on it, answer `{membership}` in the GET's shape. */
function acting(load: (c: Context<AppEnv>) => Promise<Loaded>, act: (l: Loaded) => Promise<PlanMembership>) {
  return async (c: Context<AppEnv>) => {
    const loaded = await load(c);
    return c.json({ membership: await answer(loaded.r, await act(loaded)) });
  };
}

const listQuery = z.object({ status: z.enum(["pending_approval", "active", "canceling", "canceled"], { error: "field.option" }).optional(), planId: z.string().max(64).optional(), q: searchQuerySchema.optional() });

/** "Plans and memberships": a member's own membership, and every membership for admins. */
export const membershipsApi = new Hono<AppEnv>()
  .post("/me/membership", allowed("choosePlan"), json(chooseInput), async (c) => {
    const r = await portalRequest(c);
    return c.json({ membership: await answer(r, await startMembership(r.t, r.billing, r.clock, { ...c.req.valid("json"), userId: r.user.id }, "member")) }, 201);
  })
  .get("/me/membership", allowed("readOwnMembership"), async (c) => {
    const r = await portalRequest(c);
    const m = await latestMembership(r.t, r.user.id);
    if (!m) throw notFound("You never had a membership.");
    return c.json(await answer(r, m));
  })
  .post("/me/membership/cancel", allowed("cancelOwnMembership"), acting(own, ({ r, m }) => cancelMembership(r.t, r.billing, r.clock, m)))
  .post("/me/membership/undo-cancel", allowed("cancelOwnMembership"), acting(own, ({ r, m }) => undoCancel(r.t, r.clock, m)))
  .post("/me/membership/change", allowed("changeOwnMembership"), json(changeInput.omit({ on: true })), async (c) => {
    const { r, m } = await own(c);
    return c.json({ membership: await answer(r, await changePlan(r.t, r.billing, r.clock, m, c.req.valid("json").planId)) });
  })
  .delete("/me/membership/change", allowed("changeOwnMembership"), acting(own, ({ r, m }) => dropPlanChange(r.t, r.clock, m)))
  .patch("/me/membership/billing", allowed("editOwnBilling"), json(billingPatch), async (c) => {
    const { r, m } = await own(c);
    return c.json({ membership: await answer(r, await editBilling(r.t, r.clock, m, c.req.valid("json"))) });
  })
  .get("/memberships", allowed("manageMemberships"), query(listQuery), async (c) => {
    const r = await portalRequest(c);
    return c.json(await listMemberships(r.t, r.billing, r.clock.today, { ...c.req.valid("query"), ...pageParams(c) }));
  })
  .post("/memberships", allowed("manageMemberships"), json(assignInput), async (c) => {
    const r = await portalRequest(c);
    const input = c.req.valid("json");
    await assertMember(r.t, input.userId);
    return c.json({ membership: await answer(r, await startMembership(r.t, r.billing, r.clock, input, "admin")) }, 201);
  })
  .get("/memberships/:id", allowed("manageMemberships"), acting(byId, async ({ m }) => m))
  .post("/memberships/:id/confirm", allowed("manageMemberships"), acting(byId, ({ r, m }) => confirmMembership(r.t, r.clock, m)))
  .post("/memberships/:id/cancel", allowed("manageMemberships"), json(cancelInput), async (c) => {
    const { r, m } = await byId(c);
    return c.json({ membership: await answer(r, await cancelMembership(r.t, r.billing, r.clock, m, c.req.valid("json").on)) });
  })
  .post("/memberships/:id/undo-cancel", allowed("manageMemberships"), acting(byId, ({ r, m }) => undoCancel(r.t, r.clock, m)))
  .post("/memberships/:id/change", allowed("manageMemberships"), json(changeInput), async (c) => {
    const { r, m } = await byId(c);
    const { planId, on } = c.req.valid("json");
    return c.json({ membership: await answer(r, await changePlan(r.t, r.billing, r.clock, m, planId, on)) });
  })
  .patch("/memberships/:id/billing", allowed("manageMemberships"), json(billingPatch), async (c) => {
    const { r, m } = await byId(c);
    return c.json({ membership: await answer(r, await editBilling(r.t, r.clock, m, c.req.valid("json"))) });
  });

