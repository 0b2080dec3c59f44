import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { ActionForm, Alert, Button, Field, FormMessages, SelectField, TextareaField } from "../../ui/components";
import { AdminShell } from "../../ui/admin-layout";
import { DataTable } from "../../ui/table";
import { formatDay, formatMoney, formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { STATUS_TONES, type MembershipStatus } from "./membership";
import { chargesOfPath } from "../invoices/admin-invoices";

// /admin/memberships (community owners and admins): every membership with filters, one
// membership's page with the admin's actions, and the form that puts a member on a plan.
// The shapes are the JSON API's (`GET /api/v1/memberships`), as the worker's services answer them.

export type Money = { amount: number; currency: string };
export type { MembershipStatus };
export const MEMBERSHIP_STATUSES: readonly MembershipStatus[] = ["pending_approval", "active", "canceling", "canceled"];

export type AdminPlan = { id: string; name: string; price: Money; intervalMonths: number; noticeDays: number; archived: boolean; hidden: boolean; approvalRequired: boolean };

export type AdminMembership = {
  id: string;
  userId: string;
  plan: AdminPlan;
  status: MembershipStatus;
  startedOn: string;
  currentPeriod: { start: string; end: string } | null;
  nextInvoiceDate: string | null;
  cancelsOn: string | null;
  scheduledChange: { plan: AdminPlan; on: string } | null;
  billing: { name: string; address: string; taxId: string | null } | null;
};

export type AdminMembershipItem = AdminMembership & { member: { id: string; name: string; email: string } };

export const MEMBERSHIPS_PATH = "/admin/memberships";
export const membershipPath = (id: string) => `${MEMBERSHIPS_PATH}/${encodeURIComponent(id)}`;
const profilePath = (userId: string) => `/admin/members/${encodeURIComponent(userId)}/profile`;

const STATUS_LABEL: Record<MembershipStatus, MessageKey> = {
  pending_approval: "admin.memberships.status.pending_approval",
  active: "admin.memberships.status.active",
  canceling: "admin.memberships.status.canceling",
  canceled: "admin.memberships.status.canceled",
};

export function StatusBadge({ lang, status }: { lang: Lang; status: MembershipStatus }): VNode {
  return html`<span class=${`badge membership-status ${STATUS_TONES[status]}`}>${t(lang, STATUS_LABEL[status])}</span>`;
}

/** "€49.99 a month", "€120.00 every 3 months". */
function priceLabel(lang: Lang, plan: AdminPlan): string {
  const price = formatMoney(lang, plan.price);
  return plan.intervalMonths === 1 ? t(lang, "admin.memberships.price_month", { price }) : t(lang, "admin.memberships.price_months", { price, n: formatNumber(lang, plan.intervalMonths) });
}

const day = (lang: Lang, d: string, short = false) => html`<time datetime=${d}>${formatDay(lang, d, { short })}</time>`;

/** The list's "now" column: what happens next to this membership. */
function NextCell({ lang, m }: { lang: Lang; m: AdminMembership }): VNode {
  const parts: VNode[] = [];
  if (m.currentPeriod) parts.push(html`<span class="membership-when">${t(lang, "admin.memberships.period_short")} ${day(lang, m.currentPeriod.start, true)} – ${day(lang, m.currentPeriod.end, true)}</span>`);
  if (m.cancelsOn && m.status === "canceling") parts.push(html`<span class="membership-when is-canceling">${t(lang, "admin.memberships.cancels_short")} ${day(lang, m.cancelsOn, true)}</span>`);
  if (m.scheduledChange) parts.push(html`<span class="membership-when is-change">${t(lang, "admin.memberships.change_short", { plan: m.scheduledChange.plan.name })} ${day(lang, m.scheduledChange.on, true)}</span>`);
  if (parts.length === 0) return html`<span class="muted" aria-hidden="true">—</span><span class="sr-only">${t(lang, "admin.memberships.nothing_next")}</span>`;
  return html`<span class="membership-next">${parts}</span>`;
}

function Row({ lang, m }: { lang: Lang; m: AdminMembershipItem }): VNode {
  return html`<tr class=${`membership-row is-${m.status}`}>
    <th scope="row" class="cell-member">
      <a class="membership-member-name" href=${profilePath(m.member.id)}>${m.member.name}</a>
      <span class="membership-member-email">${m.member.email}</span>
    </th>
    <td class="cell-plan" data-label=${t(lang, "admin.memberships.col_plan")}>${m.plan.name}</td>
    <td class="cell-status" data-label=${t(lang, "admin.memberships.col_status")}>${StatusBadge({ lang, status: m.status })}</td>
    <td class="cell-start" data-label=${t(lang, "admin.memberships.col_started")}>${day(lang, m.startedOn, true)}</td>
    <td class="cell-next" data-label=${t(lang, "admin.memberships.col_next")}>${NextCell({ lang, m })}</td>
    <td class="cell-actions">
      <a class="btn btn-secondary btn-sm" href=${membershipPath(m.id)} aria-label=${t(lang, "admin.memberships.open_label", { name: m.member.name })}>${t(lang, "admin.memberships.open")}</a>
    </td>
  </tr>`;
}

export type ListFilters = { status: MembershipStatus | ""; plan: string; q: string };

/** The list's URL with its filters kept. */
export function listHref(f: ListFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (f.status) params.set("status", f.status);
  if (f.plan) params.set("plan", f.plan);
  if (f.q) params.set("q", f.q);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `${MEMBERSHIPS_PATH}?${query}` : MEMBERSHIPS_PATH;
}

function FilterForm({ lang, filters, plans, pendingTotal }: { lang: Lang; filters: ListFilters; plans: AdminPlan[]; pendingTotal: number }): VNode {
  // Waiting for approval comes first when any membership waits.
  const order: (MembershipStatus | "")[] = pendingTotal > 0 ? ["pending_approval", "active", "canceling", "canceled", ""] : ["", "active", "canceling", "canceled", "pending_approval"];
  const label = (s: MembershipStatus | "") =>
    s === "" ? t(lang, "admin.memberships.filter_all") : s === "pending_approval" && pendingTotal > 0 ? `${t(lang, STATUS_LABEL[s])} (${formatNumber(lang, pendingTotal)})` : t(lang, STATUS_LABEL[s]);
  return html`<form class="filter-bar membership-filters" method="get" action=${MEMBERSHIPS_PATH} role="search" aria-label=${t(lang, "admin.memberships.filters_label")}>
    ${SelectField({ name: "status", label: t(lang, "admin.memberships.filter_status"), value: filters.status, options: order.map((s) => ({ value: s, label: label(s) })) })}
    ${SelectField({
      name: "plan",
      label: t(lang, "admin.memberships.filter_plan"),
      value: filters.plan,
      options: [{ value: "", label: t(lang, "admin.memberships.filter_any_plan") }, ...plans.map((p) => ({ value: p.id, label: p.archived ? t(lang, "admin.memberships.plan_archived", { name: p.name }) : p.name }))],
    })}
    ${Field({ name: "q", type: "search", label: t(lang, "admin.memberships.search"), value: filters.q, maxlength: 100, autocomplete: "off", verbatim: true })}
    <div class="filter-actions">
      ${Button({ children: t(lang, "admin.memberships.filter_submit"), variant: "secondary" })}
      ${(filters.status || filters.plan || filters.q) && html`<a class="btn btn-ghost" href=${MEMBERSHIPS_PATH}>${t(lang, "admin.memberships.filter_clear")}</a>`}
    </div>
  </form>`;
}

export type AssignValues = { email?: string; planId?: string; startsOn?: string };
/** The assignment as posted: its values, errors, and the member's current membership when they already have one (409). */
export type AssignState = { values: AssignValues; errors: Record<string, string>; open?: boolean; existingId?: string | undefined };

function AssignForm({ lang, plans, state, today }: { lang: Lang; plans: AdminPlan[]; state: AssignState; today: string }): VNode {
  const { values, errors, existingId } = state;
  const choosable = plans.filter((p) => !p.archived);
  return html`<div class="card membership-assign">
    <h2 class="card-title" id="assign-title">${t(lang, "admin.memberships.assign_title")}</h2>
    <p class="card-intro">${t(lang, "admin.memberships.assign_intro")}</p>
    ${choosable.length === 0
      ? html`<p class="empty">${t(lang, "admin.memberships.assign_no_plan")} <a href="/admin/plans">${t(lang, "admin.nav.plans")}</a></p>`
      : html`<form class="form membership-assign-form" method="post" action=${MEMBERSHIPS_PATH}>
          ${Field({ name: "email", type: "email", label: t(lang, "admin.memberships.assign_email"), value: values.email, required: true, maxlength: 254, autocomplete: "off", inputmode: "email", verbatim: true, hint: t(lang, "admin.memberships.assign_email_hint"), error: errors.email })}
          ${existingId && html`<p class="membership-existing"><a href=${membershipPath(existingId)}>${t(lang, "admin.memberships.open_existing")}</a></p>`}
          ${SelectField({ name: "planId", label: t(lang, "admin.memberships.assign_plan"), value: values.planId ?? "", options: choosable.map((p) => ({ value: p.id, label: `${p.name} · ${priceLabel(lang, p)}` })), error: errors.planId })}
          ${Field({ name: "startsOn", type: "date", label: t(lang, "admin.memberships.assign_starts"), value: values.startsOn ?? today, hint: t(lang, "admin.memberships.assign_starts_hint"), error: errors.startsOn })}
          <div class="form-actions">${Button({ children: t(lang, "admin.memberships.assign_submit") })}</div>
        </form>`}
  </div>`;
}

/** Memberships waiting for approval: confirm or decline each without opening it. */
function Queue({ lang, pending, total }: { lang: Lang; pending: AdminMembershipItem[]; total: number }): VNode {
  return html`<section class="admin-panel membership-queue" aria-labelledby="membership-queue-title">
    <div class="section-head">
      <h2 id="membership-queue-title">${t(lang, "admin.memberships.queue_title")} <span class="tab-count">${formatNumber(lang, total)}</span></h2>
      <p class="section-intro">${t(lang, "admin.memberships.queue_intro")}</p>
    </div>
    <ul class="approval-list">
      ${pending.map(
        (m) => html`<li class="card approval-item membership-queue-item">
          <span class="membership-queue-text">
            <a class="membership-member-name" href=${membershipPath(m.id)}>${m.member.name}</a>
            <span class="membership-member-email">${m.member.email}</span>
            <span class="field-hint">${t(lang, "admin.memberships.queue_line", { plan: m.plan.name })} ${day(lang, m.startedOn, true)}</span>
          </span>
          <span class="approval-actions">
            ${ActionForm({ action: `${membershipPath(m.id)}/confirm`, hidden: { from: "list" }, children: t(lang, "admin.memberships.confirm"), variant: "primary", label: t(lang, "admin.memberships.confirm_label", { name: m.member.name }) })}
            ${ActionForm({ action: `${membershipPath(m.id)}/cancel`, hidden: { from: "list" }, children: t(lang, "admin.memberships.decline"), variant: "ghost", label: t(lang, "admin.memberships.decline_label", { name: m.member.name }) })}
          </span>
        </li>`,
      )}
    </ul>
  </section>`;
}

export function AdminMembershipsPage({
  ctx,
  viewingAsMember,
  items,
  nextCursor,
  paged = false,
  filters,
  plans,
  pending,
  pendingTotal,
  today,
  notice,
  formError,
  assign = { values: {}, errors: {} },
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  items: AdminMembershipItem[];
  nextCursor: string | null;
  /** Whether this is a page after the first (a "first page" link then). */
  paged?: boolean;
  filters: ListFilters;
  /** Every plan (archived ones too, for the filter). */
  plans: AdminPlan[];
  /** The first memberships waiting for approval (shown above the list), and how many wait. */
  pending: AdminMembershipItem[];
  pendingTotal: number;
  /** The community's today, the assignment's default start. */
  today: string;
  notice?: string | undefined;
  formError?: string | undefined;
  /** The assignment form as posted, with its errors (open when it has any). */
  assign?: AssignState;
}): VNode {
  const { lang } = ctx;
  const filtered = Boolean(filters.status || filters.plan || filters.q);
  const assignOpen = assign.open || Object.keys(assign.errors).length > 0;
  return AdminShell({
    ctx,
    section: "memberships",
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, notice, formError, errors: assign.errors })}
      <details class="membership-assign-details" open=${assignOpen ? true : undefined}>
        <summary class="btn btn-primary">${t(lang, "admin.memberships.assign_button")}</summary>
        ${AssignForm({ lang, plans, state: assign, today })}
      </details>
      ${pending.length > 0 && Queue({ lang, pending, total: pendingTotal })}
      <section class="admin-panel" aria-labelledby="memberships-list-title">
        <div class="section-head">
          <h2 id="memberships-list-title">${t(lang, "admin.memberships.list_title")}</h2>
          <p class="section-intro">${t(lang, "admin.memberships.list_intro")}</p>
        </div>
        ${FilterForm({ lang, filters, plans, pendingTotal })}
        ${items.length > 0
          ? html`<div class="card table-card memberships-card">
              ${DataTable({
                className: "table table-stack-sm memberships-table",
                caption: t(lang, "admin.memberships.caption"),
                columns: (["col_member", "col_plan", "col_status", "col_started", "col_next"] as const).map((col) => t(lang, `admin.memberships.${col}`)),
                actions: t(lang, "admin.memberships.col_actions"),
                children: items.map((m) => Row({ lang, m })),
              })}
            </div>`
          : html`<p class="empty">${t(lang, filtered ? "admin.memberships.empty_filtered" : "admin.memberships.empty")}</p>`}
        ${(nextCursor || paged) &&
        html`<nav class="pager" aria-label=${t(lang, "admin.memberships.pages")}>
          ${paged && html`<a class="btn btn-ghost btn-sm" href=${listHref(filters)}>${t(lang, "admin.memberships.first_page")}</a>`}
          ${nextCursor && html`<a class="btn btn-secondary btn-sm pager-next" href=${listHref(filters, nextCursor)}>${t(lang, "admin.memberships.next_page")}</a>`}
        </nav>`}
      </section>
    `,
  });
}

// ── one membership ─────────────────────────────────────────────────────────

/** The forms of the membership page; a refusal is shown in the form that was sent. */
export type MembershipForm = "confirm" | "cancel" | "undo" | "change" | "drop" | "billing";

export type MembershipPageProps = {
  ctx: PageContext;
  viewingAsMember: boolean;
  membership: AdminMembership;
  member: { id: string; name: string; email: string };
  /** The member's rule for the last day of access if cancelled today (null when it cannot be cancelled with a date). */
  ruleCancelsOn: string | null;
  /** The day a plan change takes effect by default (null when the plan cannot change). */
  nextChangeOn: string | null;
  plans: AdminPlan[];
  today: string;
  notice?: string | undefined;
  /** The form that was refused, what it sent, and why. */
  failed?: { form: MembershipForm; values: Record<string, string>; errors: Record<string, string>; formError?: string | undefined };
};

function Summary({ lang, m, member }: { lang: Lang; m: AdminMembership; member: MembershipPageProps["member"] }): VNode {
  const none = html`<span class="muted">${t(lang, "admin.memberships.none")}</span>`;
  // French agrees "none" with the noun: une période, une facture.
  const noneF = html`<span class="muted">${t(lang, "admin.memberships.none_f")}</span>`;
  const rows: [MessageKey, unknown][] = [
    ["admin.memberships.field_member", html`<a href=${profilePath(member.id)}>${member.name}</a> <span class="membership-member-email">${member.email}</span>`],
    ["admin.memberships.field_plan", html`${m.plan.name} <span class="muted">· ${priceLabel(lang, m.plan)}</span>${m.plan.archived ? html` <span class="badge badge-quiet">${t(lang, "admin.memberships.archived")}</span>` : null}`],
    ["admin.memberships.field_status", StatusBadge({ lang, status: m.status })],
    ["admin.memberships.field_started", day(lang, m.startedOn)],
    ["admin.memberships.field_period", m.currentPeriod ? html`${day(lang, m.currentPeriod.start)} – ${day(lang, m.currentPeriod.end)}` : noneF],
    ["admin.memberships.field_next_invoice", m.nextInvoiceDate ? day(lang, m.nextInvoiceDate) : noneF],
    ["admin.memberships.field_cancels", m.cancelsOn ? day(lang, m.cancelsOn) : none],
    ["admin.memberships.field_change", m.scheduledChange ? html`${t(lang, "admin.memberships.change_to", { plan: m.scheduledChange.plan.name })} ${day(lang, m.scheduledChange.on)}` : none],
    [
      "admin.memberships.field_billing",
      m.billing
        ? html`<span class="membership-billing">${m.billing.name}<br />${m.billing.address}${m.billing.taxId ? html`<br />${t(lang, "admin.memberships.tax_id_is", { id: m.billing.taxId })}` : null}</span>`
        : html`<span class="muted">${t(lang, "admin.memberships.billing_none")}</span>`,
    ],
  ];
  return html`<section class="card membership-summary" aria-labelledby="membership-summary-title">
    <h2 class="card-title" id="membership-summary-title">${t(lang, "admin.memberships.summary_title")}</h2>
    <dl class="membership-facts">
      ${rows.map(([key, value]) => html`<div class="membership-fact"><dt>${t(lang, key)}</dt><dd>${value}</dd></div>`)}
    </dl>
    <p class="membership-charges-link"><a href=${chargesOfPath(member.id)}>${t(lang, "admin.charges.of_member")}</a></p>
  </section>`;
}

/** One action card: its title, what it does, the refusal if this form was the one refused, then the form. */
function ActionCard({ id, title, intro, formError, children }: { id: string; title: string; intro?: string; formError?: string | undefined; children: unknown }): VNode {
  return html`<section class="card membership-action" aria-labelledby=${id}>
    <h2 class="card-title" id=${id}>${title}</h2>
    ${intro && html`<p class="card-intro">${intro}</p>`}
    ${formError && Alert({ tone: "error", children: formError })}
    ${children}
  </section>`;
}

export function AdminMembershipPage(props: MembershipPageProps): VNode {
  const { ctx, membership: m, member, failed } = props;
  const { lang } = ctx;
  const base = membershipPath(m.id);
  const shown = new Set<MembershipForm>();
  const mine = (form: MembershipForm) => {
    shown.add(form);
    return failed?.form === form ? failed : undefined;
  };
  const cards: VNode[] = [];
  if (m.status === "pending_approval") {
    const f = mine("confirm") ?? mine("cancel");
    cards.push(ActionCard({
      id: "membership-approval-title",
      title: t(lang, "admin.memberships.approval_title"),
      intro: t(lang, "admin.memberships.approval_intro", { plan: m.plan.name }),
      formError: f?.formError,
      children: html`<div class="actions membership-approval-actions">
        ${ActionForm({ action: `${base}/confirm`, children: t(lang, "admin.memberships.confirm"), variant: "primary", size: "lg" })}
        ${ActionForm({ action: `${base}/cancel`, children: t(lang, "admin.memberships.decline_request"), variant: "danger", size: "lg" })}
      </div>
      <p class="field-hint">${t(lang, "admin.memberships.decline_hint")}</p>`,
    }));
  }
  if (m.status === "canceling") {
    cards.push(ActionCard({
      id: "membership-undo-title",
      title: t(lang, "admin.memberships.undo_title"),
      intro: t(lang, "admin.memberships.undo_intro", { date: formatDay(lang, m.cancelsOn ?? props.today) }),
      formError: mine("undo")?.formError,
      children: ActionForm({ action: `${base}/undo-cancel`, children: t(lang, "admin.memberships.undo_submit"), variant: "secondary", size: "lg" }),
    }));
  }
  if (m.status === "active" || m.status === "canceling") {
    const f = mine("cancel");
    const rule = props.ruleCancelsOn;
    cards.push(ActionCard({
      id: "membership-cancel-title",
      title: t(lang, m.status === "canceling" ? "admin.memberships.cancel_again_title" : "admin.memberships.cancel_title"),
      intro: t(lang, "admin.memberships.cancel_intro"),
      formError: f?.formError,
      children: html`<form class="form membership-cancel-form" method="post" action=${`${base}/cancel`}>
        ${Field({
          name: "on",
          type: "date",
          label: t(lang, "admin.memberships.cancel_on"),
          value: f ? f.values.on : (m.status === "canceling" ? m.cancelsOn : rule) ?? "",
          hint: rule
            ? m.plan.noticeDays > 0
              ? t(lang, "admin.memberships.cancel_on_hint", { date: formatDay(lang, rule), days: formatNumber(lang, m.plan.noticeDays) })
              : t(lang, "admin.memberships.cancel_on_hint_period", { date: formatDay(lang, rule) })
            : undefined,
          error: f?.errors.on,
        })}
        <div class="form-actions">${Button({ children: t(lang, m.status === "canceling" ? "admin.memberships.cancel_again_submit" : "admin.memberships.cancel_submit"), variant: m.status === "canceling" ? "secondary" : "danger" })}</div>
      </form>`,
    }));
  }
  if (m.status === "active") {
    const f = mine("change");
    const targets = props.plans.filter((p) => !p.archived && p.id !== m.plan.id);
    cards.push(ActionCard({
      id: "membership-change-title",
      title: t(lang, "admin.memberships.change_title"),
      intro: t(lang, "admin.memberships.change_intro"),
      formError: f?.formError,
      children: html`${m.scheduledChange &&
        html`<div class="membership-scheduled">
          <p>${t(lang, "admin.memberships.change_to", { plan: m.scheduledChange.plan.name })} ${day(lang, m.scheduledChange.on)}</p>
          ${mine("drop")?.formError && Alert({ tone: "error", children: mine("drop")!.formError })}
          ${ActionForm({ action: `${base}/drop-change`, children: t(lang, "admin.memberships.drop_submit"), variant: "secondary" })}
        </div>`}
        ${targets.length === 0
          ? html`<p class="empty">${t(lang, "admin.memberships.change_no_plan")}</p>`
          : html`<form class="form membership-change-form" method="post" action=${`${base}/change`}>
              ${SelectField({ name: "planId", label: t(lang, "admin.memberships.change_plan"), value: f?.values.planId ?? "", options: targets.map((p) => ({ value: p.id, label: `${p.name} · ${priceLabel(lang, p)}` })), error: f?.errors.planId })}
              ${Field({
                name: "changeOn",
                type: "date",
                label: t(lang, "admin.memberships.change_on"),
                value: f?.values.changeOn ?? "",
                tag: t(lang, "form.optional_tag"),
                hint: props.nextChangeOn ? t(lang, "admin.memberships.change_on_hint", { date: formatDay(lang, props.nextChangeOn) }) : undefined,
                error: f?.errors.changeOn,
              })}
              <div class="form-actions">${Button({ children: t(lang, m.scheduledChange ? "admin.memberships.change_replace_submit" : "admin.memberships.change_submit"), variant: "secondary" })}</div>
            </form>`}`,
    }));
  }
  if (m.status !== "canceled") {
    const f = mine("billing");
    const v = f?.values ?? { name: m.billing?.name ?? "", address: m.billing?.address ?? "", taxId: m.billing?.taxId ?? "" };
    cards.push(ActionCard({
      id: "membership-billing-title",
      title: t(lang, "admin.memberships.billing_title"),
      intro: t(lang, "admin.memberships.billing_intro"),
      formError: f?.formError,
      children: html`<form class="form membership-billing-form" method="post" action=${`${base}/billing`}>
        ${Field({ name: "name", label: t(lang, "admin.memberships.billing_name"), value: v.name, required: true, maxlength: 200, error: f?.errors.name })}
        ${TextareaField({ name: "address", label: t(lang, "admin.memberships.billing_address"), value: v.address, rows: 3, maxlength: 1000, error: f?.errors.address })}
        ${Field({ name: "taxId", label: t(lang, "admin.memberships.billing_tax_id"), value: v.taxId, maxlength: 50, tag: t(lang, "form.optional_tag"), error: f?.errors.taxId })}
        <div class="form-actions">${Button({ children: t(lang, "admin.memberships.billing_submit"), variant: "secondary" })}</div>
      </form>`,
    }));
  }
  return AdminShell({
    ctx,
    section: "memberships",
    heading: member.name,
    viewingAsMember: props.viewingAsMember,
    children: html`
      ${props.notice && Alert({ tone: "success", children: props.notice })}
      ${failed && Object.keys(failed.errors).length > 0 && !failed.formError && Alert({ tone: "error", children: t(lang, "form.fix_errors") })}
      ${failed?.formError && !shown.has(failed.form) && Alert({ tone: "error", children: failed.formError })}
      <div class="membership-layout">
        ${Summary({ lang, m, member })}
        <div class="membership-actions">
          ${m.status === "canceled" ? html`<p class="card membership-ended">${t(lang, "admin.memberships.ended")}</p>` : cards}
        </div>
      </div>
      <p><a href=${MEMBERSHIPS_PATH}>${t(lang, "admin.memberships.back")}</a></p>
    `,
  });
}
