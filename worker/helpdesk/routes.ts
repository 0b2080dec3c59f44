import { Hono, type Context } from "hono";
import { z } from "zod";
import { closestLang } from "../../web/i18n";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { ASSET_LIMITS, readLimited } from "../groups/images";
import { requestOrigin, requireTenant } from "../http/context";
import { ApiError } from "../http/errors";
import { pageParams } from "../http/pagination";
import { searchParam } from "../http/search";
import { guard, json, parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { brandOf } from "../mail/templates";
import { doc } from "../openapi/describe";
import { listAnswer } from "../bookings/answers";
import { attachmentEnvelope, commentEnvelope, guideEnvelope, guidesQuery, guideSummaryAnswer, issueEnvelope, issuesQuery, issueSummaryAnswer } from "./answers";
import { assertOk, helpCaller, type HelpCaller } from "./caller";
import { createGuide, deleteGuide, getGuide, guideInput, guidePatch, listGuides, updateGuide } from "./guides";
import {
  addAttachment,
  addComment,
  attachmentResponse,
  closeIssue,
  commentInput,
  createIssue,
  deleteIssue,
  getIssue,
  idempotencyKey,
  issueInput,
  issuePatch,
  issueStatusQuery,
  listIssues,
  reopenIssue,
  updateIssue,
  type HelpMailContext,
} from "./issues";
import { decideDesk, decideGuide, type DeskAction, type GuideAction } from "./policy";

/** Where the help desk's emails point and how they look (the API and the pages). */
export function helpMailContext(c: Context<AppEnv>, tenant: Tenant): HelpMailContext {
  const origin = requestOrigin(c);
  return { brand: brandOf(tenant, origin), community: tenant.name, origin, defaultLanguage: closestLang(tenant.defaultLanguage) };
}

/** The JSON API's caller (the API does not read the view-as cookie). */
function apiCaller(c: Context<AppEnv>): HelpCaller {
  return helpCaller(requireUser(c), requireTenant(c));
}

const helpDb = (c: Context<AppEnv>) => tenantDb(c.env, requireTenant(c));
const idOf = (c: Context, name = "id") => (c.req.param(name) ?? "").slice(0, 65);

/** Before the body is read: a community's host (404), signed in (401), the switches (403). */
const guides = (action: GuideAction) => guard((c) => assertOk(decideGuide(apiCaller(c), action, requireTenant(c).features ?? {})));
const desk = (action: DeskAction) => guard((c) => assertOk(decideDesk(apiCaller(c), action, requireTenant(c).features ?? {})));

/** The request's `Idempotency-Key` (400 when malformed). */
const keyOf = (c: Context) => idempotencyKey(c.req.header("idempotency-key"));

/** An upload's bytes: the raw body (`Content-Type: image/…`), or the `file` field of a multipart form. */
async function uploadOf(c: Context<AppEnv>): Promise<Uint8Array<ArrayBuffer>> {
  const max = ASSET_LIMITS.cover.maxBytes;
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "multipart/form-data") {
    const form = await c.req.parseBody();
    const file = form["file"];
    if (!(file instanceof File)) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { file: "field.required" });
    if (file.size > max) throw new ApiError(413, "payload_too_large", `At most ${Math.round(max / 1024)} KiB.`);
    return new Uint8Array(await file.arrayBuffer());
  }
  return readLimited(c.req.raw, max);
}

const statusOf = (c: Context) => parseWith(z.object({ status: issueStatusQuery }), { status: c.req.query("status") || undefined }).status;

