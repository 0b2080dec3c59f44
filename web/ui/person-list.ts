import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { Section } from "./components";

/**
 * A titled section listing people (`PersonItem`s) in a card, or the `empty` line when there
 * is nobody: the banned members of a group, the muted ones.
 */
export function PersonListSection({
  id,
  className,
  title,
  intro,
  listClass,
  empty,
  items,
}: {
  id: string;
  className: string;
  title: string;
  intro: string;
  /** The list's own class, beside "card". */
  listClass: string;
  empty: string;
  items: VNode[];
}): VNode {
  const children: ComponentChildren = items.length ? html`<ul class=${`card ${listClass}`}>${items}</ul>` : html`<p class="empty">${empty}</p>`;
  return Section({ id, className, title, intro, children });
}
