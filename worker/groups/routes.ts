import { Hono } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { ApiError, forbidden } from "../http/errors";
import { pageParams } from "../http/pagination";
import { json, load, signedIn } from "../http/validate";
import { invalidateTenantHosts } from "../tenancy/hosts";
import { mayTenancy } from "../tenancy/policy";
import { setTenantImage } from "../tenancy/service";
import { groupFromRequest } from "./request";
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
const editor = load(async (c) => {
  const group = await groupFromRequest(c);
  requireUser(c);
  assertCan(group.ctx, "edit");
  return group;
});

export const groupsApi = new Hono<AppEnv>()
  .post("/groups", signedIn, json(createGroupSchema), async (c) => {
    const tenant = requireTenant(c);
    const ctx = await createGroup(tenantDb(c.env, tenant), requireUser(c), tenant.groupCreation, c.req.valid("json"), viewingAsMember(c));
    return c.json({ group: groupView(c.env, tenant, ctx) }, 201);
  })
  .get("/groups", async (c) => {
    const tenant = requireTenant(c);
    const user = c.get("user");
    const includeDeleted = !!user && actsAsTenantAdmin({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) });
    const { rows, nextCursor } = await listGroups(tenantDb(c.env, tenant), user, { ...pageParams(c), includeDeleted });
    const items = rows.map((r) =>
      groupView(c.env, tenant, { group: r.group, memberCount: r.memberCount, actor: { tenantRole: user?.tenantRole ?? null, groupRole: r.role, banned: false } }),
    );
    return c.json({ items, nextCursor });
  })
  .get("/groups/:slug", async (c) => {
    const { tenant, t, ctx } = await groupFromRequest(c);
    const membership = await membershipState(c.env, t, ctx, c.get("user"));
    return c.json(groupView(c.env, tenant, ctx, membership));
  })
  .patch("/groups/:slug", editor.check(), json(updateGroupSchema), async (c) => {
    const { tenant, t, ctx } = editor.of(c);
    const updated = await updateGroup(t, ctx, c.req.valid("json"));
    return c.json({ group: groupView(c.env, tenant, updated) });
  })
  .delete("/groups/:slug", async (c) => {
    const { t, ctx } = await groupFromRequest(c);
    requireUser(c);
    await deleteGroup(t, ctx);
    return c.body(null, 204);
  })
  .post("/groups/:slug/restore", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const ctx = await restoreGroup(tenantDb(c.env, tenant), c.req.param("slug"), user, viewingAsMember(c));
    return c.json({ group: groupView(c.env, tenant, ctx) });
  })
  .put("/groups/:slug/assets/:kind", async (c) => {
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
  .put("/tenant/assets/:kind", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    if (!mayTenancy({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }, "changeSettings")) throw forbidden("forbidden", "Only community owners and admins can do this.");
    const kind = c.req.param("kind");
    if (kind !== "logo" && kind !== "favicon") throw new ApiError(404, "not_found", "Community assets are logo or favicon.");
    const { key, image } = await setTenantImage(c.env, tenant, kind, await readLimited(c.req.raw, ASSET_LIMITS[kind].maxBytes));
    return c.json({ url: mediaUrl(key), type: image.type, width: image.width, height: image.height });
  });