/** "Help desk": guides and issues (API.md). */
export const helpdeskApi = new Hono<AppEnv>()
  .get("/guides", doc({ summary: "List the guides by title, searchable with `q`.", answers: { 200: listAnswer(guideSummaryAnswer) }, errors: { 400: ["invalid_cursor"], 403: ["feature_disabled"], 422: ["validation_failed"] }, query: guidesQuery }), guides("readGuides"), async (c) => {
    const { limit, cursor } = pageParams(c);
    return c.json(await listGuides(helpDb(c), apiCaller(c), { q: searchParam(c), limit, cursor }));
  })
  .post("/guides", doc({ summary: "Write a guide (tenant admins; members when `features.memberGuides` is on).", answers: { 201: guideEnvelope }, errors: { 403: ["feature_disabled"] } }), guides("writeGuides"), json(guideInput), async (c) => {
    return c.json({ guide: await createGuide(helpDb(c), apiCaller(c), c.req.valid("json"), Date.now()) }, 201);
  })
  .get("/guides/:id", doc({ summary: "Read a guide.", answers: { 200: guideEnvelope }, errors: { 403: ["feature_disabled"], 404: ["not_found"] } }), guides("readGuides"), async (c) => {
    return c.json({ guide: await getGuide(helpDb(c), apiCaller(c), idOf(c)) });
  })
  .patch("/guides/:id", doc({ summary: "Change a guide (tenant admins any; members their own, when `features.memberGuides` is on).", answers: { 200: guideEnvelope }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), guides("writeGuides"), json(guidePatch), async (c) => {
    return c.json({ guide: await updateGuide(helpDb(c), apiCaller(c), idOf(c), c.req.valid("json"), Date.now()) });
  })
  .delete("/guides/:id", doc({ summary: "Delete a guide (tenant admins any; members their own, when `features.memberGuides` is on).", answers: { 204: null }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), guides("writeGuides"), async (c) => {
    await deleteGuide(helpDb(c), apiCaller(c), idOf(c));
    return c.body(null, 204);
  })
  .get("/issues", doc({ summary: "List issues, newest activity first (admins: all; members: their own and the public ones).", answers: { 200: listAnswer(issueSummaryAnswer) }, errors: { 400: ["invalid_cursor"], 403: ["feature_disabled"], 422: ["validation_failed"] }, query: issuesQuery }), desk("readIssues"), async (c) => {
    const { limit, cursor } = pageParams(c);
    return c.json(await listIssues(helpDb(c), apiCaller(c), { status: statusOf(c), limit, cursor }));
  })
  .post("/issues", doc({ summary: "Open an issue (`private` defaults to `features.helpdeskIssuesPrivate`); admins are emailed.", description: "Send an `Idempotency-Key` header (1 to 200 visible ASCII characters) to make a retry answer what the first request made, writing nothing twice.", answers: { 201: issueEnvelope }, errors: { 400: ["invalid_idempotency_key"], 403: ["feature_disabled"] } }), desk("openIssue"), json(issueInput), async (c) => {
    const issue = await createIssue(helpDb(c), apiCaller(c), c.req.valid("json"), Date.now(), helpMailContext(c, requireTenant(c)), keyOf(c));
    deliverSoon(c);
    return c.json({ issue }, 201);
  })
  .get("/issues/:id", doc({ summary: "Read an issue with its comments and attachments (marks it read for the caller).", answers: { 200: issueEnvelope }, errors: { 403: ["feature_disabled"], 404: ["not_found"] } }), desk("readIssues"), async (c) => {
    return c.json({ issue: await getIssue(helpDb(c), apiCaller(c), idOf(c), Date.now()) });
  })
  .patch("/issues/:id", doc({ summary: "Change an issue's title, body or privacy (its author or an admin).", answers: { 200: issueEnvelope }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), desk("readIssues"), json(issuePatch), async (c) => {
    return c.json({ issue: await updateIssue(helpDb(c), apiCaller(c), idOf(c), c.req.valid("json"), Date.now()) });
  })
  .delete("/issues/:id", doc({ summary: "Delete an issue with its comments and attachments (its author or an admin).", answers: { 204: null }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), desk("readIssues"), async (c) => {
    await deleteIssue(helpDb(c), apiCaller(c), idOf(c), c.env.MEDIA);
    return c.body(null, 204);
  })
  .post("/issues/:id/close", doc({ summary: "Close an issue (its author or an admin).", answers: { 200: issueEnvelope }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), desk("readIssues"), async (c) => {
    return c.json({ issue: await closeIssue(helpDb(c), apiCaller(c), idOf(c), Date.now()) });
  })
  .post("/issues/:id/reopen", doc({ summary: "Reopen an issue (its author or an admin).", answers: { 200: issueEnvelope }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"] } }), desk("readIssues"), async (c) => {
    return c.json({ issue: await reopenIssue(helpDb(c), apiCaller(c), idOf(c), Date.now()) });
  })
  .post("/issues/:id/comments", doc({ summary: "Comment on an issue (its author, admins, and any member on a public issue); the author and earlier commenters are emailed.", description: "Send an `Idempotency-Key` header (1 to 200 visible ASCII characters) to make a retry answer what the first request made, writing nothing twice.", answers: { 201: commentEnvelope }, errors: { 400: ["invalid_idempotency_key"], 403: ["feature_disabled"], 404: ["not_found"], 409: ["issue_closed"] } }), desk("commentIssues"), json(commentInput), async (c) => {
    const comment = await addComment(helpDb(c), apiCaller(c), idOf(c), c.req.valid("json"), Date.now(), helpMailContext(c, requireTenant(c)), keyOf(c));
    deliverSoon(c);
    return c.json({ comment }, 201);
  })
  // An image under the branding's rules (PNG, JPEG, WebP, GIF read from the bytes; 5 MiB; 415, 413, 422), stored in R2.
  .post("/issues/:id/attachments", doc({ summary: "Attach an image to an open issue (its author or an admin): the image's bytes as the body, or the `file` field of a multipart form.", description: "PNG, JPEG, WebP or GIF, recognised from its bytes; at most 5 MiB and 8192 pixels a side; at most 10 images an issue.", answers: { 201: attachmentEnvelope }, errors: { 403: ["feature_disabled", "forbidden"], 404: ["not_found"], 409: ["issue_closed", "attachment_limit"], 413: ["payload_too_large"], 415: ["unsupported_media_type"], 422: ["image_too_large", "validation_failed"] } }), desk("readIssues"), async (c) => {
    const attachment = await addAttachment(helpDb(c), c.env.MEDIA, apiCaller(c), idOf(c), () => uploadOf(c), Date.now());
    return c.json({ attachment }, 201);
  })
  .get("/issues/:id/attachments/:attachmentId", doc({ summary: "An issue's attached image, to those who may read the issue (an ETag answers 304).", answers: { 200: { media: "image/*", description: "The image, in its stored type (PNG, JPEG, WebP or GIF)." } }, errors: { 403: ["feature_disabled"], 404: ["not_found"] } }), desk("readIssues"), async (c) => {
    return attachmentResponse(helpDb(c), c.env.MEDIA, apiCaller(c), idOf(c), idOf(c, "attachmentId"), c.req.header("if-none-match"));
  });
