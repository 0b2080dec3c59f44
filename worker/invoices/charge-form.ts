import { msg, type Lang } from "../../web/i18n";
import type { ChargeFormValues } from "./types";
import { findUserByEmail } from "../auth/service";
import type { TenantDb } from "../db/client";
import { ApiError } from "../http/errors";
import type { Form } from "../http/forms";
import { fieldErrors } from "../http/validate";
import { chargeInput, type ChargeInput } from "./charges";
import { parseDecimalAmount } from "./money";
import type { BillingSettingsView } from "./settings";
import { decimalInput } from "../../web/ui/format";

// The one-off charge form of /admin/invoices/charges: the member by email, the amount and the
// rate as people type them (a comma or a dot), read into `chargeInput`; every refusal under
// the form's names.


/** An empty form: the member's email when one is chosen, the community's default tax rate. */
export function emptyChargeForm(lang: Lang, billing: BillingSettingsView, email = ""): ChargeFormValues {
  return { email, description: "", amount: "", taxRate: decimalInput(lang, billing.defaultTaxRate) };
}

export function chargeFormValues(form: Form): ChargeFormValues {
  return { email: form.str("email").trim(), description: form.str("description"), amount: form.str("amount").trim(), taxRate: form.str("taxRate").trim() };
}

/** A percentage with at most two decimals ("5,5" → 5.5), `null` otherwise. */
function percent(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.replace(/\s/g, ""));
  return m ? (Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"))) / 100 : null;
}

/**
 * The member the form names (by email) and the charge as `POST /api/v1/members/{id}/charges`
 * takes it, in the community's currency; an empty rate is the billing settings' default. Else
 * 422 `validation_failed`, each error beside its field (an unknown email beside the email).
 */
export async function chargeFormInput(t: TenantDb, billing: BillingSettingsView, values: ChargeFormValues): Promise<{ userId: string; input: ChargeInput }> {
  const own: Record<string, string> = {};
  const member = values.email ? await findUserByEmail(t, values.email.toLowerCase()) : undefined;
  if (!values.email) own.email = "field.required";
  else if (!member) own.email = "admin.charges.error.no_member";
  let amount: number | undefined;
  if (values.amount === "") own.amount = "field.required";
  else {
    const n = parseDecimalAmount(values.amount, billing.currency);
    if (n === null) own.amount = msg("plans.error.amount", { currency: billing.currency });
    else amount = n;
  }
  const rate = values.taxRate === "" ? billing.defaultTaxRate : percent(values.taxRate);
  if (rate === null) own.taxRate = "plans.error.rate";
  const raw = { description: values.description, amount: { amount, currency: billing.currency }, taxRate: rate ?? undefined };
  const result = chargeInput.safeParse(raw);
  const fields: Record<string, string> = {};
  if (!result.success) for (const [path, message] of Object.entries(fieldErrors(result.error, raw))) fields[path.split(".")[0]!] ??= message;
  Object.assign(fields, own);
  if (!result.success || Object.keys(own).length > 0 || !member) throw new ApiError(422, "validation_failed", "Some fields are invalid.", fields);
  return { userId: member.id, input: result.data };
}
