#!/usr/bin/env node
// Bundles the island hydrator (web/client.ts) and the stylesheets (web/stylesheets.json) into
// worker/generated/assets.ts, so the Worker serves them from memory under /assets/.
// Each island in web/islands/index.ts is a lazy import, hence a chunk of its own:
// adding an island there (and in web/ui/island.ts) is all a new island needs.
import { build, transform } from "esbuild";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "web/dist"); // never written: esbuild needs it to name outputs
const target = join(root, "worker/generated/assets.ts");

/** The login page's JS budget: preact + hydrate + htm + the PasswordField island, gzipped. */
const LOGIN_BUDGET = 10 * 1024;
/** Pages with a JS budget of their own (issue 16: the calendar page under 25 KB gzipped): the islands they hold, hydrator included. */
const PAGE_BUDGETS = [{ page: "/bookings", islands: ["BookingPicker"], budget: 25 * 1024 }];

/**
 * The stylesheet is one file per area, joined into app.css in the order of web/stylesheets.json,
 * so the cascade is the one a single file had: the shared sheets of web/ui first (base, layout,
 * forms, then components with the utilities that override them, the admin frame, the data table),
 * then each feature's sheet beside its pages (web/pages/<feature>/<feature>.css), a feature after
 * those whose classes it restyles (groups after tenancy, discussions after groups). The page
 * frame's breakpoints (web/ui/responsive.css: wider cards and containers, the phone header) come
 * after the features whose rules they override and before discussions and profiles, which
 * override them in turn. Each sheet must be valid on its own (an unclosed block would swallow the
 * next sheet), and every .css file under web/ must be listed.
 */
const stylesheets = JSON.parse(await readFile(join(root, "web/stylesheets.json"), "utf8"));
async function joinStylesheets() {
  const onDisk = (await readdir(join(root, "web"), { recursive: true }))
    .filter((file) => file.endsWith(".css"))
    .map((file) => `web/${file.split("\\").join("/")}`);
  const unlisted = onDisk.filter((file) => !stylesheets.includes(file));
  const missing = stylesheets.filter((file) => !onDisk.includes(file));
  if (unlisted.length || missing.length || new Set(stylesheets).size !== stylesheets.length) {
    console.error(`web/stylesheets.json must list every .css file under web/ once: unlisted ${unlisted.join(", ") || "none"}; missing ${missing.join(", ") || "none"}`);
    process.exit(1);
  }
  const parts = [];
  for (const file of stylesheets) {
    const text = await readFile(join(root, file), "utf8");
    const checked = await transform(text, { loader: "css", target: ["chrome100", "firefox100", "safari15"] });
    if (checked.warnings.length) {
      for (const w of checked.warnings) console.error(`${file}:${w.location?.line ?? "?"}: ${w.text}`);
      process.exit(1);
    }
    parts.push(text);
  }
  return parts.join("\n");
}

const result = await build({
  absWorkingDir: root, // metafile paths are relative to it
  entryPoints: { client: join(root, "web/client.ts") },
  bundle: true,
  write: false,
  metafile: true,
  format: "esm",
  splitting: true,
  minify: true,
  target: "es2020",
  platform: "browser",
  outdir,
  // Flat names: chunks import each other as "./name.js", which resolves under /assets/.
  entryNames: "[name]",
  chunkNames: "[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
});

const assets = {};
for (const file of result.outputFiles) {
  assets[basename(file.path)] = { body: file.text, type: "text/javascript; charset=utf-8" };
}

// The stylesheet: the sheets named in web/stylesheets.json, joined in that order into one
// app.css (joinStylesheets above says why in that order).
const css = await transform(await joinStylesheets(), {
  loader: "css",
  minify: true,
  target: ["chrome100", "firefox100", "safari15"],
});
// A warning here is a broken stylesheet (an unclosed block silently swallows every rule after it).
if (css.warnings.length) {
  for (const w of css.warnings) console.error(`app.css (joined):${w.location?.line ?? "?"}: ${w.text}`);
  process.exit(1);
}
assets["app.css"] = { body: css.code, type: "text/css; charset=utf-8" };

