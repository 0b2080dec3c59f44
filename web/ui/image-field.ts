import type { ComponentChildren, VNode } from "preact";
import { t, type Lang } from "../i18n";
import { FileField } from "./components";
import { formatBytes } from "./format";

// The images a community or a group is branded with (logo, cover, favicon): their limits and the file field for each.

/** Upload limits (API.md, group assets). */
export const ASSET_LIMITS = { logo: 2 * 1024 * 1024, cover: 5 * 1024 * 1024, favicon: 512 * 1024 } as const;
export const IMAGE_ACCEPT = "image/png,image/jpeg,image/webp,image/gif";
export const FAVICON_ACCEPT = "image/png,image/x-icon,.ico";

export function assetHint(lang: Lang, kind: keyof typeof ASSET_LIMITS): string {
  return t(lang, kind === "favicon" ? "branding.favicon_hint" : "branding.image_hint", {
    limit: formatBytes(lang, ASSET_LIMITS[kind]),
  }) + (kind === "cover" ? ` ${t(lang, "branding.cover_size")}` : kind === "logo" ? ` ${t(lang, "branding.logo_size")}` : "");
}

/** The file field of one brand image: its label, the types it takes and its size limit. */
export function ImageField({
  lang,
  kind,
  error,
  current,
  name = kind,
  label = t(lang, `branding.${kind}`),
  hint = assetHint(lang, kind),
}: {
  lang: Lang;
  kind: keyof typeof ASSET_LIMITS;
  /** The input's name when it is not the kind's own (a resource's picture is a cover image named `image`). */
  name?: string;
  label?: string;
  /** What the field says under it (default: the kind's types, size limit and best size). */
  hint?: string;
  error?: string | undefined;
  /** What is there now (a thumbnail of the current image). */
  current?: ComponentChildren;
}): VNode {
  return FileField({
    name,
    label,
    accept: kind === "favicon" ? FAVICON_ACCEPT : IMAGE_ACCEPT,
    hint,
    error,
    current,
  });
}
