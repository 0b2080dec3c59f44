import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { ActionForm, ButtonLink } from "../../ui/components";
import { formatMoney } from "../../ui/format";
import { groupPath } from "./shared";
import type { GroupView, PaidGroupView, PaidPlanView } from "./types";

// A paid group's plans on its pages: the plans that open it (what each costs, what it says,
// whether the community approves it first), the radio choice of the join page's form, and
// the plan a member is in through on the member lists.

/** "€29.00 per month", "€300.00 every 12 months". */
export function planPrice(lang: Lang, plan: Pick<PaidPlanView, "price" | "intervalMonths">): string {
  return tCount(lang, "paid.price_per", plan.intervalMonths, { price: formatMoney(lang, plan.price) });
}

/** The plans' names as one phrase ("Resident, Flex" in the reader's list style). */
function planNames(lang: Lang, plans: { name: string }[]): string {
  return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(plans.map((p) => p.name));
}

/** "Included in the plans X and Y" (or reserved to some plans, when none is offered). */
export function includedInText(lang: Lang, paid: PaidGroupView): string {
  return paid.plans.length > 0 ? tCount(lang, "paid.included_in", paid.plans.length, { plans: planNames(lang, paid.plans) }) : t(lang, "paid.reserved");
}

/** "Included in the plans X and Y": a paid group, for everyone who sees it. */
export function IncludedIn({ lang, paid, className }: { lang: Lang; paid: PaidGroupView | null | undefined; className: string }): VNode | null {
  if (!paid) return null;
  return html`<p class=${`${className} included-in`}>
    <span class="included-in-icon" aria-hidden="true"></span>
    <span>${includedInText(lang, paid)}</span>
  </p>`;
}

function PlanFacts({ lang, plan, id }: { lang: Lang; plan: PaidPlanView; id?: string }): VNode {
  const description = plan.description.trim();
  return html`<span class="plan-facts" id=${id}>
    <span class="plan-price">${planPrice(lang, plan)}</span>
    ${description && html`<span class="plan-desc">${description}</span>`}
    ${plan.approvalRequired && html`<span class="badge badge-info plan-approval">${t(lang, "paid.needs_approval")}</span>`}
  </span>`;
}

/** The join page's choice of plan: radio cards (the first, or `selected`, checked). */
export function PlanChoice({ lang, plans, selected, error }: { lang: Lang; plans: PaidPlanView[]; selected: string; error?: string }): VNode {
  const checked = plans.some((p) => p.id === selected) ? selected : plans[0]?.id;
  const errorId = "field-planId-error";
  return html`<fieldset class=${error ? "fieldset join-section field choice has-error" : "fieldset join-section field choice"} aria-describedby=${error ? errorId : undefined}>
    <legend class="legend">${t(lang, "paid.choose_legend")}</legend>
    <div class="choice-list plan-choice">
      ${plans.map((p) => {
        const id = `plan-${p.id}`;
        return html`<label class="choice-option plan-option" for=${id}>
          <input class="choice-input" type="radio" id=${id} name="planId" value=${p.id} checked=${p.id === checked} required aria-describedby=${`${id}-facts`} />
          <span class="choice-text">
            <span class="choice-label">${p.name}</span>
            ${PlanFacts({ lang, plan: p, id: `${id}-facts` })}
          </span>
        </label>`;
      })}
    </div>
    ${error && html`<p class="field-error" id=${errorId}>${error}</p>`}
  </fieldset>`;
}

/**
 * The group page's card of plans for a member who has none that opens the group: each plan
 * with what it costs, and a button that chooses it and joins in one post (a group with
 * questions is joined on its join page, the plan already chosen).
 */
export function PlansCard({ lang, group, paid }: { lang: Lang; group: GroupView; paid: PaidGroupView }): VNode {
  const path = groupPath(group.slug);
  const direct = group.joinPolicy === "open" && group.questions.length === 0;
  return html`<section class="card plans-card" id="plans" aria-labelledby="plans-title">
    <h2 class="card-title" id="plans-title">${t(lang, "paid.plans_title")}</h2>
    <p class="muted">${t(lang, "paid.plans_intro", { group: group.name })}</p>
    <ul class="plan-list">
      ${paid.plans.map(
        (p) => html`<li class="plan-item">
          <span class="plan-item-text">
            <strong class="plan-name">${p.name}</strong>
            ${PlanFacts({ lang, plan: p })}
          </span>
          ${direct
            ? ActionForm({
                action: `${path}/join`,
                variant: "primary",
                hidden: { mode: "plans", planId: p.id },
                children: t(lang, p.approvalRequired ? "paid.choose_request" : "paid.choose_join"),
                label: t(lang, "paid.choose_plan_label", { plan: p.name }),
              })
            : ButtonLink({ href: `${path}/join?plan=${encodeURIComponent(p.id)}`, size: "sm", children: t(lang, "paid.choose") })}
        </li>`,
      )}
    </ul>
  </section>`;
}

/** The plan a member is in through, beside their name on a group's member lists. */
export function PlanBadge({ lang, plan }: { lang: Lang; plan: { name: string } | null | undefined }): VNode | null {
  if (!plan) return null;
  return html`<span class="badge badge-plan" title=${t(lang, "paid.via_plan", { plan: plan.name })}>
    <span class="sr-only">${t(lang, "paid.plan_label")} </span>${plan.name}
  </span>`;
}
