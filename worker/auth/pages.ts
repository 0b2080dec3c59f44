import { Hono } from "hono";
import { t } from "../../web/i18n";
import { LoginLinkSentPage, LoginPage } from "../../web/pages/auth/login";
import { ResetConfirmPage, ResetRequestPage } from "../../web/pages/auth/reset";
import { SignupPage, SignupPendingPage } from "../../web/pages/auth/signup";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { clientIp, requestOrigin, requireTenant } from "../http/context";
import { ApiError } from "../http/errors";
import { localizeError, localizeFields } from "../http/form-errors";
import { pageContext, renderPage } from "../http/render";
import { formBody, parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { confirmPasswordReset, logIn, loginSchema, requestPasswordReset, resetConfirmSchema, signUp, signupSchema } from "./service";
import { clearSessionCookie, revokeSession, setSessionCookie } from "./sessions";
import { signupFields } from "../profiles/service";
import { safeNext } from "../http/redirect";
import { requestLoginLink } from "./login-links";

function expected(err: unknown): ApiError {
  if (err instanceof ApiError && err.status < 500) return err;
  throw err;
}


export const authPages = new Hono<AppEnv>()
  .get("/login", (c) => {
    requireTenant(c);
    const next = safeNext(c, c.req.query("next"));
    if (c.get("user")) return c.redirect(next, 303);
    const ctx = pageContext(c);
    const notice = c.req.query("reset") ? t(ctx.lang, "login.reset_done") : c.req.query("welcome") ? t(ctx.lang, "login.welcome") : undefined;
    return renderPage(c, t(ctx.lang, "login.title"), LoginPage({ ctx, email: c.req.query("email") ?? "", next, ...(notice ? { notice } : {}) }));
  })
  .post("/login", async (c) => {
    const tenant = requireTenant(c);
    const form = await formBody(c);
    const next = safeNext(c, form.next);
    try {
      const input = parseWith(loginSchema, form);
      const { sessionToken } = await logIn(tenantDb(c.env, tenant), input, clientIp(c));
      setSessionCookie(c, sessionToken);
      return c.redirect(next, 303);
    } catch (err) {
      const e = expected(err);
      for (const [k, v] of Object.entries(e.headers ?? {})) c.header(k, v);
      const ctx = pageContext(c);
      // Throttled: the owner of the account can still get in, by a link sent to their mailbox.
      const loginLink = e.extra?.loginLink === true;
      return renderPage(c, t(ctx.lang, "login.title"), LoginPage({ ctx, email: form.email ?? "", next, error: localizeError(ctx.lang, e), loginLink }), e.status);
    }
  })
  .post("/login/link/send", async (c) => {
    const tenant = requireTenant(c);
    const form = await formBody(c);
    await requestLoginLink(tenantDb(c.env, tenant), tenant, form.email ?? "", { base: requestOrigin(c) });
    deliverSoon(c);
    const ctx = pageContext(c);
    return renderPage(c, t(ctx.lang, "login_link.sent_title"), LoginLinkSentPage({ ctx, email: form.email ?? "" }), 202);
  })
  .post("/logout", async (c) => {
    const tenant = requireTenant(c);
    const sessionId = c.get("sessionId");
    if (sessionId) await revokeSession(tenantDb(c.env, tenant), sessionId);
    clearSessionCookie(c);
    const type = c.req.header("content-type") ?? "";
    const form = type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data") ? await formBody(c) : {};
    return c.redirect(safeNext(c, form.next), 303);
  })
  .get("/signup", async (c) => {
    const tenant = requireTenant(c);
    const next = safeNext(c, c.req.query("next"));
    if (c.get("user")) return c.redirect(next, 303);
    const ctx = pageContext(c);
    const profileFields = await signupFields(tenantDb(c.env, tenant));
    return renderPage(c, t(ctx.lang, "signup.title"), SignupPage({ ctx, values: { email: c.req.query("email") ?? "", language: ctx.lang }, profileFields, next }));
  })
  .post("/signup", async (c) => {
    const tenant = requireTenant(c);
    const form = await formBody(c);
    const next = safeNext(c, form.next);
    try {
      const input = parseWith(signupSchema, { ...form, language: form.language || undefined });
      const result = await signUp(tenantDb(c.env, tenant), tenant, input, { base: requestOrigin(c) });
      deliverSoon(c);
      if (result.sessionToken) {
        setSessionCookie(c, result.sessionToken);
        return c.redirect(next, 303);
      }
      const ctx = pageContext(c);
      return renderPage(c, t(ctx.lang, "signup.title"), SignupPendingPage({ ctx }), 202);
    } catch (err) {
      const e = expected(err);
      const ctx = pageContext(c);
      const { password: _password, next: _next, ...posted } = form;
      const values = { ...posted, email: form.email ?? "", name: form.name ?? "", language: form.language ?? ctx.lang };
      const errors = localizeFields(ctx.lang, e.fields);
      const profileFields = await signupFields(tenantDb(c.env, tenant));
      return renderPage(
        c,
        t(ctx.lang, "signup.title"),
        SignupPage({ ctx, values, errors, profileFields, next, ...(e.fields ? {} : { formError: localizeError(ctx.lang, e) }) }),
        e.status,
      );
    }
  })
  .get("/reset", (c) => {
    requireTenant(c);
    const ctx = pageContext(c);
    const token = c.req.query("token");
    if (token) return renderPage(c, t(ctx.lang, "reset.title"), ResetConfirmPage({ ctx, token }));
    return renderPage(c, t(ctx.lang, "reset.title"), ResetRequestPage({ ctx }));
  })
  .post("/reset", async (c) => {
    const tenant = requireTenant(c);
    const form = await formBody(c);
    await requestPasswordReset(tenantDb(c.env, tenant), tenant, form.email ?? "", { base: requestOrigin(c) });
    deliverSoon(c);
    const ctx = pageContext(c);
    return renderPage(c, t(ctx.lang, "reset.title"), ResetRequestPage({ ctx, sent: true, email: form.email ?? "" }));
  })
  .post("/reset/confirm", async (c) => {
    const tenant = requireTenant(c);
    const form = await formBody(c);
    try {
      const input = parseWith(resetConfirmSchema, form);
      const user = await confirmPasswordReset(tenantDb(c.env, tenant), input);
      if (c.get("sessionId")) clearSessionCookie(c);
      return c.redirect(`/login?reset=1&email=${encodeURIComponent(user.email)}`, 303);
    } catch (err) {
      const e = expected(err);
      const ctx = pageContext(c);
      const fields = localizeFields(ctx.lang, e.fields);
      return renderPage(c, t(ctx.lang, "reset.title"), ResetConfirmPage({ ctx, token: form.token ?? "", error: fields.password ?? localizeError(ctx.lang, e) }), e.status);
    }
  });
