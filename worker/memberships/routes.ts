import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { notFound } from "../http/errors";
import { pageParams } from "../http/pagination";
import { searchQuerySchema } from "../http/search";
import { json, query } from "../http/validate";
import { pageQuery } from "../invoices/answers";
import { doc } from "../openapi/describe";
import { membershipAnswer, membershipListAnswer, oneMembershipAnswer } from "./answers";
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
  .post("/me/membership", doc({ summary: "Choose a plan: start the signed-in member's membership", answers: { 201: oneMembershipAnswer }, errors: { 409: ["membership_exists"], 422: ["plan_unavailable", "validation_failed"] } }), allowed("choosePlan"), json(chooseInput), async (c) => {
    const r = await portalRequest(c);
    return c.json({ membership: await answer(r, await startMembership(r.t, r.billing, r.clock, { ...c.req.valid("json"), userId: r.user.id }, "member")) }, 201);
  })
  .get("/me/membership", doc({ summary: "Read the signed-in member's latest membership (canceled included)", answers: { 200: membershipAnswer }, errors: { 404: ["not_found"] } }), allowed("readOwnMembership"), async (c) => {
    const r = await portalRequest(c);
    const m = await latestMembership(r.t, r.user.id);
    if (!m) throw notFound("You never had a membership.");
    return c.json(await answer(r, m));
  })
  .post("/me/membership/cancel", doc({ summary: "Cancel the signed-in member's membership with notice (a pending one ends at once)", answers: { 200: oneMembershipAnswer }, errors: { 403: ["feature_disabled"], 404: ["not_found"], 409: ["membership_changed"] } }), allowed("cancelOwnMembership"), acting(own, ({ r, m }) => cancelMembership(r.t, r.billing, r.clock, m)))
  .post("/me/membership/undo-cancel", doc({ summary: "Undo the signed-in member's cancellation while it is still canceling", answers: { 200: oneMembershipAnswer }, errors: { 403: ["feature_disabled"], 404: ["not_found"], 409: ["membership_not_canceling", "membership_changed"] } }), allowed("cancelOwnMembership"), acting(own, ({ r, m }) => undoCancel(r.t, r.clock, m)))
  .post("/me/membership/change", doc({ summary: "Schedule a plan change for the start of the next billing period", answers: { 200: oneMembershipAnswer }, errors: { 403: ["feature_disabled"], 404: ["not_found"], 409: ["membership_canceling", "membership_pending", "membership_changed"], 422: ["plan_unavailable", "validation_failed"] } }), allowed("changeOwnMembership"), json(changeInput.omit({ on: true })), async (c) => {
    const { r, m } = await own(c);
    return c.json({ membership: await answer(r, await changePlan(r.t, r.billing, r.clock, m, c.req.valid("json").planId)) });
  })
  .delete("/me/membership/change", doc({ summary: "Drop the signed-in member's scheduled plan change", answers: { 200: oneMembershipAnswer }, errors: { 403: ["feature_disabled"], 404: ["not_found"], 409: ["membership_changed"] } }), allowed("changeOwnMembership"), acting(own, ({ r, m }) => dropPlanChange(r.t, r.clock, m)))
  .patch("/me/membership/billing", doc({ summary: "Edit the billing details of the signed-in member's membership", answers: { 200: oneMembershipAnswer }, errors: { 403: ["feature_disabled"], 404: ["not_found"], 409: ["membership_changed"] } }), allowed("editOwnBilling"), json(billingPatch), async (c) => {
    const { r, m } = await own(c);
    return c.json({ membership: await answer(r, await editBilling(r.t, r.clock, m, c.req.valid("json"))) });
  })
  .get("/memberships", doc({ summary: "List every membership with its member and plan (admins)", query: pageQuery, answers: { 200: membershipListAnswer }, errors: { 400: ["invalid_cursor"], 403: ["forbidden"] } }), allowed("manageMemberships"), query(listQuery), async (c) => {
    const r = await portalRequest(c);
    return c.json(await listMemberships(r.t, r.billing, r.clock.today, { ...c.req.valid("query"), ...pageParams(c) }));
  })
  .post("/memberships", doc({ summary: "Put a member on a plan (already confirmed)", answers: { 201: oneMembershipAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["membership_exists"], 422: ["plan_unavailable", "validation_failed"] } }), allowed("manageMemberships"), json(assignInput), async (c) => {
    const r = await portalRequest(c);
    const input = c.req.valid("json");
    await assertMember(r.t, input.userId);
    return c.json({ membership: await answer(r, await startMembership(r.t, r.billing, r.clock, input, "admin")) }, 201);
  })
  .get("/memberships/:id", doc({ summary: "Read a membership (admins)", answers: { 200: oneMembershipAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), allowed("manageMemberships"), acting(byId, async ({ m }) => m))
  .post("/memberships/:id/confirm", doc({ summary: "Confirm a pending membership: access and billing start", answers: { 200: oneMembershipAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["membership_not_pending", "membership_changed"] } }), allowed("manageMemberships"), acting(byId, ({ r, m }) => confirmMembership(r.t, r.clock, m)))
  .post("/memberships/:id/cancel", doc({ summary: "Cancel a membership, on a chosen last day of access or by the member's rule", answers: { 200: oneMembershipAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["membership_canceled", "membership_changed"], 422: ["validation_failed"] } }), allowed("manageMemberships"), json(cancelInput), async (c) => {
    const { r, m } = await byId(c);
    return c.json({ membership: await answer(r, await cancelMembership(r.t, r.billing, r.clock, m, c.req.valid("json").on)) });
  })
  .post("/memberships/:id/undo-cancel", doc({ summary: "Undo a membership's cancellation while it is still canceling", answers: { 200: oneMembershipAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["membership_not_canceling", "membership_changed"] } }), allowed("manageMemberships"), acting(byId, ({ r, m }) => undoCancel(r.t, r.clock, m)))
  .post("/memberships/:id/change", doc({ summary: "Schedule a membership's plan change (at the next period or on a later day)", answers: { 200: oneMembershipAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["membership_canceling", "membership_pending", "membership_canceled", "membership_changed"], 422: ["plan_unavailable", "validation_failed"] } }), allowed("manageMemberships"), json(changeInput), async (c) => {
    const { r, m } = await byId(c);
    const { planId, on } = c.req.valid("json");
    return c.json({ membership: await answer(r, await changePlan(r.t, r.billing, r.clock, m, planId, on)) });
  })
  .patch("/memberships/:id/billing", doc({ summary: "Edit a membership's billing details", answers: { 200: oneMembershipAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["membership_canceled", "membership_changed"] } }), allowed("manageMemberships"), json(billingPatch), async (c) => {
    const { r, m } = await byId(c);
    return c.json({ membership: await answer(r, await editBilling(r.t, r.clock, m, c.req.valid("json"))) });
  });

