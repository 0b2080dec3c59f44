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

  it("keeps the documented order: shared sheets first, a feature after those it restyles, the frame's breakpoints between", () => {
    const at = (file: string) => listed.indexOf(file);
    const feature = (name: string) => at(`web/pages/${name}/${name}.css`);
    expect(listed[0]).toBe("web/ui/base.css");
    // Components hold the utilities (.sr-only), which must win over the forms' rules.
    expect(at("web/ui/forms.css")).toBeLessThan(at("web/ui/components.css"));
    const features = listed.filter((file) => file.startsWith("web/pages/"));
    // One sheet per feature folder, named for it; a part of the feature may have its own (`admin-memberships.css`).
    for (const file of features) expect(file).toMatch(/^web\/pages\/([a-z-]+)\/([a-z-]+-)?\1\.css$/);
    // Every shared sheet but the breakpoints comes before the first feature's.
    const firstFeature = at(features[0]!);
    expect(listed.slice(0, firstFeature).every((file) => file.startsWith("web/ui/"))).toBe(true);
    expect(listed.slice(firstFeature).filter((file) => file.startsWith("web/ui/"))).toEqual(["web/ui/responsive.css"]);
    // A feature comes after the features whose classes it restyles.
    expect(feature("tenancy")).toBeLessThan(feature("groups"));
    expect(feature("groups")).toBeLessThan(feature("discussions"));
    // The breakpoints override the cards of groups, invitations and members; discussions and profiles override them.
    const breakpoints = at("web/ui/responsive.css");
    for (const name of ["auth", "tenancy", "groups", "invitations", "members"]) expect(feature(name)).toBeLessThan(breakpoints);
    for (const name of ["discussions", "profiles"]) expect(feature(name)).toBeGreaterThan(breakpoints);
  });
});

// The page sources and the sheets, to check the data tables share one pattern.
const sources = import.meta.glob<string>(["/web/**/*.ts", "!/web/**/*.test.ts"], { query: "?raw", import: "default", eager: true });
const sheets = import.meta.glob<string>(["/web/**/*.css"], { query: "?raw", import: "default", eager: true });

describe("every data table shares one responsive pattern (web/ui/table.css)", () => {
  it("each table of class `table` names its breakpoint: table-stack-sm, -md or -lg", () => {
    const tables = Object.entries(sources).flatMap(([path, text]) =>
      // A table written out, or one drawn by DataTable (web/ui/table.ts) with its classes.
      [...text.matchAll(/(?:<table class="|DataTable\(\{\s*className: ")(table\b[^"]*)"/g)].map((m) => ({ path, classes: m[1]! })),
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
