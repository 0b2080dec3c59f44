// The invoice (and credit note) as a PDF, with pdf-lib and @pdf-lib/fontkit, written
// in Noto Sans subset to the Latin ranges at build time (scripts/build-fonts.mjs →
// worker/generated/invoice-fonts.ts): the standard PDF fonts cannot write Ł, Ő or Ș.
// A character the font lacks is replaced (accents dropped, else "?"), never an error.
// It carries every mention an EU VAT invoice needs (Directive 2006/112/EC art. 226):
// seller and buyer names, addresses and VAT numbers, number, dates, lines with
// quantities, unit and line amounts, taxable amount and VAT per rate, total, paid and
// balance; and, when the seller has an IBAN, the transfer details and the EPC QR code.
// Pure: everything comes from the arguments, nothing reads the clock.

import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont, PDFHexString, type PDFPage, rgb, type RGB } from "pdf-lib";
import { unzlibSync, zlibSync } from "fflate";
import { NOTO_SANS_BOLD_DEFLATED, NOTO_SANS_REGULAR_DEFLATED } from "../generated/invoice-fonts";
import { type Lang, type MessageKey, t } from "../../web/i18n";
import { formatIban, invoiceEpcPayload, isValidIban, qrMatrix, qrSvgPath } from "./epc";
import { formatMoney, formatRate, type Money, percentToBasisPoints } from "./money";

export interface InvoicePdfParty {
  name: string;
  address?: string | null;
  taxId?: string | null;
  email?: string | null;
}

export interface InvoicePdfSeller extends InvoicePdfParty {
  iban?: string | null;
  bic?: string | null;
}

export interface InvoicePdfLine {
  description: string;
  quantity: number;
  unitAmount: Money;
  /** Percent, as in the contract (`20`, `5.5`). */
  taxRate: number;
  /** quantity × unitAmount, before tax. */
  amount: Money;
}

/** The contract's invoice (`GET /api/v1/invoices/{id}`), as the route has it. */
export interface InvoicePdfData {
  number: string;
  status: "open" | "paid" | "void";
  issuedOn: string;
  dueOn: string;
  seller: InvoicePdfSeller;
  buyer: InvoicePdfParty;
  lines: InvoicePdfLine[];
  subtotal: Money;
  taxes: { rate: number; amount: Money }[];
  total: Money;
  paid: Money;
  balance: Money;
  creditNote?: { number: string; issuedOn: string } | null;
  /** Free text printed under the totals (an exemption mention, for instance). */
  notes?: string | null;
}

export interface InvoicePdfOptions {
  lang: Lang;
  /** BCP 47 locale for dates and amounts (`nl-BE`); defaults to `lang`. */
  locale?: string;
  /** The credit note of a void invoice instead of the invoice (needs `creditNote`). */
  document?: "invoice" | "credit_note";
}

// ---- Fonts -------------------------------------------------------------------

type FontkitFont = Awaited<ReturnType<typeof fontkit.create>>;

interface InvoiceFont {
  /** The TrueType bytes, as fontkit parses them. */
  raw: Uint8Array;
  /** The same bytes zlib-deflated (built that way): the PDF's FlateDecode font stream. */
  deflated: Uint8Array;
  /** Parsed once per isolate and shared by every document. */
  parsed: FontkitFont;
  /** Advance widths in font units, by code point. */
  advances: Map<number, number>;
  /** Glyph ids as 4 hex digits, by code point. */
  glyphHex: Map<number, string>;
}

let invoiceFonts: { regular: InvoiceFont; bold: InvoiceFont; charset: Set<number> } | null = null;
/** Deflated text streams that are the same in every invoice (the fonts' ToUnicode maps). */
const deflatedTexts = new Map<string, Uint8Array>();

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function loadFont(deflatedBase64: string): InvoiceFont {
  const deflated = base64ToBytes(deflatedBase64);
  const raw = unzlibSync(deflated);
  return { raw, deflated, parsed: fontkit.create(raw), advances: new Map(), glyphHex: new Map() };
}

function loadFonts(): NonNullable<typeof invoiceFonts> {
  if (!invoiceFonts) {
    const regular = loadFont(NOTO_SANS_REGULAR_DEFLATED);
    const bold = loadFont(NOTO_SANS_BOLD_DEFLATED);
    invoiceFonts = { regular, bold, charset: new Set(regular.parsed.characterSet) };
  }
  return invoiceFonts;
}

