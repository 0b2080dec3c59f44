import type { Context } from "hono";
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
