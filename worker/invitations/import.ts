import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import { canonicalTag, msg } from "../../web/i18n";
import { atomic, chunkRows, directoryDb, type TenantDb } from "../db/client";
import { groupMemberData, notYetMember, webhookEvents } from "../webhooks/emit-many";
import { newId } from "../db/ids";
import { groups, invitations, memberships, outbox, users, type Group, type Invitation, type Tenant, type User } from "../db/schema";
import type { Bindings } from "../env";
import { ApiError, invalidRows, forbidden } from "../http/errors";
import { csvCell } from "../http/csv";
import { parseWith } from "../http/validate";
import { email as emailSchema, language as languageTag } from "../http/validate";
import { forgetViewer } from "../groups/queries";
import { mayImport, mayUseStagedImport, recipientCapApplies } from "./policy";
import { decide, groupsRun, INVITE_REFUSALS, invitationEmail, inviteOptions, inviterQuota, newInvitation, recipientCap, reserveInvitations, standingOf, type Inviter, type InviteChoices } from "./service";
import { fileKind, readRows, TEMPLATE_COLUMNS } from "./spreadsheet";
import type { ImportReport, RowError, RowPlan } from "./types";

export const MAX_IMPORT_ROWS = 20_000;
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

export const importDefaultsSchema = z.object({
  groups: z.array(z.string().trim().toLowerCase().max(60)).max(50).default([]),
  tenantRole: z.enum(["admin", "member"]).default("member"),
  groupRole: z.enum(["moderator", "member"]).default("member"),
  language: languageTag.optional(),
  message: z.string().trim().max(2000).optional(),
});
export type ImportDefaults = z.output<typeof importDefaultsSchema>;

export type { ImportReport, RowError, RowPlan } from "./types";
/** The plan of an import, and (never shown to the importer) which rows' addresses have an account. */
export type ImportPlan = { plan: RowPlan[]; groupsBySlug: Map<string, Group>; accounts: Map<string, Pick<User, "name" | "language">> };

const TRUE = new Set(["true", "vrai", "1", "yes", "oui", "ja", "x"]);
const FALSE = new Set(["false", "faux", "0", "no", "non", "nee", ""]);

/** A spreadsheet's yes/no cell (TRUE/FALSE, VRAI/FAUX, 1/0, …): true, false, or null when it is neither. */
export function parseFlag(cell: string): boolean | null {
  const v = cell.trim().toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : null;
}

/**
 * A row's email cell: the address (lowercased even when invalid), its problem added to
 * `errors` (missing, invalid, or the same as on an earlier row, which `seen` remembers).
 */
export function rowEmail(raw: string, line: number, seen: Map<string, number>, errors: string[]): string {
  const parsed = emailSchema.safeParse(raw);
  const address = parsed.success ? parsed.data : raw.toLowerCase();
  if (!raw) errors.push(msg("import.row.email_missing"));
  else if (!parsed.success) errors.push(msg("import.row.invalid_email"));
  else if (seen.has(address)) errors.push(msg("import.row.duplicate", { row: seen.get(address)! }));
  else seen.set(address, line);
  return address;
}

