import { describe, expect, it } from "vitest";
import { stylesheets as joined } from "../../worker/generated/assets";
import listed from "../stylesheets.json";

declare global {
  // Vite's `import.meta.glob` (resolved when the test is bundled), typed for this use only.
  interface ImportMeta {
    glob<T>(patterns: string[], options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
  }
}

// Every .css file under web/, as it is on disk when the tests run.
const onDisk = Object.keys(import.meta.glob<string>(["/web/**/*.css"], { query: "?raw", import: "default", eager: true })).map(
  (path) => path.replace(/^\//, ""),
);

describe("the stylesheet is joined from one sheet per area", () => {
  it("lists every .css file under web/ once, and nothing else", () => {
    expect(onDisk.length).toBeGreaterThan(10);
    expect([...listed].sort()).toEqual([...onDisk].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it("joined app.css from exactly the listed sheets, in the listed order", () => {
    expect(joined).toEqual(listed);
  });

  it("keeps the documented order: shared base first, each feature beside its pages, the breakpoints last", () => {
    expect(listed[0]).toBe("web/ui/base.css");
    expect(listed.at(-1)).toBe("web/ui/responsive.css");
    const features = listed.filter((file) => file.startsWith("web/pages/"));
    for (const file of features) expect(file).toMatch(/^web\/pages\/([a-z-]+)\/\1\.css$/);
    // A feature comes after the features whose classes it restyles.
    const before = (a: string, b: string) => listed.indexOf(`web/pages/${a}/${a}.css`) < listed.indexOf(`web/pages/${b}/${b}.css`);
    expect(before("tenancy", "groups") && before("groups", "discussions")).toBe(true);
    // The shared sheets (but the breakpoints) all come before the first feature's.
    const firstFeature = listed.indexOf(features[0]!);
    expect(listed.slice(0, firstFeature).every((file) => file.startsWith("web/ui/"))).toBe(true);
    expect(listed.slice(firstFeature, -1).every((file) => file.startsWith("web/pages/"))).toBe(true);
  });
});

// The page sources and the sheets, to check the data tables share one pattern.
const sources = import.meta.glob<string>(["/web/**/*.ts", "!/web/**/*.test.ts"], { query: "?raw", import: "default", eager: true });
const sheets = import.meta.glob<string>(["/web/**/*.css"], { query: "?raw", import: "default", eager: true });

describe("every data table shares one responsive pattern (web/ui/table.css)", () => {
  it("each table of class `table` names its breakpoint: table-stack-sm, -md or -lg", () => {
    const tables = Object.entries(sources).flatMap(([path, text]) =>
      [...text.matchAll(/<table class="(table\b[^"]*)"/g)].map((m) => ({ path, classes: m[1]! })),
    );
    expect(tables.length).toBeGreaterThanOrEqual(8);
    expect(tables.filter((table) => !/\btable-stack-(sm|md|lg)\b/.test(table.classes))).toEqual([]);
  });

  it("no other sheet copies the stacked rules (the hidden head, the labels from data-label)", () => {
    const copies = Object.entries(sheets)
      .filter(([path]) => path !== "/web/ui/table.css")
      .filter(([, text]) => /thead\s*\{[^}]*position:\s*absolute/.test(text) || /content:\s*attr\(data-label\)/.test(text))
      .map(([path]) => path);
    expect(copies).toEqual([]);
  });
});
