import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { requestOrigin } from "../http/context";
import { pageParams } from "../http/pagination";
import { json } from "../http/validate";
import { doc } from "../openapi/describe";
import { pageQuery } from "../invoices/answers";
import { announcementListAnswer, oneAnnouncementAnswer } from "./answers";
import { deliverSoon } from "../mail/deliver";
import { brandOf } from "../mail/templates";
import { allowed, portalRequest, type PortalRequest } from "../memberships/http";
import { closestLang } from "../../web/i18n";
import { announcementInput, announcementPatch, createAnnouncement, deleteAnnouncement, listAnnouncements, updateAnnouncement, type AnnouncementMailContext } from "./service";

/** Where an emailed announcement points and how it looks (the API and the admin page). */
export function mailContext(c: Context<AppEnv>, r: PortalRequest): AnnouncementMailContext {
  const origin = requestOrigin(c);
  return { brand: brandOf(r.tenant, origin), community: r.tenant.name, url: `${origin}/`, defaultLanguage: closestLang(r.tenant.defaultLanguage) };
}

const idOf = (c: Context) => (c.req.param("id") ?? "").slice(0, 64);

/** "Switches, status and messages": announcements (tenant admins). */
export const announcementsApi = new Hono<AppEnv>()
  .post("/announcements", doc({ summary: "Publish an announcement on the dashboards it targets (emailed once when asked)", answers: { 201: oneAnnouncementAnswer }, errors: { 403: ["forbidden"], 422: ["validation_failed"] } }), allowed("manageAnnouncements"), json(announcementInput), async (c) => {
    const r = await portalRequest(c);
    const announcement = await createAnnouncement(r.t, c.req.valid("json"), r.user.id, r.clock.today, r.clock.now, mailContext(c, r));
    if (announcement.email) deliverSoon(c);
    return c.json({ announcement }, 201);
  })
  .get("/announcements", doc({ summary: "List the announcements (admins)", query: pageQuery.pick({ limit: true }), answers: { 200: announcementListAnswer }, errors: { 403: ["forbidden"] } }), allowed("manageAnnouncements"), async (c) => {
    const r = await portalRequest(c);
    return c.json({ items: await listAnnouncements(r.t, pageParams(c).limit), nextCursor: null });
  })
  .patch("/announcements/:id", doc({ summary: "Change an announcement", answers: { 200: oneAnnouncementAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 422: ["validation_failed"] } }), allowed("manageAnnouncements"), json(announcementPatch), async (c) => {
    const r = await portalRequest(c);
    return c.json({ announcement: await updateAnnouncement(r.t, idOf(c), c.req.valid("json"), r.clock.now) });
  })
  .delete("/announcements/:id", doc({ summary: "Delete an announcement", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), allowed("manageAnnouncements"), async (c) => {
    const r = await portalRequest(c);
    await deleteAnnouncement(r.t, idOf(c));
    return c.body(null, 204);
  });
