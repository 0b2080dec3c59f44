import { avatarUrlsOf } from "../profiles/avatar-column";
import { Hono, type Context } from "hono";
import { setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { VNode } from "preact";
import { t, type MessageKey } from "../../web/i18n";
import { GroupBrandingPage } from "../../web/pages/groups/admin-branding";
import { GroupMembersPage } from "../../web/pages/groups/admin-members";
import { GroupRequestsPage } from "../../web/pages/groups/admin-requests";
import { GroupSettingsPage } from "../../web/pages/groups/admin-settings";
import { AdminGroupsPage } from "../../web/pages/groups/admin-groups";
import { groupBrand } from "../../web/pages/groups/shared";
import { requireUser } from "../auth/sessions";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import { isDevelopment, type AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { forbidden } from "../http/errors";
import { formAction, readForm, refusalAt, refusalOf, renameFields, requirePageUser, withDone } from "../http/forms";
import { safeNext } from "../http/redirect";
import { doneNotice, pageContext, renderPage, renderWith } from "../http/render";
import { parseWith } from "../http/validate";
import { abilityOf } from "./html";
import { storeFormImages } from "./image-form";
import { checkAsset, storeImage, type AssetKind } from "./images";
import {
  approveAllRequests,
  banMember,
  changeRole,
  decideRequest,
  membersForAdmin,
  membershipState,
  pendingCount,
  pendingRequests,
  removeMember,
  roleSchema,
  unbanMember,
} from "./membership";
import { requestView } from "./membership-routes";
import { clockOf } from "../memberships/service";
import { actsAsTenantAdmin, can } from "./policy";
import { groupFromRequest } from "./request";
import { createGroup, createGroupSchema, deleteGroup, groupView, listGroups, restoreGroup, setGroupAsset, updateGroup, updateGroupSchema, type GroupContext, type GroupView } from "./service";
import { mayTenancy } from "../tenancy/policy";

/** What a redirect after a successful form may announce (`?done=`), and nothing else. */
const NOTICES: Record<string, MessageKey> = {
  saved: "admin.notice.saved",
  created: "admin.notice.created",
  deleted: "admin.notice.deleted",
  restored: "admin.notice.restored",
  role: "admin.notice.role_changed",
  removed: "admin.notice.removed",
  banned: "admin.notice.banned",
  unbanned: "admin.notice.unbanned",
  approved: "admin.notice.approved",
  rejected: "admin.notice.rejected",
  approved_all: "admin.notice.approved_all",
};

const notice = (c: Context<AppEnv>) => doneNotice(c, NOTICES);

const back = (c: Context<AppEnv>, path: string, done: string) => c.redirect(withDone(path, done), 303);
const adminPath = (slug: string, tab = "") => `/admin/groups/${encodeURIComponent(slug)}${tab}`;

/** Signed-out visitors are sent to log in and come back. */
const adminUser = requirePageUser;

const isTenantAdmin = (user: User) => actsAsTenantAdmin({ tenantRole: user.tenantRole });

/** Group admin pages need a role that can edit or manage the group (view-as-member shows them read-only). */
async function adminGroup(c: Context<AppEnv>) {
  const { tenant, t: tdb, ctx } = await groupFromRequest(c);
  const user = requireUser(c);
  const real: GroupContext = { ...ctx, actor: { ...ctx.actor, viewingAsMember: false } };
  if (!can(real.actor, "edit") && !can(real.actor, "viewRequests")) throw forbidden("forbidden", "You do not administer this group.");
  const membership = await membershipState(c.env, tdb, ctx, user);
  const pending = await pendingCount(c.env, tdb, ctx);
  return { tenant, tdb, ctx, user, view: groupView(c.env, tenant, ctx, membership), pending };
}

function page(c: Context<AppEnv>, titleKey: MessageKey, body: VNode, status: ContentfulStatusCode = 200) {
  return renderPage(c, t(pageContext(c).lang, titleKey), body, status);
}

/** A group's admin pages wear the group's colours, like its public page. */
function groupAdminPage(c: Context<AppEnv>, view: GroupView, titleKey: MessageKey, body: VNode, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  return renderWith(c, ctx, { title: `${t(ctx.lang, titleKey)} · ${view.name}`, body, brand: groupBrand(view) }, status);
}

/** Rows of a repeated form field: `question.0.label`, `question.0.required`, … */
function rows(form: Record<string, string>, prefix: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const [key, value] of Object.entries(form)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)\\.([a-z]+)$`).exec(key);
    if (!m) continue;
    const i = Number(m[1]);
    if (i > 50) continue;
    (out[i] ??= {})[m[2]!] = value;
  }
  return out.filter(Boolean);
}

function settingsFromForm(form: Record<string, string>) {
  const questions = rows(form, "question")
    .filter((q) => (q.label ?? "").trim() !== "")
    .map((q) => ({ ...(q.id ? { id: q.id } : {}), label: q.label!, required: q.required === "on" || q.required === "true" }));
  const links = rows(form, "link")
    .filter((l) => (l.title ?? "").trim() !== "" || (l.url ?? "").trim() !== "")
    .map((l) => ({ title: l.title ?? "", url: l.url ?? "" }));
  return {
    name: form.name,
    description: form.description ?? "",
    joinPolicy: form.joinPolicy,
    questions,
    links,
    ...(form.slug && form.slug.trim() ? { slug: form.slug } : {}),
  };
}

/** zod names array fields `questions.0.label`; the form names them `question.0.label`. */
const formFieldName = (k: string) => k.replace(/^questions\./, "question.").replace(/^links\./, "link.");

async function groupsPage(c: Context<AppEnv>, tenant: Tenant, tdb: TenantDb, user: User, extra: { values?: Record<string, string>; errors?: Record<string, string>; formError?: string; notice?: string } = {}, status: ContentfulStatusCode = 200) {
  const includeDeleted = actsAsTenantAdmin({ tenantRole: user.tenantRole });
  const { rows: all } = await listGroups(tdb, user, { limit: 200, cursor: null, includeDeleted });
  const visible = all.filter((r) => isTenantAdmin(user) || r.role === "owner" || r.role === "admin");
  const views = visible.map((r) => groupView(c.env, tenant, { group: r.group, memberCount: r.memberCount, actor: { tenantRole: user.tenantRole, groupRole: r.role, banned: false } }));
  const canCreate = mayTenancy({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }, "createGroup", tenant);
  return page(c, "admin.title", AdminGroupsPage({ ctx: pageContext(c), groups: views, viewingAsMember: viewingAsMember(c), canCreate, ...extra }), status);
}

export const adminPages = new Hono<AppEnv>()
  .get("/admin", async (c) => {
    const tenant = requireTenant(c);
    const user = adminUser(c);
    if (user instanceof Response) return user;
    return groupsPage(c, tenant, tenantDb(c.env, tenant), user, notice(c));
  })
  .post("/admin/groups", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const tdb = tenantDb(c.env, tenant);
    const { values: form } = await readForm(c);
    return formAction(c, {
      run: () => createGroup(tdb, user, tenant.groupCreation, parseWith(createGroupSchema, { name: form.name, description: form.description ?? "", joinPolicy: form.joinPolicy || undefined, ...(form.slug?.trim() ? { slug: form.slug } : {}) }), viewingAsMember(c)),
      // A slug already taken is said beside the slug.
      render: (f) => {
        const { errors, formError, status } = refusalAt(c, f, "slug", ["slug_taken"]);
        return groupsPage(c, tenant, tdb, user, { values: form, errors, ...(formError ? { formError } : {}) }, status);
      },
      done: (created) => withDone(adminPath(created.group.slug), "created"),
    });
  })
  .post("/admin/view-as", async (c) => {
    const user = requireUser(c);
    if (!mayTenancy({ tenantRole: user.tenantRole }, "viewAsMember")) throw forbidden();
    const { values: form } = await readForm(c);
    // Anyone signed in may look as a member (a group admin too); for a member it changes nothing.
    setCookie(c, "view_as", form.as === "member" ? "member" : "admin", { path: "/", httpOnly: true, sameSite: "Lax", secure: !isDevelopment(c.env), maxAge: form.as === "member" ? 8 * 3600 : 0 });
    // Back to the page the toggle was on (its `next`, else the Referer), only on this origin.
    return c.redirect(safeNext(c, form.next || c.req.header("referer"), "/"), 303);
  })
  .get("/admin/groups/:slug", async (c) => {
    const user = adminUser(c);
    if (user instanceof Response) return user;
    const { ctx, view, pending } = await adminGroup(c);
    return groupAdminPage(c, view, "admin.tab.settings", GroupSettingsPage({ ctx: pageContext(c), group: view, ability: abilityOf(ctx), viewingAsMember: viewingAsMember(c), pendingRequests: pending, ...notice(c) }));
  })
  .post("/admin/groups/:slug", async (c) => {
    const { tdb, ctx, view, pending } = await adminGroup(c);
    const { values: form } = await readForm(c);
    return formAction(c, {
      run: () => updateGroup(tdb, ctx, parseWith(updateGroupSchema, settingsFromForm(form))),
      // The slug's own refusals are said beside the slug.
      render: (f) => {
        const { errors, formError, status } = refusalAt(c, { ...f, errors: renameFields(f.errors, formFieldName) }, "slug", ["slug_taken", "slug_locked"]);
        return groupAdminPage(c, view, "admin.tab.settings", GroupSettingsPage({ ctx: pageContext(c), group: view, values: form, errors, ability: abilityOf(ctx), viewingAsMember: viewingAsMember(c), pendingRequests: pending, ...(formError ? { formError } : {}) }), status);
      },
      done: (updated) => withDone(adminPath(updated.group.slug), "saved"),
    });
  })
  .post("/admin/groups/:slug/delete", async (c) => {
    const { tdb, ctx } = await adminGroup(c);
    await deleteGroup(tdb, ctx);
    return back(c, "/admin", "deleted");
  })
  .post("/admin/groups/:slug/restore", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const restored = await restoreGroup(tenantDb(c.env, tenant), c.req.param("slug"), user, viewingAsMember(c));
    return back(c, adminPath(restored.group.slug), "restored");
  })
  .get("/admin/groups/:slug/branding", async (c) => {
    const user = adminUser(c);
    if (user instanceof Response) return user;
    const { view, pending } = await adminGroup(c);
    return groupAdminPage(c, view, "admin.tab.branding", GroupBrandingPage({ ctx: pageContext(c), group: view, viewingAsMember: viewingAsMember(c), pendingRequests: pending, ...notice(c) }));
  })
  .post("/admin/groups/:slug/branding", async (c) => {
    const { tdb, ctx, view, pending } = await adminGroup(c);
    if (!can(ctx.actor, "uploadAssets")) throw forbidden();
    const form = await readForm(c);
    const color = form.values.primaryColor;
    const refused = color === undefined ? null : await refusalOf(c, () => updateGroup(tdb, ctx, parseWith(updateGroupSchema, { branding: { primaryColor: color || null } })));
    const prefix = `tenants/${tdb.tenantId}/groups/${ctx.group.id}`;
    const stored = await storeFormImages(c, form, ["logo", "cover", "favicon"], (kind, bytes) => storeImage(c.env.MEDIA, `${prefix}/${kind}`, bytes, checkAsset(kind, bytes)));
    for (const [kind, key] of Object.entries(stored.stored) as [AssetKind, string][]) await setGroupAsset(tdb, ctx, kind, key);
    const errors = { ...renameFields(refused?.errors ?? {}, (k) => (k.endsWith("primaryColor") ? "primaryColor" : k)), ...stored.errors };
    if (Object.keys(errors).length === 0) return back(c, adminPath(ctx.group.slug, "/branding"), "saved");
    return groupAdminPage(c, view, "admin.tab.branding", GroupBrandingPage({ ctx: pageContext(c), group: view, errors, viewingAsMember: viewingAsMember(c), pendingRequests: pending }), 422);
  })
  .get("/admin/groups/:slug/members", async (c) => {
    const user = adminUser(c);
    if (user instanceof Response) return user;
    const { tenant, tdb, ctx, view, pending } = await adminGroup(c);
    const lists = await membersForAdmin(tdb, ctx, clockOf(tenant).today);
    const body = GroupMembersPage({ ctx: pageContext(c), group: view, ...lists, ability: abilityOf(ctx), viewingAsMember: viewingAsMember(c), pendingRequests: pending, ...notice(c) });
    return page(c, "admin.tab.members", body);
  })
  .post("/admin/groups/:slug/members/:userId/role", async (c) => {
    const { tdb, ctx } = await adminGroup(c);
    await changeRole(tdb, ctx, c.req.param("userId"), parseWith(roleSchema, (await readForm(c)).values).role);
    return back(c, adminPath(ctx.group.slug, "/members"), "role");
  })
  .post("/admin/groups/:slug/members/:userId/remove", async (c) => {
    const { tdb, ctx } = await adminGroup(c);
    await removeMember(c.env, tdb, ctx, c.req.param("userId"));
    return back(c, adminPath(ctx.group.slug, "/members"), "removed");
  })
  .post("/admin/groups/:slug/members/:userId/ban", async (c) => {
    const { tdb, ctx, user } = await adminGroup(c);
    await banMember(c.env, tdb, ctx, c.req.param("userId"), user);
    return back(c, adminPath(ctx.group.slug, "/members"), "banned");
  })
  .post("/admin/groups/:slug/bans/:userId/unban", async (c) => {
    const { tdb, ctx } = await adminGroup(c);
    await unbanMember(tdb, ctx, c.req.param("userId"));
    return back(c, adminPath(ctx.group.slug, "/members"), "unbanned");
  })
  .get("/admin/groups/:slug/requests", async (c) => {
    const user = adminUser(c);
    if (user instanceof Response) return user;
    const { tdb, ctx, view } = await adminGroup(c);
    const { items: requests } = await pendingRequests(c.env, tdb, { ...ctx, actor: { ...ctx.actor, viewingAsMember: false } }, 200);
    const pictures = await avatarUrlsOf(tdb, requests.map((r) => r.userId));
    return groupAdminPage(c, view, "admin.tab.requests", GroupRequestsPage({ ctx: pageContext(c), group: view, requests: requests.map((r) => ({ ...requestView(r), avatarUrl: pictures.get(r.userId) ?? null })), viewingAsMember: viewingAsMember(c), ...notice(c) }));
  })
  .post("/admin/groups/:slug/requests/approve-all", async (c) => {
    const { tdb, ctx, user } = await adminGroup(c);
    await approveAllRequests(c.env, tdb, ctx, user);
    return back(c, adminPath(ctx.group.slug, "/requests"), "approved_all");
  })
  .post("/admin/groups/:slug/requests/:id/:decision{approve|reject}", async (c) => {
    const { tdb, ctx, user } = await adminGroup(c);
    const decision = c.req.param("decision") as "approve" | "reject";
    await decideRequest(c.env, tdb, ctx, c.req.param("id"), decision, user);
    return back(c, adminPath(ctx.group.slug, "/requests"), decision === "approve" ? "approved" : "rejected");
  });
