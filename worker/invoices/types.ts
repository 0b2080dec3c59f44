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
  /** The member it bills; null once their account was removed (the invoice stays, its buyer is a snapshot). */
  userId: string | null;
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


// ── inv-admin-pages: /admin/invoices and /admin/invoices/charges ──

type Money = { amount: number; currency: string };

/** The member an invoice or a charge bills, as they are now. */
export type BilledMember = { id: string; name: string; email: string };
/** The member an invoice bills; `id` null once their account was removed (then the invoice's buyer, as printed). */
export type InvoiceMember = { id: string | null; name: string; email: string };

/** What the admin list shows of an invoice (`listInvoicesWithMembers` answers more). */
export type AdminInvoiceRow = {
  id: string;
  number: string;
  status: "open" | "paid" | "void";
  issuedOn: string;
  dueOn: string;
  total: Money;
  paid: Money;
  balance: Money;
  member: InvoiceMember;
};

/** The totals of every invoice a filter selects; a void invoice is counted but adds to no amount. */
export type InvoiceTotals = { count: number; total: Money; paid: Money; balance: Money };

/** What the charges page shows of a charge waiting for an invoice. */
export type PendingChargeRow = { id: string; description: string; amount: Money; taxRate: number; createdAt: string; member: BilledMember };

/** The one-off charge form as typed. */
export type ChargeFormValues = { email: string; description: string; amount: string; taxRate: string };

// The member's invoice pages (branch inv-member-pages): the same shapes as the API's.
export type InvoiceLinePageView = InvoiceLineView;
/** The lines and totals of an invoice or of the next one's preview. */
export type InvoiceTotalsPageView = { lines: InvoiceLineView[]; subtotal: MoneyView; taxes: TaxView[]; total: MoneyView };
/** An issued invoice as `GET /api/v1/invoices/{id}` answers it. */
export type InvoicePageView = InvoiceView;
/** The next invoice as the run would issue it (`GET /api/v1/me/invoices/preview`). */
export type InvoicePreviewView = InvoiceTotalsPageView & { date: string };
