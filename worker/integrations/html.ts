import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import { IntegrationsPage, integrationsPath, WebhookPage, webhookPath, type IntegrationsProps, type WebhookPageProps } from "../../web/pages/integrations/admin-integrations";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { forbidden } from "../http/errors";
import { formAction, readForm, requirePageUser, withDone, type Form, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { mayManageTokens } from "../tokens/policy";
import { createApiToken, listApiTokens, revokeApiToken, tokenInput } from "../tokens/service";
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, retryDelivery, rotateWebhookSecret, updateWebhook, webhookConfig, webhookInput, webhookPatch } from "../webhooks/service";

// /admin/integrations (owners and admins acting as one): API tokens and webhooks. A secret is
// shown in the answer to the form that made it (200), never in a URL; everything else
// redirects (303) with `?done=`.

const NOTICES: Record<string, MessageKey> = {
  revoked: "integrations.tokens.done.revoked",
  deleted: "integrations.webhooks.done.deleted",
  saved: "integrations.webhooks.done.saved",
  enabled: "integrations.webhooks.done.enabled",
  disabled: "integrations.webhooks.done.disabled",
  retried: "integrations.delivery.done.retried",
};

type AdminRequest = { tenant: Tenant; t: TenantDb; user: User };

/** Runs `then` for an owner or admin acting as one; a visitor is sent to log in, anyone else gets a 403. */
async function asAdmin(c: Context<AppEnv>, then: (r: AdminRequest) => Promise<Response>): Promise<Response> {
  const user = requirePageUser(c);
  if (user instanceof Response) return user;
  if (!mayManageTokens(user) || viewingAsMember(c)) throw forbidden("forbidden", "Only community owners and admins can do this.");
  const tenant = requireTenant(c);
  return then({ tenant, t: tenantDb(c.env, tenant), user });
}

type ListExtra = Omit<IntegrationsProps, "ctx" | "timeZone" | "tokens" | "webhooks">;

async function listPage(c: Context<AppEnv>, r: AdminRequest, extra: ListExtra, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const [tokens, webhooks] = await Promise.all([listApiTokens(r.t, { limit: 200, cursor: null }), listWebhooks(r.t)]);
  return renderPage(c, t(ctx.lang, "admin.nav.integrations"), IntegrationsPage({ ctx, timeZone: r.tenant.timezone, tokens: tokens.items, webhooks, ...extra }), status);
}

type WebhookExtra = Omit<WebhookPageProps, "ctx" | "timeZone" | "webhook" | "deliveries">;

async function webhookPage(c: Context<AppEnv>, r: AdminRequest, id: string, extra: WebhookExtra, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const webhook = await getWebhook(r.t, id);
  const deliveries = await listDeliveries(r.t, webhook.id, { limit: 50, cursor: null });
  return renderPage(c, webhook.url, WebhookPage({ ctx, timeZone: r.tenant.timezone, webhook, deliveries: deliveries.items, ...extra }), status);
}

const idOf = (c: Context, name = "id") => (c.req.param(name) ?? "").slice(0, 64);
const refused = (form: Form, list: string, f: FormFailure) => ({ form: { values: form.values, checked: form.list(list) }, errors: f.errors, formError: f.formError });
const webhookBody = (form: Form) => ({ url: form.str("url"), events: form.list("events") });

export const integrationPages = new Hono<AppEnv>()
  .get(integrationsPath, (c) => asAdmin(c, (r) => listPage(c, r, doneNotice(c, NOTICES))))
  .post(`${integrationsPath}/tokens`, (c) =>
    asAdmin(c, async (r) => {
      const form = await readForm(c);
      return formAction(c, {
        form,
        run: () => createApiToken(r.t, parseWith(tokenInput, { name: form.str("name"), scopes: form.list("scopes") }), r.user.id, Date.now()),
        render: (f) => listPage(c, r, { tokenForm: refused(form, "scopes", f).form, tokenErrors: f.errors, formError: f.formError }, f.status),
        done: async (made) => listPage(c, r, { createdToken: { name: form.str("name").trim(), token: made.token } }),
      });
    }),
  )
  .post(`${integrationsPath}/tokens/:id/revoke`, (c) =>
    asAdmin(c, async (r) => {
      await revokeApiToken(r.t, idOf(c), Date.now());
      return c.redirect(withDone(integrationsPath, "revoked"), 303);
    }),
  )
  .post(`${integrationsPath}/webhooks`, (c) =>
    asAdmin(c, async (r) => {
      const form = await readForm(c);
      return formAction(c, {
        form,
        run: () => createWebhook(r.t, webhookConfig(c.env), r.user.id, parseWith(webhookInput, webhookBody(form)), Date.now()),
        render: (f) => listPage(c, r, { webhookForm: refused(form, "events", f).form, webhookErrors: f.errors, formError: f.formError }, f.status),
        done: async (made) => listPage(c, r, { createdWebhook: { url: made.webhook.url, secret: made.secret } }),
      });
    }),
  )
  .get(`${integrationsPath}/webhooks/:id`, (c) => asAdmin(c, (r) => webhookPage(c, r, idOf(c), doneNotice(c, NOTICES))))
  .post(`${integrationsPath}/webhooks/:id`, (c) =>
    asAdmin(c, async (r) => {
      const form = await readForm(c);
      return formAction(c, {
        form,
        run: () => updateWebhook(r.t, webhookConfig(c.env), idOf(c), parseWith(webhookPatch, webhookBody(form)), Date.now()),
        render: (f) => webhookPage(c, r, idOf(c), refused(form, "events", f), f.status),
        done: (w) => withDone(webhookPath(w.id), "saved"),
      });
    }),
  )
  .post(`${integrationsPath}/webhooks/:id/:onOff{enable|disable}`, (c) =>
    asAdmin(c, async (r) => {
      const enabled = c.req.param("onOff") === "enable";
      const w = await updateWebhook(r.t, webhookConfig(c.env), idOf(c), { enabled }, Date.now());
      return c.redirect(withDone(webhookPath(w.id), enabled ? "enabled" : "disabled"), 303);
    }),
  )
  .post(`${integrationsPath}/webhooks/:id/rotate`, (c) =>
    asAdmin(c, async (r) => {
      const { secret } = await rotateWebhookSecret(r.t, webhookConfig(c.env), idOf(c), Date.now());
      return webhookPage(c, r, idOf(c), { secret });
    }),
  )
  .post(`${integrationsPath}/webhooks/:id/delete`, (c) =>
    asAdmin(c, async (r) => {
      await deleteWebhook(r.t, idOf(c));
      return c.redirect(withDone(integrationsPath, "deleted"), 303);
    }),
  )
  .post(`${integrationsPath}/webhooks/:id/deliveries/:deliveryId/retry`, (c) =>
    asAdmin(c, async (r) => {
      await retryDelivery(r.t, idOf(c, "deliveryId"), Date.now());
      return c.redirect(withDone(webhookPath(idOf(c)), "retried"), 303);
    }),
  );
