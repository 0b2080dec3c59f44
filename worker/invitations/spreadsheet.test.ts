import { describe, expect, it } from "vitest";
import writeExcelFile from "write-excel-file/universal";
import { fileKind, parseCsv, readRows, templateCsv, templateXlsx, TEMPLATE_COLUMNS } from "./spreadsheet";

describe("spreadsheets", () => {
  it("parses CSV with quotes, BOM, CRLF and semicolons", () => {
    expect(parseCsv('\ufeffemail,first_name\r\n"a@x.org","Ann, ""the"" first"\r\nb@y.org,Bob\r\n')).toEqual([
      ["email", "first_name"],
      ["a@x.org", 'Ann, "the" first'],
      ["b@y.org", "Bob"],
    ]);
    expect(parseCsv("email;groups\nc@z.org;a|b")).toEqual([["email", "groups"], ["c@z.org", "a|b"]]);
    expect(() => parseCsv('email\n"unclosed')).toThrow(expect.objectContaining({ status: 422 }));
  });

  it("reads an .xlsx in the Workers runtime, and the template has the contract's header", async () => {
    const blob = await writeExcelFile([
      [{ value: "email" }, { value: "admin" }, { value: "language" }],
      [{ value: "x@example.org" }, { value: true }, { value: "nl" }],
    ]).toBlob();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect(fileKind("people.xlsx", bytes)).toBe("xlsx");
    expect(await readRows("xlsx", bytes)).toEqual([["email", "admin", "language"], ["x@example.org", "TRUE", "nl"]]);
    const template = new Uint8Array(await (await templateXlsx()).arrayBuffer());
    // The header and nothing else: an example row left in would be invited.
    expect(await readRows("xlsx", template)).toEqual([[...TEMPLATE_COLUMNS]]);
    expect(templateCsv()).toBe(`\ufeff${TEMPLATE_COLUMNS.join(",")}\r\n`);
    await expect(readRows("xlsx", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).rejects.toMatchObject({ status: 422 });
  });
});
