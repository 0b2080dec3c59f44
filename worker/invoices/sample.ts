// A sample invoice with every kind of line, rates of 21, 6 and 0 %, a part payment and
// a buyer whose name needs Latin Extended letters: the PDF test, scripts/bench-pdf.mjs
// and the demo seed can share it.
import { computeInvoiceTotals, money } from "./money";
import type { InvoicePdfData } from "./pdf";

const eur = (amount: number) => money(amount, "EUR");

/** An invoice as the route will have it, with totals from the money module. */
export function sampleInvoice(overrides: Partial<InvoicePdfData> = {}): InvoicePdfData {
  const totals = computeInvoiceTotals(
    [
      { description: "Hot desk plan — December 2026 (1 Dec – 31 Dec)", unitAmount: eur(18000), taxRateBp: 2100 },
      { description: "Hot desk plan — 17 Nov – 30 Nov 2026 (prorated)", unitAmount: eur(8400), taxRateBp: 2100 },
      { description: "Meeting room “Ørsted”, 3 Dec 2026 10:00–12:00, beyond included credits", unitAmount: eur(4500), taxRateBp: 2100 },
      { description: "Book: « L’économie circulaire » (reduced rate)", unitAmount: eur(1099), taxRateBp: 600 },
      { description: "Workshop ticket: Introduction to bookkeeping (exempt, art. 44 VAT Code)", unitAmount: eur(2500), taxRateBp: 0 },
    ],
    "EUR",
  );
  return {
    number: "INV2026-0042",
    status: "open",
    issuedOn: "2026-12-01",
    dueOn: "2026-12-15",
    seller: {
      name: "Espace Coworking Bruxelles ASBL",
      address: "Rue de la Loi 42\n1000 Bruxelles\nBelgique",
      taxId: "BE0123456749",
      iban: "BE71 0961 2345 6769",
      bic: "GEBABEBB",
    },
    buyer: {
      name: "Łukasz Őry-Ærø Ștefan",
      address: "Ulica Świętokrzyska 12/4\n00-916 Warszawa\nPolska",
      taxId: "PL5260250274",
      email: "lukasz@example.org",
    },
    lines: totals.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmount: l.unitAmount, taxRate: l.taxRate, amount: l.amount })),
    subtotal: totals.subtotal,
    taxes: totals.taxes.map((t) => ({ rate: t.rate, amount: t.amount })),
    total: totals.total,
    paid: eur(10000),
    balance: eur(totals.total.amount - 10000),
    ...overrides,
  };
}

