// The EPC QR code (EPC069-12, "Quick Response Code: guidelines to enable data capture
// for the initiation of a SEPA credit transfer"), version 002, and the QR matrix that
// carries it, drawable as an SVG path (in a page or in a PDF through pdf-lib's
// drawSvgPath). The QR encoder is `uqr` (MIT, no dependencies, runs on workerd).
//
// Payload: lines separated by LF, no separator after the last populated line:
//   1 BCD   2 002   3 1 (UTF-8)   4 SCT   5 BIC (optional in 002)
//   6 beneficiary name (≤ 70)   7 IBAN   8 EUR amount (optional, 0.01..999999999.99)
//   9 purpose code (4 capitals, optional)   10 structured reference (RF…, unused here)
//   11 unstructured remittance (≤ 140): the invoice number
// At most 331 bytes in all; error correction level M; QR version 13 at most.

import { encode } from "uqr";
import type { Money } from "./money";

export class EpcError extends Error {
  constructor(
    readonly field: "iban" | "bic" | "name" | "amount" | "purpose" | "remittance" | "payload",
    message: string,
  ) {
    super(message);
    this.name = "EpcError";
  }
}

// IBAN lengths of the SEPA scheme's countries (SWIFT IBAN registry) and a few others.
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27,
  GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24,
  ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24,
  TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** The IBAN without spaces, in capitals (`be71 0961 2345 6769` → `BE71096123456769`). */
export function normalizeIban(iban: string): string {
  return iban.replace(/[\s\u00a0\u202f-]+/g, "").toUpperCase();
}

/** ISO 13616 mod-97 check of a normalized IBAN (digits and capitals). */
function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch; // A=10 … Z=35
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest;
}

/** Whether `iban` (spaces allowed) is well formed: country, check digits, length, mod 97 = 1. */
export function isValidIban(iban: string): boolean {
  const s = normalizeIban(iban);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const length = IBAN_LENGTHS[s.slice(0, 2)];
  if (length !== undefined && s.length !== length) return false;
  return mod97(s) === 1;
}

/** The IBAN in groups of four for people (`BE71 0961 2345 6769`). */
export function formatIban(iban: string): string {
  return normalizeIban(iban).replace(/(.{4})(?=.)/g, "$1 ");
}

/** A BIC (ISO 9362): 8 or 11 characters. */
export function isValidBic(bic: string): boolean {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(bic.replace(/\s+/g, "").toUpperCase());
}

export interface EpcTransfer {
  /** Beneficiary name, at most 70 characters. */
  name: string;
  iban: string;
  bic?: string | null;
  /** In EUR only (SEPA credit transfers are in euro); omitted: the payer types it. */
  amount?: Money | null;
  /** ISO 20022 purpose code, four capitals (optional). */
  purpose?: string | null;
  /** Unstructured remittance information (the invoice number), at most 140 characters. */
  remittance?: string | null;
}

const MAX_PAYLOAD_BYTES = 331;
const MAX_AMOUNT_CENTS = 99_999_999_999; // EUR 999999999.99

/** Line breaks and other control characters would break the line format: they become spaces. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
}

/** `EUR12.34` for 1234 cents. Throws EpcError outside 0.01..999999999.99 or for another currency. */
export function formatEpcAmount(amount: Money): string {
  if (amount.currency !== "EUR") throw new EpcError("amount", `SEPA credit transfers are in EUR, not ${amount.currency}`);
  if (!Number.isSafeInteger(amount.amount) || amount.amount < 1 || amount.amount > MAX_AMOUNT_CENTS) {
    throw new EpcError("amount", "amount must be between EUR 0.01 and EUR 999999999.99");
  }
  const euros = Math.floor(amount.amount / 100);
  const cents = String(amount.amount % 100).padStart(2, "0");
  return `EUR${euros}.${cents}`;
}

/**
 * The EPC069-12 payload (version 002, UTF-8, SCT) for a transfer; throws EpcError for
 * an invalid IBAN or BIC, a name of 0 or more than 70 characters, an amount out of
 * range, a purpose that is not four capitals, a remittance over 140 characters or a
 * payload over 331 bytes.
 */
