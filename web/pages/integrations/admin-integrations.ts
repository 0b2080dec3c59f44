import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { ActionForm, Alert, Button, ButtonLink, FormMessages } from "../../ui/components";
import { CopyInput } from "../../ui/copy-input";
import { Field } from "../../ui/fields";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { AdminShell } from "../../ui/admin-layout";
import { DataTable } from "../../ui/table";
import type { ApiTokenView } from "../../../worker/tokens/types";
import type { WebhookDeliveryView, WebhookView } from "../../../worker/webhooks/types";

// /admin/integrations: API tokens and webhooks (owners and admins). Every form posts
// without JavaScript; a secret (a token, a webhook's signing secret) is shown once, in
// the answer to the form that made it.

export const integrationsPath = "/admin/integrations";
export const webhookPath = (id: string) => `${integrationsPath}/webhooks/${encodeURIComponent(id)}`;

/** The areas of the scopes, in the contract's order (worker/tokens/scopes.ts `AREAS`). */
const AREA_KEYS = {
  tenant: "integrations.area.tenant",
  members: "integrations.area.members",
  groups: "integrations.area.groups",
  invitations: "integrations.area.invitations",
  discussions: "integrations.area.discussions",
  profiles: "integrations.area.profiles",
  memberships: "integrations.area.memberships",
  invoices: "integrations.area.invoices",
  bookings: "integrations.area.bookings",
  events: "integrations.area.events",
  helpdesk: "integrations.area.helpdesk",
  webhooks: "integrations.area.webhooks",
} as const satisfies Record<string, MessageKey>;
type AreaName = keyof typeof AREA_KEYS;
const AREA_NAMES = Object.keys(AREA_KEYS) as AreaName[];

const EVENT_KEYS = {
  "member.created": "integrations.event.member_created",
  "group.member_joined": "integrations.event.group_member_joined",
  "group.join_requested": "integrations.event.group_join_requested",
  "invitation.accepted": "integrations.event.invitation_accepted",
  "membership.created": "integrations.event.membership_created",
  "membership.canceled": "integrations.event.membership_canceled",
  "booking.created": "integrations.event.booking_created",
  "booking.canceled": "integrations.event.booking_canceled",
  "invoice.issued": "integrations.event.invoice_issued",
  "invoice.paid": "integrations.event.invoice_paid",
  "event.registered": "integrations.event.event_registered",
  "issue.created": "integrations.event.issue_created",
} as const satisfies Record<string, MessageKey>;
export const EVENT_TYPES = Object.keys(EVENT_KEYS) as (keyof typeof EVENT_KEYS)[];

/** What a refused form shows again: its text values and the ticked boxes. */
export type FormState = { values: Record<string, string>; checked: string[] };

export type IntegrationsProps = {
  ctx: PageContext;
  timeZone: string;
  tokens: ApiTokenView[];
  webhooks: WebhookView[];
  /** Right after creating: the secret, this once. */
  createdToken?: { name: string; token: string } | undefined;
  createdWebhook?: { url: string; secret: string } | undefined;
  tokenForm?: FormState | undefined;
  webhookForm?: FormState | undefined;
  tokenErrors?: Record<string, string> | undefined;
  webhookErrors?: Record<string, string> | undefined;
  formError?: string | undefined;
  notice?: string | undefined;
};

const when = (lang: Lang, iso: string | null, timeZone: string) => (iso ? formatDate(lang, iso, { time: true, timeZone }) : t(lang, "integrations.never"));

/** A secret shown once: a read-only field to copy it from, and the warning. */
function SecretOnce({ lang, id, title, value, warning }: { lang: Lang; id: string; title: string; value: string; warning: MessageKey }): VNode {
  return html`<section class="card secret-once" aria-labelledby=${`${id}-title`}>
    <h3 class="secret-once-title" id=${`${id}-title`}>${title}</h3>
    <div class="field">
      <label class="label" for=${id}>${t(lang, "integrations.secret_label")}</label>
      ${CopyInput({ id, value, className: "input copy-input secret-once-value", attrs: { autocomplete: "off", autocapitalize: "none", spellcheck: "false", "aria-describedby": `${id}-warning` } })}
    </div>
    <p class="secret-once-warning" id=${`${id}-warning`}>${t(lang, warning)}</p>
  </section>`;
}

