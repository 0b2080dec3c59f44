import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t } from "../../web/i18n";
import { LoginLinkSentPage, LoginPage } from "../../web/pages/auth/login";
import { ResetConfirmPage, ResetRequestPage } from "../../web/pages/auth/reset";
import { SignupPage, SignupPendingPage } from "../../web/pages/auth/signup";
import { NO_PLAN } from "../../web/pages/memberships/signup-plans";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { clientIp, requestOrigin, requireTenant } from "../http/context";
import { localizeError } from "../http/form-errors";
import { formAction, isForm, readForm, withDone, type Form, type FormFailure } from "../http/forms";
import { pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { confirmPasswordReset, logIn, loginSchema, requestPasswordReset, resetConfirmSchema, signupInput } from "./service";
import { billingOf } from "../memberships/html";
import { signupPlans, signUpWithPlan } from "../memberships/signup";
import { clearSessionCookie, revokeSession, setSessionCookie } from "./sessions";
import { signupFields } from "../profiles/service";
import { safeNext } from "../http/redirect";
import { requestLoginLink } from "./login-links";

/** A session opened (logged in, or signed up): its cookie, and on to where the visitor was going. */
function signedIn(c: Context<AppEnv>, sessionToken: string, next: string): string {
  setSessionCookie(c, sessionToken);
  return next;
}

/** The login page again after a refusal; throttled, it offers a sign-in link by mail (the account's owner can still get in). */
function loginRefused(c: Context<AppEnv>, email: string, next: string, { err, status }: FormFailure) {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  const ctx = pageContext(c);
  return renderPage(c, t(ctx.lang, "login.title"), LoginPage({ ctx, email, next, error: localizeError(ctx.lang, err), loginLink: err.extra?.loginLink === true }), status);
}

type SignupProps = Parameters<typeof SignupPage>[0];

async function signupPage(c: Context<AppEnv>, tenant: Tenant, props: Omit<SignupProps, "ctx" | "profileFields" | "plans">, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const tdb = tenantDb(c.env, tenant);
  const profileFields = await signupFields(tdb);
  const plans = await signupPlans(tdb, typeof props.values?.planId === "string" ? props.values.planId : null);
  return renderPage(c, t(ctx.lang, "signup.title"), SignupPage({ ctx, profileFields, plans, ...props }), status);
}

/** The sign-up form as the sign-up's input: a plan when one is chosen (`planId`, `none` or empty for none), with its billing details. */
function signupForm(form: Form) {
  const { planId: _planId, "billing.name": _name, "billing.address": _address, "billing.taxId": _taxId, ...rest } = form.values;
  const planId = form.str("planId") === NO_PLAN ? "" : form.str("planId");
  const billing = planId ? billingOf(form) : undefined;
  return signupInput({ ...rest, ...(planId ? { planId } : {}), ...(billing ? { billing } : {}) });
}

/** Where a new member goes: their membership page when they chose a plan (pending or not), else where they were going. */
function afterSignup(membership: { status: string } | null, next: string): string {
  if (!membership) return next;
  if (membership.status === "pending_approval") return withDone("/membership", "requested");
  return next !== "/" ? next : withDone("/membership", "chosen");
}

/** The sign-up form again after a refusal, as it was typed (but the password). */
function signupRefused(c: Context<AppEnv>, tenant: Tenant, form: Form, next: string, { errors, formError, status }: FormFailure) {
  const { password: _password, next: _next, ...posted } = form.values;
  const values = { ...posted, email: form.str("email"), name: form.str("name"), language: form.values.language ?? pageContext(c).lang };
  return signupPage(c, tenant, { values, errors, next, ...(formError ? { formError } : {}) }, status);
}

/**
 * A form asking for mail to an address (a sign-in link, a password reset): `request` queues
 * it, and it goes out once the page has answered. Answers the address typed.
 */
async function mailAsked(c: Context<AppEnv>, request: (t: TenantDb, tenant: Tenant, email: string, urls: { base: string }) => Promise<void>): Promise<string> {
  const tenant = requireTenant(c);
  const email = (await readForm(c)).str("email");
  await request(tenantDb(c.env, tenant), tenant, email, { base: requestOrigin(c) });
  deliverSoon(c);
  return email;
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
    const form = await readForm(c);
    const next = safeNext(c, form.values.next);
    return formAction(c, {
      run: () => logIn(tenantDb(c.env, tenant), parseWith(loginSchema, form.values), clientIp(c)),
      render: (f) => loginRefused(c, form.str("email"), next, f),
      done: ({ sessionToken }) => signedIn(c, sessionToken, next),
    });
  })
  .post("/login/link/send", async (c) => {
    const email = await mailAsked(c, requestLoginLink);
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
    const planId = c.req.query("plan");
    return signupPage(c, tenant, { values: { email: c.req.query("email") ?? "", language: pageContext(c).lang, ...(planId ? { planId } : {}) }, next });
  })
  .post("/signup", async (c) => {
    const tenant = requireTenant(c);
    const form = await readForm(c);
    const next = safeNext(c, form.values.next);
    return formAction(c, {
      run: () => signUpWithPlan(tenantDb(c.env, tenant), tenant, signupForm(form), { base: requestOrigin(c) }),
      render: (f) => signupRefused(c, tenant, form, next, f),
      done: ({ sessionToken, membership }) => {
        deliverSoon(c);
        return sessionToken ? signedIn(c, sessionToken, afterSignup(membership, next)) : renderPage(c, t(pageContext(c).lang, "signup.title"), SignupPendingPage({ ctx: pageContext(c) }), 202);
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
    const email = await mailAsked(c, requestPasswordReset);
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