/**
 * Embeds the build-time subset fonts whole, reusing their parsed form and their
 * deflated bytes: pdf-lib would otherwise parse and deflate 80 KiB per document.
 */
async function embedInvoiceFonts(doc: PDFDocument): Promise<{ regular: PDFFont; bold: PDFFont }> {
  const f = loadFonts();
  const byBytes = new Map<Uint8Array, InvoiceFont>([
    [f.regular.raw, f.regular],
    [f.bold.raw, f.bold],
  ]);
  doc.registerFontkit({ create: (data: Uint8Array) => byBytes.get(data)?.parsed ?? fontkit.create(data) } as typeof fontkit);
  const context = doc.context;
  const flateStream = context.flateStream.bind(context);
  context.flateStream = (contents, dict = {}) => {
    if (contents instanceof Uint8Array) {
      const known = byBytes.get(contents);
      if (known) return context.stream(known.deflated, { ...dict, Filter: "FlateDecode" });
    } else if (contents.length > 2048) {
      // Only the ToUnicode maps of the embedded fonts are this long, and they never change.
      let deflated = deflatedTexts.get(contents);
      if (!deflated) {
        deflated = zlibSync(new TextEncoder().encode(contents));
        if (deflatedTexts.size < 8) deflatedTexts.set(contents, deflated);
      }
      return context.stream(deflated, { ...dict, Filter: "FlateDecode" });
    }
    return flateStream(contents, dict);
  };
  const regular = await doc.embedFont(f.regular.raw, { subset: false });
  const bold = await doc.embedFont(f.bold.raw, { subset: false });
  fastEncoding(regular, f.regular);
  fastEncoding(bold, f.bold);
  return { regular, bold };
}

/**
 * pdf-lib encodes each string by running fontkit's shaper; these fonts have no layout
 * tables (no GSUB, no GPOS: see scripts/build-fonts.mjs), so a glyph id straight from
 * the cmap is the same answer at a fraction of the cost. Left alone if pdf-lib's
 * internals are not what this expects.
 */
function fastEncoding(pdfFont: PDFFont, font: InvoiceFont): void {
  const embedder = (pdfFont as unknown as { embedder?: { encodeText?: (text: string) => PDFHexString } }).embedder;
  if (!embedder || typeof embedder.encodeText !== "function") return;
  embedder.encodeText = (text: string) => {
    let hex = "";
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      let id = font.glyphHex.get(cp);
      if (id === undefined) {
        id = font.parsed.glyphForCodePoint(cp).id.toString(16).padStart(4, "0");
        font.glyphHex.set(cp, id);
      }
      hex += id;
    }
    return PDFHexString.of(hex);
  };
}

/** The code points the invoice fonts can write (what `printableText` keeps). */
export function invoiceFontCharacterSet(): ReadonlySet<number> {
  return loadFonts().charset;
}

/** Width of `text` at `size`: the sum of advance widths (the fonts have no kerning or ligature tables). */
function measure(font: InvoiceFont, text: string, size: number): number {
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let advance = font.advances.get(cp);
    if (advance === undefined) {
      advance = font.parsed.glyphForCodePoint(cp).advanceWidth;
      font.advances.set(cp, advance);
    }
    units += advance;
  }
  return (units * size) / font.parsed.unitsPerEm;
}

/**
 * `text` with every character the font lacks replaced: spaces of any kind become a
 * space, controls and lone combining marks vanish, a letter with an accent the font
 * lacks loses the accent, anything else becomes "?".
 */
export function printableText(text: string, charset: ReadonlySet<number>): string {
  let out = "";
  for (const ch of text.normalize("NFC")) {
    const cp = ch.codePointAt(0)!;
    if (charset.has(cp)) out += ch;
    else if (/\s/u.test(ch)) out += " ";
    else if (/[\p{Cc}\p{Cf}\p{M}]/u.test(ch)) continue;
    else {
      const base = ch.normalize("NFD").codePointAt(0)!;
      out += base !== cp && charset.has(base) ? String.fromCodePoint(base) : "?";
    }
  }
  return out;
}

