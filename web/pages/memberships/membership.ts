import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { ActionForm, Alert, Button, ButtonLink, ChoiceField, FormMessages, PageHead, Section } from "../../ui/components";
import { formatDate } from "../../ui/format";
import { siteName, type PageContext } from "../../ui/page";
import { InvoicesSection, NextInvoiceSection, type InvoicePreviewView } from "../invoices/member-invoices";
import type { InvoicePageView } from "../../../worker/invoices/types";
import { BillingFields, ChooseForm, PlanCard, PlanFacts, PlanHeader, planSummary, type ChooseValues, type PlanOffer } from "./plans";

export type MembershipStatus = "pending_approval" | "active" | "canceling" | "canceled";

/** The member's latest membership (the API's `GET /me/membership`, structurally). */
export type OwnMembership = {
  plan: PlanOffer;
  status: MembershipStatus;
  startedOn: string;
  currentPeriod: { start: string; end: string } | null;
  nextInvoiceDate: string | null;
  cancelsOn: string | null;
  scheduledChange: { plan: { name: string }; on: string } | null;
  billing: { name: string; address: string; taxId: string | null } | null;
};

/** What the member may do themselves (the community's switches, through the policy). */
export type MemberMay = { cancel: boolean; change: boolean; editBilling: boolean };

/** Which form a refused post came from, so its errors show beside its fields. */
export type MembershipForm = "choose" | "change" | "billing";

const STATUS_KEYS: Record<MembershipStatus, MessageKey> = {
  pending_approval: "membership.status.pending_approval",
  active: "membership.status.active",
  canceling: "membership.status.canceling",
  canceled: "membership.status.canceled",
};
/** A membership status's badge colour (the member's page and the admin's list alike). */
export const STATUS_TONES: Record<MembershipStatus, string> = { pending_approval: "badge-warning", active: "badge-success", canceling: "badge-info", canceled: "badge-quiet" };

/** A day (`YYYY-MM-DD`, the community's calendar) in the reader's language. */
export function formatDay(lang: Lang, day: string): string {
  return formatDate(lang, `${day}T12:00:00Z`, { timeZone: "UTC" });
}

export function StatusBadge({ lang, status }: { lang: Lang; status: MembershipStatus }): VNode {
  return html`<span class=${`badge ${STATUS_TONES[status]}`}>${t(lang, STATUS_KEYS[status])}</span>`;
}

function Facts({ lang, m, may, today }: { lang: Lang; m: OwnMembership; may: MemberMay; today: string }): VNode {
  const d = (day: string) => formatDay(lang, day);
  return html`<dl class="plan-facts membership-facts">
    <div class="plan-fact">
      <dt>${t(lang, m.status === "pending_approval" || m.startedOn > today ? "membership.starts_on_future" : "membership.started_on")}</dt>
      <dd>${d(m.startedOn)}</dd>
    </div>
    ${m.currentPeriod &&
    html`<div class="plan-fact">
      <dt>${t(lang, "membership.current_period")}</dt>
      <dd>${t(lang, "membership.period", { start: d(m.currentPeriod.start), end: d(m.currentPeriod.end) })}</dd>
    </div>`}
    ${m.nextInvoiceDate && html`<div class="plan-fact"><dt>${t(lang, "membership.next_invoice")}</dt><dd>${d(m.nextInvoiceDate)}</dd></div>`}
    ${m.scheduledChange &&
    html`<div class="plan-fact">
      <dt>${t(lang, "membership.scheduled_change")}</dt>
      <dd>
        ${t(lang, "membership.scheduled_change_value", { plan: m.scheduledChange.plan.name, date: d(m.scheduledChange.on) })}
        ${may.change && ActionForm({ action: "/membership/change/drop", children: t(lang, "membership.drop_change"), variant: "ghost", className: "membership-drop" })}
      </dd>
    </div>`}
  </dl>`;
}

function StatusNote({ ctx, m }: { ctx: PageContext; m: OwnMembership }): VNode | null {
  const { lang } = ctx;
  if (m.status === "pending_approval") return Alert({ tone: "info", title: t(lang, "membership.status.pending_approval"), children: t(lang, "membership.pending_body", { community: siteName(ctx) }) });
  if (m.status === "canceling" && m.cancelsOn) return Alert({ tone: "warning", children: t(lang, "membership.canceling_body", { date: formatDay(lang, m.cancelsOn) }) });
  return null;
}

function ChangeSection({ lang, m, plans, changeOn, values, errors }: { lang: Lang; m: OwnMembership; plans: PlanOffer[]; changeOn: string; values: ChooseValues; errors: Record<string, string> }): VNode {
  const others = plans.filter((p) => p.id !== m.plan.id);
  const date = formatDay(lang, changeOn);
  return Section({
    id: "membership-change-title",
    className: "card membership-section",
    title: t(lang, "membership.change_title"),
    intro: t(lang, "membership.change_intro", { date }),
    children: others.length
      ? html`<form class="form" method="post" action="/membership/change">
          ${ChoiceField({
            name: "planId",
            legend: t(lang, "membership.change_legend"),
            value: values.planId ?? "",
            error: errors.planId,
            options: others.map((p) => ({ value: p.id, label: p.name, description: planSummary(lang, p) })),
          })}
          <div class="form-actions">${Button({ children: t(lang, "membership.change_submit", { date }), variant: "secondary" })}</div>
        </form>`
      : html`<p class="muted">${t(lang, "membership.change_none")}</p>`,
  });
}

