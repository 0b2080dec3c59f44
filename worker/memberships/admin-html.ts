import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { t, type Lang, type MessageKey } from "../../web/i18n";
import {
  AdminMembershipPage,
  AdminMembershipsPage,
  MEMBERSHIPS_PATH,
  membershipPath,
  type AssignState,
  type ListFilters,
  type MembershipForm,
  type MembershipPageProps,
} from "../../web/pages/memberships/admin-memberships";
import { requireUser } from "../auth/sessions";
import type { PlanMembership } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { formAction, readForm, signedIn, withDone, type Form, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { MAX_QUERY_CHARS } from "../http/search";
import { parseWith } from "../http/validate";
import { listPlans } from "../plans/service";
import { assertMay, portalRequest, type PortalRequest } from "./http";
import {
  assignByEmail,
  assignByEmailInput,
  billingPatch,
  cancelInput,
  cancelMembership,
  changeInput,
  changePlan,
  confirmMembership,
  dropPlanChange,
  editBilling,
  listMemberships,
  membershipById,
  membershipDetail,
  openMembershipByEmail,
  pendingMembershipCount,
  undoCancel,
} from "./service";

// /admin/memberships: the community admins' pages over the memberships service. Owners and
// admins only (viewing as a member they are a member: 403); the members' switches never
// stop them.

const NOTICES: Record<string, MessageKey> = {
  assigned: "admin.memberships.done.assigned",
  confirmed: "admin.memberships.done.confirmed",
  declined: "admin.memberships.done.declined",
  canceled: "admin.memberships.done.canceled",
  undone: "admin.memberships.done.undone",
  changed: "admin.memberships.done.changed",
  dropped: "admin.memberships.done.dropped",
  billing: "admin.memberships.done.billing",
};

/** Refusals of the memberships service in the admin's words (the others by the form kit's rule). */
const REFUSALS: Record<string, MessageKey> = {
  membership_exists: "admin.memberships.error.exists",
  membership_changed: "admin.memberships.error.changed",
  membership_not_pending: "admin.memberships.error.not_pending",
  membership_not_canceling: "admin.memberships.error.not_canceling",
  membership_canceled: "admin.memberships.error.canceled",
  membership_canceling: "admin.memberships.error.canceling",
  membership_pending: "admin.memberships.error.pending",
};

const PENDING_SHOWN = 20;
const PAGE_SIZE = 50;

/** A community admin acting as one, with the community's clock and billing settings (403 otherwise). */
async function adminRequest(c: Context<AppEnv>): Promise<PortalRequest> {
  const user = requireUser(c);
  assertMay({ tenantRole: user.tenantRole, viewingAsMember: viewingAsMember(c) }, "manageMemberships", requireTenant(c));
  return portalRequest(c);
}

const statusFilter = z.enum(["pending_approval", "active", "canceling", "canceled"]);

function listFilters(c: Context<AppEnv>): ListFilters {
  const status = statusFilter.safeParse(c.req.query("status"));
  const plan = c.req.query("plan") ?? "";
  return {
    status: status.success ? status.data : "",
    plan: plan.length <= 64 ? plan : "",
    q: (c.req.query("q") ?? "").trim().slice(0, MAX_QUERY_CHARS),
  };
}

/** The list: filters, a page of memberships, the approval queue above it when nothing is filtered. */
async function listPage(c: Context<AppEnv>, extra: Partial<Parameters<typeof AdminMembershipsPage>[0]> = {}, status: ContentfulStatusCode = 200) {
  const r = await adminRequest(c);
  const filters = listFilters(c);
  const cursor = c.req.query("cursor") ?? null;
  const opts = { ...(filters.status ? { status: filters.status } : {}), ...(filters.plan ? { planId: filters.plan } : {}), q: filters.q };
  const [list, pendingTotal, plans] = await Promise.all([
    listMemberships(r.t, r.billing, r.clock.today, { ...opts, limit: PAGE_SIZE, cursor }),
    c.get("pendingMemberships") ?? pendingMembershipCount(r.t), // the navigation's count, when its middleware made it
    listPlans(r.t, { all: true }),
  ]);
  const queue = pendingTotal > 0 && !filters.status && !filters.plan && !filters.q && !cursor;
  const pending = queue ? (await listMemberships(r.t, r.billing, r.clock.today, { status: "pending_approval", limit: PENDING_SHOWN })).items : [];
  const ctx = pageContext(c);
  return renderPage(
    c,
    t(ctx.lang, "admin.nav.memberships"),
    AdminMembershipsPage({ ctx, viewingAsMember: viewingAsMember(c), items: list.items, nextCursor: list.nextCursor, paged: Boolean(cursor), filters, plans, pending, pendingTotal, today: r.clock.today, ...doneNotice(c, NOTICES), ...extra }),
    status,
  );
}

const idParam = (c: Context<AppEnv>) => {
  const id = c.req.param("id") ?? "";
  return id.length <= 64 ? id : "";
};

/** One membership's page: everything about it, and the admin's actions on it. */
async function detailPage(c: Context<AppEnv>, extra: Partial<MembershipPageProps> = {}, status: ContentfulStatusCode = 200) {
  const r = await adminRequest(c);
  const [detail, plans] = await Promise.all([membershipDetail(r.t, r.billing, r.clock, idParam(c)), listPlans(r.t, { all: true })]);
  const ctx = pageContext(c);
  return renderPage(
    c,
    detail.member.name,
    AdminMembershipPage({ ctx, viewingAsMember: viewingAsMember(c), ...detail, plans, today: r.clock.today, ...doneNotice(c, NOTICES), ...extra }),
    status,
  );
}

/** A refusal in the admin's words. */
function refusalText(lang: Lang, f: FormFailure): string | undefined {
  const key = REFUSALS[f.err.code];
  return key ? t(lang, key) : f.formError;
}

/** The change form names its day `changeOn` (the cancel form has `on`); the service says `on`. */
function formErrors(which: MembershipForm, errors: Record<string, string>): Record<string, string> {
  if (which !== "change" || !errors.on) return errors;
  const { on, ...rest } = errors;
  return { ...rest, changeOn: on };
}

type Acting = { r: PortalRequest; m: PlanMembership; form: Form };

/**
 * An action on one membership: back to its page (or to the list, when sent from the list's
 * queue) with a notice, or its page again with the refusal in the form that was sent.
 */
async function act(c: Context<AppEnv>, which: MembershipForm, run: (a: Acting) => Promise<unknown>, done: (m: PlanMembership) => string) {
  const r = await adminRequest(c);
  const m = await membershipById(r.t, idParam(c));
  const form = await readForm(c);
  const lang = pageContext(c).lang;
  return formAction(c, {
    form,
    run: () => run({ r, m, form }),
    render: (f) => detailPage(c, { failed: { form: which, values: f.values, errors: formErrors(which, f.errors), formError: refusalText(lang, f) } }, f.status),
    done: () => withDone(form.str("from") === "list" ? MEMBERSHIPS_PATH : membershipPath(m.id), done(m)),
  });
}

const optionalDay = (value: string) => (value.trim() ? value.trim() : undefined);

/** The assignment's refusal: "already has a membership" beside the email, the rest as the kit says. */
async function assignFailure(c: Context<AppEnv>, r: PortalRequest, email: string, f: FormFailure): Promise<{ assign: AssignState; formError?: string | undefined }> {
  const lang = pageContext(c).lang;
  const values = { email, planId: f.values.planId, startsOn: f.values.startsOn };
  if (f.err.code !== "membership_exists") return { assign: { values, errors: f.errors, open: true }, formError: refusalText(lang, f) };
  const existing = await openMembershipByEmail(r.t, email);
  return { assign: { values, errors: { ...f.errors, email: t(lang, "admin.memberships.error.exists") }, open: true, existingId: existing?.id } };
}

export const membershipAdminPages = new Hono<AppEnv>()
  .get(MEMBERSHIPS_PATH, (c) => signedIn(c) ?? listPage(c))
  .post(MEMBERSHIPS_PATH, async (c) => {
    const r = await adminRequest(c);
    const form = await readForm(c);
    const input = { email: form.str("email"), planId: form.str("planId"), startsOn: optionalDay(form.str("startsOn")) };
    return formAction(c, {
      form,
      run: () => assignByEmail(r.t, r.billing, r.clock, parseWith(assignByEmailInput, input)),
      render: async (f) => listPage(c, await assignFailure(c, r, input.email, f), f.status),
      done: (m) => withDone(membershipPath(m.id), "assigned"),
    });
  })
  .get(`${MEMBERSHIPS_PATH}/:id`, (c) => signedIn(c) ?? detailPage(c))
  .post(`${MEMBERSHIPS_PATH}/:id/confirm`, (c) => act(c, "confirm", ({ r, m }) => confirmMembership(r.t, r.clock, m), () => "confirmed"))
  .post(`${MEMBERSHIPS_PATH}/:id/cancel`, (c) =>
    act(
      c,
      "cancel",
      ({ r, m, form }) => cancelMembership(r.t, r.billing, r.clock, m, parseWith(cancelInput, { on: optionalDay(form.str("on")) }).on),
      (m) => (m.status === "pending_approval" ? "declined" : "canceled"),
    ),
  )
  .post(`${MEMBERSHIPS_PATH}/:id/undo-cancel`, (c) => act(c, "undo", ({ r, m }) => undoCancel(r.t, r.clock, m), () => "undone"))
  .post(`${MEMBERSHIPS_PATH}/:id/change`, (c) =>
    act(
      c,
      "change",
      ({ r, m, form }) => {
        const input = parseWith(changeInput, { planId: form.str("planId"), on: optionalDay(form.str("changeOn")) });
        return changePlan(r.t, r.billing, r.clock, m, input.planId, input.on);
      },
      () => "changed",
    ),
  )
  .post(`${MEMBERSHIPS_PATH}/:id/drop-change`, (c) => act(c, "drop", ({ r, m }) => dropPlanChange(r.t, r.clock, m), () => "dropped"))
  .post(`${MEMBERSHIPS_PATH}/:id/billing`, (c) =>
    act(
      c,
      "billing",
      ({ r, m, form }) => editBilling(r.t, r.clock, m, parseWith(billingPatch, { name: form.str("name"), address: form.str("address"), taxId: form.str("taxId").trim() || null })),
      () => "billing",
    ),
  );