/** Validates every row before anything is written: one bad row and the whole file is refused. */
export async function planImport(t: TenantDb, inviter: Inviter, table: string[][], defaults: ImportDefaults): Promise<ImportPlan> {
  const [header, ...body] = table;
  if (!header) throw new ApiError(422, "empty_file", "The file is empty.");
  const columns = header.map((h) => h.trim().toLowerCase().replace(/\s+/g, "_"));
  const at = (name: (typeof TEMPLATE_COLUMNS)[number]) => columns.indexOf(name);
  if (at("email") < 0) throw new ApiError(422, "missing_column", `The file needs an "email" column (the template's columns are ${TEMPLATE_COLUMNS.join(", ")}).`);
  const dataRows = body.map((cells, i) => ({ cells, line: i + 2 })).filter(({ cells }) => cells.some((c) => c.trim() !== ""));
  if (dataRows.length === 0) throw new ApiError(422, "empty_file", "The file has a header but no rows.");
  if (dataRows.length > MAX_IMPORT_ROWS) throw new ApiError(413, "too_many_rows", `At most ${MAX_IMPORT_ROWS} rows per file.`);

  const tenantGroups = await t.db.select().from(groups).where(and(eq(groups.tenantId, t.tenantId), isNull(groups.deletedAt)));
  const groupsBySlug = new Map(tenantGroups.map((g) => [g.slug, g]));
  for (const slug of defaults.groups) {
    if (!groupsBySlug.has(slug)) throw new ApiError(422, "validation_failed", "Some groups do not exist.", { groups: msg("admin.invitations.error_groups") });
  }

  const cell = (cells: string[], name: (typeof TEMPLATE_COLUMNS)[number]) => {
    const i = at(name);
    return i < 0 ? "" : (cells[i] ?? "").trim();
  };
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  const plan: RowPlan[] = [];
  for (const { cells, line } of dataRows) {
    const rowErrors: string[] = [];
    const rawEmail = cell(cells, "email");
    const address = rowEmail(rawEmail, line, seen, rowErrors);

    const rawLanguage = cell(cells, "language");
    const language = rawLanguage ? canonicalTag(rawLanguage) : defaults.language ?? null;
    if (rawLanguage && !language) rowErrors.push(msg("import.row.unknown_language", { value: rawLanguage.slice(0, 40) }));

    const groupCell = cell(cells, "groups");
    const rowGroups = groupCell ? groupCell.split("|").map((s) => s.trim().toLowerCase()).filter(Boolean) : defaults.groups;
    for (const slug of rowGroups) if (!groupsBySlug.has(slug)) rowErrors.push(msg("import.row.unknown_group", { slug: slug.slice(0, 60) }));

    const adminCell = cell(cells, "admin");
    let tenantRole = defaults.tenantRole;
    if (adminCell !== "") {
      const flag = parseFlag(adminCell);
      if (flag === null) rowErrors.push(msg("import.row.admin_flag", { value: adminCell.toLowerCase().slice(0, 40) }));
      else tenantRole = flag ? "admin" : "member";
    }

    if (rowErrors.length) {
      errors.push({ row: line, email: rawEmail, errors: rowErrors });
      continue;
    }
    plan.push({
      row: line,
      email: address,
      firstName: cell(cells, "first_name") || null,
      lastName: cell(cells, "last_name") || null,
      language,
      groups: [...new Set(rowGroups)],
      tenantRole,
      action: "invite",
    });
  }
  if (errors.length) {
    throw invalidRows(errors);
  }

  // Who may do this (policy.ts mayImport): community admins anything; group admins plain members into their groups.
  const runs = await groupsRun(t, inviter);
  const allowed = mayImport(inviter, plan.map((p) => ({ tenantRole: p.tenantRole, groups: p.groups.map((s) => ({ slug: s, run: runs.has(groupsBySlug.get(s)!.id) })) })));
  if (!allowed.ok) throw forbidden("forbidden", allowed.why === "admin_role" ? INVITE_REFUSALS.admin_role : "You can invite only to groups you administer.");

  // The same rules as a pasted list (service.ts decide()): community admins add existing
  // accounts at once; anyone else sends them a group invitation, planned exactly as a new
  // address is. Banned members are skipped (`banned`); addresses already invited are left alone.
  const allGroupIds = [...new Set(plan.flatMap((p) => p.groups.map((s) => groupsBySlug.get(s)!.id)))];
  const st = await standingOf(t, plan.map((p) => p.email), allGroupIds);
  for (const p of plan) {
    const d = decide(inviter, st, p.email, p.groups.map((s) => groupsBySlug.get(s)!.id));
    if (d.action === "skip") Object.assign(p, { action: "skip", reason: d.reason });
    else p.action = d.action;
  }
  return { plan, groupsBySlug, accounts: st.accounts };
}

type Stmt = Parameters<TenantDb["db"]["batch"]>[0][number];

/**
 * Writes the plan all or nothing: invitations and their emails go in as "staged"
 * rows (invisible, never delivered) in bounded batches, then one atomic batch turns
 * them live together with the memberships of existing accounts. A failure before
 * that leaves nothing visible; the cron removes stale staged rows.
 */
