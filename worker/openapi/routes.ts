import { Hono } from "hono";
import { z } from "zod";
import { isDevelopment, type AppEnv } from "../env";
import { doc } from "./describe";
import { documentText } from "./document";

/**
 * `GET /api/v1/openapi.json`: public on every host. It documents the app it is mounted in,
 * which `app` gives lazily (the app imports this module).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app: the document reads its routes only.
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
      const text = await documentText(app(), isDevelopment(c.env));
      return c.body(text, 200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" });
    },
  );
}
