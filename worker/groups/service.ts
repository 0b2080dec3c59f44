import { and, asc, desc, eq, gt, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { webhookEvent } from "../webhooks/emit";
import { groupMemberData } from "../webhooks/emit-many";
import { z } from "zod";
import type { TenantDb } from "../db/client";
import { directoryDb } from "../db/client";
import { newId } from "../db/ids";
import { groupBans, groups, memberships, type Group, type GroupRole, type User } from "../db/schema";
import type { Bindings } from "../env";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { ApiError, conflict, forbidden, notFound } from "../http/errors";
import { groupRoom } from "../room/room";
import { invalidateTenantHosts, platformUrl } from "../tenancy/hosts";
import { can, canCreateGroup, type GroupAction, type GroupActor } from "./policy";
import { forgetGroups, forgetViewer } from "./queries";

const groupsCursor = cursorKind("groups", z.strictObject({ name: cursorParts.text, id: cursorParts.id }));

export const RESTORE_WINDOW_MS = 30 * 24 * 3600_000;

const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "at least 2 characters")
  .max(60, "at most 60 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "field.slug_format")
  .refine((s) => !s.includes("--"), "field.slug_format");

const questionSchema = z.object({
  id: z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, - and _ only").optional(),
  label: z.string().trim().min(1, "a question needs a label").max(300, "at most 300 characters"),
  required: z.boolean().optional().default(false),
});

const linkSchema = z.object({
  title: z.string().trim().min(1, "a link needs a title").max(100, "at most 100 characters"),
  url: z
    .string()
    .trim()
    .max(2000, "too long")
    .refine((u) => {
      try {
        const p = new URL(u).protocol;
        return p === "http:" || p === "https:";
      } catch {
        return false;
      }
    }, "field.url"),
});

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "field.colour").transform((s) => s.toLowerCase());

export const createGroupSchema = z.object({
  name: z.string({ error: "name is required" }).trim().min(2, "at least 2 characters").max(80, "at most 80 characters"),
  slug: slugSchema.optional(),
  description: z.string().trim().max(5000, "at most 5000 characters").optional().default(""),
  joinPolicy: z.enum(["approval", "open", "invite"]).optional().default("approval"),
  questions: z.array(questionSchema).max(10, "at most 10 questions").optional().default([]),
  links: z.array(linkSchema).max(10, "at most 10 links").optional().default([]),
});

export const updateGroupSchema = z
  .object({
    name: z.string().trim().min(2, "at least 2 characters").max(80, "at most 80 characters"),
    description: z.string().trim().max(5000, "at most 5000 characters"),
    slug: slugSchema,
    joinPolicy: z.enum(["approval", "open", "invite"]),
    questions: z.array(questionSchema).max(10, "at most 10 questions"),
    branding: z.object({ primaryColor: hexColor.nullable() }).partial().strict(),
    links: z.array(linkSchema).max(10, "at most 10 links"),
  })
  .partial()
  .strict();

/** Question ids are kept when given (answers refer to them) and made up otherwise. */
function withIds(questions: z.output<typeof questionSchema>[]) {
  const seen = new Set<string>();
  return questions.map((q) => {
    let id = q.id ?? newId(8);
    while (seen.has(id)) id = newId(8);
    seen.add(id);
    return { id, label: q.label, required: q.required };
  });
}

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/g, "");
  return base.length >= 2 ? base : `group-${base || newId(4)}`;
}

/** A slug is taken if any group of the tenant uses it now or used it before (old links stay dead). */
async function slugTaken(t: TenantDb, slug: string, exceptGroupId?: string): Promise<boolean> {
  const row = await t.db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.tenantId, t.tenantId), or(eq(groups.slug, slug), eq(groups.previousSlug, slug))))
    .limit(2);
  return row.some((r) => r.id !== exceptGroupId);
}

export type GroupContext = { group: Group; actor: GroupActor; memberCount: number };

