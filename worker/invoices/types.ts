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

// The member's invoice pages (branch inv-member-pages): `invoiceView`'s answer, structurally.

type Money = { amount: number; currency: string };

export type InvoicePartyView = { name: string; address: string; taxId: string | null; iban?: string | null; bic?: string | null };
export type InvoiceLinePageView = { description: string; quantity: number; unitAmount: Money; taxRate: number; amount: Money };

/** The lines and totals of an invoice or of the next one's preview. */
export type InvoiceTotalsPageView = { lines: InvoiceLinePageView[]; subtotal: Money; taxes: { rate: number; amount: Money }[]; total: Money };

/** An issued invoice as `GET /api/v1/invoices/{id}` answers it; `creditNote` and `payments` come with the payments feature. */
export type InvoicePageView = InvoiceTotalsPageView & {
  id: string;
  number: string;
  status: "open" | "paid" | "void";
  issuedOn: string;
  dueOn: string;
  seller: InvoicePartyView;
  buyer: InvoicePartyView;
  paid: Money;
  balance: Money;
  creditNote?: { number: string; issuedOn: string } | null;
  payments?: { id: string; amount: Money; method: string; paidOn: string; note: string | null }[];
};

/** The next invoice as the run would issue it (`GET /api/v1/me/invoices/preview`). */
export type InvoicePreviewView = InvoiceTotalsPageView & { date: string };
