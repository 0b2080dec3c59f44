import { t, type Lang, type MessageKey } from "../../web/i18n";

// What the invoice page (`/membership/invoices/{id}`, inv-member-pages) says after a card
// payment: the checkout returns there with `?done=card_paid` or `?done=card_canceled`, and
// `POST /membership/invoices/{id}/pay` sends the payer back there with `?error=<code>` when
// the checkout could not open.

/** `?done=` notices of a checkout's return, for `doneNotice(c, {...pageNotices, ...CARD_PAYMENT_NOTICES})`. */
export const CARD_PAYMENT_NOTICES: Record<string, MessageKey> = {
  card_paid: "payments.done.card_paid",
  card_canceled: "payments.done.card_canceled",
};

/** `?error=` codes the pay form sends back, in the payer's words. */
export const CARD_PAYMENT_ERRORS: Record<string, MessageKey> = {
  payments_not_connected: "payments.error.not_connected",
  payments_unavailable: "payments.error.unavailable",
  invoice_void: "payments.error.invoice_void",
  invoice_paid: "payments.error.invoice_paid",
  too_many_checkouts: "payments.error.too_many",
};

/** The message for `?error=<code>` of the invoice page, or null for no code or one it does not know. */
export function cardPaymentError(lang: Lang, code: string | null | undefined): string | null {
  const key = code ? CARD_PAYMENT_ERRORS[code] : undefined;
  return key ? t(lang, key) : null;
}
