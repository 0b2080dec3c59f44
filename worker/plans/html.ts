import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t } from "../../web/i18n";
import { AdminPlanFormPage, AdminPlansPage, PLANS_PATH, planPath } from "../../web/pages/plans/admin-plans";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant, viewingAsMember } from "../http/context";
import { notFound } from "../http/errors";
import { formAction, readForm, signedIn, withDone } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { assertMay, portalRequest, type PortalRequest } from "../memberships/http";
import { planFormInput, planFormOf, planFormValues } from "./form";
import { createPlan, getPlan, groupChoices, listPlans, memberCountsByPlan, setPlanArchived, updatePlan } from "./service";
import type { PlanFormValues, PlanView } from "./types";

// /admin/plans: the community's plans for its owners and admins (server-rendered forms on the plans service).

const NOTICES = { created: "plans.done.created", saved: "plans.done.saved", archived: "plans.done.archived", restored: "plans.done.restored" } as const;

/**
 * The owner or admin managing plans (not viewing as a member), or the redirect that sends a
 * visitor to log in (back to `next`); anyone else gets the 403 page.
 */
async function planAdmin(c: Context<AppEnv>, next?: string): Promise<PortalRequest | Response> {
  const tenant = requireTenant(c);
  const out = signedIn(c, next);
  if (out) return out;
  assertMay({ tenantRole: requireUser(c).tenantRole, viewingAsMember: viewingAsMember(c) }, "managePlans", tenant);
  return portalRequest(c);
}

/** The plan named by the path (archived ones too), else the 404 page. */
async function planOf(c: Context<AppEnv>, req: PortalRequest): Promise<PlanView> {
  const id = c.req.param("id") ?? "";
  const plan = id.length <= 64 ? await getPlan(req.t, id, { archived: true }) : null;
  if (!plan) throw notFound("No such plan.");
  return plan;
}

async function plansPage(c: Context<AppEnv>, req: PortalRequest) {
  const [plans, counts, groups] = await Promise.all([listPlans(req.t, { all: true }), memberCountsByPlan(req.t), groupChoices(req.t)]);
  const ctx = pageContext(c);
  const items = plans.map((p) => ({ ...p, members: counts.get(p.id) ?? 0 }));
  return renderPage(c, t(ctx.lang, "admin.nav.plans"), AdminPlansPage({ ctx, viewingAsMember: viewingAsMember(c), plans: items, groups, ...doneNotice(c, NOTICES) }));
}

type Typed = { values: PlanFormValues; errors: Record<string, string>; formError?: string | undefined };

/** The plan's form (a new one when `plan` is null), as stored or as typed with its errors. */
async function planPage(c: Context<AppEnv>, req: PortalRequest, plan: PlanView | null, typed?: Typed, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const values = typed?.values ?? planFormOf(ctx.lang, plan, req.billing.defaultTaxRate);
  const title = plan ? plan.name : t(ctx.lang, "plans.new_title");
  return renderPage(
    c,
    title,
    AdminPlanFormPage({
      ctx,
      viewingAsMember: viewingAsMember(c),
      plan,
      currency: plan?.price.currency ?? req.billing.currency,
      groups: await groupChoices(req.t),
      values,
      errors: typed?.errors ?? {},
      formError: typed?.formError,
      ownLink: plan?.hidden ? `${requestOrigin(c)}/membership/plans/${encodeURIComponent(plan.id)}` : null,
      ...doneNotice(c, NOTICES),
    }),
    status,
  );
}

/** Archive or restore from a one-button form, back to the list with its notice. */
async function archive(c: Context<AppEnv>, archived: boolean) {
  const req = await planAdmin(c, PLANS_PATH);
  if (req instanceof Response) return req;
  const plan = await planOf(c, req);
  await setPlanArchived(req.t, plan.id, archived, req.clock.now);
  return c.redirect(withDone(PLANS_PATH, archived ? "archived" : "restored"), 303);
}

export const planPages = new Hono<AppEnv>()
  .get("/admin/plans", async (c) => {
    const req = await planAdmin(c);
    return req instanceof Response ? req : plansPage(c, req);
  })
  .get("/admin/plans/new", async (c) => {
    const req = await planAdmin(c);
    return req instanceof Response ? req : planPage(c, req, null);
  })
  .post("/admin/plans/new", async (c) => {
    const req = await planAdmin(c, `${PLANS_PATH}/new`);
    if (req instanceof Response) return req;
    const values = planFormValues(await readForm(c));
    return formAction(c, {
      run: () => createPlan(req.t, req.billing, planFormInput(values, req.billing.currency), req.clock.now),
      render: (f) => planPage(c, req, null, { values, errors: f.errors, formError: f.formError }, f.status),
      done: (plan) => withDone(planPath(plan.id), "created"),
    });
  })
  .get("/admin/plans/:id", async (c) => {
    const req = await planAdmin(c);
    return req instanceof Response ? req : planPage(c, req, await planOf(c, req));
  })
  .post("/admin/plans/:id", async (c) => {
    const req = await planAdmin(c, PLANS_PATH);
    if (req instanceof Response) return req;
    const [plan, values] = [await planOf(c, req), planFormValues(await readForm(c))];
    return formAction(c, {
      run: () => updatePlan(req.t, plan.id, planFormInput(values, plan.price.currency), req.clock.now),
      render: (f) => planPage(c, req, plan, { values, errors: f.errors, formError: f.formError }, f.status),
      done: () => withDone(PLANS_PATH, "saved"),
    });
  })
  .post("/admin/plans/:id/archive", (c) => archive(c, true))
  .post("/admin/plans/:id/restore", (c) => archive(c, false));
