import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";

/**
 * A data table: an optional screen-reader caption, one header row of column titles (the
 * last one, when `actions` is given, a visually hidden title over the row actions) and
 * the body rows.
 */
export function DataTable({
  className,
  caption,
  labelledBy,
  columns,
  actions,
  children,
}: {
  className: string;
  caption?: string;
  labelledBy?: string;
  columns: string[];
  actions?: string;
  children: ComponentChildren;
}): VNode {
  return html`<table class=${className} aria-labelledby=${labelledBy}>
    ${caption !== undefined && html`<caption class="sr-only">${caption}</caption>`}
    <thead>
      <tr>
        ${columns.map((title) => html`<th scope="col">${title}</th>`)}
        ${actions !== undefined && html`<th scope="col"><span class="sr-only">${actions}</span></th>`}
      </tr>
    </thead>
    <tbody>
      ${children}
    </tbody>
  </table>`;
}
