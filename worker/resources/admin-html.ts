import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import { AdminResourceFormPage, AdminResourcesPage, RESOURCES_PATH, resourcePath } from "../../web/pages/resources/admin-resources";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { forbidden, notFound } from "../http/errors";
import { formAction, readForm, signedIn, withDone } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { portalRequest, type PortalRequest } from "../memberships/http";
import { listPlans } from "../plans/service";
import { memberProfilePage } from "../profiles/html";
import { formImage, resourceFormOf, resourceFormValues, saveResourceForm } from "./form";
import { decide } from "./policy";
import { deleteResource, listResources, resourceRow, resourceView, setHiddenResources } from "./service";
import type { PlanChoice, ResourceFormValues, ResourceView } from "./types";

// /admin/resources: the rooms, desks and equipment of the community for its owners and admins
// (server-rendered forms on the resources service), and the resources hidden from one member,
// saved from that member's admin page.

const NOTICES: Record<string, MessageKey> = { created: "resources.done.created", saved: "resources.done.saved", deleted: "resources.done.deleted" };

/**
 * The owner or admin managing resources (not viewing as a member), or the redirect that sends a
 * visitor to log in (back to `next`); anyone else gets the 403 page.
 */
async function resourceAdmin(c: Context<AppEnv>, next?: string): Promise<PortalRequest | Response> {
  const tenant = requireTenant(c);
  const out = signedIn(c, next);
  if (out) return out;
  if (!decide({ tenantRole: requireUser(c).tenantRole, viewingAsMember: viewingAsMember(c) }, "manageResources", tenant.features).ok) {
    throw forbidden("forbidden", "Only community owners and admins can do this.");
  }
  return portalRequest(c);
}

/** The resource named by the path, else the 404 page. */
async function resourceOf(c: Context<AppEnv>, req: PortalRequest): Promise<ResourceView> {
  const id = c.req.param("id") ?? "";
  const row = id.length <= 64 ? await resourceRow(req.t, id) : null;
  if (!row) throw notFound("No such resource.");
  return resourceView(row);
}

/** The plans a price can be set for: the current ones, and archived ones the resource still has a price for. */
async function planChoices(req: PortalRequest, resource: ResourceView | null): Promise<PlanChoice[]> {
  const plans = await listPlans(req.t, { all: true });
  return plans.filter((p) => !p.archived || resource?.planPrices[p.id]).map((p) => ({ id: p.id, name: p.name, archived: p.archived }));
}

async function listPage(c: Context<AppEnv>, req: PortalRequest) {
  const ctx = pageContext(c);
  const resources = await listResources(req.t, { userId: req.user.id, all: true });
  return renderPage(c, t(ctx.lang, "admin.nav.resources"), AdminResourcesPage({ ctx, viewingAsMember: viewingAsMember(c), resources, ...doneNotice(c, NOTICES) }));
}

type Typed = { values?: ResourceFormValues; errors: Record<string, string>; formError?: string | undefined };

/** The resource's form (a new one when `resource` is null), as stored or as typed with its errors. */
async function formPage(c: Context<AppEnv>, req: PortalRequest, resource: ResourceView | null, typed?: Typed, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const [plans, all] = await Promise.all([planChoices(req, resource), listResources(req.t, { userId: req.user.id, all: true })]);
  return renderPage(
    c,
    resource ? resource.name : t(ctx.lang, "resources.new_title"),
    AdminResourceFormPage({
      ctx,
      viewingAsMember: viewingAsMember(c),
      resource,
      currency: resource?.pricePerHour.currency ?? req.billing.currency,
      timezone: req.tenant.timezone,
      plans,
      categories: [...new Set(all.map((r) => r.category))],
      values: typed?.values ?? resourceFormOf(ctx.lang, resource, plans, req.billing.defaultTaxRate),
      errors: typed?.errors ?? {},
      formError: typed?.formError,
      ...doneNotice(c, NOTICES),
    }),
    status,
  );
}

/** Creates (`resource` null) or saves a resource from its posted form: back to the list, or the form again with its errors. */
async function save(c: Context<AppEnv>, req: PortalRequest, resource: ResourceView | null) {
  const form = await readForm(c);
  const [plans, image] = await Promise.all([planChoices(req, resource), formImage(form, pageContext(c).lang)]);
  const values = resourceFormValues(form, plans);
  return formAction(c, {
    run: () => saveResourceForm(req.t, c.env.MEDIA, req.billing, req.clock.now, resource, values, image),
    render: (f) => formPage(c, req, resource, { values, errors: f.errors, formError: f.formError }, f.status),
    done: (saved) => withDone(resource ? RESOURCES_PATH : resourcePath(saved.id), resource ? "saved" : "created"),
  });
}

export const resourcePages = new Hono<AppEnv>()
  .get("/admin/resources", async (c) => {
    const req = await resourceAdmin(c);
    return req instanceof Response ? req : listPage(c, req);
  })
  .get("/admin/resources/new", async (c) => {
    const req = await resourceAdmin(c);
    return req instanceof Response ? req : formPage(c, req, null);
  })
  .post("/admin/resources/new", async (c) => {
    const req = await resourceAdmin(c, `${RESOURCES_PATH}/new`);
    return req instanceof Response ? req : save(c, req, null);
  })
  .get("/admin/resources/:id", async (c) => {
    const req = await resourceAdmin(c);
    return req instanceof Response ? req : formPage(c, req, await resourceOf(c, req));
  })
  .post("/admin/resources/:id", async (c) => {
    const req = await resourceAdmin(c, RESOURCES_PATH);
    return req instanceof Response ? req : save(c, req, await resourceOf(c, req));
  })
  .post("/admin/resources/:id/delete", async (c) => {
    const req = await resourceAdmin(c, RESOURCES_PATH);
    if (req instanceof Response) return req;
    const resource = await resourceOf(c, req);
    return formAction(c, {
      run: () => deleteResource(req.t, resource.id, req.clock.now),
      render: (f) => formPage(c, req, resource, { errors: {}, formError: f.formError }, f.status),
      done: () => withDone(RESOURCES_PATH, "deleted"),
    });
  })
  // One member's hidden resources, from their admin page (/admin/members/{id}/profile).
  .post("/admin/members/:id/hidden-resources", async (c) => {
    const req = await resourceAdmin(c, RESOURCES_PATH);
    if (req instanceof Response) return req;
    const [id, ids] = [c.req.param("id"), (await readForm(c)).list("resourceIds")];
    return formAction(c, {
      run: () => setHiddenResources(req.t, id, ids),
      render: (f) => memberProfilePage(c, id, { hiddenError: Object.values(f.errors)[0] ?? f.formError }, f.status),
      done: () => withDone(`/admin/members/${encodeURIComponent(id)}/profile#hidden-resources`, "hidden_resources"),
    });
  });