// ---- Layout helpers ----------------------------------------------------------

const PAGE_W = 595.28; // A4
const PAGE_H = 841.89;
const MARGIN = 48;
const FOOTER_H = 36;
const CONTENT_W = PAGE_W - 2 * MARGIN;

const INK = rgb(0.11, 0.12, 0.15);
const MUTED = rgb(0.4, 0.43, 0.48);
const RULE = rgb(0.84, 0.86, 0.89);
const SHADE = rgb(0.95, 0.96, 0.97);
const ACCENT = rgb(0.1, 0.3, 0.55);
const GREEN = rgb(0.09, 0.5, 0.27);
const RED = rgb(0.72, 0.11, 0.11);

interface Ctx {
  doc: PDFDocument;
  regular: PDFFont;
  bold: PDFFont;
  metrics: { regular: InvoiceFont; bold: InvoiceFont };
  charset: Set<number>;
  lang: Lang;
  locale: string;
  pages: PDFPage[];
  page: PDFPage;
  /** Distance of the cursor from the top of the page. */
  y: number;
}

interface TextStyle {
  size?: number;
  bold?: boolean;
  color?: RGB;
}

function fontOf(ctx: Ctx, style: TextStyle): PDFFont {
  return style.bold ? ctx.bold : ctx.regular;
}

function width(ctx: Ctx, text: string, style: TextStyle = {}): number {
  return measure(style.bold ? ctx.metrics.bold : ctx.metrics.regular, text, style.size ?? 9);
}

/** Draws `text` (already printable) with its baseline `top` + size below the top of the page. */
function draw(ctx: Ctx, text: string, x: number, top: number, style: TextStyle = {}, align: "left" | "right" | "center" = "left"): void {
  const size = style.size ?? 9;
  const w = align === "left" ? 0 : width(ctx, text, style);
  const dx = align === "right" ? -w : align === "center" ? -w / 2 : 0;
  ctx.page.drawText(text, { x: x + dx, y: PAGE_H - top - size, size, font: fontOf(ctx, style), color: style.color ?? INK });
}

