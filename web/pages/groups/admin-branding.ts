import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { Button, ColorInput, FileField } from "../../ui/components";
import { formatBytes } from "../../ui/format";
import { Island } from "../../ui/island";
import type { PageContext } from "../../ui/page";
import { DEFAULT_BRAND } from "../../ui/theme";
import { safeImageUrl } from "../../ui/url";
import { adminGroupPath } from "./shared";
import type { GroupView } from "./types";
import { FormMessages } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";

/** Upload limits (API.md, group assets). */
export const ASSET_LIMITS = { logo: 2 * 1024 * 1024, cover: 5 * 1024 * 1024, favicon: 512 * 1024 } as const;
export const IMAGE_ACCEPT = "image/png,image/jpeg,image/webp,image/gif";
export const FAVICON_ACCEPT = "image/png,image/x-icon,.ico";

export function assetHint(lang: Lang, kind: keyof typeof ASSET_LIMITS): string {
  return t(lang, kind === "favicon" ? "branding.favicon_hint" : "branding.image_hint", {
    limit: formatBytes(lang, ASSET_LIMITS[kind]),
  }) + (kind === "cover" ? ` ${t(lang, "branding.cover_size")}` : kind === "logo" ? ` ${t(lang, "branding.logo_size")}` : "");
}

/** /admin/groups/{slug}/branding: colour, logo, cover and favicon, with a live preview. */
export function GroupBrandingPage({
  ctx,
  group,
  notice,
  formError,
  errors = {},
  viewingAsMember,
  pendingRequests,
}: {
  ctx: PageContext;
  group: GroupView;
  notice?: string;
  formError?: string;
  errors?: Record<string, string>;
  viewingAsMember: boolean;
  pendingRequests?: number;
}): VNode {
  const { lang } = ctx;
  const fallback = ctx.tenant?.primaryColor ?? DEFAULT_BRAND;
  const ids = { color: "field-primaryColor", logo: "field-logo", cover: "field-cover", favicon: "field-favicon" };
  const limit = (kind: keyof typeof ASSET_LIMITS) => ({ bytes: ASSET_LIMITS[kind], label: formatBytes(lang, ASSET_LIMITS[kind]) });
  return AdminShell({
    ctx,
    section: "groups",
    group,
    viewingAsMember,
    pendingRequests,
    children: html`
      ${FormMessages({ lang, notice, formError, errors })}
      <div class="branding-layout">
        <div class="branding-preview-col">
          ${Island({
            name: "BrandingPreview",
            props: {
              name: group.name,
              color: group.branding.primaryColor,
              fallbackColor: fallback,
              logoUrl: safeImageUrl(group.branding.logoUrl),
              coverUrl: safeImageUrl(group.branding.coverUrl),
              faviconUrl: safeImageUrl(group.branding.faviconUrl),
              inputs: ids,
              limits: { logo: limit("logo"), cover: limit("cover"), favicon: limit("favicon") },
              strings: {
                heading: t(lang, "branding.preview"),
                button: t(lang, group.joinPolicy === "open" ? "group.join" : "group.request_join"),
                members: tCount(lang, "group.members", group.memberCount),
                tooBig: t(lang, "branding.too_big"),
                badType: t(lang, "branding.bad_type"),
              },
            },
          })}
        </div>
        <form
          class="form branding-form"
          method="post"
          action=${`${adminGroupPath(group.slug)}/branding`}
          enctype="multipart/form-data"
        >
          <fieldset class="card fieldset">
            <legend class="legend">${t(lang, "branding.color_title")}</legend>
            ${ColorInput({
              lang,
              name: "primaryColor",
              label: t(lang, "branding.primary_color"),
              value: group.branding.primaryColor,
              fallback,
              hint: t(lang, "branding.primary_color_hint", { color: fallback }),
              error: errors.primaryColor,
            })}
          </fieldset>
          <fieldset class="card fieldset">
            <legend class="legend">${t(lang, "branding.images_title")}</legend>
            <p class="field-hint legend-hint">${t(lang, "branding.images_hint")}</p>
            ${FileField({ name: "logo", label: t(lang, "branding.logo"), accept: IMAGE_ACCEPT, hint: assetHint(lang, "logo"), error: errors.logo })}
            ${FileField({ name: "cover", label: t(lang, "branding.cover"), accept: IMAGE_ACCEPT, hint: assetHint(lang, "cover"), error: errors.cover })}
            ${FileField({
              name: "favicon",
              label: t(lang, "branding.favicon"),
              accept: FAVICON_ACCEPT,
              hint: assetHint(lang, "favicon"),
              error: errors.favicon,
            })}
          </fieldset>
          <div class="form-actions">${Button({ children: t(lang, "branding.save"), size: "lg" })}</div>
        </form>
      </div>
    `,
  });
}
