import { and, eq } from "drizzle-orm";
import { chunkRows, tenantDb } from "../db/client";
import { groupBans, memberships } from "../db/schema";
import type { Bindings } from "../env";

export type MembershipWrite = { tenantId: string; groupId: string; userId: string; role: "member" };

/**
 * The D1 side of an approval. Idempotent (the primary key is (group, user)), so a
 * retry after a lost answer never makes a second row; a user banned meanwhile is
 * not let in. An object, so tests can make it fail.
 */
export const membershipWriter = {
  async write(env: Bindings, rows: MembershipWrite[]): Promise<void> {
    const byGroup = new Map<string, MembershipWrite[]>();
    for (const r of rows) byGroup.set(`${r.tenantId}:${r.groupId}`, [...(byGroup.get(`${r.tenantId}:${r.groupId}`) ?? []), r]);
    for (const list of byGroup.values()) {
      const { tenantId, groupId } = list[0]!;
      const t = tenantDb(env, { id: tenantId });
      const bans = await t.db
        .select({ userId: groupBans.userId })
        .from(groupBans)
        .where(and(eq(groupBans.tenantId, tenantId), eq(groupBans.groupId, groupId)));
      const banned = new Set(bans.map((b) => b.userId));
      const now = Date.now();
      const statements = chunkRows(list.filter((r) => !banned.has(r.userId)), 5).map((chunk) =>
        t.db
          .insert(memberships)
          .values(chunk.map((r) => ({ tenantId, groupId, userId: r.userId, role: r.role, createdAt: now })))
          .onConflictDoNothing(),
      );
      const [first, ...rest] = statements;
      if (first) await t.db.batch([first, ...rest]);
    }
  },
};
