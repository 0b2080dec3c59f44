import { Hono } from "hono";
import { assets } from "../generated/assets";
import type { AppEnv } from "../env";

const etags = new Map<string, string>();

async function etagOf(name: string, body: string): Promise<string> {
  let tag = etags.get(name);
  if (!tag) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
    tag = `"${[...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
    etags.set(name, tag);
  }
  return tag;
}

/** The client bundle and stylesheet, built by scripts/build-client.mjs into worker/generated/assets.ts. */
export const staticAssets = new Hono<AppEnv>().get("/:name{[A-Za-z0-9._-]+}", async (c) => {
  const name = c.req.param("name");
  const asset = assets[name];
  if (!asset) return c.json({ error: { code: "not_found", message: "No such asset." } }, 404);
  const etag = await etagOf(name, asset.body);
  // Chunk names carry a content hash; the entry and stylesheet keep a stable name and revalidate.
  const immutable = /-[A-Z0-9]{8}\.js$/.test(name);
  c.header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "public, max-age=300, must-revalidate");
  c.header("ETag", etag);
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  return c.body(asset.body, 200, { "Content-Type": asset.type });
});
