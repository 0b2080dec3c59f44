import { remembered } from "./memo";

/** Branding colours as stored: hex strings, possibly absent or malformed. */
export type BrandColors = { primaryColor?: string | null; accentColor?: string | null };

export const DEFAULT_BRAND = "#4f46e5";

type Rgb = readonly [number, number, number];

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 24, 39];

/** Only #rgb and #rrggbb pass: the value is written into a <style>, so nothing else may reach it. */
export function parseHex(value: string | null | undefined): Rgb | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value?.trim() ?? "");
  if (!m?.[1]) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  const channel = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return [channel(0), channel(2), channel(4)];
}

function toHex(rgb: Rgb): string {
  return "#" + rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function mix(a: Rgb, b: Rgb, weightOfB: number): Rgb {
  const channel = (i: 0 | 1 | 2) => a[i] + (b[i] - a[i]) * weightOfB;
  return [channel(0), channel(1), channel(2)];
}

/** White or near-black, whichever reads better on the colour. */
function contrastingText(bg: Rgb): Rgb {
  return contrastRatio(bg, WHITE) >= contrastRatio(bg, INK) ? WHITE : INK;
}

/** The colour darkened just enough to be readable as text on white (WCAG AA, 4.5:1): light brands still give legible links. */
function inkOnWhite(color: Rgb): Rgb {
  for (let w = 0; w <= 1; w += 0.05) {
    const candidate = mix(color, INK, w);
    if (contrastRatio(candidate, WHITE) >= 4.5) return candidate;
  }
  return INK;
}

/** The CSS custom properties of a brand, by name (also used by the branding preview island). */
export function brandVars(colors: BrandColors): Record<string, string> {
  const brand = parseHex(colors.primaryColor) ?? parseHex(DEFAULT_BRAND)!;
  const accent = parseHex(colors.accentColor) ?? brand;
  return {
    "--brand": toHex(brand),
    "--brand-contrast": toHex(contrastingText(brand)),
    "--brand-ink": toHex(inkOnWhite(brand)),
    "--accent": toHex(accent),
    "--accent-contrast": toHex(contrastingText(accent)),
  };
}

const styles = remembered<string>(1000);

/** The CSS custom properties of a brand, as one `:root{…}` rule; every page carries it, so it is worked out once per brand. */
export function brandStyle(colors: BrandColors): string {
  return styles(
    `${colors.primaryColor ?? ""}|${colors.accentColor ?? ""}`,
    () =>
      `:root{${Object.entries(brandVars(colors))
        .map(([k, v]) => `${k}:${v}`)
        .join(";")}}`,
  );
}

/** The brand colour as a plain hex, for `<meta name="theme-color">`. */
export function brandHex(colors: BrandColors): string {
  return toHex(parseHex(colors.primaryColor) ?? parseHex(DEFAULT_BRAND)!);
}
