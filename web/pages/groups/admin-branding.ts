import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount } from "../../i18n";
import { Button, ColorInput, FormSection } from "../../ui/components";
import { formatBytes } from "../../ui/format";
import { Island } from "../../ui/island";
import { ASSET_LIMITS, ImageField } from "../../ui/image-field";
import { DEFAULT_BRAND } from "../../ui/theme";
import { safeImageUrl } from "../../ui/url";
import { adminGroupPath } from "./shared";
import { GroupAdminShell, type GroupAdminProps } from "../../ui/admin-layout";

/** /admin/groups/{slug}/branding: colour, logo, cover and favicon, with a live preview. */
export function GroupBrandingPage(props: GroupAdminProps & { errors?: Record<string, string> }): VNode {
  const { ctx, group, errors = {} } = props;
  const { lang } = ctx;
  const fallback = ctx.tenant?.primaryColor ?? DEFAULT_BRAND;
  const ids = { color: "field-primaryColor", logo: "field-logo", cover: "field-cover", favicon: "field-favicon" };
  const limit = (kind: keyof typeof ASSET_LIMITS) => ({ bytes: ASSET_LIMITS[kind], label: formatBytes(lang, ASSET_LIMITS[kind]) });
  return GroupAdminShell({
    ...props,
    children: html`
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
          ${FormSection({
            legend: t(lang, "branding.color_title"),
            children: ColorInput({
              lang,
              name: "primaryColor",
              label: t(lang, "branding.primary_color"),
              value: group.branding.primaryColor,
              fallback,
              hint: t(lang, "branding.primary_color_hint", { color: fallback }),
              error: errors.primaryColor,
            }),
          })}
          ${FormSection({
            legend: t(lang, "branding.images_title"),
            hint: t(lang, "branding.images_hint"),
            children: (["logo", "cover", "favicon"] as const).map((kind) => ImageField({ lang, kind, error: errors[kind] })),
          })}
          <div class="form-actions">${Button({ children: t(lang, "branding.save"), size: "lg" })}</div>
        </form>
      </div>
    `,
  });
}
