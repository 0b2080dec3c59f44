import { Hono } from "hono";
import { t } from "../../web/i18n";
import { HomePage } from "../../web/pages/home";
import { PlatformLandingPage } from "../../web/pages/platform/landing";
import { TenantSignupPage } from "../../web/pages/platform/new-tenant";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { groupCards } from "../groups/queries";
import { clientIp } from "../http/context";
import { ApiError, notFound } from "../http/errors";
import { localizeError, localizeFields } from "../http/form-errors";
import { pageContext, renderPage } from "../http/render";
import { formBody, parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { platformUrl } from "./hosts";
import { assertMayCreateTenant, countTenantCreation, createTenant, createTenantSchema } from "./service";

export const homePages = new Hono<AppEnv>()
  .get("/", async (c) => {
    const ctx = pageContext(c);
    const tenant = c.get("tenant");
    if (!tenant) return renderPage(c, t(ctx.lang, "landing.title"), PlatformLandingPage({ ctx }));
    const cards = await groupCards(tenantDb(c.env, tenant), ctx.user?.id ?? null);
    // Viewing as a member: a member's badge where the viewer holds a higher role.
    const groups = ctx.viewingAsMember ? cards.map((g) => ({ ...g, role: g.role ? "member" : null })) : cards;
    return renderPage(c, t(ctx.lang, "home.title"), HomePage({ ctx, groups }));
  })
  .get("/new", (c) => {
    if (c.get("tenant")) throw notFound();
    const ctx = pageContext(c);
    return renderPage(c, t(ctx.lang, "new_tenant.title"), TenantSignupPage({ ctx, rootDomain: c.env.ROOT_DOMAIN }));
  })
  .post("/new", async (c) => {
    if (c.get("tenant")) throw notFound();
    const form = await formBody(c);
    const ctx = pageContext(c);
    const values = { name: form.name ?? "", subdomain: form.subdomain ?? "", ownerName: form.ownerName ?? "", ownerEmail: form.ownerEmail ?? "" };
    try {
      await assertMayCreateTenant(c.env, clientIp(c));
      const input = parseWith(createTenantSchema, {
        name: form.name,
        subdomain: form.subdomain,
        language: ctx.lang,
        owner: { name: form.ownerName, email: form.ownerEmail, password: form.ownerPassword },
      });
      const tenant = await createTenant(c.env, input);
      await countTenantCreation(c.env, clientIp(c));
      deliverSoon(c);
      return c.redirect(platformUrl(c.env, tenant.subdomain, `/login?welcome=1&email=${encodeURIComponent(input.owner.email)}`), 303);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
      // The API nests owner fields; the form names them flat.
      const flat: Record<string, string> = { "owner.name": "ownerName", "owner.email": "ownerEmail", "owner.password": "ownerPassword" };
      const errors: Record<string, string> = {};
      for (const [k, v] of Object.entries(localizeFields(ctx.lang, err.fields))) errors[flat[k] ?? k] = v;
      if (err.code === "subdomain_taken") errors.subdomain = localizeError(ctx.lang, err);
      return renderPage(
        c,
        t(ctx.lang, "new_tenant.title"),
        TenantSignupPage({ ctx, values, errors, rootDomain: c.env.ROOT_DOMAIN, ...(err.fields || err.code === "subdomain_taken" ? {} : { formError: localizeError(ctx.lang, err) }) }),
        err.status,
      );
    }
  });
