#!/usr/bin/env node
// How long one invoice PDF takes to render: bundles worker/invoices/pdf.ts with esbuild
// (as wrangler would) and renders the sample invoice (worker/invoices/sample.ts, buyer
// "Łukasz Őry-Ærø Ștefan": the embedded Unicode font is used) in Node's V8, the engine workerd
// runs, after 5 warm-up renders. Needs `npm run build` first (the subset fonts).
// scripts/bench.mjs runs `benchPdf()` as a row of `npm run bench` (goal: median < 50 ms).
// `node scripts/bench-pdf.mjs [runs] [--out dir]` prints the figures alone and also writes
// sample PDFs (en, fr, nl, and the credit note) into dir, e.g. to look at them with pdftoppm.
import { build } from "esbuild";
import { rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PDF_GOAL_MS = 50;

async function load() {
  const out = join(tmpdir(), `bench-pdf-${process.pid}-${Date.now()}.mjs`);
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
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    await rm(out, { force: true });
  }
}

/** Median and p95 wall time (and CPU time) of `runs` renders of the sample invoice, after a warm-up. */
export async function benchPdf({ runs = Number(process.env.BENCH_PDF_RUNS ?? 50), outDir = null } = {}) {
  const { renderInvoicePdf, sampleInvoice } = await load();
  const invoice = sampleInvoice();
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
  times.sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 10) / 10;
  return {
    runs,
    buyer: invoice.buyer.name,
    bytes,
    medianMs: round(times[Math.floor(runs / 2)]),
    p95Ms: round(times[Math.min(runs - 1, Math.floor(runs * 0.95))]),
    cpuPerRenderMs: round((cpu.user + cpu.system) / 1000 / runs),
  };
}

/** The row of `npm run bench`'s goals. */
export function pdfGoal(r, error) {
  return {
    goal: `one invoice PDF < ${PDF_GOAL_MS} ms (median of ${r?.runs ?? "N"} renders)`,
    value: r ? `median ${r.medianMs} ms, p95 ${r.p95Ms} ms, CPU ${r.cpuPerRenderMs} ms; ${r.bytes} B, buyer ${r.buyer}` : `not measured${error ? ` (${error.slice(0, 60)})` : ""}`,
    pass: !!r && r.medianMs < PDF_GOAL_MS,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const outDir = outIndex >= 0 ? args.splice(outIndex, 2)[1] : null;
  const r = await benchPdf({ runs: Number(args[0] ?? 50), outDir });
  console.log(
    `invoice PDF (${r.bytes} bytes, buyer ${r.buyer}): wall median ${r.medianMs} ms, p95 ${r.p95Ms} ms, CPU ${r.cpuPerRenderMs} ms per render over ${r.runs} renders, ` +
      `one thread, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), node ${process.version}`,
  );
}
