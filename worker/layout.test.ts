import { describe, expect, it } from "vitest";

// The layout rules of DESIGN.md ("one feature, one name, end to end"), read from the sources
// themselves (Vite inlines them at build time), so a change that breaks one fails here.
const sources: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>(["./**/*.ts", "../web/**/*.ts", "!./**/*.test.ts", "!../web/**/*.test.ts", "!./generated/**", "!./test/**"], {
      query: "?raw",
      import: "default",
      eager: true,
    }),
    // Keys come relative to this file: "./groups/html.ts", "../web/ui/page.ts".
  ).map(([file, text]) => [file.startsWith("./") ? `worker/${file.slice(2)}` : file.replace(/^\.\.\//, ""), text]),
);

type Import = { statement: string; from: string; typeOnly: boolean; target: string | null };

function resolveFrom(file: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const parts = file.split("/").slice(0, -1);
  for (const seg of spec.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  const base = parts.join("/");
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) if (candidate in sources) return candidate;
  return null;
}

/** Every static `import … from` / `export … from` / side-effect import and every `import("…")` of a source. */
function importsOf(file: string): Import[] {
  const text = sources[file]!;
  const found: Import[] = [];
  for (const m of text.matchAll(/^(import|export)(\s+type)?\s[^;]*?\sfrom\s+"([^"]+)";?/gms)) {
    found.push({ statement: m[0], from: m[3]!, typeOnly: Boolean(m[2]), target: resolveFrom(file, m[3]!) });
  }
  for (const m of text.matchAll(/^import\s+"([^"]+)";?/gm)) found.push({ statement: m[0], from: m[1]!, typeOnly: false, target: resolveFrom(file, m[1]!) });
  for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) found.push({ statement: m[0], from: m[1]!, typeOnly: false, target: resolveFrom(file, m[1]!) });
  return found;
}

const files = Object.keys(sources).sort();
const tree = (file: string) => file.split("/")[0]!;

/** Strongly connected components of the import graph (Tarjan), type imports included. */
function importCircles(): string[][] {
  const edges = new Map(files.map((f) => [f, importsOf(f).flatMap((i) => (i.target ? [i.target] : []))]));
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) circles.push(component.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return circles;
}

/** The route handlers of a Hono sub-app file: `.get("/path", …)` up to the next route or the chain's end. */
function handlers(file: string): { route: string; lines: number }[] {
  const lines = sources[file]!.split("\n");
  const found: { route: string; lines: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)\.(get|post|put|patch|delete|all|on)\(\s*"([^"]*)"/.exec(lines[i]!);
    if (!m) continue;
    const indent = m[1]!.length;
    let end = i + 1;
    while (end < lines.length) {
      const line = lines[end]!;
      const own = line.length - line.trimStart().length;
      if (line.trim() !== "" && own <= indent && !/^\s*\}\)?,?\s*$/.test(line) && !/^\s*\)\s*,?$/.test(line)) break;
      if (line.trim() !== "" && own < indent) break;
      end++;
    }
    found.push({ route: `${m[2]!.toUpperCase()} ${m[3]}`, lines: end - i });
  }
  return found;
}

describe("layout", () => {
  it("reads the sources it checks", () => {
    expect(files).toContain("worker/app.ts");
    expect(files).toContain("web/ui/page.ts");
    expect(files).toContain("worker/room/protocol.ts");
    expect(handlers("worker/groups/html.ts").length).toBeGreaterThan(3);
  });

  it("web/ imports from worker/ only types, from a feature's types.ts or the room's protocol.ts", () => {
    const bad = files
      .filter((f) => tree(f) === "web")
      .flatMap((f) => importsOf(f).filter((i) => i.target && tree(i.target) === "worker").map((i) => ({ f, ...i })))
      .filter((i) => !i.typeOnly || !/^worker\/([a-z-]+\/types|room\/protocol)\.ts$/.test(i.target!))
      .map((i) => `${i.f}: ${i.statement}`);
    expect(bad).toEqual([]);
  });

  it("nothing under worker/room imports from web/", () => {
    const bad = files.filter((f) => f.startsWith("worker/room/")).flatMap((f) => importsOf(f).filter((i) => i.target && tree(i.target) === "web").map((i) => `${f}: ${i.statement}`));
    expect(bad).toEqual([]);
  });

  it("no import circle spans worker/ and web/ (madge --circular, restricted to the two trees)", () => {
    const spanning = importCircles().filter((c) => new Set(c.map(tree)).size > 1);
    expect(spanning.map((c) => `${c.length} files: ${c.slice(0, 8).join(", ")}…`)).toEqual([]);
  });

  it("no page or JSON route handler is longer than 15 lines", () => {
    const long = files
      .filter((f) => /^worker\/[a-z-]+\/([a-z-]+-)?(html|routes)\.ts$/.test(f))
      .flatMap((f) => handlers(f).filter((h) => h.lines > 15).map((h) => `${f} ${h.route}: ${h.lines} lines`));
    expect(long).toEqual([]);
  });

  it("no service imports hono", () => {
    const services = files.filter((f) => /^worker\/[a-z-]+\/(service|access|membership)\.ts$/.test(f));
    expect(services.length).toBeGreaterThan(5);
    const bad = services.flatMap((f) => importsOf(f).filter((i) => i.from === "hono" || i.from.startsWith("hono/")).map((i) => `${f}: ${i.statement}`));
    expect(bad).toEqual([]);
  });

  it("form errors are caught by the form kit only: no handler matches ApiError itself", () => {
    const bad = files
      .filter((f) => /^worker\/[a-z-]+\/([a-z-]+-)?(html|routes)\.ts$/.test(f))
      .filter((f) => /instanceof ApiError|catch\s*\(/.test(sources[f]!));
    expect(bad).toEqual([]);
  });
});
