import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import {
  AdminAnnouncementEditPage,
  AdminAnnouncementsPage,
  announcementsPath,
  type AnnouncementFormState,
  type AnnouncementItem,
} from "../../web/pages/announcements/admin-announcements";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../http/context";
import { forbidden } from "../http/errors";
import { formAction, readForm, requirePageUser, withDone, type Form, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { groupDirectory } from "../groups/queries";
import { portalRequest, type PortalRequest } from "../memberships/http";
import { may } from "../memberships/policy";
import { listPlans } from "../plans/service";
import { announcementBody, dayOfUntil } from "../tenancy/portal-form";
import { mailContext } from "./routes";
import {
  announcementInput,
  announcementPatch,
  createAnnouncement,
  deleteAnnouncement,
  getAnnouncement,
  listAnnouncements,
  updateAnnouncement,
  type AnnouncementView,
} from "./service";

// /admin/portal/announcements: list, publish (optionally emailed), edit, delete. Owners and
// admins acting as one; viewing as a member, a 403 as on the other community-wide admin pages.

const NOTICES: Record<string, MessageKey> = {
  created: "announcements.done.created",
  emailed: "announcements.done.emailed",
  saved: "announcements.done.saved",
  deleted: "announcements.done.deleted",
};

/** The request of an owner or admin acting as one; a visitor is sent to log in, anyone else gets a 403. */
async function adminRequest(c: Context<AppEnv>): Promise<PortalRequest | Response> {
  const user = requirePageUser(c);
  if (user instanceof Response) return user;
  if (!may({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }, "manageAnnouncements")) throw forbidden("forbidden", "Only community owners and admins can do this.");
  return portalRequest(c);
}

const idOf = (c: Context) => (c.req.param("id") ?? "").slice(0, 64);

/** The plans (archived ones included, for announcements that target them) and live groups the form offers. */
async function targetOptions(r: PortalRequest) {
  const [plans, groups] = await Promise.all([listPlans(r.t, { all: true }), groupDirectory(r.t)]);
  return { plans: plans.map((p) => ({ id: p.id, name: p.name, archived: p.archived })), groups: groups.map((g) => ({ slug: g.slug, name: g.name })) };
}

type Extra = { form?: AnnouncementFormState; errors?: Record<string, string>; formError?: string | undefined; notice?: string };

async function listPage(c: Context<AppEnv>, r: PortalRequest, extra: Extra, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const [options, views] = await Promise.all([targetOptions(r), listAnnouncements(r.t, 100)]);
  const planNames = new Map(options.plans.map((p) => [p.id, p.name]));
  const groupNames = new Map(options.groups.map((g) => [g.slug, g.name]));
  const items: AnnouncementItem[] = views.map((a) => ({
    id: a.id,
    title: a.title,
    plans: a.plans.map((id) => planNames.get(id) ?? id),
    groups: a.groups.map((slug) => groupNames.get(slug) ?? slug),
    lastDay: a.until ? dayOfUntil(a.until, r.tenant.timezone) : null,
    ended: a.until !== null && Date.parse(a.until) <= r.clock.now,
    email: a.email,
  }));
  const body = AdminAnnouncementsPage({ ctx, ...options, items, form: { values: {}, plans: [], groups: [] }, ...extra });
  return renderPage(c, t(ctx.lang, "portal.tab.announcements"), body, status);
}

async function editPage(c: Context<AppEnv>, r: PortalRequest, a: AnnouncementView, extra: Extra, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const values = { title: a.title, body: a.body, until: a.until ? dayOfUntil(a.until, r.tenant.timezone) : "" };
  const body = AdminAnnouncementEditPage({ ctx, ...(await targetOptions(r)), id: a.id, title: a.title, email: a.email, form: { values, plans: a.plans, groups: a.groups }, ...extra });
  return renderPage(c, t(ctx.lang, "announcements.edit_title"), body, status);
}

/** The form again after a refusal: what was typed and ticked, the errors beside their fields. */
const refused = (form: Form, f: FormFailure): Extra => ({ form: { values: form.values, plans: form.list("plans"), groups: form.list("groups") }, errors: f.errors, formError: f.formError });

/** Runs `then` with the admin's request (a visitor's login redirect otherwise). */
async function asAdmin(c: Context<AppEnv>, then: (r: PortalRequest) => Promise<Response>) {
  const r = await adminRequest(c);
  return r instanceof Response ? r : then(r);
}

export const announcementPages = new Hono<AppEnv>()
  .get("/admin/portal/announcements", (c) => asAdmin(c, (r) => listPage(c, r, doneNotice(c, NOTICES))))
  .post("/admin/portal/announcements", (c) =>
    asAdmin(c, async (r) => {
      const form = await readForm(c);
      return formAction(c, {
        form,
        run: () => createAnnouncement(r.t, parseWith(announcementInput, announcementBody(form, r.tenant.timezone, true)), r.user.id, r.clock.today, r.clock.now, mailContext(c, r)),
        render: (f) => listPage(c, r, refused(form, f), f.status),
        done: (a) => {
          if (a.email) deliverSoon(c);
          return withDone(announcementsPath, a.email ? "emailed" : "created");
        },
      });
    }),
  )
  .get("/admin/portal/announcements/:id", (c) => asAdmin(c, async (r) => editPage(c, r, await getAnnouncement(r.t, idOf(c)), doneNotice(c, NOTICES))))
  .post("/admin/portal/announcements/:id", (c) =>
    asAdmin(c, async (r) => {
      const [form, a] = await Promise.all([readForm(c), getAnnouncement(r.t, idOf(c))]);
      return formAction(c, {
        form,
        run: () => updateAnnouncement(r.t, a.id, parseWith(announcementPatch, announcementBody(form, r.tenant.timezone, false)), r.clock.now),
        render: (f) => editPage(c, r, a, refused(form, f), f.status),
        done: () => withDone(announcementsPath, "saved"),
      });
    }),
  )
  .post("/admin/portal/announcements/:id/delete", (c) =>
    asAdmin(c, async (r) => {
      await deleteAnnouncement(r.t, idOf(c));
      return c.redirect(withDone(announcementsPath, "deleted"), 303);
    }),
  );