/** Loads a group by its current slug with the viewer's standing; deleted groups exist only for tenant admins. */
export async function loadGroup(t: TenantDb, slug: string, viewer: User | null, viewingAsMember = false): Promise<GroupContext> {
  const rows = await t.db
    .select({
      group: groups,
      memberCount: sql<number>`(select count(*) from ${memberships} m where m.group_id = ${groups.id})`.mapWith(Number),
      role: viewer ? sql<GroupRole | null>`(select m.role from ${memberships} m where m.group_id = ${groups.id} and m.user_id = ${viewer.id})` : sql<null>`null`,
      banned: viewer ? sql<number>`exists (select 1 from ${groupBans} b where b.group_id = ${groups.id} and b.user_id = ${viewer.id})`.mapWith(Number) : sql<number>`0`,
    })
    .from(groups)
    .where(and(eq(groups.tenantId, t.tenantId), eq(groups.slug, slug.toLowerCase())))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound("No such group.");
  const actor: GroupActor = { tenantRole: viewer?.tenantRole ?? null, groupRole: row.role, banned: row.banned === 1, viewingAsMember };
  if (row.group.deletedAt !== null && !can(actor, "viewDeleted")) throw notFound("No such group.");
  return { group: row.group, actor, memberCount: row.memberCount };
}

export function assertCan(ctx: GroupContext, action: GroupAction): void {
  if (!can(ctx.actor, action)) {
    if (ctx.actor.tenantRole === null) throw new ApiError(401, "unauthenticated", "Sign in first.");
    throw forbidden("forbidden", "You are not allowed to do this in this group.");
  }
}

export function mediaUrl(key: string | null): string | null {
  return key ? `/media/${key}` : null;
}

export function groupView(env: Bindings, tenant: { subdomain: string }, ctx: GroupContext, membership?: "member" | "pending" | "none" | "banned") {
  const g = ctx.group;
  return {
    id: g.id,
    slug: g.slug,
    name: g.name,
    description: g.description,
    joinPolicy: g.joinPolicy,
    questions: g.questions,
    branding: { primaryColor: g.primaryColor, logoUrl: mediaUrl(g.logoKey), coverUrl: mediaUrl(g.coverKey), faviconUrl: mediaUrl(g.faviconKey) },
    links: g.links,
    memberCount: ctx.memberCount,
    slugChangesLeft: g.previousSlug === null ? 1 : 0,
    deletedAt: g.deletedAt === null ? null : new Date(g.deletedAt).toISOString(),
    // Viewing as a member: no owner badge, the page of any member.
    role: ctx.actor.viewingAsMember && ctx.actor.groupRole ? ("member" as const) : ctx.actor.groupRole,
    membership: membership ?? (ctx.actor.groupRole ? "member" : ctx.actor.banned ? "banned" : "none"),
    joinUrl: platformUrl(env, tenant.subdomain, `/g/${g.slug}/join`),
  };
}
export type GroupView = ReturnType<typeof groupView>;

export async function createGroup(t: TenantDb, creator: User, groupCreation: "everyone" | "admins", input: z.output<typeof createGroupSchema>, viewingAsMember = false, now = Date.now()): Promise<GroupContext> {
  if (!canCreateGroup(creator.tenantRole, groupCreation, viewingAsMember)) throw forbidden("group_creation_closed", "Only community admins can create groups here.");
  let slug = input.slug;
  if (slug) {
    if (await slugTaken(t, slug)) throw conflict("slug_taken", "Another group already uses this address.");
  } else {
    const base = slugify(input.name);
    slug = base;
    for (let i = 2; await slugTaken(t, slug); i++) slug = `${base}-${i}`;
  }
  const group: Group = {
    id: newId(),
    tenantId: t.tenantId,
    slug,
    previousSlug: null,
    name: input.name,
    description: input.description,
    joinPolicy: input.joinPolicy,
    questions: withIds(input.questions),
    links: input.links,
    primaryColor: null,
    logoKey: null,
    coverKey: null,
    faviconKey: null,
    ownerId: creator.id,
    createdAt: now,
    deletedAt: null,
  };
  try {
    await t.db.batch([
      t.db.insert(groups).values(group),
      t.db.insert(memberships).values({ tenantId: t.tenantId, groupId: group.id, userId: creator.id, role: "owner", createdAt: now }),
      webhookEvent(t, "group.member_joined", groupMemberData(group, creator), now),
    ]);
  } catch (err) {
    if (String(err).includes("UNIQUE constraint failed: groups.tenant_id, groups.slug")) throw conflict("slug_taken", "Another group already uses this address.");
    throw err;
  }
  forgetViewer(t.tenantId, creator.id);
  return { group, memberCount: 1, actor: { tenantRole: creator.tenantRole, groupRole: "owner", banned: false, viewingAsMember } };
}

