import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { canonicalTag, msg } from "../../web/i18n";
import { hashPassword } from "../auth/passwords";
import { findUserByEmail, newUserRow } from "../auth/service";
import { loginLinkPath, oneTimeToken } from "../auth/login-links";
import { atomic, chunkRows, directoryDb, type TenantDb } from "../db/client";
import { base64url, newId, newToken, sha256Hex } from "../db/ids";
import { groups, invitations, memberships, outbox, passwordResets, users, type Group, type Tenant, type User } from "../db/schema";
import type { Bindings } from "../env";
import { csvCell } from "../http/csv";
import { ApiError, invalidRows, conflict, forbidden, notFound } from "../http/errors";
import { mayProvision, type Provisioning } from "../invitations/policy";
import { email as emailSchema, language, password } from "../http/validate";
import { forgetViewer } from "../groups/queries";
import { enqueueMail } from "../mail/outbox";
import { accountCreatedMail, loginLinkMail, mailLang, tenantBrand } from "../mail/templates";
import { platformUrl } from "../tenancy/hosts";
import type { Inviter } from "../invitations/service";
import { parseFlag, rowEmail } from "../invitations/import";
import { fileKind, readRows } from "../invitations/spreadsheet";
import { exportColumns } from "../profiles/service";
import { contains, fold, foldedOr } from "../http/search";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { memberItem } from "../members/service";
import { webhookEvent } from "../webhooks/emit";
import { eventRef, groupMemberData, webhookEvents } from "../webhooks/emit-many";

export const SETUP_TTL_MS = 14 * 24 * 3600_000;
export const LOGIN_LINK_TTL_MS = 60 * 60_000;
export const MAX_ACCOUNT_ROWS = 10_000;

export const createAccountSchema = z
  .object({
    name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(100, "at most 100 characters"),
    email: emailSchema,
    password: password.optional(),
    generatePassword: z.boolean().optional().default(false),
    sendEmail: z.boolean().optional().default(true),
    language: language.optional(),
    tenantRole: z.enum(["admin", "member"]).optional().default("member"),
    groups: z.array(z.string().trim().toLowerCase().max(60)).max(50).optional().default([]),
    groupRole: z.enum(["moderator", "member"]).optional().default("member"),
    extraInfo: z.string().trim().max(2000, "at most 2000 characters").optional(),
  })
  .refine((v) => !(v.password && v.generatePassword), { message: "field.password_or_generate", path: ["password"] })
  .refine((v) => !v.password || v.password.trim().toLowerCase() !== v.email, { message: "field.password_is_email", path: ["password"] });

function requireTenantAdmin(inviter: Inviter, what: Provisioning): void {
  if (!mayProvision(inviter, what)) throw forbidden("forbidden", "Only community owners and admins can create accounts.");
}

async function groupsBySlugs(t: TenantDb, slugs: string[]): Promise<Map<string, Group>> {
  const live = await t.db.select().from(groups).where(and(eq(groups.tenantId, t.tenantId), isNull(groups.deletedAt)));
  const map = new Map(live.map((g) => [g.slug, g]));
  const missing = slugs.filter((s) => !map.has(s));
  if (missing.length) throw new ApiError(422, "validation_failed", "Some groups do not exist.", { groups: msg("admin.invitations.error_groups") });
  return map;
}

/** A readable password: 4 groups of 5 characters from 24 random bytes. */
export function generatePassword(): string {
  const raw = base64url(crypto.getRandomValues(new Uint8Array(24))).replace(/[-_]/g, "x");
  return [0, 5, 10, 15].map((i) => raw.slice(i, i + 5)).join("-");
}

const setupToken = oneTimeToken;

/**
 * An admin creates one account: with a password they set, one generated (returned
 * once, to hand over), or none; the member is emailed a link to choose their own.
 * A pending invitation for the address is closed: the account replaces it.
 */
