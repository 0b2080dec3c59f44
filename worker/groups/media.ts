import { Hono } from "hono";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { notFound } from "../http/errors";
import { tryDecodeURIComponent } from "../http/uri";

/**
 * Uploaded images, served from R2 with the type decided at upload. Keys carry the
 * tenant id and a content hash: a tenant's host serves only its own keys, and the
 * bytes behind a key never change, so they are cached for a year.
 */
const escapeXml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * `/favicon.ico`, which browsers ask for on their own: the group's (on its own domain) or
 * the community's uploaded favicon, else its initial on its colour, else the product's
 * mark. Never a 404 or a 5xx (a missing upload falls back too).
 */
export const faviconRoute = new Hono<AppEnv>().get("/favicon.ico", async (c) => {
  const tenant = c.get("tenant") ?? null;
  const group = c.get("hostGroup") ?? null;
  const key = group?.faviconKey ?? tenant?.faviconKey ?? null;
  if (key) {
    const object = await c.env.MEDIA.get(key).catch(() => null);
    if (object) {
      return new Response(object.body, {
        headers: { "Content-Type": object.httpMetadata?.contentType ?? "image/x-icon", "Cache-Control": "public, max-age=3600", "Cross-Origin-Resource-Policy": "same-site" },
      });
    }
  }
  const name = group?.name ?? tenant?.name ?? "C";
  const color = /^#[0-9a-f]{6}$/i.test(group?.primaryColor ?? tenant?.primaryColor ?? "") ? (group?.primaryColor ?? tenant?.primaryColor)! : "#4f46e5";
  const letter = escapeXml(([...name.trim()][0] ?? "C").toUpperCase());
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="${color}"/><text x="16" y="22" font-family="system-ui,sans-serif" font-size="18" font-weight="700" fill="#fff" text-anchor="middle">${letter}</text></svg>`;
  return new Response(svg, { headers: { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=3600" } });
});

export const mediaRoutes = new Hono<AppEnv>().get("/*", async (c) => {
  const tenant = requireTenant(c);
  // Malformed percent-encoding (`/media/%`, `/media/%E0%A4%A`) or a key longer than R2 takes names no object: 404.
  const key = tryDecodeURIComponent(c.req.path.replace(/^\/media\//, ""));
  if (key === null || new TextEncoder().encode(key).length > 1024 || !key.startsWith(`tenants/${tenant.id}/`) || key.includes("..")) throw notFound();
  const etagIn = c.req.header("if-none-match");
  const object = await c.env.MEDIA.get(key, etagIn ? { onlyIf: { etagDoesNotMatch: etagIn.replace(/^W\//, "").replace(/"/g, "") } } : {});
  if (!object) throw notFound();
  const headers = new Headers({
    "Content-Type": object.httpMetadata?.contentType ?? "application/octet-stream",
    "Cache-Control": "public, max-age=31536000, immutable",
    ETag: object.httpEtag,
    "Content-Disposition": "inline",
    "Cross-Origin-Resource-Policy": "same-site",
  });
  if (!("body" in object) || !object.body) return new Response(null, { status: 304, headers });
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
});
