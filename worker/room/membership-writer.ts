import { and, eq } from "drizzle-orm";
import { tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { groupBans, groups, tenants } from "../db/schema";
import type { Bindings } from "../env";
import { joinApprovedMail, mailLang, type MailMessage } from "../mail/templates";
import { platformUrl } from "../tenancy/hosts";
import { mailBrand } from "./notices";
import { groupMemberData, notYetMember, prepared, webhookEvents } from "../webhooks/emit-many";

export type MembershipWrite = { tenantId: string; groupId: string; userId: string; role: "member" };

/**
 * The "you're in" emails of approved applicants, each written only while its person is
 * not yet a member: the statement goes in the same D1 batch as (and before) the
 * membership insert, so a retried batch, whose memberships already landed, writes no
 * second email. One statement for many (json_each): a big approval stays far under
 * D1's limits on statements and bound parameters.
 */
function approvalMails(t: TenantDb, groupId: string, mails: { userId: string; mail: MailMessage }[], now: number): D1PreparedStatement {
  const rows = JSON.stringify(mails.map((m) => ({ id: newId(), userId: m.userId, to: m.mail.to, subject: m.mail.subject, text: m.mail.text, html: m.mail.html })));
  return t.d1
    .prepare(
      `insert into outbox (id, tenant_id, "to", subject, text, html, status, attempts, next_attempt_at, created_at)
       select json_extract(j.value, '$.id'), ?1, json_extract(j.value, '$.to'), json_extract(j.value, '$.subject'),
              json_extract(j.value, '$.text'), json_extract(j.value, '$.html'), 'pending', 0, ?2, ?2
       from json_each(?3) j
       where not exists (select 1 from memberships m where m.tenant_id = ?1 and m.group_id = ?4 and m.user_id = json_extract(j.value, '$.userId'))`,
    )
    .bind(t.tenantId, now, rows, groupId);
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
        t.d1
          .prepare("select id, email, name, language, status from users where tenant_id = ? and id in (select value from json_each(?))")
          .bind(tenantId, JSON.stringify(list.map((r) => r.userId)))
          .all<{ id: string; email: string; name: string; language: string | null; status: string }>()
          .then((r) => r.results),
      ]);
      const banned = new Set(bans.map((b) => b.userId));
      const now = Date.now();
      const admitted = list.filter((r) => !banned.has(r.userId));
      const mails =
        tenant && group
          ? people
              .filter((p) => p.status === "active" && admitted.some((r) => r.userId === p.id))
              .map((p) => ({
                userId: p.id,
                mail: joinApprovedMail(mailLang(p.language, tenant.defaultLanguage), {
                  to: p.email,
                  name: p.name,
                  group: group.name,
                  community: tenant.name,
                  url: platformUrl(env, tenant.subdomain, `/g/${group.slug}`),
                  brand: mailBrand(env, tenant, group),
                }),
              }))
          : [];
      const statements: D1PreparedStatement[] = [];
      for (let i = 0; i < mails.length; i += 100) statements.push(approvalMails(t, groupId, mails.slice(i, i + 100), now));
      if (admitted.length && group) {
        // Before the insert: an event for each person not yet a member, exactly those it adds (a retry adds none).
        const nameOf = new Map(people.map((p) => [p.id, p.name]));
        const joined = admitted.filter((r) => nameOf.has(r.userId)).map((r) => ({ data: groupMemberData(group, { id: r.userId, name: nameOf.get(r.userId)! }), ref: { g: groupId, u: r.userId } }));
        statements.push(...webhookEvents(t, "group.member_joined", joined, now, notYetMember).map((q) => prepared(t, q)));
      }
      if (admitted.length) {
        statements.push(
          t.d1
            .prepare("insert into memberships (tenant_id, group_id, user_id, role, created_at) select ?1, ?2, value, 'member', ?3 from json_each(?4) where true on conflict do nothing")
            .bind(tenantId, groupId, now, JSON.stringify(admitted.map((r) => r.userId))),
        );
      }
      // One D1 batch (one transaction): each email lands with its membership or not at all.
      if (admitted.length) await t.d1.batch(statements);
    }
  },
};
