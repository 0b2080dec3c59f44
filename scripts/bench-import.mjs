// Issue 4's benchmark, run by scripts/bench.mjs against its running app: a 10,000-row
// CSV and the same as .xlsx imported through POST /api/v1/invitations/import, each
// timed from the upload to the answer, then the time until the dev transport has
// delivered all 10,000 invitation emails (counted in the local D1's dev mailbox).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import writeExcelFile from "write-excel-file/node";
import { ROOT, http } from "../web/e2e/server.mjs";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);

function d1Count(persistTo, sql) {
  const res = spawnSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--command", sql, "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
  if (res.status !== 0) throw new Error(`wrangler d1 execute failed: ${res.stderr}`);
  return Number(JSON.parse(res.stdout)[0].results[0].n);
}

function multipart(fields, file) {
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function importOnce(app, cookie, label, file) {
  const { body, type } = multipart({ groupRole: "member" }, file);
  const t0 = performance.now();
  const res = await http(app.port, app.tenantHost, "/api/v1/invitations/import", { method: "POST", headers: { cookie, "content-type": type, "content-length": String(body.length) }, body, timeoutMs: 120_000 });
  const importMs = Math.round(performance.now() - t0);
  if (res.status !== 200) throw new Error(`${label} import answered ${res.status}: ${res.body.slice(0, 300)}`);
  const invited = JSON.parse(res.body).invited.length;
  if (invited !== ROWS) throw new Error(`${label} import invited ${invited}, expected ${ROWS}`);
  // Delivery runs after the answer (waitUntil) and in the cron: wait until the dev mailbox has them all.
  const persistTo = join(app.stateDir, "state");
  const deadline = Date.now() + 180_000;
  let delivered = 0;
  while (Date.now() < deadline) {
    delivered = d1Count(persistTo, `select count(*) as n from dev_mail where "to" like 'bench-${label}-%'`);
    if (delivered >= ROWS) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const deliveredMs = Math.round(performance.now() - t0);
  const duplicates = d1Count(persistTo, `select count(*) - count(distinct "to") as n from dev_mail where "to" like 'bench-${label}-%'`);
  return { label, rows: ROWS, bytes: file.bytes.length, importMs, delivered, duplicates, deliveredMs };
}

export async function benchImports(app, ownerCookie) {
  const csvLines = ["email,first_name,last_name,language"];
  for (let i = 0; i < ROWS; i++) csvLines.push(`bench-csv-${i}@example.org,First${i},Last${i},${["fr", "en", "nl"][i % 3]}`);
  const csv = { name: "bench.csv", type: "text/csv", bytes: Buffer.from(csvLines.join("\r\n")) };
  const sheet = [["email", "first_name", "last_name", "language"].map((value) => ({ value }))];
  for (let i = 0; i < ROWS; i++) sheet.push([`bench-xlsx-${i}@example.org`, `First${i}`, `Last${i}`, ["fr", "en", "nl"][i % 3]].map((value) => ({ value })));
  const xlsx = { name: "bench.xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes: await writeExcelFile(sheet).toBuffer() };
  const results = [];
  for (const [label, file] of [["csv", csv], ["xlsx", xlsx]]) {
    process.stdout.write(`bench: importing ${ROWS} rows as .${label} ... `);
    try {
      const r = await importOnce(app, ownerCookie, label, file);
      console.log(`${r.importMs} ms; ${r.delivered} emails delivered after ${r.deliveredMs} ms`);
      results.push(r);
    } catch (err) {
      console.log(`failed: ${err.message}`);
    }
  }
  return results;
}
