import type { MiddlewareHandler } from "hono";
import { isDevelopment, type AppEnv } from "../env";
import { apiReferenceScript } from "../generated/assets";

/** The API reference page (worker/openapi/html.ts), the one page whose policy differs. */
export const API_DOCS_PATH = "/api/docs";

/**
 * The API reference's policy: Redoc's bundle, served by us under /assets/, is the only script
 * (named by its full URL, not all of 'self'); its styled components inject <style> elements and
 * its search runs in a worker it makes from a blob, so styles are inline and blob: workers run
 * there only.
 */
export function apiDocsPolicy(origin: string): string {
  return [
    "default-src 'self'",
    `script-src ${origin}/assets/${apiReferenceScript}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "worker-src blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Security headers on every answer. Scripts come only from our own origin (no
 * inline script anywhere); the one inline <style> carrying the branding variables
 * is allowed by a per-request nonce.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // 122 random bits from the runtime's own generator; hex and dashes are valid nonce characters.
    const nonce = crypto.randomUUID();
    c.set("cspNonce", nonce);
    await next();
    // A WebSocket upgrade's answer comes from the room as is (its headers are immutable, and it carries no document).
    if (c.res.status === 101) return;
    const h = c.res.headers;
    const apiDocs = c.req.path === API_DOCS_PATH && c.res.status === 200;
    h.set(
      "Content-Security-Policy",
      apiDocs ? apiDocsPolicy(new URL(c.req.url).origin) : [
        "default-src 'self'",
        "script-src 'self'",
        `style-src 'self' 'nonce-${nonce}'`,
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        // "Pay by card" posts here and is redirected (303) to Stripe Checkout: browsers check redirects of a form against form-action too.
        "form-action 'self' https://checkout.stripe.com",
        "frame-ancestors 'none'",
      ].join("; "),
    );
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    // A page may ask for stricter (an invitation link carries its token in the URL).
    if (!h.has("Referrer-Policy")) h.set("Referrer-Policy", "strict-origin-when-cross-origin");
    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    if (!isDevelopment(c.env)) h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  };
}
