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
  .get("/guides", guides("readGuides"), async (c) => {
    const { limit, cursor } = pageParams(c);
    return c.json(await listGuides(helpDb(c), apiCaller(c), { q: searchParam(c), limit, cursor }));
  })
  .post("/guides", guides("writeGuides"), json(guideInput), async (c) => {
    return c.json({ guide: await createGuide(helpDb(c), apiCaller(c), c.req.valid("json"), Date.now()) }, 201);
  })
  .get("/guides/:id", guides("readGuides"), async (c) => {
    return c.json({ guide: await getGuide(helpDb(c), apiCaller(c), idOf(c)) });
  })
  .patch("/guides/:id", guides("writeGuides"), json(guidePatch), async (c) => {
    return c.json({ guide: await updateGuide(helpDb(c), apiCaller(c), idOf(c), c.req.valid("json"), Date.now()) });
  })
  .delete("/guides/:id", guides("writeGuides"), async (c) => {
    await deleteGuide(helpDb(c), apiCaller(c), idOf(c));
    return c.body(null, 204);
  })
  .get("/issues", desk("readIssues"), async (c) => {
    const { limit, cursor } = pageParams(c);
    return c.json(await listIssues(helpDb(c), apiCaller(c), { status: statusOf(c), limit, cursor }));
  })
  .post("/issues", desk("openIssue"), json(issueInput), async (c) => {
    const issue = await createIssue(helpDb(c), apiCaller(c), c.req.valid("json"), Date.now(), helpMailContext(c, requireTenant(c)), keyOf(c));
    deliverSoon(c);
    return c.json({ issue }, 201);
  })
  .get("/issues/:id", desk("readIssues"), async (c) => {
    return c.json({ issue: await getIssue(helpDb(c), apiCaller(c), idOf(c), Date.now()) });
  })
  .patch("/issues/:id", desk("readIssues"), json(issuePatch), async (c) => {
    return c.json({ issue: await updateIssue(helpDb(c), apiCaller(c), idOf(c), c.req.valid("json"), Date.now()) });
  })
  .delete("/issues/:id", desk("readIssues"), async (c) => {
    await deleteIssue(helpDb(c), apiCaller(c), idOf(c), c.env.MEDIA);
    return c.body(null, 204);
  })
  .post("/issues/:id/close", desk("readIssues"), async (c) => {
    return c.json({ issue: await closeIssue(helpDb(c), apiCaller(c), idOf(c), Date.now()) });
  })
  .post("/issues/:id/reopen", desk("readIssues"), async (c) => {
    return c.json({ issue: await reopenIssue(helpDb(c), apiCaller(c), idOf(c), Date.now()) });
  })
  .post("/issues/:id/comments", desk("commentIssues"), json(commentInput), async (c) => {
    const comment = await addComment(helpDb(c), apiCaller(c), idOf(c), c.req.valid("json"), Date.now(), helpMailContext(c, requireTenant(c)), keyOf(c));
    deliverSoon(c);
    return c.json({ comment }, 201);
  })
  // An image under the branding's rules (PNG, JPEG, WebP, GIF read from the bytes; 5 MiB; 415, 413, 422), stored in R2.
  .post("/issues/:id/attachments", desk("readIssues"), async (c) => {
    const attachment = await addAttachment(helpDb(c), c.env.MEDIA, apiCaller(c), idOf(c), () => uploadOf(c), Date.now());
    return c.json({ attachment }, 201);
  })
  .get("/issues/:id/attachments/:attachmentId", desk("readIssues"), async (c) => {
    return attachmentResponse(helpDb(c), c.env.MEDIA, apiCaller(c), idOf(c), idOf(c, "attachmentId"), c.req.header("if-none-match"));
  });
