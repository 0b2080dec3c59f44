import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../i18n";
import { Alert, ChoiceField } from "./components";
import type { GroupView } from "../pages/groups/types";

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

/** The notice / form error / "fix the fields" line at the top of an admin form. */
export function FormMessages({
  lang,
  notice,
  formError,
  errors,
}: {
  lang: Lang;
  notice?: string | undefined;
  formError?: string | undefined;
  errors?: Record<string, string> | undefined;
}): VNode {
  const hasFieldErrors = Object.keys(errors ?? {}).length > 0;
  return html`${notice && Alert({ tone: "success", children: notice })}
  ${formError
    ? Alert({ tone: "error", children: formError })
    : hasFieldErrors && Alert({ tone: "error", children: t(lang, "form.fix_errors") })}`;
}
