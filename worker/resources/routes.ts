import { Hono } from "hono";
import type { AppEnv } from "../env";
import { notFound } from "../http/errors";
import { json } from "../http/validate";
import { doc } from "../openapi/describe";
import { wholeListAnswer } from "../bookings/answers";
import { hiddenResourcesAnswer, resourceAnswer, resourceEnvelope } from "./answers";
import { ASSET_LIMITS, readLimited } from "../groups/images";
import { portalBasics, portalRequest } from "../memberships/http";
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
  .post("/resources", doc({ summary: "Create a resource (tenant admins).", answers: { 201: resourceEnvelope }, errors: { 403: ["forbidden"], 422: ["currency_mismatch"] } }), allowedTo("manageResources"), json(resourceInput), async (c) => {
    const { t, billing, clock } = await portalRequest(c);
    return c.json({ resource: await createResource(t, billing, c.req.valid("json"), clock.now) }, 201);
  })
  .get("/resources", doc({ summary: "List the resources the caller may book (admins: every resource, hidden ones too), by category then name.", answers: { 200: wholeListAnswer(resourceAnswer) }, errors: { 403: ["feature_disabled"] } }), allowedTo("readResources"), async (c) => {
    const { t, user } = portalBasics(c);
    return c.json({ items: await listResources(t, { userId: user.id, all: isBookingAdmin(user) }), nextCursor: null });
  })
  .get("/resources/:id", doc({ summary: "Read a resource (404 when hidden, or hidden for the caller, unless an admin).", answers: { 200: resourceEnvelope }, errors: { 403: ["feature_disabled"], 404: ["not_found"] } }), allowedTo("readResources"), async (c) => {
    const { t, user } = portalBasics(c);
    return c.json({ resource: resourceView(await visibleResource(t, idOf(c.req.param("id")), { userId: user.id, all: isBookingAdmin(user) })) });
  })
  .patch("/resources/:id", doc({ summary: "Change a resource (tenant admins).", answers: { 200: resourceEnvelope }, errors: { 403: ["forbidden"], 404: ["not_found"], 422: ["currency_mismatch"] } }), allowedTo("manageResources"), json(resourcePatch), async (c) => {
    const { t, clock } = portalBasics(c);
    return c.json({ resource: await updateResource(t, idOf(c.req.param("id")), c.req.valid("json"), clock.now) });
  })
  .delete("/resources/:id", doc({ summary: "Delete a resource (tenant admins); refused while bookings or events to come hold it.", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["resource_in_use"] } }), allowedTo("manageResources"), async (c) => {
    const { t, clock } = portalBasics(c);
    await deleteResource(t, idOf(c.req.param("id")), clock.now);
    return c.body(null, 204);
  })
  // The picture, as the branding's images: checked from its bytes (PNG, JPEG, WebP, GIF; 5 MiB; 415, 413, 422), stored in R2 by content hash.
  .put("/resources/:id/image", doc({ summary: "Set a resource's picture (tenant admins): the image's bytes as the body.", description: "PNG, JPEG, WebP or GIF, recognised from its bytes; at most 5 MiB and 8192 pixels a side.", answers: { 200: resourceEnvelope }, errors: { 403: ["forbidden"], 404: ["not_found"], 413: ["payload_too_large"], 415: ["unsupported_media_type"], 422: ["image_too_large"] } }), allowedTo("manageResources"), async (c) => {
    const { t, clock } = portalBasics(c);
    const id = idOf(c.req.param("id"));
    if (!(await resourceRow(t, id))) throw notFound("No such resource.");
    const bytes = await readLimited(c.req.raw, ASSET_LIMITS.cover.maxBytes);
    return c.json({ resource: await storeResourceImage(t, c.env.MEDIA, id, bytes, clock.now) });
  })
  .get("/members/:userId/hidden-resources", doc({ summary: "The resources hidden from one member (tenant admins).", answers: { 200: hiddenResourcesAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), allowedTo("manageHiddenResources"), async (c) => {
    const { t } = portalBasics(c);
    return c.json({ resourceIds: await hiddenResourcesOf(t, idOf(c.req.param("userId"))) });
  })
  .put("/members/:userId/hidden-resources", doc({ summary: "Replace the resources hidden from one member (tenant admins): they disappear for them and refuse their bookings.", answers: { 200: hiddenResourcesAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), allowedTo("manageHiddenResources"), json(hiddenResourcesInput), async (c) => {
    const { t } = portalBasics(c);
    return c.json({ resourceIds: await setHiddenResources(t, idOf(c.req.param("userId")), c.req.valid("json").resourceIds) });
  });
