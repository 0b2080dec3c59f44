import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { ChoiceField } from "../../ui/components";
import { BillingFieldset, planSummary, type ChooseValues, type PlanOffer } from "./plans";

/** The "no plan now" choice's value. */
export const NO_PLAN = "none";

/**
 * The sign-up form's plans: a radio list of the plans offered (and "no plan now"), then the
 * optional billing details. Posts `planId` (`none` for no plan) and `billing.name|address|taxId`.
 */
export function SignupPlans({ lang, plans, values, errors }: { lang: Lang; plans: PlanOffer[]; values: Record<string, unknown>; errors: Record<string, string> }): VNode {
  const text = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const chosen = text("planId") ?? "";
  const billing: ChooseValues = { "billing.name": text("billing.name"), "billing.address": text("billing.address"), "billing.taxId": text("billing.taxId") };
  return html`<div class="signup-plans">
    ${ChoiceField({
      name: "planId",
      legend: t(lang, "signup.plan_legend"),
      hint: t(lang, "signup.plan_hint"),
      value: plans.some((p) => p.id === chosen) ? chosen : NO_PLAN,
      error: errors.planId,
      options: [...plans.map((p) => ({ value: p.id, label: p.name, description: planSummary(lang, p) })), { value: NO_PLAN, label: t(lang, "signup.no_plan"), description: t(lang, "signup.no_plan_desc") }],
    })}
    ${BillingFieldset({ lang, prefix: "signup", values: billing, errors })}
  </div>`;
}
