import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t } from "../../web/i18n";
import { AdminMembersPage, type RowActions, type TenantMemberItem } from "../../web/pages/members/admin-members";
import { DeleteAccountCard } from "../../web/pages/members/delete-account";
import { clearSessionCookie, requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import { groups as groupsTable, type User } from "../db/schema";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../http/context";
import { requestOrigin, requireTenant } from "../http/context";
import { ApiError } from "../http/errors";
import { localizeError } from "../http/form-errors";
import { pageContext, renderPage } from "../http/render";
import { formAction, readForm, withDone, type FormFailure } from "../http/forms";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { mePage } from "../profiles/html";
import { and, asc, eq, isNull } from "drizzle-orm";
import { administersMembers, decide, type MemberActor } from "./policy";
import { memberActor } from "./routes";
import {
  approveMember,
  assertAdministers,
  changeMemberRole,
  changeRoleSchema,
  declineMember,
  deleteOwnAccount,
  listMembers,
  memberStatusSchema,
  pendingApprovalCount,
  removeMember,
  suspendMember,
  unsuspendMember,
  waitingCounts,
} from "./service";

const DONE: Record<string, Parameters<typeof t>[1]> = {
  approved: "admin.people.done.approved",
  declined: "admin.people.done.declined",
  role: "admin.people.done.role",
  suspended: "admin.people.done.suspended",
  unsuspended: "admin.people.done.unsuspended",
  removed: "admin.people.done.removed",
  link: "admin.accounts.login_link_sent",
};

/** What the viewer may do to one account, for the row's actions. */
function rowActions(actor: MemberActor, user: User): RowActions {
  const ok = (action: Parameters<typeof decide>[1], role?: "admin" | "moderator" | "member") => decide(actor, action, user, role).ok;
  const roles = (["admin", "moderator", "member"] as const).filter((r) => ok("changeRole", r));
  return {
    roles,
    suspend: ok("suspend"),
    unsuspend: ok("unsuspend"),
    remove: ok("remove"),
    approve: ok("approve"),
  };
}

/** A message in the reader's language for a refused action. */
function refusal(c: Context<AppEnv>, err: ApiError): string {
  const lang = pageContext(c).lang;
  if (err.code === "forbidden") return t(lang, "members.error.owner_only");
  if (err.code === "self") return t(lang, "members.error.self");
  return localizeError(lang, err);
}

/** /admin/members: the list first (status filter, search, actions per row), the queue, the creation forms behind buttons. */
export async function renderMembersPage(
  c: Context<AppEnv>,
  extra: Partial<Parameters<typeof AdminMembersPage>[0]> = {},
  status: ContentfulStatusCode = 200,
) {
  const tenant = requireTenant(c);
  const actor = memberActor(c);
  assertAdministers(actor);
  const tdb = tenantDb(c.env, tenant);
  const ctx = pageContext(c);
  const q = (c.req.query("q") ?? "").trim().slice(0, 100);
  const parsedStatus = memberStatusSchema.safeParse(c.req.query("status"));
  const filter = parsedStatus.success ? parsedStatus.data : undefined;
  const cursor = c.req.query("cursor") ?? null;
  // A cursor the product did not make is a 400 page in the reader's language, as on every list.
  const list = await listMembers(tdb, { status: filter, q, limit: 50, cursor });
  const pendingTotal = await pendingApprovalCount(tdb);
  const pending = pendingTotal > 0 ? await listMembers(tdb, { status: "pending_approval", q: "", limit: 20, cursor: null }) : null;
  const toItem = (u: User, i: { groups: string[]; avatarUrl?: string | null }): TenantMemberItem => ({
    id: u.id,
    name: u.name,
    email: u.email,
    tenantRole: u.tenantRole,
    status: u.status === "disabled" ? "suspended" : u.status,
    groups: i.groups,
    extraInfo: u.extraInfo,
    createdAt: new Date(u.createdAt).toISOString(),
    avatarUrl: i.avatarUrl ?? null,
    can: rowActions(actor, u),
  });
  const groups = await tdb.db
    .select({ slug: groupsTable.slug, name: groupsTable.name })
    .from(groupsTable)
    .where(and(eq(groupsTable.tenantId, tdb.tenantId), isNull(groupsTable.deletedAt)))
    .orderBy(asc(groupsTable.name));
  const doneKey = DONE[c.req.query("done") ?? ""];
  return renderPage(
    c,
    t(ctx.lang, "admin.accounts.title"),
    AdminMembersPage({
      ctx,
      viewingAsMember: viewingAsMember(c),
      groups,
      members: list.users.map((u, i) => toItem(u, list.items[i]!)),
      q,
      status: filter ?? "",
      pending: pending ? pending.users.map((u, i) => toItem(u, pending.items[i]!)) : [],
      pendingTotal,
      nextCursor: list.nextCursor,
      paged: Boolean(c.req.query("cursor")),
      ...(doneKey ? { notice: t(ctx.lang, doneKey) } : {}),
      ...extra,
    }),
    status,
  );
}

/** An action on one account: back to the list with its notice, or the list again saying why not (a 401 or 404 is the error page). */
function act(c: Context<AppEnv>, run: () => Promise<unknown>, done: string) {
  return formAction(c, {
    shows: (err) => err.status < 500 && err.status !== 401 && err.status !== 404,
    run: async () => {
      await run();
      deliverSoon(c);
    },
    render: ({ err, status }) => renderMembersPage(c, { formError: refusal(c, err) }, status),
    done: () => withDone("/admin/members", done),
  });
}

/** The counts in the admin navigation (owners and admins, on admin pages): sign-up requests and memberships waiting for approval. */
export function pendingMembersCount(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenant = c.get("tenant");
    const user = c.get("user");
    if (tenant && user && c.req.method === "GET" && administersMembers({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) })) {
      const waiting = await waitingCounts(tenantDb(c.env, tenant));
      c.set("pendingMembers", waiting.members);
      c.set("pendingMemberships", waiting.memberships);
    }
    await next();
  };
}

