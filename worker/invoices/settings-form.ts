import type { Lang } from "../../web/i18n";
import { ApiError } from "../http/errors";
import type { Form } from "../http/forms";
import { fieldErrors } from "../http/validate";
import { formatIban } from "./epc";
import { percentToBasisPoints } from "./money";
import { billingSettingsPatch, type BillingSettingsPatch, type BillingSettingsView } from "./settings";
import type { BillingFormValues } from "./types";
import { decimalInput } from "../../web/ui/format";

export type { BillingFormValues };

// The form of /admin/invoices/settings: what was typed, the settings as the form shows
// them, and the typed text as the API's patch (`billingSettingsPatch`), every refusal under
// the form's names. The Stripe keys are never shown again: their inputs start empty.


/** The form's names for the patch's paths (`seller.iban` → `iban`). */
const FORM_NAME: Record<string, string> = {
  "seller.name": "sellerName",
  "seller.address": "sellerAddress",
  "seller.taxId": "taxId",
  "seller.iban": "iban",
  "seller.bic": "bic",
  "stripe.secretKey": "stripeSecretKey",
  "stripe.webhookSecret": "stripeWebhookSecret",
};
const formName = (path: string) => FORM_NAME[path] ?? path.split(".")[0]!;


export function billingFormOf(lang: Lang, s: BillingSettingsView): BillingFormValues {
  return {
    currency: s.currency,
    invoiceDay: String(s.invoiceDay),
    numberPrefix: s.numberPrefix,
    paymentTermsDays: String(s.paymentTermsDays),
    defaultTaxRate: decimalInput(lang, s.defaultTaxRate),
    sellerName: s.seller.name,
    sellerAddress: s.seller.address,
    taxId: s.seller.taxId ?? "",
    iban: s.seller.iban ? formatIban(s.seller.iban) : "",
    bic: s.seller.bic ?? "",
  };
}

/** What was typed (a disabled, locked field is not sent: it stays as stored). */
export function billingFormValues(form: Form, current: BillingFormValues): BillingFormValues {
  const typed = (name: keyof BillingFormValues) => (form.has(name) ? form.str(name) : current[name]);
  return {
    currency: typed("currency").trim(),
    invoiceDay: typed("invoiceDay").trim(),
    numberPrefix: typed("numberPrefix").trim(),
    paymentTermsDays: typed("paymentTermsDays").trim(),
    defaultTaxRate: typed("defaultTaxRate").trim(),
    sellerName: typed("sellerName"),
    sellerAddress: typed("sellerAddress"),
    taxId: typed("taxId"),
    iban: typed("iban"),
    bic: typed("bic"),
  };
}

/**
 * The typed settings as `PATCH /api/v1/billing/settings` takes them. Whole numbers and the
 * rate (a dot or a comma) are read from the text; the Stripe keys are sent only when one of
 * them was typed (empty inputs keep the connected account). Else 422 `validation_failed`.
 */
export function billingFormPatch(form: Form, values: BillingFormValues, locks: { currency: boolean; invoiceDay: boolean }): BillingSettingsPatch {
  const own: Record<string, string> = {};
  const whole = (field: "invoiceDay" | "paymentTermsDays"): number | undefined => {
    const text = values[field];
    if (/^\d{1,4}$/.test(text)) return Number(text);
    own[field] = text === "" ? "field.required" : "billing.error.whole_number";
    return undefined;
  };
  const rate = (): number | undefined => {
    if (values.defaultTaxRate === "") return 0;
    try {
      return percentToBasisPoints(values.defaultTaxRate.replace(/\s/g, "")) / 100;
    } catch {
      own.defaultTaxRate = "plans.error.rate";
      return undefined;
    }
  };
  const secretKey = form.str("stripeSecretKey").trim();
  const webhookSecret = form.str("stripeWebhookSecret").trim();
  const input = {
    ...(locks.currency ? {} : { currency: values.currency }),
    ...(locks.invoiceDay ? {} : { invoiceDay: whole("invoiceDay") }),
    numberPrefix: values.numberPrefix,
    paymentTermsDays: whole("paymentTermsDays"),
    defaultTaxRate: rate(),
    seller: { name: values.sellerName, address: values.sellerAddress, taxId: values.taxId, iban: values.iban, bic: values.bic },
    ...(secretKey || webhookSecret ? { stripe: { secretKey, webhookSecret } } : {}),
  };
  const result = billingSettingsPatch.safeParse(input);
  const fields: Record<string, string> = {};
  if (!result.success) for (const [path, message] of Object.entries(fieldErrors(result.error, input))) fields[formName(path)] ??= message;
  Object.assign(fields, own);
  if (!result.success || Object.keys(own).length > 0) throw new ApiError(422, "validation_failed", "Some fields are invalid.", fields);
  return result.data;
}
