import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { initial } from "../../ui/components";
import type { BrandColors } from "../../ui/theme";
import { safeImageUrl } from "../../ui/url";
import type { GroupView } from "./types";

/**
 * The colours of a group's pages: its own primary colour when it has one (also used as
 * the accent, so avatars and badges match it), otherwise the community's.
 */
export function groupBrand(group: Pick<GroupView, "branding">): BrandColors {
  const own = group.branding.primaryColor;
  return own ? { primaryColor: own, accentColor: own } : {};
}

export const groupPath = (slug: string) => `/g/${encodeURIComponent(slug)}`;
export const adminGroupPath = (slug: string) => `/admin/groups/${encodeURIComponent(slug)}`;

const POLICY_KEYS: Record<GroupView["joinPolicy"], MessageKey> = {
  open: "group.policy.open",
  approval: "group.policy.approval",
  invite: "group.policy.invite",
};

export function joinPolicyLabel(lang: Lang, policy: GroupView["joinPolicy"]): string {
  return t(lang, POLICY_KEYS[policy]);
}

/** The group's logo, or its initial on the brand colour. Decorative: the name is always beside it. */
export function GroupLogo({ group, className }: { group: Pick<GroupView, "name" | "branding">; className: string }): VNode {
  const src = safeImageUrl(group.branding.logoUrl);
  return src
    ? html`<img class=${`${className} group-logo-img`} src=${src} alt="" />`
    : html`<span class=${`${className} group-logo-badge`} aria-hidden="true">${initial(group.name)}</span>`;
}

/** The cover image, or a band in the brand colour. */
export function GroupCover({ group, className }: { group: Pick<GroupView, "branding">; className: string }): VNode {
  const src = safeImageUrl(group.branding.coverUrl);
  return html`<div class=${className}>
    ${src ? html`<img class="cover-img" src=${src} alt="" />` : html`<span class="cover-band"></span>`}
  </div>`;
}

/** Plain text as paragraphs: blank lines separate them, single line breaks are kept. */
export function Paragraphs({ text, className }: { text: string; className?: string }): VNode[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p class=${className}>${p.split("\n").map((line, i) => (i === 0 ? line : [html`<br />`, line]))}</p>`);
}

export { Avatar, avatarTone } from "../../ui/avatar";
