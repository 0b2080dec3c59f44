import { html } from "htm/preact";
import type { VNode } from "preact";
import { useState } from "preact/hooks";

export type CopyButtonProps = { target: string; label: string; done: string };

/** Copies the value of the field `target` (rendered by the browser only: without JavaScript, the field is selectable). */
export default function CopyButton({ target, label, done }: CopyButtonProps): VNode {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const field = document.getElementById(target) as HTMLInputElement | null;
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return html`<button type="button" class="btn btn-secondary btn-sm copy-button" onClick=${copy}>
    ${copied ? done : label}<span class="sr-only" aria-live="polite">${copied ? done : ""}</span>
  </button>`;
}
