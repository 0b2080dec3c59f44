import * as scopes from "../tokens/scopes";
import type { Scope } from "../tokens/scopes";

type ScopeFor = (method: string, path: string) => Scope | "refused";

/**
 * The scope a route needs, from `scopeFor` in tokens/scopes.ts (the one place that decides it,
 * also read by the bearer check). Until the `tokens` branch adds `scopeFor`, the same rule as
 * the contract's, worked out here: GET/HEAD `:read`, other methods `:write`; `/me`, `/auth/*`,
 * `/api-tokens*` and anything outside an area refused. The integrator may drop the fallback.
 */
const fromTokens = (scopes as unknown as { scopeFor?: ScopeFor }).scopeFor;

const AREA_OF: Record<string, Scope extends `${infer A}:${string}` ? A : never> = {
  tenant: "tenant",
  announcements: "tenant",
  members: "members",
  groups: "groups",
  invitations: "invitations",
  discussions: "discussions",
  profiles: "profiles",
  "profile-fields": "profiles",
  plans: "memberships",
  memberships: "memberships",
  invoices: "invoices",
  charges: "invoices",
  "billing-settings": "invoices",
  resources: "bookings",
  bookings: "bookings",
  events: "events",
  helpdesk: "helpdesk",
  webhooks: "webhooks",
};

function fallback(method: string, path: string): Scope | "refused" {
  const segment = path.replace(/^\/api\/v1/, "").split("/")[1] ?? "";
  const area = AREA_OF[segment];
  if (!area) return "refused";
  return `${area}:${method === "GET" || method === "HEAD" ? "read" : "write"}`;
}

export const scopeOf: ScopeFor = fromTokens ?? fallback;
