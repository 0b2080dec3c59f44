import { unixLines } from "../http/text";
import { and, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { LANGS, msg, type Lang } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { atomic } from "../db/client";
import { ReadCache } from "../db/read-cache";
import { newId } from "../db/ids";
import { announcements, groups, memberships, outbox, planMemberships, plans, users, type Announcement } from "../db/schema";
import { ApiError, notFound } from "../http/errors";
import { announcementMail, type MailBrand } from "../mail/templates";
import { givesAccess } from "../memberships/service";
import type { Day } from "../memberships/periods";

// Announcements on members' dashboards, shown until `until` to everyone or to the members
// of one of their groups or with a membership giving access on one of their plans; emailed
// once at creation when asked, through the outbox, in each member's language.

const isoTime = z.iso.datetime({ offset: true, error: "field.time" }).transform((s) => Date.parse(s));
export const announcementInput = z.strictObject({
  title: z.string({ error: "field.required" }).trim().min(1, "field.required").max(200, msg("field.too_long", { max: 200 })),
  body: z.string({ error: "field.required" }).trim().min(1, "field.required").max(20_000, msg("field.too_long", { max: 20_000 })).transform(unixLines),
  email: z.boolean().optional(),
  plans: z.array(z.string().min(1).max(64)).max(100, msg("field.too_many", { max: 100 })).optional(),
  groups: z.array(z.string().min(1).max(100)).max(100, msg("field.too_many", { max: 100 })).optional(),
  until: isoTime.nullish(),
});
export const announcementPatch = announcementInput.omit({ email: true }).partial();

export type AnnouncementView = { id: string; title: string; body: string; email: boolean; plans: string[]; groups: string[]; until: string | null; createdAt: string };

async function slugsOf(t: TenantDb, groupIds: string[]): Promise<Map<string, string>> {
  if (groupIds.length === 0) return new Map();
  const rows = await t.db.select({ id: groups.id, slug: groups.slug }).from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.id, groupIds)));
  return new Map(rows.map((r) => [r.id, r.slug]));
}

export async function viewsOf(t: TenantDb, rows: Announcement[]): Promise<AnnouncementView[]> {
  return viewsWith(rows, await slugsOf(t, [...new Set(rows.flatMap((r) => r.groupIds))]));
}

/** The targets, checked: plans of this community, live groups by slug (422 on the field naming the first unknown). */
async function targetsOf(t: TenantDb, input: { plans?: string[]; groups?: string[] }): Promise<{ planIds?: string[]; groupIds?: string[] }> {
  const out: { planIds?: string[]; groupIds?: string[] } = {};
  if (input.plans) {
    const wanted = [...new Set(input.plans)];
    const rows = wanted.length ? await t.db.select({ id: plans.id }).from(plans).where(and(eq(plans.tenantId, t.tenantId), inArray(plans.id, wanted))) : [];
    const missing = wanted.find((id) => !rows.some((r) => r.id === id));
    if (missing) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { plans: msg("field.invalid") });
    out.planIds = wanted;
  }
  if (input.groups) {
    const wanted = [...new Set(input.groups)];
    const rows = wanted.length ? await t.db.select({ id: groups.id, slug: groups.slug }).from(groups).where(and(eq(groups.tenantId, t.tenantId), inArray(groups.slug, wanted), isNull(groups.deletedAt))) : [];
    const missing = wanted.find((s) => !rows.some((r) => r.slug === s));
    if (missing) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { groups: msg("field.unknown_group", { slug: missing }) });
    out.groupIds = rows.map((r) => r.id);
  }
  return out;
}

/**
 * The members an announcement reaches, as SQL over `users u`: active accounts, and when it
 * has targets, members of one of its groups or with a membership on one of its plans that
 * gives access on `today`.
 */
function audience(t: TenantDb, a: Pick<Announcement, "planIds" | "groupIds">, today: Day) {
  const base = sql`u.tenant_id = ${t.tenantId} and u.status = 'active'`;
  if (a.planIds.length === 0 && a.groupIds.length === 0) return base;
  const inGroups = a.groupIds.length
    ? sql`exists (select 1 from ${memberships} gm where gm.tenant_id = ${t.tenantId} and gm.user_id = u.id and gm.group_id in (select value from json_each(${JSON.stringify(a.groupIds)})))`
    : sql`0`;
  const onPlans = a.planIds.length
    ? sql`exists (select 1 from ${planMemberships} pm where pm.tenant_id = ${t.tenantId} and pm.user_id = u.id and pm.plan_id in (select value from json_each(${JSON.stringify(a.planIds)}))
        and pm.status in ('active', 'canceling') and pm.starts_on <= ${today} and (pm.cancels_on is null or pm.cancels_on >= ${today}))`
    : sql`0`;
  return sql`${base} and (${inGroups} or ${onPlans})`;
}

