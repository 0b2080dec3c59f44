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