/** Splits printable `text` into lines no wider than `max` (words first, then characters). */
function wrap(ctx: Ctx, text: string, max: number, style: TextStyle = {}): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = "";
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (width(ctx, candidate, style) <= max) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      // A word longer than the line is cut where it must.
      let rest = word;
      while (width(ctx, rest, style) > max) {
        let cut = rest.length - 1;
        while (cut > 1 && width(ctx, rest.slice(0, cut), style) > max) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

function hline(ctx: Ctx, top: number, x1 = MARGIN, x2 = PAGE_W - MARGIN, color: RGB = RULE, thickness = 0.6): void {
  ctx.page.drawLine({ start: { x: x1, y: PAGE_H - top }, end: { x: x2, y: PAGE_H - top }, thickness, color });
}

function box(ctx: Ctx, x: number, top: number, w: number, h: number, color: RGB): void {
  ctx.page.drawRectangle({ x, y: PAGE_H - top - h, width: w, height: h, color });
}

function newPage(ctx: Ctx): void {
  ctx.page = ctx.doc.addPage([PAGE_W, PAGE_H]);
  ctx.pages.push(ctx.page);
  ctx.y = MARGIN;
}

/** Starts a new page unless `height` still fits above the footer. */
function ensure(ctx: Ctx, height: number): boolean {
  if (ctx.y + height <= PAGE_H - MARGIN - FOOTER_H) return false;
  newPage(ctx);
  return true;
}

// ---- Rendering ---------------------------------------------------------------

/** The invoice (or its credit note) as PDF bytes. */
export async function renderInvoicePdf(invoice: InvoicePdfData, options: InvoicePdfOptions): Promise<Uint8Array> {
  const creditNote = options.document === "credit_note";
  if (creditNote && !invoice.creditNote) throw new Error("a credit note needs invoice.creditNote");
  const lang = options.lang;
  // English defaults to British conventions (1 December 2026): the product serves European communities.
  const locale = options.locale ?? (lang === "en" ? "en-GB" : lang);
  const L = (key: MessageKey, vars?: Record<string, string | number>) => t(lang, key, vars);

  const doc = await PDFDocument.create({ updateMetadata: false });
  const { regular, bold } = await embedInvoiceFonts(doc);
  const { charset, regular: regularMetrics, bold: boldMetrics } = loadFonts();
  const page = doc.addPage([PAGE_W, PAGE_H]);
  const ctx: Ctx = { doc, regular, bold, metrics: { regular: regularMetrics, bold: boldMetrics }, charset, lang, locale, pages: [page], page, y: MARGIN };
  const P = (text: string | null | undefined) => printableText(text ?? "", charset);

  const sign = creditNote ? -1 : 1;
  const m = (value: Money) => P(formatMoney({ amount: sign * value.amount, currency: value.currency }, locale));
  const rate = (percent: number) => P(formatRate(percentToBasisPoints(percent), locale));
  const date = (day: string) => P(formatDay(day, locale));

  const number = creditNote ? invoice.creditNote!.number : invoice.number;
  const issuedOn = creditNote ? invoice.creditNote!.issuedOn : invoice.issuedOn;
  const title = L(creditNote ? "invoice.pdf.credit_note_title" : "invoice.pdf.title");

  doc.setTitle(`${title} ${number}`);
  doc.setAuthor(invoice.seller.name);
  doc.setSubject(`${title} ${number} — ${invoice.buyer.name}`);
  doc.setCreator("edge-communities");
  doc.setProducer("pdf-lib");
  doc.setLanguage(locale);
  const issuedAt = new Date(`${issuedOn}T00:00:00Z`);
  doc.setCreationDate(issuedAt);
  doc.setModificationDate(issuedAt);

  // Header: the seller on the left, the title and number on the right.
  const right = PAGE_W - MARGIN;
  const sellerWidth = CONTENT_W * 0.55;
  draw(ctx, P(title).toUpperCase(), right, ctx.y - 2, { size: 22, bold: true, color: ACCENT }, "right");
  draw(ctx, P(number), right, ctx.y + 26, { size: 11, bold: true }, "right");
  if (!creditNote && invoice.status !== "open") {
    const label = P(L(invoice.status === "paid" ? "invoice.pdf.status.paid" : "invoice.pdf.status.void")).toUpperCase();
    const color = invoice.status === "paid" ? GREEN : RED;
    const w = width(ctx, label, { size: 8, bold: true }) + 14;
    ctx.page.drawRectangle({ x: right - w, y: PAGE_H - (ctx.y + 42) - 15, width: w, height: 15, borderColor: color, borderWidth: 1 });
    draw(ctx, label, right - w / 2, ctx.y + 46, { size: 8, bold: true, color }, "center");
  }
  let top = ctx.y;
  for (const line of wrap(ctx, P(invoice.seller.name), sellerWidth, { size: 14, bold: true })) {
    draw(ctx, line, MARGIN, top, { size: 14, bold: true });
    top += 18;
  }
  top += 2;
  top = partyDetails(ctx, invoice.seller, MARGIN, top, sellerWidth, P, L, false);
  ctx.y = Math.max(top, ctx.y + 62) + 12;
  hline(ctx, ctx.y);
  ctx.y += 16;

  // The buyer on the left, the dates on the right.
  const metaX = MARGIN + CONTENT_W * 0.58;
  const blockTop = ctx.y;
  draw(ctx, P(L("invoice.pdf.buyer")).toUpperCase(), MARGIN, blockTop, { size: 7.5, bold: true, color: MUTED });
  top = blockTop + 14;
  for (const line of wrap(ctx, P(invoice.buyer.name), metaX - MARGIN - 20, { size: 11, bold: true })) {
    draw(ctx, line, MARGIN, top, { size: 11, bold: true });
    top += 15;
  }
  top = partyDetails(ctx, invoice.buyer, MARGIN, top + 1, metaX - MARGIN - 20, P, L, true);

  const meta: [string, string][] = creditNote
    ? [
        [L("invoice.pdf.credit_note_number"), number],
        [L("invoice.pdf.issued_on"), date(issuedOn)],
      ]
    : [
        [L("invoice.pdf.number"), invoice.number],
        [L("invoice.pdf.issued_on"), date(invoice.issuedOn)],
        [L("invoice.pdf.due_on"), date(invoice.dueOn)],
      ];
  let metaTop = blockTop;
  for (const [label, value] of meta) {
    draw(ctx, P(label), metaX, metaTop, { size: 8.5, color: MUTED });
    draw(ctx, P(value), right, metaTop, { size: 8.5, bold: true }, "right");
    metaTop += 15;
  }
  if (creditNote) {
    const text = P(L("invoice.pdf.credits_invoice", { number: invoice.number, date: formatDay(invoice.issuedOn, locale) }));
    for (const line of wrap(ctx, text, right - metaX, { size: 8.5 })) {
      draw(ctx, line, metaX, metaTop, { size: 8.5 });
      metaTop += 12;
    }
  }
  ctx.y = Math.max(top, metaTop) + 22;

  // Lines.
  const cols = {
    amount: right,
    tax: right - 100,
    unit: right - 146,
    qty: right - 228,
    descMax: CONTENT_W - 228 - 42,
  };
  const header = () => {
    box(ctx, MARGIN, ctx.y, CONTENT_W, 20, SHADE);
    const s: TextStyle = { size: 7.5, bold: true, color: MUTED };
    draw(ctx, P(L("invoice.pdf.col.description")).toUpperCase(), MARGIN + 6, ctx.y + 6.5, s);
    draw(ctx, P(L("invoice.pdf.col.quantity")).toUpperCase(), cols.qty, ctx.y + 6.5, s, "right");
    draw(ctx, P(L("invoice.pdf.col.unit_amount")).toUpperCase(), cols.unit, ctx.y + 6.5, s, "right");
    draw(ctx, P(L("invoice.pdf.col.tax_rate")).toUpperCase(), cols.tax, ctx.y + 6.5, s, "right");
    draw(ctx, P(L("invoice.pdf.col.amount")).toUpperCase(), cols.amount - 6, ctx.y + 6.5, s, "right");
    ctx.y += 20;
  };
  header();
  for (const line of invoice.lines) {
    const desc = wrap(ctx, P(line.description), cols.descMax, { size: 9 });
    const h = desc.length * 12 + 10;
    if (ensure(ctx, h)) header();
    let lineTop = ctx.y + 6;
    for (const part of desc) {
      draw(ctx, part, MARGIN + 6, lineTop, { size: 9 });
      lineTop += 12;
    }
    draw(ctx, P(String(line.quantity)), cols.qty, ctx.y + 6, { size: 9 }, "right");
    draw(ctx, m(line.unitAmount), cols.unit, ctx.y + 6, { size: 9 }, "right");
    draw(ctx, rate(line.taxRate), cols.tax, ctx.y + 6, { size: 9 }, "right");
    draw(ctx, m(line.amount), cols.amount - 6, ctx.y + 6, { size: 9 }, "right");
    ctx.y += h;
    hline(ctx, ctx.y);
  }
  ctx.y += 14;

  // VAT summary on the left (every rate, zero included), totals on the right.
  const bases = taxBases(invoice);
  const totals: { label: string; value: string; strong?: boolean; rule?: boolean }[] = [
    { label: L("invoice.pdf.subtotal"), value: m(invoice.subtotal) },
    ...invoice.taxes.map((tax) => ({ label: L("invoice.pdf.tax_line", { rate: formatRate(percentToBasisPoints(tax.rate), locale) }), value: m(tax.amount) })),
    { label: L("invoice.pdf.total"), value: m(invoice.total), strong: true, rule: true },
  ];
  if (!creditNote) {
    totals.push({ label: L("invoice.pdf.paid"), value: m(invoice.paid) });
    totals.push({ label: L("invoice.pdf.balance"), value: m(invoice.balance), strong: true, rule: true });
  }
  const summaryH = 18 + 14 + bases.length * 14;
  const totalsH = totals.length * 17 + 8;
  ensure(ctx, Math.max(summaryH, totalsH));
  const sectionTop = ctx.y;
  const sumCols = { rate: MARGIN + 6, taxable: MARGIN + 150, tax: MARGIN + 230 };
  draw(ctx, P(L("invoice.pdf.tax_summary")).toUpperCase(), MARGIN, sectionTop, { size: 7.5, bold: true, color: MUTED });
  let sumTop = sectionTop + 14;
  box(ctx, MARGIN, sumTop, sumCols.tax - MARGIN + 6, 16, SHADE);
  draw(ctx, P(L("invoice.pdf.tax_rate")), sumCols.rate, sumTop + 4.5, { size: 7.5, bold: true, color: MUTED });
  draw(ctx, P(L("invoice.pdf.taxable")), sumCols.taxable, sumTop + 4.5, { size: 7.5, bold: true, color: MUTED }, "right");
  draw(ctx, P(L("invoice.pdf.tax_amount")), sumCols.tax, sumTop + 4.5, { size: 7.5, bold: true, color: MUTED }, "right");
  sumTop += 20;
  for (const base of bases) {
    draw(ctx, rate(base.rate), sumCols.rate, sumTop, { size: 8.5 });
    draw(ctx, m(base.taxable), sumCols.taxable, sumTop, { size: 8.5 }, "right");
    draw(ctx, m(base.tax), sumCols.tax, sumTop, { size: 8.5 }, "right");
    sumTop += 14;
  }

  const totalsX = MARGIN + CONTENT_W * 0.55;
  let totTop = sectionTop;
  for (const row of totals) {
    if (row.rule) {
      totTop += 3;
      hline(ctx, totTop - 5, totalsX, right, INK, 0.8);
      totTop += 3;
    }
    const style: TextStyle = { size: row.strong ? 10 : 9, bold: !!row.strong };
    draw(ctx, P(row.label), totalsX, totTop, { ...style, color: row.strong ? INK : MUTED });
    draw(ctx, row.value, right, totTop, style, "right");
    totTop += row.strong ? 19 : 16;
  }
  ctx.y = Math.max(sumTop, totTop) + 14;

  if (invoice.notes) {
    const lines = wrap(ctx, P(invoice.notes), CONTENT_W, { size: 8.5 });
    ensure(ctx, lines.length * 12 + 8);
    for (const line of lines) {
      draw(ctx, line, MARGIN, ctx.y, { size: 8.5, color: MUTED });
      ctx.y += 12;
    }
    ctx.y += 10;
  }

  // Payment: the transfer details, and the EPC QR code while something is due in EUR.
  const iban = invoice.seller.iban && isValidIban(invoice.seller.iban) ? invoice.seller.iban : null;
  if (!creditNote && iban && invoice.status !== "void") {
    const due = invoice.balance.amount > 0;
    let qrPath: { path: string; size: number } | null = null;
    // The same payload as the member's invoice page (epc.ts `invoiceEpcPayload`).
    const payload = invoiceEpcPayload(invoice);
    if (payload) {
      const qr = qrMatrix(payload, { ecc: "M", maxVersion: 13 });
      qrPath = { path: qrSvgPath(qr), size: qr.size };
    }
    const qrSide = 86;
    const textW = CONTENT_W - 24 - (qrPath ? qrSide + 44 : 0);
    const intro = due
      ? wrap(
          ctx,
          P(L("invoice.pdf.payment_instructions", { amount: formatMoney(invoice.balance, locale), date: formatDay(invoice.dueOn, locale), reference: invoice.number })),
          textW,
          { size: 9 },
        )
      : [];
    const details: [string, string][] = [
      [L("invoice.pdf.beneficiary"), invoice.seller.name],
      [L("invoice.pdf.iban"), formatIban(iban)],
      ...(invoice.seller.bic ? [[L("invoice.pdf.bic"), invoice.seller.bic] as [string, string]] : []),
      [L("invoice.pdf.reference"), invoice.number],
    ];
    const blockH = Math.max(20 + intro.length * 12 + 6 + details.length * 14, qrPath ? qrSide + 40 : 0) + 16;
    ensure(ctx, blockH);
    const startTop = ctx.y;
    box(ctx, MARGIN, startTop, CONTENT_W, blockH, SHADE);
    let pTop = startTop + 12;
    draw(ctx, P(L("invoice.pdf.payment")).toUpperCase(), MARGIN + 12, pTop, { size: 7.5, bold: true, color: MUTED });
    pTop += 16;
    for (const line of intro) {
      draw(ctx, line, MARGIN + 12, pTop, { size: 9 });
      pTop += 12;
    }
    pTop += 6;
    for (const [label, value] of details) {
      draw(ctx, P(label), MARGIN + 12, pTop, { size: 8.5, color: MUTED });
      draw(ctx, P(value), MARGIN + 100, pTop, { size: 8.5, bold: true });
      pTop += 14;
    }
    if (qrPath) {
      const qrX = right - 26 - qrSide;
      const qrTop = startTop + 16;
      const quiet = (4 * qrSide) / qrPath.size; // the four-module quiet zone QR readers need
      box(ctx, qrX - quiet, qrTop - quiet, qrSide + 2 * quiet, qrSide + 2 * quiet, rgb(1, 1, 1));
      ctx.page.drawSvgPath(qrPath.path, { x: qrX, y: PAGE_H - qrTop, scale: qrSide / qrPath.size, color: rgb(0, 0, 0) });
      const caption = wrap(ctx, P(L("invoice.pdf.scan")), qrSide + 16, { size: 6.5 });
      let cTop = qrTop + qrSide + (4 * qrSide) / qrPath.size + 4;
      for (const line of caption) {
        draw(ctx, line, qrX + qrSide / 2, cTop, { size: 6.5, color: MUTED }, "center");
        cTop += 8;
      }
    }
    ctx.y = startTop + blockH + 10;
  }

  // Footer on every page: who issues it, and the page count.
  const footer = P([invoice.seller.name, oneLine(invoice.seller.address), invoice.seller.taxId ? L("invoice.pdf.tax_id", { taxId: invoice.seller.taxId }) : ""].filter(Boolean).join(" · "));
  const footerLines = wrap(ctx, footer, CONTENT_W - 90, { size: 7 }).slice(0, 2);
  ctx.pages.forEach((p, i) => {
    ctx.page = p;
    const fTop = PAGE_H - MARGIN - 14;
    hline(ctx, fTop - 8);
    footerLines.forEach((line, j) => draw(ctx, line, MARGIN, fTop + j * 9, { size: 7, color: MUTED }));
    draw(ctx, P(L("invoice.pdf.page", { page: i + 1, pages: ctx.pages.length })), right, fTop, { size: 7, color: MUTED }, "right");
  });

  // Object streams would deflate the fonts' width arrays again for every document.
  return doc.save({ useObjectStreams: false });
}

/** Address lines, VAT number and (for the buyer) e-mail under a party's name. */
function partyDetails(
  ctx: Ctx,
  party: InvoicePdfParty,
  x: number,
  top: number,
  max: number,
  P: (text: string | null | undefined) => string,
  L: (key: MessageKey, vars?: Record<string, string | number>) => string,
  withEmail: boolean,
): number {
  const lines = [
    ...(party.address
      ? party.address
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean)
          .flatMap((line) => wrap(ctx, P(line), max, { size: 8.5 }))
      : []),
    ...(party.taxId ? [P(L("invoice.pdf.tax_id", { taxId: party.taxId }))] : []),
    ...(withEmail && party.email ? [P(party.email)] : []),
  ];
  for (const line of lines) {
    draw(ctx, line, x, top, { size: 8.5, color: MUTED });
    top += 12;
  }
  return top;
}

function oneLine(text: string | null | undefined): string {
  return (text ?? "")
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean)
    .join(", ");
}

/** Taxable amount and VAT per rate, zero rate included, ascending, from the lines and the taxes. */
function taxBases(invoice: InvoicePdfData): { rate: number; taxable: Money; tax: Money }[] {
  const currency = invoice.total.currency;
  const byRate = new Map<number, number>();
  for (const line of invoice.lines) {
    const bp = percentToBasisPoints(line.taxRate);
    byRate.set(bp, (byRate.get(bp) ?? 0) + line.amount.amount);
  }
  const taxByRate = new Map(invoice.taxes.map((tax) => [percentToBasisPoints(tax.rate), tax.amount.amount]));
  return [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bp, taxable]) => ({
      rate: bp / 100,
      taxable: { amount: taxable, currency },
      tax: { amount: taxByRate.get(bp) ?? 0, currency },
    }));
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** `2026-12-06` → "6 December 2026" (en), "6 décembre 2026" (fr). */
export function formatDay(day: string, locale: string): string {
  let f = dateFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
    dateFormats.set(locale, f);
  }
  return f.format(new Date(`${day}T00:00:00Z`));
}
