import { Hono, type Context } from "hono";
import { avatarUrlOf } from "../profiles/avatar-column";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { closestLang, type MessageKey } from "../../web/i18n";
import type { GroupDiscussion } from "../../web/pages/discussions/discussion";
import { discussionForPage } from "../discussions/service";
import { GroupPage, groupBrand } from "../../web/pages/groups/group";
import { JoinPage, type JoinMode } from "../../web/pages/groups/join";
import type { GroupAbility, MemberView } from "../../web/pages/groups/types";
import { logIn, loginSchema, signUp, signupSchema } from "../auth/service";
import { setSessionCookie } from "../auth/sessions";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import type { AppEnv } from "../env";
import { clientIp, requestOrigin, requireTenant } from "../http/context";
import { notFound } from "../http/errors";
import { formAction, readForm, requirePageUser } from "../http/forms";
import { doneNotice, groupPageContext, renderWith } from "../http/render";
import { parseWith } from "../http/validate";
import { deliverSoon } from "../mail/deliver";
import { joinGroup, leaveGroup, membershipState, validateAnswers } from "./membership";
import { viewingAsMember } from "../http/context";
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
async function groupForPage(c: Context<AppEnv>, tdb: TenantDb, slug: string): Promise<{ ctx: GroupContext; preview: MemberView[] }> {
  const user = c.get("user");
  const group = await groupBySlug(tdb, slug);
  if (!group) throw notFound("No such group.");
  const role = user ? ((await viewerRoles(tdb, user.id))[group.id] ?? null) : null;
  const banned = !!user && !role && (await isBanned(tdb, group.id, user.id));
  const actor = { tenantRole: user?.tenantRole ?? null, groupRole: role, banned, viewingAsMember: viewingAsMember(c) };
  if (group.deletedAt !== null && !can(actor, "viewDeleted")) throw notFound("No such group.");
  const members = await membersPreview(tdb, group.id);
  // Who is in the group is for its members (and admins) to see; others see the count.
  const preview = can(actor, "viewMembers")
    ? members.preview.map((m) => ({ userId: m.userId, name: m.name, email: null, role: m.role, joinedAt: new Date(m.joinedAt).toISOString(), avatarUrl: avatarUrlOf(m.avatarKey) }))
    : [];
  return { ctx: { group, actor, memberCount: members.count }, preview };
}

function renderGroup(
  c: Context<AppEnv>,
  view: GroupView,
  preview: MemberView[],
  ability: GroupAbility,
  extra: { notice?: string; discussion?: GroupDiscussion } = {},
  status: ContentfulStatusCode = 200,
) {
  const pctx = groupPageContext(c, view.branding);
  return renderWith(c, pctx, { title: view.name, body: GroupPage({ ctx: pctx, group: view, members: preview, ability, ...extra }), brand: groupBrand(view) }, status);
}

/** What a redirect to the group page may announce (`?done=`). */
const GROUP_NOTICES: Record<string, MessageKey> = { thread_deleted: "notice.discussion.thread_deleted", hidden: "notice.discussion.hidden", removed: "notice.discussion.removed" };

/** The group page; for members with the discussions (and, after a failed post, the form as it was typed). */
export async function renderGroupPageOf(c: Context<AppEnv>, slug: string, threadForm?: GroupDiscussion["threadForm"], status: ContentfulStatusCode = 200) {
  const tenant = requireTenant(c);
  const tdb = tenantDb(c.env, tenant);
  const user = c.get("user");
  const { ctx, preview } = await groupForPage(c, tdb, slug);
  const [membership, discussion] = await Promise.all([membershipState(c.env, tdb, ctx, user), discussionForPage(c.env, tenant, ctx, user, { ...(threadForm ? { threadForm } : {}), cursor: c.req.query("cursor") ?? null, viewerLang: closestLang(c.get("language")) })]);
  const extra = { ...(discussion ? { discussion } : {}), ...doneNotice(c, GROUP_NOTICES) };
  return renderGroup(c, groupView(c.env, tenant, ctx, membership), preview, abilityOf(ctx), extra, status);
}