export async function updateGroup(t: TenantDb, ctx: GroupContext, patch: z.output<typeof updateGroupSchema>): Promise<GroupContext> {
  assertCan(ctx, "edit");
  const g = ctx.group;
  const next: Partial<Group> = {};
  if (patch.slug !== undefined && patch.slug !== g.slug) {
    if (g.previousSlug !== null) throw conflict("slug_locked", "This group's address has already been changed once.");
    if (await slugTaken(t, patch.slug, g.id)) throw conflict("slug_taken", "Another group already uses this address.");
    next.slug = patch.slug;
    next.previousSlug = g.slug;
  }
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.joinPolicy !== undefined) next.joinPolicy = patch.joinPolicy;
  if (patch.questions !== undefined) next.questions = withIds(patch.questions);
  if (patch.links !== undefined) next.links = patch.links;
  if (patch.branding?.primaryColor !== undefined) next.primaryColor = patch.branding.primaryColor;
  if (Object.keys(next).length === 0) return ctx;
  // The slug check and the write are one conditional update: a concurrent rename cannot slip in between.
  const where = next.slug
    ? and(eq(groups.tenantId, t.tenantId), eq(groups.id, g.id), isNull(groups.previousSlug))
    : and(eq(groups.tenantId, t.tenantId), eq(groups.id, g.id));
  let updated: Group | undefined;
  try {
    [updated] = await t.db.update(groups).set(next).where(where).returning();
  } catch (err) {
    if (String(err).includes("UNIQUE constraint failed")) throw conflict("slug_taken", "Another group already uses this address.");
    throw err;
  }
  if (!updated) throw conflict("slug_locked", "This group's address has already been changed once.");
  forgetGroups(t.tenantId);
  return { ...ctx, group: updated };
}

export async function setGroupAsset(t: TenantDb, ctx: GroupContext, kind: "logo" | "cover" | "favicon", key: string): Promise<Group> {
  const column = kind === "logo" ? { logoKey: key } : kind === "cover" ? { coverKey: key } : { faviconKey: key };
  const [updated] = await t.db.update(groups).set(column).where(and(eq(groups.tenantId, t.tenantId), eq(groups.id, ctx.group.id))).returning();
  forgetGroups(t.tenantId);
  invalidateTenantHosts(t.tenantId);
  return updated ?? ctx.group;
}

export async function deleteGroup(t: TenantDb, ctx: GroupContext, now = Date.now()): Promise<void> {
  assertCan(ctx, "delete");
  if (ctx.group.deletedAt !== null) return;
  await t.db.update(groups).set({ deletedAt: now }).where(and(eq(groups.tenantId, t.tenantId), eq(groups.id, ctx.group.id)));
  forgetGroups(t.tenantId);
  invalidateTenantHosts(t.tenantId);
}