export async function createAccount(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, input: z.output<typeof createAccountSchema>, now = Date.now()) {
  requireTenantAdmin(inviter, "createAccount");
  if (await findUserByEmail(t, input.email)) throw conflict("email_taken", "An account already exists for this email.");
  const gs = await groupsBySlugs(t, input.groups);
  const generated = input.generatePassword ? generatePassword() : null;
  const chosen = input.password ?? generated;
  const user = newUserRow(
    t,
    { email: input.email, name: input.name, passwordHash: chosen ? await hashPassword(chosen) : null, language: input.language ?? null, tenantRole: input.tenantRole, status: "active", extraInfo: input.extraInfo ?? null },
    now,
  );
  const setup = await setupToken(t, user.id, "setup", SETUP_TTL_MS, now);
  const lang = mailLang(user.language, tenant.defaultLanguage);
  const statements = [
    t.db.insert(users).values(user),
    webhookEvent(t, "member.created", memberItem(user, [...input.groups].sort()), now),
    ...input.groups.flatMap((slug) => [
      t.db.insert(memberships).values({ tenantId: t.tenantId, groupId: gs.get(slug)!.id, userId: user.id, role: input.groupRole, createdAt: now }),
      webhookEvent(t, "group.member_joined", groupMemberData(gs.get(slug)!, user), now),
    ]),
    t.db.update(invitations).set({ status: "revoked", revokedAt: now }).where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.email, user.email), eq(invitations.status, "pending"))),
    ...(input.sendEmail
      ? [
          setup.insert,
          enqueueMail(
            t,
            accountCreatedMail(lang, { to: user.email, name: user.name, community: tenant.name, url: platformUrl(env, tenant.subdomain, `/reset?token=${encodeURIComponent(setup.token)}`), hasPassword: chosen !== null, login: platformUrl(env, tenant.subdomain, "/login"), brand: tenantBrand(env, tenant) }),
            now,
          ),
        ]
      : []),
  ] as const;
  try {
    await t.db.batch(statements as unknown as Parameters<typeof t.db.batch>[0]);
  } catch (err) {
    if (String(err).includes("UNIQUE constraint failed: users.tenant_id, users.email")) throw conflict("email_taken", "An account already exists for this email.");
    throw err;
  }
  forgetViewer(t.tenantId, user.id);
  return { user, generatedPassword: input.sendEmail ? null : generated, generated: generated !== null };
}

// ── many accounts from a file ─────────────────────────────────────────────

export type AccountRow = { row: number; email: string; name: string; language: string | null; groups: string[]; tenantRole: "admin" | "member"; extraInfo: string | null };

