import { and, asc, eq, isNull } from "drizzle-orm";
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { msg, t, type Lang } from "../../web/i18n";
import { ImportPage, ImportPreviewPage, ImportResultPage } from "../../web/pages/invitations/admin-import";
import { AdminMembersImportResultPage, AdminMembersPage } from "../../web/pages/members/admin-members";
import { tenantDb } from "../db/client";
import { newId } from "../db/ids";
import { groups as groupsTable } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { csvCell } from "../http/csv";
import { ApiError } from "../http/errors";
import { localizeError, localizeMessage } from "../http/form-errors";
import { formAction, readForm, signedIn, withDone } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { viewingAsMember } from "../http/context";
import { commitImport, importDefaultsSchema, MAX_IMPORT_BYTES, planImport, type ImportDefaults, type RowPlan } from "./import";
import { commitAccounts, createAccount, createAccountSchema, planAccounts, sendLoginLink } from "../accounts/service";
import { inviterOf } from "./routes";
import { mayUseStagedImport } from "./policy";
import { renderMembersPage } from "../members/html";
import { fileKind, readRows } from "./spreadsheet";

/** A refused file's rows, their problems read in the page's language. */
function rowErrorsOf(err: unknown, lang: Lang) {
  return err instanceof ApiError && err.rows ? err.rows.map((r) => ({ ...r, errors: r.errors.map((e) => localizeMessage(lang, e)) })) : null;
}

async function liveGroups(c: Context<AppEnv>) {
  const tenant = requireTenant(c);
  const tdb = tenantDb(c.env, tenant);
  return tdb.db.select({ slug: groupsTable.slug, name: groupsTable.name }).from(groupsTable).where(and(eq(groupsTable.tenantId, tdb.tenantId), isNull(groupsTable.deletedAt))).orderBy(asc(groupsTable.name));
}

// ── invitation import without JavaScript: the file waits in R2 between preview and send ──

const importKey = (tenantId: string, id: string) => `tenants/${tenantId}/imports/${id}`;
/** An import id from the path (ours are newId()): anything else is a 404, never an R2 key it cannot hold. */
function importId(raw: string): string {
  if (!/^[a-z0-9]{10,40}$/.test(raw)) throw new ApiError(404, "not_found", "No such import.");
  return raw;
}

function reportCsv(rows: RowPlan[]): string {
  return "\ufeff" + ["row,email,action,reason,groups,admin", ...rows.map((r) => [String(r.row), r.email, r.action, r.reason ?? "", r.groups.join("|"), r.tenantRole === "admin" ? "TRUE" : "FALSE"].map(csvCell).join(","))].join("\r\n") + "\r\n";
}

function counts(rows: RowPlan[]) {
  return { invited: rows.filter((r) => r.action === "invite").length, addedToGroups: rows.filter((r) => r.action === "add_to_groups").length, skipped: rows.filter((r) => r.action === "skip").length };
}

