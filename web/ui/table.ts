import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";

/** A column title, with the class of its header cell (`num` for a right-aligned number). */
export type Column = string | { title: string; className: string };

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
  columns: Column[];
  actions?: string;
  children: ComponentChildren;
}): VNode {
  return html`<table class=${className} aria-labelledby=${labelledBy}>
    ${caption !== undefined && html`<caption class="sr-only">${caption}</caption>`}
    <thead>
      <tr>
        ${columns.map((column) =>
          typeof column === "string"
            ? html`<th scope="col">${column}</th>`
            : html`<th scope="col" class=${column.className}>${column.title}</th>`,
        )}
        ${actions !== undefined && html`<th scope="col"><span class="sr-only">${actions}</span></th>`}
      </tr>
    </thead>
    <tbody>
      ${children}
    </tbody>
  </table>`;
}