/** Columns: email (required), name or first_name + last_name, language, groups (a|b), admin, extra_info. */
export async function planAccounts(t: TenantDb, table: string[][]) {
  const [header, ...body] = table;
  if (!header) throw new ApiError(422, "empty_file", "The file is empty.");
  const cols = header.map((h) => h.trim().toLowerCase().replace(/\s+/g, "_"));
  const at = (name: string) => cols.indexOf(name);
  if (at("email") < 0) throw new ApiError(422, "missing_column", 'The file needs an "email" column.');
  const get = (cells: string[], name: string) => (at(name) < 0 ? "" : (cells[at(name)] ?? "").trim());
  const rows = body.map((cells, i) => ({ cells, line: i + 2 })).filter(({ cells }) => cells.some((c) => c.trim() !== ""));
  if (rows.length === 0) throw new ApiError(422, "empty_file", "The file has a header but no rows.");
  if (rows.length > MAX_ACCOUNT_ROWS) throw new ApiError(413, "too_many_rows", `At most ${MAX_ACCOUNT_ROWS} rows per file.`);
  const gs = await groupsBySlugs(t, []);
  const errors: { row: number; email: string; errors: string[] }[] = [];
  const plan: AccountRow[] = [];
  const seen = new Map<string, number>();
  for (const { cells, line } of rows) {
    const errs: string[] = [];
    const raw = get(cells, "email");
    const address = rowEmail(raw, line, seen, errs);
    const name = get(cells, "name") || [get(cells, "first_name"), get(cells, "last_name")].filter(Boolean).join(" ");
    if (!name) errs.push(msg("import.row.name_missing"));
    if (name.length > 100) errs.push(msg("import.row.name_long"));
    const rawLang = get(cells, "language");
    const lang = rawLang ? canonicalTag(rawLang) : null;
    if (rawLang && !lang) errs.push(msg("import.row.unknown_language", { value: rawLang.slice(0, 40) }));
    const slugs = get(cells, "groups").split("|").map((s) => s.trim().toLowerCase()).filter(Boolean);
    for (const s of slugs) if (!gs.has(s)) errs.push(msg("import.row.unknown_group", { slug: s.slice(0, 60) }));
    const admin = parseFlag(get(cells, "admin"));
    if (admin === null) errs.push(msg("import.row.admin_flag", { value: get(cells, "admin").toLowerCase().slice(0, 40) }));
    const extraInfo = get(cells, "extra_info") || null;
    if (extraInfo && extraInfo.length > 2000) errs.push(msg("import.row.extra_long"));
    if (errs.length) errors.push({ row: line, email: raw, errors: errs });
    else plan.push({ row: line, email: address, name, language: lang, groups: [...new Set(slugs)], tenantRole: admin ? "admin" : "member", extraInfo });
  }
  // An address that already has an account or a pending invitation is an error here: accounts are created, not merged.
  for (const chunk of chunkRows(plan, 1, 90)) {
    const taken = new Set(
      (await t.db.select({ email: users.email }).from(users).where(and(eq(users.tenantId, t.tenantId), inArray(users.email, chunk.map((p) => p.email))))).map((u) => u.email),
    );
    for (const p of chunk) if (taken.has(p.email)) errors.push({ row: p.row, email: p.email, errors: [msg("import.row.account_exists")] });
  }
  if (errors.length) {
    errors.sort((a, b) => a.row - b.row);
    throw invalidRows(errors);
  }
  return { plan, groupsBySlug: gs };
}

/**
 * An admin's spreadsheet of accounts (CSV or .xlsx), planned then created all or nothing;
 * no file (or an empty one) is a 422 on `file`.
 */
export async function importAccounts(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, file: { name: string; bytes: Uint8Array<ArrayBuffer> } | null, opts: { sendEmail: boolean }) {
  if (!file) throw new ApiError(422, "validation_failed", "Choose a file to import.", { file: msg("field.required") });
  const { plan, groupsBySlug } = await planAccounts(t, await readRows(fileKind(file.name, file.bytes), file.bytes));
  return commitAccounts(env, t, tenant, inviter, plan, groupsBySlug, opts);
}

/**
 * Creates the accounts all or nothing, like the invitation import: staged rows in
 * bounded batches, then one atomic batch makes them active. No password is hashed
 * per row (10,000 PBKDF2 runs would take minutes): each member is emailed a link to
 * choose their own, valid 14 days.
 */
