import { html } from "htm/preact";
import type { VNode } from "preact";

/**
 * A read-only text input holding something to copy (a link, a password), with the
 * further attributes given in `attrs`, written in that order.
 */
export function CopyInput({ id, value, className = "input copy-input", attrs }: { id: string; value: string; className?: string; attrs: Record<string, string> }): VNode {
  return html`<input class=${className} id=${id} type="text" readonly value=${value} ...${attrs} />`;
}
