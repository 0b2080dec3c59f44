import type { TenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import { ApiError, notFound } from "../http/errors";
import { bookingFor } from "../bookings/service";
import { bookingEntry, feedEntries } from "./feed";
import { icsDocument } from "./ics";
import { bumpFeedVersion, feedToken, feedVersion, signatureMatches, tokenUser } from "./token";

// The member's secret calendar feed and a booking's `.ics` (API.md "Resources and bookings").

type FeedTenant = Pick<Tenant, "id" | "name" | "timezone" | "features">;

/** 409 when the deployment has no `SECRETS_KEY`: a feed URL cannot be made (nor checked) without it. */
function requireSecret(secret: string | null): string {
  if (!secret) throw new ApiError(409, "calendar_unavailable", "Calendar feeds need the deployment's SECRETS_KEY.");
  return secret;
}

const urlOf = (base: string, token: string) => `${base}/api/v1/me/calendar.ics?token=${encodeURIComponent(token)}`;

/** `GET /me/calendar`: the member's current feed URL (the version read from D1, never from a cached session). */
export async function feedUrl(t: TenantDb, secret: string | null, base: string, userId: string): Promise<{ url: string }> {
  const key = requireSecret(secret);
  const version = (await feedVersion(t, userId)) ?? 0;
  return { url: urlOf(base, await feedToken(key, t.tenantId, userId, version)) };
}

/** `POST /me/calendar-token`: a new URL; the previous one answers 404 from now on. */
export async function replaceFeedUrl(t: TenantDb, secret: string | null, base: string, userId: string): Promise<{ url: string }> {
  const key = requireSecret(secret);
  const version = await bumpFeedVersion(t, userId);
  return { url: urlOf(base, await feedToken(key, t.tenantId, userId, version)) };
}

/**
 * `GET /me/calendar.ics?token=`: the feed of the member the token names, when its signature is
 * this community's for their current version; 404 for anything else (a replaced token, another
 * community's, a malformed one, no secret configured).
 */
export async function feedDocument(t: TenantDb, tenant: FeedTenant, secret: string | null, token: string | undefined, now: number, base: string): Promise<string> {
  const named = tokenUser(token);
  if (!secret || !named) throw notFound("No such calendar.");
  const version = await feedVersion(t, named.userId);
  if (version === null || !(await signatureMatches(secret, tenant.id, named.userId, version, named.signature))) throw notFound("No such calendar.");
  return icsDocument(await feedEntries(t, tenant, named.userId, now, base), { name: tenant.name, timezone: tenant.timezone });
}

/** `GET /bookings/{id}.ics`: one's own booking (admins any; 404 otherwise, as `bookingFor` decides). */
export async function bookingDocument(t: TenantDb, tenant: FeedTenant, id: string, viewer: { userId: string; admin: boolean }, base: string): Promise<string> {
  const { view, row } = await bookingFor(t, id, viewer);
  return icsDocument([bookingEntry(row, view.resource, { base })], { name: tenant.name, timezone: tenant.timezone });
}
