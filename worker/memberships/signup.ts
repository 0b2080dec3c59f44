import type { TenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import { signUp, type signupSchema } from "../auth/service";
import { billingSettingsOf } from "../invoices/settings";
import type { z } from "zod";
import { getPlan, listPlans, type PlanView } from "../plans/service";
import { choosablePlan, clockOf, startMembership } from "./service";

type Urls = Parameters<typeof signUp>[3];

/**
 * Sign-up on the community's page, with a plan when one is chosen: the plan is checked first
 * (422 `plan_unavailable`, no account made), then the account, then the membership (pending
 * approval when the plan asks for it, as a member's own choice).
 */
export async function signUpWithPlan(t: TenantDb, tenant: Tenant, input: z.output<typeof signupSchema>, urls: Urls, now = Date.now()) {
  if (input.planId) await choosablePlan(t, input.planId, "planId");
  const result = await signUp(t, tenant, input, urls, now);
  if (!input.planId) return { ...result, membership: null };
  const billing = await billingSettingsOf(t, tenant.name);
  const membership = await startMembership(t, billing, clockOf(tenant, now), { userId: result.user.id, planId: input.planId, ...(input.billing ? { billing: input.billing } : {}) }, "member");
  return { ...result, membership };
}

/**
 * The plans the sign-up page offers: the visible ones, and a hidden one when the link names it
 * (`/signup?plan=ID`, from the plan's own page); never an archived one.
 */
export async function signupPlans(t: TenantDb, linked?: string | null): Promise<PlanView[]> {
  const visible = await listPlans(t, { all: false });
  if (!linked || linked.length > 64 || visible.some((p) => p.id === linked)) return visible;
  const hidden = await getPlan(t, linked, { archived: false });
  return hidden ? [...visible, hidden] : visible;
}
