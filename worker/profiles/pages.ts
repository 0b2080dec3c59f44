import { DeleteAccountCard } from "../../web/pages/members/delete-account";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import { AdminMemberProfilePage } from "../../web/pages/admin/member-profile";
import { ProfileFieldEditPage, ProfileFieldsPage, type FieldFormValues } from "../../web/pages/admin/profile-fields";
import { DirectoryOffPage, DirectoryPage } from "../../web/pages/profile/directory";
import { formInputs, type InputValue } from "../../web/pages/profile/inputs";
import { ProfilePage } from "../../web/pages/profile/me";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { ProfileField, Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../groups/access";
import { AVATAR_MAX_BYTES, saveAvatar } from "./avatar";
import { groupBySlug, groupDirectory } from "../groups/queries";
import { requireTenant } from "../http/context";
import { ApiError, forbidden } from "../http/errors";
import { localizeError, localizeFields } from "../http/form-errors";
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
  directoryFilters,
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

const str = (v: unknown) => (typeof v === "string" ? v : "");
const list = (v: unknown) => (Array.isArray(v) ? v.map(str) : v === undefined ? [] : [str(v)]).filter(Boolean);

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
};

const notice = (c: Context<AppEnv>) => doneNotice(c, NOTICES).notice;

/** An expected failure becomes the page's errors, in the reader's language; anything else is thrown on. */
function failure(c: Context<AppEnv>, err: unknown) {
  if (!(err instanceof ApiError) || err.status >= 500) throw err;
  const lang = pageContext(c).lang;
  return { status: err.status, errors: localizeFields(lang, err.fields), formError: err.fields ? undefined : localizeError(lang, err) };
}

/** Pages for signed-in people: visitors are sent to log in and come back. */
function loginRedirect(c: Context<AppEnv>): Response | null {
  if (c.get("user")) return null;
  return c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303);
}

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
  return renderPage(c, t(ctx.lang, "profile.title"), ProfilePage({ ctx, profile, directoryOn: directoryOn(tenant), notice: notice(c), deleteAccount, ...extra }), status);
}