export function buildEpcPayload(t: EpcTransfer): string {
  const name = clean(t.name);
  if (name.length === 0 || [...name].length > 70) throw new EpcError("name", "beneficiary name must be 1 to 70 characters");
  if (!isValidIban(t.iban)) throw new EpcError("iban", "invalid IBAN");
  const bic = t.bic ? t.bic.replace(/\s+/g, "").toUpperCase() : "";
  if (bic && !isValidBic(bic)) throw new EpcError("bic", "invalid BIC");
  const amount = t.amount ? formatEpcAmount(t.amount) : "";
  const purpose = t.purpose ? t.purpose.trim() : "";
  if (purpose && !/^[A-Z]{4}$/.test(purpose)) throw new EpcError("purpose", "purpose must be four capital letters");
  const remittance = t.remittance ? clean(t.remittance) : "";
  if ([...remittance].length > 140) throw new EpcError("remittance", "remittance must be at most 140 characters");
  const lines = ["BCD", "002", "1", "SCT", bic, name, normalizeIban(t.iban), amount, purpose, "", remittance];
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const payload = lines.join("\n");
  if (new TextEncoder().encode(payload).length > MAX_PAYLOAD_BYTES) throw new EpcError("payload", "payload over 331 bytes");
  return payload;
}

/** A QR code as a square of modules: `modules[y][x]` is true for a dark module. */
export interface QrMatrix {
  size: number;
  version: number;
  modules: boolean[][];
}

/** Encodes `text` (UTF-8, byte mode) at error correction level M, without quiet zone. */
export function qrMatrix(text: string, options: { ecc?: "L" | "M" | "Q" | "H"; maxVersion?: number } = {}): QrMatrix {
  const qr = encode(text, { ecc: options.ecc ?? "M", border: 0, maxVersion: options.maxVersion ?? 40 });
  return { size: qr.size, version: qr.version, modules: qr.data };
}

/** The EPC QR code of a transfer: level M, version 13 at most, as the guidelines ask. */
export function epcQrMatrix(t: EpcTransfer): QrMatrix {
  return qrMatrix(buildEpcPayload(t), { ecc: "M", maxVersion: 13 });
}

/**
 * The dark modules as one SVG path in module units (one `M x y h n v1 h-n z` per
 * horizontal run), origin top left: `<path d=…>` in an SVG with
 * `viewBox="0 0 size size"`, or pdf-lib's `page.drawSvgPath(d, {x, y, scale})` (which
 * also reads y downwards from its origin).
 */
export function qrSvgPath(qr: QrMatrix): string {
  const parts: string[] = [];
  qr.modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  });
  return parts.join("");
}

/** A standalone SVG of the code with a 4-module quiet zone (for pages and e-mails). */
export function qrSvg(qr: QrMatrix, options: { title?: string } = {}): string {
  const full = qr.size + 8;
  const title = options.title ? `<title>${escapeXml(options.title)}</title>` : "";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges" role="img">` +
    `${title}<rect width="${full}" height="${full}" fill="#fff"/>` +
    `<path transform="translate(4 4)" fill="#000" d="${qrSvgPath(qr)}"/></svg>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The EPC payload of an invoice's balance, as the PDF prints it and the member's invoice page
 * shows it: the seller (name, IBAN, BIC of the issued snapshot), the balance in EUR, the number as
 * the reference; null when nothing is due in EUR, the seller has no valid IBAN, or the
 * transfer cannot be encoded.
 */
export function invoiceEpcPayload(invoice: { number: string; status: string; seller: { name: string; iban?: string | null; bic?: string | null }; balance: Money }): string | null {
  const iban = invoice.seller.iban && isValidIban(invoice.seller.iban) ? invoice.seller.iban : null;
  if (!iban || invoice.status === "void" || invoice.balance.amount <= 0 || invoice.balance.currency !== "EUR") return null;
  try {
    return buildEpcPayload({ name: [...invoice.seller.name.trim()].slice(0, 70).join(""), iban, bic: invoice.seller.bic || null, amount: invoice.balance, remittance: invoice.number });
  } catch (e) {
    if (e instanceof EpcError) return null;
    throw e;
  }
}
