import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t } from "../../web/i18n";
import { AdminMembersImportResultPage, type AdminMembersPage } from "../../web/pages/members/admin-members";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../http/context";
import { requireTenant } from "../http/context";
import { ApiError } from "../http/errors";
import { formAction, readForm, signedIn, withDone, type Form, type FormFailure } from "../http/forms";
import { pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { MAX_IMPORT_BYTES } from "../invitations/import";
import { inviterOf } from "../invitations/routes";
import { deliverSoon } from "../mail/deliver";
import { renderMembersPage } from "../members/html";
import { createAccount, createAccountSchema, importAccounts, sendLoginLink } from "./service";

// ── /admin/members: accounts created by admins (the list itself is worker/members/html.ts's) ──

type MembersExtra = Partial<Parameters<typeof AdminMembersPage>[0]>;

async function membersPage(c: Context<AppEnv>, extra: MembersExtra = {}, status: ContentfulStatusCode = 200) {
  inviterOf(c);
  return renderMembersPage(c, extra, status);
}

/** The creation form as typed, to fill it again. */
function accountValues(form: Form) {
  const passwordMode = (form.str("passwordMode") || "email") as "email" | "set" | "generate";
  return { name: form.str("name"), email: form.str("email"), tenantRole: form.str("tenantRole"), language: form.str("language"), extraInfo: form.str("extraInfo"), passwordMode, groups: form.list("groups") };
}

/** The creation form as the service reads it: a password set, generated, or a link emailed to choose one. */
function accountInput(form: Form, values: ReturnType<typeof accountValues>) {
  const mode = values.passwordMode;
  return parseWith(createAccountSchema, {
    name: values.name,
    email: values.email,
    ...(mode === "set" ? { password: form.str("password") } : {}),
    generatePassword: mode === "generate",
    sendEmail: mode !== "generate" && mode !== "set",
    tenantRole: values.tenantRole || undefined,
    language: values.language || undefined,
    groups: values.groups,
    ...(values.extraInfo.trim() ? { extraInfo: values.extraInfo } : {}),
  });
}

/** The uploaded spreadsheet: `null` when none (the form shows it), a 413 error page when too large. */
async function accountsFile(form: Form): Promise<{ name: string; bytes: Uint8Array<ArrayBuffer> } | null> {
  const file = form.file("file");
  if (!file || file.size === 0) return null;
  if (file.size > MAX_IMPORT_BYTES) throw new ApiError(413, "payload_too_large", "The file is too large.");
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

const FILE_ERRORS = { empty_file: "admin.accounts.error.empty_file", missing_column: "admin.accounts.error.missing_column", too_many_rows: "admin.accounts.error.too_many_rows" } as const;

/** A refused spreadsheet: the rows to fix, or the form again saying what is wrong with the file. */
function importRefused(c: Context<AppEnv>, { err, errors, rows, status }: FormFailure) {
  const ctx = pageContext(c);
  if (rows) return renderPage(c, t(ctx.lang, "admin.accounts.title"), AdminMembersImportResultPage({ ctx, viewingAsMember: viewingAsMember(c), created: 0, rowErrors: rows }), 422);
  const key = FILE_ERRORS[err.code as keyof typeof FILE_ERRORS] ?? "admin.accounts.error.bad_file";
  return membersPage(c, { errors: { file: errors.file ?? t(ctx.lang, key, { max: 10_000 }) } }, status);
}

function imported(c: Context<AppEnv>, created: number) {
  deliverSoon(c);
  const ctx = pageContext(c);
  return renderPage(c, t(ctx.lang, "admin.accounts.title"), AdminMembersImportResultPage({ ctx, viewingAsMember: viewingAsMember(c), created }));
}

export const memberAdminPages = new Hono<AppEnv>()
  .get("/admin/members", async (c) => {
    return signedIn(c) ?? membersPage(c);
  })
  .post("/admin/members", async (c) => {
    const tenant = requireTenant(c);
    const form = await readForm(c);
    const values = accountValues(form);
    return formAction(c, {
      run: () => createAccount(c.env, tenantDb(c.env, tenant), tenant, inviterOf(c), accountInput(form, values)),
      render: ({ errors, formError, status }) => membersPage(c, { values, errors, ...(formError ? { formError } : {}) }, status),
      done: ({ user, generatedPassword }) => {
        deliverSoon(c);
        c.header("Cache-Control", "no-store"); // The page may show a generated password: never keep it in any cache.
        return membersPage(c, { created: { email: user.email, generatedPassword } }, 201);
      },
    });
  })
  .post("/admin/members/import", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const form = await readForm(c);
    const file = await accountsFile(form);
    return formAction(c, {
      run: () => importAccounts(c.env, tenantDb(c.env, tenant), tenant, inviter, file, { sendEmail: form.has("sendEmail") }),
      render: (f) => importRefused(c, f),
      done: (result) => imported(c, result.created.length),
    });
  })
  .post("/admin/members/:id/login-link", async (c) => {
    const tenant = requireTenant(c);
    await sendLoginLink(c.env, tenantDb(c.env, tenant), tenant, inviterOf(c), c.req.param("id"));
    deliverSoon(c);
    return c.redirect(withDone("/admin/members", "link"), 303);
  });
