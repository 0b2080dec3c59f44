import { Hono } from "hono";
import { t } from "../../web/i18n";
import { LoginLinkPage } from "../../web/pages/auth/login-link";
import { publicUser } from "../auth/service";
import { setSessionCookie } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { ApiError, forbidden } from "../http/errors";
import { pageContext, renderPage } from "../http/render";
import { formAction, isForm, readForm } from "../http/forms";
import { json, load, onTenant } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { z } from "zod";
import { commitAccounts, createAccountSchema, createAccount, exportMembersCsv, planAccounts, sendLoginLink } from "./service";
import { useLoginLink } from "../auth/login-links";
import { inviterOf } from "../invitations/routes";
import { invite } from "../invitations/service";
import { fileKind, readRows } from "../invitations/spreadsheet";
import { MAX_IMPORT_BYTES } from "../invitations/import";
import { groupFromRequest } from "../groups/request";
import { msg } from "../../web/i18n";
import { mayAddToGroupList } from "../invitations/policy";
import { doc } from "../openapi/describe";
import { accountImportAnswer, addedToGroupAnswer, createdAccountAnswer, loginLinkSentAnswer } from "./answers";

/** Before the body is read: the group, and a signed-in inviter who may add to its member list. */
const groupLister = load(async (c) => {
  const { tenant, t, ctx } = await groupFromRequest(c);
  const inviter = inviterOf(c);
  if (!mayAddToGroupList(ctx.actor)) throw forbidden("forbidden", "You are not allowed to do this in this group.");
  return { tenant, t, ctx, inviter };
});

const addToGroupSchema = z.object({ emails: z.union([z.string().max(200_000), z.array(z.string().max(320)).max(1000)]), role: z.enum(["moderator", "member"]).optional().default("member") });

/** Accounts created by admins, sign-in links, the member export, and adding emails to a group. */
export const accountsApi = new Hono<AppEnv>()
  // The inviter (401, 403) is checked after the body, as it always was.
  .post(
    "/members",
    doc({
      summary: "Create an account (tenant admins)",
      answers: { 201: createdAccountAnswer },
      errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["email_taken"], 422: ["validation_failed"] },
    }),
    onTenant, json(createAccountSchema), async (c) => {
    const tenant = requireTenant(c);
    const { user, generatedPassword, generated } = await createAccount(c.env, tenantDb(c.env, tenant), tenant, inviterOf(c), c.req.valid("json"));
    deliverSoon(c);
    // A generated password is shown once, to the admin, only when no email goes to the member.
    return c.json({ user: { ...publicUser(user), extraInfo: user.extraInfo }, generatedPassword, passwordGenerated: generated }, 201);
  })
  .post(
    "/members/import",
    doc({
      summary: "Create accounts from a CSV or XLSX file (multipart `file`, `sendEmail`)",
      description: "Columns: email (required), name or first_name + last_name, language, groups (a|b), admin, extra_info. `?dryRun=1` checks the file and creates nothing.",
      answers: { 200: accountImportAnswer },
      errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["email_taken"], 413: ["payload_too_large", "too_many_rows"], 415: ["unsupported_media_type"], 422: ["validation_failed", "empty_file", "missing_column", "invalid_rows"] },
      query: z.object({ dryRun: z.literal("1").optional() }),
    }),
    async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const form = isForm(c) ? await readForm(c) : null;
    const file = form?.file("file");
    if (!form || !file) throw new ApiError(422, "validation_failed", "Choose a file to import.", { file: msg("field.file_required") });
    if (file.size > MAX_IMPORT_BYTES) throw new ApiError(413, "payload_too_large", `The file can be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const t = tenantDb(c.env, tenant);
    const { plan, groupsBySlug } = await planAccounts(t, await readRows(fileKind(file.name, bytes), bytes));
    if (c.req.query("dryRun") === "1") return c.json({ dryRun: true, created: plan.map((p) => p.email), rows: plan });
    const result = await commitAccounts(c.env, t, tenant, inviter, plan, groupsBySlug, { sendEmail: form.values.sendEmail !== "false" });
    deliverSoon(c);
    return c.json(result);
  })
  .get("/members/export.csv", doc({ summary: "The members as CSV (tenant admins)", answers: { 200: { media: "text/csv" } }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), async (c) => {
    const tenant = requireTenant(c);
    const csv = await exportMembersCsv(tenantDb(c.env, tenant), inviterOf(c));
    return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${tenant.subdomain}-members.csv"` });
  })
  .post("/members/:userId/login-link", doc({ summary: "Email a member a sign-in link (tenant admins)", answers: { 202: loginLinkSentAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), async (c) => {
    const tenant = requireTenant(c);
    await sendLoginLink(c.env, tenantDb(c.env, tenant), tenant, inviterOf(c), c.req.param("userId"));
    deliverSoon(c);
    return c.json({ status: "sent" }, 202);
  })
  // Adding emails to a group's member list: accounts join at once, unknown addresses are invited.
  .post(
    "/groups/:slug/members",
    doc({
      summary: "Add emails to a group's member list",
      description: "Accounts join at once (or, added by a group admin who is not a community admin, get a group invitation); unknown addresses are invited.",
      answers: { 200: addedToGroupAnswer },
      errors: { 403: ["forbidden"], 404: ["not_found"], 422: ["validation_failed"], 429: ["rate_limited"] },
    }),
    groupLister.check(), json(addToGroupSchema), async (c) => {
    const { tenant, t, ctx, inviter } = groupLister.of(c);
    const input = c.req.valid("json");
    // As the invitations route does: a community admin's adds join at once; a group admin who is
    // not one sends existing accounts a group invitation they accept, and the answer never tells
    // which addresses have accounts.
    const result = await invite(c.env, t, tenant, inviter, { emails: input.emails, groups: [ctx.group.slug], tenantRole: "member", groupRole: input.role });
    deliverSoon(c);
    return c.json(result);
  });

export const loginLinkPages = new Hono<AppEnv>()
  .get("/login/link", (c) => {
    requireTenant(c);
    const ctx = pageContext(c);
    c.header("Referrer-Policy", "same-origin");
    return renderPage(c, t(ctx.lang, "login_link.title"), LoginLinkPage({ ctx, token: c.req.query("token") ?? "" }));
  })
  .post("/login/link", async (c) => {
    const tenant = requireTenant(c);
    const token = (await readForm(c)).str("token");
    return formAction(c, {
      run: () => useLoginLink(tenantDb(c.env, tenant), token),
      render: () => {
        const ctx = pageContext(c);
        return renderPage(c, t(ctx.lang, "login_link.title"), LoginLinkPage({ ctx, token: "", invalid: true }), 400);
      },
      done: ({ sessionToken }) => {
        setSessionCookie(c, sessionToken);
        return "/";
      },
    });
  });