export const memberPages = new Hono<AppEnv>()
  .post("/admin/members/:id/approve", (c) => {
    const tenant = requireTenant(c);
    return act(c, () => approveMember(tenantDb(c.env, tenant), tenant, memberActor(c), c.req.param("id"), { base: requestOrigin(c) }), "approved");
  })
  .post("/admin/members/:id/decline", (c) => {
    const tenant = requireTenant(c);
    return act(c, () => declineMember(tenantDb(c.env, tenant), tenant, memberActor(c), c.req.param("id"), { base: requestOrigin(c) }), "declined");
  })
  .post("/admin/members/:id/role", async (c) => {
    const tenant = requireTenant(c);
    const form = await readForm(c);
    return act(
      c,
      async () => changeMemberRole(tenantDb(c.env, tenant), memberActor(c), c.req.param("id"), parseWith(changeRoleSchema, { tenantRole: form.values.tenantRole }).tenantRole),
      "role",
    );
  })
  .post("/admin/members/:id/suspend", (c) => {
    const tenant = requireTenant(c);
    return act(c, () => suspendMember(c.env, tenantDb(c.env, tenant), memberActor(c), c.req.param("id")), "suspended");
  })
  .post("/admin/members/:id/unsuspend", (c) => {
    const tenant = requireTenant(c);
    return act(c, () => unsuspendMember(tenantDb(c.env, tenant), memberActor(c), c.req.param("id")), "unsuspended");
  })
  .post("/admin/members/:id/remove", async (c) => {
    const tenant = requireTenant(c);
    const deletePosts = ["1", "on"].includes((await readForm(c)).str("deletePosts"));
    return act(c, () => removeMember(c.env, tenantDb(c.env, tenant), tenant, memberActor(c), c.req.param("id"), { deletePosts }), "removed");
  })
  .post("/me/delete", async (c) => {
    const tenant = requireTenant(c);
    const user = requireUser(c);
    const password = (await readForm(c)).str("password");
    return formAction(c, {
      run: () => deleteOwnAccount(c.env, tenantDb(c.env, tenant), tenant, user, password),
      render: (f) => deleteRefused(c, user, f),
      done: () => {
        clearSessionCookie(c);
        return "/";
      },
    });
  });

/** The profile page again, its account card saying why the account was not deleted. */
function deleteRefused(c: Context<AppEnv>, user: User, { err, status }: FormFailure) {
  const ctx = pageContext(c);
  const error = err.code === "invalid_password" ? t(ctx.lang, "members.error.invalid_password") : localizeError(ctx.lang, err);
  return mePage(c, { deleteAccount: DeleteAccountCard({ ctx, isOwner: user.tenantRole === "owner", error }) }, status);
}
