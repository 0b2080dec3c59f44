import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { t, type Lang } from "../i18n";
import { Island } from "./island";

// Called as plain functions from the pages (`${Field({...})}`), so their props are type-checked.

/** The first character of a name, for the badges standing in for a missing logo. */
export function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? "·").toLocaleUpperCase();
}

const ids = (...values: (string | false | null | undefined)[]) => values.filter(Boolean).join(" ") || undefined;

type FieldMessages = { hint?: string | undefined; error?: string | undefined };

/** The hint and error paragraphs under a control, with the ids its aria-describedby points at. */
function fieldMessages(id: string, { hint, error }: FieldMessages) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return {
    describedby: ids(hintId, errorId),
    nodes: html`
      ${hint && html`<p class="field-hint" id=${hintId}>${hint}</p>`}
      ${error && html`<p class="field-error" id=${errorId}>${error}</p>`}
    `,
  };
}

export type FieldProps = FieldMessages & {
  name: string;
  label: string;
  type?: "text" | "email" | "url" | "tel" | "search" | "number";
  value?: string | undefined;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  maxlength?: number;
  inputmode?: "text" | "email" | "url" | "numeric" | "tel" | "search";
  /** Shown after the input, inside the control (e.g. ".example.org" after a subdomain). */
  suffix?: string;
  /** Shown before the input, inside the control (e.g. "/g/" before a slug). */
  prefix?: string;
  readonly?: boolean;
  pattern?: string;
  placeholder?: string;
  /** A short word after the label, e.g. "(required)". */
  tag?: string | undefined;
  /** For identifiers the browser should leave as typed (emails, subdomains). */
  verbatim?: boolean;
};

/** The label of a control, with its optional tag ("(required)", "(optional)"). */
function Label({ id, label, tag }: { id: string; label: string; tag?: string | undefined }): VNode {
  return html`<label class="label" for=${id}>${label}${tag && html` <span class="label-tag">${tag}</span>`}</label>`;
}

export function Field(props: FieldProps): VNode {
  const id = `field-${props.name}`;
  const messages = fieldMessages(id, props);
  const input = html`<input
    class="input"
    id=${id}
    name=${props.name}
    type=${props.type ?? "text"}
    value=${props.value}
    autocomplete=${props.autocomplete}
    required=${props.required}
    autofocus=${props.autofocus}
    maxlength=${props.maxlength}
    inputmode=${props.inputmode}
    readonly=${props.readonly}
    pattern=${props.pattern}
    placeholder=${props.placeholder}
    autocapitalize=${props.verbatim ? "none" : undefined}
    spellcheck=${props.verbatim ? "false" : undefined}
    aria-describedby=${messages.describedby}
    aria-invalid=${props.error ? "true" : undefined}
  />`;
  return html`<div class=${props.error ? "field has-error" : "field"}>
    ${Label({ id, label: props.label, tag: props.tag })}
    ${props.suffix || props.prefix
      ? html`<div class="input-group">
          ${props.prefix && html`<span class="input-prefix" aria-hidden="true">${props.prefix}</span>`}${input}${props.suffix &&
          html`<span class="input-suffix" aria-hidden="true">${props.suffix}</span>`}
        </div>`
      : input}
    ${messages.nodes}
  </div>`;
}

export type TextareaFieldProps = FieldMessages & {
  name: string;
  label: string;
  value?: string | undefined;
  rows?: number;
  maxlength?: number;
  required?: boolean;
  tag?: string | undefined;
};

export function TextareaField(props: TextareaFieldProps): VNode {
  const id = `field-${props.name}`;
  const messages = fieldMessages(id, props);
  return html`<div class=${props.error ? "field has-error" : "field"}>
    ${Label({ id, label: props.label, tag: props.tag })}
    <textarea
      class="input textarea"
      id=${id}
      name=${props.name}
      rows=${props.rows ?? 4}
      maxlength=${props.maxlength}
      required=${props.required}
      aria-describedby=${messages.describedby}
      aria-invalid=${props.error ? "true" : undefined}
    >${props.value ?? ""}</textarea>
    ${messages.nodes}
  </div>`;
}

export type ChoiceFieldProps = FieldMessages & {
  name: string;
  legend: string;
  value: string;
  options: { value: string; label: string; description?: string }[];
};

