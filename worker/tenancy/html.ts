import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import { HomePage } from "../../web/pages/tenancy/home";
import { PlatformLandingPage } from "../../web/pages/tenancy/landing";
import { TenantSignupPage } from "../../web/pages/tenancy/new-tenant";
import { HandoffInvalidPage, HandoffPage } from "../../web/pages/tenancy/handoff";
import { TenantSettingsPage } from "../../web/pages/tenancy/settings";
import { requireUser, setSessionCookie } from "../auth/sessions";
import { directoryDb, tenantDb } from "../db/client";
import { tenants, type Tenant, type User } from "../db/schema";
import { eq } from "drizzle-orm";
import { HANDOFF_PATH, useHandoff } from "./handoff";
import type { AppEnv } from "../env";
import { storeFormImages } from "../groups/image-form";
import { dashboardResponse } from "../dashboard/html";
import { groupCards } from "../groups/queries";
import { mediaUrl } from "../groups/service";
import { clientIp, requireTenant, viewingAsMember } from "../http/context";
import { forbidden, notFound } from "../http/errors";
import { formAction, readForm, refusalAt, refusalOf, renameFields, requirePageUser, withDone, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { platformUrl } from "./hosts";
import { setTenantImage, startCommunity, subdomainSchema, tenantPatchSchema, updateTenant } from "./service";
import { mayCreateCommunity, mayTenancy } from "./policy";

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

export const homePages = new Hono<AppEnv>()
  .get("/", async (c) => {
    const ctx = pageContext(c);
    const tenant = c.get("tenant");
    if (!tenant) return renderPage(c, t(ctx.lang, "landing.title"), PlatformLandingPage({ ctx }));
    const user = c.get("user");
    if (user) return dashboardResponse(c, tenant, user);
    return renderPage(c, t(ctx.lang, "home.title"), HomePage({ ctx, groups: await groupCards(tenantDb(c.env, tenant), null) }));
  })
  .get("/new", (c) => {
    if (!mayCreateCommunity(c.get("tenant") ? "community" : "root")) throw notFound();
    return newTenantPage(c);
  })
  .get("/new/ready", async (c) => {
    if (!mayCreateCommunity(c.get("tenant") ? "community" : "root")) throw notFound();
    const to = subdomainSchema.safeParse(c.req.query("to") ?? "");
    const token = c.req.query("token") ?? "";
    if (!to.success || !TOKEN_SHAPE.test(token)) throw notFound();
    const tenant = await directoryDb(c.env).query.tenants.findFirst({ where: eq(tenants.subdomain, to.data) });
    if (!tenant) throw notFound();
    const ctx = pageContext(c);
    const href = platformUrl(c.env, tenant.subdomain, `${HANDOFF_PATH}?token=${encodeURIComponent(token)}`);
    // The token is in this page's URL and the next one's: never sent on as a Referer.
    c.header("Referrer-Policy", "no-referrer");
    c.header("Refresh", `0;url=${href}`);
    return renderPage(c, t(ctx.lang, "handoff.title"), HandoffPage({ ctx, community: tenant.name, href }));
  })
  .get(HANDOFF_PATH, async (c) => {
    const tenant = c.get("tenant");
    if (!tenant) throw notFound();
    c.header("Referrer-Policy", "no-referrer");
    return formAction(c, {
      run: () => useHandoff(tenantDb(c.env, tenant), c.req.query("token") ?? ""),
      render: () => {
        const ctx = pageContext(c);
        return renderPage(c, t(ctx.lang, "handoff.invalid_title"), HandoffInvalidPage({ ctx }), 400);
      },
      done: ({ sessionToken }) => {
        setSessionCookie(c, sessionToken);
        return "/admin";
      },
    });
  })
  .post("/new", async (c) => {
    if (!mayCreateCommunity(c.get("tenant") ? "community" : "root")) throw notFound();
    const { values: form } = await readForm(c);
    const owner = { name: form.ownerName, email: form.ownerEmail, password: form.ownerPassword };
    return formAction(c, {
      run: () => startCommunity(c.env, clientIp(c), { name: form.name, subdomain: form.subdomain, language: pageContext(c).lang, owner }),
      render: (f) => newTenantRefused(c, form, f),
      // Not a redirect to the new host: the page's CSP (form-action 'self') refuses that.
      // A same-origin page hands the new owner over to their community with a one-time token.
      done: ({ tenant, token }) => {
        deliverSoon(c);
        return `/new/ready?to=${encodeURIComponent(tenant.subdomain)}&token=${encodeURIComponent(token)}`;
      },
    });
  })
  // The community's settings, for its owners and admins.
  .get("/admin/settings", async (c) => {
    const tenant = requireTenant(c);
    const user = requirePageUser(c);
    if (user instanceof Response) return user;
    mayOrForbid(c, user, "readAllSettings");
    return settingsPage(c, tenant, doneNotice(c, SETTINGS_NOTICES));
  })
  .post("/admin/settings", async (c) => {
    const tenant = requireTenant(c);
    mayOrForbid(c, requireUser(c), "changeSettings");
    const form = await readForm(c);
    let updated = tenant;
    const refused = await refusalOf(c, async () => {
      updated = await updateTenant(c.env, tenant, parseWith(tenantPatchSchema, settingsPatch(form.values)));
    });
    const images = await storeFormImages(c, form, ["logo", "favicon"], (kind, bytes) => setTenantImage(c.env, tenant, kind, bytes));
    const errors = { ...renameFields(refused?.errors ?? {}, (k) => k.replace(/^branding\./, "")), ...images.errors };
    if (Object.keys(errors).length === 0) return c.redirect(withDone("/admin/settings", "saved"), 303);
    return settingsPage(c, updated, { values: form.values, errors }, 422);
  });

// ── a new community ─────────────────────────────────────────────────────────

function newTenantPage(c: Context<AppEnv>, extra: { values?: Record<string, string>; errors?: Record<string, string>; formError?: string } = {}, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  return renderPage(c, t(ctx.lang, "new_tenant.title"), TenantSignupPage({ ctx, rootDomain: c.env.ROOT_DOMAIN, ...extra }), status);
}

/** The API nests the owner's fields; the form names them flat. */
const OWNER_FIELDS: Record<string, string> = { "owner.name": "ownerName", "owner.email": "ownerEmail", "owner.password": "ownerPassword" };

/** The form again after a refusal (a subdomain already taken is said beside it), the password not sent back. */
function newTenantRefused(c: Context<AppEnv>, form: Record<string, string>, failure: FormFailure) {
  const values = { name: form.name ?? "", subdomain: form.subdomain ?? "", ownerName: form.ownerName ?? "", ownerEmail: form.ownerEmail ?? "" };
  const { errors, formError, status } = refusalAt(c, { ...failure, errors: renameFields(failure.errors, (k) => OWNER_FIELDS[k] ?? k) }, "subdomain", ["subdomain_taken"]);
  return newTenantPage(c, { values, errors, ...(formError ? { formError } : {}) }, status);
}

// ── the community's settings ───────────────────────────────────────────────

/** What the settings page may announce after saving (`?done=`). */
const SETTINGS_NOTICES: Record<string, MessageKey> = { saved: "admin.notice.saved" };

/** Owners and admins (not while viewing as a member); others get a 403. */
function mayOrForbid(c: Context<AppEnv>, user: User, action: "readAllSettings" | "changeSettings"): void {
  if (!mayTenancy({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }, action)) throw forbidden();
}

function settingsPage(c: Context<AppEnv>, tenant: Tenant, extra: { values?: Record<string, string>; errors?: Record<string, string>; notice?: string }, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  return renderPage(c, t(ctx.lang, "admin.nav.settings"), TenantSettingsPage({ ctx, tenant: settingsView(tenant), viewingAsMember: viewingAsMember(c), ...extra }), status);
}

function settingsView(tenant: Tenant) {
  return {
    name: tenant.name,
    signupPolicy: tenant.signupPolicy,
    groupCreation: tenant.groupCreation,
    defaultLanguage: tenant.defaultLanguage,
    primaryColor: tenant.primaryColor,
    accentColor: tenant.accentColor,
    logoUrl: mediaUrl(tenant.logoKey),
    faviconUrl: mediaUrl(tenant.faviconKey),
  };
}

/** The settings form as the API's patch (the colours under `branding`, as `PATCH /tenant` takes them). */
function settingsPatch(fields: Record<string, string>) {
  return {
    name: fields.name,
    signupPolicy: fields.signupPolicy,
    ...(fields.groupCreation ? { groupCreation: fields.groupCreation } : {}),
    defaultLanguage: fields.defaultLanguage,
    branding: { primaryColor: fields.primaryColor, accentColor: fields.accentColor ? fields.accentColor : null },
  };
}
