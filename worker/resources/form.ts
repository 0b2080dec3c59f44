import { msg, type Lang } from "../../web/i18n";
import { decimalInput, formatBytes } from "../../web/ui/format";
import type { TenantDb } from "../db/client";
import { ApiError } from "../http/errors";
import type { Form } from "../http/forms";
import { fieldErrors } from "../http/validate";
import { minutesOf } from "../bookings/hours";
import { ASSET_LIMITS, checkAsset } from "../groups/images";
import { parseDecimalAmount, toDecimalString } from "../invoices/money";
import type { BillingSettingsView } from "../invoices/settings";
import { createResource, resourceInput, storeResourceImage, updateResource, type ResourceInput } from "./service";
import type { PlanChoice, ResourceFormValues, ResourceView, WindowValues } from "./types";

// The resource form of /admin/resources: what was typed, the resource as the form shows it, and
// the typed text as the service's input (`resourceInput`), every refusal under the form's names
// (a window's under `hours.{day}.{row}`, a plan's price under `planPrices.{planId}`).

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** Rows per weekday the form always offers (one more than the stored windows when a day has more). */
export const MIN_WINDOW_ROWS = 2;

/** How many rows of windows the form shows for a day holding `windows` windows: always one empty row to add one without JavaScript. */
export const rowsFor = (windows: number) => Math.max(MIN_WINDOW_ROWS, windows + 1);

export function resourceFormValues(form: Form, plans: PlanChoice[]): ResourceFormValues {
  const hours: Record<number, WindowValues[]> = {};
  for (const day of WEEKDAYS) {
    const rows: WindowValues[] = [];
    for (let i = 0; i < 24 && (i < MIN_WINDOW_ROWS || form.has(`hours.${day}.${i}.from`)); i++) {
      rows.push({ from: form.str(`hours.${day}.${i}.from`).trim(), to: form.str(`hours.${day}.${i}.to`).trim() });
    }
    hours[day] = rows;
  }
  return {
    name: form.str("name"),
    category: form.str("category"),
    description: form.str("description"),
    units: form.str("units").trim(),
    capacity: form.str("capacity").trim(),
    pricePerHour: form.str("pricePerHour").trim(),
    planPrices: Object.fromEntries(plans.map((p) => [p.id, form.str(`planPrices.${p.id}`).trim()])),
    taxRate: form.str("taxRate").trim(),
    minMinutes: form.str("minMinutes").trim(),
    maxMinutes: form.str("maxMinutes").trim(),
    cutoffHours: form.str("cutoffHours").trim(),
    cancellationHours: form.str("cancellationHours").trim(),
    hours,
    hidden: form.bool("hidden"),
  };
}

const optional = (n: number | null) => (n === null ? "" : String(n));

/** A stored resource as the form shows it; a new one has one unit and the community's default tax rate. */
export function resourceFormOf(lang: Lang, resource: ResourceView | null, plans: PlanChoice[], defaultTaxRate: number): ResourceFormValues {
  const hours: Record<number, WindowValues[]> = {};
  for (const day of WEEKDAYS) {
    const windows = (resource?.openingHours ?? []).filter((w) => w.day === day).map((w) => ({ from: w.from, to: w.to }));
    hours[day] = [...windows, ...Array.from({ length: rowsFor(windows.length) - windows.length }, () => ({ from: "", to: "" }))];
  }
  return {
    name: resource?.name ?? "",
    category: resource?.category ?? "",
    description: resource?.description ?? "",
    units: String(resource?.units ?? 1),
    capacity: optional(resource?.capacity ?? null),
    pricePerHour: resource ? decimalInput(lang, toDecimalString(resource.pricePerHour)) : "",
    planPrices: Object.fromEntries(plans.map((p) => {
      const price = resource?.planPrices[p.id];
      return [p.id, price ? decimalInput(lang, toDecimalString(price)) : ""];
    })),
    taxRate: decimalInput(lang, String(resource?.taxRate ?? defaultTaxRate)),
    minMinutes: optional(resource?.minMinutes ?? null),
    maxMinutes: optional(resource?.maxMinutes ?? null),
    cutoffHours: optional(resource?.cutoffHours ?? null),
    cancellationHours: optional(resource?.cancellationHours ?? null),
    hours,
    hidden: resource?.hidden ?? false,
  };
}

/** "9", "9h", "9h30", "9:30", "09.30" → "09:30"; "24:00" stays; anything else as typed (the schema refuses it). */
export function normalTime(text: string): string {
  const m = /^(\d{1,2})(?:\s*[:hH.]\s*(\d{2})?)?$/.exec(text.trim());
  if (!m) return text.trim();
  return `${m[1]!.padStart(2, "0")}:${m[2] ?? "00"}`;
}

/** A percentage with at most two decimals ("5,5" → 5.5), `null` otherwise. */
function percentOf(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.replace(/\s/g, ""));
  return m ? (Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"))) / 100 : null;
}

/** The picture sent with the form: its bytes once checked under the branding's rules, or why it was refused (a catalog message). */
export type ImageUpload = { bytes: Uint8Array<ArrayBuffer> } | { error: string };

