import { msg, type Lang } from "../../web/i18n";
import { ApiError } from "../http/errors";
import type { Form } from "../http/forms";
import { fieldErrors } from "../http/validate";
import { parseDecimalAmount, toDecimalString } from "../invoices/money";
import { planInput, type PlanInput } from "./service";
import type { PlanFormValues, PlanView } from "./types";
import { decimalInput } from "../../web/ui/format";

// The plan form of /admin/plans: what was typed, the plan as the form shows it, and the
// typed text as the service's input (`planInput`), every refusal under the form's names.

export function planFormValues(form: Form): PlanFormValues {
  return {
    name: form.str("name"),
    description: form.str("description"),
    price: form.str("price").trim(),
    intervalMonths: form.str("intervalMonths").trim(),
    taxRate: form.str("taxRate").trim(),
    approvalRequired: form.bool("approvalRequired"),
    hidden: form.bool("hidden"),
    noticeDays: form.str("noticeDays").trim(),
    setupFee: form.str("setupFee").trim(),
    creditMinutes: form.str("creditMinutes").trim(),
    creditCategories: form.str("creditCategories"),
    groups: form.list("groups"),
  };
}


/** A stored plan as the form shows it; a new plan starts at one month and the community's default tax rate. */
export function planFormOf(lang: Lang, plan: PlanView | null, defaultTaxRate: number): PlanFormValues {
  if (!plan) {
    return { name: "", description: "", price: "", intervalMonths: "1", taxRate: decimalInput(lang, String(defaultTaxRate)), approvalRequired: false, hidden: false, noticeDays: "0", setupFee: "", creditMinutes: "0", creditCategories: "", groups: [] };
  }
  return {
    name: plan.name,
    description: plan.description,
    price: decimalInput(lang, toDecimalString(plan.price)),
    intervalMonths: String(plan.intervalMonths),
    taxRate: decimalInput(lang, String(plan.taxRate)),
    approvalRequired: plan.approvalRequired,
    hidden: plan.hidden,
    noticeDays: String(plan.noticeDays),
    setupFee: plan.setupFee.amount === 0 ? "" : decimalInput(lang, toDecimalString(plan.setupFee)),
    creditMinutes: String(plan.credits.minutes),
    creditCategories: plan.credits.categories.join(", "),
    groups: plan.groups,
  };
}

/** Where the service's field paths are shown on the form (`price.amount` → `price`, `credits.categories.2` → `creditCategories`). */
function formField(path: string): string {
  const [head, second] = path.split(".");
  if (head === "credits") return second === "categories" ? "creditCategories" : "creditMinutes";
  return head!;
}

/**
 * The typed plan as `POST /api/v1/plans` takes it, every field sent (an empty setup fee,
 * notice or credit is 0, so an edit can clear it); amounts and the rate are read as
 * decimals, exactly. Else 422 `validation_failed` with every field's error under its
 * form name, the typed text's own errors beside the schema's.
 */
export function planFormInput(values: PlanFormValues, currency: string): PlanInput {
  const own: Record<string, string> = {};
  const amount = (field: "price" | "setupFee", text: string, required: boolean): number | undefined => {
    if (text === "") {
      if (required) own[field] = "field.required";
      return required ? undefined : 0;
    }
    const n = parseDecimalAmount(text, currency);
    if (n === null) own[field] = msg("plans.error.amount", { currency });
    return n ?? undefined;
  };
  const whole = (field: string, text: string, empty: number | undefined): number | undefined => {
    if (text === "") return empty;
    if (/^\d{1,9}$/.test(text)) return Number(text);
    own[field] = "plans.error.whole_number";
    return undefined;
  };
  const rate = (): number => {
    if (values.taxRate === "") return 0;
    const bp = percentBp(values.taxRate);
    if (bp === null) own.taxRate = "plans.error.rate";
    return (bp ?? 0) / 100;
  };
  const input = {
    name: values.name,
    description: values.description,
    price: { amount: amount("price", values.price, true), currency },
    intervalMonths: whole("intervalMonths", values.intervalMonths, undefined),
    taxRate: rate(),
    approvalRequired: values.approvalRequired,
    hidden: values.hidden,
    noticeDays: whole("noticeDays", values.noticeDays, 0),
    setupFee: { amount: amount("setupFee", values.setupFee, false), currency },
    credits: { minutes: whole("creditMinutes", values.creditMinutes, 0), categories: categoriesOf(values.creditCategories) },
    groups: values.groups,
  };
  const result = planInput.safeParse(input);
  const fields: Record<string, string> = {};
  if (!result.success) for (const [path, message] of Object.entries(fieldErrors(result.error, input))) fields[formField(path)] ??= message;
  Object.assign(fields, own);
  if (!result.success || Object.keys(own).length > 0) throw new ApiError(422, "validation_failed", "Some fields are invalid.", fields);
  return result.data;
}

/** A percentage with at most two decimals in basis points ("5,5" → 550), `null` otherwise. */
function percentBp(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.replace(/\s/g, ""));
  return m ? Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) : null;
}

/** "Meeting rooms, Desks" → ["Meeting rooms", "Desks"] (empty parts dropped). */
export function categoriesOf(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
