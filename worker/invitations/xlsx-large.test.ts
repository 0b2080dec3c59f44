import { strToU8, zipSync } from "fflate";
import { expect, it } from "vitest";
import { readRows } from "./spreadsheet";

/** A minimal, standard .xlsx (inline strings), compressed, of `n` rows: big enough that an async unzip would want a Web Worker. */
function bigXlsx(n: number): Uint8Array {
  const cell = (ref: string, v: string) => `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
  const rows = [`<row r="1">${cell("A1", "email")}${cell("B1", "first_name")}</row>`];
  // Random names compress poorly, like real ones: the archive must pass fflate's 512 KB threshold.
  const name = () => [...crypto.getRandomValues(new Uint8Array(24))].map((b) => String.fromCharCode(97 + (b % 26))).join("");
  for (let i = 0; i < n; i++) rows.push(`<row r="${i + 2}">${cell(`A${i + 2}`, `x${i}@example.org`)}${cell(`B${i + 2}`, name())}</row>`);
  return zipSync(
    {
      "[Content_Types].xml": strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
      ),
      "_rels/.rels": strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      ),
      "xl/workbook.xml": strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
      ),
      "xl/_rels/workbook.xml.rels": strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
      "xl/worksheets/sheet1.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join("")}</sheetData></worksheet>`),
    },
    { level: 6 },
  );
}

it("reads a large (30,000-row, > 512 KB) .xlsx inside the Workers runtime, which has no Web Worker", async () => {
  const bytes = bigXlsx(30_000);
  expect(bytes.length).toBeGreaterThan(512 * 1024);
  const rows = await readRows("xlsx", bytes as Uint8Array<ArrayBuffer>);
  expect(rows).toHaveLength(30_001);
  expect(rows[30_000]![0]).toBe("x29999@example.org");
}, 60_000);