export const importAdminPages = new Hono<AppEnv>()
  .get("/admin/invitations/import", async (c) => {
    const signedOut = signedIn(c);
    if (signedOut) return signedOut;
    inviterOf(c);
    const ctx = pageContext(c);
    return renderPage(c, t(ctx.lang, "admin.import.title"), ImportPage({ ctx, viewingAsMember: viewingAsMember(c), groups: await liveGroups(c) }));
  })
  .post("/admin/invitations/import", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const ctx = pageContext(c);
    const form = await readForm(c);
    const values = { groups: form.list("groups"), tenantRole: form.str("tenantRole"), groupRole: form.str("groupRole"), language: form.str("language"), message: form.str("message") };
    const file = form.file("file");
    const id = newId();
    return formAction(c, {
      run: async () => {
        if (!file || file.size === 0) throw new ApiError(422, "validation_failed", "Choose a file to import.", { file: msg("field.file_required") });
        if (file.size > MAX_IMPORT_BYTES) throw new ApiError(413, "payload_too_large", `The file can be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
        const defaults = parseWith(importDefaultsSchema, { groups: values.groups, tenantRole: values.tenantRole || undefined, groupRole: values.groupRole || undefined, language: values.language || undefined, ...(values.message.trim() ? { message: values.message } : {}) });
        const bytes = new Uint8Array(await file.arrayBuffer());
        const kind = fileKind(file.name, bytes);
        const { plan } = await planImport(tenantDb(c.env, tenant), inviter, await readRows(kind, bytes), defaults);
        await c.env.MEDIA.put(importKey(tenant.id, id), bytes, { customMetadata: { kind, name: file.name.slice(0, 200), defaults: JSON.stringify(defaults), by: inviter.user.id } });
        return { plan, fileName: file.name };
      },
      render: async ({ err, errors, status }) => {
        // A file whose rows need fixing: the preview, naming each row; anything else: the form again.
        const rows = rowErrorsOf(err, ctx.lang);
        if (rows) return renderPage(c, t(ctx.lang, "admin.import.title"), ImportPreviewPage({ ctx, viewingAsMember: viewingAsMember(c), importId: id, fileName: file?.name ?? "", preview: { invited: 0, addedToGroups: 0, skipped: 0, rows: [] }, rowErrors: rows }), 422);
        return renderPage(c, t(ctx.lang, "admin.import.title"), ImportPage({ ctx, viewingAsMember: viewingAsMember(c), groups: await liveGroups(c), values, errors, formError: localizeError(ctx.lang, err) }), status);
      },
      done: async ({ plan, fileName }) =>
        renderPage(c, t(ctx.lang, "admin.import.title"), ImportPreviewPage({ ctx, viewingAsMember: viewingAsMember(c), importId: id, fileName, groups: await liveGroups(c), preview: { ...counts(plan), rows: plan.slice(0, 200) } })),
    });
  })
  .post("/admin/invitations/import/:id/commit", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const ctx = pageContext(c);
    const id = importId(c.req.param("id"));
    const object = await c.env.MEDIA.get(importKey(tenant.id, id));
    const meta = object?.customMetadata;
    if (!object || !meta || !mayUseStagedImport(inviter, meta) || meta.done) throw new ApiError(404, "not_found", "This import was already sent or has expired.");
    const bytes = new Uint8Array(await object.arrayBuffer());
    const defaults = JSON.parse(meta.defaults ?? "{}") as ImportDefaults;
    const tdb = tenantDb(c.env, tenant);
    // Planned again: accounts or invitations may have changed since the preview.
    const planned = await planImport(tdb, inviter, await readRows(meta.kind === "xlsx" ? "xlsx" : "csv", bytes), defaults);
    const report = await commitImport(c.env, tdb, tenant, inviter, planned, defaults);
    await c.env.MEDIA.put(importKey(tenant.id, id), reportCsv(report.rows), { customMetadata: { ...meta, done: "1" }, httpMetadata: { contentType: "text/csv; charset=utf-8" } });
    deliverSoon(c);
    return renderPage(c, t(ctx.lang, "admin.import.title"), ImportResultPage({ ctx, viewingAsMember: viewingAsMember(c), importId: id, result: counts(report.rows) }));
  })
  .get("/admin/invitations/import/:id/report.csv", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const object = await c.env.MEDIA.get(importKey(tenant.id, importId(c.req.param("id"))));
    if (!object || object.customMetadata?.done !== "1" || !mayUseStagedImport(inviter, object.customMetadata)) throw new ApiError(404, "not_found", "No such report.");
    return c.body(await object.text(), 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="import-report.csv"' });
  });

// ── members: accounts created by admins ──

async function membersPage(c: Context<AppEnv>, extra: Partial<Parameters<typeof AdminMembersPage>[0]> = {}, status: ContentfulStatusCode = 200) {
  // The list, its filters and actions are worker/members/html.ts's; this file keeps the creation forms.
  inviterOf(c);
  return renderMembersPage(c, extra, status);
}

export const memberAdminPages = new Hono<AppEnv>()
  .get("/admin/members", async (c) => {
    return signedIn(c) ?? membersPage(c);
  })
  .post("/admin/members", async (c) => {
    const tenant = requireTenant(c);
    const form = await readForm(c);
    const mode = form.str("passwordMode") || "email";
    const values = { name: form.str("name"), email: form.str("email"), tenantRole: form.str("tenantRole"), language: form.str("language"), extraInfo: form.str("extraInfo"), passwordMode: mode as "email" | "set" | "generate", groups: form.list("groups") };
    return formAction(c, {
      run: async () => {
        const input = parseWith(createAccountSchema, {
          name: values.name,
          email: values.email,
          ...(mode === "set" ? { password: form.str("password") } : {}),
          generatePassword: mode === "generate",
          sendEmail: mode !== "generate" && mode !== "set" ? true : false,
          tenantRole: values.tenantRole || undefined,
          language: values.language || undefined,
          groups: values.groups,
          ...(values.extraInfo.trim() ? { extraInfo: values.extraInfo } : {}),
        });
        const created = await createAccount(c.env, tenantDb(c.env, tenant), tenant, inviterOf(c), input);
        deliverSoon(c);
        return created;
      },
      render: ({ errors, formError, status }) => membersPage(c, { values, errors, ...(formError ? { formError } : {}) }, status),
      done: ({ user, generatedPassword }) => {
        // The page may show a generated password: never keep it in any cache.
        c.header("Cache-Control", "no-store");
        return membersPage(c, { created: { email: user.email, generatedPassword } }, 201);
      },
    });
  })
  .post("/admin/members/import", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const ctx = pageContext(c);
    const form = await readForm(c);
    const file = form.file("file");
    if (!file || file.size === 0) return membersPage(c, { errors: { file: t(ctx.lang, "field.required") } }, 422);
    if (file.size > MAX_IMPORT_BYTES) throw new ApiError(413, "payload_too_large", "The file is too large.");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const tdb = tenantDb(c.env, tenant);
    return formAction(c, {
      run: async () => {
        const { plan, groupsBySlug } = await planAccounts(tdb, await readRows(fileKind(file.name, bytes), bytes));
        const result = await commitAccounts(c.env, tdb, tenant, inviter, plan, groupsBySlug, { sendEmail: form.has("sendEmail") });
        deliverSoon(c);
        return result;
      },
      render: ({ err, status }) => {
        const rows = rowErrorsOf(err, ctx.lang);
        if (rows) return renderPage(c, t(ctx.lang, "admin.accounts.title"), AdminMembersImportResultPage({ ctx, viewingAsMember: viewingAsMember(c), created: 0, rowErrors: rows }), 422);
        const key = err.code === "empty_file" ? "admin.accounts.error.empty_file" : err.code === "missing_column" ? "admin.accounts.error.missing_column" : err.code === "too_many_rows" ? "admin.accounts.error.too_many_rows" : "admin.accounts.error.bad_file";
        return membersPage(c, { errors: { file: t(ctx.lang, key, { max: 10_000 }) } }, status);
      },
      done: (result) => renderPage(c, t(ctx.lang, "admin.accounts.title"), AdminMembersImportResultPage({ ctx, viewingAsMember: viewingAsMember(c), created: result.created.length })),
    });
  })
  .post("/admin/members/:id/login-link", async (c) => {
    const tenant = requireTenant(c);
    await sendLoginLink(c.env, tenantDb(c.env, tenant), tenant, inviterOf(c), c.req.param("id"));
    deliverSoon(c);
    return c.redirect(withDone("/admin/members", "link"), 303);
  });