/** The SQL test that a user's language (any BCP 47 tag, or none) reads in `lang`: the closest catalog, else the community's default. */
function speaks(lang: Lang, fallback: Lang) {
  const primary = sql`lower(substr(coalesce(u.language, ''), 1, 2))`;
  const known = sql`${primary} in (${sql.join(LANGS.map((l) => sql`${l}`), sql`, `)})`;
  return lang === fallback ? sql`(${primary} = ${lang} or not ${known})` : sql`${primary} = ${lang}`;
}

/** One insert per language: each member of the audience gets the announcement once, in their language. */
function emailStatements(t: TenantDb, a: Announcement, today: Day, mail: (lang: Lang) => { subject: string; text: string; html: string }, fallback: Lang, now: number) {
  return LANGS.map((lang) => {
    const m = mail(lang);
    return sql`insert into ${outbox} (id, tenant_id, "to", subject, text, html, status, attempts, next_attempt_at, created_at)
      select lower(hex(randomblob(12))), ${t.tenantId}, u.email, ${m.subject}, ${m.text}, ${m.html}, 'pending', 0, ${now}, ${now}
      from ${users} u where ${audience(t, a, today)} and ${speaks(lang, fallback)}`;
  });
}

export type AnnouncementMailContext = { brand: MailBrand; community: string; url: string; defaultLanguage: Lang };

export async function createAnnouncement(t: TenantDb, input: z.output<typeof announcementInput>, by: string, today: Day, now: number, mailContext: AnnouncementMailContext): Promise<AnnouncementView> {
  const targets = await targetsOf(t, input);
  const row: Announcement = {
    id: newId(),
    tenantId: t.tenantId,
    title: input.title,
    body: input.body,
    email: input.email ?? false,
    planIds: targets.planIds ?? [],
    groupIds: targets.groupIds ?? [],
    until: input.until ?? null,
    createdBy: by,
    createdAt: now,
    updatedAt: now,
  };
  const mail = (lang: Lang) => announcementMail(lang, { ...mailContext, to: "", title: row.title, body: row.body });
  await atomic(t, [t.db.insert(announcements).values(row), ...(row.email ? emailStatements(t, row, today, mail, mailContext.defaultLanguage, now) : [])]);
  forgetAnnouncements(t.tenantId);
  return (await viewsOf(t, [row]))[0]!;
}

async function row(t: TenantDb, id: string): Promise<Announcement> {
  const [a] = await t.db.select().from(announcements).where(and(eq(announcements.tenantId, t.tenantId), eq(announcements.id, id))).limit(1);
  if (!a) throw notFound("No such announcement.");
  return a;
}

/** One announcement of this community, as admins read it (404 when there is none). */
export async function getAnnouncement(t: TenantDb, id: string): Promise<AnnouncementView> {
  return (await viewsOf(t, [await row(t, id)]))[0]!;
}

export async function updateAnnouncement(t: TenantDb, id: string, patch: z.output<typeof announcementPatch>, now: number): Promise<AnnouncementView> {
  await row(t, id);
  const targets = await targetsOf(t, patch);
  const [updated] = await t.db
    .update(announcements)
    .set({
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.body !== undefined ? { body: patch.body } : {}),
      ...(patch.until !== undefined ? { until: patch.until } : {}),
      ...targets,
      updatedAt: now,
    })
    .where(and(eq(announcements.tenantId, t.tenantId), eq(announcements.id, id)))
    .returning();
  forgetAnnouncements(t.tenantId);
  return (await viewsOf(t, [updated!]))[0]!;
}

export async function deleteAnnouncement(t: TenantDb, id: string): Promise<void> {
  await row(t, id);
  await t.db.delete(announcements).where(and(eq(announcements.tenantId, t.tenantId), eq(announcements.id, id)));
  forgetAnnouncements(t.tenantId);
}

/** Admins: every announcement, newest first. */
export async function listAnnouncements(t: TenantDb, limit: number): Promise<AnnouncementView[]> {
  return viewsOf(t, await t.db.select().from(announcements).where(eq(announcements.tenantId, t.tenantId)).orderBy(desc(announcements.createdAt), desc(announcements.id)).limit(limit));
}

