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

/**
 * Which area a `/api/v1` path belongs to, first match wins. A path segment pattern `[^/]+`
 * matches a concrete value (`abc`) and a route parameter (`:id`) alike. Routes that act on
 * the caller's own account (`/me`), sign-in (`/auth`), the tokens themselves, development,
 * the platform host, the invitee's own flow and provider callbacks are for people (or
 * machines with their own proof), never for a token.
 */
const AREA_OF: readonly [RegExp, Area | "refused"][] = [
  [/^\/me(\/|$)/, "refused"],
  [/^\/auth(\/|$)/, "refused"],
  [/^\/api-tokens(\/|$)/, "refused"],
  [/^\/dev(\/|$)/, "refused"],
  [/^\/tenants(\/|$)/, "refused"],
  [/^\/openapi\.json$/, "refused"],
  [/^\/payments\/stripe\/webhook$/, "refused"],
  [/^\/invitations\/(lookup|accept|accept-as-me|decline)$/, "refused"],
  [/^\/(tenant|announcements)(\/|$)/, "tenant"],
  [/^\/members\/[^/]+\/charges$/, "invoices"],
  [/^\/members\/[^/]+\/profile$/, "profiles"],
  [/^\/members\/[^/]+\/hidden-resources$/, "bookings"],
  [/^\/members(\/|$)/, "members"],
  [/^\/(profile-fields|directory)(\/|$)/, "profiles"],
  [/^\/(plans|memberships)(\/|$)/, "memberships"],
  [/^\/(billing|invoices|charges|payments)(\/|$)/, "invoices"],
  [/^\/(resources|bookings)(\/|$)/, "bookings"],
  [/^\/events(\/|$)/, "events"],
  [/^\/(guides|issues)(\/|$)/, "helpdesk"],
  [/^\/invitations(\/|$)/, "invitations"],
  [/^\/webhooks(\/|$)/, "webhooks"],
  [/^\/groups\/[^/]+\/(mentions|threads|replies|reactions|chat|messages|online|reports|moderation|mutes|activity|leaderboard|gamification)(\/|$)/, "discussions"],
  [/^\/groups(\/|$)/, "groups"],
];

const API_PREFIX = "/api/v1";

/** The area a `/api/v1` path (concrete or a route pattern) belongs to, or "refused" for tokens. */
export function areaFor(path: string): Area | "refused" {
  const bare = path.split(/[?#]/)[0]!;
  if (bare !== API_PREFIX && !bare.startsWith(`${API_PREFIX}/`)) return "refused";
  const rest = bare.slice(API_PREFIX.length).replace(/\/+$/, "");
  if (rest === "" || rest.split("/").some((s) => s === ".." || s === ".")) return "refused";
  for (const [pattern, area] of AREA_OF) if (pattern.test(rest)) return area;
  return "refused";
}

/**
 * The scope a token needs for `method path` (contract, "Integrations"): GET and HEAD need
 * `{area}:read`, other methods `{area}:write`; "refused" when no token may call it.
 */
export function scopeFor(method: string, path: string): Scope | "refused" {
  const area = areaFor(path);
  if (area === "refused") return "refused";
  const m = method.toUpperCase();
  return `${area}:${m === "GET" || m === "HEAD" ? "read" : "write"}`;
}
