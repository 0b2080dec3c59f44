import { describe, expect, it } from "vitest";

declare global {
  // Vite's `import.meta.glob`, typed here only (vite/client would declare every asset module too).
  interface ImportMeta {
    glob<T>(patterns: string[], options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
  }
}

// The room's module boundaries, read from the sources (Vite inlines them at build time).
const room = import.meta.glob<string>(["./*.ts", "!./*.test.ts"], { query: "?raw", import: "default", eager: true });
const web = import.meta.glob<string>(["../../web/**/*.ts", "!../../web/**/*.test.ts"], { query: "?raw", import: "default", eager: true });
const featureTypes = import.meta.glob<string>(["../*/types.ts"], { query: "?raw", import: "default", eager: true });

/** Every `import … from "x"` / `export … from "x"` of a source: the statement and its specifier. */
function imports(source: string): { statement: string; from: string }[] {
  return [...source.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)";?/gms)].map((m) => ({ statement: m[0], from: m[1]! }));
}

describe("room module boundaries", () => {
  it("finds the sources it checks", () => {
    expect(Object.keys(room)).toContain("./room.ts");
    expect(Object.keys(room)).toContain("./protocol.ts");
    expect(Object.keys(web)).toContain("../../web/pages/discussions/types.ts");
  });

  it("the wire protocol imports nothing, so either side may read it", () => {
    expect(imports(room["./protocol.ts"]!)).toEqual([]);
  });

  it("nothing under worker/room imports from web/, not even the message catalogs", () => {
    const fromWeb = Object.entries(room).flatMap(([file, source]) =>
      imports(source)
        .filter((i) => i.from.includes("/web/"))
        .map((i) => `${file} → ${i.from}`),
    );
    // The languages and the field-error keys are the protocol's; the seeded level names are
    // read in each socket's language by a reading the Worker hands the room (worker/index.ts).
    expect(fromWeb).toEqual([]);
  });

  it("a feature's types.ts, which web/ may read, holds types only and imports nothing but types", () => {
    expect(Object.keys(featureTypes)).toEqual(expect.arrayContaining(["../auth/types.ts", "../invitations/types.ts", "../tenancy/types.ts"]));
    for (const [file, source] of Object.entries(featureTypes)) {
      for (const i of imports(source)) expect(i.statement, file).toMatch(/^(import|export) type\b/);
      // No value: what web/ reads from worker/ vanishes when compiled.
      expect(source, file).not.toMatch(/^export\s+(const|let|var|function|class|enum|default)\b/m);
    }
  });

  it("web/ reads the room only as types, and only its protocol", () => {
    const fromRoom = Object.entries(web).flatMap(([file, source]) => imports(source).filter((i) => i.from.includes("worker/room/")).map((i) => ({ file, ...i })));
    expect(fromRoom.length).toBeGreaterThan(0);
    for (const i of fromRoom) {
      expect(i.from, i.file).toMatch(/\/worker\/room\/protocol$/);
      expect(i.statement, i.file).toMatch(/^(import|export) type\b/);
    }
  });
});
