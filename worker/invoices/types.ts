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
