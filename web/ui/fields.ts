import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";

// The form controls, free of the catalogs and of the islands so that an island can render
// them too (web/ui/components.ts re-exports them for the pages). Words arrive translated.

const ids = (...values: (string | false | null | undefined)[]) => values.filter(Boolean).join(" ") || undefined;

export type FieldMessages = { hint?: string | undefined; error?: string | undefined };

/** The hint and error paragraphs under a control, with the ids its aria-describedby points at. */
export function fieldMessages(id: string, { hint, error }: FieldMessages) {
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
  /** The control's id when a page has several forms with the same names (default `field-{name}`). */
  id?: string;
  label: string;
  type?: "text" | "email" | "url" | "tel" | "search" | "number" | "date" | "time";
  value?: string | undefined;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  maxlength?: number;
  inputmode?: "text" | "email" | "url" | "numeric" | "decimal" | "tel" | "search";
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
  /** The id of a `<datalist>` of suggestions. */
  list?: string;
};

/** The label of a control, with its optional tag ("(required)", "(optional)"). */
function Label({ id, label, tag }: { id: string; label: string; tag?: string | undefined }): VNode {
  return html`<label class="label" for=${id}>${label}${tag && html` <span class="label-tag">${tag}</span>`}</label>`;
}

/** What a control inside a FieldFrame is given: its id and the attributes tying it to its hint and error. */
type ControlIds = { id: string; describedby: string | undefined; invalid: "true" | undefined };

/** The frame of a labelled control: the field's box (marked when in error), the label, the control, then its hint and error. */
function FieldFrame(
  props: FieldMessages & { name: string; id?: string; label: string; tag?: string | undefined; className?: string },
  control: (ids: ControlIds) => ComponentChildren,
): VNode {
  const id = props.id ?? `field-${props.name}`;
  const messages = fieldMessages(id, props);
  const className = ["field", props.className, props.error && "has-error"].filter(Boolean).join(" ");
  return html`<div class=${className}>
    ${Label({ id, label: props.label, tag: props.tag })}
    ${control({ id, describedby: messages.describedby, invalid: props.error ? "true" : undefined })}
    ${messages.nodes}
  </div>`;
}

export function Field(props: FieldProps): VNode {
  return FieldFrame(props, ({ id, describedby, invalid }) => {
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
    list=${props.list}
    autocapitalize=${props.verbatim ? "none" : undefined}
    spellcheck=${props.verbatim ? "false" : undefined}
    aria-describedby=${describedby}
    aria-invalid=${invalid}
  />`;
    return props.suffix || props.prefix
      ? html`<div class="input-group">
          ${props.prefix && html`<span class="input-prefix" aria-hidden="true">${props.prefix}</span>`}${input}${props.suffix &&
          html`<span class="input-suffix" aria-hidden="true">${props.suffix}</span>`}
        </div>`
      : input;
  });
}

export type TextareaFieldProps = FieldMessages & {
  name: string;
  /** The control's id when a page has several forms with the same names (default `field-{name}`). */
  id?: string;
  label: string;
  value?: string | undefined;
  rows?: number;
  maxlength?: number;
  required?: boolean;
  tag?: string | undefined;
};

export function TextareaField(props: TextareaFieldProps): VNode {
  return FieldFrame(
    props,
    ({ id, describedby, invalid }) => html`<textarea
      class="input textarea"
      id=${id}
      name=${props.name}
      rows=${props.rows ?? 4}
      maxlength=${props.maxlength}
      required=${props.required}
      aria-describedby=${describedby}
      aria-invalid=${invalid}
    >${props.value ?? ""}</textarea>`,
  );
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
  required?: boolean;
  /** Several files at once (a list under the one name). */
  multiple?: boolean;
  /** What is there now (e.g. a thumbnail of the current logo). */
  current?: ComponentChildren;
};

export function FileField(props: FileFieldProps): VNode {
  return FieldFrame(
    { ...props, className: "file-field" },
    ({ id, describedby, invalid }) => html`<div class="file-row">
      ${props.current !== undefined && props.current !== null && html`<div class="file-current">${props.current}</div>`}
      <input
        class="file-input"
        type="file"
        id=${id}
        name=${props.name}
        accept=${props.accept}
        multiple=${props.multiple}
        required=${props.required}
        aria-describedby=${describedby}
        aria-invalid=${invalid}
      />
    </div>`,
  );
}

export type SelectFieldProps = FieldMessages & {
  name: string;
  label: string;
  value: string;
  options: { value: string; label: string; lang?: string }[];
  autocomplete?: string;
};

export function SelectField(props: SelectFieldProps): VNode {
  return FieldFrame(
    props,
    ({ id, describedby, invalid }) => html`<select
      class="input select"
      id=${id}
      name=${props.name}
      autocomplete=${props.autocomplete}
      aria-describedby=${describedby}
      aria-invalid=${invalid}
    >
      ${props.options.map(
        (o) => html`<option value=${o.value} lang=${o.lang} selected=${o.value === props.value}>${o.label}</option>`,
      )}
    </select>`,
  );
}
