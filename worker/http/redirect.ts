import type { Context } from "hono";
import type { AppEnv } from "../env";
import { requestOrigin } from "./context";

/**
 * Where to send a browser after a form (`next=`): only somewhere on the request's own
 * origin. `next` is resolved against that origin the way a browser would resolve it
 * (the URL parser drops tabs and newlines, turns `\` into `/`, reads `//host` as a
 * host), the origins are compared, and only the path, query and fragment are kept, so
 * the answer can never name another site nor carry a CR or LF into a header. Anything
 * else (another origin, a `javascript:` URL, junk) falls back to `fallback`.
 */
export function sameOriginPath(next: unknown, origin: string, fallback = "/"): string {
  if (typeof next !== "string" || next === "") return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(next, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  const path = url.pathname + url.search + url.hash;
  // "/.//evil.test" resolves to the path "//evil.test", which a browser would read as a host.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}

/** `next` of this request (a query or form value), made safe: the one function every `next` goes through. */
export function safeNext(c: Context<AppEnv>, next: unknown, fallback = "/"): string {
  return sameOriginPath(next, requestOrigin(c), fallback);
}
