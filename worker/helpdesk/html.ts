import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { msg, t, type MessageKey } from "../../web/i18n";
import { GuideFormPage, GuidePage, type GuideFormValues } from "../../web/pages/helpdesk/guide";
import { HelpOffPage, HelpPage, type HelpQuery } from "../../web/pages/helpdesk/help";
import { IssuePage, NewIssuePage, type IssuePageProps, type NewIssueValues } from "../../web/pages/helpdesk/issue";
import { ADMIN_HELP_PATH, HELP_PATH, guidePath, issuePath } from "../../web/pages/helpdesk/shared";
import { requireUser } from "../auth/sessions";
import { tenantDb, type TenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { checkAsset, ASSET_LIMITS } from "../groups/images";
import { requireTenant, viewingAsMember } from "../http/context";
import { ApiError, conflict } from "../http/errors";
import { formAction, readForm, signedIn, withDone, type Form, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { MAX_QUERY_CHARS } from "../http/search";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { helpCaller, type HelpCaller } from "./caller";
import { createGuide, deleteGuide, getGuide, guideInput, listGuides, updateGuide } from "./guides";
import { addAttachment, addComment, closeIssue, commentInput, createIssue, getIssue, issueInput, listIssues, MAX_ATTACHMENTS, reopenIssue, unreadIssueCount } from "./issues";
import { actingAdmin, mayDesk, mayGuide } from "./policy";
import { helpMailContext } from "./routes";

// The members' help desk pages (API.md "Portal pages"): /help, a guide and its form, an issue
// and the form that opens one. Every action is the help desk's services', which check the
// policy themselves with the reader as a page sees them (an admin viewing as a member is a
// member): a switch turned off answers 403, another member's private issue 404.

const NOTICES: Record<string, MessageKey> = {
  guide_created: "help.done.guide_created",
  guide_saved: "help.done.guide_saved",
  guide_deleted: "help.done.guide_deleted",
  issue_created: "help.done.issue_created",
  comment: "help.done.comment",
  closed: "help.done.closed",
  reopened: "help.done.reopened",
  attached: "help.done.attached",
};

/** The refusals a page says in its own words (an image, a closed issue, an author's action). */
const REFUSALS: Record<string, MessageKey> = {
  issue_closed: "help.error.issue_closed",
  payload_too_large: "help.error.image",
  unsupported_media_type: "help.error.image",
  image_too_large: "help.error.image",
  attachment_limit: "help.error.too_many_images",
};

type HelpRequest = { t: TenantDb; caller: HelpCaller };

/** The reader as the help desk's services take them on a page (signed in; 401 otherwise). */
export function pageCaller(c: Context<AppEnv>): HelpRequest {
  const tenant = requireTenant(c);
  return { t: tenantDb(c.env, tenant), caller: helpCaller(requireUser(c), tenant, viewingAsMember(c)) };
}

const idOf = (c: Context) => (c.req.param("id") ?? "").slice(0, 65);

/** A refusal in the page's words, or the form kit's. */
function refusalText(c: Context<AppEnv>, f: FormFailure): string | undefined {
  const key = REFUSALS[f.err.code];
  if (f.err.code === "attachment_limit") return t(pageContext(c).lang, "help.error.too_many_images", { count: MAX_ATTACHMENTS });
  return key ? t(pageContext(c).lang, key) : f.formError;
}

/**
 * A help page for a signed-in reader, or the redirect to log in; the help desk switched off
 * (for members) is its own page, 403.
 */
async function helpPage(c: Context<AppEnv>, page: (r: HelpRequest) => Promise<Response>): Promise<Response> {
  requireTenant(c);
  const redirect = signedIn(c);
  if (redirect) return redirect;
  const r = pageCaller(c);
  if (!mayGuide(r.caller, "readGuides", r.caller.features)) return renderPage(c, t(pageContext(c).lang, "help.title"), HelpOffPage({ ctx: pageContext(c) }), 403);
  return page(r);
}

// ── /help ─────────────────────────────────────────────────────────────────────────────────────

function helpQuery(c: Context<AppEnv>): HelpQuery {
  const status = c.req.query("status");
  return {
    q: (c.req.query("q") ?? "").trim().slice(0, MAX_QUERY_CHARS),
    guides: (c.req.query("guides") ?? "").slice(0, 500),
    status: status === "open" || status === "closed" ? status : "",
    cursor: (c.req.query("cursor") ?? "").slice(0, 500),
  };
}

async function deskPage(c: Context<AppEnv>, { t: tdb, caller }: HelpRequest): Promise<Response> {
  const query = helpQuery(c);
  const features = caller.features;
  const admin = actingAdmin(caller);
  // The issues section is gone for members while they cannot open issues (reading one they have stays, on its page).
  const showIssues = admin || features.helpdeskIssues !== false;
  const [guides, issues] = await Promise.all([
    listGuides(tdb, caller, { q: query.q, limit: 20, cursor: query.guides || null }),
    showIssues ? listIssues(tdb, caller, { ...(query.status ? { status: query.status } : {}), limit: 20, cursor: query.cursor || null }) : null,
  ]);
  const ctx = pageContext(c);
  return renderPage(
    c,
    t(ctx.lang, "help.title"),
    HelpPage({
      ctx,
      query,
      guides: guides.items,
      guidesNext: guides.nextCursor,
      issues: issues?.items ?? null,
      issuesNext: issues?.nextCursor ?? null,
      everyIssue: admin,
      may: { openIssue: mayDesk(caller, "openIssue", features), writeGuides: mayGuide(caller, "writeGuides", features) },
      adminNotices: { helpdeskOff: admin && features.helpdesk === false, issuesOff: admin && features.helpdeskIssues === false },
      ...doneNotice(c, NOTICES),
    }),
  );
}

// ── guides ────────────────────────────────────────────────────────────────────────────────────

/** The guide's form (new, or an edit of `id`), with what a refused post brings. */
async function guideForm(c: Context<AppEnv>, r: HelpRequest, id: string | null, extra: { values?: GuideFormValues; errors?: Record<string, string>; formError?: string | undefined } = {}, status: ContentfulStatusCode = 200) {
  const guide = id ? await getGuide(r.t, r.caller, id) : undefined;
  // The page of a form its reader may not send is a 403, as its post would be.
  if (guide ? !guide.can.edit : !mayGuide(r.caller, "writeGuides", r.caller.features)) throw new ApiError(403, guide ? "forbidden" : "feature_disabled", msg("error.forbidden"));
  const ctx = pageContext(c);
  const values = extra.values ?? { title: guide?.title ?? "", body: guide?.body ?? "" };
  return renderPage(c, t(ctx.lang, guide ? "help.guide_edit_title" : "help.guide_new_title"), GuideFormPage({ ctx, guide, ...extra, values }), status);
}

const guideValues = (form: Form): GuideFormValues => ({ title: form.str("title"), body: form.str("body") });

async function guidePage(c: Context<AppEnv>, r: HelpRequest): Promise<Response> {
  const guide = await getGuide(r.t, r.caller, idOf(c));
  const ctx = pageContext(c);
  return renderPage(c, guide.title, GuidePage({ ctx, guide, ...doneNotice(c, NOTICES) }));
}

// ── issues ────────────────────────────────────────────────────────────────────────────────────

/** The issue's page (marking it read), with what a refused post brings. */
async function issuePage(c: Context<AppEnv>, r: HelpRequest, extra: Partial<IssuePageProps> = {}, status: ContentfulStatusCode = 200) {
  const issue = await getIssue(r.t, r.caller, idOf(c), Date.now());
  // Opening it read it: the navigation's count says so on this very page.
  if (c.get("helpUnread") !== undefined) c.set("helpUnread", await unreadIssueCount(r.t, r.caller.userId));
  const ctx = pageContext(c);
  return renderPage(c, issue.title, IssuePage({ ctx, issue, ...doneNotice(c, NOTICES), ...extra }), status);
}

function newIssuePage(c: Context<AppEnv>, r: HelpRequest, extra: { values?: NewIssueValues; errors?: Record<string, string>; formError?: string | undefined } = {}, status: ContentfulStatusCode = 200) {
  if (!mayDesk(r.caller, "openIssue", r.caller.features)) throw new ApiError(403, "feature_disabled", msg("error.forbidden"));
  const ctx = pageContext(c);
  const values = extra.values ?? { title: "", body: "", private: r.caller.features.helpdeskIssuesPrivate === true };
  return renderPage(c, t(ctx.lang, "help.issue_new_title"), NewIssuePage({ ctx, ...extra, values }), status);
}

/** The images sent with a new issue (an empty file input sends an empty file: left out). */
function imagesOf(form: Form): File[] {
  const all = form.all["attachments"];
  return (Array.isArray(all) ? all : all === undefined ? [] : [all]).filter((v): v is File => typeof v !== "string" && v.size > 0);
}

/**
 * Opens an issue with its images: the text checked first, then every image (the branding's
 * rules, at most MAX_ATTACHMENTS), so that a refused image leaves no issue behind; then the
 * issue, then its images one by one.
 */
async function openIssueWithImages(c: Context<AppEnv>, r: HelpRequest, form: Form) {
  const input = parseWith(issueInput, { title: form.str("title"), body: form.str("body"), private: form.bool("private") });
  const files = imagesOf(form);
  if (files.length > MAX_ATTACHMENTS) throw conflict("attachment_limit", `At most ${MAX_ATTACHMENTS} images.`);
  const images = await Promise.all(files.map(async (f) => (f.size > ASSET_LIMITS.cover.maxBytes ? null : new Uint8Array(await f.arrayBuffer()))));
  for (const bytes of images) if (bytes === null) throw new ApiError(413, "payload_too_large", "An image is too large.");
  for (const bytes of images) checkAsset("cover", bytes!);
  const now = Date.now();
  const issue = await createIssue(r.t, r.caller, input, now, helpMailContext(c, requireTenant(c)));
  for (const bytes of images) await addAttachment(r.t, c.env.MEDIA, r.caller, issue.id, async () => bytes!, now);
  deliverSoon(c);
  return issue;
}

/** The new issue's form again: a refused image beside the images, the rest beside its field. */
function newIssueRefused(c: Context<AppEnv>, r: HelpRequest, form: Form, f: FormFailure) {
  const values = { title: form.str("title"), body: form.str("body"), private: form.bool("private") };
  const imageError = REFUSALS[f.err.code] ? refusalText(c, f) : undefined;
  return newIssuePage(c, r, { values, errors: imageError ? { ...f.errors, attachments: imageError } : f.errors, formError: imageError ? undefined : f.formError }, f.status);
}

/** Adds the image of the issue page's form (`file`). */
async function attachImage(c: Context<AppEnv>, r: HelpRequest, file: File | null) {
  if (!file || file.size === 0) throw new ApiError(422, "validation_failed", "Choose an image.", { file: msg("field.required") });
  if (file.size > ASSET_LIMITS.cover.maxBytes) throw new ApiError(413, "payload_too_large", "The image is too large.");
  return addAttachment(r.t, c.env.MEDIA, r.caller, idOf(c), async () => new Uint8Array(await file.arrayBuffer()), Date.now());
}

/** An action on one issue from its page: back to it with a notice, or the page again saying why not. */
async function issueAction(c: Context<AppEnv>, run: (r: HelpRequest, id: string) => Promise<unknown>, done: string) {
  const r = pageCaller(c);
  const id = idOf(c);
  return formAction(c, {
    shows: (err) => err.status < 500 && err.status !== 404,
    run: () => run(r, id),
    render: (f) => issuePage(c, r, { formError: refusalText(c, f) }, f.status),
    done: () => withDone(issuePath(id), done),
  });
}

export const helpPages = new Hono<AppEnv>()
  .get(HELP_PATH, (c) => helpPage(c, (r) => deskPage(c, r)))
  .get("/help/guides/new", (c) => helpPage(c, (r) => guideForm(c, r, null)))
  .post("/help/guides/new", async (c) => {
    const r = pageCaller(c);
    const form = await readForm(c);
    return formAction(c, {
      form,
      run: () => createGuide(r.t, r.caller, parseWith(guideInput, guideValues(form)), Date.now()),
      render: (f) => guideForm(c, r, null, { values: guideValues(form), errors: f.errors, formError: f.formError }, f.status),
      done: (guide) => withDone(guidePath(guide.id), "guide_created"),
    });
  })
  .get("/help/guides/:id", (c) => helpPage(c, (r) => guidePage(c, r)))
  .get("/help/guides/:id/edit", (c) => helpPage(c, (r) => guideForm(c, r, idOf(c))))
  .post("/help/guides/:id", async (c) => {
    const r = pageCaller(c);
    const form = await readForm(c);
    return formAction(c, {
      form,
      shows: (err) => err.status === 422,
      run: () => updateGuide(r.t, r.caller, idOf(c), parseWith(guideInput, guideValues(form)), Date.now()),
      render: (f) => guideForm(c, r, idOf(c), { values: guideValues(form), errors: f.errors, formError: f.formError }, f.status),
      done: (guide) => withDone(guidePath(guide.id), "guide_saved"),
    });
  })
  .post("/help/guides/:id/delete", async (c) => {
    const r = pageCaller(c);
    const fromAdmin = (await readForm(c)).str("from") === "admin";
    await deleteGuide(r.t, r.caller, idOf(c));
    return c.redirect(withDone(fromAdmin ? ADMIN_HELP_PATH : HELP_PATH, "guide_deleted"), 303);
  })
  .get("/help/issues/new", (c) => helpPage(c, async (r) => newIssuePage(c, r)))
  .post("/help/issues/new", async (c) => {
    const r = pageCaller(c);
    const form = await readForm(c);
    return formAction(c, {
      form,
      run: () => openIssueWithImages(c, r, form),
      render: (f) => newIssueRefused(c, r, form, f),
      done: (issue) => withDone(issuePath(issue.id), "issue_created"),
    });
  })
  .get("/help/issues/:id", (c) => helpPage(c, (r) => issuePage(c, r)))
  .post("/help/issues/:id/comments", async (c) => {
    const r = pageCaller(c);
    const body = (await readForm(c)).str("body");
    return formAction(c, {
      shows: (err) => err.status < 500 && err.status !== 404 && err.code !== "feature_disabled",
      run: async () => (await addComment(r.t, r.caller, idOf(c), parseWith(commentInput, { body }), Date.now(), helpMailContext(c, requireTenant(c))), deliverSoon(c)),
      render: (f) => issuePage(c, r, { comment: { body, errors: f.errors, formError: f.err.fields ? undefined : refusalText(c, f) } }, f.status),
      done: () => withDone(`${issuePath(idOf(c))}#answer`, "comment"),
    });
  })
  .post("/help/issues/:id/close", (c) => issueAction(c, (r, id) => closeIssue(r.t, r.caller, id, Date.now()), "closed"))
  .post("/help/issues/:id/reopen", (c) => issueAction(c, (r, id) => reopenIssue(r.t, r.caller, id, Date.now()), "reopened"))
  .post("/help/issues/:id/attachments", async (c) => {
    const r = pageCaller(c);
    const file = (await readForm(c)).file("file");
    return formAction(c, {
      shows: (err) => err.status < 500 && err.status !== 404 && err.code !== "feature_disabled",
      run: () => attachImage(c, r, file),
      render: (f) => issuePage(c, r, { attachError: f.errors.file ?? refusalText(c, f) }, f.status),
      done: () => withDone(issuePath(idOf(c)), "attached"),
    });
  });
