import { and, asc, eq, gt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { msg } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { guides, users, type Guide } from "../db/schema";
import { renderMarkdown } from "../discussions/markdown";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { notFound } from "../http/errors";
import { contains, fold } from "../http/search";
import { unixLines } from "../http/text";
import { assertOk, type HelpCaller } from "./caller";
import { decideGuide, mayGuide } from "./policy";
import type { GuideSummary, GuideView, HelpPage } from "./types";

// Guides (API.md "Help desk"): Markdown pages of the community, written by its admins and,
// when `features.memberGuides` is on, by members (each their own). Searched regardless of case
// and accents through a folded copy of the title and body matched with `instr()`.

export const guideTitle = z.string({ error: "field.required" }).trim().min(1, "field.required").max(200, msg("field.too_long", { max: 200 }));
export const guideBody = z.string({ error: "field.required" }).max(20_000, msg("field.too_long", { max: 20_000 })).transform(unixLines).refine((s) => s.trim().length > 0, { message: "field.required" });

export const guideInput = z.strictObject({ title: guideTitle, body: guideBody });
export type GuideInput = z.output<typeof guideInput>;
export const guidePatch = guideInput.partial();
export type GuidePatch = z.output<typeof guidePatch>;

export type GuideListQuery = { q?: string; limit?: number; cursor?: string | null };

const guideCursor = cursorKind("guides", z.object({ s: cursorParts.text, i: cursorParts.id }));

const iso = (ms: number) => new Date(ms).toISOString();
const searchTextOf = (title: string, body: string) => fold(`${title}\n${body}`);

type Row = Guide & { authorName: string | null };

function authorOf(row: { authorId: string | null; authorName: string | null }) {
  return row.authorId && row.authorName !== null ? { id: row.authorId, name: row.authorName } : null;
}

/** Whether the caller may edit or delete this guide: admins any, members their own while they may write guides. */
function mayChange(caller: HelpCaller, authorId: string | null): boolean {
  if (mayGuide(caller, "editAnyGuide", caller.features)) return true;
  return authorId === caller.userId && mayGuide(caller, "writeGuides", caller.features);
}

export function guideView(row: Row, caller: HelpCaller): GuideView {
  const can = mayChange(caller, row.authorId);
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    bodyHtml: renderMarkdown(row.body).html,
    author: authorOf(row),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    can: { edit: can, delete: can },
  };
}

async function guideRow(t: TenantDb, id: string): Promise<Row | null> {
  const [row] = await t.db
    .select({ guide: guides, authorName: users.name })
    .from(guides)
    .leftJoin(users, eq(users.id, guides.authorId))
    .where(and(eq(guides.tenantId, t.tenantId), eq(guides.id, id)))
    .limit(1);
  return row ? { ...row.guide, authorName: row.authorName } : null;
}

/** The guides, by title, matching `q` (already folded, or raw: it is folded here) in their title or body. */
export async function listGuides(t: TenantDb, caller: HelpCaller, query: GuideListQuery = {}): Promise<HelpPage<GuideSummary>> {
  assertOk(decideGuide(caller, "readGuides", caller.features));
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const q = fold(query.q ?? "");
  const after = decodeOptionalCursor(guideCursor, query.cursor);
  const rows = await t.db
    .select({
      id: guides.id,
      title: guides.title,
      head: sql<string>`substr(${guides.body}, 1, 2000)`,
      sortKey: guides.sortKey,
      authorId: guides.authorId,
      authorName: users.name,
      createdAt: guides.createdAt,
      updatedAt: guides.updatedAt,
    })
    .from(guides)
    .leftJoin(users, eq(users.id, guides.authorId))
    .where(
      and(
        eq(guides.tenantId, t.tenantId),
        q ? contains(guides.searchText, q) : undefined,
        after ? or(gt(guides.sortKey, after.s), and(eq(guides.sortKey, after.s), gt(guides.id, after.i))) : undefined,
      ),
    )
    .orderBy(asc(guides.sortKey), asc(guides.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      title: r.title,
      excerpt: renderMarkdown(r.head).excerpt,
      author: authorOf(r),
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(guideCursor, { s: last.sortKey, i: last.id }) : null,
  };
}

export async function getGuide(t: TenantDb, caller: HelpCaller, id: string): Promise<GuideView> {
  assertOk(decideGuide(caller, "readGuides", caller.features));
  const row = await guideRow(t, id);
  if (!row) throw notFound("No such guide.");
  return guideView(row, caller);
}

export async function createGuide(t: TenantDb, caller: HelpCaller, input: GuideInput, now: number): Promise<GuideView> {
  assertOk(decideGuide(caller, "writeGuides", caller.features));
  const row: Guide = {
    id: newId(),
    tenantId: t.tenantId,
    authorId: caller.userId,
    title: input.title,
    body: input.body,
    sortKey: fold(input.title),
    searchText: searchTextOf(input.title, input.body),
    createdAt: now,
    updatedAt: now,
  };
  await t.db.insert(guides).values(row);
  return (await getGuide(t, caller, row.id));
}

/** The guide the caller may change: 404 when unknown, 403 when it is someone else's and the caller is no admin. */
async function changeable(t: TenantDb, caller: HelpCaller, id: string): Promise<Row> {
  assertOk(decideGuide(caller, "writeGuides", caller.features));
  const row = await guideRow(t, id);
  if (!row) throw notFound("No such guide.");
  if (!mayChange(caller, row.authorId)) assertOk(decideGuide(caller, "editAnyGuide", caller.features));
  return row;
}

export async function updateGuide(t: TenantDb, caller: HelpCaller, id: string, patch: GuidePatch, now: number): Promise<GuideView> {
  const row = await changeable(t, caller, id);
  const title = patch.title ?? row.title;
  const body = patch.body ?? row.body;
  await t.db
    .update(guides)
    .set({ title, body, sortKey: fold(title), searchText: searchTextOf(title, body), updatedAt: now })
    .where(and(eq(guides.tenantId, t.tenantId), eq(guides.id, id)));
  return getGuide(t, caller, id);
}

export async function deleteGuide(t: TenantDb, caller: HelpCaller, id: string): Promise<void> {
  await changeable(t, caller, id);
  await t.db.delete(guides).where(and(eq(guides.tenantId, t.tenantId), eq(guides.id, id)));
}
