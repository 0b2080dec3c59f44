import jsQR from "jsqr";
import { describe, expect, it } from "vitest";
import {
  buildEpcPayload,
  EpcError,
  epcQrMatrix,
  formatEpcAmount,
  formatIban,
  isValidBic,
  isValidIban,
  qrSvg,
  qrSvgPath,
  type QrMatrix,
  invoiceEpcPayload,
} from "./epc";
import { money } from "./money";

const eur = (amount: number) => money(amount, "EUR");

/** Reads a matrix back with a real QR decoder: 4 px per module and a quiet zone of 4. */
function decode(qr: QrMatrix): { text: string; bytes: number[] } {
  const scale = 4;
  const side = (qr.size + 8) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (!qr.modules[y]![x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + 4) * scale + dy) * side + (x + 4) * scale + dx) * 4;
          pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
        }
      }
    }
  }
  const result = jsQR(pixels, side, side);
  if (!result) throw new Error("QR code not readable");
  return { text: result.data, bytes: result.binaryData };
}

describe("IBAN", () => {
  it("accepts valid IBANs, with spaces and in lower case", () => {
    for (const iban of ["BE71096123456769", "be71 0961 2345 6769", "FR14 2004 1010 0505 0001 3M02 606", "DE89370400440532013000", "NL91ABNA0417164300", "GB82WEST12345698765432"]) {
      expect(isValidIban(iban), iban).toBe(true);
    }
  });

  it("refuses a wrong check digit, a wrong length and junk", () => {
    expect(isValidIban("BE71096123456768")).toBe(false); // one digit changed: mod 97 ≠ 1
    expect(isValidIban("BE72096123456769")).toBe(false); // check digits changed
    expect(isValidIban("DE8937040044053201300")).toBe(false); // 21 characters, Germany has 22
    expect(isValidIban("NL91ABNA04171643000")).toBe(false);
    expect(isValidIban("")).toBe(false);
    expect(isValidIban("BE71-0961-2345-6769")).toBe(true); // dashes are separators
    expect(isValidIban("1234567890123456")).toBe(false);
  });

  it("formats in groups of four, and checks BICs", () => {
    expect(formatIban("be71096123456769")).toBe("BE71 0961 2345 6769");
    expect(isValidBic("GEBABEBB")).toBe(true);
    expect(isValidBic("DEUTDEFF500")).toBe(true);
    expect(isValidBic("GEBABE")).toBe(false);
    expect(isValidBic("GEBABEBB5")).toBe(false);
  });
});

describe("EPC payload", () => {
  it("has every field on its own line, the invoice number as unstructured remittance", () => {
    const payload = buildEpcPayload({
      name: "Coworking Bruxelles ASBL",
      iban: "be71 0961 2345 6769",
      bic: "GEBABEBB",
      amount: eur(1234),
      remittance: "INV2026-0042",
    });
    const lines = payload.split("\n");
    expect(lines).toEqual([
      "BCD", // service tag
      "002", // version
      "1", // character set: UTF-8
      "SCT", // identification: SEPA credit transfer
      "GEBABEBB", // BIC
      "Coworking Bruxelles ASBL", // beneficiary name
      "BE71096123456769", // IBAN, no spaces
      "EUR12.34", // amount
      "", // purpose
      "", // structured reference (unused)
      "INV2026-0042", // unstructured remittance
    ]);
    expect(payload.endsWith("\n")).toBe(false);
    expect(payload.includes("\r")).toBe(false);
  });

  it("leaves the BIC, amount and purpose empty when not given, and stops after the last field", () => {
    const lines = buildEpcPayload({ name: "Łódź Hub", iban: "DE89370400440532013000" }).split("\n");
    expect(lines).toEqual(["BCD", "002", "1", "SCT", "", "Łódź Hub", "DE89370400440532013000"]);
    const withPurpose = buildEpcPayload({ name: "X", iban: "DE89370400440532013000", purpose: "GDSV", remittance: "A-1" });
    expect(withPurpose.split("\n").slice(7)).toEqual(["", "GDSV", "", "A-1"]);
  });

  it("writes amounts as EUR with two decimals within 0.01..999999999.99", () => {
    expect(formatEpcAmount(eur(1))).toBe("EUR0.01");
    expect(formatEpcAmount(eur(100))).toBe("EUR1.00");
    expect(formatEpcAmount(eur(99_999_999_999))).toBe("EUR999999999.99");
    expect(() => formatEpcAmount(eur(0))).toThrow(EpcError);
    expect(() => formatEpcAmount(eur(-5))).toThrow(EpcError);
    expect(() => formatEpcAmount(eur(100_000_000_000))).toThrow(EpcError);
    expect(() => formatEpcAmount(money(100, "USD"))).toThrow(/EUR/);
  });

  it("refuses what the guidelines refuse", () => {
    const base = { name: "Hub", iban: "BE71096123456769" };
    const fieldOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as EpcError).field;
      }
      return null;
    };
    expect(fieldOf(() => buildEpcPayload({ ...base, iban: "BE71096123456768" }))).toBe("iban");
    expect(fieldOf(() => buildEpcPayload({ ...base, bic: "NOPE" }))).toBe("bic");
    expect(fieldOf(() => buildEpcPayload({ ...base, name: "x".repeat(71) }))).toBe("name");
    expect(fieldOf(() => buildEpcPayload({ ...base, name: "   " }))).toBe("name");
    expect(fieldOf(() => buildEpcPayload({ ...base, purpose: "gdsv" }))).toBe("purpose");
    expect(fieldOf(() => buildEpcPayload({ ...base, remittance: "r".repeat(141) }))).toBe("remittance");
    // 70 characters of 4 bytes each (280 bytes) and 140 of remittance: over 331 bytes.
    expect(fieldOf(() => buildEpcPayload({ ...base, name: "😀".repeat(70), remittance: "r".repeat(140) }))).toBe("payload");
    // A name of exactly 70 characters passes; line breaks cannot split a field.
    expect(buildEpcPayload({ ...base, name: "n".repeat(70) }).split("\n")[5]).toHaveLength(70);
    expect(buildEpcPayload({ ...base, name: "Hub\nSecond line" }).split("\n")[5]).toBe("Hub Second line");
  });
});