export async function writeImport(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, { plan, groupsBySlug, accounts }: ImportPlan, defaults: ImportDefaults, now = Date.now()): Promise<ImportReport> {
  const importId = newId();
  // Reserve first: each row mailed counts against the inviter's daily quota (and, for anyone
  // but a community admin, against each recipient's cap), all or nothing.
  const mailed = plan.filter((x) => x.action === "invite");
  if (mailed.length) {
    await reserveInvitations(env, [inviterQuota(env, t.tenantId, inviter, mailed.length), ...(recipientCapApplies(inviter, "file") ? mailed.map((p) => recipientCap(t.tenantId, p.email)) : [])], now);
  }
  const invitationRows: Invitation[] = [];
  const outboxRows: (typeof outbox.$inferInsert)[] = [];
  for (const p of plan.filter((x) => x.action === "invite")) {
    const gs = p.groups.map((s) => groupsBySlug.get(s)!);
    const { invitation: inv, token } = await newInvitation(
      t,
      inviter,
      { email: p.email, status: "staged", importId, tenantRole: p.tenantRole, groupRole: defaults.groupRole, groupIds: gs.map((g) => g.id), firstName: p.firstName, lastName: p.lastName, message: defaults.message ?? null, language: p.language },
      now,
    );
    invitationRows.push(inv);
    // A group admin's row for an existing account is a group invitation: the same work, another email.
    const mail = invitationEmail(env, tenant, inv, inviter.user.name, token, gs, false, accounts.get(inv.email));
    outboxRows.push({ id: newId(), tenantId: t.tenantId, ...mail, status: "staged", importId, attempts: 0, nextAttemptAt: now, createdAt: now });
  }

  const staged: Stmt[] = [
    ...chunkRows(invitationRows, 21).map((rows) => t.db.insert(invitations).values(rows)),
    ...chunkRows(outboxRows, 14).map((rows) => t.db.insert(outbox).values(rows)),
  ];
  try {
    // Bounded batches: a big import never holds the database for long.
    for (let i = 0; i < staged.length; i += 50) await t.db.batch(staged.slice(i, i + 50) as [Stmt, ...Stmt[]]);
    const existingUsers = new Map<string, string>();
    const names = new Map<string, string>();
    const adds = plan.filter((p) => p.action === "add_to_groups");
    for (const chunk of chunkRows(adds.map((p) => p.email), 1, 90)) {
      for (const u of await t.db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(and(eq(users.tenantId, t.tenantId), inArray(users.email, chunk)))) {
        existingUsers.set(u.email, u.id);
        names.set(u.id, u.name);
      }
    }
    const membershipRows = adds.flatMap((p) =>
      p.groups.map((s) => ({ tenantId: t.tenantId, groupId: groupsBySlug.get(s)!.id, userId: existingUsers.get(p.email)!, role: defaults.groupRole, createdAt: now })),
    );
    const slugOf = new Map([...groupsBySlug.values()].map((g) => [g.id, g.slug]));
    const pairs = new Map(membershipRows.map((m) => [`${m.groupId} ${m.userId}`, m]));
    const joined = [...pairs.values()].map((m) => ({ data: groupMemberData({ id: m.groupId, slug: slugOf.get(m.groupId)! }, { id: m.userId, name: names.get(m.userId)! }), ref: { g: m.groupId, u: m.userId } }));
    await atomic(t, [
      // Before the inserts: an event for each person not yet in the group, exactly those the inserts add.
      ...webhookEvents(t, "group.member_joined", joined, now, notYetMember),
      t.db.update(invitations).set({ status: "pending" }).where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.importId, importId), eq(invitations.status, "staged"))),
      t.db.update(outbox).set({ status: "pending" }).where(and(eq(outbox.tenantId, t.tenantId), eq(outbox.importId, importId), eq(outbox.status, "staged"))),
      ...chunkRows(membershipRows, 5).map((rows) => t.db.insert(memberships).values(rows).onConflictDoNothing()),
    ]);
    for (const id of existingUsers.values()) forgetViewer(t.tenantId, id);
  } catch (err) {
    await discardStaged(t, importId).catch(() => undefined);
    throw err;
  }
  return importReport(plan);
}

export function importReport(plan: RowPlan[]): ImportReport {
  return {
    invited: plan.filter((p) => p.action === "invite").map((p) => p.email),
    addedToGroups: plan.filter((p) => p.action === "add_to_groups").map((p) => p.email),
    skipped: plan.filter((p) => p.action === "skip").map((p) => ({ email: p.email, reason: p.reason ?? "skipped" })),
    rows: plan,
  };
}

/** How many rows of a plan or report invite, add to groups, or are skipped. */
export function importCounts(rows: RowPlan[]) {
  return { invited: rows.filter((r) => r.action === "invite").length, addedToGroups: rows.filter((r) => r.action === "add_to_groups").length, skipped: rows.filter((r) => r.action === "skip").length };
}

// ── an import without JavaScript: the file waits in R2 between its preview and its sending ──

const stagedKey = (tenantId: string, id: string) => `tenants/${tenantId}/imports/${id}`;

