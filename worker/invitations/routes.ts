import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { requireUser, setSessionCookie } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { pageParams } from "../http/pagination";
import { json, load, onTenant, parseWith, query, signedIn } from "../http/validate";
import { ApiError } from "../http/errors";
import { isForm, readForm } from "../http/forms";
import { importDefaultsSchema, importReport, MAX_IMPORT_BYTES, planImport, writeImport } from "./import";
import { fileKind, readRows, templateCsv, templateXlsx } from "./spreadsheet";
import { deliverSoon } from "../mail/deliver";
import { viewingAsMember } from "../http/context";
import { invitesForCommunity } from "./policy";
import { publicUser } from "../auth/service";
import {
  acceptMyInvitation,
  declineByToken,
  declineMyInvitation,
  myInvitations,
  acceptAsExistingUser,
  acceptInvitation,
  acceptSchema,
  invite,
  inviteSchema,
  listInvitations,
  listedFor,
  lookupInvitation,
  resendInvitation,
  revokeInvitation,
  type Inviter,
} from "./service";
import { searchParam } from "../http/search";
import { msg } from "../../web/i18n";
import { doc } from "../openapi/describe";
import { pageOf, pageQuery } from "../groups/answers";
import {
  acceptedMineAnswer,
  declinedAnswer,
  importReportAnswer,
  invitationListAnswer,
  invitationLookupAnswer,
  inviteResultAnswer,
  myInvitationAnswer,
  resentAnswer,
  userEnvelope,
} from "./answers";

export function inviterOf(c: Context<AppEnv>): Inviter {
  const user = requireUser(c);
  return { user, actsAsTenantAdmin: invitesForCommunity({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }) };
}

const statusSchema = z.enum(["pending", "accepted", "expired", "revoked", "declined"]).optional();
const tokenSchema = z.object({ token: z.string().min(1).max(200) });

/** Before the body is read: on a community's host, the signed-in inviter. */
const inviting = load((c) => {
  requireTenant(c);
  return inviterOf(c);
});