export async function commitAccounts(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, plan: AccountRow[], groupsBySlug: Map<string, Group>, opts: { sendEmail: boolean }, now = Date.now()) {
  requireTenantAdmin(inviter, "importAccounts");
  const importId = newId();
  const userRows: User[] = [];
  const tokenRows: (typeof passwordResets.$inferInsert)[] = [];
  const mailRows: (typeof outbox.$inferInsert)[] = [];
  const memberRows: (typeof memberships.$inferInsert)[] = [];
  const brand = tenantBrand(env, tenant);
  for (const p of plan) {
    const id = newId();
    userRows.push({ id, tenantId: t.tenantId, email: p.email, name: p.name, searchText: fold(p.name), passwordHash: null, language: p.language, tenantRole: p.tenantRole, status: "staged", bio: null, emailVerifiedAt: null, extraInfo: p.extraInfo, importId, createdAt: now });
    for (const s of p.groups) memberRows.push({ tenantId: t.tenantId, groupId: groupsBySlug.get(s)!.id, userId: id, role: "member", createdAt: now });
    if (opts.sendEmail) {
      const token = newToken();
      tokenRows.push({ tokenHash: await sha256Hex(token), tenantId: t.tenantId, userId: id, purpose: "setup", createdAt: now, expiresAt: now + SETUP_TTL_MS });
      const mail = accountCreatedMail(mailLang(p.language, tenant.defaultLanguage), {
        to: p.email,
        name: p.name,
        community: tenant.name,
        url: platformUrl(env, tenant.subdomain, `/reset?token=${encodeURIComponent(token)}`),
        hasPassword: false,
        login: platformUrl(env, tenant.subdomain, "/login"),
        brand,
      });
      mailRows.push({ id: newId(), tenantId: t.tenantId, ...mail, status: "staged", importId, attempts: 0, nextAttemptAt: now, createdAt: now });
    }
  }
  type Stmt = Parameters<typeof t.db.batch>[0][number];
  const staged: Stmt[] = [
    ...chunkRows(userRows, 15).map((r) => t.db.insert(users).values(r)),
    ...chunkRows(tokenRows, 7).map((r) => t.db.insert(passwordResets).values(r)),
    ...chunkRows(mailRows, 14).map((r) => t.db.insert(outbox).values(r)),
  ];
  try {
    for (let i = 0; i < staged.length; i += 50) await t.db.batch(staged.slice(i, i + 50) as [Stmt, ...Stmt[]]);
    // The events first, each kept only while its account is still staged: exactly the accounts this batch activates.
    const stillStaged = sql`exists (select 1 from ${users} where ${users.tenantId} = ${t.tenantId} and ${users.id} = ${eventRef} and ${users.importId} = ${importId} and ${users.status} = 'staged')`;
    const slugOf = new Map([...groupsBySlug.values()].map((g) => [g.id, g.slug]));
    const byId = new Map(userRows.map((u) => [u.id, u]));
    const events = [
      ...webhookEvents(t, "member.created", userRows.map((u, i) => ({ data: memberItem({ ...u, status: "active" }, [...plan[i]!.groups].sort()), ref: u.id })), now, stillStaged),
      ...webhookEvents(t, "group.member_joined", memberRows.map((m) => ({ data: groupMemberData({ id: m.groupId, slug: slugOf.get(m.groupId)! }, byId.get(m.userId)!), ref: m.userId })), now, stillStaged),
    ];
    await atomic(t, [
      ...events,
      t.db.update(users).set({ status: "active" }).where(and(eq(users.tenantId, t.tenantId), eq(users.importId, importId), eq(users.status, "staged"))),
      t.db.update(outbox).set({ status: "pending" }).where(and(eq(outbox.tenantId, t.tenantId), eq(outbox.importId, importId), eq(outbox.status, "staged"))),
      ...chunkRows(memberRows, 5).map((r) => t.db.insert(memberships).values(r).onConflictDoNothing()),
    ]);
  } catch (err) {
    await t.db
      .batch([
        t.db.delete(users).where(and(eq(users.tenantId, t.tenantId), eq(users.importId, importId), eq(users.status, "staged"))),
        t.db.delete(outbox).where(and(eq(outbox.tenantId, t.tenantId), eq(outbox.importId, importId), eq(outbox.status, "staged"))),
      ])
      .catch(() => undefined);
    throw err;
  }
  return { created: plan.map((p) => p.email), rows: plan };
}

/** Cron: staged accounts of imports that never committed (older than an hour) go. */
export async function purgeStagedAccounts(env: Bindings, now = Date.now()): Promise<void> {
  await directoryDb(env).delete(users).where(and(eq(users.status, "staged"), lt(users.createdAt, now - 3600_000)));
}

