// Invoice and credit-note numbers (API.md "Invoices and payments"):
// `{numberPrefix}{year}-{sequence}` and `{numberPrefix}C{year}-{sequence}`, the sequence
// zero-padded to four digits, growing past four when it must, starting again at 1 each
// year (the year of `issuedOn`). The counter itself lives in D1 (one per tenant and
// series), incremented in the batch that inserts the issued document; these functions
// only compute and format.

export type NumberSeries = "invoice" | "credit_note";

/** The counter's state: the last number given in a series. */
export interface SequenceState {
  year: number;
  sequence: number;
}

function checkParts(prefix: string, year: number, sequence: number): void {
  if (typeof prefix !== "string") throw new RangeError("prefix must be a string");
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new RangeError(`year must be 1..9999, got ${year}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`sequence must be a positive integer, got ${sequence}`);
}

/** `INV2026-0001`; sequence 12345 gives `INV2026-12345`. */
export function formatInvoiceNumber(prefix: string, year: number, sequence: number): string {
  checkParts(prefix, year, sequence);
  return `${prefix}${year}-${String(sequence).padStart(4, "0")}`;
}

/** `INVC2026-0001`: credit notes have a series of their own. */
export function formatCreditNoteNumber(prefix: string, year: number, sequence: number): string {
  checkParts(prefix, year, sequence);
  return `${prefix}C${year}-${String(sequence).padStart(4, "0")}`;
}

export function formatDocumentNumber(series: NumberSeries, prefix: string, year: number, sequence: number): string {
  return series === "invoice" ? formatInvoiceNumber(prefix, year, sequence) : formatCreditNoteNumber(prefix, year, sequence);
}

/** The year of an `issuedOn` day (`YYYY-MM-DD`), which is the year in the number. */
export function yearOfDay(day: string): number {
  const m = /^(\d{4})-\d{2}-\d{2}$/.exec(day);
  if (!m) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return Number(m[1]);
}

/**
 * The next number's parts after `last` (null: none given yet) for a document issued
 * in `year`: the sequence goes on within a year and starts again at 1 in a new one.
 * A year before the counter's is refused (numbers must not go back in time).
 */
export function nextSequence(last: SequenceState | null, year: number): SequenceState {
  if (!last || year > last.year) return { year, sequence: 1 };
  if (year < last.year) throw new RangeError(`year ${year} is before the counter's year ${last.year}`);
  return { year, sequence: last.sequence + 1 };
}

/**
 * Parses a number of the series back into its parts, or null when it does not match
 * (prefixes may contain anything, so the prefix must be given).
 */
export function parseDocumentNumber(series: NumberSeries, prefix: string, number: string): SequenceState | null {
  const head = series === "invoice" ? prefix : `${prefix}C`;
  if (!number.startsWith(head)) return null;
  const m = /^(\d{4})-(\d{4,})$/.exec(number.slice(head.length));
  if (!m) return null;
  const sequence = Number(m[2]);
  if (m[2]!.length > 4 && m[2]!.startsWith("0")) return null;
  if (sequence < 1) return null;
  return { year: Number(m[1]), sequence };
}
