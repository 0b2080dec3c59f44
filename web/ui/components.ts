import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { t, type Lang } from "../i18n";
import { fieldMessages, type FieldMessages } from "./fields";
import { Island } from "./island";

export {
  CheckboxField,
  ChoiceField,
  Field,
  FileField,
  SelectField,
  TextareaField,
  type ChoiceFieldProps,
  type FieldProps,
  type FileFieldProps,
  type SelectFieldProps,
  type TextareaFieldProps,
} from "./fields";

// Called as plain functions from the pages (`${Field({...})}`), so their props are type-checked.

/** The first character of a name, for the badges standing in for a missing logo. */
export function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? "·").toLocaleUpperCase();
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

/** The notice / form error / "fix the fields" line at the top of a form. */
export function FormMessages({
  lang,
  notice,
  formError,
  errors,
}: {
  lang: Lang;
  notice?: string | undefined;
  formError?: string | undefined;
  errors?: Record<string, string> | undefined;
}): VNode {
  const hasFieldErrors = Object.keys(errors ?? {}).length > 0;
  return html`${notice && Alert({ tone: "success", children: notice })}
  ${formError
    ? Alert({ tone: "error", children: formError })
    : hasFieldErrors && Alert({ tone: "error", children: t(lang, "form.fix_errors") })}`;
}

/** A titled card of fields in a form: the legend, a hint and an error for the whole section, then the fields. */
export function FormSection({
  legend,
  hint,
  error,
  errorId,
  children,
}: {
  legend: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** When a control points at the section's error (aria-describedby). */
  errorId?: string;
  children: ComponentChildren;
}): VNode {
  return html`<fieldset class="card fieldset">
    <legend class="legend">${legend}</legend>
    ${hint && html`<p class="field-hint legend-hint">${hint}</p>`}
    ${error && html`<p class="field-error" id=${errorId}>${error}</p>`}
    ${children}
  </fieldset>`;
}

/** A titled section of a page: the heading (its id labels the section), an optional intro line, then the content. */
export function Section({
  id,
  className,
  title,
  intro,
  children,
}: {
  /** The heading's id, which names the section (aria-labelledby). */
  id: string;
  /** The section's classes, e.g. "admin-panel", "container section". */
  className: string;
  title: ComponentChildren;
  intro?: ComponentChildren;
  children: ComponentChildren;
}): VNode {
  return html`<section class=${className} aria-labelledby=${id}>
    <div class="section-head">
      <h2 id=${id}>${title}</h2>
      ${intro && html`<p class="section-intro">${intro}</p>`}
    </div>
    ${children}
  </section>`;
}

/** The head of a page: its title and an optional lead paragraph. */
export function PageHead({ title, lead, className }: { title: string; lead?: string; className?: string }): VNode {
  return html`<div class=${className ? `page-head ${className}` : "page-head"}>
    <h1 class="page-title">${title}</h1>
    ${lead && html`<p class="lead">${lead}</p>`}
  </div>`;
}
