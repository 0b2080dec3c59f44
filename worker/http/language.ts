import { and, eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { isLang, type Lang } from "../../web/i18n";
import { tenantDb } from "../db/client";
import { users } from "../db/schema";
import { forgetSessions } from "../auth/sessions";
import { isDevelopment, type AppEnv } from "../env";

function fromAcceptLanguage(header: string | undefined): Lang | null {
  for (const part of (header ?? "").split(",")) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if (isLang(code)) return code;
  }
  return null;
}

/**
 * Picks the language of the answer: an explicit `?lang=` (remembered in a cookie,
 * and on the account when signed in), then the member's own language, then the
 * cookie, then the community's default (the browser's on the platform host).
 */
export async function pickLanguage(c: Context<AppEnv>): Promise<Lang> {
  {
    const tenant = c.get("tenant");
    const user = c.get("user");
    const asked = c.req.query("lang");
    let lang: Lang;
    if (asked && isLang(asked)) {
      lang = asked;
      setCookie(c, "lang", asked, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "Lax", secure: !isDevelopment(c.env) });
      if (user && tenant && user.language !== asked) {
        const t = tenantDb(c.env, tenant);
        await t.db.update(users).set({ language: asked }).where(and(eq(users.tenantId, t.tenantId), eq(users.id, user.id)));
        c.set("user", { ...user, language: asked });
        forgetSessions({ userId: user.id });
      }
    } else {
      const cookie = getCookie(c, "lang");
      const candidates = [user?.language, cookie, tenant?.defaultLanguage, tenant ? null : fromAcceptLanguage(c.req.header("accept-language"))];
      lang = (candidates.find((x): x is Lang => !!x && isLang(x)) ?? (tenant ? "fr" : "en")) as Lang;
    }
    c.set("language", lang);
    return lang;
  }
}

export function languagePicker(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await pickLanguage(c);
    await next();
  };
}