// The API reference page (/api/docs) renders the OpenAPI document with Redoc's standalone
// bundle, served from our own origin under a content-hashed name (only that page's CSP allows it).
// Its "API docs by Redocly" footer shows a logo from Redocly's CDN: that one image is swapped for an
// empty inline one, so the page asks nothing of another origin (its CSP would refuse it anyway).
const REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const redocSource = await readFile(join(root, "node_modules/redoc/bundles/redoc.standalone.js"), "utf8");
if (!redocSource.includes(REDOC_LOGO)) throw new Error("redoc's footer logo URL changed: check that the page asks nothing of another origin");
const redoc = redocSource.replaceAll(REDOC_LOGO, "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E");
if (/https:\/\/cdn\./.test(redoc)) throw new Error("redoc's bundle loads from a CDN");
const { createHash } = await import("node:crypto");
const redocHash = createHash("sha256").update(redoc).digest("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 8).toUpperCase();
const apiReferenceScript = `redoc-${redocHash}.js`;
assets[apiReferenceScript] = { body: redoc, type: "text/javascript; charset=utf-8" };

await mkdir(dirname(target), { recursive: true });
const entries = Object.entries(assets)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, asset]) => `  ${JSON.stringify(name)}: { type: ${JSON.stringify(asset.type)}, body: ${JSON.stringify(asset.body)} },`);
await writeFile(
  target,
  `// Generated by scripts/build-client.mjs from web/client.ts and the stylesheets in web/stylesheets.json. Do not edit.\n` +
    `export const assets: Record<string, { body: string; type: string }> = {\n${entries.join("\n")}\n};\n` +
    `/** The sheets joined into app.css, in the order they were joined. */\n` +
    `export const stylesheets: readonly string[] = ${JSON.stringify(stylesheets)};\n` +
    `/** The API reference page's script (Redoc's standalone bundle), under /assets/. */\n` +
    `export const apiReferenceScript = ${JSON.stringify(apiReferenceScript)};\n`,
);

// What a page holding only the PasswordField island downloads: the entry, its static
// imports, the island's chunk and that chunk's static imports.
const outputs = result.metafile.outputs;
const outputKey = (name) => relative(root, join(outdir, name)).split("\\").join("/");
function staticClosure(key, seen = new Set()) {
  if (seen.has(key) || !outputs[key]) return seen;
  seen.add(key);
  for (const imp of outputs[key].imports) if (imp.kind === "import-statement") staticClosure(imp.path, seen);
  return seen;
}
// Each lazily imported island is an entry point of its own in the metafile.
const islandChunk = Object.keys(outputs).find((key) => outputs[key].entryPoint === "web/islands/PasswordField.ts");
const loginFiles = new Set(staticClosure(outputKey("client.js")));
if (islandChunk) staticClosure(islandChunk, loginFiles);

const gz = (text) => gzipSync(text, { level: 9 }).length;
let loginTotal = 0;
console.log(`wrote ${relative(root, target)}`);
for (const [name, asset] of Object.entries(assets)) {
  const size = gz(asset.body);
  const onLogin = loginFiles.has(outputKey(name));
  if (onLogin) loginTotal += size;
  console.log(`  ${name.padEnd(28)} ${String(asset.body.length).padStart(7)} B  ${String(size).padStart(6)} B gz${onLogin ? "  (login)" : ""}`);
}
// Every island is its own chunk, fetched only by pages that hold it: what each costs on top
// of the hydrator (a page with several islands downloads the union).
const sizeOf = (key) => {
  const name = basename(key);
  return assets[name] ? gz(assets[name].body) : 0;
};
const entryClosure = staticClosure(outputKey("client.js"));
for (const [key, output] of Object.entries(outputs)) {
  const island = /^web\/islands\/(\w+)\.ts$/.exec(output.entryPoint ?? "")?.[1];
  if (!island) continue;
  const files = staticClosure(key, new Set(entryClosure));
  const total = [...files].reduce((sum, file) => sum + sizeOf(file), 0);
  console.log(`  page with ${island.padEnd(17)} ${String(total).padStart(6)} B gz (hydrator + island)`);
}
console.log(`login page JS: ${loginTotal} B gzipped (budget ${LOGIN_BUDGET} B)`);
for (const { page, islands, budget } of PAGE_BUDGETS) {
  const files = new Set(entryClosure);
  for (const island of islands) {
    const chunk = Object.keys(outputs).find((key) => outputs[key].entryPoint === `web/islands/${island}.ts`);
    if (!chunk) throw new Error(`the ${island} island was not found in the bundle`);
    staticClosure(chunk, files);
  }
  const total = [...files].reduce((sum, file) => sum + sizeOf(file), 0);
  console.log(`${page} page JS: ${total} B gzipped (budget ${budget} B)`);
  if (total > budget) {
    console.error(`${page} page JS is over budget`);
    process.exitCode = 1;
  }
}
if (!islandChunk) throw new Error("the PasswordField island was not found in the bundle");
if (loginTotal > LOGIN_BUDGET) {
  console.error("login page JS is over budget");
  process.exitCode = 1;
}
