import { DeleteAccountCard } from "../../web/pages/members/delete-account";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import { AdminMemberProfilePage } from "../../web/pages/profiles/admin-member-profile";
import { ProfileFieldEditPage, ProfileFieldsPage, type FieldFormValues } from "../../web/pages/profiles/admin-fields";
import { DirectoryOffPage, DirectoryPage } from "../../web/pages/profiles/directory";
import { formInputs, type InputValue } from "../../web/pages/profiles/inputs";
import { ProfilePage } from "../../web/pages/profiles/me";
import { HiddenResourcesForm } from "../../web/pages/resources/hidden-resources";
import { hiddenResourceChoices } from "../resources/service";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { ProfileField, Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { requestOrigin, viewingAsMember } from "../http/context";
import { CalendarFeedControl } from "../../web/pages/calendar/feed-control";
import { memberFeedUrl } from "../calendar/service";
import { secretsKeyOf } from "../invoices/sealed";
import { AVATAR_MAX_BYTES, saveAvatar } from "./avatar";
import { groupBySlug, groupDirectory } from "../groups/queries";
import { requireTenant } from "../http/context";
import { ApiError, forbidden } from "../http/errors";
import { formAction, readForm, requirePageUser, signedIn, withDone, type Form, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { tenantPatchSchema, updateTenant } from "../tenancy/service";
import { createFieldSchema, keyFromLabel, updateFieldSchema } from "./fields";
import { askedAtSignup, canUseDirectory, isProfileAdmin, mustFill } from "./policy";
import { directoryQuery, profileActor } from "./routes";
import {
  createField,
  deleteField,
  directory,
  directoryChoices,
  type DirectoryQuery,
  fieldViews,
  findField,
  listFields,
  memberGroupIds,
  memberProfile,
  missingForGroup,
  moveField,
  ownProfile,
  profilePatchSchema,
  setAvatarKey,
  updateField,
  updateMemberProfile,
  updateOwnProfile,
} from "./service";
import { msg } from "../../web/i18n";

/** What a redirect after a successful form may announce (`?done=`). */
const NOTICES: Record<string, MessageKey> = {
  saved: "profile.notice.saved",
  photo: "profile.notice.photo",
  photo_removed: "profile.notice.photo_removed",
  created: "admin.fields.notice.created",
  updated: "admin.fields.notice.updated",
  deleted: "admin.fields.notice.deleted",
  moved: "admin.fields.notice.moved",
  directory_on: "admin.fields.notice.directory_on",
  directory_off: "admin.fields.notice.directory_off",
  hidden_resources: "resources.member_hidden.saved",
};

const notice = (c: Context<AppEnv>) => doneNotice(c, NOTICES).notice;

function requireAdmin(c: Context<AppEnv>): void {
  if (!isProfileAdmin(profileActor(c))) throw forbidden("forbidden", "Only community owners and admins manage profiles.");
}

const directoryOn = (tenant: Tenant) => tenant.features.directory !== false;

// ── /me ───────────────────────────────────────────────────────────────────

export async function mePage(c: Context<AppEnv>, extra: Partial<Parameters<typeof ProfilePage>[0]> = {}, status: ContentfulStatusCode = 200) {
  const tenant = requireTenant(c);
  const user = requireUser(c);
  const ctx = pageContext(c);
  const profile = await ownProfile(tenantDb(c.env, tenant), user);
  const deleteAccount = DeleteAccountCard({ ctx, isOwner: user.tenantRole === "owner" });
  const feedUrl = await memberFeedUrl(tenantDb(c.env, tenant), secretsKeyOf(c.env), requestOrigin(c), user.id);
  const calendarFeed = CalendarFeedControl({ lang: ctx.lang, url: feedUrl, replaced: c.req.query("done") === "calendar" });
  return renderPage(c, t(ctx.lang, "profile.title"), ProfilePage({ ctx, profile, directoryOn: directoryOn(tenant), notice: notice(c), deleteAccount, calendarFeed, ...extra }), status);
}

/** The /me form: name, bio, language, and `profile.{key}` for the fields the member may edit. */
function profileForm(form: Form, editableKeys: string[]) {
  const inputs = formInputs(form.all);
  const fields: Record<string, InputValue> = {};
  // A field the page shows as editable is always sent; anything else is ignored here (the API refuses it).
  for (const key of editableKeys) if (inputs[key] !== undefined) fields[key] = inputs[key];
  return { name: form.str("name"), bio: form.str("bio"), language: form.str("language"), fields };
}

// ── the join page's profile fields ────────────────────────────────────────

/**
 * On /g/{slug}/join: works out which profile fields the form asks (ctx.profilePrompt): the
 * sign-up ones for a visitor, and the required ones the group needs, marked when still empty.
 */
export function joinPrompt(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenant = c.get("tenant");
    if (tenant) {
      const t = tenantDb(c.env, tenant);
      const fields = await listFields(t);
      const group = fields.length ? await groupBySlug(t, c.req.param("slug") ?? "") : null;
      if (group && group.deletedAt === null) {
        const user = c.get("user");
        const groupsAfter = [...(user ? await memberGroupIds(t, user.id) : []), group.id];
        const missing = new Set((await missingForGroup(t, user?.id ?? null, group.id)).map((f) => f.key));
        const input = (f: ProfileField) => ({ key: f.key, label: f.label, type: f.type, required: f.required, options: f.options });
        c.set("profilePrompt", {
          signup: fields.filter(askedAtSignup).map(input),
          join: fields.filter((f) => mustFill(f, groupsAfter)).map((f) => ({ ...input(f), missing: missing.has(f.key) })),
        });
      }
    }
    await next();
  };
}

// ── admin pages ───────────────────────────────────────────────────────────

async function liveGroups(c: Context<AppEnv>, tenant: Tenant) {
  return (await groupDirectory(tenantDb(c.env, tenant))).map((g) => ({ slug: g.slug, name: g.name }));
}

async function fieldsPage(c: Context<AppEnv>, extra: Partial<Parameters<typeof ProfileFieldsPage>[0]> = {}, status: ContentfulStatusCode = 200) {
  const tenant = requireTenant(c);
  const ctx = pageContext(c);
  const fields = await fieldViews(tenantDb(c.env, tenant), profileActor(c));
  return renderPage(
    c,
    t(ctx.lang, "admin.nav.profile_fields"),
    ProfileFieldsPage({ ctx, viewingAsMember: viewingAsMember(c), fields, groups: await liveGroups(c, tenant), directoryOn: directoryOn(tenant), notice: notice(c), ...extra }),
    status,
  );
}

/** The field form as posted; flags are checkboxes (absent: off). */
function fieldForm(form: Form): FieldFormValues {
  return {
    key: form.str("key").trim(),
    label: form.str("label"),
    type: form.str("type"),
    options: form.str("options"),
    visibility: form.str("visibility") || "member",
    editable: form.has("editable"),
    required: form.has("required"),
    public: form.has("public"),
    filterable: form.has("filterable"),
    askAtSignup: form.has("askAtSignup"),
    groups: form.list("groups"),
  };
}

const optionLines = (text: string | undefined) =>
  (text ?? "")
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

function fieldInput(v: FieldFormValues, creating: boolean) {
  const choice = v.type === "select" || v.type === "multi_select";
  return {
    // The key, left empty, is made from the label.
    ...(creating ? { key: v.key?.trim() ? v.key.trim() : keyFromLabel(v.label ?? ""), type: v.type } : {}),
    label: v.label,
    ...(creating ? (choice || optionLines(v.options).length ? { options: optionLines(v.options) } : {}) : { options: optionLines(v.options) }),
    visibility: v.visibility,
    editable: v.editable,
    required: v.required,
    public: v.public,
    filterable: v.filterable,
    askAtSignup: v.askAtSignup,
    groups: v.groups,
  };
}

type EditProps = Parameters<typeof ProfileFieldEditPage>[0];

/** One field's edit page (404 for a key that is none), with what a refused post brings (`extra`). */
async function fieldPage(c: Context<AppEnv>, tenant: Tenant, key: string, extra: (field: EditProps["field"]) => Partial<EditProps> = () => ({}), status: ContentfulStatusCode = 200) {
  const field = (await fieldViews(tenantDb(c.env, tenant), profileActor(c))).find((f) => f.key === key);
  if (!field) throw new ApiError(404, "not_found", "No such profile field.");
  const ctx = pageContext(c);
  return renderPage(c, field.label, ProfileFieldEditPage({ ctx, viewingAsMember: viewingAsMember(c), field, groups: await liveGroups(c, tenant), ...extra(field) }), status);
}

// ── the member directory ──────────────────────────────────────────────────

type DirectoryProps = Parameters<typeof DirectoryPage>[0];

/** The directory page's frame: the query as asked, what it may be filtered by, and for admins whether members see it. */
function directoryView(c: Context<AppEnv>, tenant: Tenant, choices: Pick<DirectoryProps, "groups" | "filters">, query: DirectoryQuery) {
  return { ctx: pageContext(c), q: query.q, group: query.group ?? "", ...choices, values: query.filters, adminNotice: !directoryOn(tenant) };
}

function directoryPage(c: Context<AppEnv>, props: DirectoryProps, status: ContentfulStatusCode = 200) {
  return renderPage(c, t(props.ctx.lang, "directory.title"), DirectoryPage(props), status);
}

export const profilePages = new Hono<AppEnv>()
  .get("/me", async (c) => {
    requireTenant(c);
    return signedIn(c) ?? mePage(c);
  })
  .post("/me", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const tdb = tenantDb(c.env, tenant);
    const form = await readForm(c);
    const editable = (await ownProfile(tdb, user)).fields.filter((f) => f.editable).map((f) => f.key);
    const posted = profileForm(form, editable);
    return formAction(c, {
      run: () => updateOwnProfile(tdb, user, parseWith(profilePatchSchema, { name: posted.name, bio: posted.bio, language: posted.language || null, fields: posted.fields }), "form"),
      render: (f) => mePage(c, { values: posted, errors: f.errors, formError: f.formError }, f.status),
      done: () => withDone("/me", "saved"),
    });
  })
  .post("/me/avatar", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    return formAction(c, {
      run: async () => {
        if (Number(c.req.header("content-length") ?? "0") > AVATAR_MAX_BYTES + 64 * 1024) throw new ApiError(413, "payload_too_large", "The picture is too large.");
        const file = (await readForm(c)).file("avatar");
        if (!file || file.size === 0) throw new ApiError(422, "validation_failed", "Choose a picture.", { avatar: msg("field.required") });
        await saveAvatar(c.env.MEDIA, tenantDb(c.env, tenant), user.id, new Uint8Array(await file.arrayBuffer()));
      },
      render: (f) => mePage(c, { avatarError: avatarError(c, f) }, f.status),
      done: () => withDone("/me", "photo"),
    });
  })
  .post("/me/avatar/remove", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    await setAvatarKey(tenantDb(c.env, tenant), user.id, null);
    return c.redirect(withDone("/me", "photo_removed"), 303);
  })
  // The member directory.
  .get("/members", async (c) => {
    const tenant = requireTenant(c);
    const user = requirePageUser(c);
    if (user instanceof Response) return user;
    const actor = profileActor(c);
    if (!canUseDirectory(actor, tenant.features)) return renderPage(c, t(pageContext(c).lang, "directory.title"), DirectoryOffPage({ ctx: pageContext(c) }), 403);
    const tdb = tenantDb(c.env, tenant);
    const query = directoryQuery(c, 24);
    const view = directoryView(c, tenant, await directoryChoices(tdb, user, isProfileAdmin(actor)), query);
    return formAction(c, {
      run: () => directory(tdb, user, isProfileAdmin(actor), query),
      render: (f) => directoryPage(c, { ...view, entries: [], nextCursor: null, errors: f.formError ? { _: f.formError } : f.errors }, f.status),
      done: (page) => directoryPage(c, { ...view, entries: page.items, nextCursor: page.nextCursor }),
    });
  })
  // Administration: the fields.
  .get("/admin/profile-fields", async (c) => {
    requireTenant(c);
    return signedIn(c) ?? (requireAdmin(c), fieldsPage(c));
  })
  .post("/admin/profile-fields", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const values = fieldForm(await readForm(c));
    return formAction(c, {
      run: () => createField(tenantDb(c.env, tenant), profileActor(c), parseWith(createFieldSchema, fieldInput(values, true))),
      render: (f) => fieldsPage(c, { values, errors: f.errors, formError: f.formError }, f.status),
      done: () => withDone("/admin/profile-fields", "created"),
    });
  })
  .post("/admin/profile-fields/directory", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const on = (await readForm(c)).str("directory") === "on";
    await updateTenant(c.env, tenant, parseWith(tenantPatchSchema, { features: { directory: on } }));
    return c.redirect(withDone("/admin/profile-fields", on ? "directory_on" : "directory_off"), 303);
  })
  .get("/admin/profile-fields/:key", async (c) => {
    const tenant = requireTenant(c);
    const redirect = signedIn(c);
    if (redirect) return redirect;
    requireAdmin(c);
    return fieldPage(c, tenant, c.req.param("key"));
  })
  .post("/admin/profile-fields/:key", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const tdb = tenantDb(c.env, tenant);
    const key = c.req.param("key");
    await findField(tdb, key);
    const values = fieldForm(await readForm(c));
    return formAction(c, {
      run: () => updateField(tdb, profileActor(c), key, parseWith(updateFieldSchema, fieldInput(values, false))),
      render: (f) => fieldPage(c, tenant, key, (field) => ({ values: { ...values, key, type: field.type }, errors: f.errors, formError: f.formError }), f.status),
      done: () => withDone("/admin/profile-fields", "updated"),
    });
  })
  .post("/admin/profile-fields/:key/move", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const direction = (await readForm(c)).str("direction") === "up" ? "up" : "down";
    await moveField(tenantDb(c.env, tenant), profileActor(c), c.req.param("key"), direction);
    return c.redirect(withDone("/admin/profile-fields", "moved"), 303);
  })
  .post("/admin/profile-fields/:key/delete", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    await deleteField(tenantDb(c.env, tenant), profileActor(c), c.req.param("key"));
    return c.redirect(withDone("/admin/profile-fields", "deleted"), 303);
  })
  // Administration: one member's whole profile.
  .get("/admin/members/:id/profile", async (c) => {
    const tenant = requireTenant(c);
    const redirect = signedIn(c);
    if (redirect) return redirect;
    requireAdmin(c);
    return memberProfilePage(c, c.req.param("id"));
  })
  .post("/admin/members/:id/profile", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const tdb = tenantDb(c.env, tenant);
    const id = c.req.param("id");
    const current = await memberProfile(tdb, profileActor(c), id);
    const posted = profileForm(await readForm(c), current.fields.map((f) => f.key));
    return formAction(c, {
      run: () => updateMemberProfile(tdb, profileActor(c), id, parseWith(profilePatchSchema, { name: posted.name, bio: posted.bio, fields: posted.fields }), "form"),
      render: (f) => memberProfilePage(c, id, { values: posted, errors: f.errors, formError: f.formError }, f.status),
      done: () => withDone(`/admin/members/${encodeURIComponent(id)}/profile`, "saved"),
    });
  });

