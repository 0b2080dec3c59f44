import { Hono, type Context } from "hono";
import { avatarUrlOf } from "../profiles/avatar-column";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { closestLang, type MessageKey } from "../../web/i18n";
import type { GroupDiscussion } from "../../web/pages/discussions/discussion";
import { discussionForPage } from "../discussions/service";
import { GroupPage, groupBrand } from "../../web/pages/groups/group";
import { JoinPage, type JoinMode } from "../../web/pages/groups/join";
import type { GroupAbility, MemberView, PaidGroupView } from "../../web/pages/groups/types";
import type { EventItem } from "../../web/pages/events/types";
import { paidGroupFor } from "../memberships/paid-groups";
import { groupEventsFor } from "../events/cache";
import { clockOf } from "../memberships/service";
import { setSessionCookie } from "../auth/sessions";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import type { AppEnv } from "../env";
import { asksMemberView, clientIp, requestOrigin, requireTenant, viewingAsMember } from "../http/context";
import { notFound } from "../http/errors";
import { formAction, readForm, renameFields, requirePageUser, type FormFailure } from "../http/forms";
import { doneNotice, groupPageContext, rememberedBodies, renderWith } from "../http/render";
import { deliverSoon } from "../mail/deliver";
import { joinView, joinWithAccount, leaveGroup, membershipState, type JoinEvents, type JoinOutcome, type JoinView } from "./membership";
import { can } from "./policy";
import { groupBySlug, isBanned, membersPreview, viewerRoles } from "./queries";
import { groupView, loadGroup, type GroupContext, type GroupView } from "./service";

export function abilityOf(ctx: GroupContext): GroupAbility {
  return {
    edit: can(ctx.actor, "edit"),
    delete: can(ctx.actor, "delete"),
    manageMembers: can(ctx.actor, "changeRole"),
    decideRequests: can(ctx.actor, "decideRequests"),
    uploadAssets: can(ctx.actor, "uploadAssets"),
  };
}

/**
 * The group page's reads, from the read cache when fresh: for a member in the steady
 * state it makes no D1 round trip (the benchmark's hot path).
 */
async function groupForPage(c: Context<AppEnv>, tdb: TenantDb, slug: string): Promise<{ ctx: GroupContext; preview: MemberView[]; paid: PaidGroupView | null }> {
  const user = c.get("user");
  const group = await groupBySlug(tdb, slug);
  if (!group) throw notFound("No such group.");
  const role = user ? ((await viewerRoles(tdb, user.id))[group.id] ?? null) : null;
  const banned = !!user && !role && (await isBanned(tdb, group.id, user.id));
  const actor = { tenantRole: user?.tenantRole ?? null, groupRole: role, banned, viewingAsMember: viewingAsMember(c) };
  if (group.deletedAt !== null && !can(actor, "viewDeleted")) throw notFound("No such group.");
  const today = clockOf(requireTenant(c)).today;
  const members = await membersPreview(tdb, group.id, today);
  // Who is in the group is for its members (and admins) to see; others see the count.
  const preview = can(actor, "viewMembers")
    ? members.preview.map((m) => ({ userId: m.userId, name: m.name, email: null, role: m.role, joinedAt: new Date(m.joinedAt).toISOString(), avatarUrl: avatarUrlOf(m.avatarKey), plan: m.plan }))
    : [];
  const ctx = { group, actor, memberCount: members.count };
  return { ctx, preview, paid: await paidOf(c, tdb, ctx) };
}

/**
 * A paid group's plans, and where the signed-in reader stands when they are not in it
 * (community staff acting as such join as usual; viewing as a member, they see what a member sees).
 */
function paidOf(c: Context<AppEnv>, tdb: TenantDb, ctx: GroupContext): Promise<PaidGroupView | null> {
  const user = c.get("user");
  const reader = user && !ctx.actor.groupRole ? { userId: user.id, exempt: user.tenantRole !== "member" && !ctx.actor.viewingAsMember } : null;
  return paidGroupFor(tdb, ctx.group.id, reader, clockOf(requireTenant(c)).today);
}

