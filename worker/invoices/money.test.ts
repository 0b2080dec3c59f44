import { describe, expect, it } from "vitest";
import {
  add,
  assertCurrency,
  balanceOf,
  computeInvoiceTotals,
  CurrencyMismatchError,
  currencyExponent,
  formatMoney,
  formatRate,
  money,
  percentToBasisPoints,
  sum,
  taxOn,
  toDecimalString,
} from "./money";

const eur = (amount: number) => money(amount, "EUR");

describe("money objects", () => {
  it("are integer minor units with an ISO currency", () => {
    expect(money(1234, "EUR")).toEqual({ amount: 1234, currency: "EUR" });
    expect(() => money(12.5, "EUR")).toThrow(RangeError);
    expect(() => money(1, "eur")).toThrow(RangeError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1, "EUR")).toThrow(RangeError);
  });

  it("detect a currency mismatch", () => {
    expect(() => add(eur(1), money(1, "USD"))).toThrow(CurrencyMismatchError);
    expect(() => sum([eur(1), money(1, "GBP")], "EUR")).toThrow(CurrencyMismatchError);
    expect(() => assertCurrency("EUR", eur(1), money(2, "CHF"))).toThrow(/expected EUR, got CHF/);
    try {
      assertCurrency("EUR", money(2, "CHF"));
    } catch (e) {
      expect((e as CurrencyMismatchError).code).toBe("currency_mismatch");
    }
    expect(sum([], "EUR")).toEqual(eur(0));
    expect(balanceOf(eur(3621), eur(1000))).toEqual(eur(2621));
  });
});

describe("tax rates", () => {
  it("percentages with up to two decimals become basis points", () => {
    expect(percentToBasisPoints(20)).toBe(2000);
    expect(percentToBasisPoints(5.5)).toBe(550);
    expect(percentToBasisPoints("5,5")).toBe(550);
    expect(percentToBasisPoints("0.01")).toBe(1);
    expect(percentToBasisPoints(0)).toBe(0);
    expect(percentToBasisPoints(100)).toBe(10000);
    expect(percentToBasisPoints(8.25)).toBe(825);
  });

  it("refuses more decimals, negatives and rates above 100 %", () => {
    expect(() => percentToBasisPoints(5.555)).toThrow(RangeError);
    expect(() => percentToBasisPoints(-1)).toThrow(RangeError);
    expect(() => percentToBasisPoints(100.01)).toThrow(RangeError);
    expect(() => percentToBasisPoints(0.1 + 0.2)).toThrow(RangeError);
    expect(() => percentToBasisPoints(Number.NaN)).toThrow(RangeError);
  });

  it("tax is rounded half-up per amount", () => {
    expect(taxOn(50, 500)).toBe(3); // 2.5 → 3 (banker's rounding would give 2)
    expect(taxOn(1099, 550)).toBe(60); // 60.445 → 60
    expect(taxOn(1003, 2000)).toBe(201); // 200.6 → 201
    expect(taxOn(1090, 550)).toBe(60); // 59.95 → 60
    expect(taxOn(-50, 500)).toBe(-3); // a credit mirrors its debit
    expect(taxOn(1234, 0)).toBe(0);
  });
});

describe("invoice totals", () => {
  it("sum rounded lines: per-line rounding differs from rounding the sum", () => {
    const totals = computeInvoiceTotals(
      [
        { description: "Book A", unitAmount: eur(1099), taxRateBp: 550 },
        { description: "Book B", unitAmount: eur(1099), taxRateBp: 550 },
        { description: "Desk", unitAmount: eur(1003), taxRateBp: 2000 },
      ],
      "EUR",
    );
    // 5.5 %: 1099 × 5.5 % = 60.445 → 60, twice: 120 (rounding 2198 × 5.5 % = 120.89 would give 121).
    // 20 %: 1003 × 20 % = 200.6 → 201.
    expect(totals.lines.map((l) => l.tax.amount)).toEqual([60, 60, 201]);
    // 1099 + 1099 + 1003 = 3201.
    expect(totals.subtotal).toEqual(eur(3201));
    expect(totals.taxes).toEqual([
      { rateBp: 550, rate: 5.5, taxable: eur(2198), amount: eur(120) },
      { rateBp: 2000, rate: 20, taxable: eur(1003), amount: eur(201) },
    ]);
    // 3201 + 120 + 201 = 3522.
    expect(totals.total).toEqual(eur(3522));
  });

  it("two lines at 20 %: 2 × 201 = 402, where 20 % of 2006 rounds to 401", () => {
    const totals = computeInvoiceTotals(
      [
        { description: "Room 1", unitAmount: eur(1003), taxRateBp: 2000 },
        { description: "Room 2", unitAmount: eur(1003), taxRateBp: 2000 },
      ],
      "EUR",
    );
    expect(totals.taxes).toEqual([{ rateBp: 2000, rate: 20, taxable: eur(2006), amount: eur(402) }]);
    expect(totals.total).toEqual(eur(2408));
  });

  it("lists only non-zero rates, ascending, and keeps the zero-rate base for the PDF", () => {
    const totals = computeInvoiceTotals(
      [
        { description: "Plan", unitAmount: eur(5000), taxRateBp: 2100 },
        { description: "Exempt training", unitAmount: eur(2000), taxRateBp: 0 },
        { description: "Coffee", unitAmount: eur(300), taxRateBp: 600, quantity: 3 },
      ],
      "EUR",
    );
    expect(totals.lines[2]?.amount).toEqual(eur(900));
    // 21 % of 5000 = 1050; 6 % of 900 = 54.
    expect(totals.taxes.map((t) => [t.rate, t.amount.amount])).toEqual([
      [6, 54],
      [21, 1050],
    ]);
    expect(totals.taxBases.map((t) => [t.rate, t.taxable.amount])).toEqual([
      [0, 2000],
      [6, 900],
      [21, 5000],
    ]);
    expect(totals.subtotal).toEqual(eur(7900));
    expect(totals.total).toEqual(eur(7900 + 54 + 1050));
  });

  it("an empty invoice is zero, and a line in another currency is refused", () => {
    expect(computeInvoiceTotals([], "EUR").total).toEqual(eur(0));
    expect(() =>
      computeInvoiceTotals([{ description: "x", unitAmount: money(100, "USD"), taxRateBp: 0 }], "EUR"),
    ).toThrow(CurrencyMismatchError);
  });
});

describe("display", () => {
  it("decimal strings follow the currency's minor unit", () => {
    expect(currencyExponent("EUR")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(toDecimalString(eur(1234))).toBe("12.34");
    expect(toDecimalString(eur(5))).toBe("0.05");
    expect(toDecimalString(eur(-5))).toBe("-0.05");
    expect(toDecimalString(money(1500, "JPY"))).toBe("1500");
  });

  it("formats for people in each language", () => {
    expect(formatMoney(eur(123456789), "en")).toBe("€1,234,567.89");
    expect(formatMoney(eur(123456789), "fr")).toBe("1\u202f234\u202f567,89\u00a0€");
    expect(formatMoney(eur(1234), "nl")).toBe("€\u00a012,34");
    expect(formatRate(550, "en")).toBe("5.5%");
    expect(formatRate(550, "fr")).toBe("5,5\u00a0%");
  });
});
