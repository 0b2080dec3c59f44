import { Hono, type Context, type MiddlewareHandler } from "hono";
import { t, type MessageKey } from "../../web/i18n";
import { AdminHelpPage, type AdminHelpFilters } from "../../web/pages/helpdesk/admin-help";
import { ADMIN_HELP_PATH } from "../../web/pages/helpdesk/shared";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../http/context";
import { forbidden } from "../http/errors";
import { signedIn } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { listGuides } from "./guides";
import { pageCaller } from "./html";
import { listIssues, unreadIssueCount } from "./issues";
import { actingAdmin } from "./policy";

// /admin/help (owners and admins; viewing as a member, 403 as every admin page): every issue
// with its filters and unread marks, and the guides. The unread count beside the section in
// the admin navigation (and on the header's admin link) comes from `helpUnreadCount`.

const NOTICES: Record<string, MessageKey> = { guide_deleted: "help.done.guide_deleted" };

/**
 * The admin navigation's count: issues with activity the admin has not seen. Set on the admin
 * pages and the help pages for owners and admins acting as such (GET only).
 */
export function helpUnreadCount(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenant = c.get("tenant");
    const user = c.get("user");
    const path = c.req.path;
    const here = path === "/admin" || path.startsWith("/admin/") || path === "/help" || path.startsWith("/help/");
    if (here && tenant && user && c.req.method === "GET" && actingAdmin({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) })) {
      c.set("helpUnread", await unreadIssueCount(tenantDb(c.env, tenant), user.id));
    }
    await next();
  };
}

function filtersOf(c: Context<AppEnv>): AdminHelpFilters {
  const status = c.req.query("status");
  const visibility = c.req.query("visibility");
  return {
    status: status === "open" || status === "closed" ? status : "",
    visibility: visibility === "private" || visibility === "public" ? visibility : "",
    cursor: (c.req.query("cursor") ?? "").slice(0, 500),
  };
}

async function adminHelpPage(c: Context<AppEnv>) {
  const r = pageCaller(c);
  if (!actingAdmin(r.caller)) throw forbidden("forbidden", "Only community owners and admins manage the help desk.");
  const filters = filtersOf(c);
  const [issues, guides] = await Promise.all([
    listIssues(r.t, r.caller, { ...(filters.status ? { status: filters.status } : {}), ...(filters.visibility ? { private: filters.visibility === "private" } : {}), limit: 50, cursor: filters.cursor || null }),
    listGuides(r.t, r.caller, { limit: 200 }),
  ]);
  const ctx = pageContext(c);
  return renderPage(
    c,
    t(ctx.lang, "admin.nav.help"),
    AdminHelpPage({ ctx, viewingAsMember: viewingAsMember(c), filters, issues: issues.items, nextCursor: issues.nextCursor, guides: guides.items, ...doneNotice(c, NOTICES) }),
  );
}

export const helpAdminPages = new Hono<AppEnv>().get(ADMIN_HELP_PATH, (c) => signedIn(c) ?? adminHelpPage(c));
