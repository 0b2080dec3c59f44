import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { canonicalTag, catalogFor, closestLang, t } from "../../web/i18n";
import { AdminInvitationsPage } from "../../web/pages/invitations/admin-invitations";
import { InviteClosedPage, InvitePage } from "../../web/pages/invitations/accept";
import { requireUser, setSessionCookie } from "../auth/sessions";
import { tenantDb } from "../db/client";
import { groups as groupsTable, memberships, users, type Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { forbidden } from "../http/errors";
import { formAction, readForm, requirePageUser, signedIn, withDone } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { viewingAsMember } from "../http/context";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { inviterOf } from "./routes";
import { MyInvitationsPage } from "../../web/pages/invitations/mine";
import { invitableGroups as groupsOffered, mayOpenInvitationsPage } from "./policy";
import { acceptMyInvitation, declineByToken, declineMyInvitation, myInvitations, acceptAsExistingUser, acceptInvitation, acceptSchema, byToken, effectiveStatus, invite, inviteOptions, inviteSchema, listInvitations, listedFor, lookupInvitation, resendInvitation, revokeInvitation, type InvitationStatus, type InviteResult } from "./service";

/**
 * The invitation page speaks the invitation's language (the one its email was
 * written in), unless the visitor chose one (`?lang=`, remembered in the `lang`
 * cookie) or is signed in.
 */
function speakInvitationLanguage(c: Context<AppEnv>, tenant: Tenant, language: string | null) {
  if (c.get("user") || catalogFor(canonicalTag(c.req.query("lang"))) || catalogFor(getCookie(c, "lang"))) return;
  c.set("language", closestLang(language, tenant.defaultLanguage));
}

/** A used or withdrawn link explains itself (404, as any link that no longer works); null for a live one. */
async function closedInvitationPage(c: Context<AppEnv>, token: string): Promise<Response | null> {
  const tenant = requireTenant(c);
  const inv = await byToken(tenantDb(c.env, tenant), token);
  if (!inv || (inv.status !== "accepted" && inv.status !== "revoked")) return null;
  speakInvitationLanguage(c, tenant, inv.language);
  const ctx = pageContext(c);
  const title = t(ctx.lang, inv.status === "accepted" ? "invite.accepted_title" : "invite.revoked_title");
  return renderPage(c, title, InviteClosedPage({ ctx, status: inv.status, email: inv.email, communityName: tenant.name }), 404);
}

async function invitationFor(c: Context<AppEnv>, token: string) {
  const tenant = requireTenant(c);
  const tdb = tenantDb(c.env, tenant);
  const { invitation, view } = await lookupInvitation(tdb, tenant, token);
  speakInvitationLanguage(c, tenant, invitation.language);
  const inviter = invitation.invitedBy ? await tdb.db.query.users.findFirst({ columns: { name: true }, where: and(eq(users.tenantId, tdb.tenantId), eq(users.id, invitation.invitedBy)) }) : undefined;
  return {
    tenant,
    tdb,
    invitation,
    props: {
      email: invitation.email,
      communityName: tenant.name,
      groups: view.groups,
      inviterName: inviter?.name ?? null,
      message: invitation.message,
      expiresAt: new Date(invitation.expiresAt).toISOString(),
    },
  };
}

function renderInvite(c: Context<AppEnv>, token: string, props: Parameters<typeof InvitePage>[0]["invitation"], state: Parameters<typeof InvitePage>[0]["state"], extra: { values?: Record<string, string>; errors?: Record<string, string>; formError?: string } = {}, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  return renderPage(c, t(ctx.lang, "invite.title", { community: props.communityName }), InvitePage({ ctx, token, invitation: props, state, ...extra }), status);
}

function stateFor(c: Context<AppEnv>, invitation: { email: string; status: string; expiresAt: number }) {
  if (effectiveStatus(invitation as Parameters<typeof effectiveStatus>[0]) === "expired") return "expired" as const;
  const user = c.get("user");
  if (!user) return "form" as const;
  return user.email === invitation.email ? ("signed_in_same" as const) : ("signed_in_other" as const);
}

export const invitationPages = new Hono<AppEnv>()
  .get("/invite/:token", async (c) => {
    const token = c.req.param("token");
    const closed = await closedInvitationPage(c, token);
    if (closed) return closed;
    const { invitation, props } = await invitationFor(c, token);
    // The token is in the URL: never send it to another site. Not "no-referrer": with it,
    // browsers post this page's own form with Origin: null, which the origin check refuses.
    c.header("Referrer-Policy", "same-origin");
    const state = stateFor(c, invitation);
    return renderInvite(c, token, props, state, {}, state === "expired" ? 410 : 200);
  })
  .post("/invite/:token", async (c) => {
    const token = c.req.param("token");
    const closed = await closedInvitationPage(c, token);
    if (closed) return closed;
    const { tdb, invitation, props } = await invitationFor(c, token);
    const form = await readForm(c);
    return formAction(c, {
      shows: (err) => err.status < 500 && err.status !== 404, // A link that does not work (any more) is the 404 page.
      run: () => acceptInvitation(tdb, parseWith(acceptSchema, { token, name: form.values.name, password: form.values.password })),
      render: ({ errors, formError, status }) => renderInvite(c, token, props, status === 410 ? "expired" : stateFor(c, invitation), { values: { name: form.str("name") }, errors, ...(formError ? { formError } : {}) }, status),
      done: ({ sessionToken }) => signedInTo(c, sessionToken, props.groups),
    });
  })
  .post("/invite/:token/decline", async (c) => {
    const token = c.req.param("token");
    const { tdb, props } = await invitationFor(c, token);
    await declineByToken(tdb, token);
    return renderInvite(c, token, props, "declined");
  })
  .post("/invite/:token/accept-as-me", async (c) => {
    const token = c.req.param("token");
    const user = c.get("user");
    if (!user) return c.redirect(`/invite/${encodeURIComponent(token)}`, 303);
    const { tdb, props } = await invitationFor(c, token);
    await acceptAsExistingUser(tdb, token, user);
    return c.redirect(firstGroupPath(props.groups), 303);
  });

// ── a member's own group invitations (/me/invitations) ─────────────────────

async function myInvitationsPage(c: Context<AppEnv>, status: ContentfulStatusCode = 200, notice?: string) {
  const tenant = requireTenant(c);
  const user = requireUser(c);
  const ctx = pageContext(c);
  const items = await myInvitations(tenantDb(c.env, tenant), user);
  return renderPage(c, t(ctx.lang, "my_invitations.title"), MyInvitationsPage({ ctx, items, notice: notice ?? doneNotice(c, { accepted: "my_invitations.accepted", declined: "my_invitations.declined" }).notice }), status);
}

export const myInvitationPages = new Hono<AppEnv>()
  .get("/me/invitations", async (c) => {
    return signedIn(c) ?? myInvitationsPage(c);
  })
  .post("/me/invitations/:id/:answer{accept|decline}", async (c) => {
    const tenant = requireTenant(c);
    const user = requirePageUser(c, "/me/invitations");
    if (user instanceof Response) return user;
    const tdb = tenantDb(c.env, tenant);
    if (c.req.param("answer") === "decline") {
      await declineMyInvitation(tdb, user, c.req.param("id"));
      return c.redirect(withDone("/me/invitations", "declined"), 303);
    }
    const { joined, skipped } = await acceptMyInvitation(tdb, user, c.req.param("id"));
    if (skipped.length) {
      const lang = pageContext(c).lang;
      return myInvitationsPage(c, 200, t(lang, "my_invitations.accepted_banned", { groups: skipped.map((s) => s.group).join(", ") }));
    }
    return c.redirect(joined.length === 1 ? `/g/${encodeURIComponent(joined[0]!)}` : withDone("/me/invitations", "accepted"), 303);
  });

function firstGroupPath(gs: { slug: string }[]): string {
  return gs[0] ? `/g/${encodeURIComponent(gs[0].slug)}` : "/";
}

/** A new member is signed in and goes to their (first) group. */
function signedInTo(c: Context<AppEnv>, sessionToken: string, gs: { slug: string }[]): string {
  setSessionCookie(c, sessionToken);
  return firstGroupPath(gs);
}

// ── administration ─────────────────────────────────────────────────────────

const STATUSES = new Set(["pending", "accepted", "expired", "revoked", "declined"]);

async function invitableGroups(c: Context<AppEnv>) {
  const tenant = requireTenant(c);
  const tdb = tenantDb(c.env, tenant);
  const inviter = inviterOf(c);
  if (groupsOffered(inviter) === "all") {
    return tdb.db.select({ slug: groupsTable.slug, name: groupsTable.name }).from(groupsTable).where(and(eq(groupsTable.tenantId, tdb.tenantId), isNull(groupsTable.deletedAt))).orderBy(asc(groupsTable.name));
  }
  return tdb.db
    .select({ slug: groupsTable.slug, name: groupsTable.name })
    .from(memberships)
    .innerJoin(groupsTable, eq(groupsTable.id, memberships.groupId))
    .where(and(eq(memberships.tenantId, tdb.tenantId), eq(memberships.userId, inviter.user.id), inArray(memberships.role, ["owner", "admin"]), isNull(groupsTable.deletedAt)))
    .orderBy(asc(groupsTable.name));
}

type AdminInvitationsExtra = { values?: Parameters<typeof AdminInvitationsPage>[0]["values"]; errors?: Record<string, string>; formError?: string; result?: InviteResult };

async function adminInvitations(c: Context<AppEnv>, extra: AdminInvitationsExtra = {}, status: ContentfulStatusCode = 200) {
  const tenant = requireTenant(c);
  const inviter = inviterOf(c);
  const groups = await invitableGroups(c);
  if (!mayOpenInvitationsPage(inviter, groups.length)) throw forbidden("forbidden", "Only community admins and group admins can invite.");
  const statusFilter = STATUSES.has(c.req.query("status") ?? "") ? (c.req.query("status") as InvitationStatus) : undefined;
  const q = (c.req.query("q") ?? "").trim().slice(0, 100);
  const page = await listInvitations(tenantDb(c.env, tenant), { ...(statusFilter ? { status: statusFilter } : {}), ...(q ? { q } : {}), limit: 50, cursor: c.req.query("cursor") ?? null }, listedFor(inviter));
  const ctx = pageContext(c);
  const { notice } = doneNotice(c, { resent: "admin.invitations.resent", revoked: "admin.invitations.revoked" });
  return renderPage(
    c,
    t(ctx.lang, "admin.invitations.title"),
    AdminInvitationsPage({ ctx, viewingAsMember: viewingAsMember(c), groups, items: page.items, filter: { status: statusFilter ?? "", q, cursor: c.req.query("cursor") ?? null }, nextCursor: page.nextCursor, ...extra, ...(notice ? { notice } : {}) }),
    status,
  );
}

export const invitationAdminPages = new Hono<AppEnv>()
  .get("/admin/invitations", async (c) => {
    return signedIn(c) ?? adminInvitations(c);
  })
  .post("/admin/invitations", async (c) => {
    const tenant = requireTenant(c);
    const inviter = inviterOf(c);
    const form = await readForm(c);
    const values = { emails: form.str("emails"), groups: form.list("groups"), tenantRole: form.str("tenantRole"), groupRole: form.str("groupRole"), language: form.str("language"), message: form.str("message") };
    return formAction(c, {
      run: () => invite(c.env, tenantDb(c.env, tenant), tenant, inviter, parseWith(inviteSchema, { emails: values.emails, ...inviteOptions(values) })),
      render: ({ errors, formError, status }) => adminInvitations(c, { values, errors, ...(formError ? { formError } : {}) }, status),
      done: (result) => {
        deliverSoon(c);
        return adminInvitations(c, { result }); // The page again, with what was sent and to whom.
      },
    });
  })
  .post("/admin/invitations/:id/resend", async (c) => {
    const tenant = requireTenant(c);
    await resendInvitation(c.env, tenantDb(c.env, tenant), tenant, inviterOf(c), c.req.param("id"));
    deliverSoon(c);
    return c.redirect(withDone("/admin/invitations", "resent"), 303);
  })
  .post("/admin/invitations/:id/revoke", async (c) => {
    const tenant = requireTenant(c);
    requireUser(c);
    await revokeInvitation(tenantDb(c.env, tenant), inviterOf(c), c.req.param("id"));
    return c.redirect(withDone("/admin/invitations", "revoked"), 303);
  });
