import { Hono } from "hono";
import { t } from "../../web/i18n";
import { LoginLinkSentPage, LoginPage } from "../../web/pages/auth/login";
import { ResetConfirmPage, ResetRequestPage } from "../../web/pages/auth/reset";
import { SignupPage, SignupPendingPage } from "../../web/pages/auth/signup";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { clientIp, requestOrigin, requireTenant } from "../http/context";
import { localizeError } from "../http/form-errors";
import { formAction, isForm, readForm } from "../http/forms";
import { pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { confirmPasswordReset, logIn, loginSchema, requestPasswordReset, resetConfirmSchema, signUp, signupSchema } from "./service";
import { clearSessionCookie, revokeSession, setSessionCookie } from "./sessions";
import { signupFields } from "../profiles/service";
import { safeNext } from "../http/redirect";
import { requestLoginLink } from "./login-links";

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
    const form = await readForm(c);
    const next = safeNext(c, form.values.next);
    return formAction(c, {
      run: () => logIn(tenantDb(c.env, tenant), parseWith(loginSchema, form.values), clientIp(c)),
      render: ({ err, status }) => {
        for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
        const ctx = pageContext(c);
        // Throttled: the owner of the account can still get in, by a link sent to their mailbox.
        const loginLink = err.extra?.loginLink === true;
        return renderPage(c, t(ctx.lang, "login.title"), LoginPage({ ctx, email: form.str("email"), next, error: localizeError(ctx.lang, err), loginLink }), status);
      },
      done: ({ sessionToken }) => {
        setSessionCookie(c, sessionToken);
        return next;
      },
    });
  })
  .post("/login/link/send", async (c) => {
    const tenant = requireTenant(c);
    const email = (await readForm(c)).str("email");
    await requestLoginLink(tenantDb(c.env, tenant), tenant, email, { base: requestOrigin(c) });
    deliverSoon(c);
    const ctx = pageContext(c);
    return renderPage(c, t(ctx.lang, "login_link.sent_title"), LoginLinkSentPage({ ctx, email }), 202);
  })
  .post("/logout", async (c) => {
    const tenant = requireTenant(c);
    const sessionId = c.get("sessionId");
    if (sessionId) await revokeSession(tenantDb(c.env, tenant), sessionId);
    clearSessionCookie(c);
    const next = isForm(c) ? (await readForm(c)).values.next : undefined;
    return c.redirect(safeNext(c, next), 303);
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
    const form = await readForm(c);
    const next = safeNext(c, form.values.next);
    return formAction(c, {
      run: async () => {
        const result = await signUp(tenantDb(c.env, tenant), tenant, parseWith(signupSchema, { ...form.values, language: form.values.language || undefined }), { base: requestOrigin(c) });
        deliverSoon(c);
        return result;
      },
      render: async ({ errors, formError, status }) => {
        const ctx = pageContext(c);
        const { password: _password, next: _next, ...posted } = form.values;
        const values = { ...posted, email: form.str("email"), name: form.str("name"), language: form.values.language ?? ctx.lang };
        const profileFields = await signupFields(tenantDb(c.env, tenant));
        return renderPage(c, t(ctx.lang, "signup.title"), SignupPage({ ctx, values, errors, profileFields, next, ...(formError ? { formError } : {}) }), status);
      },
      done: ({ sessionToken }) => {
        if (sessionToken) {
          setSessionCookie(c, sessionToken);
          return next;
        }
        const ctx = pageContext(c);
        return renderPage(c, t(ctx.lang, "signup.title"), SignupPendingPage({ ctx }), 202);
      },
    });
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
    const email = (await readForm(c)).str("email");
    await requestPasswordReset(tenantDb(c.env, tenant), tenant, email, { base: requestOrigin(c) });
    deliverSoon(c);
    const ctx = pageContext(c);
    return renderPage(c, t(ctx.lang, "reset.title"), ResetRequestPage({ ctx, sent: true, email }));
  })
  .post("/reset/confirm", async (c) => {
    const tenant = requireTenant(c);
    const form = await readForm(c);
    return formAction(c, {
      run: () => confirmPasswordReset(tenantDb(c.env, tenant), parseWith(resetConfirmSchema, form.values)),
      render: ({ errors, err, status }) => {
        const ctx = pageContext(c);
        return renderPage(c, t(ctx.lang, "reset.title"), ResetConfirmPage({ ctx, token: form.str("token"), error: errors.password ?? localizeError(ctx.lang, err) }), status);
      },
      done: (user) => {
        if (c.get("sessionId")) clearSessionCookie(c);
        return `/login?reset=1&email=${encodeURIComponent(user.email)}`;
      },
    });
  });
