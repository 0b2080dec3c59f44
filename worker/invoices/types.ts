// Types the invoice pages (web/pages/invoices/) read from the worker.

/** Whether the currency and the invoice day are fixed (the settings page shows them disabled, with why). */
export type BillingLocks = { currency: boolean; invoiceDay: boolean };

/** The billing settings' form as typed (/admin/invoices/settings); the Stripe keys are never filled back. */
export type BillingFormValues = {
  currency: string;
  invoiceDay: string;
  numberPrefix: string;
  paymentTermsDays: string;
  defaultTaxRate: string;
  sellerName: string;
  sellerAddress: string;
  taxId: string;
  iban: string;
  bic: string;
};

/** The "record a payment" form of /admin/invoices/{id} as typed (branch inv-pay). */
export type PaymentFormValues = { amount: string; method: string; paidOn: string; note: string };
/** The "void" form of /admin/invoices/{id} as typed. */
export type VoidFormValues = { reason: string; rebill: boolean };
type FormState<V> = { values: V; errors: Record<string, string>; formError?: string | undefined };
/** Each form of /admin/invoices/{id}: what it shows (typed values and errors after a refusal, its defaults otherwise). */
export type AdminInvoiceForm = { payment: FormState<PaymentFormValues>; void: FormState<VoidFormValues>; payments: { formError?: string | undefined } };

/** Money as the contract answers it: integer minor units and an ISO 4217 currency. */
type MoneyView = { amount: number; currency: string };
/** A seller or buyer as printed on an invoice. */
export type InvoicePartyView = { name: string; address: string; taxId: string | null; iban?: string | null; bic?: string | null; email?: string };
export type PaymentView = { id: string; amount: MoneyView; method: "bank_transfer" | "cash" | "card" | "other"; paidOn: string; note: string | null };
export type InvoiceLineView = { description: string; quantity: number; unitAmount: MoneyView; taxRate: number; amount: MoneyView };
export type TaxView = { rate: number; amount: MoneyView };
/** An issued invoice in the contract's shape (`GET /api/v1/invoices/{id}`), which pages read too. */
export type InvoiceView = {
  id: string;
  userId: string;
  number: string;
  status: "open" | "paid" | "void";
  issuedOn: string;
  dueOn: string;
  seller: InvoicePartyView;
  buyer: InvoicePartyView;
  lines: InvoiceLineView[];
  subtotal: MoneyView;
  taxes: TaxView[];
  total: MoneyView;
  paid: MoneyView;
  balance: MoneyView;
  /** The reason given when it was voided (null while it is not). */
  voidReason: string | null;
  /** A void invoice's credit note (its own number series), null otherwise. */
  creditNote: { number: string; issuedOn: string } | null;
  /** Payments recorded on it, oldest first. */
  payments: PaymentView[];
};
