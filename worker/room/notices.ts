import { and, eq, inArray } from "drizzle-orm";
import { atomic, tenantDb } from "../db/client";
import { groupMemberData, webhookEvents } from "../webhooks/emit-many";
import { groups, memberships, tenants, users, type GroupRole } from "../db/schema";
import type { Bindings } from "../env";
import { enqueueMail } from "../mail/outbox";
import { joinRequestsMail, mailLang, reportsMail, type MailBrand } from "../mail/templates";
import { platformUrl } from "../tenancy/hosts";

/** What happened in a room since its last notice batch: who asked to join, what was reported. */
export type NoticeBatch = {
  tenantId: string;
  groupId: string;
  /** The room's number for this batch: retries of one batch write the same outbox rows. */
  batch: number;
  /** `userId`: the applicant ('' for a request recorded before rooms kept it). */
  requests: { name: string; userId?: string }[];
  reports: { reason: string; excerpt: string }[];
};

/** How long a room waits after the first event before it writes one email per recipient for all of them. */
export const NOTICE_DELAY_MS = 2 * 60_000;

const REQUEST_ROLES: GroupRole[] = ["owner", "admin"];
const REPORT_ROLES: GroupRole[] = ["owner", "admin", "moderator"];

/** The community's colour and logo for its emails. */
export function mailBrand(env: Pick<Bindings, "ROOT_DOMAIN">, tenant: { subdomain: string; primaryColor: string; logoKey: string | null }, group?: { primaryColor: string | null; logoKey: string | null }): MailBrand {
  const logoKey = group?.logoKey ?? tenant.logoKey;
  return { color: group?.primaryColor ?? tenant.primaryColor, logoUrl: logoKey ? platformUrl(env, tenant.subdomain, `/media/${logoKey}`) : null };
}

/**
 * The D1 side of a notice batch: one email per recipient (group admins for join requests,
 * moderators and up for reports), in each recipient's language, in one D1 batch. The
 * outbox ids are derived from the batch, so writing the same batch again (a retry after
 * a lost answer) adds nothing. An object, so tests can make it fail.
 */
export const noticeWriter = {
  async write(env: Bindings, b: NoticeBatch): Promise<number> {
    const t = tenantDb(env, { id: b.tenantId });
    const [tenant, group] = await Promise.all([
      t.db.query.tenants.findFirst({ where: eq(tenants.id, b.tenantId) }),
      t.db.query.groups.findFirst({ where: and(eq(groups.tenantId, b.tenantId), eq(groups.id, b.groupId)) }),
    ]);
    if (!tenant || !group || group.deletedAt !== null) return 0;
    const roles = b.reports.length ? REPORT_ROLES : REQUEST_ROLES;
    const people = await t.db
      .select({ id: users.id, email: users.email, language: users.language, role: memberships.role })
      .from(memberships)
      .innerJoin(users, and(eq(users.id, memberships.userId), eq(users.tenantId, b.tenantId)))
      .where(and(eq(memberships.tenantId, b.tenantId), eq(memberships.groupId, b.groupId), inArray(memberships.role, roles), eq(users.status, "active")))
      .limit(500);
    const brand = mailBrand(env, tenant, group);
    const base = { group: group.name, community: tenant.name, brand };
    const statements = [];
    for (const p of people) {
      const lang = mailLang(p.language, tenant.defaultLanguage);
      if (b.requests.length && REQUEST_ROLES.includes(p.role)) {
        const mail = joinRequestsMail(lang, { ...base, to: p.email, names: b.requests.map((r) => r.name), total: b.requests.length, url: platformUrl(env, tenant.subdomain, `/admin/groups/${group.slug}/requests`) });
        statements.push(enqueueMail(t, mail, Date.now(), `ntf-${b.groupId}-${b.batch}-req-${p.id}`).onConflictDoNothing());
      }
      if (b.reports.length) {
        const mail = reportsMail(lang, { ...base, to: p.email, reports: b.reports, total: b.reports.length, url: platformUrl(env, tenant.subdomain, `/g/${group.slug}/moderation`) });
        statements.push(enqueueMail(t, mail, Date.now(), `ntf-${b.groupId}-${b.batch}-rep-${p.id}`).onConflictDoNothing());
      }
    }
    // `group.join_requested`, landing with this batch: ids made from the room's batch, so a retried batch adds none.
    const applicants = b.requests.filter((r): r is { name: string; userId: string } => !!r.userId);
    const events = webhookEvents(t, "group.join_requested", applicants.map((r) => ({ data: groupMemberData(group, { id: r.userId, name: r.name }), eventId: `jr-${b.groupId}-${b.batch}-${r.userId}` })), Date.now());
    const [first, ...rest] = [...statements, ...events];
    if (first) await atomic(t, [first, ...rest]);
    return statements.length;
  },
};
