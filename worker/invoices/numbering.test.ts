import { describe, expect, it } from "vitest";
import {
  formatCreditNoteNumber,
  formatDocumentNumber,
  formatInvoiceNumber,
  nextSequence,
  parseDocumentNumber,
  yearOfDay,
} from "./numbering";

describe("invoice numbers", () => {
  it("are {prefix}{year}-{sequence} padded to four digits", () => {
    expect(formatInvoiceNumber("INV", 2026, 1)).toBe("INV2026-0001");
    expect(formatInvoiceNumber("INV", 2026, 42)).toBe("INV2026-0042");
    expect(formatInvoiceNumber("F-", 2027, 9999)).toBe("F-2027-9999");
  });

  it("grow past four digits when they must", () => {
    expect(formatInvoiceNumber("INV", 2026, 10000)).toBe("INV2026-10000");
    expect(formatInvoiceNumber("INV", 2026, 123456)).toBe("INV2026-123456");
  });

  it("credit notes have their own series with a C after the prefix", () => {
    expect(formatCreditNoteNumber("INV", 2026, 1)).toBe("INVC2026-0001");
    expect(formatCreditNoteNumber("", 2026, 10001)).toBe("C2026-10001");
    expect(formatDocumentNumber("credit_note", "INV", 2026, 7)).toBe("INVC2026-0007");
    expect(formatDocumentNumber("invoice", "INV", 2026, 7)).toBe("INV2026-0007");
  });

  it("refuse impossible parts", () => {
    expect(() => formatInvoiceNumber("INV", 2026, 0)).toThrow(RangeError);
    expect(() => formatInvoiceNumber("INV", 2026, 1.5)).toThrow(RangeError);
    expect(() => formatInvoiceNumber("INV", 12026, 1)).toThrow(RangeError);
  });
});

describe("the sequence", () => {
  it("starts at 1, goes on within a year and starts again each year", () => {
    expect(nextSequence(null, 2026)).toEqual({ year: 2026, sequence: 1 });
    expect(nextSequence({ year: 2026, sequence: 1 }, 2026)).toEqual({ year: 2026, sequence: 2 });
    expect(nextSequence({ year: 2026, sequence: 9999 }, 2026)).toEqual({ year: 2026, sequence: 10000 });
    expect(nextSequence({ year: 2026, sequence: 318 }, 2027)).toEqual({ year: 2027, sequence: 1 });
    expect(() => nextSequence({ year: 2027, sequence: 3 }, 2026)).toThrow(RangeError);
  });

  it("takes its year from the issue day", () => {
    expect(yearOfDay("2026-12-31")).toBe(2026);
    expect(yearOfDay("2027-01-01")).toBe(2027);
    expect(() => yearOfDay("31/12/2026")).toThrow(RangeError);
  });

  it("parses numbers back", () => {
    expect(parseDocumentNumber("invoice", "INV", "INV2026-0042")).toEqual({ year: 2026, sequence: 42 });
    expect(parseDocumentNumber("invoice", "INV", "INV2026-12345")).toEqual({ year: 2026, sequence: 12345 });
    expect(parseDocumentNumber("credit_note", "INV", "INVC2026-0003")).toEqual({ year: 2026, sequence: 3 });
    expect(parseDocumentNumber("invoice", "INV", "INVC2026-0003")).toBeNull();
    expect(parseDocumentNumber("invoice", "INV", "INV2026-42")).toBeNull();
    expect(parseDocumentNumber("invoice", "INV", "INV2026-0000")).toBeNull();
  });
});
