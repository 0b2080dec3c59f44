import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { forbidden } from "./errors";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
/** Called by a provider's servers, never with a session: their signature is the proof (worker/payments/routes.ts). */
const SIGNED_WEBHOOKS = new Set(["/api/v1/payments/stripe/webhook"]);

/**
 * Cross-site request forgery guard: a state-changing request that names an
 * Origin must come from this very host. Applies to JSON as well as forms; not to a request
 * authenticated by an API token (`Authorization: Bearer`), which no other site's page can
 * make with the user's credentials.
 */
export function originCheck(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A WebSocket upgrade is a GET, but what it opens acts on the user's behalf: a page of
    // another site must not open one with the user's cookie (cross-site WebSocket hijacking).
    const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
    if (!c.get("apiToken") && (!SAFE.has(c.req.method) || upgrade) && !SIGNED_WEBHOOKS.has(c.req.path)) {
      const origin = c.req.header("origin");
      if (origin !== undefined) {
        let originHost: string | null = null;
        try {
          originHost = origin === "null" ? null : new URL(origin).host.toLowerCase();
        } catch {
          originHost = null;
        }
        const host = (c.req.header("host") ?? new URL(c.req.url).host).toLowerCase();
        if (originHost !== host) throw forbidden("origin_mismatch", "This request came from another site.");
      }
    }
    await next();
  };
}
