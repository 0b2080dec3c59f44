import { Hono, type Context } from "hono";
import { z } from "zod";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { forbidden } from "../http/errors";
import { pageParams } from "../http/pagination";
import { guard, json } from "../http/validate";
import { doc } from "../openapi/describe";
import {
  webhookCreatedAnswer,
  webhookDeliveryListAnswer,
  webhookDeliveryOneAnswer,
  webhookListAnswer,
  webhookOneAnswer,
  webhookSecretAnswer,
} from "./answers";
import { decideWebhook, type WebhookAction } from "./policy";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
  rotateWebhookSecret,
  updateWebhook,
  webhookConfig,
  webhookInput,
  webhookPatch,
} from "./service";

/** Before the body is read: on a community's host (404), signed in (401), an owner or admin (403). The API reads the role only, as the other admin settings. */
const webhookAdmin = (action: WebhookAction) =>
  guard((c) => {
    requireTenant(c);
    const user = requireUser(c);
    if (!decideWebhook({ tenantRole: user.tenantRole }, action).ok) throw forbidden("forbidden", "Only community owners and admins can manage webhooks.");
  });

const t = (c: Context<AppEnv>) => tenantDb(c.env, requireTenant(c));
const listQuery = z.object({ limit: z.string().optional().describe("default 50, max 200"), cursor: z.string().optional() });
const URL_OR_EVENTS = { 422: ["validation_failed", "unknown_event_type"] } as const;

/** "Integrations": a community's webhook endpoints, their secrets and their delivery log (owners and admins). */
export const webhooksApi = new Hono<AppEnv>()
  .post(
    "/webhooks",
    doc({
      summary: "Create a webhook endpoint (its secret is shown here only)",
      description: "`https` URLs resolving to public addresses only (development also allows `http` and loopback). Deliveries follow Standard Webhooks.",
      answers: { 201: webhookCreatedAnswer },
      errors: { 403: ["forbidden"], 409: ["webhooks_unavailable"], 429: ["too_many_webhooks"], ...URL_OR_EVENTS },
    }),
    webhookAdmin("manage"),
    json(webhookInput),
    async (c) => {
      const { webhook, secret } = await createWebhook(t(c), webhookConfig(c.env), c.get("user")?.id ?? null, c.req.valid("json"), Date.now());
      return c.json({ id: webhook.id, secret, webhook }, 201);
    },
  )
  .get("/webhooks", doc({ summary: "List the webhook endpoints", answers: { 200: webhookListAnswer }, errors: { 403: ["forbidden"] } }), webhookAdmin("read"), async (c) => {
    return c.json({ items: await listWebhooks(t(c)), nextCursor: null });
  })
  .post(
    "/webhooks/deliveries/:deliveryId/retry",
    doc({ summary: "Send a delivery again (same webhook-id), now", answers: { 200: webhookDeliveryOneAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["webhook_disabled", "delivery_in_progress"] } }),
    webhookAdmin("manage"),
    async (c) => {
      return c.json({ delivery: await retryDelivery(t(c), c.req.param("deliveryId"), Date.now()) });
    },
  )
  .get("/webhooks/:id", doc({ summary: "One webhook endpoint", answers: { 200: webhookOneAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), webhookAdmin("read"), async (c) => {
    return c.json({ webhook: await getWebhook(t(c), c.req.param("id")) });
  })
  .patch(
    "/webhooks/:id",
    doc({
      summary: "Change a webhook's URL, event types or switch (enabling it again clears its failure streak)",
      answers: { 200: webhookOneAnswer },
      errors: { 403: ["forbidden"], 404: ["not_found"], ...URL_OR_EVENTS },
    }),
    webhookAdmin("manage"),
    json(webhookPatch),
    async (c) => {
      return c.json({ webhook: await updateWebhook(t(c), webhookConfig(c.env), c.req.param("id"), c.req.valid("json"), Date.now()) });
    },
  )
  .delete("/webhooks/:id", doc({ summary: "Delete a webhook endpoint and its delivery log", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), webhookAdmin("manage"), async (c) => {
    await deleteWebhook(t(c), c.req.param("id"));
    return c.body(null, 204);
  })
  .post(
    "/webhooks/:id/rotate-secret",
    doc({ summary: "Replace a webhook's signing secret (shown here only)", answers: { 200: webhookSecretAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["webhooks_unavailable"] } }),
    webhookAdmin("manage"),
    async (c) => {
      return c.json(await rotateWebhookSecret(t(c), webhookConfig(c.env), c.req.param("id"), Date.now()));
    },
  )
  .get(
    "/webhooks/:id/deliveries",
    doc({ summary: "A webhook's deliveries, newest first, each with its last attempts", answers: { 200: webhookDeliveryListAnswer }, errors: { 400: ["invalid_cursor"], 403: ["forbidden"], 404: ["not_found"], 422: ["validation_failed"] }, query: listQuery }),
    webhookAdmin("read"),
    async (c) => {
      return c.json(await listDeliveries(t(c), c.req.param("id"), pageParams(c)));
    },
  );