// ── one-time sign-in links ────────────────────────────────────────────────

export async function sendLoginLink(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, userId: string, now = Date.now()): Promise<void> {
  requireTenantAdmin(inviter, "sendLoginLink");
  const user = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, userId)) });
  if (!user || user.status !== "active") throw notFound("No such member.");
  const link = await setupToken(t, user.id, "login", LOGIN_LINK_TTL_MS, now);
  await t.db.batch([
    link.insert,
    enqueueMail(t, loginLinkMail(mailLang(user.language, tenant.defaultLanguage), { to: user.email, name: user.name, community: tenant.name, url: platformUrl(env, tenant.subdomain, loginLinkPath(link.token)), brand: tenantBrand(env, tenant) }), now),
  ]);
}

// ── export ────────────────────────────────────────────────────────────────

/** Members with their groups, the admin-only extra information and every profile field, as CSV. */
export async function exportMembersCsv(t: TenantDb, inviter: Inviter): Promise<string> {
  requireTenantAdmin(inviter, "exportMembers");
  const people = await t.db.select().from(users).where(and(eq(users.tenantId, t.tenantId), inArray(users.status, ["active", "pending_approval", "suspended", "disabled"]))).orderBy(asc(users.name));
  const rows = await t.db
    .select({ userId: memberships.userId, slug: groups.slug })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(and(eq(memberships.tenantId, t.tenantId), isNull(groups.deletedAt)));
  const groupsOf = new Map<string, string[]>();
  for (const r of rows) groupsOf.set(r.userId, [...(groupsOf.get(r.userId) ?? []), r.slug]);
  const profile = await exportColumns(t);
  const lines = [["email", "name", "language", "role", "status", "groups", "extra_info", "joined_at", ...profile.header].map(csvCell).join(",")];
  for (const u of people) {
    lines.push([u.email, u.name, u.language, u.tenantRole, u.status, (groupsOf.get(u.id) ?? []).join("|"), u.extraInfo, new Date(u.createdAt).toISOString(), ...profile.cells(u)].map(csvCell).join(","));
  }
  return "\ufeff" + lines.join("\r\n") + "\r\n";
}


const tenantMembersCursor = cursorKind("tenant_members", z.strictObject({ name: cursorParts.text, id: cursorParts.id }));

/** The community's members for the admin list: search by name or email, paged by name. */
export async function listTenantMembers(t: TenantDb, inviter: Inviter, opts: { q: string; limit: number; cursor: string | null }) {
  requireTenantAdmin(inviter, "listMembers");
  const after = decodeOptionalCursor(tenantMembersCursor, opts.cursor);
  const q = fold(opts.q);
  const rows = await t.db
    .select()
    .from(users)
    .where(
      and(
        eq(users.tenantId, t.tenantId),
        sql`${users.status} <> 'staged'`,
        q ? or(contains(foldedOr(users.searchText, users.name), q), contains(sql`lower(${users.email})`, q)) : undefined,
        after ? sql`(${users.name} > ${after.name} or (${users.name} = ${after.name} and ${users.id} > ${after.id}))` : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const ids = page.map((u) => u.id);
  const gs = ids.length
    ? await t.db
        .select({ userId: memberships.userId, slug: groups.slug })
        .from(memberships)
        .innerJoin(groups, eq(groups.id, memberships.groupId))
        .where(and(eq(memberships.tenantId, t.tenantId), inArray(memberships.userId, ids), isNull(groups.deletedAt)))
    : [];
  const last = page[page.length - 1];
  return {
    members: page.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      tenantRole: u.tenantRole,
      status: u.status,
      groups: gs.filter((g) => g.userId === u.id).map((g) => g.slug),
      extraInfo: u.extraInfo,
      createdAt: new Date(u.createdAt).toISOString(),
    })),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(tenantMembersCursor, { name: last.name, id: last.id }) : null,
  };
}
