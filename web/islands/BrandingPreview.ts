import { html } from "htm/preact";
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { brandVars, parseHex } from "../ui/theme";

type AssetKind = "logo" | "cover" | "favicon";

export type BrandingPreviewProps = {
  name: string;
  /** The group's colour as stored (null: the community's, `fallbackColor`). */
  color: string | null;
  fallbackColor: string;
  logoUrl: string | null;
  coverUrl: string | null;
  faviconUrl: string | null;
  /** Ids of the form controls to follow; the colour picker is `${color}-picker` (ColorField). */
  inputs: { color: string } & Record<AssetKind, string>;
  /** Upload limits in bytes, and as the page writes them ("2 MiB"). */
  limits: Record<AssetKind, { bytes: number; label: string }>;
  strings: {
    heading: string;
    button: string;
    members: string;
    /** "{file}" and "{limit}" are filled in. */
    tooBig: string;
    badType: string;
  };
};

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];
const FAVICON_TYPES = ["image/png", "image/x-icon", "image/vnd.microsoft.icon"];

function accepted(kind: AssetKind, file: File): boolean {
  if (kind !== "favicon") return IMAGE_TYPES.includes(file.type);
  return FAVICON_TYPES.includes(file.type) || /\.ico$/i.test(file.name);
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

/**
 * A miniature of the group's header (cover, logo, name, a button in the brand colour)
 * and of a browser tab with the favicon. Server-rendered with the stored branding; once
 * hydrated it follows the colour field and previews chosen files before they are sent.
 */
export default function BrandingPreview(props: BrandingPreviewProps): VNode {
  const root = useRef<HTMLDivElement>(null);
  const [color, setColor] = useState(props.color);
  const [images, setImages] = useState<Record<AssetKind, string | null>>({
    logo: props.logoUrl,
    cover: props.coverUrl,
    favicon: props.faviconUrl,
  });
  const [warnings, setWarnings] = useState<Partial<Record<AssetKind, string>>>({});

  // The brand variables on the preview only: the page around it keeps its colours.
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const vars = brandVars({ primaryColor: parseHex(color) ? color : props.fallbackColor });
    for (const [name, value] of Object.entries(vars)) el.style.setProperty(name, value);
  }, [color]);

  useEffect(() => {
    const kinds: AssetKind[] = ["logo", "cover", "favicon"];
    const stored: Record<AssetKind, string | null> = { logo: props.logoUrl, cover: props.coverUrl, favicon: props.faviconUrl };
    const onInput = (e: Event) => {
      const target = e.target as HTMLInputElement | null;
      if (target && (target.id === props.inputs.color || target.id === `${props.inputs.color}-picker`)) {
        setColor(target.value.trim() || null);
      }
    };
    const onChange = (e: Event) => {
      const target = e.target as HTMLInputElement | null;
      const kind = kinds.find((k) => props.inputs[k] === target?.id);
      if (!target || !kind) return;
      const file = target.files?.[0];
      const warn = (text: string | undefined) => setWarnings((w) => ({ ...w, [kind]: text }));
      const show = (url: string | null) => setImages((i) => ({ ...i, [kind]: url }));
      if (!file) {
        warn(undefined);
        show(stored[kind]);
        return;
      }
      const limit = props.limits[kind];
      if (!accepted(kind, file)) warn(fill(props.strings.badType, { file: file.name }));
      else if (file.size > limit.bytes) warn(fill(props.strings.tooBig, { file: file.name, limit: limit.label }));
      else warn(undefined);
      // A data: URL rather than blob: so the page's img-src policy ('self' data:) allows it.
      const reader = new FileReader();
      reader.onload = () => show(typeof reader.result === "string" ? reader.result : null);
      reader.readAsDataURL(file);
    };
    document.addEventListener("input", onInput);
    document.addEventListener("change", onChange);
    return () => {
      document.removeEventListener("input", onInput);
      document.removeEventListener("change", onChange);
    };
  }, []);

  const initial = (Array.from(props.name.trim())[0] ?? "·").toLocaleUpperCase();
  const messages = Object.values(warnings).filter(Boolean);
  return html`<div class="branding-preview" ref=${root}>
    <p class="preview-heading">${props.strings.heading}</p>
    <div class="preview-tab" aria-hidden="true">
      ${images.favicon
        ? html`<img class="preview-favicon" src=${images.favicon} alt="" />`
        : html`<span class="preview-favicon preview-favicon-badge">${initial}</span>`}
      <span class="preview-tab-title">${props.name}</span>
    </div>
    <div class="preview-card">
      <div class="preview-cover">
        ${images.cover ? html`<img class="preview-cover-img" src=${images.cover} alt="" />` : html`<span class="cover-band"></span>`}
      </div>
      <div class="preview-head">
        ${images.logo
          ? html`<img class="preview-logo" src=${images.logo} alt="" />`
          : html`<span class="preview-logo group-logo-badge" aria-hidden="true">${initial}</span>`}
        <div class="preview-titles">
          <p class="preview-name">${props.name}</p>
          <p class="preview-meta">${props.strings.members}</p>
        </div>
        <span class="btn btn-primary btn-sm preview-button" aria-hidden="true">${props.strings.button}</span>
      </div>
    </div>
    <div class="preview-warnings" aria-live="polite">
      ${messages.map((m) => html`<p class="field-error">${m}</p>`)}
    </div>
  </div>`;
}