function CancelSection({ lang, m, cancelsOn, cancellationHtml }: { lang: Lang; m: OwnMembership; cancelsOn: string | null; cancellationHtml: string | null }): VNode | null {
  if (m.status === "pending_approval") {
    return Section({
      id: "membership-cancel-title",
      className: "card membership-section",
      title: t(lang, "membership.withdraw_title"),
      intro: t(lang, "membership.withdraw_body"),
      children: ActionForm({ action: "/membership/cancel", children: t(lang, "membership.withdraw_submit"), variant: "danger" }),
    });
  }
  if (m.status === "canceling") {
    return Section({
      id: "membership-cancel-title",
      className: "card membership-section",
      title: t(lang, "membership.undo_title"),
      intro: t(lang, "membership.undo_body"),
      children: ActionForm({ action: "/membership/undo-cancel", children: t(lang, "membership.undo_submit"), variant: "primary" }),
    });
  }
  if (m.status !== "active" || !cancelsOn) return null;
  return html`<section class="card membership-section membership-cancel" aria-labelledby="membership-cancel-title">
    <details>
      <summary class="membership-cancel-summary"><h2 id="membership-cancel-title">${t(lang, "membership.cancel_title")}</h2></summary>
      ${cancellationHtml && html`<div class="post-body membership-cancel-message" dangerouslySetInnerHTML=${{ __html: cancellationHtml }}></div>`}
      <p class="membership-cancel-date">${t(lang, "membership.cancel_date", { date: formatDay(lang, cancelsOn) })}</p>
      ${ActionForm({ action: "/membership/cancel", children: t(lang, "membership.cancel_submit"), variant: "danger", size: "lg" })}
    </details>
  </section>`;
}

function BillingSection({ lang, m, may, values, errors }: { lang: Lang; m: OwnMembership; may: boolean; values: ChooseValues | null; errors: Record<string, string> }): VNode {
  const b = m.billing;
  const shown: ChooseValues = values ?? { "billing.name": b?.name ?? "", "billing.address": b?.address ?? "", "billing.taxId": b?.taxId ?? "" };
  return Section({
    id: "membership-billing-title",
    className: "card membership-section",
    title: t(lang, "membership.billing_title"),
    children: may
      ? html`<form class="form membership-billing-form" method="post" action="/membership/billing">
          ${!b && html`<p class="field-hint">${t(lang, "membership.billing_none")}</p>`}
          ${BillingFields({ lang, prefix: "membership", values: shown, errors, required: true })}
          <div class="form-actions">${Button({ children: t(lang, "membership.billing_save"), variant: "secondary" })}</div>
        </form>`
      : b
        ? html`<address class="membership-billing">${b.name}<br />${b.address}${b.taxId && html`<br />${b.taxId}`}</address>`
        : html`<p class="muted">${t(lang, "membership.billing_none")}</p>`,
  });
}

/** The plans to choose, each with its form behind a "Choose this plan" disclosure (open when its post was refused). */
export function PlanChoices({ ctx, plans, groupNames, today, values, errors, openPlan }: { ctx: PageContext; plans: PlanOffer[]; groupNames: Record<string, string>; today: string; values: ChooseValues; errors: Record<string, string>; openPlan: string | null }): VNode {
  const { lang } = ctx;
  return Section({
    id: "membership-plans-title",
    className: "membership-plans",
    title: t(lang, "membership.plans_title"),
    children: plans.length
      ? html`<div class="plan-grid">
          ${plans.map((plan) =>
            PlanCard({
              lang,
              plan,
              groupNames,
              href: `/membership/plans/${encodeURIComponent(plan.id)}`,
              children: html`<details class="plan-choose" open=${openPlan === plan.id}>
                <summary class="btn btn-primary" aria-label=${t(lang, "membership.choose_label", { plan: plan.name })}>${t(lang, "membership.choose_open")}</summary>
                ${ChooseForm({ lang, plan, today, ...(openPlan === plan.id ? { values, errors } : {}) })}
              </details>`,
            }),
          )}
        </div>`
      : html`<p class="muted">${t(lang, "membership.no_plans", { community: siteName(ctx) })}</p>`,
  });
}

export type MembershipPageProps = {
  ctx: PageContext;
  today: string;
  /** The latest membership, canceled included; null when the member never had one. */
  membership: OwnMembership | null;
  /** The plans a member can choose (neither hidden nor archived). */
  plans: PlanOffer[];
  groupNames: Record<string, string>;
  may: MemberMay;
  /** The last day of access a cancellation today gives (the service's rule). */
  cancelsOn: string | null;
  /** The day a plan change asked today takes effect. */
  changeOn: string | null;
  /** The community's cancellation message, rendered and sanitised. */
  cancellationHtml: string | null;
  /** The member's invoices, newest first. */
  invoices: InvoicePageView[];
  /** The next invoice as the run would issue it; null when it would bill nothing. */
  preview: InvoicePreviewView | null;
  notice?: string | undefined;
  formError?: string | undefined;
  errors?: Record<string, string>;
  values?: ChooseValues;
  /** The form a refused post came from. */
  form?: MembershipForm;
};

