import { and, eq, sql } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { calendarFeeds, users } from "../db/schema";

// The member's secret calendar feed (DESIGN.md "Member portal decisions"): its token is
// HMAC-SHA256(server secret, `tenantId:userId:version`), never stored; replacing it bumps the
// member's `calendar_feed_version`, so every older token stops matching. The server secret is
// the deployment's `SECRETS_KEY` (the one that seals the Stripe keys, worker/invoices/sealed.ts):
// an HMAC key of its own is derived from it with HKDF-SHA256 under another `info`, so the two
// uses never share a key. The token names the member (`<userId>.<signature>`) so the feed finds
// whose version to check; the signature alone proves it was made here for that version.

const INFO = new TextEncoder().encode("edge-communities calendar feeds v1");
const SALT = new TextEncoder().encode("edge-communities");
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"])
      .then((base) => crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: SALT, info: INFO }, base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign", "verify"]));
    keys.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const message = (tenantId: string, userId: string, version: number) => new TextEncoder().encode(`${tenantId}:${userId}:${version}`);

/** The feed token of (tenant, member, version). */
export async function feedToken(secret: string, tenantId: string, userId: string, version: number): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), message(tenantId, userId, version));
  return `${userId}.${toBase64Url(new Uint8Array(sig))}`;
}

/** A token's shape: an id (as `newId` makes them, or longer) and a 32-byte signature in base64url. */
const TOKEN = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/;

/** The member id a token names, or null when it is not a token's shape (the feed answers 404). */
export function tokenUser(token: string | undefined): { userId: string; signature: string } | null {
  const m = token ? TOKEN.exec(token) : null;
  return m ? { userId: m[1]!, signature: m[2]! } : null;
}

/** Whether `signature` is the HMAC of (tenant, member, version), checked in constant time by Web Crypto. */
export async function signatureMatches(secret: string, tenantId: string, userId: string, version: number, signature: string): Promise<boolean> {
  const bytes = fromBase64Url(signature);
  if (!bytes || bytes.length !== 32) return false;
  return crypto.subtle.verify("HMAC", await hmacKey(secret), bytes, message(tenantId, userId, version));
}

/** The member's current feed version (null when there is no such active member in this community). */
export async function feedVersion(t: TenantDb, userId: string): Promise<number | null> {
  const [row] = await t.db
    .select({ version: calendarFeeds.version, status: users.status })
    .from(users)
    .leftJoin(calendarFeeds, and(eq(calendarFeeds.tenantId, users.tenantId), eq(calendarFeeds.userId, users.id)))
    .where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId)))
    .limit(1);
  if (!row || row.status === "suspended" || row.status === "disabled" || row.status === "staged") return null;
  return row.version ?? 0;
}

/** Replaces the member's feed token: bumps the version (one upsert), so the previous URL answers 404. Returns the new version. */
export async function bumpFeedVersion(t: TenantDb, userId: string): Promise<number> {
  const [row] = await t.db
    .insert(calendarFeeds)
    .values({ tenantId: t.tenantId, userId, version: 1 })
    .onConflictDoUpdate({ target: [calendarFeeds.tenantId, calendarFeeds.userId], set: { version: sql`${calendarFeeds.version} + 1` } })
    .returning({ version: calendarFeeds.version });
  return row?.version ?? 0;
}
