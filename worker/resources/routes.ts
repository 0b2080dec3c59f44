import { Hono } from "hono";
import type { AppEnv } from "../env";
import { notFound } from "../http/errors";
import { json } from "../http/validate";
import { ASSET_LIMITS, readLimited } from "../groups/images";
import { portalRequest } from "../memberships/http";
import { allowedTo, isBookingAdmin } from "./http";
import {
  createResource,
  deleteResource,
  hiddenResourcesInput,
  hiddenResourcesOf,
  listResources,
  resourceInput,
  resourcePatch,
  resourceRow,
  resourceView,
  setHiddenResources,
  storeResourceImage,
  updateResource,
  visibleResource,
} from "./service";

const idOf = (id: string | undefined) => (id && id.length <= 64 ? id : "");

/** "Resources and bookings": the resources (admins manage them; members read the ones they may book). */
export const resourcesApi = new Hono<AppEnv>()
  .post("/resources", allowedTo("manageResources"), json(resourceInput), async (c) => {
    const { t, billing, clock } = await portalRequest(c);
    return c.json({ resource: await createResource(t, billing, c.req.valid("json"), clock.now) }, 201);
  })
  .get("/resources", allowedTo("readResources"), async (c) => {
    const { t, user } = await portalRequest(c);
    return c.json({ items: await listResources(t, { userId: user.id, all: isBookingAdmin(user) }), nextCursor: null });
  })
  .get("/resources/:id", allowedTo("readResources"), async (c) => {
    const { t, user } = await portalRequest(c);
    return c.json({ resource: resourceView(await visibleResource(t, idOf(c.req.param("id")), { userId: user.id, all: isBookingAdmin(user) })) });
  })
  .patch("/resources/:id", allowedTo("manageResources"), json(resourcePatch), async (c) => {
    const { t, clock } = await portalRequest(c);
    return c.json({ resource: await updateResource(t, idOf(c.req.param("id")), c.req.valid("json"), clock.now) });
  })
  .delete("/resources/:id", allowedTo("manageResources"), async (c) => {
    const { t, clock } = await portalRequest(c);
    await deleteResource(t, idOf(c.req.param("id")), clock.now);
    return c.body(null, 204);
  })
  // The picture, as the branding's images: checked from its bytes (PNG, JPEG, WebP, GIF; 5 MiB; 415, 413, 422), stored in R2 by content hash.
  .put("/resources/:id/image", allowedTo("manageResources"), async (c) => {
    const { t, clock } = await portalRequest(c);
    const id = idOf(c.req.param("id"));
    if (!(await resourceRow(t, id))) throw notFound("No such resource.");
    const bytes = await readLimited(c.req.raw, ASSET_LIMITS.cover.maxBytes);
    return c.json({ resource: await storeResourceImage(t, c.env.MEDIA, id, bytes, clock.now) });
  })
  .get("/members/:userId/hidden-resources", allowedTo("manageHiddenResources"), async (c) => {
    const { t } = await portalRequest(c);
    return c.json({ resourceIds: await hiddenResourcesOf(t, idOf(c.req.param("userId"))) });
  })
  .put("/members/:userId/hidden-resources", allowedTo("manageHiddenResources"), json(hiddenResourcesInput), async (c) => {
    const { t } = await portalRequest(c);
    return c.json({ resourceIds: await setHiddenResources(t, idOf(c.req.param("userId")), c.req.valid("json").resourceIds) });
  });
