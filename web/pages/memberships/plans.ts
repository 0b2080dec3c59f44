import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { Button, Field, TextareaField } from "../../ui/components";
import { formatMoney, formatNumber } from "../../ui/format";
import type { PlanView } from "../../../worker/plans/types";

// A plan as a member sees it, the form that chooses one, and the billing details fields:
// shared by /membership, a plan's own page and the sign-up page.

export type Money = PlanView["price"];

/** What a member reads of a plan: the API's plan view without what only admins see. */
export type PlanOffer = Omit<PlanView, "hidden" | "archived">;

/** What the choose form shows again after a refusal. */
export type ChooseValues = { planId?: string; startsOn?: string; "billing.name"?: string; "billing.address"?: string; "billing.taxId"?: string };

/** "€20.00 per month", "€300.00 every 3 months", "€200.00 per year". */
export function priceLine(lang: Lang, plan: Pick<PlanOffer, "price" | "intervalMonths">): string {
  const price = formatMoney(lang, plan.price);
  if (plan.intervalMonths === 1) return t(lang, "membership.price.month", { price });
  if (plan.intervalMonths === 12) return t(lang, "membership.price.year", { price });
  return t(lang, "membership.price.months", { price, months: plan.intervalMonths });
}

export function taxLine(lang: Lang, taxRate: number): string {
  return taxRate > 0 ? t(lang, "membership.tax.rate", { rate: formatNumber(lang, taxRate, { maximumFractionDigits: 2 }) }) : t(lang, "membership.tax.none");
}

/** One line for a radio choice: price, tax, and "needs approval". */
export function planSummary(lang: Lang, plan: PlanOffer): string {
  return [priceLine(lang, plan), taxLine(lang, plan.taxRate), plan.approvalRequired ? t(lang, "membership.plan.approval") : ""].filter(Boolean).join(" · ");
}

export function creditTime(lang: Lang, minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return t(lang, "membership.plan.minutes", { minutes: formatNumber(lang, rest) });
  if (rest === 0) return t(lang, "membership.plan.hours", { hours: formatNumber(lang, hours) });
  return t(lang, "membership.plan.hours_minutes", { hours: formatNumber(lang, hours), minutes: formatNumber(lang, rest) });
}

/** The plan's terms as a definition list: setup fee, notice, credits, groups (each only when it says something). */
export function PlanFacts({ lang, plan, groupNames }: { lang: Lang; plan: PlanOffer; groupNames: Record<string, string> }): VNode {
  const time = creditTime(lang, plan.credits.minutes);
  const rows: [string, string][] = [
    ...(plan.setupFee.amount > 0 ? [[t(lang, "membership.plan.setup_fee"), formatMoney(lang, plan.setupFee)] as [string, string]] : []),
    [t(lang, "membership.plan.notice"), plan.noticeDays > 0 ? tCount(lang, "membership.plan.notice_days", plan.noticeDays) : t(lang, "membership.plan.notice_none")],
    ...(plan.credits.minutes > 0
      ? [
          [
            t(lang, "membership.plan.credits"),
            plan.credits.categories.length > 0
              ? t(lang, "membership.plan.credits_for", { time, categories: plan.credits.categories.join(", ") })
              : t(lang, "membership.plan.credits_value", { time }),
          ] as [string, string],
        ]
      : []),
    ...(plan.groups.length > 0 ? [[t(lang, "membership.plan.groups"), plan.groups.map((s) => groupNames[s] ?? s).join(", ")] as [string, string]] : []),
  ];
  return html`<dl class="plan-facts">
    ${rows.map(([label, value]) => html`<div class="plan-fact"><dt>${label}</dt><dd>${value}</dd></div>`)}
  </dl>`;
}

