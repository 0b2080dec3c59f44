import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { Alert, Button, Field, SelectField } from "../../ui/components";
import { dateFormat } from "../../ui/format";
import type { Problem } from "../../../worker/bookings/types";
import type { ResourceChoice } from "./calendar";

// The booking form (resource, day, start, end, title, repeat), posted to /bookings/preview; the
// preview step then posts the same values to /bookings. Works without JavaScript; the
// BookingPicker island only fills it from the calendar.

export type BookingFormValues = Partial<Record<"resourceId" | "date" | "start" | "end" | "title" | "repeat" | "repeatEnds" | "count" | "until", string>>;

export const FORM_NAMES = ["resourceId", "date", "start", "end", "title", "repeat", "repeatEnds", "count", "until"] as const;

export const PROBLEM_KEYS: Record<Problem, MessageKey> = {
  membership_required: "bookings.problem.membership_required",
  in_past: "bookings.problem.in_past",
  inside_cutoff: "bookings.problem.inside_cutoff",
  too_short: "bookings.problem.too_short",
  too_long: "bookings.problem.too_long",
  outside_opening_hours: "bookings.problem.outside_opening_hours",
  slot_taken: "bookings.problem.slot_taken",
};

/** Beside which field each problem is said (`membership_required` is said above the form, with a link to the plans). */
const PROBLEM_FIELD: Record<Problem, string | null> = {
  membership_required: null,
  in_past: "start",
  inside_cutoff: "start",
  too_short: "end",
  too_long: "end",
  outside_opening_hours: "start",
  slot_taken: "start",
};

/** The problems of a preview or a refusal as field errors in the member's language. */
export function problemErrors(lang: Lang, problems: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const field = PROBLEM_FIELD[p as Problem];
    if (!field) continue;
    const text = t(lang, PROBLEM_KEYS[p as Problem]);
    out[field] = out[field] ? `${out[field]} ${text}` : text;
  }
  return out;
}

const SERIES_DAY: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

/** The dates of a refused series ("Mon 7 Dec 2026, 10:00"), in the community's timezone. */
export function seriesDates(lang: Lang, list: { from: string }[], timeZone: string): string {
  return list.map((o) => dateFormat(lang, SERIES_DAY, timeZone).format(new Date(o.from))).join(lang === "fr" ? "\u202f; " : "; ");
}

/** "Booking needs an active membership", with the way to get one. */
export function MembershipNeeded({ lang }: { lang: Lang }): VNode {
  return Alert({ tone: "warning", children: html`${t(lang, "bookings.problem.membership_required")} <a href="/membership">${t(lang, "bookings.membership_link")}</a>` });
}

/** The fields, filled with `values`; `hidden` turns them into hidden inputs (the confirm step's form). */
export function HiddenBookingFields({ values }: { values: BookingFormValues }): VNode {
  return html`${FORM_NAMES.map((name) => (values[name] ? html`<input type="hidden" name=${name} value=${values[name]} />` : null))}`;
}

export function BookingForm({
  lang,
  resources,
  values,
  errors,
  submit,
}: {
  lang: Lang;
  resources: ResourceChoice[];
  values: BookingFormValues;
  errors: Record<string, string>;
  submit?: string;
}): VNode {
  const v = (name: keyof BookingFormValues) => values[name] ?? "";
  const repeating = v("repeat") === "day" || v("repeat") === "week";
  return html`<form class="booking-form" id="booking-form" method="post" action="/bookings/preview" novalidate>
    <div class="booking-form-grid">
      ${SelectField({
        name: "resourceId",
        label: t(lang, "bookings.form.resource"),
        value: v("resourceId"),
        options: resources.map((r) => ({ value: r.id, label: `${r.name} (${r.category})` })),
        error: errors.resourceId,
      })}
      ${Field({ name: "date", type: "date", label: t(lang, "bookings.form.date"), value: v("date"), required: true, error: errors.date })}
      ${Field({ name: "start", type: "time", label: t(lang, "bookings.form.start"), value: v("start"), required: true, error: errors.start })}
      ${Field({ name: "end", type: "time", label: t(lang, "bookings.form.end"), value: v("end"), required: true, error: errors.end })}
    </div>
    ${Field({ name: "title", label: t(lang, "bookings.form.title"), tag: t(lang, "bookings.form.optional"), hint: t(lang, "bookings.form.title_hint"), value: v("title"), maxlength: 200, error: errors.title })}
    <details class="booking-repeat" open=${repeating || Boolean(errors.repeat || errors.count || errors.until)}>
      <summary>${t(lang, "bookings.form.repeat")}</summary>
      <div class="booking-form-grid">
        ${SelectField({
          name: "repeat",
          label: t(lang, "bookings.form.repeat"),
          value: v("repeat"),
          options: [
            { value: "", label: t(lang, "bookings.form.repeat_none") },
            { value: "day", label: t(lang, "bookings.form.repeat_day") },
            { value: "week", label: t(lang, "bookings.form.repeat_week") },
          ],
          error: errors.repeat,
        })}
        ${SelectField({
          name: "repeatEnds",
          label: t(lang, "bookings.form.repeat_ends"),
          value: v("repeatEnds") || "count",
          options: [
            { value: "count", label: t(lang, "bookings.form.repeat_ends_count") },
            { value: "until", label: t(lang, "bookings.form.repeat_ends_until") },
          ],
          error: errors.repeatEnds,
        })}
        ${Field({ name: "count", type: "number", inputmode: "numeric", label: t(lang, "bookings.form.count"), value: v("count"), error: errors.count })}
        ${Field({ name: "until", type: "date", label: t(lang, "bookings.form.until"), value: v("until"), error: errors.until })}
      </div>
    </details>
    <div class="actions">${Button({ children: submit ?? t(lang, "bookings.form.preview") })}</div>
  </form>`;
}