/** Reads the multipart import: the file and the defaults sent with it. */
export async function readImportForm(c: Context<AppEnv>) {
  // Without a form there is no file: the same 422 as a form without one.
  const form = isForm(c) ? await readForm(c) : null;
  const file = form?.file("file");
  if (!form || !file) throw new ApiError(422, "validation_failed", "Choose a file to import.", { file: msg("field.file_required") });
  if (file.size > MAX_IMPORT_BYTES) throw new ApiError(413, "payload_too_large", `The file can be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
  // Groups as repeated fields, or one field separated by `|` or `,`.
  const groupsField = Array.isArray(form.all.groups) ? form.all.groups.map((g) => (typeof g === "string" ? g : "")) : form.str("groups").split(/[|,]/);
  const defaults = parseWith(importDefaultsSchema, {
    groups: groupsField.map((g) => g.trim()).filter(Boolean),
    tenantRole: form.str("tenantRole") || undefined,
    groupRole: form.str("groupRole") || undefined,
    language: form.str("language") || undefined,
    ...(form.str("message").trim() ? { message: form.str("message") } : {}),
  });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const rows = await readRows(fileKind(file.name, bytes), bytes);
  return { rows, defaults };
}

export const invitationsApi = new Hono<AppEnv>()
  .get(
    "/invitations/template.csv",
    doc({ summary: "The invitation import template (CSV, header row only)", answers: { 200: { media: "text/csv" } }, public: true }),
    (c) =>
    c.body(templateCsv(), 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="invitations-template.csv"' }),
  )
  .get(
    "/invitations/template.xlsx",
    doc({
      summary: "The invitation import template (xlsx, header row only)",
      answers: { 200: { media: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } },
      public: true,
    }),
    async (c) =>
    c.body(await (await templateXlsx()).arrayBuffer(), 200, {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": 'attachment; filename="invitations-template.xlsx"',
    }),
  )
  .post(
    "/invitations/import",
    doc({
      summary: "Invite everyone listed in an .xlsx or .csv file, all or nothing",
      description:
        "A `multipart/form-data` body: `file` (.xlsx or .csv, at most 8 MiB and 20,000 rows; columns `email`, `first_name`, `last_name`, `language`, `groups` separated by `|`, `admin`) and optional defaults `groups`, `tenantRole`, `groupRole`, `language`, `message`. Any invalid row answers 422 `invalid_rows` with `rows: [{row, email, errors}]` beside the error and imports nothing.",
      answers: { 200: importReportAnswer },
      errors: {
        400: ["malformed_form"],
        403: ["forbidden"],
        413: ["payload_too_large", "too_many_rows"],
        415: ["unsupported_media_type"],
        422: ["validation_failed", "invalid_rows", "empty_file", "missing_column", "malformed_file"],
        429: ["rate_limited"],
      },
      query: z.object({ dryRun: z.enum(["1", "true"]).optional().describe("Validate and plan only: nothing is written or sent.") }),
    }),
    async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const t = tenantDb(c.env, tenant);
    const { rows, defaults } = await readImportForm(c);
    const planned = await planImport(t, inviter, rows, defaults);
    const dryRun = c.req.query("dryRun") === "1" || c.req.query("dryRun") === "true";
    if (dryRun) return c.json({ dryRun: true, ...importReport(planned.plan) });
    const report = await writeImport(c.env, t, tenant, inviter, planned, defaults);
    deliverSoon(c);
    return c.json(report);
  })
  .post(
    "/invitations",
    doc({
      summary: "Invite a list of addresses to the community and its groups",
      answers: { 200: inviteResultAnswer },
      errors: { 403: ["forbidden"], 413: ["payload_too_large"], 422: ["validation_failed"], 429: ["rate_limited"] },
    }),
    inviting.check(), json(inviteSchema), async (c) => {
    const tenant = requireTenant(c);
    const result = await invite(c.env, tenantDb(c.env, tenant), tenant, inviting.of(c), c.req.valid("json"));
    deliverSoon(c);
    return c.json(result);
  })
  .get(
    "/invitations",
    doc({
      summary: "List invitations, newest first (a group admin sees the ones they sent)",
      answers: { 200: invitationListAnswer },
      errors: { 400: ["invalid_cursor"], 422: ["validation_failed"] },
      query: pageQuery.extend({ q: z.string().optional().describe("Part of the email, at most 100 characters, regardless of case and accents.") }),
    }),
    inviting.check(), query(z.object({ status: z.preprocess((v) => v || undefined, statusSchema) })), async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviting.of(c);
    const { status } = c.req.valid("query");
    const q = searchParam(c);
    const page = await listInvitations(tenantDb(c.env, tenant), { ...(status ? { status } : {}), ...(q ? { q } : {}), ...pageParams(c) }, listedFor(inviter));
    return c.json(page);
  })
  .get(
    "/invitations/lookup",
    doc({
      summary: "What an invitation link is for (its email, community and groups)",
      answers: { 200: invitationLookupAnswer },
      errors: { 404: ["not_found"] },
      public: true,
      query: z.object({ token: z.string().describe("The token of the invitation link.") }),
    }),
    async (c) => {
    const tenant = requireTenant(c);
    const { view } = await lookupInvitation(tenantDb(c.env, tenant), tenant, c.req.query("token") ?? "");
    return c.json(view);
  })
  .post(
    "/invitations/accept",
    doc({
      summary: "Accept an invitation: the account is created verified and signed in",
      answers: { 201: userEnvelope },
      errors: { 404: ["not_found"], 409: ["account_exists"], 410: ["invitation_expired"], 422: ["validation_failed"] },
      public: true,
    }),
    onTenant, json(acceptSchema), async (c) => {
    const { user, sessionToken } = await acceptInvitation(tenantDb(c.env, requireTenant(c)), c.req.valid("json"));
    setSessionCookie(c, sessionToken);
    return c.json({ user: publicUser(user) }, 201);
  })
  .post(
    "/invitations/accept-as-me",
    doc({
      summary: "Accept an invitation sent to the signed-in member's own email (joins its groups)",
      answers: { 200: userEnvelope },
      errors: { 403: ["wrong_account"], 404: ["not_found"], 410: ["invitation_expired"] },
    }),
    signedIn, json(tokenSchema), async (c) => {
    const user = requireUser(c);
    await acceptAsExistingUser(tenantDb(c.env, requireTenant(c)), c.req.valid("json").token, user);
    return c.json({ user: publicUser(user) });
  })
  .post(
    "/invitations/decline",
    doc({ summary: "Decline an invitation from its link", answers: { 200: declinedAnswer }, errors: { 404: ["not_found"] }, public: true }),
    onTenant, json(tokenSchema), async (c) => {
    const inv = await declineByToken(tenantDb(c.env, requireTenant(c)), c.req.valid("json").token);
    return c.json({ invitation: { id: inv.id, status: "declined" } });
  })
  // A signed-in member's own pending group invitations: accept joins, decline ends it.
  .get(
    "/me/invitations",
    doc({ summary: "The signed-in member's pending group invitations", answers: { 200: pageOf(myInvitationAnswer) } }),
    async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    return c.json({ items: await myInvitations(tenantDb(c.env, tenant), user), nextCursor: null });
  })
  .post(
    "/me/invitations/:id/accept",
    doc({ summary: "Accept one's own group invitation: join its groups", answers: { 200: acceptedMineAnswer }, errors: { 404: ["not_found"], 410: ["invitation_expired"] } }),
    async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const { invitation, joined, skipped } = await acceptMyInvitation(tenantDb(c.env, tenant), user, c.req.param("id"));
    return c.json({ invitation: { id: invitation.id, status: "accepted" }, joined, skipped });
  })
  .post(
    "/me/invitations/:id/decline",
    doc({ summary: "Decline one's own group invitation", answers: { 200: declinedAnswer }, errors: { 404: ["not_found"] } }),
    async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const inv = await declineMyInvitation(tenantDb(c.env, tenant), user, c.req.param("id"));
    return c.json({ invitation: { id: inv.id, status: "declined" } });
  })
  .post(
    "/invitations/:id/resend",
    doc({
      summary: "Send an invitation again with a new link, its expiry reset to 30 days",
      answers: { 200: resentAnswer },
      errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["invitation_closed"], 429: ["rate_limited"] },
    }),
    async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const inv = await resendInvitation(c.env, tenantDb(c.env, tenant), tenant, inviter, c.req.param("id"));
    deliverSoon(c);
    return c.json({ id: inv.id, email: inv.email, status: "pending", expiresAt: new Date(inv.expiresAt).toISOString() });
  })
  .delete(
    "/invitations/:id",
    doc({ summary: "Revoke an invitation: its link stops working", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["invitation_closed"] } }),
    async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    await revokeInvitation(tenantDb(c.env, tenant), inviter, c.req.param("id"));
    return c.body(null, 204);
  });
