import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import { DomainsPage, domainsBase, type DomainsPageProps } from "../../web/pages/tenancy/domains";
import { groupBrand } from "../../web/pages/groups/shared";
import { requireUser } from "../auth/sessions";
import { tenantDb, type TenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { groupFromRequest } from "../groups/request";
import { viewingAsMember } from "../http/context";
import { mayTenancy } from "./policy";
import { groupView, type GroupContext } from "../groups/service";
import { membershipState, pendingCount } from "../groups/membership";
import { requireTenant } from "../http/context";
import { ApiError, forbidden } from "../http/errors";
import { doneNotice, pageContext, renderWith } from "../http/render";
import { formAction, loginRedirect, readForm, signedIn, withDone, type FormFailure } from "../http/forms";
import { parseWith } from "../http/validate";
import { z } from "zod";
import { and, eq, inArray } from "drizzle-orm";
import { groups } from "../db/schema";
import { addDomain, checkDomain, hostnameSchema, listDomains, publicDomain, removeDomain } from "./domains";

/** What a redirect after a domain form may announce (`?done=`). */
const NOTICES: Record<string, MessageKey> = {
  added: "domains.notice.added",
  checked: "domains.notice.checked",
  verified: "domains.notice.verified",
  active: "domains.notice.active",
  removed: "domains.notice.removed",
};

/** The community's domains (tenant owners and admins) or one group's (its admins); policy.ts decides, read-only in the member view. */
type Scope = { t: TenantDb; groupId: string | undefined; group: GroupContext | undefined; canWrite: boolean };

async function tenantScope(c: Context<AppEnv>): Promise<Scope | Response> {
  const tenant = requireTenant(c);
  const user = c.get("user");
  if (!user) return loginRedirect(c);
  const actor = { tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) };
  if (!mayTenancy(actor, "viewDomains")) throw forbidden("forbidden", "Only community owners and admins can do this.");
  return { t: tenantDb(c.env, tenant), groupId: undefined, group: undefined, canWrite: mayTenancy(actor, "manageDomains") };
}

async function groupScope(c: Context<AppEnv>): Promise<Scope | Response> {
  const signedOut = signedIn(c);
  if (signedOut) return signedOut;
  const { t: tdb, ctx } = await groupFromRequest(c);
  requireUser(c);
  if (!mayTenancy(ctx.actor, "viewGroupDomains")) throw forbidden("forbidden", "You do not administer this group.");
  return { t: tdb, groupId: ctx.group.id, group: ctx, canWrite: mayTenancy(ctx.actor, "manageGroupDomains") };
}

async function render(c: Context<AppEnv>, scope: Scope, extra: Partial<DomainsPageProps> = {}, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const rows = await listDomains(scope.t, scope.groupId);
  const domains = rows.map((d) => publicDomain(d, c.env));
  let props: DomainsPageProps = { ctx, domains, viewingAsMember: viewingAsMember(c), ...doneNotice(c, NOTICES), ...extra };
  const title = t(ctx.lang, "domains.title");
  if (!scope.group) {
    const ids = [...new Set(rows.flatMap((d) => (d.groupId ? [d.groupId] : [])))];
    if (ids.length) {
      const found = await scope.t.db.select({ id: groups.id, name: groups.name, slug: groups.slug }).from(groups).where(and(eq(groups.tenantId, scope.t.tenantId), inArray(groups.id, ids)));
      props.groups = Object.fromEntries(found.map((g) => [g.id, { name: g.name, slug: g.slug }]));
    }
    return renderWith(c, ctx, { title, body: DomainsPage(props) }, status);
  }
  const tenant = requireTenant(c);
  const membership = await membershipState(c.env, scope.t, scope.group, c.get("user"));
  const view = groupView(c.env, tenant, scope.group, membership);
  props = { ...props, group: view, pendingRequests: await pendingCount(c.env, scope.t, scope.group) };
  return renderWith(c, ctx, { title: `${title} · ${view.name}`, body: DomainsPage(props), brand: groupBrand(view) }, status);
}

/** What the page shows: every refusal (the ones it has no words for go on to `onError`), and the provider being down. */
const shows = (err: ApiError) => err.status < 500 || err.code === "provider_error" || err.code === "domains_unconfigured";

/** A refused form comes back on the page, in the reader's language; the provider being down is not a 500 page. */
async function failure(c: Context<AppEnv>, scope: Scope, { err }: FormFailure, values: Record<string, string> = {}) {
  const lang = pageContext(c).lang;
  if (err.code === "validation_failed") return render(c, scope, { values, errors: { hostname: t(lang, "domains.error.hostname") } }, 422);
  if (err.code === "domain_taken") return render(c, scope, { values, ...(values.hostname !== undefined ? { errors: { hostname: t(lang, "domains.error.taken") } } : { formError: t(lang, "domains.error.taken") }) }, 409);
  if (err.code === "provider_error" || err.code === "domains_unconfigured") return render(c, scope, { values, formError: t(lang, "domains.error.unavailable") }, 503);
  throw err;
}

function pages(base: (c: Context<AppEnv>) => string, scopeOf: (c: Context<AppEnv>) => Promise<Scope | Response>) {
  const writable = async (c: Context<AppEnv>) => {
    const scope = await scopeOf(c);
    if (scope instanceof Response) return scope;
    if (!scope.canWrite) throw forbidden("forbidden", "Leave the member view to change domains.");
    return scope;
  };
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const scope = await scopeOf(c);
      return scope instanceof Response ? scope : render(c, scope);
    })
    .post("/", async (c) => {
      const scope = await writable(c);
      if (scope instanceof Response) return scope;
      const hostname = (await readForm(c)).str("hostname");
      return formAction(c, {
        shows,
        run: () => addDomain(c.env, scope.t, parseWith(z.object({ hostname: hostnameSchema }), { hostname }).hostname, scope.groupId ?? null),
        render: (f) => failure(c, scope, f, { hostname }),
        done: () => withDone(base(c), "added"),
      });
    })
    .post("/:hostname/verify", async (c) => {
      const scope = await writable(c);
      if (scope instanceof Response) return scope;
      return formAction(c, {
        shows,
        run: () => checkDomain(c.env, scope.t, c.req.param("hostname"), Date.now(), scope.groupId),
        render: (f) => failure(c, scope, f),
        done: (claim) => withDone(base(c), claim.status === "active" ? "active" : claim.status === "verified" ? "verified" : "checked"),
      });
    })
    .post("/:hostname/remove", async (c) => {
      const scope = await writable(c);
      if (scope instanceof Response) return scope;
      await removeDomain(c.env, scope.t, c.req.param("hostname"), scope.groupId);
      return c.redirect(withDone(base(c), "removed"), 303);
    });
}

/** /admin/domains (the community's) and /admin/groups/{slug}/domains (a group's own). */
export const domainPages = new Hono<AppEnv>()
  .route("/admin/domains", pages(() => domainsBase(), tenantScope))
  .route("/admin/groups/:slug/domains", pages((c) => domainsBase({ slug: c.req.param("slug") ?? "" }), groupScope));