function joinModeFor(view: GroupView, user: User | null, asked: string | undefined): JoinMode {
  if (view.membership === "member") return "member";
  if (view.membership === "banned") return "banned";
  if (view.membership === "pending") return "pending";
  if (view.joinPolicy === "invite") return "invite_only";
  if (user) return "questions";
  return asked === "login" ? "login" : "signup";
}

function renderJoin(c: Context<AppEnv>, view: GroupView, mode: JoinMode, extra: { values?: Record<string, string>; errors?: Record<string, string>; formError?: string } = {}, status: 200 | 202 | 400 | 401 | 403 | 409 | 422 | 429 = 200) {
  const pctx = groupPageContext(c, view.branding);
  return renderWith(c, pctx, { title: view.name, body: JoinPage({ ctx: pctx, group: view, mode, ...extra }), brand: groupBrand(view) }, status);
}

/** The answers of a join form: fields named `answer.{questionId}`. */
function answersFrom(form: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) if (k.startsWith("answer.")) out[k.slice(7)] = v;
  return out;
}

async function viewFor(c: Context<AppEnv>, tenant: Tenant, tdb: TenantDb, slug: string) {
  const ctx = await loadGroup(tdb, slug, c.get("user"), viewingAsMember(c));
  const membership = await membershipState(c.env, tdb, ctx, c.get("user"));
  return { ctx, view: groupView(c.env, tenant, ctx, membership) };
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
    const { view } = await viewFor(c, tenant, tenantDb(c.env, tenant), c.req.param("slug"));
    if (view.deletedAt) throw notFound("No such group.");
    return renderJoin(c, view, joinModeFor(view, c.get("user"), c.req.query("mode")));
  })
  // One flow: sign up or log in, answer the questions and join, in a single form post.
  .post("/g/:slug/join", async (c) => {
    const tenant = requireTenant(c);
    const tdb = tenantDb(c.env, tenant);
    const slug = c.req.param("slug");
    const { values: form } = await readForm(c);
    let { ctx, view } = await viewFor(c, tenant, tdb, slug);
    if (view.deletedAt) throw notFound("No such group.");
    const asked = form.mode === "login" ? "login" : "signup";
    const values = { ...form };
    delete values.password;
    const join = async (): Promise<Response | string> => {
      let user = c.get("user");
      if (!user) {
        // Check the answers before creating anything, so a missing answer creates no account.
        if (view.joinPolicy !== "invite") validateAnswers(ctx, answersFrom(form));
        if (asked === "login") {
          const result = await logIn(tdb, parseWith(loginSchema, form), clientIp(c));
          setSessionCookie(c, result.sessionToken);
          user = result.user;
        } else {
          const input = parseWith(signupSchema, { ...form, language: form.language || undefined });
          const result = await signUp(tdb, tenant, input, { base: requestOrigin(c) });
          deliverSoon(c);
          // The community approves new accounts: nothing to join until an admin lets them in.
          if (!result.sessionToken) return renderJoin(c, view, "account_pending", {}, 202);
          setSessionCookie(c, result.sessionToken);
          user = result.user;
        }
        c.set("user", user);
        ({ ctx, view } = await viewFor(c, tenant, tdb, slug));
      }
      const result = await joinGroup(c.env, tdb, ctx, user, answersFrom(form));
      if (result.status === "member") return `/g/${view.slug}`;
      return renderJoin(c, { ...view, membership: "pending" }, "pending", {}, 202);
    };
    return formAction(c, {
      run: join,
      render: ({ err, errors: fields, formError, status }) => {
        const errors: Record<string, string> = {};
        for (const [k, v] of Object.entries(fields)) errors[k.startsWith("answers.") ? `answer.${k.slice(8)}` : k] = v;
        for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
        const mode = c.get("user") ? joinModeFor(view, c.get("user"), asked) : asked;
        return renderJoin(c, view, mode, { values, errors, ...(formError ? { formError } : {}) }, status as 400);
      },
      done: (to) => to,
    });
  });
