import { html } from "htm/preact";
import type { VNode } from "preact";
import type { LevelView } from "../pages/discussions/types";

/**
 * The reward shown next to a member's name once their level unlocks a badge. Used by
 * server pages and islands alike, so it imports nothing from the catalogs: the level's
 * name (set by the group's admins) is its accessible label.
 */
export function LevelBadge({ level }: { level: LevelView | null }): VNode | null {
  if (!level || !level.badge) return null;
  return html`<span class="level-badge" title=${level.name} aria-label=${level.name}>${level.badge}</span>`;
}
