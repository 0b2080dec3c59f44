import { Hono } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { ApiError, forbidden } from "../http/errors";
import { pageParams } from "../http/pagination";
import { json, load, signedIn } from "../http/validate";
import { doc } from "../openapi/describe";
import { groupAnswer, groupEnvelope, imageAnswer, pageOf, pageQuery } from "./answers";
import { invalidateTenantHosts } from "../tenancy/hosts";
import { mayTenancy } from "../tenancy/policy";
import { setTenantImage } from "../tenancy/service";
import { groupAllowing, groupFromRequest } from "./request";
import { viewingAsMember } from "../http/context";
import { ASSET_LIMITS, checkAsset, readLimited, storeImage, type AssetKind } from "./images";
import { actsAsTenantAdmin } from "./policy";
import {
  assertCan,
  createGroup,
  createGroupSchema,
  deleteGroup,
  groupView,
  listGroups,
  mediaUrl,
  restoreGroup,
  setGroupAsset,
  updateGroup,
  updateGroupSchema,
} from "./service";
import { membershipState } from "./membership";

const ASSET_KINDS = new Set<AssetKind>(["logo", "cover", "favicon"]);

/** Before the body is read: the group, and a signed-in member allowed to edit it. */
const editor = load((c) => groupAllowing(c, "edit"));

export const groupsApi = new Hono<AppEnv>()
  .post(
    "/groups",
    doc({
      summary: "Create a group; its creator becomes its owner",
      answers: { 201: groupEnvelope },
      errors: { 403: ["group_creation_closed"], 409: ["slug_taken"] },
    }),
    signedIn, json(createGroupSchema), async (c) => {
    const tenant = requireTenant(c);
    const ctx = await createGroup(tenantDb(c.env, tenant), requireUser(c), tenant.groupCreation, c.req.valid("json"), viewingAsMember(c));
    return c.json({ group: groupView(c.env, tenant, ctx) }, 201);
  })
  .get(
    "/groups",
    doc({
      summary: "List the groups the reader can see (deleted ones too for community admins)",
      answers: { 200: pageOf(groupAnswer) },
      errors: { 400: ["invalid_cursor"], 422: ["validation_failed"] },
      public: true,
      query: pageQuery,
    }),
    async (c) => {
    const tenant = requireTenant(c);
    const user = c.get("user");
    const includeDeleted = !!user && actsAsTenantAdmin({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) });
    const { rows, nextCursor } = await listGroups(tenantDb(c.env, tenant), user, { ...pageParams(c), includeDeleted });
    const items = rows.map((r) =>
      groupView(c.env, tenant, { group: r.group, memberCount: r.memberCount, actor: { tenantRole: user?.tenantRole ?? null, groupRole: r.role, banned: false } }),
    );
    return c.json({ items, nextCursor });
  })
  .get(
    "/groups/:slug",
    doc({ summary: "Read a group, with the reader's role and standing in it", answers: { 200: groupAnswer }, errors: { 404: ["not_found"] }, public: true }),
    async (c) => {
    const { tenant, t, ctx } = await groupFromRequest(c);
    const membership = await membershipState(c.env, t, ctx, c.get("user"));
    return c.json(groupView(c.env, tenant, ctx, membership));
  })
  .patch(
    "/groups/:slug",
    doc({
      summary: "Change a group's settings (its slug once)",
      answers: { 200: groupEnvelope },
      errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["slug_locked", "slug_taken"] },
    }),
    editor.check(), json(updateGroupSchema), async (c) => {
    const { tenant, t, ctx } = editor.of(c);
    const updated = await updateGroup(t, ctx, c.req.valid("json"));
    return c.json({ group: groupView(c.env, tenant, updated) });
  })
  .delete(
    "/groups/:slug",
    doc({ summary: "Delete a group (restorable for 30 days)", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"] } }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    await deleteGroup(t, ctx);
    return c.body(null, 204);
  })
  .post(
    "/groups/:slug/restore",
    doc({ summary: "Restore a deleted group within 30 days", answers: { 200: groupEnvelope }, errors: { 403: ["forbidden"], 404: ["not_found"], 410: ["restore_expired"] } }),
    async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const ctx = await restoreGroup(tenantDb(c.env, tenant), c.req.param("slug"), user, viewingAsMember(c));
    return c.json({ group: groupView(c.env, tenant, ctx) });
  })
  .put(
    "/groups/:slug/assets/:kind",
    doc({
      summary: "Upload a group's logo, cover or favicon (raw image bytes)",
      description:
        "The body is the image itself with its `Content-Type`. PNG, JPEG, WebP or GIF (favicon: ICO or PNG), checked from the bytes; at most 2 MiB (logo), 5 MiB (cover), 512 KiB (favicon), 8192 pixels a side and 40 megapixels.",
      answers: { 200: imageAnswer },
      errors: { 403: ["forbidden"], 404: ["not_found"], 413: ["payload_too_large"], 415: ["unsupported_media_type"], 422: ["image_too_large"] },
    }),
    async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    const kind = c.req.param("kind") as AssetKind;
    if (!ASSET_KINDS.has(kind)) throw new ApiError(404, "not_found", "Assets are logo, cover or favicon.");
    assertCan(ctx, "uploadAssets");
    const bytes = await readLimited(c.req.raw, ASSET_LIMITS[kind].maxBytes);
    const sniffed = checkAsset(kind, bytes);
    const key = await storeImage(c.env.MEDIA, `tenants/${t.tenantId}/groups/${ctx.group.id}/${kind}`, bytes, sniffed);
    await setGroupAsset(t, ctx, kind, key);
    return c.json({ url: mediaUrl(key), type: sniffed.type, width: sniffed.width, height: sniffed.height });
  })
  // The tenant-wide theme's images (its colours are in PATCH /tenant).
  .put(
    "/tenant/assets/:kind",
    doc({
      summary: "Upload the community's logo or favicon (raw image bytes)",
      description: "The body is the image itself with its `Content-Type`, checked as a group's: PNG, JPEG, WebP or GIF for the logo (2 MiB), ICO or PNG for the favicon (512 KiB).",
      answers: { 200: imageAnswer },
      errors: { 403: ["forbidden"], 404: ["not_found"], 413: ["payload_too_large"], 415: ["unsupported_media_type"], 422: ["image_too_large"] },
    }),
    async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    if (!mayTenancy({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }, "changeSettings")) throw forbidden("forbidden", "Only community owners and admins can do this.");
    const kind = c.req.param("kind");
    if (kind !== "logo" && kind !== "favicon") throw new ApiError(404, "not_found", "Community assets are logo or favicon.");
    const { key, image } = await setTenantImage(c.env, tenant, kind, await readLimited(c.req.raw, ASSET_LIMITS[kind].maxBytes));
    return c.json({ url: mediaUrl(key), type: image.type, width: image.width, height: image.height });
  });
