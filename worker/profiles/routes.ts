import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { msg } from "../../web/i18n";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../http/context";
import { requireTenant } from "../http/context";
import { forbidden } from "../http/errors";
import { pageParams } from "../http/pagination";
import { json, load, parseWith } from "../http/validate";
import { doc } from "../openapi/describe";
import { pageQuery } from "../invoices/answers";
import { avatarAnswer, directoryAnswer, fieldListAnswer, memberProfileAnswer, oneFieldAnswer, ownProfileAnswer } from "./answers";
import { readAvatarBody, saveAvatar } from "./avatar";
import { createFieldSchema, reorderSchema, updateFieldSchema } from "./fields";
import { canUseDirectory, isProfileAdmin, type ProfileActor } from "./policy";
import {
  createField,
  deleteField,
  directory,
  fieldViews,
  memberProfile,
  ownProfile,
  profilePatchSchema,
  reorderFields,
  setAvatarKey,
  updateField,
  updateMemberProfile,
  updateOwnProfile,
  type DirectoryQuery,
} from "./service";

export function profileActor(c: Context<AppEnv>): ProfileActor {
  const user = c.get("user");
  return { tenantRole: user?.tenantRole ?? null, viewingAsMember: viewingAsMember(c) };
}

/** The signed-in member and their tenant's database. */
function signedIn(c: Context<AppEnv>) {
  const tenant = requireTenant(c);
  const user = requireUser(c);
  return { tenant, user, t: tenantDb(c.env, tenant), actor: profileActor(c) };
}

/** Before the body is read: signed in on a community's host; with `adminsOnly` (the 403's message), a community owner or admin. */
const member = load((c, adminsOnly?: string) => {
  const me = signedIn(c);
  if (adminsOnly && !isProfileAdmin(me.actor)) throw forbidden("forbidden", adminsOnly);
  return me;
});
const MANAGES_FIELDS = "Only community owners and admins manage profile fields.";

const directoryParams = z.object({
  q: z.string().max(100, "at most 100 characters").optional().default(""),
  group: z.string().max(60).optional(),
});

/** `?q=&group=&field.{key}=` plus the list's `?limit=&cursor=`. */
export function directoryQuery(c: Context<AppEnv>, limit?: number): DirectoryQuery {
  const search = new URL(c.req.url).searchParams;
  const { q, group } = parseWith(directoryParams, { q: search.get("q") ?? undefined, group: search.get("group") || undefined });
  const filters: Record<string, string> = {};
  for (const [name, value] of search) if (name.startsWith("field.") && value.length <= 200) filters[name.slice(6)] = value;
  const page = pageParams(c);
  return { q, group: group ?? null, filters, limit: limit ?? page.limit, cursor: page.cursor };
}

/** The directory is for signed-in members, unless the community turned it off (403; admins still see it). */
export function requireDirectory(c: Context<AppEnv>, tenant: Tenant): void {
  if (!canUseDirectory(profileActor(c), tenant.features)) throw forbidden("feature_disabled", msg("error.directory_disabled"));
}