/** Owner or tenant admin, within 30 days of the deletion (then the group is purged). */
export async function restoreGroup(t: TenantDb, slug: string, viewer: User, viewingAsMember = false, now = Date.now()): Promise<GroupContext> {
  const rows = await t.db
    .select({ group: groups, role: sql<GroupRole | null>`(select m.role from ${memberships} m where m.group_id = ${groups.id} and m.user_id = ${viewer.id})` })
    .from(groups)
    .where(and(eq(groups.tenantId, t.tenantId), eq(groups.slug, slug.toLowerCase())))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound("No such group.");
  const actor: GroupActor = { tenantRole: viewer.tenantRole, groupRole: row.role, banned: false, viewingAsMember };
  if (!can(actor, "restore")) {
    if (row.group.deletedAt !== null && !can(actor, "viewDeleted")) throw notFound("No such group.");
    throw forbidden("forbidden", "Only the group's owner or a community admin can restore it.");
  }
  if (row.group.deletedAt === null) return { group: row.group, actor, memberCount: await countMembers(t, row.group.id) };
  if (row.group.deletedAt + RESTORE_WINDOW_MS <= now) throw new ApiError(410, "restore_expired", "This group was deleted more than 30 days ago.");
  const [updated] = await t.db.update(groups).set({ deletedAt: null }).where(and(eq(groups.tenantId, t.tenantId), eq(groups.id, row.group.id))).returning();
  forgetGroups(t.tenantId);
  invalidateTenantHosts(t.tenantId);
  return { group: updated ?? row.group, actor, memberCount: await countMembers(t, row.group.id) };
}

export async function countMembers(t: TenantDb, groupId: string): Promise<number> {
  const [row] = await t.db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(memberships)
    .where(and(eq(memberships.tenantId, t.tenantId), eq(memberships.groupId, groupId)));
  return row?.n ?? 0;
}

/** Groups the viewer can see: live ones for everybody, deleted ones too for tenant admins. Cursor = name + id. */
export async function listGroups(t: TenantDb, viewer: User | null, opts: { limit: number; cursor: string | null; includeDeleted: boolean }) {
  const after = decodeOptionalCursor(groupsCursor, opts.cursor);
  const rows = await t.db
    .select({
      group: groups,
      memberCount: sql<number>`(select count(*) from ${memberships} m where m.group_id = ${groups.id})`.mapWith(Number),
      role: viewer ? sql<GroupRole | null>`(select m.role from ${memberships} m where m.group_id = ${groups.id} and m.user_id = ${viewer.id})` : sql<null>`null`,
    })
    .from(groups)
    .where(
      and(
        eq(groups.tenantId, t.tenantId),
        opts.includeDeleted ? undefined : isNull(groups.deletedAt),
        after ? or(gt(groups.name, after.name), and(eq(groups.name, after.name), gt(groups.id, after.id))) : undefined,
      ),
    )
    .orderBy(asc(groups.name), asc(groups.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > opts.limit && last ? encodeCursor(groupsCursor, { name: last.group.name, id: last.group.id }) : null,
  };
}

/** Cron: groups deleted more than 30 days ago go for good, with their images and their room. */
export async function purgeDeletedGroups(env: Bindings, now = Date.now(), scope: { tenantId?: string } = {}): Promise<number> {
  const db = directoryDb(env);
  const due = await db
    .select({ id: groups.id, tenantId: groups.tenantId })
    .from(groups)
    .where(and(scope.tenantId ? eq(groups.tenantId, scope.tenantId) : undefined, isNotNull(groups.deletedAt), lt(groups.deletedAt, now - RESTORE_WINDOW_MS)))
    .orderBy(desc(groups.deletedAt))
    .limit(50);
  for (const g of due) {
    await groupRoom(env, g.tenantId, g.id).destroy();
    const prefix = `tenants/${g.tenantId}/groups/${g.id}/`;
    for (let cursor: string | undefined; ; ) {
      const listed = await env.MEDIA.list({ prefix, ...(cursor ? { cursor } : {}) });
      if (listed.objects.length) await env.MEDIA.delete(listed.objects.map((o) => o.key));
      if (!listed.truncated) break;
      cursor = listed.cursor;
    }
    await db.delete(groups).where(and(eq(groups.tenantId, g.tenantId), eq(groups.id, g.id)));
    forgetGroups(g.tenantId);
  }
  return due.length;
}

