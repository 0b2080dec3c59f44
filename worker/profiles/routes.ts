import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../http/context";
import { requireTenant } from "../http/context";
import { forbidden } from "../http/errors";
import { pageParams } from "../http/pagination";
import { jsonBody, parseWith } from "../http/validate";
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
  if (!canUseDirectory(profileActor(c), tenant.features)) throw forbidden("directory_disabled", "The member directory is turned off in this community.");
}

export const profilesApi = new Hono<AppEnv>()
  // Field definitions: community owners and admins.
  .get("/profile-fields", async (c) => {
    const { t, actor } = signedIn(c);
    return c.json({ items: await fieldViews(t, actor), nextCursor: null });
  })
  .post("/profile-fields", async (c) => {
    const { t, actor } = signedIn(c);
    if (!isProfileAdmin(actor)) throw forbidden("forbidden", "Only community owners and admins manage profile fields.");
    const input = await jsonBody(c, createFieldSchema);
    return c.json({ field: await createField(t, actor, input) }, 201);
  })
  .post("/profile-fields/reorder", async (c) => {
    const { t, actor } = signedIn(c);
    if (!isProfileAdmin(actor)) throw forbidden("forbidden", "Only community owners and admins manage profile fields.");
    const { keys } = await jsonBody(c, reorderSchema);
    return c.json({ items: await reorderFields(t, actor, keys), nextCursor: null });
  })
  .patch("/profile-fields/:key", async (c) => {
    const { t, actor } = signedIn(c);
    if (!isProfileAdmin(actor)) throw forbidden("forbidden", "Only community owners and admins manage profile fields.");
    const input = await jsonBody(c, updateFieldSchema);
    return c.json({ field: await updateField(t, actor, c.req.param("key"), input) });
  })
  .delete("/profile-fields/:key", async (c) => {
    const { t, actor } = signedIn(c);
    await deleteField(t, actor, c.req.param("key"));
    return c.body(null, 204);
  })
  // The member's own profile.
  .get("/me/profile", async (c) => {
    const { t, user } = signedIn(c);
    return c.json(await ownProfile(t, user));
  })
  .patch("/me/profile", async (c) => {
    const { t, user } = signedIn(c);
    const patch = await jsonBody(c, profilePatchSchema);
    return c.json(await updateOwnProfile(t, user, patch));
  })
  .put("/me/avatar", async (c) => {
    const { t, user } = signedIn(c);
    const url = await saveAvatar(c.env.MEDIA, t, user.id, await readAvatarBody(c.req.raw));
    return c.json({ url });
  })
  .delete("/me/avatar", async (c) => {
    const { t, user } = signedIn(c);
    await setAvatarKey(t, user.id, null);
    return c.body(null, 204);
  })
  // Any member's profile, every field: community admins.
  .get("/members/:userId/profile", async (c) => {
    const { t, actor } = signedIn(c);
    return c.json(await memberProfile(t, actor, c.req.param("userId")));
  })
  .patch("/members/:userId/profile", async (c) => {
    const { t, actor } = signedIn(c);
    if (!isProfileAdmin(actor)) throw forbidden("forbidden", "Only community owners and admins edit other members' profiles.");
    const patch = await jsonBody(c, profilePatchSchema);
    return c.json(await updateMemberProfile(t, actor, c.req.param("userId"), patch));
  })
  // The member directory.
  .get("/directory", async (c) => {
    const { tenant, t, user, actor } = signedIn(c);
    requireDirectory(c, tenant);
    return c.json(await directory(t, user, isProfileAdmin(actor), directoryQuery(c)));
  });