/**
 * /admin/members/{id}/profile: one member's whole profile, then the resources hidden from them
 * (a form of worker/resources/admin-html.ts); `extra` carries a refused form's values and errors.
 */
export async function memberProfilePage(
  c: Context<AppEnv>,
  id: string,
  extra: Partial<Pick<Parameters<typeof AdminMemberProfilePage>[0], "values" | "errors" | "formError">> & { hiddenError?: string | undefined } = {},
  status: ContentfulStatusCode = 200,
) {
  const tdb = tenantDb(c.env, requireTenant(c));
  const profile = await memberProfile(tdb, profileActor(c), id);
  const ctx = pageContext(c);
  const { hiddenError, ...typed } = extra;
  const hidden = HiddenResourcesForm({ lang: ctx.lang, view: await hiddenResourceChoices(tdb, profile.id), error: hiddenError });
  return renderPage(c, profile.name, AdminMemberProfilePage({ ctx, viewingAsMember: viewingAsMember(c), profile, notice: notice(c), after: hidden, ...typed }), status);
}

/** Why a picture was refused, in the reader's language. */
function avatarError(c: Context<AppEnv>, f: FormFailure): string {
  const lang = pageContext(c).lang;
  if (f.errors.avatar) return t(lang, "field.required");
  if (f.status === 413) return t(lang, "profile.photo_too_big");
  if (f.status === 415) return t(lang, "profile.photo_wrong_type");
  return t(lang, "profile.photo_too_many_pixels");
}
