import { Hono } from "hono";
import { apiDocsDocument } from "../../web/pages/api-docs/page";
import type { AppEnv } from "../env";
import { apiReferenceScript } from "../generated/assets";
import { pageContext } from "../http/render";

/** `/api/docs`: the API reference, on every host (its CSP is in http/security.ts). */
export const apiDocsPages = new Hono<AppEnv>().get("/api/docs", (c) => {
  const ctx = pageContext(c);
  c.header("Cache-Control", "no-store");
  const homeName = ctx.tenant?.name ?? null;
  return c.html(apiDocsDocument({ lang: ctx.lang, script: `/assets/${apiReferenceScript}`, specUrl: "/api/v1/openapi.json", homeName }));
});
