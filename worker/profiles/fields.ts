import { z } from "zod";
import { formInputs } from "../../web/pages/profiles/inputs";
import type { ProfileField } from "../db/schema";
import { msg } from "../../web/i18n";

export { formInputs };

// Field definitions and typed values, as pure functions: no database, no HTTP.

export const FIELD_TYPES = ["text", "long_text", "number", "date", "select", "multi_select", "boolean", "url", "phone"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A stored value: string for the text-like types, number, boolean, or a list of options. */
export type FieldValue = string | number | boolean | string[];

export const MAX_FIELDS = 100;
export const MAX_OPTIONS = 100;
const MAX_TEXT = 200;
const MAX_LONG_TEXT = 5000;
const MAX_URL = 2000;

const hasOptions = (type: FieldType) => type === "select" || type === "multi_select";

export const fieldKey = z
  .string({ error: "key is required" })
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "field.key_format");

const options = z
  .array(z.string().trim().min(1, "an option cannot be empty").max(100, "an option has at most 100 characters"))
  .max(MAX_OPTIONS, `at most ${MAX_OPTIONS} options`)
  .refine((list) => new Set(list).size === list.length, "field.options_distinct");

const groupSlugs = z.array(z.string().trim().toLowerCase().min(1).max(60)).max(50);

const fieldProps = {
  label: z.string({ error: "label is required" }).trim().min(1, "label is required").max(100, "at most 100 characters"),
  type: z.enum(FIELD_TYPES, { error: `type must be one of ${FIELD_TYPES.join(", ")}` }),
  options,
  visibility: z.enum(["member", "admins"], { error: "visibility must be member or admins" }),
  editable: z.boolean({ error: "editable must be true or false" }),
  required: z.boolean({ error: "required must be true or false" }),
  public: z.boolean({ error: "public must be true or false" }),
  filterable: z.boolean({ error: "filterable must be true or false" }),
  askAtSignup: z.boolean({ error: "askAtSignup must be true or false" }),
  groups: groupSlugs,
  position: z.number().int().min(0).max(10_000),
};

function checkOptions(v: { type?: FieldType | undefined; options?: string[] | undefined }, ctx: z.RefinementCtx) {
  if (v.type === undefined) return;
  if (hasOptions(v.type) && (!v.options || v.options.length === 0)) ctx.addIssue({ code: "custom", path: ["options"], message: "field.options_needed" });
  if (!hasOptions(v.type) && v.options && v.options.length > 0) ctx.addIssue({ code: "custom", path: ["options"], message: "field.options_unexpected" });
}

/** A field's key made from its label: "Ville d’origine" → "ville_d_origine" (what the form uses when the key is left empty). */
export function keyFromLabel(label: string): string {
  const slug = label
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const key = /^[a-z]/.test(slug) ? slug : `field_${slug}`;
  return key.slice(0, 40).replace(/_+$/, "");
}

export const createFieldSchema = z
  .object({
    key: fieldKey,
    label: fieldProps.label,
    type: fieldProps.type,
    options: fieldProps.options.optional(),
    visibility: fieldProps.visibility.optional().default("member"),
    editable: fieldProps.editable.optional().default(true),
    required: fieldProps.required.optional().default(false),
    public: fieldProps.public.optional().default(false),
    filterable: fieldProps.filterable.optional().default(false),
    askAtSignup: fieldProps.askAtSignup.optional().default(false),
    groups: fieldProps.groups.optional().default([]),
    position: fieldProps.position.optional(),
  })
  .superRefine(checkOptions);
export type CreateFieldInput = z.output<typeof createFieldSchema>;

/** The key and the type stay: values already stored were checked against them. */
export const updateFieldSchema = z
  .object({
    label: fieldProps.label.optional(),
    options: fieldProps.options.optional(),
    visibility: fieldProps.visibility.optional(),
    editable: fieldProps.editable.optional(),
    required: fieldProps.required.optional(),
    public: fieldProps.public.optional(),
    filterable: fieldProps.filterable.optional(),
    askAtSignup: fieldProps.askAtSignup.optional(),
    groups: fieldProps.groups.optional(),
    position: fieldProps.position.optional(),
    key: z.never({ error: "the key cannot change" }).optional(),
    type: z.never({ error: "the type cannot change" }).optional(),
  });
export type UpdateFieldInput = z.output<typeof updateFieldSchema>;

export const reorderSchema = z.object({ keys: z.array(fieldKey).min(1).max(MAX_FIELDS) });

// ── values ────────────────────────────────────────────────────────────────

/** The error messages a value can get (English in the API; the pages translate them). */
export const VALUE_ERRORS = {
  required: msg("field.required"),
  text: msg("profile.error.text"),
  tooLong: msg("profile.error.too_long"),
  number: msg("profile.error.number"),
  date: msg("profile.error.date"),
  option: msg("profile.error.option"),
  options: msg("profile.error.options"),
  boolean: msg("profile.error.boolean"),
  url: msg("profile.error.url"),
  phone: msg("profile.error.phone"),
};