/**
 * /membership: without a membership (or after one ended), the plans to choose; with one, its
 * plan, state and periods, then change plan, cancel (or undo) and billing details, each only
 * when the community lets members do it.
 */
export function MembershipPage(props: MembershipPageProps): VNode {
  const { ctx, membership: m, may, errors = {}, values = {}, form } = props;
  const { lang } = ctx;
  const open = m && m.status !== "canceled" ? m : null;
  const billed = html`${props.preview && NextInvoiceSection({ lang, preview: props.preview })}
  ${(open || props.invoices.length > 0) && InvoicesSection({ lang, invoices: props.invoices, today: props.today })}`;
  return html`<div class="container membership-page">
    ${PageHead({ title: t(lang, "membership.title"), lead: open ? t(lang, "membership.lead") : t(lang, "membership.lead_none", { community: siteName(ctx) }) })}
    ${FormMessages({ lang, notice: props.notice, formError: props.formError, errors })}
    ${open
      ? html`<section class="card membership-current" aria-label=${t(lang, "membership.your_plan")}>
            <p class="membership-eyebrow">${t(lang, "membership.your_plan")}</p>
            <div class="membership-title-row">${PlanHeader({ lang, plan: open.plan, level: 2, approval: false })} ${StatusBadge({ lang, status: open.status })}</div>
            ${StatusNote({ ctx, m: open })}
            ${Facts({ lang, m: open, may, today: props.today })}
            ${PlanFacts({ lang, plan: open.plan, groupNames: props.groupNames })}
          </section>
          ${billed}
          ${may.change && open.status === "active" && props.changeOn && ChangeSection({ lang, m: open, plans: props.plans, changeOn: props.changeOn, values: form === "change" ? values : {}, errors: form === "change" ? errors : {} })}
          ${BillingSection({ lang, m: open, may: may.editBilling, values: form === "billing" ? values : null, errors: form === "billing" ? errors : {} })}
          ${may.cancel && CancelSection({ lang, m: open, cancelsOn: props.cancelsOn, cancellationHtml: props.cancellationHtml })}`
      : html`${m && Alert({ tone: "info", children: m.cancelsOn ? t(lang, "membership.canceled_body", { plan: m.plan.name, date: formatDay(lang, m.cancelsOn) }) : t(lang, "membership.canceled_body_undated", { plan: m.plan.name }) })}
        ${PlanChoices({ ctx, plans: props.plans, groupNames: props.groupNames, today: props.today, values, errors, openPlan: form === "choose" ? (values.planId ?? null) : null })}
        ${billed}`}
  </div>`;
}

/**
 * /membership/plans/{id}: one plan (a hidden plan's own link too), with the form to choose it;
 * a visitor gets links to sign up with it or log in; a member who has a membership, a link to it.
 */
export function PlanPage({
  ctx,
  plan,
  groupNames,
  today,
  hasMembership,
  isCurrent,
  values = {},
  errors = {},
  formError,
}: {
  ctx: PageContext;
  plan: PlanOffer;
  groupNames: Record<string, string>;
  today: string;
  hasMembership: boolean;
  isCurrent: boolean;
  values?: ChooseValues;
  errors?: Record<string, string>;
  formError?: string | undefined;
}): VNode {
  const { lang, user } = ctx;
  const self = `/membership/plans/${encodeURIComponent(plan.id)}`;
  const action = !user
    ? html`<div class="actions plan-visitor-actions">
        ${ButtonLink({ href: `/signup?plan=${encodeURIComponent(plan.id)}`, children: t(lang, "membership.plan_signup") })}
        ${ButtonLink({ href: `/login?next=${encodeURIComponent(self)}`, variant: "secondary", children: t(lang, "membership.plan_login") })}
      </div>`
    : hasMembership
      ? html`<p class="plan-has-membership">${t(lang, isCurrent ? "membership.plan_is_yours" : "membership.plan_has_membership")}</p>
          ${ButtonLink({ href: "/membership", variant: "secondary", children: t(lang, "membership.plan_go_membership") })}`
      : ChooseForm({ lang, plan, today, values, errors, action: self });
  return html`<div class="container narrow membership-page plan-page">
    <p class="plan-back"><a href=${user ? "/membership" : "/"}>${user ? t(lang, "membership.plan_all") : siteName(ctx)}</a></p>
    ${FormMessages({ lang, formError, errors })}
    <article class="card plan-card plan-card-single" aria-label=${plan.name}>
      ${PlanHeader({ lang, plan, level: 2 })}
      ${plan.description && html`<p class="plan-description">${plan.description}</p>`}
      ${PlanFacts({ lang, plan, groupNames })}
      ${action}
    </article>
  </div>`;
}
