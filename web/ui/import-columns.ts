import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { t, type Lang } from "../i18n";

/**
 * The columns an import file may hold (a list of names, "email" tagged as required, each
 * with what goes in it), then, when there are groups, their identifiers to write in the
 * groups column. Shared by the invitation import and the account import.
 */
export function ImportColumns<C extends string>({
  lang,
  columns,
  describe,
  code,
  groups,
  groupsSummary,
  labelledBy,
  classes,
}: {
  lang: Lang;
  columns: readonly C[];
  describe: (column: C) => ComponentChildren;
  /** A column name or a group identifier, as the file must write it. */
  code: (text: string) => VNode;
  groups: { slug: string; name: string }[];
  groupsSummary: string;
  labelledBy?: string;
  classes: { list: string; item: string; groupIds: string; groupIdList: string; groupIdName: string };
}): VNode {
  return html`<dl class=${classes.list} aria-labelledby=${labelledBy}>
      ${columns.map(
        (column) => html`<div class=${classes.item}>
          <dt>
            ${code(column)}${column === "email" && html` <span class="label-tag">${t(lang, "form.required_tag")}</span>`}
          </dt>
          <dd>${describe(column)}</dd>
        </div>`,
      )}
    </dl>
    ${groups.length > 0 &&
    html`<details class=${classes.groupIds}>
      <summary>${groupsSummary}</summary>
      <ul class=${classes.groupIdList}>
        ${groups.map((g) => html`<li><span class=${classes.groupIdName}>${g.name}</span> ${code(g.slug)}</li>`)}
      </ul>
    </details>`}`;
}
