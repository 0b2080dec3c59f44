#!/usr/bin/env node
// How long one invoice PDF takes to render: bundles worker/invoices/pdf.ts with esbuild
// (as wrangler would) and renders the sample invoice in Node's V8, the engine workerd
// runs. Needs `npm run build` first (the subset fonts). Prints, asserts nothing.
// `node scripts/bench-pdf.mjs [runs] [--out dir]` also writes sample PDFs (en, fr, nl,
// and the credit note) into dir, e.g. to look at them with pdftoppm.
import { build } from "esbuild";
import { writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(tmpdir(), `bench-pdf-${process.pid}.mjs`);
const result = await build({
  stdin: {
    contents: `export { renderInvoicePdf } from "./worker/invoices/pdf"; export { sampleInvoice } from "./worker/invoices/sample";`,
    resolveDir: root,
    loader: "ts",
  },
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  logLevel: "warning",
});
await writeFile(out, result.outputFiles[0].text);
const { renderInvoicePdf, sampleInvoice } = await import(pathToFileURL(out).href);

const invoice = sampleInvoice();
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const outDir = outIndex >= 0 ? args.splice(outIndex, 2)[1] : null;
const runs = Number(args[0] ?? 50);
if (outDir) {
  const { mkdir } = await import("node:fs/promises");
  await mkdir(outDir, { recursive: true });
  for (const lang of ["en", "fr", "nl"]) await writeFile(join(outDir, `invoice-${lang}.pdf`), await renderInvoicePdf(invoice, { lang }));
  const voided = { ...invoice, status: "void", creditNote: { number: "INVC2026-0003", issuedOn: "2026-12-05" } };
  await writeFile(join(outDir, "credit-note-en.pdf"), await renderInvoicePdf(voided, { lang: "en", document: "credit_note" }));
  const paid = { ...invoice, status: "paid", paid: invoice.total, balance: { ...invoice.balance, amount: 0 } };
  await writeFile(join(outDir, "invoice-paid-fr.pdf"), await renderInvoicePdf(paid, { lang: "fr" }));
  console.log(`wrote sample PDFs to ${outDir}`);
}
let bytes = 0;
for (let i = 0; i < 5; i++) bytes = (await renderInvoicePdf(invoice, { lang: "fr" })).length; // warm-up
const times = [];
const cpus0 = process.cpuUsage();
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  await renderInvoicePdf(invoice, { lang: i % 2 ? "fr" : "en" });
  times.push(performance.now() - started);
}
// CPU time is what a shared, busy machine cannot inflate (wall time waits for a core).
const cpu = process.cpuUsage(cpus0);
const cpuPerRender = (cpu.user + cpu.system) / 1000 / runs;
times.sort((a, b) => a - b);
const median = times[Math.floor(runs / 2)];
const p95 = times[Math.floor(runs * 0.95)];
console.log(
  `invoice PDF (${bytes} bytes): wall median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, CPU ${cpuPerRender.toFixed(1)} ms per render over ${runs} renders, ` +
    `one thread, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), node ${process.version}`,
);
