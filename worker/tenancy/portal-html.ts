import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import { AdminPortalPage, type BannerShowing, type PortalSettingsPageProps } from "../../web/pages/tenancy/admin-portal";
import type { Tenant, TenantStatus, User } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { forbidden } from "../http/errors";
import { formAction, readForm, renameFields, requirePageUser, withDone, type Form } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { mayTenancy } from "./policy";
import { statusShownAt, statusView } from "./portal-settings";
import { msToLocalTime, PORTAL_SWITCHES, statusPatch, switchesPatch, switchStates } from "./portal-form";
import { tenantPatchSchema, updateTenant } from "./service";

// /admin/portal: the member portal's switches, messages and status banner (tenant owners and
// admins; viewing as a member, a 403 as on the other community-wide admin pages). Every form
// goes through `PATCH /api/v1/tenant`'s schema and `updateTenant`.

const NOTICES: Record<string, MessageKey> = {
  switches: "portal.done.switches",
  messages: "portal.done.messages",
  status: "portal.done.status",
  cleared: "portal.done.cleared",
};

/** The signed-in owner or admin acting as one; a visitor is sent to log in, anyone else gets a 403. */
export function requirePortalAdmin(c: Context<AppEnv>): User | Response {
  const user = requirePageUser(c);
  if (user instanceof Response) return user;
  if (!mayTenancy({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }, "changeSettings")) throw forbidden("forbidden", "Only community owners and admins can do this.");
  return user;
}

/** Whether members see the stored banner at `now`, and if not why. */
export function bannerShowing(status: TenantStatus | null, now: number): BannerShowing {
  if (!status) return "none";
  if (statusShownAt(status, now)) return "now";
  if (status.from !== null && now < status.from) return "scheduled";
  if (status.until !== null && now >= status.until) return "ended";
  return "silent";
}

function portalPage(c: Context<AppEnv>, tenant: Tenant, extra: Partial<PortalSettingsPageProps>, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const local = (ms: number | null | undefined) => (ms == null ? "" : msToLocalTime(ms, tenant.timezone));
  const states = switchStates(tenant.features);
  const props: PortalSettingsPageProps = {
    ctx,
    switches: PORTAL_SWITCHES.map((key) => ({ key, on: states[key] })),
    welcomeMessage: tenant.welcomeMessage,
    cancellationMessage: tenant.cancellationMessage,
    status: statusView(tenant.status),
    statusLocal: { from: local(tenant.status?.from), until: local(tenant.status?.until) },
    showing: bannerShowing(tenant.status, Date.now()),
    timezone: tenant.timezone,
    ...extra,
  };
  return renderPage(c, t(ctx.lang, "admin.nav.portal"), AdminPortalPage(props), status);
}

/** Saves one form of the page as a tenant patch: back to the page with `?done=`, or the page again with the errors beside their fields. */
async function save(c: Context<AppEnv>, patchOf: (form: Form, tenant: Tenant) => unknown, done: string) {
  const tenant = requireTenant(c);
  const form = await readForm(c);
  return formAction(c, {
    form,
    run: () => updateTenant(c.env, tenant, parseWith(tenantPatchSchema, patchOf(form, tenant))),
    render: (f) => portalPage(c, tenant, { values: form.values, errors: renameFields(f.errors, (k) => k.replace(/^status\./, "")), formError: f.formError }, f.status),
    done: () => withDone("/admin/portal", done),
  });
}

const messagesPatch = (form: Form) => ({ welcomeMessage: form.str("welcomeMessage"), cancellationMessage: form.str("cancellationMessage") });

/** Runs `then` for a portal admin (a visitor's login redirect otherwise). */
const asAdmin = (c: Context<AppEnv>, then: () => Response | Promise<Response>) => {
  const user = requirePortalAdmin(c);
  return user instanceof Response ? user : then();
};

export const portalPages = new Hono<AppEnv>()
  .get("/admin/portal", (c) => asAdmin(c, () => portalPage(c, requireTenant(c), doneNotice(c, NOTICES))))
  .post("/admin/portal/switches", (c) => asAdmin(c, () => save(c, switchesPatch, "switches")))
  .post("/admin/portal/messages", (c) => asAdmin(c, () => save(c, messagesPatch, "messages")))
  .post("/admin/portal/status", (c) => asAdmin(c, () => save(c, (form, tenant) => statusPatch(form.values, tenant.timezone), "status")))
  .post("/admin/portal/status/clear", (c) => asAdmin(c, () => save(c, () => ({ status: null }), "cleared")));