/** The plan's name, price, tax note and "needs approval" badge. */
export function PlanHeader({ lang, plan, level = 3, href, approval = true }: { lang: Lang; plan: PlanOffer; level?: 2 | 3; href?: string; approval?: boolean }): VNode {
  const name = href ? html`<a href=${href}>${plan.name}</a>` : plan.name;
  return html`<div class="plan-head">
    ${level === 2 ? html`<h2 class="plan-name">${name}</h2>` : html`<h3 class="plan-name">${name}</h3>`}
    <p class="plan-price"><strong>${priceLine(lang, plan)}</strong> <span class="plan-tax">${taxLine(lang, plan.taxRate)}</span></p>
    ${approval && plan.approvalRequired && html`<p class="plan-approval"><span class="badge badge-warning">${t(lang, "membership.plan.approval")}</span> <span class="field-hint">${t(lang, "membership.plan.approval_hint")}</span></p>`}
  </div>`;
}

/** The billing details inputs (`billing.name`, `billing.address`, `billing.taxId`), ids prefixed so several forms fit on one page. */
export function BillingFields({ lang, prefix, values, errors, required = false }: { lang: Lang; prefix: string; values: ChooseValues; errors: Record<string, string>; required?: boolean }): VNode {
  return html`${Field({ id: `${prefix}-billing-name`, name: "billing.name", label: t(lang, "membership.billing.name"), value: values["billing.name"], error: errors["billing.name"], autocomplete: "billing name", maxlength: 200, required })}
  ${TextareaField({ id: `${prefix}-billing-address`, name: "billing.address", label: t(lang, "membership.billing.address"), value: values["billing.address"], error: errors["billing.address"], rows: 3, maxlength: 1000, required })}
  ${Field({ id: `${prefix}-billing-taxId`, name: "billing.taxId", label: t(lang, "membership.billing.tax_id"), value: values["billing.taxId"], error: errors["billing.taxId"], maxlength: 50 })}`;
}

/** The optional billing details as a fieldset. */
export function BillingFieldset({ lang, prefix, values, errors }: { lang: Lang; prefix: string; values: ChooseValues; errors: Record<string, string> }): VNode {
  return html`<fieldset class="fieldset plan-billing">
    <legend class="legend">${t(lang, "membership.billing_legend")} <span class="label-tag">${t(lang, "membership.billing_optional")}</span></legend>
    <p class="field-hint legend-hint">${t(lang, "membership.billing_hint")}</p>
    ${BillingFields({ lang, prefix, values, errors })}
  </fieldset>`;
}

/** The form that chooses `plan` (POST /membership): start day, optional billing details. */
export function ChooseForm({
  lang,
  plan,
  today,
  values = {},
  errors = {},
  action = "/membership",
}: {
  lang: Lang;
  plan: PlanOffer;
  today: string;
  values?: ChooseValues;
  errors?: Record<string, string>;
  /** Where it posts: /membership, or the plan's own page (its errors come back there). */
  action?: string;
}): VNode {
  const prefix = `plan-${plan.id}`;
  return html`<form class="form plan-choose-form" method="post" action=${action}>
    <input type="hidden" name="planId" value=${plan.id} />
    ${Field({ id: `${prefix}-startsOn`, name: "startsOn", type: "date", label: t(lang, "membership.starts_on"), hint: t(lang, "membership.starts_on_hint"), value: values.startsOn ?? today, error: errors.startsOn, required: true })}
    ${BillingFieldset({ lang, prefix, values, errors })}
    <div class="form-actions">${Button({ children: t(lang, plan.approvalRequired ? "membership.request_submit" : "membership.choose_submit") })}</div>
  </form>`;
}

/** A plan's card: header, description, terms, and whatever the page adds below (a form, links). */
export function PlanCard({ lang, plan, groupNames, href, children }: { lang: Lang; plan: PlanOffer; groupNames: Record<string, string>; href?: string; children?: VNode | false | null }): VNode {
  return html`<article class="card plan-card" aria-label=${plan.name}>
    ${PlanHeader({ lang, plan, ...(href ? { href } : {}) })}
    ${plan.description && html`<p class="plan-description">${plan.description}</p>`}
    ${PlanFacts({ lang, plan, groupNames })}
    ${children}
  </article>`;
}
