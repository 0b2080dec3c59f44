import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";

/** A stable colour slot (0–5) for a person's avatar, from their id. */
export function avatarTone(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 6;
}

/** Initials: the first letters of the first and last words ("Élodie Martin" → "ÉM"), one for a single word. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = Array.from(words[0] ?? "")[0] ?? "·";
  const last = words.length > 1 ? (Array.from(words[words.length - 1]!)[0] ?? "") : "";
  return `${first}${last}`.toLocaleUpperCase();
}

/**
 * The one avatar for a person, wherever they are shown (header, member lists, threads,
 * chat, suggestions): their picture when there is one, else their initials on a colour
 * of their own. Decorative: the name is always written beside it.
 */
export function Avatar({ id, name, url, size }: { id: string; name: string; url?: string | null; size?: "sm" | "lg" }): VNode {
  const cls = `avatar avatar-tone-${avatarTone(id)}${size ? ` avatar-${size}` : ""}`;
  return url && url.startsWith("/")
    ? html`<img class=${`${cls} avatar-img`} src=${url} alt="" aria-hidden="true" />`
    : html`<span class=${cls} aria-hidden="true">${initials(name)}</span>`;
}

/** One person in a short list (banned or muted members): avatar, name, the "since" line and any more, then an action. */
export function PersonItem({
  className,
  person,
  since,
  more,
  action,
}: {
  /** The item's class, e.g. "ban-item". */
  className: string;
  person: { userId: string; name: string };
  since: ComponentChildren;
  /** After the "since" line (a reason). */
  more?: ComponentChildren;
  action?: ComponentChildren;
}): VNode {
  return html`<li class=${className}>
    ${Avatar({ id: person.userId, name: person.name })}
    <span class="person-text">
      <span class="person-name">${person.name}</span>
      <span class="person-since">${since}</span>
      ${more}
    </span>
    ${action}
  </li>`;
}
