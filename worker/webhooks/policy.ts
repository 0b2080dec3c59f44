import type { TenantRole } from "../db/schema";

/**
 * Who may do what with a community's webhooks, as pure functions of (actor, action).
 *
 *   - Only the community's owners and admins see and manage its endpoints, their delivery
 *     log, and "send again". Moderators and members are refused (403), visitors must sign in (401).
 *   - Viewing as a member changes what they may change, not what they see (as the other
 *     admin settings): managing answers 403 `member_view` until they switch back.
 *   - An API token acts as an admin limited to its scopes (`webhooks:read` / `webhooks:write`),
 *     which the bearer check decides before this policy.
 */
export type WebhookActor = { tenantRole: TenantRole | null; viewingAsMember?: boolean };

export const WEBHOOK_ACTIONS = ["read", "manage"] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

export type WebhookRefusal = "signed_out" | "not_admin" | "member_view";
export type WebhookDecision = { ok: true } | { ok: false; why: WebhookRefusal };

export function decideWebhook(actor: WebhookActor, action: WebhookAction): WebhookDecision {
  if (actor.tenantRole === null) return { ok: false, why: "signed_out" };
  if (actor.tenantRole !== "owner" && actor.tenantRole !== "admin") return { ok: false, why: "not_admin" };
  if (action === "manage" && actor.viewingAsMember) return { ok: false, why: "member_view" };
  return { ok: true };
}

export const mayWebhook = (actor: WebhookActor, action: WebhookAction): boolean => decideWebhook(actor, action).ok;
