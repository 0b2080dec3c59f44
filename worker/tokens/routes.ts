import { Hono, type Context } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { forbidden } from "../http/errors";
import { pageParams } from "../http/pagination";
import { guard, json } from "../http/validate";
import { doc } from "../openapi/describe";
import { apiTokenCreatedAnswer, apiTokenListAnswer, apiTokenListQuery } from "./answers";
import { mayManageTokens } from "./policy";
import { createApiToken, listApiTokens, revokeApiToken, tokenInput } from "./service";

/** Before the body is read: a community's owner or admin (a token never gets here: `scopeFor` refuses `/api-tokens`). */
const managers = guard((c) => {
  requireTenant(c);
  if (!mayManageTokens(requireUser(c))) throw forbidden("forbidden", "Only community owners and admins can manage API tokens.");
});

const t = (c: Context<AppEnv>) => tenantDb(c.env, requireTenant(c));

/** "Integrations": API tokens (tenant owners and admins). */
export const apiTokensApi = new Hono<AppEnv>()
  .post(
    "/api-tokens",
    doc({ summary: "Create an API token (its secret is answered this once)", answers: { 201: apiTokenCreatedAnswer }, errors: { 403: ["forbidden"], 422: ["invalid_scope"] } }),
    managers,
    json(tokenInput),
    async (c) => c.json(await createApiToken(t(c), c.req.valid("json"), requireUser(c).id, Date.now()), 201),
  )
  .get(
    "/api-tokens",
    doc({ summary: "List the community's API tokens, without their secret", answers: { 200: apiTokenListAnswer }, errors: { 400: ["invalid_cursor"], 403: ["forbidden"], 422: ["validation_failed"] }, query: apiTokenListQuery }),
    managers,
    async (c) => c.json(await listApiTokens(t(c), pageParams(c))),
  )
  .delete(
    "/api-tokens/:id",
    doc({ summary: "Revoke an API token", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"] } }),
    managers,
    async (c) => {
      await revokeApiToken(t(c), c.req.param("id").slice(0, 64), Date.now());
      return c.body(null, 204);
    },
  );
