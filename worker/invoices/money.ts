import { formatMoney as formatMoneyFor } from "../../web/ui/format";
// Money and invoice totals as pure functions (DESIGN.md "Member portal decisions"):
// integer minor units plus an ISO 4217 currency; tax rates in basis points; tax per
// line rounded half-up to the minor unit; totals are sums of rounded lines.

/** An amount in integer minor units (cents for EUR) of an ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

/** Thrown when amounts in different currencies meet; routes answer 422 `currency_mismatch`. */
export class CurrencyMismatchError extends Error {
  readonly code = "currency_mismatch";
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`currency mismatch: expected ${expected}, got ${actual}`);
    this.name = "CurrencyMismatchError";
  }
}

const CURRENCY_RE = /^[A-Z]{3}$/;

export function isCurrency(code: unknown): code is string {
  return typeof code === "string" && CURRENCY_RE.test(code);
}

/** A money object; throws RangeError unless `amount` is a safe integer and `currency` three capitals. */
export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be an integer in minor units, got ${amount}`);
  if (!isCurrency(currency)) throw new RangeError(`currency must be an ISO 4217 code, got ${currency}`);
  return { amount, currency };
}

export function zero(currency: string): Money {
  return money(0, currency);
}

/** Throws CurrencyMismatchError unless every money is in `currency`. */
export function assertCurrency(currency: string, ...amounts: Money[]): void {
  for (const m of amounts) if (m.currency !== currency) throw new CurrencyMismatchError(currency, m.currency);
}

export function sameCurrency(a: Money, b: Money): boolean {
  return a.currency === b.currency;
}

export function add(a: Money, b: Money): Money {
  assertCurrency(a.currency, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertCurrency(a.currency, b);
  return money(a.amount - b.amount, a.currency);
}

/** Sum in `currency` (which an empty list needs); throws CurrencyMismatchError on another currency. */
export function sum(amounts: readonly Money[], currency: string): Money {
  let total = 0;
  for (const m of amounts) {
    assertCurrency(currency, m);
    total += m.amount;
  }
  return money(total, currency);
}

// ---- Tax rates -------------------------------------------------------------

/** Largest rate accepted, in basis points (100 %). */
export const MAX_TAX_RATE_BP = 10_000;

/**
 * A percentage with at most two decimals (`20`, `5.5`, `"21"`, `"5,5"`) in basis points
 * (2000, 550). Throws RangeError for a negative rate, one above 100 % or with more
 * decimals. Decimal strings are read digit by digit, never through binary floats.
 */
export function percentToBasisPoints(percent: number | string): number {
  const text = typeof percent === "number" ? numberToPlainString(percent) : percent.trim().replace(",", ".");
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) throw new RangeError(`tax rate must be a percentage with at most two decimals, got ${String(percent)}`);
  const bp = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  if (bp > MAX_TAX_RATE_BP) throw new RangeError(`tax rate above 100 %: ${String(percent)}`);
  return bp;
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  // Shortest round-trip text: 5.5 → "5.5", 0.1 + 0.2 → "0.30000000000000004" (rejected).
  return String(n);
}

/** Basis points back to the contract's percentage (550 → 5.5). */
export function basisPointsToPercent(bp: number): number {
  return bp / 100;
}

/** Rounds `numerator / denominator` half-up, i.e. half away from zero (so credits mirror debits). */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (2n * n + denominator) / (2n * denominator);
  return negative ? -q : q;
}

/** The tax on `amount` (minor units) at `rateBp`, rounded half-up to the minor unit. */
export function taxOn(amount: number, rateBp: number): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError("amount must be an integer");
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > MAX_TAX_RATE_BP) throw new RangeError("rate must be 0..10000 basis points");
  return Number(divideHalfUp(BigInt(amount) * BigInt(rateBp), 10_000n));
}

// ---- Invoice totals --------------------------------------------------------

export interface LineInput {
  description: string;
  /** Price of one unit, before tax. */
  unitAmount: Money;
  /** A positive integer; the contract uses 1 everywhere. */
  quantity?: number;
  /** Tax rate in basis points. */
  taxRateBp: number;
}

export interface ComputedLine {
  description: string;
  quantity: number;
  unitAmount: Money;
  taxRateBp: number;
  /** The contract's `taxRate` (percent). */
  taxRate: number;
  /** quantity × unitAmount, before tax. */
  amount: Money;
  /** This line's tax, rounded half-up. */
  tax: Money;
}

export interface TaxEntry {
  rateBp: number;
  /** The contract's `rate` (percent). */
  rate: number;
  /** Sum of the amounts of the lines at this rate (the taxable amount). */
  taxable: Money;
  /** Sum of the rounded taxes of those lines. */
  amount: Money;
}

export interface InvoiceTotals {
  currency: string;
  lines: ComputedLine[];
  subtotal: Money;
  /** One entry per non-zero rate, ascending. */
  taxes: TaxEntry[];
  /** Taxable amounts per rate, zero rate included, ascending: the PDF's tax summary. */
  taxBases: TaxEntry[];
  total: Money;
}

/**
 * Lines, subtotal, taxes and total of an invoice in `currency`. Tax is computed and
 * rounded per line; every total is a sum of rounded lines; `total = subtotal + taxes`.
 * Throws CurrencyMismatchError when a line is in another currency.
 */
export function computeInvoiceTotals(inputs: readonly LineInput[], currency: string): InvoiceTotals {
  if (!isCurrency(currency)) throw new RangeError(`currency must be an ISO 4217 code, got ${currency}`);
  const lines: ComputedLine[] = inputs.map((input) => {
    assertCurrency(currency, input.unitAmount);
    const quantity = input.quantity ?? 1;
    if (!Number.isSafeInteger(quantity) || quantity < 1) throw new RangeError("quantity must be a positive integer");
    const amount = money(input.unitAmount.amount * quantity, currency);
    return {
      description: input.description,
      quantity,
      unitAmount: input.unitAmount,
      taxRateBp: input.taxRateBp,
      taxRate: basisPointsToPercent(input.taxRateBp),
      amount,
      tax: money(taxOn(amount.amount, input.taxRateBp), currency),
    };
  });
  const byRate = new Map<number, { taxable: number; tax: number }>();
  for (const line of lines) {
    const entry = byRate.get(line.taxRateBp) ?? { taxable: 0, tax: 0 };
    entry.taxable += line.amount.amount;
    entry.tax += line.tax.amount;
    byRate.set(line.taxRateBp, entry);
  }
  const taxBases: TaxEntry[] = [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([rateBp, e]) => ({
      rateBp,
      rate: basisPointsToPercent(rateBp),
      taxable: money(e.taxable, currency),
      amount: money(e.tax, currency),
    }));
  const taxes = taxBases.filter((t) => t.rateBp !== 0);
  const subtotal = sum(
    lines.map((l) => l.amount),
    currency,
  );
  const taxTotal = sum(
    taxes.map((t) => t.amount),
    currency,
  );
  return { currency, lines, subtotal, taxes, taxBases, total: add(subtotal, taxTotal) };
}

/** What is left to pay: total − paid (never below zero is the caller's rule: an overpayment is refused). */
export function balanceOf(total: Money, paid: Money): Money {
  return subtract(total, paid);
}

// ---- Display ---------------------------------------------------------------

const exponents = new Map<string, number>();

/** Minor-unit digits of a currency (EUR 2, JPY 0, KWD 3), from Intl. */
export function currencyExponent(currency: string): number {
  let e = exponents.get(currency);
  if (e === undefined) {
    e = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponents.set(currency, e);
  }
  return e;
}

/** The amount as a decimal string without grouping: 1234 EUR → "12.34", -5 → "-0.05". */
export function toDecimalString(m: Money): string {
  const e = currencyExponent(m.currency);
  const negative = m.amount < 0;
  const digits = String(Math.abs(m.amount)).padStart(e + 1, "0");
  const whole = e === 0 ? digits : digits.slice(0, -e);
  const frac = e === 0 ? "" : `.${digits.slice(-e)}`;
  return `${negative ? "-" : ""}${whole}${frac}`;
}

/** The amount for people in `locale` ("12,34 €" in fr, "€12.34" in en): the pages' own formatter, exact (never through a binary float). */
export function formatMoney(m: Money, locale: string): string {
  return formatMoneyFor(locale, m);
}

/** A rate for people: 550 → "5.5 %" (en), "5,5 %" (fr). */
export function formatRate(rateBp: number, locale: string): string {
  let f = rateFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 });
    rateFormats.set(locale, f);
  }
  return f.format(rateBp / 10_000);
}

const rateFormats = new Map<string, Intl.NumberFormat>();

// ---- Input -----------------------------------------------------------------

/**
 * An amount typed by a person ("49.90", "49,90", "1 200,5", ".5") in minor units of
 * `currency` (4990, 4990, 120050, 50), read digit by digit, never through binary floats;
 * `null` when it is not a plain non-negative decimal with at most the currency's digits
 * after its one separator (a dot or a comma; spaces between digit groups are ignored).
 */
export function parseDecimalAmount(text: string, currency: string): number | null {
  const e = currencyExponent(currency);
  const m = /^(\d*)(?:[.,](\d*))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ""));
  if (!m) return null;
  const whole = m[1] ?? "";
  const frac = m[2] ?? "";
  if (whole === "" && frac === "") return null;
  if (frac.length > e) return null;
  return Number(`${whole}${frac.padEnd(e, "0")}`);
}
