import type { VNode } from "preact";
import { t, type Lang } from "../i18n";
import { ChoiceField } from "./components";
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
