/**
 * API token scopes (contract, "Integrations"): `{area}:read` and `{area}:write`, write
 * including read. Which area a route belongs to is decided in one place (`scopeFor`, added
 * with the tokens), read both by the bearer check and by the OpenAPI document.
 */
export const AREAS = [
  "tenant",
  "members",
  "groups",
  "invitations",
  "discussions",
  "profiles",
  "memberships",
  "invoices",
  "bookings",
  "events",
  "helpdesk",
  "webhooks",
] as const;

export type Area = (typeof AREAS)[number];
export type Access = "read" | "write";
export type Scope = `${Area}:${Access}`;

export const SCOPES: readonly Scope[] = AREAS.flatMap((area) => [`${area}:read` as const, `${area}:write` as const]);

export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);

/** Whether a token holding `held` may do what `needed` names (write includes read). */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  if (held.includes(needed)) return true;
  const [area, access] = needed.split(":") as [Area, Access];
  return access === "read" && held.includes(`${area}:write`);
}
