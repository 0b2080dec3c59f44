import { unzipSync, zipSync } from "fflate";
import { readSheet } from "read-excel-file/universal";
import writeExcelFile from "write-excel-file/universal";
import { ApiError } from "../http/errors";

/** The import file's columns, in the template's order. */
export const TEMPLATE_COLUMNS = ["email", "first_name", "last_name", "language", "groups", "admin"] as const;

export type FileKind = "xlsx" | "csv";

/** Decides the kind from the bytes (an .xlsx is a ZIP), falling back to the file name. */
export function fileKind(name: string, bytes: Uint8Array): FileKind {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "xlsx";
  if (/\.xlsx$/i.test(name)) throw new ApiError(415, "unsupported_media_type", "This .xlsx file is not a valid spreadsheet.");
  if (/\.(xls|ods|numbers)$/i.test(name)) throw new ApiError(415, "unsupported_media_type", "Save the file as .xlsx or .csv first.");
  return "csv";
}

/**
 * CSV as spreadsheets export it: RFC 4180 quoting, a UTF-8 BOM, CRLF or LF, and
 * comma or semicolon separators (French Excel writes semicolons).
 */
export function parseCsv(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : firstLine.includes("\t") && !firstLine.includes(",") ? "\t" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (ch === '"' && field === "") quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw new ApiError(422, "malformed_file", "The CSV file has an unclosed quote.");
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return String(value).trim();
}

/** Every row of the first sheet as text cells (the header included). */
export async function readRows(kind: FileKind, bytes: Uint8Array<ArrayBuffer>): Promise<string[][]> {
  if (kind === "csv") {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Older Excel versions export CSV in Windows-1252.
      text = new TextDecoder("windows-1252").decode(bytes);
    }
    return parseCsv(text).map((r) => r.map((c) => c.trim()));
  }
  let stored: Uint8Array;
  try {
    stored = storedZip(bytes);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(422, "malformed_file", "This spreadsheet could not be read. Save it again as .xlsx or .csv.");
  }
  try {
    const sheet = await readSheet(stored.buffer.slice(stored.byteOffset, stored.byteOffset + stored.byteLength) as ArrayBuffer);
    return sheet.map((r) => r.map(cellText));
  } catch {
    throw new ApiError(422, "malformed_file", "This spreadsheet could not be read. Save it again as .xlsx or .csv.");
  }
}

const MAX_UNZIPPED_BYTES = 128 * 1024 * 1024;

/**
 * The .xlsx's XML parts, unzipped here synchronously and packed again without
 * compression. The reader's own unzip hands big compressed archives to a Web Worker,
 * which Workers do not have; a stored archive it reads in place. Also caps the
 * unzipped size, so a small "zip bomb" cannot exhaust memory.
 */
function storedZip(bytes: Uint8Array): Uint8Array {
  let total = 0;
  const entries = unzipSync(bytes, {
    filter: (file) => {
      total += file.originalSize;
      if (total > MAX_UNZIPPED_BYTES) throw new ApiError(413, "payload_too_large", "This spreadsheet unpacks to more than 128 MiB.");
      return file.name.endsWith(".xml") || file.name.endsWith(".rels");
    },
  });
  return zipSync(entries, { level: 0 });
}

/** The header row only: an example row would be imported (and invited) when left in. */
export function templateCsv(): string {
  return "\ufeff" + TEMPLATE_COLUMNS.join(",") + "\r\n";
}

export async function templateXlsx(): Promise<Blob> {
  const header = TEMPLATE_COLUMNS.map((c) => ({ value: c, fontWeight: "bold" as const }));
  return writeExcelFile([header]).toBlob();
}
