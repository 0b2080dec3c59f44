import { html } from "htm/preact";
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";

export type ColorFieldProps = {
  id: string;
  name: string;
  /** The submitted hex ("" = inherit, when not required). */
  value: string;
  /** What the picker shows while the text is empty. */
  fallback: string;
  pickerLabel: string;
  required?: boolean;
  describedby?: string;
  invalid?: boolean;
};

const HEX6 = /^#[0-9a-f]{6}$/i;

/** #rgb → #rrggbb, lowercased; anything else → null. The picker only accepts the long form. */
export function normalizeHex(value: string): string | null {
  const v = value.trim();
  if (HEX6.test(v)) return v.toLowerCase();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(v);
  return short ? `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase() : null;
}

/**
 * A hex text input (what the form submits) and, once hydrated, a native colour
 * picker beside it; each follows the other. Without JavaScript only the text shows.
 */
export default function ColorField(props: ColorFieldProps): VNode {
  const [text, setText] = useState(props.value);
  const [enhanced, setEnhanced] = useState(false);
  useEffect(() => setEnhanced(true), []);
  const picked = normalizeHex(text) ?? normalizeHex(props.fallback) ?? "#000000";
  return html`<div class="color-field">
    <input
      class="color-picker"
      type="color"
      id=${`${props.id}-picker`}
      value=${picked}
      aria-label=${props.pickerLabel}
      hidden=${!enhanced}
      onInput=${(e: Event) => setText((e.currentTarget as HTMLInputElement).value)}
    />
    <input
      class="input color-text"
      type="text"
      id=${props.id}
      name=${props.name}
      value=${text}
      placeholder=${props.fallback}
      pattern="#[0-9a-fA-F]{6}"
      maxlength=${7}
      required=${props.required}
      autocomplete="off"
      autocapitalize="none"
      spellcheck="false"
      aria-describedby=${props.describedby}
      aria-invalid=${props.invalid ? "true" : undefined}
      onInput=${(e: Event) => setText((e.currentTarget as HTMLInputElement).value)}
    />
  </div>`;
}