function renderGroup(
  c: Context<AppEnv>,
  view: GroupView,
  preview: MemberView[],
  ability: GroupAbility,
  extra: { notice?: string; discussion?: GroupDiscussion; paid?: PaidGroupView | null; events?: EventItem[] } = {},
  status: ContentfulStatusCode = 200,
) {
  const pctx = groupPageContext(c, view.branding);
  // The body is a pure function of these inputs (the nonce aside, which it never reads), as the
  // dashboard's: the community's most read page is rendered once per reader while nothing changes.
  const body = groupBodies(pctx, JSON.stringify([view, preview, ability, extra]), () => GroupPage({ ctx: pctx, group: view, members: preview, ability, ...extra }));
  return renderWith(c, pctx, { title: view.name, body, brand: groupBrand(view) }, status);
}

/** A page with its discussions is some tens of KB. */
const groupBodies = rememberedBodies(200);

/** What a redirect to the group page may announce (`?done=`). */
const GROUP_NOTICES: Record<string, MessageKey> = { thread_deleted: "notice.discussion.thread_deleted", hidden: "notice.discussion.hidden", removed: "notice.discussion.removed" };

/** The group page; for members with the discussions (and, after a failed post, the form as it was typed). */
export async function renderGroupPageOf(c: Context<AppEnv>, slug: string, threadForm?: GroupDiscussion["threadForm"], status: ContentfulStatusCode = 200) {
  const tenant = requireTenant(c);
  const tdb = tenantDb(c.env, tenant);
  const user = c.get("user");
  const { ctx, preview, paid } = await groupForPage(c, tdb, slug);
  const [membership, discussion, events] = await Promise.all([
    membershipState(c.env, tdb, ctx, user),
    discussionForPage(c.env, tenant, ctx, user, { ...(threadForm ? { threadForm } : {}), cursor: c.req.query("cursor") ?? null, viewerLang: closestLang(c.get("language")) }),
    groupEventsFor(tdb, tenant, user ?? null, ctx.group.id, clockOf(tenant).now, viewingAsMember(c)),
  ]);
  const extra = { ...(discussion ? { discussion } : {}), ...doneNotice(c, GROUP_NOTICES), paid, events };
  return renderGroup(c, groupView(c.env, tenant, ctx, membership), preview, abilityOf(ctx), extra, status);
}

function joinModeFor(view: GroupView, user: User | null, asked: string | undefined, paid: PaidGroupView | null = null): JoinMode {
  if (view.membership === "member") return "member";
  if (view.membership === "banned") return "banned";
  if (view.membership === "pending") return "pending";
  if (view.joinPolicy === "invite") return "invite_only";
  if (user) return PAID_MODES[paid?.standing ?? "access"] ?? "questions";
  return asked === "login" ? "login" : "signup";
}

/** A paid group's join page, by where the signed-in reader stands (the others join as usual). */
const PAID_MODES: Partial<Record<NonNullable<PaidGroupView["standing"]>, JoinMode>> = { choose: "plans", pending: "plan_pending", other: "plan_other" };

type JoinExtra = { values?: Record<string, string>; errors?: Record<string, string>; formError?: string; paid?: PaidGroupView | null; plan?: string };

function renderJoin(c: Context<AppEnv>, view: GroupView, mode: JoinMode, extra: JoinExtra = {}, status: 200 | 202 | 400 | 401 | 403 | 409 | 422 | 429 = 200) {
  const pctx = groupPageContext(c, view.branding);
  return renderWith(c, pctx, { title: view.name, body: JoinPage({ ctx: pctx, group: view, mode, ...extra }), brand: groupBrand(view) }, status);
}

/** The join page's group for this reader; a deleted group has no join page. */
async function joinViewOf(c: Context<AppEnv>, tenant: Tenant, tdb: TenantDb): Promise<JoinView> {
  const group = await joinView(c.env, tenant, tdb, c.req.param("slug") ?? "", c.get("user"), viewingAsMember(c));
  if (group.view.deletedAt) throw notFound("No such group.");
  return group;
}

