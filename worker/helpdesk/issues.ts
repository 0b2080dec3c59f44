import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { webhookEventAfterChange } from "../webhooks/emit";
import { z } from "zod";
import { LANGS, msg, t as tr, type Lang } from "../../web/i18n";
import { atomic, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { helpIssueAttachments, helpIssueComments, helpIssueReads, helpIssues, outbox, users, type HelpIssue, type HelpIssueAttachment } from "../db/schema";
import { renderMarkdown } from "../discussions/markdown";
import { checkAsset, storeImage } from "../groups/images";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { ApiError, conflict, notFound } from "../http/errors";
import { unixLines } from "../http/text";
import { helpCommentMail, helpIssueOpenedMail, type MailBrand, type MailMessage } from "../mail/templates";
import { assertOk, refusal, type HelpCaller } from "./caller";
import { actingAdmin, decideDesk, decideIssue, mayIssue, type IssueAction } from "./policy";
import type { HelpAttachmentView, HelpCommentView, HelpPage, IssueCan, IssueStatus, IssueSummary, IssueView } from "./types";

// Help issues (API.md "Help desk"): members open issues, public or private (only the author
// and the admins see a private one; to anyone else it does not exist), comment, attach images,
// close and reopen. Admins are emailed of a new issue; the author and earlier commenters of a
// new comment, never its writer, each exactly once: the emails are outbox rows written in the
// same D1 batch as the issue or comment, with ids made from (comment, recipient), so a retried
// request (same `Idempotency-Key`) or a retried batch inserts nothing twice, and the outbox
// sends each row once (its id travels as the provider's idempotency key).

const title = z.string({ error: "field.required" }).trim().min(1, "field.required").max(200, msg("field.too_long", { max: 200 }));
const markdown = z.string({ error: "field.required" }).max(20_000, msg("field.too_long", { max: 20_000 })).transform(unixLines).refine((s) => s.trim().length > 0, { message: "field.required" });

export const issueInput = z.strictObject({ title, body: markdown, private: z.boolean({ error: "field.invalid" }).optional() });
export type IssueInput = z.output<typeof issueInput>;
export const issuePatch = issueInput.partial();
export type IssuePatch = z.output<typeof issuePatch>;
export const commentInput = z.strictObject({ body: markdown });
export type CommentInput = z.output<typeof commentInput>;
/** `?status=` of the list: absent (both) or one of the two. */
export const issueStatusQuery = z.enum(["open", "closed"], { error: "field.option" }).optional();

export type IssueListQuery = { status?: IssueStatus; limit?: number; cursor?: string | null; /** Only private (true) or public (false) issues: the admin page's filter. */ private?: boolean };

/** How the emails look and where they point: the community's brand, name and origin (`https://acme.example`). */
export type HelpMailContext = { brand: MailBrand; community: string; origin: string; defaultLanguage: Lang };

/** At most this many images on one issue (409 `attachment_limit` beyond). */
export const MAX_ATTACHMENTS = 10;

const issueCursor = cursorKind("help_issues", z.object({ a: cursorParts.int, i: cursorParts.id }));
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

type Row = HelpIssue & { authorName: string | null };

const authorOf = (id: string | null, name: string | null) => (id && name !== null ? { id, name } : null);

/** A stable id for what a request with an `Idempotency-Key` creates: the same key, caller and kind give the same id. */
async function idFor(t: TenantDb, caller: HelpCaller, kind: string, key: string | null | undefined): Promise<string> {
  if (!key) return newId();
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${t.tenantId}\n${caller.userId}\n${kind}\n${key}`));
  return [...new Uint8Array(digest)].map((b) => (b % 36).toString(36)).join("").slice(0, 24);
}

/** `Idempotency-Key` as a request may send it: 1 to 200 visible ASCII characters (400 otherwise). */
export function idempotencyKey(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(raw)) throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 200 visible ASCII characters.");
  return raw;
}

async function issueRow(t: TenantDb, id: string): Promise<Row | null> {
  if (!id || id.length > 64) return null;
  const [row] = await t.db
    .select({ issue: helpIssues, authorName: users.name })
    .from(helpIssues)
    .leftJoin(users, eq(users.id, helpIssues.authorId))
    .where(and(eq(helpIssues.tenantId, t.tenantId), eq(helpIssues.id, id)))
    .limit(1);
  return row ? { ...row.issue, authorName: row.authorName } : null;
}

const factsOf = (caller: HelpCaller, row: Pick<HelpIssue, "authorId" | "private">) => ({ isAuthor: row.authorId === caller.userId, private: row.private });

/**
 * The issue `action` is about, after the checks in the contract's order: the help desk switched
 * off (403), unknown or another member's private issue (404), not its author (403), the switch
 * that stops members writing (403).
 */
async function issueFor(t: TenantDb, caller: HelpCaller, id: string, action: IssueAction): Promise<Row> {
  assertOk(decideDesk(caller, "readIssues", caller.features));
  const row = await issueRow(t, id);
  if (!row) throw notFound("No such issue.");
  const d = decideIssue(caller, action, factsOf(caller, row), caller.features);
  if (!d.ok) throw refusal(d);
  return row;
}

function canOf(caller: HelpCaller, row: Pick<HelpIssue, "authorId" | "private" | "status">): IssueCan {
  const facts = factsOf(caller, row);
  const may = (a: IssueAction) => mayIssue(caller, a, facts, caller.features);
  const open = row.status === "open";
  return { edit: may("edit"), delete: may("delete"), close: open && may("close"), reopen: !open && may("reopen"), attach: open && may("attach"), comment: open && may("comment") };
}

function summaryOf(caller: HelpCaller, row: Row, seenAt: number | null): IssueSummary {
  return {
    id: row.id,
    title: row.title,
    private: row.private,
    status: row.status,
    author: authorOf(row.authorId, row.authorName),
    commentCount: row.commentCount,
    mine: row.authorId === caller.userId,
    unread: seenAt === null || seenAt < row.lastActivityAt,
    createdAt: iso(row.createdAt),
    lastActivityAt: iso(row.lastActivityAt),
    closedAt: isoOrNull(row.closedAt),
  };
}

export function attachmentView(a: HelpIssueAttachment): HelpAttachmentView {
  return { id: a.id, url: `/api/v1/issues/${a.issueId}/attachments/${a.id}`, contentType: a.contentType, size: a.size, width: a.width, height: a.height, createdAt: iso(a.createdAt) };
}

type CommentRow = { id: string; body: string; authorId: string | null; authorName: string | null; authorRole: string | null; createdAt: number };

function commentView(c: CommentRow): HelpCommentView {
  return {
    id: c.id,
    body: c.body,
    bodyHtml: renderMarkdown(c.body).html,
    author: authorOf(c.authorId, c.authorName),
    byAdmin: c.authorRole === "owner" || c.authorRole === "admin",
    createdAt: iso(c.createdAt),
  };
}

const commentColumns = {
  id: helpIssueComments.id,
  body: helpIssueComments.body,
  authorId: helpIssueComments.authorId,
  authorName: users.name,
  authorRole: users.tenantRole,
  createdAt: helpIssueComments.createdAt,
};

/** Marks the issue seen by `userId` up to `at` (never back). A statement to batch. */
function markRead(t: TenantDb, userId: string, issueId: string, at: number) {
  return t.db
    .insert(helpIssueReads)
    .values({ tenantId: t.tenantId, userId, issueId, seenAt: at })
    .onConflictDoUpdate({ target: [helpIssueReads.userId, helpIssueReads.issueId], set: { seenAt: sql`max(${helpIssueReads.seenAt}, excluded.seen_at)` } });
}

/** The full view of an issue the caller may read (comments oldest first, attachments); `seenAt` decides `unread`. */
async function fullView(t: TenantDb, caller: HelpCaller, row: Row, seenAt: number | null): Promise<IssueView> {
  const [comments, attachments] = await t.db.batch([
    t.db
      .select(commentColumns)
      .from(helpIssueComments)
      .leftJoin(users, eq(users.id, helpIssueComments.authorId))
      .where(and(eq(helpIssueComments.tenantId, t.tenantId), eq(helpIssueComments.issueId, row.id)))
      .orderBy(asc(helpIssueComments.createdAt), asc(helpIssueComments.id)),
    t.db
      .select()
      .from(helpIssueAttachments)
      .where(and(eq(helpIssueAttachments.tenantId, t.tenantId), eq(helpIssueAttachments.issueId, row.id)))
      .orderBy(asc(helpIssueAttachments.createdAt), asc(helpIssueAttachments.id)),
  ]);
  return {
    ...summaryOf(caller, row, seenAt),
    body: row.body,
    bodyHtml: renderMarkdown(row.body).html,
    updatedAt: iso(row.updatedAt),
    attachments: attachments.map(attachmentView),
    comments: comments.map(commentView),
    can: canOf(caller, row),
  };
}

/** A new issue (no comment, no attachment yet) as `GET /issues/{id}` shows it to an admin who has not read it: the `data` of `issue.created`. */
function newIssueView(row: Row): IssueView {
  const admin: HelpCaller = { userId: "", name: "", tenantRole: "admin", viewingAsMember: false, features: {} };
  return { ...summaryOf(admin, row, null), body: row.body, bodyHtml: renderMarkdown(row.body).html, updatedAt: iso(row.updatedAt), attachments: [], comments: [], can: canOf(admin, row) };
}

/** Re-reads an issue after a change the caller made (and saw): its full view, read. */
async function viewAfterChange(t: TenantDb, caller: HelpCaller, id: string): Promise<IssueView> {
  const row = await issueRow(t, id);
  if (!row) throw notFound("No such issue.");
  return fullView(t, caller, row, row.lastActivityAt);
}

// ── emails ──────────────────────────────────────────────────────────────────────────────────

/** The SQL test that `u`'s language (any BCP 47 tag, or none) reads in `lang`: the closest catalog, else the community's default. */
function speaks(lang: Lang, fallback: Lang): SQL {
  const primary = sql`lower(substr(coalesce(u.language, ''), 1, 2))`;
  const known = sql`${primary} in (${sql.join(LANGS.map((l) => sql`${l}`), sql`, `)})`;
  return lang === fallback ? sql`(${primary} = ${lang} or not ${known})` : sql`${primary} = ${lang}`;
}

/**
 * One insert per language: every user matching `who` (SQL over `users u`) gets `mail(lang)` once,
 * under the id `prefix || u.id` (a second insert of the same email does nothing).
 */
function mailStatements(t: TenantDb, prefix: string, who: SQL, mail: (lang: Lang) => MailMessage, fallback: Lang, now: number): SQL[] {
  return LANGS.map((lang) => {
    const m = mail(lang);
    return sql`insert into ${outbox} (id, tenant_id, "to", subject, text, html, status, attempts, next_attempt_at, created_at)
      select ${prefix} || u.id, ${t.tenantId}, u.email, ${m.subject}, ${m.text}, ${m.html}, 'pending', 0, ${now}, ${now}
      from ${users} u where u.tenant_id = ${t.tenantId} and u.status = 'active' and (${who}) and ${speaks(lang, fallback)}
      on conflict (id) do nothing`;
  });
}

const excerptOf = (body: string) => renderMarkdown(body.slice(0, 2000)).excerpt;
const issueUrl = (mail: HelpMailContext, id: string) => `${mail.origin.replace(/\/+$/, "")}/help/issues/${encodeURIComponent(id)}`;

// ── issues ──────────────────────────────────────────────────────────────────────────────────

/**
 * Admins: every issue; members: their own and the public ones. Newest activity first, `status`
 * to keep one kind; `unread` tells what the caller has not seen since its last activity.
 */
export async function listIssues(t: TenantDb, caller: HelpCaller, query: IssueListQuery = {}): Promise<HelpPage<IssueSummary>> {
  assertOk(decideDesk(caller, "readIssues", caller.features));
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const after = decodeOptionalCursor(issueCursor, query.cursor);
  const all = actingAdmin(caller);
  const rows = await t.db
    .select({ issue: helpIssues, authorName: users.name, seenAt: helpIssueReads.seenAt })
    .from(helpIssues)
    .leftJoin(users, eq(users.id, helpIssues.authorId))
    .leftJoin(helpIssueReads, and(eq(helpIssueReads.userId, caller.userId), eq(helpIssueReads.issueId, helpIssues.id)))
    .where(
      and(
        eq(helpIssues.tenantId, t.tenantId),
        all ? undefined : or(eq(helpIssues.authorId, caller.userId), eq(helpIssues.private, false)),
        query.status ? eq(helpIssues.status, query.status) : undefined,
        query.private !== undefined ? eq(helpIssues.private, query.private) : undefined,
        after ? or(lt(helpIssues.lastActivityAt, after.a), and(eq(helpIssues.lastActivityAt, after.a), lt(helpIssues.id, after.i))) : undefined,
      ),
    )
    .orderBy(desc(helpIssues.lastActivityAt), desc(helpIssues.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => summaryOf(caller, { ...r.issue, authorName: r.authorName }, r.seenAt)),
    nextCursor: rows.length > limit && last ? encodeCursor(issueCursor, { a: last.issue.lastActivityAt, i: last.issue.id }) : null,
  };
}

/** One issue with its comments and attachments; viewing it marks it read for the caller. */
export async function getIssue(t: TenantDb, caller: HelpCaller, id: string, now: number): Promise<IssueView> {
  const row = await issueFor(t, caller, id, "read");
  await markRead(t, caller.userId, row.id, Math.max(now, row.lastActivityAt));
  return fullView(t, caller, row, Math.max(now, row.lastActivityAt));
}

/**
 * Opens an issue (`private` defaults to `features.helpdeskIssuesPrivate`) and emails every
 * admin but its author, in their language, in the same batch. With an `Idempotency-Key`, the
 * same request again answers the issue it made and writes nothing.
 */
export async function createIssue(t: TenantDb, caller: HelpCaller, input: IssueInput, now: number, mail: HelpMailContext, key?: string | null): Promise<IssueView> {
  assertOk(decideDesk(caller, "openIssue", caller.features));
  const id = await idFor(t, caller, "issue", key);
  const isPrivate = input.private ?? caller.features.helpdeskIssuesPrivate === true;
  const url = issueUrl(mail, id);
  const excerpt = excerptOf(input.body);
  const author = caller.name || tr(mail.defaultLanguage, "mail.help.someone");
  const admins = sql`u.tenant_role in ('owner', 'admin') and u.id <> ${caller.userId}`;
  const row: Row = { id, tenantId: t.tenantId, authorId: caller.userId, title: input.title, body: input.body, private: isPrivate, status: "open", commentCount: 0, lastActivityAt: now, closedAt: null, closedBy: null, createdAt: now, updatedAt: now, authorName: caller.name };
  await atomic(t, [
    t.db
      .insert(helpIssues)
      .values({ id, tenantId: t.tenantId, authorId: caller.userId, title: input.title, body: input.body, private: isPrivate, status: "open", commentCount: 0, lastActivityAt: now, createdAt: now, updatedAt: now })
      .onConflictDoNothing(),
    // Not for a replay with the same Idempotency-Key (the insert did nothing).
    webhookEventAfterChange(t, "issue.created", { issue: newIssueView(row) }, now),
    markRead(t, caller.userId, id, now),
    ...mailStatements(t, `hi-${id}-`, admins, (lang) => helpIssueOpenedMail(lang, { brand: mail.brand, to: "", community: mail.community, title: input.title, author, excerpt, url }), mail.defaultLanguage, now),
  ]);
  return viewAfterChange(t, caller, id);
}

/** Edits an issue's title, body or privacy (its author or an admin). */
export async function updateIssue(t: TenantDb, caller: HelpCaller, id: string, patch: IssuePatch, now: number): Promise<IssueView> {
  const row = await issueFor(t, caller, id, "edit");
  await t.db.batch([
    t.db
      .update(helpIssues)
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.body !== undefined ? { body: patch.body } : {}),
        ...(patch.private !== undefined ? { private: patch.private } : {}),
        updatedAt: now,
        lastActivityAt: sql`max(${helpIssues.lastActivityAt}, ${now})`,
      })
      .where(and(eq(helpIssues.tenantId, t.tenantId), eq(helpIssues.id, row.id))),
    markRead(t, caller.userId, row.id, now),
  ]);
  return viewAfterChange(t, caller, row.id);
}

/** Deletes an issue with its comments, attachments (their images too) and read marks (its author or an admin). */
export async function deleteIssue(t: TenantDb, caller: HelpCaller, id: string, bucket?: R2Bucket): Promise<void> {
  const row = await issueFor(t, caller, id, "delete");
  const files = await t.db.select({ key: helpIssueAttachments.key }).from(helpIssueAttachments).where(and(eq(helpIssueAttachments.tenantId, t.tenantId), eq(helpIssueAttachments.issueId, row.id)));
  await t.db.batch([
    t.db.delete(helpIssueAttachments).where(and(eq(helpIssueAttachments.tenantId, t.tenantId), eq(helpIssueAttachments.issueId, row.id))),
    t.db.delete(helpIssueComments).where(and(eq(helpIssueComments.tenantId, t.tenantId), eq(helpIssueComments.issueId, row.id))),
    t.db.delete(helpIssueReads).where(and(eq(helpIssueReads.tenantId, t.tenantId), eq(helpIssueReads.issueId, row.id))),
    t.db.delete(helpIssues).where(and(eq(helpIssues.tenantId, t.tenantId), eq(helpIssues.id, row.id))),
  ]);
  // Same bytes attached to another issue share a key: remove only the keys nobody uses any more.
  const keys = [...new Set(files.map((f) => f.key))];
  if (bucket && keys.length > 0) {
    const still = await t.db.select({ key: helpIssueAttachments.key }).from(helpIssueAttachments).where(and(eq(helpIssueAttachments.tenantId, t.tenantId), inArray(helpIssueAttachments.key, keys)));
    const gone = keys.filter((k) => !still.some((s) => s.key === k));
    if (gone.length > 0) await bucket.delete(gone).catch(() => undefined);
  }
}

async function setStatus(t: TenantDb, caller: HelpCaller, id: string, to: IssueStatus, now: number): Promise<IssueView> {
  const row = await issueFor(t, caller, id, to === "closed" ? "close" : "reopen");
  await t.db.batch([
    t.db
      .update(helpIssues)
      .set(to === "closed" ? { status: "closed", closedAt: now, closedBy: caller.userId, lastActivityAt: sql`max(${helpIssues.lastActivityAt}, ${now})` } : { status: "open", closedAt: null, closedBy: null, lastActivityAt: sql`max(${helpIssues.lastActivityAt}, ${now})` })
      .where(and(eq(helpIssues.tenantId, t.tenantId), eq(helpIssues.id, row.id), eq(helpIssues.status, to === "closed" ? "open" : "closed"))),
    markRead(t, caller.userId, row.id, now),
  ]);
  return viewAfterChange(t, caller, row.id);
}

/** Closes an issue (its author or an admin); closing a closed issue changes nothing. */
export const closeIssue = (t: TenantDb, caller: HelpCaller, id: string, now: number) => setStatus(t, caller, id, "closed", now);
/** Reopens an issue (its author or an admin); reopening an open issue changes nothing. */
export const reopenIssue = (t: TenantDb, caller: HelpCaller, id: string, now: number) => setStatus(t, caller, id, "open", now);

const issueClosed = () => conflict("issue_closed", "This issue is closed; reopen it to comment.");

/**
 * Comments on an issue (its author, admins, and any member on a public issue; 409
 * `issue_closed` when closed). The comment, the issue's activity and the emails land in one
 * batch: the issue's author and earlier commenters who may still read it, never the writer,
 * each get one email in their language, with an id made of the comment and the recipient.
 */
export async function addComment(t: TenantDb, caller: HelpCaller, issueId: string, input: CommentInput, now: number, mail: HelpMailContext, key?: string | null): Promise<HelpCommentView> {
  const row = await issueFor(t, caller, issueId, "comment");
  const id = await idFor(t, caller, `comment:${row.id}`, key);
  const existing = key ? await commentRow(t, row.id, id) : null;
  if (existing) return commentView(existing);
  if (row.status === "closed") throw issueClosed();
  const url = issueUrl(mail, row.id);
  const excerpt = excerptOf(input.body);
  const author = caller.name || tr(mail.defaultLanguage, "mail.help.someone");
  const thisComment = sql`(select c.created_at from ${helpIssueComments} c where c.id = ${id} and c.author_id = ${caller.userId})`;
  const participants = sql`u.id <> ${caller.userId}
    and exists (select 1 from ${helpIssueComments} c where c.id = ${id} and c.author_id = ${caller.userId})
    and u.id in (
      select i.author_id from ${helpIssues} i where i.id = ${row.id}
      union select c.author_id from ${helpIssueComments} c where c.issue_id = ${row.id} and c.id <> ${id} and c.created_at <= ${thisComment}
    )
    and exists (select 1 from ${helpIssues} i where i.id = ${row.id} and (i.private = 0 or i.author_id = u.id or u.tenant_role in ('owner', 'admin')))`;
  await atomic(t, [
    sql`insert into ${helpIssueComments} (id, tenant_id, issue_id, author_id, body, created_at)
      select ${id}, ${t.tenantId}, ${row.id}, ${caller.userId}, ${input.body}, ${now}
      where exists (select 1 from ${helpIssues} i where i.id = ${row.id} and i.tenant_id = ${t.tenantId} and i.status = 'open')
      on conflict (id) do nothing`,
    sql`update ${helpIssues} set
        comment_count = (select count(*) from ${helpIssueComments} c where c.issue_id = ${row.id}),
        last_activity_at = max(last_activity_at, coalesce((select max(c.created_at) from ${helpIssueComments} c where c.issue_id = ${row.id}), 0))
      where id = ${row.id} and tenant_id = ${t.tenantId}`,
    markRead(t, caller.userId, row.id, now),
    ...mailStatements(t, `hc-${id}-`, participants, (lang) => helpCommentMail(lang, { brand: mail.brand, to: "", community: mail.community, title: row.title, author, excerpt, url }), mail.defaultLanguage, now),
  ]);
  const saved = await commentRow(t, row.id, id);
  // Closed between the read above and the batch: the guarded insert wrote nothing.
  if (!saved) throw issueClosed();
  return commentView(saved);
}

async function commentRow(t: TenantDb, issueId: string, id: string): Promise<CommentRow | null> {
  const [c] = await t.db
    .select(commentColumns)
    .from(helpIssueComments)
    .leftJoin(users, eq(users.id, helpIssueComments.authorId))
    .where(and(eq(helpIssueComments.tenantId, t.tenantId), eq(helpIssueComments.issueId, issueId), eq(helpIssueComments.id, id)))
    .limit(1);
  return c ?? null;
}

// ── attachments ─────────────────────────────────────────────────────────────────────────────

/**
 * Attaches an image (the branding's rules: PNG, JPEG, WebP or GIF read from the bytes, 5 MiB,
 * 8192 px a side; 413, 415, 422) to an open issue (its author or an admin; 409 `issue_closed`,
 * 409 `attachment_limit` beyond {@link MAX_ATTACHMENTS}). Stored in R2 by content hash under
 * the community's prefix; served by {@link attachmentResponse} to those who may read the issue.
 * `upload` reads the bytes once the caller is known to be allowed.
 */
export async function addAttachment(t: TenantDb, bucket: R2Bucket, caller: HelpCaller, issueId: string, upload: () => Promise<Uint8Array<ArrayBuffer>>, now: number): Promise<HelpAttachmentView> {
  const row = await issueFor(t, caller, issueId, "attach");
  if (row.status === "closed") throw issueClosed();
  const bytes = await upload();
  const sniffed = checkAsset("cover", bytes);
  const [count] = await t.db.select({ n: sql<number>`count(*)` }).from(helpIssueAttachments).where(and(eq(helpIssueAttachments.tenantId, t.tenantId), eq(helpIssueAttachments.issueId, row.id)));
  if ((count?.n ?? 0) >= MAX_ATTACHMENTS) throw conflict("attachment_limit", `An issue holds at most ${MAX_ATTACHMENTS} images.`);
  const key = await storeImage(bucket, `tenants/${t.tenantId}/helpdesk/${row.id}`, bytes, sniffed);
  const attachment: HelpIssueAttachment = { id: newId(), tenantId: t.tenantId, issueId: row.id, uploadedBy: caller.userId, key, contentType: sniffed.type, size: bytes.byteLength, width: sniffed.width, height: sniffed.height, createdAt: now };
  await t.db.batch([
    t.db.insert(helpIssueAttachments).values(attachment),
    t.db.update(helpIssues).set({ lastActivityAt: sql`max(${helpIssues.lastActivityAt}, ${now})` }).where(and(eq(helpIssues.tenantId, t.tenantId), eq(helpIssues.id, row.id))),
    markRead(t, caller.userId, row.id, now),
  ]);
  return attachmentView(attachment);
}

/**
 * The image of an attachment, for those who may read its issue (404 otherwise, as the issue):
 * its stored type, `nosniff`, inline, private caching (the issue may be private), same-origin
 * only, and an ETag answered with 304 (the app's CSP and other security headers are added to
 * every answer by http/security.ts).
 */
export async function attachmentResponse(t: TenantDb, bucket: R2Bucket, caller: HelpCaller, issueId: string, attachmentId: string, ifNoneMatch?: string | null): Promise<Response> {
  const row = await issueFor(t, caller, issueId, "read");
  const [a] = attachmentId && attachmentId.length <= 64
    ? await t.db.select().from(helpIssueAttachments).where(and(eq(helpIssueAttachments.tenantId, t.tenantId), eq(helpIssueAttachments.issueId, row.id), eq(helpIssueAttachments.id, attachmentId))).limit(1)
    : [];
  if (!a) throw notFound("No such attachment.");
  const object = await bucket.get(a.key, ifNoneMatch ? { onlyIf: { etagDoesNotMatch: ifNoneMatch.replace(/^W\//, "").replace(/"/g, "") } } : {});
  if (!object) throw notFound("No such attachment.");
  const headers = new Headers({
    "Content-Type": a.contentType,
    "Cache-Control": "private, max-age=3600",
    ETag: object.httpEtag,
    "Content-Disposition": "inline",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
  });
  if (!("body" in object) || !object.body) return new Response(null, { status: 304, headers });
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}

// ── unread count ────────────────────────────────────────────────────────────────────────────

/**
 * How many issues have activity `adminUserId` has not seen (viewing an issue marks it read;
 * one's own changes count as seen). One query: the community's issues through the index on
 * (tenant_id, last_activity_at, id), each checked against the reader's mark by primary key.
 */
export async function unreadIssueCount(t: TenantDb, adminUserId: string): Promise<number> {
  const [row] = await unreadIssuesQuery(t, adminUserId);
  return Number(row?.n ?? 0);
}

/** The one query behind {@link unreadIssueCount} (a test reads its plan). */
export function unreadIssuesQuery(t: TenantDb, userId: string) {
  return t.db
    .select({ n: sql<number>`count(*)` })
    .from(helpIssues)
    .where(
      and(
        eq(helpIssues.tenantId, t.tenantId),
        sql`not exists (select 1 from ${helpIssueReads} r where r.user_id = ${userId} and r.issue_id = ${helpIssues.id} and r.seen_at >= ${helpIssues.lastActivityAt})`,
      ),
    );
}