describe("EPC QR code", () => {
  it("decodes back to the payload, UTF-8 included", () => {
    const transfer = {
      name: "Łukasz Őry-Ærø Ștefan",
      iban: "BE71096123456769",
      bic: "GEBABEBB",
      amount: eur(3522),
      remittance: "INV2026-0042",
    };
    const qr = epcQrMatrix(transfer);
    expect(qr.version).toBeLessThanOrEqual(13);
    expect(qr.size).toBe(17 + 4 * qr.version);
    const decoded = decode(qr);
    expect(new TextDecoder().decode(new Uint8Array(decoded.bytes))).toBe(buildEpcPayload(transfer));
  });

  it("becomes an SVG path of horizontal runs", () => {
    const qr = epcQrMatrix({ name: "Hub", iban: "BE71096123456769", amount: eur(100), remittance: "INV2026-0001" });
    const path = qrSvgPath(qr);
    // The top-left finder pattern starts with a run of 7 dark modules on row 0.
    expect(path.startsWith("M0 0h7v1h-7z")).toBe(true);
    const dark = qr.modules.flat().filter(Boolean).length;
    const covered = [...path.matchAll(/h(\d+)v1/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(covered).toBe(dark);
    const svg = qrSvg(qr, { title: "Pay <INV2026-0001>" });
    expect(svg).toContain(`viewBox="0 0 ${qr.size + 8} ${qr.size + 8}"`);
    expect(svg).toContain("<title>Pay &#60;INV2026-0001&#62;</title>");
  });
});

describe("invoiceEpcPayload (the PDF's and the member's invoice page's QR code)", () => {
  const invoice = { number: "INV2026-0042", status: "open", seller: { name: "Atelier Commun", iban: "BE71 0961 2345 6769", bic: "GKCCBEBB" }, balance: { amount: 12100, currency: "EUR" } };
  it("asks for the balance in EUR with the invoice number as reference", () => {
    expect(invoiceEpcPayload(invoice)).toBe("BCD\n002\n1\nSCT\nGKCCBEBB\nAtelier Commun\nBE71096123456769\nEUR121.00\n\n\nINV2026-0042");
  });
  it("is null when nothing is due, the invoice is void, the seller has no valid IBAN, or the currency is not EUR", () => {
    expect(invoiceEpcPayload({ ...invoice, balance: { amount: 0, currency: "EUR" } })).toBeNull();
    expect(invoiceEpcPayload({ ...invoice, status: "void" })).toBeNull();
    expect(invoiceEpcPayload({ ...invoice, seller: { name: "Atelier Commun", iban: null } })).toBeNull();
    expect(invoiceEpcPayload({ ...invoice, seller: { name: "Atelier Commun", iban: "BE71 0961 2345 6760" } })).toBeNull();
    expect(invoiceEpcPayload({ ...invoice, balance: { amount: 12100, currency: "CHF" } })).toBeNull();
  });
});