/** The join page for this reader: the form of their mode (a paid group's plans, `?plan=` chosen), or their state. */
async function joinPageOf(c: Context<AppEnv>, group: JoinView, asked?: string, extra: JoinExtra = {}, status: 200 | 202 | 400 | 401 | 403 | 409 | 422 | 429 = 200, visitorMode?: JoinMode) {
  const paid = await paidOf(c, tenantDb(c.env, requireTenant(c)), group.ctx);
  const user = c.get("user");
  const mode = !user && visitorMode ? visitorMode : joinModeFor(group.view, user, asked, paid);
  return renderJoin(c, group.view, mode, { paid, plan: c.req.query("plan") ?? "", ...extra }, status);
}

/** Refusals the paid group's page explains by itself (its plans, or the membership to change). */
const EXPLAINED = new Set(["plan_required", "membership_exists"]);

/** The join page again after a refusal, as the poster now sees the group (signed in on the way, or not). */
function joinRefused(c: Context<AppEnv>, group: JoinView, form: Record<string, string>, { err, errors, formError, status }: FormFailure) {
  const { password: _password, ...values } = form;
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  const asked = form.mode === "login" ? "login" : "signup";
  const fields = renameFields(errors, (k) => (k.startsWith("answers.") ? `answer.${k.slice(8)}` : k));
  const shown = formError && !EXPLAINED.has(err.code) ? { formError } : {};
  return joinPageOf(c, group, asked, { values, errors: fields, ...shown }, status as 400, asked);
}

/** What the join flow tells the page: a session to keep (the cookie, and whom the page now shows), mail to send. */
function joinEvents(c: Context<AppEnv>, seen: (group: JoinView) => void): JoinEvents {
  return {
    signedIn: ({ user, sessionToken, group }) => {
      setSessionCookie(c, sessionToken);
      c.set("user", user);
      seen(group);
    },
    mailQueued: () => deliverSoon(c),
  };
}

/** After the join form: the group's page for a member, else the join page saying what is pending. */
function joined(c: Context<AppEnv>, { status, group }: JoinOutcome) {
  const { view } = group;
  if (status === "member") return `/g/${view.slug}`;
  if (status === "pending") return renderJoin(c, { ...view, membership: "pending" }, "pending", {}, 202);
  if (status === "plan_pending") return joinPageOf(c, group, undefined, {}, 202);
  return renderJoin(c, view, "account_pending", {}, 202);
}

export const groupPages = new Hono<AppEnv>()
  .get("/g/:slug", (c) => renderGroupPageOf(c, c.req.param("slug")))
  .post("/g/:slug/leave", async (c) => {
    const tenant = requireTenant(c);
    // The form is on the group's page: a visitor comes back there.
    const user = requirePageUser(c, `/g/${c.req.param("slug")}`);
    if (user instanceof Response) return user;
    const tdb = tenantDb(c.env, tenant);
    const ctx = await loadGroup(tdb, c.req.param("slug"), user, viewingAsMember(c));
    await leaveGroup(c.env, tdb, ctx, user);
    return c.redirect(`/g/${ctx.group.slug}`, 303);
  })
  .get("/g/:slug/join", async (c) => {
    const tenant = requireTenant(c);
    return joinPageOf(c, await joinViewOf(c, tenant, tenantDb(c.env, tenant)), c.req.query("mode"));
  })
  // One flow: sign up or log in, answer the questions and join, in a single form post.
  .post("/g/:slug/join", async (c) => {
    const tenant = requireTenant(c);
    const tdb = tenantDb(c.env, tenant);
    const form = await readForm(c);
    let group = await joinViewOf(c, tenant, tdb);
    const on = joinEvents(c, (now) => {
      group = now;
    });
    return formAction(c, {
      run: () => joinWithAccount(c.env, tdb, tenant, { group, user: c.get("user"), form: form.values, asksMemberView: asksMemberView(c), clientIp: clientIp(c), base: requestOrigin(c) }, on),
      render: (f) => joinRefused(c, group, form.values, f),
      done: (outcome) => joined(c, outcome),
    });
  });
