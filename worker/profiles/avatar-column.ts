import { sql, type AnyColumn, type SQL } from "drizzle-orm";

/**
 * A member's uploaded picture as one more column of a query that already reads `users`:
 * a correlated subquery on member_profiles' primary key, so a list costs no query per person.
 */
export function avatarKeyOf(userId: AnyColumn): SQL<string | null> {
  return sql<string | null>`(select mp.avatar_key from member_profiles mp where mp.user_id = ${userId})`;
}

/** The page URL of a stored picture, or null (the initials are shown). */
export const avatarUrlOf = (key: string | null | undefined): string | null => (key ? `/media/${key}` : null);
