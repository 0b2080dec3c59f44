import { z } from "zod";
import { msg } from "../../web/i18n";
import { unixLines } from "../http/text";

/** A membership's billing details (the buyer on its invoices): on a plan choice, at sign-up, and edited later. */
export const billingDetails = z.strictObject({
  name: z.string().trim().min(1, "field.required").max(200, msg("field.too_long", { max: 200 })),
  address: z.string().trim().min(1, "field.required").max(1000, msg("field.too_long", { max: 1000 })).transform(unixLines),
  taxId: z.string().trim().max(50, msg("field.too_long", { max: 50 })).nullish(),
});
