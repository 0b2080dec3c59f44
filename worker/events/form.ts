import { msg, type Lang } from "../../web/i18n";
import type { EventFormValues } from "../../web/pages/events/admin";
import { ApiError } from "../http/errors";
import type { Form } from "../http/forms";
import { fieldErrors } from "../http/validate";
import { parseDecimalAmount, toDecimalString } from "../invoices/money";
import { localTimeToMs, msToLocalTime } from "../tenancy/portal-form";
import { eventInput, type EventInput } from "./inputs";
import type { EventView } from "./service";
import { decimalInput } from "../../web/ui/format";

// The event form of /admin/events: what was typed, an event as the form shows it (times as
// `datetime-local` values in the community's timezone), and the typed text as the body of
// `POST /api/v1/events` (every refusal under the form's names).

export function eventFormValues(form: Form): EventFormValues {
  return {
    title: form.str("title"),
    description: form.str("description"),
    type: form.str("type").trim(),
    startsAt: form.str("startsAt").trim(),
    endsAt: form.str("endsAt").trim(),
    location: form.str("location"),
    resourceId: form.str("resourceId"),
    capacity: form.str("capacity").trim(),
    price: form.str("price").trim(),
    taxRate: form.str("taxRate").trim(),
    group: form.str("group"),
    fields: form.list("fields"),
  };
}


/** An event as the form shows it; a new one starts empty, at the community's default tax rate (and in `group` when asked). */
export function eventFormOf(lang: Lang, event: EventView | null, timeZone: string, defaults: { taxRate: number; group: string }): EventFormValues {
  if (!event) {
    return { title: "", description: "", type: "", startsAt: "", endsAt: "", location: "", resourceId: "", capacity: "", price: "", taxRate: decimalInput(lang, String(defaults.taxRate)), group: defaults.group, fields: [] };
  }
  return {
    title: event.title,
    description: event.description,
    type: event.type ?? "",
    startsAt: msToLocalTime(Date.parse(event.startsAt), timeZone),
    endsAt: msToLocalTime(Date.parse(event.endsAt), timeZone),
    location: event.location ?? "",
    resourceId: event.resource?.id ?? "",
    capacity: event.capacity === null ? "" : String(event.capacity),
    price: event.price ? decimalInput(lang, toDecimalString(event.price)) : "",
    taxRate: decimalInput(lang, String(event.taxRate)),
    group: event.group?.slug ?? "",
    fields: event.fields,
  };
}

/** Where the schema's paths are shown on the form (`price.amount` → `price`, `fields.2` → `fields`). */
const formField = (path: string) => path.split(".")[0]!;

/**
 * The typed event as `POST /api/v1/events` (and its PATCH) takes it, every field sent so an
 * edit can clear one: times read in the community's timezone, amounts and the rate as exact
 * decimals. Else 422 `validation_failed` with each field's error under its form name.
 */
export function eventFormInput(values: EventFormValues, currency: string, timeZone: string): EventInput {
  const own: Record<string, string> = {};
  const instant = (field: "startsAt" | "endsAt"): string | undefined => {
    const ms = values[field] ? localTimeToMs(values[field], timeZone) : null;
    if (ms === null) {
      own[field] = values[field] ? "events.admin.error.datetime" : "field.required";
      return undefined;
    }
    return new Date(ms).toISOString();
  };
  const whole = (text: string): number | null => {
    if (text === "") return null;
    if (/^\d{1,9}$/.test(text)) return Number(text);
    own.capacity = "events.admin.error.whole_number";
    return null;
  };
  const price = (): { amount: number; currency: string } | null => {
    if (values.price === "") return null;
    const amount = parseDecimalAmount(values.price, currency);
    if (amount === null) own.price = msg("events.admin.error.amount", { currency });
    return amount ? { amount, currency } : null;
  };
  const rate = (): number => {
    if (values.taxRate === "") return 0;
    const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(values.taxRate.replace(/\s/g, ""));
    if (!m) own.taxRate = "events.admin.error.rate";
    return m ? (Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"))) / 100 : 0;
  };
  const input = {
    title: values.title,
    description: values.description,
    type: values.type || null,
    startsAt: instant("startsAt"),
    endsAt: instant("endsAt"),
    location: values.location.trim() || null,
    resourceId: values.resourceId || null,
    capacity: whole(values.capacity),
    price: price(),
    taxRate: rate(),
    group: values.group || null,
    fields: values.fields,
  };
  const result = eventInput.safeParse(input);
  const fields: Record<string, string> = {};
  if (!result.success) for (const [path, message] of Object.entries(fieldErrors(result.error, input))) fields[formField(path)] ??= message;
  Object.assign(fields, own);
  if (!result.success || Object.keys(own).length > 0) throw new ApiError(422, "validation_failed", "Some fields are invalid.", fields);
  return result.data;
}