/** A group of checkboxes posting `name` (a list), with its error beside it. */
function Checks({ id, legend, hint, error, children }: { id: string; legend: string; hint?: string; error?: string | undefined; children: unknown }): VNode {
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return html`<fieldset class=${error ? "field checks has-error" : "field checks"} aria-describedby=${describedBy}>
    <legend class="label">${legend}</legend>
    ${hint && html`<p class="field-hint" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
    ${children}
  </fieldset>`;
}

function ScopeChecks({ lang, checked, error }: { lang: Lang; checked: string[]; error?: string | undefined }): VNode {
  return Checks({
    id: "field-scopes",
    legend: t(lang, "integrations.tokens.scopes"),
    hint: t(lang, "integrations.tokens.scopes_hint"),
    error,
    children: html`<div class="scope-grid">
      ${AREA_NAMES.map(
        (area) => html`<div class="scope-row">
          <span class="scope-area">${t(lang, AREA_KEYS[area])}</span>
          ${(["read", "write"] as const).map((access) => {
            const value = `${area}:${access}`;
            const id = `scope-${area}-${access}`;
            return html`<span class="checkbox scope-check">
              <input class="checkbox-input" type="checkbox" id=${id} name="scopes" value=${value} checked=${checked.includes(value)} />
              <label class="checkbox-label" for=${id}>${t(lang, access === "read" ? "integrations.tokens.read" : "integrations.tokens.write")}</label>
            </span>`;
          })}
        </div>`,
      )}
    </div>`,
  });
}

function EventChecks({ lang, checked, error, idPrefix }: { lang: Lang; checked: string[]; error?: string | undefined; idPrefix: string }): VNode {
  return Checks({
    id: `${idPrefix}-events`,
    legend: t(lang, "integrations.webhooks.events"),
    error,
    children: html`<div class="event-checks">
      ${EVENT_TYPES.map(
        (type) => html`<div class="checkbox">
          <input class="checkbox-input" type="checkbox" id=${`${idPrefix}-event-${type}`} name="events" value=${type} checked=${checked.includes(type)} />
          <label class="checkbox-label" for=${`${idPrefix}-event-${type}`}><code>${type}</code> <span class="event-label">${t(lang, EVENT_KEYS[type])}</span></label>
        </div>`,
      )}
    </div>`,
  });
}

function TokenList({ lang, tokens, timeZone }: { lang: Lang; tokens: ApiTokenView[]; timeZone: string }): VNode {
  if (tokens.length === 0) return html`<p class="integrations-empty">${t(lang, "integrations.tokens.empty")}</p>`;
  const col = {
    name: t(lang, "integrations.tokens.col.name"),
    scopes: t(lang, "integrations.tokens.col.scopes"),
    creator: t(lang, "integrations.tokens.col.creator"),
    created: t(lang, "integrations.tokens.col.created"),
    used: t(lang, "integrations.tokens.col.used"),
  };
  return html`<div class="card table-card">
    ${DataTable({
      className: "table table-stack-md tokens-table",
      labelledBy: "tokens-title",
      columns: [col.name, col.scopes, col.creator, col.created, col.used],
      actions: t(lang, "integrations.col.actions"),
      children: tokens.map(
        (tk) => html`<tr>
          <td class="cell-title">${tk.name}</td>
          <td data-label=${col.scopes}><ul class="scope-list">${tk.scopes.map((s) => html`<li><code>${s}</code></li>`)}</ul></td>
          <td data-label=${col.creator}>${tk.createdBy.name}</td>
          <td data-label=${col.created}>${when(lang, tk.createdAt, timeZone)}</td>
          <td data-label=${col.used}>${when(lang, tk.lastUsedAt, timeZone)}</td>
          <td class="cell-actions">
            <details class="confirm-details">
              <summary class="btn btn-danger btn-sm" aria-label=${t(lang, "integrations.tokens.revoke_label", { name: tk.name })}>${t(lang, "integrations.tokens.revoke")}</summary>
              <div class="card confirm-card">
                <p>${t(lang, "integrations.tokens.revoke_confirm_body", { name: tk.name })}</p>
                ${ActionForm({ action: `${integrationsPath}/tokens/${encodeURIComponent(tk.id)}/revoke`, variant: "danger", children: t(lang, "integrations.tokens.revoke_confirm") })}
              </div>
            </details>
          </td>
        </tr>`,
      ),
    })}
  </div>`;
}

/** Enabled, disabled by an admin, or disabled after 5 days of failures; failing since when. */
function WebhookState({ lang, webhook, timeZone }: { lang: Lang; webhook: WebhookView; timeZone: string }): VNode {
  const state = webhook.enabled
    ? html`<span class="badge badge-success">${t(lang, "integrations.webhooks.enabled")}</span>`
    : html`<span class="badge badge-danger">${t(lang, webhook.disabledReason === "failures" ? "integrations.webhooks.disabled_failures" : "integrations.webhooks.disabled")}</span>`;
  return html`${state}${webhook.failingSince && html`<p class="webhook-failing">${t(lang, "integrations.webhooks.failing_since", { when: when(lang, webhook.failingSince, timeZone) })}</p>`}`;
}

function WebhookList({ lang, webhooks, timeZone }: { lang: Lang; webhooks: WebhookView[]; timeZone: string }): VNode {
  if (webhooks.length === 0) return html`<p class="integrations-empty">${t(lang, "integrations.webhooks.empty")}</p>`;
  const col = { url: t(lang, "integrations.webhooks.col.url"), events: t(lang, "integrations.webhooks.col.events"), state: t(lang, "integrations.webhooks.col.state") };
  return html`<div class="card table-card">
    ${DataTable({
      className: "table table-stack-md webhooks-table",
      labelledBy: "webhooks-title",
      columns: [col.url, col.events, col.state],
      actions: t(lang, "integrations.col.actions"),
      children: webhooks.map(
        (w) => html`<tr>
          <td class="cell-title webhook-url"><a href=${webhookPath(w.id)}>${w.url}</a></td>
          <td data-label=${col.events}><ul class="scope-list">${w.events.map((e) => html`<li><code>${e}</code></li>`)}</ul></td>
          <td data-label=${col.state}>${WebhookState({ lang, webhook: w, timeZone })}</td>
          <td class="cell-actions">${ButtonLink({ href: webhookPath(w.id), variant: "secondary", size: "sm", children: t(lang, "integrations.webhooks.manage") })}</td>
        </tr>`,
      ),
    })}
  </div>`;
}

/** /admin/integrations: the API tokens, then the webhooks, each with its list and its form. */
export function IntegrationsPage(p: IntegrationsProps): VNode {
  const { ctx, timeZone } = p;
  const { lang } = ctx;
  const tokenForm = p.tokenForm ?? { values: {}, checked: [] };
  const webhookForm = p.webhookForm ?? { values: {}, checked: [] };
  return AdminShell({
    ctx,
    section: "integrations",
    viewingAsMember: false,
    children: html`
      <p class="integrations-lead">${t(lang, "integrations.lead")} <a href="/api/docs">${t(lang, "integrations.api_docs")}</a></p>
      ${FormMessages({ lang, notice: p.notice, formError: p.formError, errors: { ...p.tokenErrors, ...p.webhookErrors } })}
      <section class="integrations-section" aria-labelledby="tokens-title">
        <h2 class="integrations-title" id="tokens-title">${t(lang, "integrations.tokens.title")}</h2>
        <p class="field-hint">${t(lang, "integrations.tokens.lead")}</p>
        ${p.createdToken && SecretOnce({ lang, id: "created-token", title: t(lang, "integrations.tokens.created", { name: p.createdToken.name }), value: p.createdToken.token, warning: "integrations.tokens.once_warning" })}
        ${TokenList({ lang, tokens: p.tokens, timeZone })}
        <form class="form admin-form card integrations-form" method="post" action=${`${integrationsPath}/tokens`} id="token-new">
          <h3 class="integrations-form-title">${t(lang, "integrations.tokens.new")}</h3>
          ${Field({ name: "name", id: "token-name", label: t(lang, "integrations.tokens.name"), hint: t(lang, "integrations.tokens.name_hint"), value: tokenForm.values.name ?? "", required: true, maxlength: 200, error: p.tokenErrors?.name })}
          ${ScopeChecks({ lang, checked: tokenForm.checked, error: p.tokenErrors?.scopes })}
          <div class="form-actions">${Button({ children: t(lang, "integrations.tokens.create") })}</div>
        </form>
      </section>
      <section class="integrations-section" aria-labelledby="webhooks-title">
        <h2 class="integrations-title" id="webhooks-title">${t(lang, "integrations.webhooks.title")}</h2>
        <p class="field-hint">${t(lang, "integrations.webhooks.lead")}</p>
        ${p.createdWebhook && SecretOnce({ lang, id: "created-secret", title: t(lang, "integrations.webhooks.created", { url: p.createdWebhook.url }), value: p.createdWebhook.secret, warning: "integrations.webhooks.once_warning" })}
        ${WebhookList({ lang, webhooks: p.webhooks, timeZone })}
        <form class="form admin-form card integrations-form" method="post" action=${`${integrationsPath}/webhooks`} id="webhook-new">
          <h3 class="integrations-form-title">${t(lang, "integrations.webhooks.new")}</h3>
          ${Field({ name: "url", id: "webhook-url", type: "url", label: t(lang, "integrations.webhooks.url"), hint: t(lang, "integrations.webhooks.url_hint"), value: webhookForm.values.url ?? "", required: true, maxlength: 2000, verbatim: true, error: p.webhookErrors?.url })}
          ${EventChecks({ lang, checked: webhookForm.checked, error: p.webhookErrors?.events, idPrefix: "new" })}
          <div class="form-actions">${Button({ children: t(lang, "integrations.webhooks.create") })}</div>
        </form>
      </section>
    `,
  });
}

export type WebhookPageProps = {
  ctx: PageContext;
  timeZone: string;
  webhook: WebhookView;
  deliveries: WebhookDeliveryView[];
  /** Right after a rotation: the new secret, this once. */
  secret?: string | undefined;
  form?: FormState | undefined;
  errors?: Record<string, string> | undefined;
  formError?: string | undefined;
  notice?: string | undefined;
};

const STATUS_KEYS = {
  pending: "integrations.delivery.pending",
  sending: "integrations.delivery.sending",
  delivered: "integrations.delivery.delivered",
  failed: "integrations.delivery.failed",
} as const satisfies Record<WebhookDeliveryView["status"], MessageKey>;

function DeliveryLog({ lang, webhook, deliveries, timeZone }: { lang: Lang; webhook: WebhookView; deliveries: WebhookDeliveryView[]; timeZone: string }): VNode {
  if (deliveries.length === 0) return html`<p class="integrations-empty">${t(lang, "integrations.delivery.empty")}</p>`;
  return html`<ol class="delivery-log">
    ${deliveries.map(
      (d) => html`<li class="card delivery">
        <div class="delivery-head">
          <code class="delivery-type">${d.type}</code>
          <span class=${`badge ${d.status === "delivered" ? "badge-success" : d.status === "failed" ? "badge-danger" : "badge-quiet"}`}>${t(lang, STATUS_KEYS[d.status])}</span>
          <span class="delivery-time">${when(lang, d.createdAt, timeZone)}</span>
          ${d.status !== "sending" && webhook.enabled
            ? ActionForm({ action: `${webhookPath(webhook.id)}/deliveries/${encodeURIComponent(d.id)}/retry`, children: t(lang, "integrations.delivery.retry"), label: t(lang, "integrations.delivery.retry_label", { type: d.type }) })
            : null}
        </div>
        ${d.attempts.length === 0
          ? html`<p class="field-hint">${t(lang, "integrations.delivery.no_attempt")}</p>`
          : html`<ul class="attempts">
              ${d.attempts.map(
                (a) => html`<li class=${a.ok ? "attempt is-ok" : "attempt is-failed"}>
                  <span class="attempt-status">${a.statusCode ?? "—"}</span>
                  <span class="attempt-time">${when(lang, a.attemptedAt, timeZone)}</span>
                  ${a.error && html`<span class="attempt-error">${a.error}</span>`}
                </li>`,
              )}
            </ul>`}
      </li>`,
    )}
  </ol>`;
}

/** /admin/integrations/webhooks/{id}: its address and events, on/off, its secret, and the delivery log. */
export function WebhookPage(p: WebhookPageProps): VNode {
  const { ctx, webhook, timeZone } = p;
  const { lang } = ctx;
  const form = p.form ?? { values: { url: webhook.url }, checked: webhook.events };
  const base = webhookPath(webhook.id);
  return AdminShell({
    ctx,
    section: "integrations",
    heading: webhook.url,
    viewingAsMember: false,
    children: html`
      ${FormMessages({ lang, notice: p.notice, formError: p.formError, errors: p.errors })}
      ${p.secret && SecretOnce({ lang, id: "rotated-secret", title: t(lang, "integrations.webhooks.rotated"), value: p.secret, warning: "integrations.webhooks.once_warning" })}
      <div class="card webhook-bar">
        <div class="webhook-bar-state">${WebhookState({ lang, webhook, timeZone })}</div>
        <div class="webhook-bar-actions">
          ${ActionForm({ action: `${base}/${webhook.enabled ? "disable" : "enable"}`, children: t(lang, webhook.enabled ? "integrations.webhooks.disable" : "integrations.webhooks.enable") })}
          ${ActionForm({ action: `${base}/rotate`, children: t(lang, "integrations.webhooks.rotate") })}
          <details class="confirm-details">
            <summary class="btn btn-danger btn-sm">${t(lang, "integrations.webhooks.delete")}</summary>
            <div class="card confirm-card">
              <p>${t(lang, "integrations.webhooks.delete_confirm_body")}</p>
              ${ActionForm({ action: `${base}/delete`, variant: "danger", children: t(lang, "integrations.webhooks.delete_confirm") })}
            </div>
          </details>
        </div>
      </div>
      <form class="form admin-form card integrations-form" method="post" action=${base}>
        <h2 class="integrations-form-title">${t(lang, "integrations.webhooks.edit")}</h2>
        ${Field({ name: "url", id: "webhook-url", type: "url", label: t(lang, "integrations.webhooks.url"), value: form.values.url ?? "", required: true, maxlength: 2000, verbatim: true, error: p.errors?.url })}
        ${EventChecks({ lang, checked: form.checked, error: p.errors?.events, idPrefix: "edit" })}
        <div class="form-actions">
          ${Button({ children: t(lang, "integrations.webhooks.save") })}
          ${ButtonLink({ href: integrationsPath, variant: "ghost", children: t(lang, "integrations.back") })}
        </div>
      </form>
      <section class="integrations-section" aria-labelledby="deliveries-title">
        <h2 class="integrations-title" id="deliveries-title">${t(lang, "integrations.delivery.title")}</h2>
        ${DeliveryLog({ lang, webhook, deliveries: p.deliveries, timeZone })}
      </section>
      ${!p.secret && Alert({ tone: "info", children: t(lang, "integrations.webhooks.verify_hint") })}
    `,
  });
}