export type ValueCheck = { ok: true; value: FieldValue | null } | { ok: false; error: string };

const fail = (error: string): ValueCheck => ({ ok: false, error });
const ok = (value: FieldValue | null): ValueCheck => ({ ok: true, value });

function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function text(raw: unknown, max: number): ValueCheck {
  if (typeof raw !== "string") return fail(VALUE_ERRORS.text);
  const v = raw.trim();
  if (v === "") return ok(null);
  return v.length > max ? fail(VALUE_ERRORS.tooLong) : ok(v);
}

/**
 * Checks one value against its field's type. JSON must carry the right type
 * (a number for a number field); a form posts strings, so `source: "form"` reads
 * "12" as 12 and "true" as true. null, "" and [] clear the value.
 */
export function checkValue(field: Pick<ProfileField, "type" | "options">, raw: unknown, source: "json" | "form" = "json"): ValueCheck {
  if (raw === null || raw === undefined) return ok(null);
  switch (field.type) {
    case "text":
      return text(raw, MAX_TEXT);
    case "long_text":
      if (typeof raw === "string" && raw.trim().length > MAX_LONG_TEXT) return fail(VALUE_ERRORS.tooLong);
      return typeof raw === "string" ? ok(raw.replace(/\r\n?/g, "\n").trim() || null) : fail(VALUE_ERRORS.text);
    case "number": {
      if (source === "form" && typeof raw === "string") {
        const s = raw.trim().replace(",", ".");
        if (s === "") return ok(null);
        const n = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
        return Number.isFinite(n) ? ok(n) : fail(VALUE_ERRORS.number);
      }
      return typeof raw === "number" && Number.isFinite(raw) && Math.abs(raw) <= 1e15 ? ok(raw) : fail(VALUE_ERRORS.number);
    }
    case "date": {
      if (typeof raw !== "string") return fail(VALUE_ERRORS.date);
      const s = raw.trim();
      if (s === "") return ok(null);
      return validDate(s) ? ok(s) : fail(VALUE_ERRORS.date);
    }
    case "select": {
      if (typeof raw !== "string") return fail(VALUE_ERRORS.option);
      if (raw === "") return ok(null);
      return field.options.includes(raw) ? ok(raw) : fail(VALUE_ERRORS.option);
    }
    case "multi_select": {
      const list = source === "form" && typeof raw === "string" ? (raw === "" ? [] : [raw]) : raw;
      if (!Array.isArray(list) || list.length > MAX_OPTIONS || !list.every((o) => typeof o === "string" && field.options.includes(o))) return fail(VALUE_ERRORS.options);
      // Kept in the options' order, once each.
      const chosen = field.options.filter((o) => (list as string[]).includes(o));
      return ok(chosen.length ? chosen : null);
    }
    case "boolean": {
      if (typeof raw === "boolean") return ok(raw);
      if (source === "form" && typeof raw === "string") {
        if (raw === "") return ok(null);
        if (raw === "true") return ok(true);
        if (raw === "false") return ok(false);
      }
      return fail(VALUE_ERRORS.boolean);
    }
    case "url": {
      if (typeof raw !== "string") return fail(VALUE_ERRORS.url);
      const s = raw.trim();
      if (s === "") return ok(null);
      if (s.length > MAX_URL) return fail(VALUE_ERRORS.tooLong);
      try {
        const u = new URL(s);
        return u.protocol === "http:" || u.protocol === "https:" ? ok(u.href) : fail(VALUE_ERRORS.url);
      } catch {
        return fail(VALUE_ERRORS.url);
      }
    }
    case "phone": {
      if (typeof raw !== "string") return fail(VALUE_ERRORS.phone);
      const s = raw.trim().replace(/\s+/g, " ");
      if (s === "") return ok(null);
      const digits = s.replace(/\D/g, "").length;
      return /^\+?[0-9 ().-]{4,30}$/.test(s) && digits >= 4 && digits <= 20 ? ok(s) : fail(VALUE_ERRORS.phone);
    }
  }
}

/** A stored value back from its JSON text (null when unreadable). */
export function readValue(json: string | null | undefined): FieldValue | null {
  if (json === null || json === undefined) return null;
  try {
    return JSON.parse(json) as FieldValue;
  } catch {
    return null;
  }
}

/** A value as one line of text (CSV cells, read-only displays). */
export function valueText(value: FieldValue | null): string {
  if (value === null) return "";
  if (Array.isArray(value)) return value.join(" | ");
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/**
 * For a sign-up posted as a form: gathers the `profile.{key}` controls into `fields`
 * (marked as coming from a form, so "12" reads as a number). JSON bodies pass unchanged.
 */
export function withProfileInputs(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input) || "fields" in input) return input;
  const form = input as Record<string, unknown>;
  if (!Object.keys(form).some((k) => k.startsWith("profile."))) return input;
  return { ...form, fields: formInputs(form), fieldsFrom: "form" };
}
