import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { msg, t, type MessageKey } from "../../web/i18n";
import { MembershipPage, PlanPage, type MembershipPageProps, type MembershipForm } from "../../web/pages/memberships/membership";
import type { ChooseValues } from "../../web/pages/memberships/plans";
import type { PlanMembership } from "../db/schema";
import type { AppEnv } from "../env";
import { renderMarkdown } from "../discussions/markdown";
import { groupDirectory } from "../groups/queries";
import { requireTenant, viewingAsMember } from "../http/context";
import { forbidden, notFound } from "../http/errors";
import { formAction, readForm, renameFields, signedIn, withDone, type Form, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { getPlan, listPlans, planRow } from "../plans/service";
import { tenantDb } from "../db/client";
import { invoicesOf, invoiceView, totalsView } from "../invoices/invoices";
import { previewInvoice } from "../invoices/run";
import { portalRequest, type PortalRequest } from "./http";
import { decide, may, type MembershipAction, type MembershipActor } from "./policy";
import {
  billingPatch,
  cancelMembership,
  changeInput,
  changePlan,
  chooseInput,
  clockOf,
  dropPlanChange,
  editBilling,
  latestMembership,
  memberCancelsOn,
  openMembership,
  planChangeOn,
  startMembership,
  undoCancel,
  viewsOf,
} from "./service";

// The member's own membership pages: /membership (choose a plan, or see, change, cancel it
// and edit its billing details) and a plan's own page /membership/plans/{id}. Every action
// is the service's; the switches are the policy's, read as a member when viewing as one.

const NOTICES: Record<string, MessageKey> = {
  chosen: "membership.notice.chosen",
  requested: "membership.notice.requested",
  canceled: "membership.notice.canceled",
  withdrawn: "membership.notice.withdrawn",
  cancel_undone: "membership.notice.cancel_undone",
  change_scheduled: "membership.notice.change_scheduled",
  change_dropped: "membership.notice.change_dropped",
  billing_saved: "membership.notice.billing_saved",
};

/** The refusals of the membership service, said in the member's words. */
const REFUSALS: Record<string, MessageKey> = {
  membership_exists: "membership.error.membership_exists",
  membership_canceling: "membership.error.membership_canceling",
  membership_pending: "membership.error.membership_pending",
  membership_changed: "membership.error.membership_changed",
  membership_not_canceling: "membership.error.membership_not_canceling",
  membership_canceled: "membership.error.membership_canceled",
};

/** The reader as the policy sees them on a page: an owner or admin viewing as a member is a member. */
function pageActor(c: Context<AppEnv>): MembershipActor {
  return { tenantRole: c.get("user")?.tenantRole ?? null, viewingAsMember: viewingAsMember(c) };
}

/** 403 (a page saying the community turned it off) unless the reader may `action`. */
function assertPageMay(c: Context<AppEnv>, action: MembershipAction): void {
  const d = decide(pageActor(c), action, requireTenant(c).features);
  if (!d.ok) throw forbidden(d.why === "feature_disabled" ? "feature_disabled" : "forbidden", msg("membership.error.feature_disabled"));
}

/** The refusal's field errors and message for the page (the service's codes in the member's words). */
function refusal(c: Context<AppEnv>, f: FormFailure, fieldPrefix = "") {
  const key = REFUSALS[f.err.code];
  const formError = key ? t(pageContext(c).lang, key) : f.formError;
  return { errors: fieldPrefix ? renameFields(f.errors, (k) => `${fieldPrefix}${k}`) : f.errors, ...(formError ? { formError } : {}) };
}

/** The billing details of a form (`billing.name`, `billing.address`, `billing.taxId`); none when all are empty. */
export function billingOf(form: Pick<Form, "str">): { name: string; address: string; taxId: string | null } | undefined {
  const [name, address, taxId] = [form.str("billing.name"), form.str("billing.address"), form.str("billing.taxId")];
  if (!name.trim() && !address.trim() && !taxId.trim()) return undefined;
  return { name, address, taxId: taxId.trim() ? taxId : null };
}

function chooseForm(form: Form, planId: string) {
  const billing = billingOf(form);
  return { planId, ...(form.str("startsOn") ? { startsOn: form.str("startsOn") } : {}), ...(billing ? { billing } : {}) };
}

async function groupNames(r: PortalRequest): Promise<Record<string, string>> {
  return Object.fromEntries((await groupDirectory(r.t)).map((g) => [g.slug, g.name]));
}

/** /membership as the reader sees it now, with what a refused post brings (`extra`). */
async function membershipPage(c: Context<AppEnv>, extra: Partial<MembershipPageProps> = {}, status: ContentfulStatusCode = 200) {
  const r = await portalRequest(c);
  const actor = pageActor(c);
  // The membership's reads one after the other, beside the plans, the groups, the invoices and the next invoice's preview.
  const [{ latest, view, current, running }, plans, names, invoices, preview] = await Promise.all([
    (async () => {
      const latest = await latestMembership(r.t, r.user.id);
      const view = latest ? (await viewsOf(r.t, [latest], r.billing, r.clock.today))[0]! : null;
      const [current, running] = await Promise.all([view ? getPlan(r.t, view.plan.id, { archived: true }) : null, latest?.status === "active" ? planRow(r.t, latest.planId) : null]);
      return { latest, view, current, running };
    })(),
    listPlans(r.t, { all: false }),
    groupNames(r),
    invoicesOf(r.t, r.user.id),
    previewInvoice(r.t, r.tenant, r.billing, r.clock.today, r.user),
  ]);
  const ctx = pageContext(c);
  const props: MembershipPageProps = {
    ctx,
    today: r.clock.today,
    membership: view ? { ...view, plan: current ?? view.plan } : null,
    plans,
    groupNames: names,
    invoices: invoices.map(invoiceView),
    preview: preview ? { date: preview.date, ...totalsView(preview.draft) } : null,
    may: { cancel: may(actor, "cancelOwnMembership", r.tenant.features), change: may(actor, "changeOwnMembership", r.tenant.features), editBilling: may(actor, "editOwnBilling", r.tenant.features) },
    cancelsOn: latest && running ? memberCancelsOn(latest, running, r.billing, r.clock.today) : null,
    changeOn: latest && running ? planChangeOn(latest, running, r.billing, r.clock.today) : null,
    cancellationHtml: r.tenant.cancellationMessage ? renderMarkdown(r.tenant.cancellationMessage).html : null,
    ...doneNotice(c, NOTICES),
    ...extra,
  };
  return renderPage(c, t(ctx.lang, "membership.title"), MembershipPage(props), status);
}

/** A plan's own page: hidden plans are served (their link), archived or unknown ones are 404. */
async function planPage(c: Context<AppEnv>, extra: { values?: ChooseValues; errors?: Record<string, string>; formError?: string } = {}, status: ContentfulStatusCode = 200) {
  const tenant = requireTenant(c);
  const tdb = tenantDb(c.env, tenant);
  const id = c.req.param("id") ?? "";
  const plan = await getPlan(tdb, id.length <= 64 ? id : "", { archived: false });
  if (!plan) throw notFound("No such plan.");
  const user = c.get("user");
  const open = user ? await openMembership(tdb, user.id) : null;
  const ctx = pageContext(c);
  const names = Object.fromEntries((await groupDirectory(tdb)).map((g) => [g.slug, g.name]));
  const today = clockOf(tenant).today;
  return renderPage(c, plan.name, PlanPage({ ctx, plan, groupNames: names, today, hasMembership: open !== null, isCurrent: open?.planId === plan.id, ...extra }), status);
}

/** The member's membership that is not canceled, else 404 (said on the page). */
async function own(r: PortalRequest): Promise<PlanMembership> {
  const m = await openMembership(r.t, r.user.id);
  if (!m) throw notFound(msg("membership.error.no_membership"));
  return m;
}

/** A form acting on the member's own membership: allowed by the switches, run, then back to /membership with a notice. */
function acting(action: MembershipAction, formName: MembershipForm | null, run: (r: PortalRequest, m: PlanMembership, form: Form) => Promise<PlanMembership>, done: (m: PlanMembership) => string) {
  return async (c: Context<AppEnv>) => {
    const r = await portalRequest(c);
    assertPageMay(c, action);
    const form = await readForm(c);
    return formAction(c, {
      form,
      run: async () => run(r, await own(r), form),
      render: (f) => membershipPage(c, { ...refusal(c, f, formName === "billing" ? "billing." : ""), values: form.values, ...(formName ? { form: formName } : {}) }, f.status),
      done: (m) => withDone("/membership", done(m)),
    });
  };
}

const chosen = (m: PlanMembership) => withDone("/membership", m.status === "pending_approval" ? "requested" : "chosen");

export const membershipPages = new Hono<AppEnv>()
  .get("/membership", async (c) => {
    requireTenant(c);
    return signedIn(c) ?? membershipPage(c);
  })
  .post("/membership", async (c) => {
    const r = await portalRequest(c);
    assertPageMay(c, "choosePlan");
    const form = await readForm(c);
    return formAction(c, {
      form,
      run: () => startMembership(r.t, r.billing, r.clock, { ...parseWith(chooseInput, chooseForm(form, form.str("planId"))), userId: r.user.id }, "member"),
      render: (f) => membershipPage(c, { ...refusal(c, f), values: form.values, form: "choose" }, f.status),
      done: chosen,
    });
  })
  .post("/membership/cancel", acting("cancelOwnMembership", null, (r, m) => cancelMembership(r.t, r.billing, r.clock, m), (m) => (m.status === "canceled" ? "withdrawn" : "canceled")))
  .post("/membership/undo-cancel", acting("cancelOwnMembership", null, (r, m) => undoCancel(r.t, r.clock, m), () => "cancel_undone"))
  .post(
    "/membership/change",
    acting("changeOwnMembership", "change", (r, m, form) => changePlan(r.t, r.billing, r.clock, m, parseWith(changeInput.omit({ on: true }), { planId: form.str("planId") }).planId), () => "change_scheduled"),
  )
  .post("/membership/change/drop", acting("changeOwnMembership", null, (r, m) => dropPlanChange(r.t, r.clock, m), () => "change_dropped"))
  .post(
    "/membership/billing",
    acting("editOwnBilling", "billing", (r, m, form) => editBilling(r.t, r.clock, m, parseWith(billingPatch, billingOf(form) ?? { name: "", address: "" })), () => "billing_saved"),
  )
  .get("/membership/plans/:id", (c) => planPage(c))
  .post("/membership/plans/:id", async (c) => {
    const r = await portalRequest(c);
    assertPageMay(c, "choosePlan");
    const form = await readForm(c);
    return formAction(c, {
      form,
      run: () => startMembership(r.t, r.billing, r.clock, { ...parseWith(chooseInput, chooseForm(form, c.req.param("id"))), userId: r.user.id }, "member"),
      render: (f) => planPage(c, { ...refusal(c, f), values: form.values }, f.status),
      done: chosen,
    });
  });
