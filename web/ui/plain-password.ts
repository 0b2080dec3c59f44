import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";

/**
 * A password field without the show/hide island: label, input (`name="password"`, with the
 * further attributes in `attrs`, in that order), an optional hint, then the error.
 */
export function PlainPasswordField({
  id,
  className = "field",
  label,
  attrs,
  hint,
  error,
}: {
  id: string;
  className?: string;
  label: string;
  attrs: Record<string, string | number | boolean | undefined>;
  hint?: ComponentChildren;
  error?: string | undefined;
}): VNode {
  return html`<div class=${error ? `${className} has-error` : className}>
    <label class="label" for=${id}>${label}</label>
    <input class="input" id=${id} name="password" type="password" ...${attrs} />
    ${hint}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  </div>`;
}
