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

// ── inv-admin-pages: /admin/invoices and /admin/invoices/charges ──

type Money = { amount: number; currency: string };

/** The member an invoice or a charge bills, as they are now. */
export type BilledMember = { id: string; name: string; email: string };

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
  member: BilledMember;
};

/** The totals of every invoice a filter selects; a void invoice is counted but adds to no amount. */
export type InvoiceTotals = { count: number; total: Money; paid: Money; balance: Money };

/** What the charges page shows of a charge waiting for an invoice. */
export type PendingChargeRow = { id: string; description: string; amount: Money; taxRate: number; createdAt: string; member: BilledMember };

/** The one-off charge form as typed. */
export type ChargeFormValues = { email: string; description: string; amount: string; taxRate: string };
