import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import { CheckboxField, Field, SelectField, TextareaField } from "../../ui/components";
import { fieldMessages } from "../../ui/fields";
import { dateFormat, formatNumber } from "../../ui/format";
import { safeHttpUrl } from "../../ui/url";

// The shapes the worker produces for profile pages (worker/profiles/service.ts).

export type ProfileFieldType = "text" | "long_text" | "number" | "date" | "select" | "multi_select" | "boolean" | "url" | "phone";
export type ProfileValue = string | number | boolean | string[];

/** A field as a form control: what the member (or an admin) can fill in. */
export type ProfileInputField = {
  key: string;
  label: string;
  type: ProfileFieldType;
  required: boolean;
  options?: string[] | undefined;
  value?: ProfileValue | null;
};

/**
 * Profile inputs of an HTML form. Controls are named `{prefix}{key}`; a multiple choice posts
 * one checkbox per option as `{prefix}{key}.{n}` beside an empty `{prefix}{key}` marker, so that
 * unticking every box clears it. Returns the raw (string) values by key.
 */
export function formInputs(form: Record<string, unknown>, prefix = "profile."): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, raw] of Object.entries(form)) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === "string");
    const option = /^([a-z][a-z0-9_]{0,39})\.\d+$/.exec(rest);
    if (option) {
      const key = option[1]!;
      const prev = out[key];
      out[key] = [...(Array.isArray(prev) ? prev : []), ...values.filter((v) => v !== "")];
    } else if (/^[a-z][a-z0-9_]{0,39}$/.test(rest)) {
      const prev = out[rest];
      if (Array.isArray(prev)) continue;
      out[rest] = values[values.length - 1] ?? "";
    }
  }
  return out;
}

/** What a control shows: the posted text (after an error) or the stored value. */
export type InputValue = string | string[];

export function inputValue(value: ProfileValue | null | undefined): InputValue {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/** A stored value for reading: dates in the reader's language, yes/no, lists joined. */
export function valueDisplay(lang: Lang, type: ProfileFieldType, value: ProfileValue | null | undefined): string {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return "";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "boolean") return t(lang, value ? "profile.yes" : "profile.no");
  if (type === "date" && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return dateFormat(lang, { dateStyle: "long" }, "UTC").format(new Date(`${value}T00:00:00Z`));
  }
  if (type === "number" && typeof value === "number") return formatNumber(lang, value);
  return String(value);
}

/** A value in a definition list or a card: web addresses and phone numbers become links. */
export function ValueView({ lang, type, value }: { lang: Lang; type: ProfileFieldType; value: ProfileValue | null | undefined }): VNode {
  const text = valueDisplay(lang, type, value);
  if (!text) return html`<span class="muted">${t(lang, "profile.empty_value")}</span>`;
  if (type === "url" && typeof value === "string") {
    const href = safeHttpUrl(value);
    if (href) return html`<a href=${href} rel="nofollow noopener noreferrer" target="_blank">${text.replace(/^https?:\/\//, "").replace(/\/$/, "")}</a>`;
  }
  if (type === "phone" && typeof value === "string") return html`<a href=${`tel:${value.replace(/[^\d+]/g, "")}`}>${text}</a>`;
  if (type === "long_text") return html`<span class="profile-long">${text}</span>`;
  return html`<span>${text}</span>`;
}

/**
 * One control per field, named `{prefix}{key}` (a multiple choice: one checkbox per option,
 * `{prefix}{key}.{n}`, beside an empty `{prefix}{key}` so that no box ticked clears it).
 * Errors are looked up as `fields.{key}`, the API's names.
 */
export function ProfileInputs({
  lang,
  fields,
  values = {},
  errors = {},
  prefix = "profile.",
  hint,
}: {
  lang: Lang;
  fields: ProfileInputField[];
  /** Posted values by key (after an error); otherwise each field's stored value. */
  values?: Record<string, InputValue | undefined>;
  errors?: Record<string, string>;
  prefix?: string;
  hint?: (field: ProfileInputField) => string | undefined;
}): VNode {
  return html`${fields.map((field) => {
    const name = `${prefix}${field.key}`;
    const raw = values[field.key] ?? inputValue(field.value);
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    const error = errors[`fields.${field.key}`];
    const tag = field.required ? t(lang, "form.required_tag") : undefined;
    const fieldHint = hint?.(field);
    const common = { name, label: field.label, value, error, tag, hint: fieldHint, required: field.required };
    switch (field.type) {
      case "long_text":
        return TextareaField({ ...common, rows: 4, maxlength: 5000 });
      case "number":
        return Field({ ...common, inputmode: "decimal", maxlength: 30 });
      case "date":
        return Field({ ...common, type: "date" });
      case "url":
        return Field({ ...common, type: "url", inputmode: "url", maxlength: 2000, placeholder: "https://", verbatim: true });
      case "phone":
        return Field({ ...common, type: "tel", inputmode: "tel", autocomplete: "tel", maxlength: 30 });
      case "select":
      case "boolean": {
        const options =
          field.type === "boolean"
            ? [
                { value: "true", label: t(lang, "profile.yes") },
                { value: "false", label: t(lang, "profile.no") },
              ]
            : (field.options ?? []).map((o) => ({ value: o, label: o }));
        return SelectField({
          name,
          label: tag ? `${field.label} ${tag}` : field.label,
          value,
          options: [{ value: "", label: t(lang, field.required ? "profile.choose" : "profile.not_set") }, ...options],
          error,
          hint: fieldHint,
        });
      }
      case "multi_select": {
        const chosen = Array.isArray(raw) ? raw : raw ? [raw] : [];
        const id = `field-${name}`;
        const messages = fieldMessages(id, { hint: fieldHint, error });
        return html`<fieldset class=${error ? "field choice-checks has-error" : "field choice-checks"} aria-describedby=${messages.describedby}>
          <legend class="label">${field.label}${tag && html` <span class="label-tag">${tag}</span>`}</legend>
          <input type="hidden" name=${name} value="" />
          <div class="check-grid">
            ${(field.options ?? []).map((option, i) =>
              CheckboxField({ name: `${name}.${i}`, id: `${id}-${i}`, label: option, value: option, checked: chosen.includes(option) }),
            )}
          </div>
          ${messages.nodes}
        </fieldset>`;
      }
      default:
        return Field({ ...common, maxlength: 200 });
    }
  })}`;
}
