import { html } from "htm/preact";
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

/** Translated strings for the strength hint; `{level}`, `{count}` and `{min}` are filled in here. */
export type PasswordMeterStrings = {
  strength: string;
  tooShort: string;
  levels: [weak: string, fair: string, good: string, strong: string];
};

export type PasswordFieldProps = {
  id: string;
  name: string;
  label: string;
  autocomplete: "current-password" | "new-password";
  minlength?: number;
  required?: boolean;
  /** Ids of the hint and error elements rendered beside the island. */
  describedby?: string;
  invalid?: boolean;
  toggle: { show: string; hide: string; showLabel: string; hideLabel: string };
  meter?: PasswordMeterStrings;
};

export type PasswordLevel = 0 | 1 | 2 | 3;

/** Length carries most of the weight; mixing character kinds adds a little. Null while under the minimum. */
export function passwordLevel(password: string, min: number): PasswordLevel | null {
  if (password.length < min) return null;
  if (/^(.)\1*$/u.test(password)) return 0;
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((kind) => kind.test(password)).length;
  const points =
    (password.length >= min + 4 ? 1 : 0) +
    (password.length >= min + 8 ? 1 : 0) +
    (kinds >= 2 ? 1 : 0) +
    (kinds >= 3 ? 1 : 0);
  return Math.min(3, points) as PasswordLevel;
}

function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole));
}

export default function PasswordField(props: PasswordFieldProps): VNode {
  const min = props.minlength ?? 0;
  const [visible, setVisible] = useState(false);
  // The toggle stays hidden until hydration: without JavaScript it could do nothing.
  const [enhanced, setEnhanced] = useState(false);
  const [password, setPassword] = useState("");
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setEnhanced(true);
    // Whatever was typed (or autofilled) before hydration.
    if (input.current?.value) setPassword(input.current.value);
  }, []);

  const meter = props.meter;
  const level = meter && password ? passwordLevel(password, min) : null;
  const meterText = !meter || !password
    ? ""
    : level === null
      ? fill(meter.tooShort, { count: password.length, min })
      : fill(meter.strength, { level: meter.levels[level] });
  const meterId = `${props.id}-meter`;
  const describedby = [props.describedby, meter ? meterId : undefined].filter(Boolean).join(" ") || undefined;

  return html`
    <div class="password">
      <label class="label" for=${props.id}>${props.label}</label>
      <div class="password-control">
        <input
          ref=${input}
          class="input"
          id=${props.id}
          name=${props.name}
          type=${visible ? "text" : "password"}
          autocomplete=${props.autocomplete}
          minlength=${props.minlength}
          required=${props.required}
          aria-describedby=${describedby}
          aria-invalid=${props.invalid ? "true" : undefined}
          autocapitalize="none"
          spellcheck="false"
          onInput=${(e: Event) => setPassword((e.currentTarget as HTMLInputElement).value)}
        />
        <button
          type="button"
          class="password-toggle"
          hidden=${!enhanced}
          aria-controls=${props.id}
          aria-label=${visible ? props.toggle.hideLabel : props.toggle.showLabel}
          onClick=${() => setVisible(!visible)}
        >
          ${visible ? props.toggle.hide : props.toggle.show}
        </button>
      </div>
      ${meter &&
      // The live region exists from the start (empty) so screen readers announce its first change.
      html`<div class="password-meter" id=${meterId} data-level=${password ? (level ?? "short") : "none"} aria-live="polite">
        <span class="password-meter-bar" aria-hidden="true"><span></span><span></span><span></span><span></span></span>
        <span class="password-meter-text">${meterText}</span>
      </div>`}
    </div>
  `;
}
