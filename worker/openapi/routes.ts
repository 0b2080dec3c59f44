import { Hono } from "hono";
import { z } from "zod";
import { isDevelopment, type AppEnv } from "../env";
import { doc } from "./describe";
import { buildDocument } from "./document";

/** The document, built once per isolate (and per flavour: with or without the development routes). */
const documents = new Map<boolean, Promise<string>>();
let builds = 0;
/** How many documents this isolate built (a test proves the document is not built per request). */
export const documentBuilds = () => builds;

/**
 * `GET /api/v1/openapi.json`: public on every host. It documents the app it is mounted in,
 * which `app` gives lazily (the app imports this module).
 */
export function openApiRoutes(app: () => Hono<any, any, any>) {
  return new Hono<AppEnv>().get(
    "/openapi.json",
    doc({
      summary: "The OpenAPI 3.1 document of this API",
      description: "Generated from the routes' own schemas; `/api/docs` shows it as a reference page.",
      answers: { 200: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }) },
      public: true,
    }),
    async (c) => {
      const development = isDevelopment(c.env);
      let text = documents.get(development);
      if (!text) {
        builds += 1;
        text = buildDocument(app(), { development }).then((d) => JSON.stringify(d));
        documents.set(development, text);
        text.catch(() => documents.delete(development));
      }
      return c.body(await text, 200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" });
    },
  );
}
