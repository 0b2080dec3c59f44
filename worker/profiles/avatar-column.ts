import { and, eq, inArray, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { memberProfiles } from "../db/schema";

/**
 * A member's uploaded picture as one more column of a query that already reads `users`:
 * a correlated subquery on member_profiles' primary key, so a list costs no query per person.
 */
export function avatarKeyOf(userId: AnyColumn): SQL<string | null> {
  return sql<string | null>`(select mp.avatar_key from member_profiles mp where mp.user_id = ${userId})`;
}

/** The page URL of a stored picture, or null (the initials are shown). */
export const avatarUrlOf = (key: string | null | undefined): string | null => (key ? `/media/${key}` : null);

/** The picture keys of a short list of people (a page of them), a query per 90: userId → stored key (none without a picture). */
export async function avatarKeysOf(t: TenantDb, userIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < userIds.length; i += 90) {
    const rows = await t.db
      .select({ userId: memberProfiles.userId, key: memberProfiles.avatarKey })
      .from(memberProfiles)
      .where(and(eq(memberProfiles.tenantId, t.tenantId), inArray(memberProfiles.userId, userIds.slice(i, i + 90))));
    for (const r of rows) if (r.key) out.set(r.userId, r.key);
  }
  return out;
}

/** The pictures of a short list of people (a page of them): userId → `/media/…`. */
export async function avatarUrlsOf(t: TenantDb, userIds: string[]): Promise<Map<string, string>> {
  return new Map([...(await avatarKeysOf(t, userIds))].map(([userId, key]) => [userId, `/media/${key}`]));
}
