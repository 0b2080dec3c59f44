import { z } from "zod";
import { SCOPES } from "./scopes";

/** What the API token routes answer (worker/tokens/routes.ts), for the OpenAPI document. */
export const scopeAnswer = z.enum(SCOPES as [string, ...string[]]);

/** `POST /api/v1/api-tokens`: the secret, shown this once. */
export const apiTokenCreatedAnswer = z.strictObject({ id: z.string(), token: z.string() });

/** A token as `GET /api/v1/api-tokens` lists it: never its secret. */
export const apiTokenAnswer = z.strictObject({
  id: z.string(),
  name: z.string(),
  scopes: z.array(scopeAnswer),
  createdBy: z.strictObject({ id: z.string(), name: z.string() }),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});

export const apiTokenListAnswer = z.strictObject({ items: z.array(apiTokenAnswer), nextCursor: z.string().nullable() });

/** `GET /api/v1/api-tokens` reads the list's parameters by hand (`pageParams`). */
export const apiTokenListQuery = z.object({ limit: z.string().optional().describe("default 50, max 200"), cursor: z.string().optional() });