/** The announcements still shown at `now`, newest first (the dashboard filters them per member): a query to batch. */
export function currentAnnouncements(t: TenantDb, now: number) {
  return t.db
    .select()
    .from(announcements)
    .where(and(eq(announcements.tenantId, t.tenantId), or(isNull(announcements.until), gt(announcements.until, now))))
    .orderBy(desc(announcements.createdAt), desc(announcements.id))
    .limit(200);
}

/** The slugs of the groups the announcements current at `now` target (deleted groups included): a query to batch. */
export function currentAnnouncementSlugs(t: TenantDb, now: number) {
  return t.db
    .select({ id: groups.id, slug: groups.slug })
    .from(groups)
    .where(
      and(
        // `+` keeps SQLite on the primary key for the few ids rather than scanning the tenant's groups.
        sql`+${groups.tenantId} = ${t.tenantId}`,
        sql`${groups.id} in (select j.value from ${announcements} a, json_each(a.group_ids) j where a.tenant_id = ${t.tenantId} and (a.until is null or a.until > ${now}))`,
      ),
    );
}

export type LiveAnnouncements = { rows: Announcement[]; slugs: ReadonlyMap<string, string> };

/** The current announcements as read by the two queries above. */
export function liveFrom(rows: Announcement[], slugRows: { id: string; slug: string }[]): LiveAnnouncements {
  return { rows, slugs: new Map(slugRows.map((r) => [r.id, r.slug])) };
}

// Every member's dashboard reads the same current announcements: kept a few seconds per
// isolate (db/read-cache.ts), forgotten here when one is created, edited or deleted.
const live = new ReadCache<LiveAnnouncements>();

function forgetAnnouncements(tenantId: string): void {
  live.delete(tenantId);
}

/**
 * The announcements current at `now` (cached; what expired since they were read is left out
 * here), with the slugs of the groups they target. `load` lets a caller read them in its own batch.
 */
export async function liveAnnouncements(t: TenantDb, now: number, load?: () => Promise<LiveAnnouncements>): Promise<LiveAnnouncements> {
  const all = await live.getOrLoad(t.tenantId, load ?? (async () => liveFrom(...(await t.db.batch([currentAnnouncements(t, now), currentAnnouncementSlugs(t, now)])))));
  // The cached object itself while none has ended (the dashboard names it by identity).
  return all.rows.every((a) => a.until === null || a.until > now) ? all : { rows: all.rows.filter((a) => a.until === null || a.until > now), slugs: all.slugs };
}

/** Whether an announcement reaches a member in these groups with access on these plans. */
export function reaches(a: Pick<Announcement, "planIds" | "groupIds">, groupIds: ReadonlySet<string>, planIds: ReadonlySet<string>): boolean {
  return (a.planIds.length === 0 && a.groupIds.length === 0) || a.groupIds.some((g) => groupIds.has(g)) || a.planIds.some((p) => planIds.has(p));
}

/** The views of announcements whose group slugs were read already. */
export function viewsWith(rows: Announcement[], slugs: ReadonlyMap<string, string>): AnnouncementView[] {
  return rows.map((a) => ({
    id: a.id,
    title: a.title,
    body: a.body,
    email: a.email,
    plans: a.planIds,
    groups: a.groupIds.map((id) => slugs.get(id)).filter((s): s is string => Boolean(s)),
    until: a.until === null ? null : new Date(a.until).toISOString(),
    createdAt: new Date(a.createdAt).toISOString(),
  }));
}

/** What a member's dashboard shows: current announcements that reach them, newest first, at most `limit`. */
export async function announcementsFor(t: TenantDb, userId: string, today: Day, now: number, limit = 10): Promise<AnnouncementView[]> {
  const current = await currentAnnouncements(t, now);
  if (current.length === 0) return [];
  const [groupRows, planRows] = await Promise.all([
    t.db.select({ groupId: memberships.groupId }).from(memberships).where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.userId, userId))),
    t.db.select().from(planMemberships).where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId))),
  ]);
  const myGroups = new Set(groupRows.map((r) => r.groupId));
  const myPlans = new Set(planRows.filter((m) => givesAccess(m, today)).map((m) => m.planId));
  return viewsOf(t, current.filter((a) => reaches(a, myGroups, myPlans)).slice(0, limit));
}
