import { and, asc, eq, isNull } from "drizzle-orm";
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t } from "../../web/i18n";
import { ImportPage, ImportPreviewPage, ImportResultPage } from "../../web/pages/invitations/admin-import";
import { tenantDb } from "../db/client";
import { groups as groupsTable } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { localizeError } from "../http/form-errors";
import { formAction, readForm, signedIn, type Form, type FormFailure } from "../http/forms";
import { pageContext, renderPage } from "../http/render";
import { deliverSoon } from "../mail/deliver";
import { viewingAsMember } from "../http/context";
import { commitImport, importCounts, stageImport, stagedImportReport } from "./import";
import type { InviteChoices } from "./service";
import { inviterOf } from "./routes";

async function liveGroups(c: Context<AppEnv>) {
  const tenant = requireTenant(c);
  const tdb = tenantDb(c.env, tenant);
  return tdb.db.select({ slug: groupsTable.slug, name: groupsTable.name }).from(groupsTable).where(and(eq(groupsTable.tenantId, tdb.tenantId), isNull(groupsTable.deletedAt))).orderBy(asc(groupsTable.name));
}

// ── invitation import without JavaScript: the file waits in R2 between preview and send (import.ts) ──

type ImportPreview = Parameters<typeof ImportPreviewPage>[0];

/** The defaults chosen with the file, as typed. */
function importValues(form: Form): InviteChoices {
  return { groups: form.list("groups"), tenantRole: form.str("tenantRole"), groupRole: form.str("groupRole"), language: form.str("language"), message: form.str("message") };
}

async function importPage(c: Context<AppEnv>, extra: Partial<Parameters<typeof ImportPage>[0]> = {}, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  return renderPage(c, t(ctx.lang, "admin.import.title"), ImportPage({ ctx, viewingAsMember: viewingAsMember(c), groups: await liveGroups(c), ...extra }), status);
}

function previewPage(c: Context<AppEnv>, preview: Omit<ImportPreview, "ctx" | "viewingAsMember">, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  return renderPage(c, t(ctx.lang, "admin.import.title"), ImportPreviewPage({ ctx, viewingAsMember: viewingAsMember(c), ...preview }), status);
}

/** A file whose rows need fixing: the preview, naming each row; anything else: the form again. */
function importRefused(c: Context<AppEnv>, form: Form, { err, errors, rows, status }: FormFailure) {
  const empty = { invited: 0, addedToGroups: 0, skipped: 0, rows: [] };
  if (rows) return previewPage(c, { importId: "", fileName: form.file("file")?.name ?? "", preview: empty, rowErrors: rows }, 422);
  return importPage(c, { values: importValues(form), errors, formError: localizeError(pageContext(c).lang, err) }, status);
}

export const importAdminPages = new Hono<AppEnv>()
  .get("/admin/invitations/import", async (c) => {
    const signedOut = signedIn(c);
    if (signedOut) return signedOut;
    inviterOf(c);
    return importPage(c);
  })
  .post("/admin/invitations/import", async (c) => {
    const t = tenantDb(c.env, requireTenant(c));
    const inviter = inviterOf(c);
    const form = await readForm(c);
    return formAction(c, {
      run: () => stageImport(c.env, t, inviter, form.file("file"), importValues(form)),
      render: (f) => importRefused(c, form, f),
      done: async ({ id, fileName, plan }) => previewPage(c, { importId: id, fileName, groups: await liveGroups(c), preview: { ...importCounts(plan), rows: plan.slice(0, 200) } }),
    });
  })
  .post("/admin/invitations/import/:id/commit", async (c) => {
    const tenant = requireTenant(c);
    const { id, report } = await commitImport(c.env, tenantDb(c.env, tenant), tenant, inviterOf(c), c.req.param("id"));
    deliverSoon(c);
    const ctx = pageContext(c);
    return renderPage(c, t(ctx.lang, "admin.import.title"), ImportResultPage({ ctx, viewingAsMember: viewingAsMember(c), importId: id, result: importCounts(report.rows) }));
  })
  .get("/admin/invitations/import/:id/report.csv", async (c) => {
    const tenant = requireTenant(c);
    const csv = await stagedImportReport(c.env, tenant.id, inviterOf(c), c.req.param("id"));
    return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="import-report.csv"' });
  });
