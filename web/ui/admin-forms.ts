import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../i18n";
import { CheckboxField, ChoiceField } from "./components";
import type { GroupView } from "../pages/groups/types";

/** The admin forms' messages line is every form's (web/ui/components.ts). */
export { FormMessages } from "./components";

/** The join policy as three explained choices (create and settings forms). */
export function JoinPolicyField({ lang, value, error }: { lang: Lang; value: string; error?: string | undefined }): VNode {
  return ChoiceField({
    name: "joinPolicy",
    legend: t(lang, "admin.field.join_policy"),
    value,
    error,
    options: (["approval", "open", "invite"] as GroupView["joinPolicy"][]).map((policy) => ({
      value: policy,
      label: t(lang, `group.policy.${policy}`),
      description: t(lang, `admin.policy_desc.${policy}`),
    })),
  });
}

/** The groups to put people in, as checkboxes posting `groups` (a list); a line saying there are none when there are none. */
export function GroupChecks({
  groups,
  chosen,
  error,
  label,
  hint,
  empty,
}: {
  groups: { slug: string; name: string }[];
  chosen: Set<string>;
  error?: string | undefined;
  label: string;
  hint: string;
  /** Said instead of the list when the community has no groups. */
  empty: string;
}): VNode {
  if (groups.length === 0) {
    return html`<div class="field field-static">
      <p class="label">${label}</p>
      <p class="field-hint">${empty}</p>
    </div>`;
  }
  return html`<fieldset
    class=${error ? "field group-checks has-error" : "field group-checks"}
    aria-describedby=${error ? "field-groups-hint field-groups-error" : "field-groups-hint"}
  >
    <legend class="label">${label}</legend>
    <p class="field-hint" id="field-groups-hint">${hint}</p>
    <div class="group-check-list">
      ${groups.map((g, i) =>
        CheckboxField({ name: "groups", id: `field-groups-${i}`, value: g.slug, label: g.name, checked: chosen.has(g.slug) }),
      )}
    </div>
    ${error && html`<p class="field-error" id="field-groups-error">${error}</p>`}
  </fieldset>`;
}