/** Radio buttons as selectable cards, each with a one-line explanation. */
export function ChoiceField(props: ChoiceFieldProps): VNode {
  const id = `field-${props.name}`;
  const messages = fieldMessages(id, props);
  return html`<fieldset
    class=${props.error ? "field choice has-error" : "field choice"}
    aria-describedby=${messages.describedby}
  >
    <legend class="label">${props.legend}</legend>
    <div class="choice-list">
      ${props.options.map((o) => {
        const optionId = `${id}-${o.value}`;
        return html`<label class="choice-option" for=${optionId}>
          <input
            class="choice-input"
            type="radio"
            id=${optionId}
            name=${props.name}
            value=${o.value}
            checked=${o.value === props.value}
            aria-describedby=${o.description ? `${optionId}-desc` : undefined}
          />
          <span class="choice-text">
            <span class="choice-label">${o.label}</span>
            ${o.description && html`<span class="choice-desc" id=${`${optionId}-desc`}>${o.description}</span>`}
          </span>
        </label>`;
      })}
    </div>
    ${messages.nodes}
  </fieldset>`;
}

export function CheckboxField({
  name,
  label,
  checked,
  hint,
  id,
  value = "on",
}: {
  name: string;
  label: string;
  checked?: boolean;
  hint?: string;
  id?: string;
  /** What a checked box submits; several boxes sharing a name submit a list (e.g. `groups`). */
  value?: string;
}): VNode {
  const controlId = id ?? `field-${name}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  return html`<div class="checkbox">
    <input class="checkbox-input" type="checkbox" id=${controlId} name=${name} value=${value} checked=${checked} aria-describedby=${hintId} />
    <label class="checkbox-label" for=${controlId}>${label}</label>
    ${hint && html`<p class="field-hint checkbox-hint" id=${hintId}>${hint}</p>`}
  </div>`;
}

export type FileFieldProps = FieldMessages & {
  name: string;
  label: string;
  accept: string;
  /** What is there now (e.g. a thumbnail of the current logo). */
  current?: ComponentChildren;
};

export function FileField(props: FileFieldProps): VNode {
  const id = `field-${props.name}`;
  const messages = fieldMessages(id, props);
  return html`<div class=${props.error ? "field file-field has-error" : "field file-field"}>
    ${Label({ id, label: props.label })}
    <div class="file-row">
      ${props.current !== undefined && props.current !== null && html`<div class="file-current">${props.current}</div>`}
      <input
        class="file-input"
        type="file"
        id=${id}
        name=${props.name}
        accept=${props.accept}
        aria-describedby=${messages.describedby}
        aria-invalid=${props.error ? "true" : undefined}
      />
    </div>
    ${messages.nodes}
  </div>`;
}

export type ColorInputProps = FieldMessages & {
  lang: Lang;
  name: string;
  label: string;
  /** The stored colour; empty means "inherit" when the field is optional. */
  value: string | null | undefined;
  /** Shown in the picker (and as placeholder) while the text is empty. */
  fallback: string;
  required?: boolean;
};

/**
 * A hex colour: the submitted value is the text input (empty allowed when optional);
 * with JavaScript, the ColorField island adds a native colour picker kept in sync.
 */
export function ColorInput(props: ColorInputProps): VNode {
  const id = `field-${props.name}`;
  const hint = props.hint;
  const messages = fieldMessages(id, { hint, error: props.error });
  return html`<div class=${props.error ? "field has-error" : "field"}>
    <label class="label" for=${id}>${props.label}</label>
    ${Island({
      name: "ColorField",
      props: {
        id,
        name: props.name,
        value: props.value ?? "",
        fallback: props.fallback,
        pickerLabel: t(props.lang, "color.picker", { field: props.label }),
        ...(props.required ? { required: true } : {}),
        ...(messages.describedby ? { describedby: messages.describedby } : {}),
        ...(props.error ? { invalid: true } : {}),
      },
    })}
    ${messages.nodes}
  </div>`;
}

export type SelectFieldProps = FieldMessages & {
  name: string;
  label: string;
  value: string;
  options: { value: string; label: string; lang?: string }[];
  autocomplete?: string;
};

export function SelectField(props: SelectFieldProps): VNode {
  const id = `field-${props.name}`;
  const messages = fieldMessages(id, props);
  return html`<div class=${props.error ? "field has-error" : "field"}>
    <label class="label" for=${id}>${props.label}</label>
    <select
      class="input select"
      id=${id}
      name=${props.name}
      autocomplete=${props.autocomplete}
      aria-describedby=${messages.describedby}
      aria-invalid=${props.error ? "true" : undefined}
    >
      ${props.options.map(
        (o) => html`<option value=${o.value} lang=${o.lang} selected=${o.value === props.value}>${o.label}</option>`,
      )}
    </select>
    ${messages.nodes}
  </div>`;
}

export type PasswordInputProps = FieldMessages & {
  lang: Lang;
  name: string;
  label: string;
  autocomplete: "current-password" | "new-password";
  /** A new password: enforce the minimum, explain it, and show the strength hint. */
  meter?: boolean;
  minlength?: number;
};

/** The minimum the server enforces for new passwords (API.md: at least 10 characters). */
export const PASSWORD_MIN = 10;

/** A password field: a plain input without JavaScript, the PasswordField island with it. */
export function PasswordInput(props: PasswordInputProps): VNode {
  const { lang } = props;
  const id = `field-${props.name}`;
  const min = props.minlength ?? (props.meter ? PASSWORD_MIN : undefined);
  const hint = props.hint ?? (props.meter ? t(lang, "password.hint", { min: PASSWORD_MIN }) : undefined);
  const messages = fieldMessages(id, { hint, error: props.error });
  return html`<div class=${props.error ? "field has-error" : "field"}>
    ${Island({
      name: "PasswordField",
      props: {
        id,
        name: props.name,
        label: props.label,
        autocomplete: props.autocomplete,
        required: true,
        ...(min ? { minlength: min } : {}),
        ...(messages.describedby ? { describedby: messages.describedby } : {}),
        ...(props.error ? { invalid: true } : {}),
        toggle: {
          show: t(lang, "password.show"),
          hide: t(lang, "password.hide"),
          showLabel: t(lang, "password.show_label"),
          hideLabel: t(lang, "password.hide_label"),
        },
        ...(props.meter
          ? {
              meter: {
                strength: t(lang, "password.strength"),
                tooShort: t(lang, "password.too_short"),
                levels: [
                  t(lang, "password.level.weak"),
                  t(lang, "password.level.fair"),
                  t(lang, "password.level.good"),
                  t(lang, "password.level.strong"),
                ],
              },
            }
          : {}),
      },
    })}
    ${messages.nodes}
  </div>`;
}

export type AlertTone = "error" | "success" | "info" | "warning";

/** Errors interrupt (role=alert); everything else is announced politely. */
export function Alert({ tone, title, children }: { tone: AlertTone; title?: string; children?: ComponentChildren }): VNode {
  return html`<div class=${`alert alert-${tone}`} role=${tone === "error" ? "alert" : "status"}>
    ${title && html`<p class="alert-title">${title}</p>`}
    ${children !== undefined && html`<div class="alert-body">${children}</div>`}
  </div>`;
}

export type ButtonVariant = "primary" | "secondary" | "ghost" | "danger";

function buttonClass(variant: ButtonVariant, block?: boolean, size?: "sm" | "lg"): string {
  return ["btn", `btn-${variant}`, block && "btn-block", size && `btn-${size}`].filter(Boolean).join(" ");
}

export function Button({
  children,
  type = "submit",
  variant = "primary",
  block,
  size,
  label,
}: {
  children: ComponentChildren;
  type?: "submit" | "button" | "reset";
  variant?: ButtonVariant;
  block?: boolean;
  size?: "sm" | "lg";
  /** An accessible name when the visible text is ambiguous out of context ("Remove" → "Remove Ada"). */
  label?: string;
}): VNode {
  return html`<button type=${type} class=${buttonClass(variant, block, size)} aria-label=${label}>${children}</button>`;
}

/** A one-button POST form: the no-JavaScript way to perform an action. */
export function ActionForm({
  action,
  children,
  variant = "secondary",
  size = "sm",
  label,
  hidden,
  className,
}: {
  action: string;
  children: ComponentChildren;
  variant?: ButtonVariant;
  size?: "sm" | "lg";
  label?: string;
  hidden?: Record<string, string>;
  className?: string;
}): VNode {
  return html`<form class=${className ? `inline-form ${className}` : "inline-form"} method="post" action=${action}>
    ${Object.entries(hidden ?? {}).map(([name, value]) => html`<input type="hidden" name=${name} value=${value} />`)}
    ${Button({ children, variant, size, ...(label ? { label } : {}) })}
  </form>`;
}

/** A link that looks like a button (navigation, not an action). */
export function ButtonLink({
  href,
  children,
  variant = "primary",
  block,
  size,
}: {
  href: string;
  children: ComponentChildren;
  variant?: ButtonVariant;
  block?: boolean;
  size?: "sm" | "lg";
}): VNode {
  return html`<a href=${href} class=${buttonClass(variant, block, size)}>${children}</a>`;
}

export function Card({ children, className }: { children: ComponentChildren; className?: string }): VNode {
  return html`<div class=${className ? `card ${className}` : "card"}>${children}</div>`;
}

/** The narrow centred card used by the sign-in family of pages. */
export function AuthCard({
  title,
  intro,
  children,
  className,
}: {
  title: string;
  intro?: string | undefined;
  children: ComponentChildren;
  /** Extra classes on the card, e.g. a variant with its own icon. */
  className?: string;
}): VNode {
  return html`<div class="auth">
    <div class=${className ? `card auth-card ${className}` : "card auth-card"}>
      <h1 class="auth-title">${title}</h1>
      ${intro && html`<p class="auth-intro">${intro}</p>`}
      ${children}
    </div>
  </div>`;
}