/** Reads the form's `image` file (none when the input was left empty) and checks it as `PUT …/image` would. */
export async function formImage(form: Form, lang: Lang): Promise<ImageUpload | null> {
  const file = form.file("image");
  if (!file || file.size === 0) return null;
  const limit = ASSET_LIMITS.cover.maxBytes;
  if (file.size > limit) return { error: msg("branding.error_too_big", { limit: formatBytes(lang, limit) }) };
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    checkAsset("cover", bytes);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { error: err.status === 415 ? "branding.error_bad_type" : err.status === 413 ? msg("branding.error_too_big", { limit: formatBytes(lang, limit) }) : "resources.error.image_pixels" };
  }
  return { bytes };
}

/** Where a service field path shows on the form (`pricePerHour.amount` → `pricePerHour`, `openingHours.3` → the row it came from). */
function formField(path: string, rows: string[]): string {
  const [head, second] = path.split(".");
  if (head === "openingHours") return rows[Number(second)] ?? "openingHours";
  if (head === "planPrices") return `planPrices.${second}`;
  return head!;
}

/**
 * The typed resource as `POST /api/v1/resources` takes it, every field sent (an empty
 * optional number is null, so an edit can clear it; no window at all is "bookable at any
 * time"); amounts and the rate are read as decimals, exactly. Else 422 `validation_failed`
 * with every field's error under its form name, a refused picture's beside them.
 */
export function resourceFormInput(values: ResourceFormValues, currency: string, image: ImageUpload | null = null): ResourceInput {
  const own: Record<string, string> = {};
  const money = (field: string, text: string, required: boolean): { amount: number; currency: string } | undefined => {
    if (text === "") {
      if (required) own[field] = "field.required";
      return undefined;
    }
    const n = parseDecimalAmount(text, currency);
    if (n === null) own[field] = msg("resources.error.amount", { currency });
    return n === null ? undefined : { amount: n, currency };
  };
  const whole = (field: string, text: string): number | null => {
    if (text === "") return null;
    if (/^\d{1,9}$/.test(text)) return Number(text);
    own[field] = "resources.error.whole_number";
    return null;
  };
  const rows: string[] = [];
  const openingHours: { day: number; from: string; to: string }[] = [];
  for (const day of WEEKDAYS) {
    (values.hours[day] ?? []).forEach((w, i) => {
      const field = `hours.${day}.${i}`;
      if (w.from === "" && w.to === "") return;
      if (w.from === "" || w.to === "") {
        own[field] = "resources.error.window_incomplete";
        return;
      }
      rows.push(field);
      openingHours.push({ day, from: normalTime(w.from), to: normalTime(w.to) });
    });
  }
  const planPrices: Record<string, { amount: number; currency: string }> = {};
  for (const [planId, text] of Object.entries(values.planPrices)) {
    const price = money(`planPrices.${planId}`, text, false);
    if (price) planPrices[planId] = price;
  }
  let taxRate = 0;
  if (values.taxRate !== "") {
    const rate = percentOf(values.taxRate);
    if (rate === null) own.taxRate = "resources.error.rate";
    taxRate = rate ?? 0;
  }
  const input = {
    name: values.name,
    category: values.category,
    description: values.description,
    units: values.units === "" ? 1 : (whole("units", values.units) ?? 1),
    capacity: whole("capacity", values.capacity),
    pricePerHour: money("pricePerHour", values.pricePerHour, true),
    planPrices,
    taxRate,
    minMinutes: whole("minMinutes", values.minMinutes),
    maxMinutes: whole("maxMinutes", values.maxMinutes),
    cutoffHours: whole("cutoffHours", values.cutoffHours),
    cancellationHours: whole("cancellationHours", values.cancellationHours),
    openingHours: openingHours.length > 0 ? openingHours : null,
    hidden: values.hidden,
  };
  if (image && "error" in image) own.image = image.error;
  const result = resourceInput.safeParse(input);
  const fields: Record<string, string> = {};
  if (!result.success) for (const [path, message] of Object.entries(fieldErrors(result.error, input))) fields[formField(path, rows)] ??= message;
  // A window's refusal says which: a time not written HH:MM (24:00 at most), or an end not after its start.
  const wellFormed = (w: { from: string; to: string }) => minutesOf(w.from) !== null && minutesOf(w.to, true) !== null;
  openingHours.forEach((w, i) => {
    if (fields[rows[i]!]) fields[rows[i]!] = wellFormed(w) ? "resources.error.window_order" : "resources.error.window";
  });
  Object.assign(fields, own);
  if (!result.success || Object.keys(own).length > 0) throw new ApiError(422, "validation_failed", "Some fields are invalid.", fields);
  return result.data;
}

/**
 * Creates (`existing` null) or updates a resource from its typed form, then stores its new
 * picture through the same service as `PUT /api/v1/resources/{id}/image`.
 */
export async function saveResourceForm(
  t: TenantDb,
  bucket: R2Bucket,
  billing: BillingSettingsView,
  now: number,
  existing: ResourceView | null,
  values: ResourceFormValues,
  image: ImageUpload | null,
): Promise<ResourceView> {
  const currency = existing?.pricePerHour.currency ?? billing.currency;
  const input = resourceFormInput(values, currency, image);
  const saved = existing ? await updateResource(t, existing.id, input, now) : await createResource(t, billing, input, now);
  return image && "bytes" in image ? storeResourceImage(t, bucket, saved.id, image.bytes, now) : saved;
}