/** An import id from a link (ours are newId()): anything else is a 404, never an R2 key it cannot hold. */
function stagedId(raw: string): string {
  if (!/^[a-z0-9]{10,40}$/.test(raw)) throw new ApiError(404, "not_found", "No such import.");
  return raw;
}

/**
 * The preview: the file is read and planned (nothing is written to D1), then kept in R2
 * with its defaults and its importer until `commitImport` sends it.
 */
export async function stageImport(env: Bindings, t: TenantDb, inviter: Inviter, file: File | null, choices: InviteChoices): Promise<{ id: string; fileName: string; plan: RowPlan[] }> {
  if (!file || file.size === 0) throw new ApiError(422, "validation_failed", "Choose a file to import.", { file: msg("field.file_required") });
  if (file.size > MAX_IMPORT_BYTES) throw new ApiError(413, "payload_too_large", `The file can be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
  const defaults = parseWith(importDefaultsSchema, inviteOptions(choices));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = fileKind(file.name, bytes);
  const { plan } = await planImport(t, inviter, await readRows(kind, bytes), defaults);
  const id = newId();
  await env.MEDIA.put(stagedKey(t.tenantId, id), bytes, { customMetadata: { kind, name: file.name.slice(0, 200), defaults: JSON.stringify(defaults), by: inviter.user.id } });
  return { id, fileName: file.name, plan };
}

function reportCsv(rows: RowPlan[]): string {
  return "\ufeff" + ["row,email,action,reason,groups,admin", ...rows.map((r) => [String(r.row), r.email, r.action, r.reason ?? "", r.groups.join("|"), r.tenantRole === "admin" ? "TRUE" : "FALSE"].map(csvCell).join(","))].join("\r\n") + "\r\n";
}

/**
 * Sends a staged import, once, for the one who staged it: planned again (accounts or
 * invitations may have changed since the preview), written, and its report kept in R2
 * in place of the file. Anyone else's, a sent one or an expired one is a 404.
 */
export async function commitImport(env: Bindings, t: TenantDb, tenant: Tenant, inviter: Inviter, rawId: string): Promise<{ id: string; report: ImportReport }> {
  const id = stagedId(rawId);
  const object = await env.MEDIA.get(stagedKey(t.tenantId, id));
  const meta = object?.customMetadata;
  if (!object || !meta || !mayUseStagedImport(inviter, meta) || meta.done) throw new ApiError(404, "not_found", "This import was already sent or has expired.");
  const bytes = new Uint8Array(await object.arrayBuffer());
  const defaults = JSON.parse(meta.defaults ?? "{}") as ImportDefaults;
  const planned = await planImport(t, inviter, await readRows(meta.kind === "xlsx" ? "xlsx" : "csv", bytes), defaults);
  const report = await writeImport(env, t, tenant, inviter, planned, defaults);
  await env.MEDIA.put(stagedKey(t.tenantId, id), reportCsv(report.rows), { customMetadata: { ...meta, done: "1" }, httpMetadata: { contentType: "text/csv; charset=utf-8" } });
  return { id, report };
}

/** The report of a sent import (CSV), for the one who sent it; a 404 for anyone else or before it is sent. */
export async function stagedImportReport(env: Bindings, tenantId: string, inviter: Inviter, rawId: string): Promise<string> {
  const object = await env.MEDIA.get(stagedKey(tenantId, stagedId(rawId)));
  if (!object || object.customMetadata?.done !== "1" || !mayUseStagedImport(inviter, object.customMetadata)) throw new ApiError(404, "not_found", "No such report.");
  return object.text();
}

async function discardStaged(t: TenantDb, importId: string): Promise<void> {
  await t.db.batch([
    t.db.delete(invitations).where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.importId, importId), eq(invitations.status, "staged"))),
    t.db.delete(outbox).where(and(eq(outbox.tenantId, t.tenantId), eq(outbox.importId, importId), eq(outbox.status, "staged"))),
  ]);
}

/** Cron: staged rows of imports that died before committing (older than an hour) are removed. */
export async function purgeStagedImports(env: Bindings, now = Date.now()): Promise<void> {
  const db = directoryDb(env);
  await db.batch([
    db.delete(invitations).where(and(eq(invitations.status, "staged"), lt(invitations.invitedAt, now - 3600_000))),
    db.delete(outbox).where(and(eq(outbox.status, "staged"), lt(outbox.createdAt, now - 3600_000))),
  ]);
}