export const profilesApi = new Hono<AppEnv>()
  // Field definitions: community owners and admins.
  .get("/profile-fields", doc({ summary: "List the profile field definitions (admins)", answers: { 200: fieldListAnswer }, errors: { 403: ["forbidden"] } }), async (c) => {
    const { t, actor } = signedIn(c);
    return c.json({ items: await fieldViews(t, actor), nextCursor: null });
  })
  .post("/profile-fields", doc({ summary: "Define a profile field", answers: { 201: oneFieldAnswer }, errors: { 403: ["forbidden"], 409: ["key_taken", "too_many_fields"], 422: ["validation_failed"] } }), member.check(MANAGES_FIELDS), json(createFieldSchema), async (c) => {
    const { t, actor } = member.of(c);
    return c.json({ field: await createField(t, actor, c.req.valid("json")) }, 201);
  })
  .post("/profile-fields/reorder", doc({ summary: "Put the listed profile fields first, in that order", answers: { 200: fieldListAnswer }, errors: { 403: ["forbidden"], 422: ["validation_failed"] } }), member.check(MANAGES_FIELDS), json(reorderSchema), async (c) => {
    const { t, actor } = member.of(c);
    const { keys } = c.req.valid("json");
    return c.json({ items: await reorderFields(t, actor, keys), nextCursor: null });
  })
  .patch("/profile-fields/:key", doc({ summary: "Change a profile field (its key and type stay)", answers: { 200: oneFieldAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 422: ["validation_failed"] } }), member.check(MANAGES_FIELDS), json(updateFieldSchema), async (c) => {
    const { t, actor } = member.of(c);
    return c.json({ field: await updateField(t, actor, c.req.param("key"), c.req.valid("json")) });
  })
  .delete("/profile-fields/:key", doc({ summary: "Delete a profile field and every value of it", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), async (c) => {
    const { t, actor } = signedIn(c);
    await deleteField(t, actor, c.req.param("key"));
    return c.body(null, 204);
  })
  // The member's own profile.
  .get("/me/profile", doc({ summary: "Read the signed-in member's own profile", answers: { 200: ownProfileAnswer } }), async (c) => {
    const { t, user } = signedIn(c);
    return c.json(await ownProfile(t, user));
  })
  .patch("/me/profile", doc({ summary: "Edit the signed-in member's own profile", answers: { 200: ownProfileAnswer }, errors: { 403: ["field_not_editable"], 422: ["validation_failed"] } }), member.check(), json(profilePatchSchema), async (c) => {
    const { t, user } = member.of(c);
    return c.json(await updateOwnProfile(t, user, c.req.valid("json")));
  })
  .put(
    "/me/avatar",
    doc({
      summary: "Upload the signed-in member's profile picture",
      description: "The body is the image itself (PNG, JPEG, WebP or GIF, told from its bytes whatever the Content-Type), at most 2 MiB, 8192 pixels a side and 40 megapixels.",
      body: { media: "image/*", description: "The image's bytes (PNG, JPEG, WebP or GIF)." },
      answers: { 200: avatarAnswer },
      errors: { 413: ["payload_too_large"], 415: ["unsupported_media_type"], 422: ["image_too_large"] },
    }),
    async (c) => {
    const { t, user } = signedIn(c);
    const url = await saveAvatar(c.env.MEDIA, t, user.id, await readAvatarBody(c.req.raw));
    return c.json({ url });
  })
  .delete("/me/avatar", doc({ summary: "Remove the signed-in member's profile picture", answers: { 204: null } }), async (c) => {
    const { t, user } = signedIn(c);
    await setAvatarKey(t, user.id, null);
    return c.body(null, 204);
  })
  // Any member's profile, every field: community admins.
  .get("/members/:userId/profile", doc({ summary: "Read a member's profile with every field (admins)", answers: { 200: memberProfileAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), async (c) => {
    const { t, actor } = signedIn(c);
    return c.json(await memberProfile(t, actor, c.req.param("userId")));
  })
  .patch("/members/:userId/profile", doc({ summary: "Edit any field of a member's profile (admins)", answers: { 200: memberProfileAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 422: ["validation_failed"] } }), member.check("Only community owners and admins edit other members' profiles."), json(profilePatchSchema), async (c) => {
    const { t, actor } = member.of(c);
    return c.json(await updateMemberProfile(t, actor, c.req.param("userId"), c.req.valid("json")));
  })
  // The member directory.
  .get(
    "/directory",
    doc({
      summary: "Search the member directory",
      description: "Active members with their public fields, by name. `field.{key}=value` filters by a filterable public field the reader can see (one parameter per field); 422 for another key or a value of the wrong type.",
      query: pageQuery.extend({ q: z.string().max(100).optional().describe("Words in the name, regardless of case and accents."), group: z.string().max(60).optional().describe("Only members of this group (its slug); the reader must be in it.") }),
      answers: { 200: directoryAnswer },
      errors: { 400: ["invalid_cursor"], 403: ["feature_disabled", "not_a_member"], 404: ["not_found"], 422: ["validation_failed"] },
    }),
    async (c) => {
    const { tenant, t, user, actor } = signedIn(c);
    requireDirectory(c, tenant);
    return c.json(await directory(t, user, isProfileAdmin(actor), directoryQuery(c)));
  });
