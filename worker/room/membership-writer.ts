import { and, eq, inArray } from "drizzle-orm";
import { tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { groupBans, groups, tenants, users } from "../db/schema";
import type { Bindings } from "../env";
import { joinApprovedMail, mailLang, type MailMessage } from "../mail/templates";
import { platformUrl } from "../tenancy/hosts";
import { mailBrand } from "./notices";

export type MembershipWrite = { tenantId: string; groupId: string; userId: string; role: "member" };

/**
 * The "you're in" email of one approved applicant, written only while they are not yet a
 * member: it goes in the same D1 batch as (and before) the membership insert, so a
 * retried batch, whose membership already landed, writes no second email.
 */
function approvalMail(t: TenantDb, groupId: string, userId: string, mail: MailMessage, now: number): D1PreparedStatement {
  return t.d1
    .prepare(
      `insert into outbox (id, tenant_id, "to", subject, text, html, status, attempts, next_attempt_at, created_at)
       select ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?
       where not exists (select 1 from memberships where tenant_id = ? and group_id = ? and user_id = ?)`,
    )
    .bind(newId(), t.tenantId, mail.to, mail.subject, mail.text, mail.html, now, now, t.tenantId, groupId, userId);
}

/**
 * The D1 side of an approval. Idempotent (the primary key is (group, user)), so a
 * retry after a lost answer never makes a second row (nor a second email); a user
 * banned meanwhile is not let in. An object, so tests can make it fail.
 */
export const membershipWriter = {
  async write(env: Bindings, rows: MembershipWrite[]): Promise<void> {
    const byGroup = new Map<string, MembershipWrite[]>();
    for (const r of rows) byGroup.set(`${r.tenantId}:${r.groupId}`, [...(byGroup.get(`${r.tenantId}:${r.groupId}`) ?? []), r]);
    for (const list of byGroup.values()) {
      const { tenantId, groupId } = list[0]!;
      const t = tenantDb(env, { id: tenantId });
      const [bans, tenant, group, people] = await Promise.all([
        t.db
          .select({ userId: groupBans.userId })
          .from(groupBans)
          .where(and(eq(groupBans.tenantId, tenantId), eq(groupBans.groupId, groupId))),
        t.db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) }),
        t.db.query.groups.findFirst({ where: and(eq(groups.tenantId, tenantId), eq(groups.id, groupId)) }),
        t.db
          .select({ id: users.id, email: users.email, name: users.name, language: users.language, status: users.status })
          .from(users)
          .where(and(eq(users.tenantId, tenantId), inArray(users.id, list.map((r) => r.userId)))),
      ]);
      const banned = new Set(bans.map((b) => b.userId));
      const now = Date.now();
      const admitted = list.filter((r) => !banned.has(r.userId));
      const mails =
        tenant && group
          ? people
              .filter((p) => p.status === "active" && admitted.some((r) => r.userId === p.id))
              .map((p) =>
                approvalMail(
                  t,
                  groupId,
                  p.id,
                  joinApprovedMail(mailLang(p.language, tenant.defaultLanguage), {
                    to: p.email,
                    name: p.name,
                    group: group.name,
                    community: tenant.name,
                    url: platformUrl(env, tenant.subdomain, `/g/${group.slug}`),
                    brand: mailBrand(env, tenant, group),
                  }),
                  now,
                ),
              )
          : [];
      const inserts = admitted.map((r) =>
        t.d1.prepare("insert into memberships (tenant_id, group_id, user_id, role, created_at) values (?, ?, ?, ?, ?) on conflict do nothing").bind(tenantId, groupId, r.userId, r.role, now),
      );
      // One D1 batch (one transaction): each email lands with its membership or not at all.
      if (inserts.length) await t.d1.batch([...mails, ...inserts]);
    }
  },
};
