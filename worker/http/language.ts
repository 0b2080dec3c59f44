import { and, eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { canonicalTag, catalogFor, closestLang, fromAcceptLanguage, type Lang } from "../../web/i18n";
import { tenantDb } from "../db/client";
import { users } from "../db/schema";
import { forgetSessions } from "../auth/sessions";
import { isDevelopment, type AppEnv } from "../env";

/**
 * Picks the language of the answer: an explicit `?lang=` (remembered in a cookie,
 * and on the account when signed in), then the member's own language, then the
 * cookie, then the browser's (`Accept-Language`, when the product speaks it), then
 * the community's default. Every tag goes through `closestLang`'s rule, so a
 * member whose language is `nl-BE` reads Dutch.
 */
export async function pickLanguage(c: Context<AppEnv>): Promise<Lang> {
  const tenant = c.get("tenant");
  const user = c.get("user");
  const asked = catalogFor(canonicalTag(c.req.query("lang")));
  let lang: Lang;
  if (asked) {
    lang = asked;
    setCookie(c, "lang", asked, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "Lax", secure: !isDevelopment(c.env) });
    if (user && tenant && catalogFor(user.language) !== asked) {
      const t = tenantDb(c.env, tenant);
      await t.db.update(users).set({ language: asked }).where(and(eq(users.tenantId, t.tenantId), eq(users.id, user.id)));
      c.set("user", { ...user, language: asked });
      forgetSessions({ userId: user.id });
    }
  } else {
    lang =
      catalogFor(user?.language) ??
      catalogFor(getCookie(c, "lang")) ??
      fromAcceptLanguage(c.req.header("accept-language")) ??
      (tenant ? closestLang(tenant.defaultLanguage) : "en");
  }
  c.set("language", lang);
  return lang;
}

export function languagePicker(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await pickLanguage(c);
    await next();
  };
}
