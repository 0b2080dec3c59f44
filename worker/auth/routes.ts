import { Hono, type Context } from "hono";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { clientIp, requestOrigin, requireTenant } from "../http/context";
import { json, onTenant } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import {
  confirmPasswordReset,
  logIn,
  loginSchema,
  publicUser,
  requestPasswordReset,
  resetConfirmSchema,
  resetRequestSchema,
  signUp,
  signupSchema,
  userGroups,
} from "./service";
import { clearSessionCookie, requireUser, revokeSession, setSessionCookie } from "./sessions";
import { signUpWithPlan } from "../memberships/signup";
import { doc } from "../openapi/describe";
import { acceptedAnswer, meAnswer, signupAnswer, userEnvelope } from "./answers";
import { loginLinkConfirmSchema, loginLinkRequestSchema, requestLoginLink, useLoginLink } from "./login-links";

/** A password reset or a login link asked for by email: mailed if the address has an account, 202 either way. */
async function mailRequested(c: Context<AppEnv>, request: typeof requestPasswordReset | typeof requestLoginLink, address: string) {
  const tenant = requireTenant(c);
  await request(tenantDb(c.env, tenant), tenant, address, { base: requestOrigin(c) });
  deliverSoon(c);
  return c.json({ status: "accepted" }, 202);
}

export const authApi = new Hono<AppEnv>()
  .post(
    "/auth/signup",
    doc({
      summary: "Sign up",
      description: "Sets the session cookie when the account is active at once. With `planId`, also starts a membership of that plan.",
      answers: { 201: signupAnswer },
      errors: { 403: ["signup_closed"], 404: ["not_found"], 409: ["invite_required", "email_taken"], 422: ["plan_unavailable"] },
      public: true,
    }),
    onTenant, json(signupSchema), async (c) => {
    const tenant = requireTenant(c);
    const input = c.req.valid("json");
    const result = await signUpWithPlan(tenantDb(c.env, tenant), tenant, input, { base: requestOrigin(c) });
    if (result.sessionToken) setSessionCookie(c, result.sessionToken);
    deliverSoon(c);
    return c.json({ user: publicUser(result.user), status: result.status, ...(result.membership ? { membership: { id: result.membership.id, status: result.membership.status } } : {}) }, 201);
  })
  .post(
    "/auth/login",
    doc({
      summary: "Sign in",
      description: "Sets the session cookie. A throttled login answers 429 `too_many_attempts` with `loginLink: true` beside the error.",
      answers: { 200: userEnvelope },
      errors: { 401: ["invalid_credentials", "account_pending", "account_suspended"], 404: ["not_found"], 429: ["too_many_attempts"] },
      public: true,
    }),
    onTenant, json(loginSchema), async (c) => {
    const tenant = requireTenant(c);
    const input = c.req.valid("json");
    const { user, sessionToken } = await logIn(tenantDb(c.env, tenant), input, clientIp(c));
    setSessionCookie(c, sessionToken);
    return c.json({ user: publicUser(user) });
  })
  .post("/auth/logout", doc({ summary: "Sign out (revokes the session)", answers: { 204: null }, errors: { 404: ["not_found"] }, public: true }), async (c) => {
    const tenant = requireTenant(c);
    const sessionId = c.get("sessionId");
    if (sessionId) await revokeSession(tenantDb(c.env, tenant), sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .post(
    "/auth/password-reset",
    doc({ summary: "Email a password reset link", description: "202 whether or not the email has an account.", answers: { 202: acceptedAnswer }, errors: { 404: ["not_found"] }, public: true }),
    onTenant, json(resetRequestSchema), (c) => mailRequested(c, requestPasswordReset, c.req.valid("json").email))
  .post(
    "/auth/password-reset/confirm",
    doc({ summary: "Set a new password with a reset token", answers: { 200: userEnvelope }, errors: { 400: ["invalid_token"], 404: ["not_found"] }, public: true }),
    onTenant, json(resetConfirmSchema), async (c) => {
    const tenant = requireTenant(c);
    const input = c.req.valid("json");
    const user = await confirmPasswordReset(tenantDb(c.env, tenant), input);
    if (c.get("sessionId")) clearSessionCookie(c);
    return c.json({ user: publicUser(user) });
  })
  .post(
    "/auth/login-link",
    doc({ summary: "Email a one-time sign-in link (valid 15 minutes)", description: "202 whether or not the email has an account.", answers: { 202: acceptedAnswer }, errors: { 404: ["not_found"] }, public: true }),
    onTenant, json(loginLinkRequestSchema), (c) => mailRequested(c, requestLoginLink, c.req.valid("json").email))
  .post(
    "/auth/login-link/confirm",
    doc({ summary: "Sign in with a sign-in link's token", description: "Sets the session cookie.", answers: { 200: userEnvelope }, errors: { 400: ["invalid_token"], 404: ["not_found"] }, public: true }),
    onTenant, json(loginLinkConfirmSchema), async (c) => {
    const tenant = requireTenant(c);
    const input = c.req.valid("json");
    const { user, sessionToken } = await useLoginLink(tenantDb(c.env, tenant), input.token);
    setSessionCookie(c, sessionToken);
    return c.json({ user: publicUser(user) });
  })
  .get("/me", doc({ summary: "The signed-in account", answers: { 200: meAnswer }, errors: { 404: ["not_found"] } }), async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const groups = await userGroups(tenantDb(c.env, tenant), user.id);
    const { status: _status, ...me } = publicUser(user);
    return c.json({ ...me, groups });
  });
