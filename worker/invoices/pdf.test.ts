import { PDFDocument } from "pdf-lib";
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { buildEpcPayload } from "./epc";
import { money } from "./money";
import { invoiceFontCharacterSet, printableText, renderInvoicePdf } from "./pdf";
import { sampleInvoice } from "./sample";

const eur = (amount: number) => money(amount, "EUR");

async function textOf(pdf: Uint8Array): Promise<string> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: true });
  return text;
}

/** Text extraction spaces words its own way: compare without any whitespace. */
const squash = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, "");

describe("invoice PDF", () => {
  it("writes the buyer's name in any Latin script and every EU VAT invoice mention", async () => {
    const invoice = sampleInvoice();
    // Subtotal 18000 + 8400 + 4500 + 1099 + 2500 = 34499; VAT 21 % on 30900 = 6489, 6 % on 1099 = 65.94 → 66.
    expect(invoice.subtotal.amount).toBe(34499);
    expect(invoice.taxes.map((t) => [t.rate, t.amount.amount])).toEqual([
      [6, 66],
      [21, 6489],
    ]);
    expect(invoice.total.amount).toBe(41054);

    const pdf = await renderInvoicePdf(invoice, { lang: "en" });
    const text = squash(await textOf(pdf));
    const expected = [
      "Łukasz Őry-Ærø Ștefan", // buyer
      "Ulica Świętokrzyska 12/4",
      "VAT number: PL5260250274",
      "Espace Coworking Bruxelles ASBL", // seller
      "Rue de la Loi 42",
      "VAT number: BE0123456749",
      "INV2026-0042", // number
      "Issue date", "1 December 2026",
      "Due date", "15 December 2026",
      "Hot desk plan — December 2026", // lines
      "Meeting room “Ørsted”",
      "Book: « L’économie circulaire »",
      "QTY",
      "€180.00", "€84.00", "€45.00", "€10.99", "€25.00", // unit and line amounts
      "Subtotal excl. VAT", "€344.99",
      "Taxable amount", "€309.00", // 21 % base
      "VAT 6%", "€0.66",
      "VAT 21%", "€64.89",
      "Total incl. VAT", "€410.54",
      "Paid", "€100.00",
      "Balance due", "€310.54",
      "BE71 0961 2345 6769", // payment details
      "GEBABEBB",
      "Scan with your banking app to pay.",
      "Page 1 of 1",
    ];
    for (const mention of expected) expect(text).toContain(squash(mention));

    const loaded = await PDFDocument.load(pdf);
    expect(loaded.getTitle()).toBe("Invoice INV2026-0042");
    expect(loaded.getPageCount()).toBe(1);
    // The fonts are embedded (Type0 with a Noto Sans descendant), not a standard font.
    const raw = new TextDecoder("latin1").decode(pdf);
    expect(raw).toContain("NotoSans");
    expect(raw).not.toContain("/Helvetica");
  });

  it("is labelled in French and Dutch from the catalogs", async () => {
    const fr = squash(await textOf(await renderInvoicePdf(sampleInvoice(), { lang: "fr" })));
    for (const mention of ["FACTURE", "Facturé à".toUpperCase(), "N° de TVA : PL5260250274", "Date d’émission", "1 décembre 2026", "Total HT", "Total TTC", "410,54 €", "Reste à payer", "Base imposable", "TVA 21 %"]) {
      expect(fr).toContain(squash(mention));
    }
    const nl = squash(await textOf(await renderInvoicePdf(sampleInvoice(), { lang: "nl", locale: "nl-BE" })));
    for (const mention of ["FACTUUR", "Btw-nummer: PL5260250274", "Vervaldatum", "15 december 2026", "Totaal incl. btw", "Te betalen", "Maatstaf van heffing"]) {
      expect(nl).toContain(squash(mention));
    }
  });

  it("embeds a font subset that covers the Latin ranges and the invoice punctuation", () => {
    const charset = invoiceFontCharacterSet();
    const missing: string[] = [];
    const ranges: [number, number][] = [
      [0x20, 0x7e], // Basic Latin
      [0xa0, 0xff], // Latin-1 Supplement
      [0x100, 0x17f], // Latin Extended-A
      [0x218, 0x21b], // Ș ș Ț ț (Latin Extended-B)
    ];
    for (const [from, to] of ranges) for (let cp = from; cp <= to; cp++) if (!charset.has(cp)) missing.push(cp.toString(16));
    for (const ch of "€‘’‚“”„–—\u202f…•") if (!charset.has(ch.codePointAt(0)!)) missing.push(ch);
    expect(missing).toEqual([]);
    // Latin Extended-B is there too, as far as Noto Sans has it (it has nearly all of it).
    let extB = 0;
    for (let cp = 0x180; cp <= 0x24f; cp++) if (charset.has(cp)) extB++;
    expect(extB).toBeGreaterThan(200);
    // Subset: no Greek, Cyrillic or CJK.
    expect(charset.has(0x3b1)).toBe(false);
    expect(charset.has(0x416)).toBe(false);
    expect(charset.has(0x4e00)).toBe(false);
  });

  it("replaces characters no font has instead of failing", async () => {
    const charset = new Set([..."Hello ?e"].map((c) => c.codePointAt(0)!));
    expect(printableText("Hello ẹ 你好 👋\tH", charset)).toBe("Hello e ?? ? H");
    const pdf = await renderInvoicePdf(sampleInvoice({ buyer: { name: "王小明 Nguyễn 👋 Zoë", address: "ẞtraße 1" } }), { lang: "en" });
    const text = await textOf(pdf);
    expect(text).toContain("Zoë");
    // ễ is outside the Latin ranges: its base letter stays, the CJK and the emoji become "?".
    expect(squash(text)).toContain(squash("??? Nguyen ? Zoë"));
  });

  it("puts the EPC QR code and the transfer details on an unpaid invoice only", async () => {
    const invoice = sampleInvoice();
    const payload = buildEpcPayload({ name: invoice.seller.name, iban: "BE71096123456769", bic: "GEBABEBB", amount: invoice.balance, remittance: invoice.number });
    expect(payload.split("\n")[7]).toBe("EUR310.54");
    const open = await textOf(await renderInvoicePdf(invoice, { lang: "en" }));
    expect(squash(open)).toContain(squash("Please transfer €310.54 by 15 December 2026 to the account below, with the reference INV2026-0042."));

    const paid = await textOf(
      await renderInvoicePdf(sampleInvoice({ status: "paid", paid: invoice.total, balance: eur(0) }), { lang: "en" }),
    );
    expect(squash(paid)).toContain(squash("PAID IN FULL"));
    expect(squash(paid)).not.toContain(squash("Scan with your banking app"));
    expect(squash(paid)).toContain(squash("BE71 0961 2345 6769")); // still says where to pay

    const noIban = await textOf(
      await renderInvoicePdf(sampleInvoice({ seller: { name: "No Bank SRL", address: "Somewhere" } }), { lang: "en" }),
    );
    expect(squash(noIban)).not.toContain("IBAN");
  });

  it("renders the credit note of a void invoice with its own number and negative amounts", async () => {
    const invoice = sampleInvoice({ status: "void", paid: eur(0), creditNote: { number: "INVC2026-0003", issuedOn: "2026-12-05" } });
    invoice.balance = eur(0);
    const text = squash(await textOf(await renderInvoicePdf(invoice, { lang: "en", document: "credit_note" })));
    for (const mention of ["CREDIT NOTE", "INVC2026-0003", "Cancels invoice INV2026-0042 of 1 December 2026", "5 December 2026", "-€410.54", "Łukasz Őry-Ærø Ștefan"]) {
      expect(text).toContain(squash(mention));
    }
    expect(text).not.toContain(squash("Balance due"));
  });

  it("flows many lines onto further pages with the table header repeated", async () => {
    const base = sampleInvoice();
    const line = base.lines[0]!;
    const lines = Array.from({ length: 70 }, (_, i) => ({ ...line, description: `Meeting room booking #${i + 1}, a long description that wraps onto a second line in the description column` }));
    const pdf = await renderInvoicePdf({ ...base, lines }, { lang: "en" });
    const loaded = await PDFDocument.load(pdf);
    expect(loaded.getPageCount()).toBeGreaterThan(2);
    const text = squash(await textOf(pdf));
    expect(text).toContain(squash(`Page ${loaded.getPageCount()} of ${loaded.getPageCount()}`));
    expect(text).toContain(squash("Meeting room booking #70,"));
  });

  it("renders fast (prints the time, asserts nothing about it)", async () => {
    const invoice = sampleInvoice();
    await renderInvoicePdf(invoice, { lang: "fr" }); // warm-up: fonts decoded, code compiled
    const runs = 20;
    const started = performance.now();
    for (let i = 0; i < runs; i++) await renderInvoicePdf(invoice, { lang: "fr" });
    // workerd freezes performance.now() during synchronous work and advances it on I/O;
    // a real measure is in scripts/bench-pdf.mjs. This only shows the order of magnitude.
    const per = (performance.now() - started) / runs;
    console.log(`invoice PDF: ${per.toFixed(1)} ms per render (${runs} runs, in workerd)`);
    expect(per).toBeGreaterThanOrEqual(0);
  });
});