/** The /me form: name, bio, language, and `profile.{key}` for the fields the member may edit. */
function profileForm(body: Record<string, unknown>, editableKeys: string[]) {
  const inputs = formInputs(body);
  const fields: Record<string, InputValue> = {};
  // A field the page shows as editable is always sent; anything else is ignored here (the API refuses it).
  for (const key of editableKeys) if (inputs[key] !== undefined) fields[key] = inputs[key];
  return { name: str(body.name), bio: str(body.bio), language: str(body.language), fields };
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
function fieldForm(body: Record<string, unknown>): FieldFormValues {
  return {
    key: str(body.key).trim(),
    label: str(body.label),
    type: str(body.type),
    options: str(body.options),
    visibility: str(body.visibility) || "member",
    editable: body.editable !== undefined,
    required: body.required !== undefined,
    public: body.public !== undefined,
    filterable: body.filterable !== undefined,
    askAtSignup: body.askAtSignup !== undefined,
    groups: list(body.groups),
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

export const profilePages = new Hono<AppEnv>()
  .get("/me", async (c) => {
    requireTenant(c);
    return loginRedirect(c) ?? mePage(c);
  })
  .post("/me", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const tdb = tenantDb(c.env, tenant);
    const body = await c.req.parseBody({ all: true });
    const editable = (await ownProfile(tdb, user)).fields.filter((f) => f.editable).map((f) => f.key);
    const posted = profileForm(body, editable);
    try {
      const patch = parseWith(profilePatchSchema, { name: posted.name, bio: posted.bio, language: posted.language || null, fields: posted.fields });
      await updateOwnProfile(tdb, user, patch, "form");
      return c.redirect("/me?done=saved", 303);
    } catch (err) {
      const { status, errors, formError } = failure(c, err);
      return mePage(c, { values: posted, errors, formError }, status);
    }
  })
  .post("/me/avatar", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const declared = Number(c.req.header("content-length") ?? "0");
    try {
      if (declared > AVATAR_MAX_BYTES + 64 * 1024) throw new ApiError(413, "payload_too_large", "The picture is too large.");
      const body = await c.req.parseBody();
      const file = body.avatar;
      if (!(file instanceof File) || file.size === 0) throw new ApiError(422, "validation_failed", "Choose a picture.", { avatar: msg("field.required") });
      await saveAvatar(c.env.MEDIA, tenantDb(c.env, tenant), user.id, new Uint8Array(await file.arrayBuffer()));
      return c.redirect("/me?done=photo", 303);
    } catch (err) {
      const { status, errors } = failure(c, err);
      const lang = pageContext(c).lang;
      const message = errors.avatar
        ? t(lang, "field.required")
        : status === 413
          ? t(lang, "profile.photo_too_big")
          : status === 415
            ? t(lang, "profile.photo_wrong_type")
            : t(lang, "profile.photo_too_many_pixels");
      return mePage(c, { avatarError: message }, status);
    }
  })
  .post("/me/avatar/remove", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    await setAvatarKey(tenantDb(c.env, tenant), user.id, null);
    return c.redirect("/me?done=photo_removed", 303);
  })
  // The member directory.
  .get("/members", async (c) => {
    const tenant = requireTenant(c);
    const redirect = loginRedirect(c);
    if (redirect) return redirect;
    const user = requireUser(c);
    const ctx = pageContext(c);
    const title = t(ctx.lang, "directory.title");
    const actor = profileActor(c);
    if (!canUseDirectory(actor, tenant.features)) return renderPage(c, title, DirectoryOffPage({ ctx }), 403);
    const tdb = tenantDb(c.env, tenant);
    const isAdmin = isProfileAdmin(actor);
    const query = directoryQuery(c, 24);
    const filters = await directoryFilters(tdb, user, isAdmin);
    const own = isAdmin ? null : new Set(await memberGroupIds(tdb, user.id));
    const groups = (await groupDirectory(tdb)).filter((g) => !own || own.has(g.id)).map((g) => ({ slug: g.slug, name: g.name }));
    const view = { ctx, q: query.q, group: query.group ?? "", groups, filters: filters.map((f) => ({ key: f.key, label: f.label, type: f.type, options: f.options })), values: query.filters, adminNotice: !directoryOn(tenant) };
    try {
      const page = await directory(tdb, user, isAdmin, query);
      return renderPage(c, title, DirectoryPage({ ...view, entries: page.items, nextCursor: page.nextCursor }));
    } catch (err) {
      const { status, errors, formError } = failure(c, err);
      return renderPage(c, title, DirectoryPage({ ...view, entries: [], nextCursor: null, errors: formError ? { _: formError } : errors }), status);
    }
  })
  // Administration: the fields.
  .get("/admin/profile-fields", async (c) => {
    requireTenant(c);
    const redirect = loginRedirect(c);
    if (redirect) return redirect;
    requireAdmin(c);
    return fieldsPage(c);
  })
  .post("/admin/profile-fields", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const values = fieldForm(await c.req.parseBody({ all: true }));
    try {
      const input = parseWith(createFieldSchema, fieldInput(values, true));
      await createField(tenantDb(c.env, tenant), profileActor(c), input);
      return c.redirect("/admin/profile-fields?done=created", 303);
    } catch (err) {
      const { status, errors, formError } = failure(c, err);
      return fieldsPage(c, { values, errors, formError }, status);
    }
  })
  .post("/admin/profile-fields/directory", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const on = str((await c.req.parseBody()).directory) === "on";
    await updateTenant(c.env, tenant, parseWith(tenantPatchSchema, { features: { directory: on } }));
    return c.redirect(`/admin/profile-fields?done=${on ? "directory_on" : "directory_off"}`, 303);
  })
  .get("/admin/profile-fields/:key", async (c) => {
    const tenant = requireTenant(c);
    const redirect = loginRedirect(c);
    if (redirect) return redirect;
    requireAdmin(c);
    const tdb = tenantDb(c.env, tenant);
    const field = (await fieldViews(tdb, profileActor(c))).find((f) => f.key === c.req.param("key"));
    if (!field) throw new ApiError(404, "not_found", "No such profile field.");
    const ctx = pageContext(c);
    return renderPage(c, field.label, ProfileFieldEditPage({ ctx, viewingAsMember: viewingAsMember(c), field, groups: await liveGroups(c, tenant) }));
  })
  .post("/admin/profile-fields/:key", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const tdb = tenantDb(c.env, tenant);
    const key = c.req.param("key");
    await findField(tdb, key);
    const values = fieldForm(await c.req.parseBody({ all: true }));
    try {
      await updateField(tdb, profileActor(c), key, parseWith(updateFieldSchema, fieldInput(values, false)));
      return c.redirect("/admin/profile-fields?done=updated", 303);
    } catch (err) {
      const { status, errors, formError } = failure(c, err);
      const field = (await fieldViews(tdb, profileActor(c))).find((f) => f.key === key)!;
      const ctx = pageContext(c);
      return renderPage(c, field.label, ProfileFieldEditPage({ ctx, viewingAsMember: viewingAsMember(c), field, groups: await liveGroups(c, tenant), values: { ...values, key, type: field.type }, errors, formError }), status);
    }
  })
  .post("/admin/profile-fields/:key/move", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const direction = str((await c.req.parseBody()).direction) === "up" ? "up" : "down";
    await moveField(tenantDb(c.env, tenant), profileActor(c), c.req.param("key"), direction);
    return c.redirect("/admin/profile-fields?done=moved", 303);
  })
  .post("/admin/profile-fields/:key/delete", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    await deleteField(tenantDb(c.env, tenant), profileActor(c), c.req.param("key"));
    return c.redirect("/admin/profile-fields?done=deleted", 303);
  })
  // Administration: one member's whole profile.
  .get("/admin/members/:id/profile", async (c) => {
    const tenant = requireTenant(c);
    const redirect = loginRedirect(c);
    if (redirect) return redirect;
    requireAdmin(c);
    const profile = await memberProfile(tenantDb(c.env, tenant), profileActor(c), c.req.param("id"));
    const ctx = pageContext(c);
    return renderPage(c, profile.name, AdminMemberProfilePage({ ctx, viewingAsMember: viewingAsMember(c), profile, notice: notice(c) }));
  })
  .post("/admin/members/:id/profile", async (c) => {
    const tenant = requireTenant(c);
    requireAdmin(c);
    const tdb = tenantDb(c.env, tenant);
    const id = c.req.param("id");
    const current = await memberProfile(tdb, profileActor(c), id);
    const posted = profileForm(await c.req.parseBody({ all: true }), current.fields.map((f) => f.key));
    try {
      const patch = parseWith(profilePatchSchema, { name: posted.name, bio: posted.bio, fields: posted.fields });
      await updateMemberProfile(tdb, profileActor(c), id, patch, "form");
      return c.redirect(`/admin/members/${encodeURIComponent(id)}/profile?done=saved`, 303);
    } catch (err) {
      const { status, errors, formError } = failure(c, err);
      const ctx = pageContext(c);
      return renderPage(c, current.name, AdminMemberProfilePage({ ctx, viewingAsMember: viewingAsMember(c), profile: current, values: posted, errors, formError }), status);
    }
  });
