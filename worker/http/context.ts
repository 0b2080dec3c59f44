import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { notFound } from "./errors";

/** Tenant routes do not exist on the platform host. */
export function requireTenant(c: Context<AppEnv>): Tenant {
  const tenant = c.get("tenant");
  if (!tenant) throw notFound();
  return tenant;
}

/** The origin this request was made to (subdomain or custom domain), for links in emails. */
export function requestOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return `${url.protocol}//${c.req.header("host") ?? url.host}`;
}

/** Cloudflare sets CF-Connecting-IP and overwrites any client-supplied value. */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}

/** Whether the reader chose "view as member" (the `view_as` cookie, set from the admin pages), signed in or not. */
export function asksMemberView(c: Context<AppEnv>): boolean {
  // Asked by several middlewares and the page itself: the cookie is read once per request.
  let asks = c.get("asksMemberView");
  if (asks === undefined) {
    asks = getCookie(c, "view_as") === "member";
    c.set("asksMemberView", asks);
  }
  return asks;
}

/**
 * Someone signed in who chose "view as member": a tenant admin loses the tenant-wide
 * powers, a group owner, admin or moderator their group role, everywhere, until they
 * switch back. For a plain member it changes nothing.
 */
export function viewingAsMember(c: Context<AppEnv>): boolean {
  return !!c.get("user") && asksMemberView(c);
}
