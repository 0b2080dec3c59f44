// `npm run bench` (builds the client first): throughput and latency of the Worker under
// `wrangler dev`, and the JavaScript weight of the login page.
//
// Starts the app like `npm start` on a free port with throw-away local state (web/e2e/server.mjs),
// signs in as the demo owner through the JSON API, warms up, then runs autocannon with 32
// connections against GET /healthz and the signed-in community home GET / (demo tenant host).
// Then fetches /login and sums the gzipped size of every script it loads: the <script src>
// entries, their static imports, and the chunks of the islands present on the page.
//
// Prints a summary, writes artifacts/bench.json, marks each goal PASS/FAIL. Exits 0 when the
// goals fail (it reports), non-zero only when the benchmark itself cannot run or is invalid.
//
// Environment: BENCH_DURATION (seconds per measured run, default 10), BENCH_CONNECTIONS (32),
// BENCH_WARMUP (seconds per endpoint, default 3).
import autocannon from "autocannon";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { DEMO } from "./local-db.mjs";
import { ROOT, http, startApp } from "../web/e2e/server.mjs";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const OUT = join(ROOT, "artifacts", "bench.json");

const GOALS = {
  homeVsHealthz: 0.5, // home rps >= 50% of healthz rps
  homeP99Ms: 100, // home p99 < 100 ms
  loginJsGzipBytes: 10 * 1024, // login JS < 10 KB gzipped (KiB, as the build's own budget)
};

class BenchError extends Error {}

function fail(message) {
  throw new BenchError(message);
}

/** One autocannon run against the local server with the given Host (and cookie). */
function cannon({ port, host, path, cookie, duration, connections = CONNECTIONS, skipAggregateResult = false }) {
  const headers = { host, ...(cookie ? { cookie } : {}) };
  return autocannon({ url: `http://127.0.0.1:${port}${path}`, connections, duration, headers, timeout: 10, skipAggregateResult });
}

/** The scripts /login loads: <script src>, static imports (recursively), and the chunks of the islands on the page. */
async function loginJavaScript(port, host) {
  const page = await http(port, host, "/login");
  if (page.status !== 200) fail(`GET /login answered ${page.status}`);
  const base = `http://${host}/login`;
  const islandNames = [...page.body.matchAll(/data-island\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]);
  const entries = [...page.body.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["'][^>]*>/gi)].map((m) => new URL(m[1], base).href);
  const preloads = [...page.body.matchAll(/<link\b[^>]*\brel\s*=\s*["']modulepreload["'][^>]*>/gi)]
    .map((m) => /\bhref\s*=\s*["']([^"']+)["']/i.exec(m[0])?.[1])
    .filter(Boolean)
    .map((href) => new URL(href, base).href);

  const files = new Map(); // url -> { url, bytes, gzipBytes, why }
  const notes = [];
  async function visit(url, why) {
    if (files.has(url)) return;
    const u = new URL(url);
    if (u.host !== host) {
      notes.push(`external script not measured: ${url}`);
      return;
    }
    files.set(url, null);
    const res = await http(port, host, u.pathname + u.search);
    if (res.status !== 200) fail(`GET ${u.pathname} (${why}) answered ${res.status}`);
    const body = res.body;
    files.set(url, { path: u.pathname, why, bytes: Buffer.byteLength(body), gzipBytes: gzipSync(body, { level: 9 }).length });
    // Static imports and re-exports: `import x from "./a.js"`, `import"./a.js"`, `export{a}from"./a.js"`.
    const statics = [...body.matchAll(/(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["']([^"'\n]+)["']/g)].map((m) => m[1]);
    for (const spec of statics) {
      if (!/^(\.{1,2}\/|\/|https?:)/.test(spec)) {
        notes.push(`bare import "${spec}" in ${u.pathname} cannot load in a browser`);
        continue;
      }
      await visit(new URL(spec, url).href, `static import of ${u.pathname}`);
    }
    // Dynamic imports: only the chunks of islands present on the page are loaded.
    const dynamics = [...body.matchAll(/\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g)].map((m) => m[1]);
    for (const spec of dynamics) {
      const file = spec.split("/").pop() ?? spec;
      const island = islandNames.find((name) => file === `${name}.js` || file.startsWith(`${name}-`));
      if (island) await visit(new URL(spec, url).href, `island ${island}`);
      else notes.push(`not loaded by /login: ${spec} (dynamic import in ${u.pathname})`);
    }
  }
  for (const url of entries) await visit(url, "<script src>");
  for (const url of preloads) await visit(url, "modulepreload");
  for (const name of new Set(islandNames)) {
    if (![...files.values()].some((f) => f?.why === `island ${name}`)) notes.push(`no chunk found for island ${name} (bundled into the entry?)`);
  }
  const list = [...files.values()].filter(Boolean);
  return {
    islands: [...new Set(islandNames)],
    files: list,
    totalBytes: list.reduce((s, f) => s + f.bytes, 0),
    totalGzipBytes: list.reduce((s, f) => s + f.gzipBytes, 0),
    notes,
  };
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

async function main() {
  const cpuCount = cpus().length;
  const loadAtStart = loadavg();
  if (loadAtStart[0] > cpuCount * 0.5) console.warn(`bench: warning: load average ${loadAtStart[0].toFixed(2)} on ${cpuCount} CPUs before starting: figures will be noisy`);
  console.log(`bench: starting the app (isolated state), ${cpuCount} CPUs, ${CONNECTIONS} connections, ${DURATION} s per endpoint`);
  const app = await startApp({ label: "bench" });
  try {
    const host = app.tenantHost;
    console.log(`bench: app on http://${host}/ (pid ${app.pid})`);

    // Sign in as the demo owner through the JSON API.
    const login = await http(app.port, host, "/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: DEMO.owner.email, password: DEMO.owner.password }),
    });
    if (login.status !== 200) fail(`POST /api/v1/auth/login answered ${login.status}: ${login.body.slice(0, 300)}`);
    const setCookie = [login.headers["set-cookie"] ?? []].flat();
    const sid = setCookie.map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean);
    if (!sid) fail(`no sid cookie in the login answer (set-cookie: ${setCookie.join(" | ") || "none"})`);
    const cookie = `sid=${sid}`;

    // The home page must really be the signed-in page, or we would measure a redirect or an error.
    const home = await http(app.port, host, "/", { headers: { cookie } });
    if (home.status !== 200) fail(`GET / with the session answered ${home.status}`);
    if (!home.body.includes(DEMO.owner.name)) fail(`GET / with the session does not show "${DEMO.owner.name}": not signed in?`);
    const health = await http(app.port, host, "/healthz");
    if (health.status !== 200 || JSON.parse(health.body).ok !== true) fail(`GET /healthz answered ${health.status}: ${health.body}`);

    const targets = {
      healthz: { port: app.port, host, path: "/healthz" },
      home: { port: app.port, host, path: "/", cookie },
    };

    console.log(`bench: warming up (${WARMUP} s each)`);
    // Home first, so the first measured run (healthz) follows a warm-up of the same endpoint.
    for (const name of ["home", "healthz"]) await cannon({ ...targets[name], duration: WARMUP });

    // Alternate the order in two halves (healthz, home, home, healthz) so drift hits both alike;
    // the halves' latency histograms are merged exactly (autocannon.aggregateResult).
    const half = Math.max(1, DURATION / 2);
    const raw = { healthz: [], home: [] };
    for (const name of ["healthz", "home", "home", "healthz"]) {
      process.stdout.write(`bench: ${name} for ${half} s ... `);
      const r = await cannon({ ...targets[name], duration: half, skipAggregateResult: true });
      raw[name].push(r);
      const one = autocannon.aggregateResult([r], { url: r.url ?? "http://127.0.0.1/", connections: CONNECTIONS });
      console.log(`${Math.round(r.totalCompletedRequests / r.duration)} req/s, p99 ${one.latency.p99} ms`);
    }
    const combine = (name) => {
      const runs = raw[name];
      const merged = autocannon.aggregateResult(runs, { url: `http://${host}${targets[name].path}`, connections: CONNECTIONS });
      const total = runs.reduce((n, r) => n + r.totalCompletedRequests, 0);
      const secs = runs.reduce((n, r) => n + r.duration, 0);
      return {
        name,
        path: targets[name].path,
        connections: CONNECTIONS,
        durationSeconds: Math.round(secs * 100) / 100,
        requests: total,
        rps: Math.round((total / secs) * 10) / 10,
        latencyMs: { p50: merged.latency.p50, p90: merged.latency.p90, p99: merged.latency.p99, max: merged.latency.max, mean: merged.latency.mean },
        non2xx: merged.non2xx,
        errors: merged.errors,
        timeouts: merged.timeouts,
        statusCodes: Object.fromEntries(Object.entries(merged.statusCodeStats ?? {}).map(([code, v]) => [code, v.count])),
        halves: runs.map((r) => ({ seconds: r.duration, rps: Math.round((r.totalCompletedRequests / r.duration) * 10) / 10 })),
      };
    };
    const healthz = combine("healthz");
    const homeRun = combine("home");

    const invalid = [];
    for (const s of [healthz, homeRun]) {
      const bad = s.non2xx + s.errors + s.timeouts;
      if (bad > Math.max(5, s.requests * 0.01)) invalid.push(`${s.name}: ${s.non2xx} non-2xx, ${s.errors} errors, ${s.timeouts} timeouts out of ${s.requests} (status codes ${JSON.stringify(s.statusCodes)})`);
    }

    console.log("bench: measuring the login page's JavaScript");
    const js = await loginJavaScript(app.port, host);

    const ratio = healthz.rps > 0 ? homeRun.rps / healthz.rps : 0;
    const goals = [
      { goal: "home rps >= 50% of healthz rps (32 connections)", value: `${(ratio * 100).toFixed(1)}%`, pass: ratio >= GOALS.homeVsHealthz },
      { goal: "home p99 < 100 ms", value: `${homeRun.latencyMs.p99} ms`, pass: homeRun.latencyMs.p99 < GOALS.homeP99Ms },
      { goal: "login JS < 10 KB gzipped", value: `${js.totalGzipBytes} B`, pass: js.totalGzipBytes < GOALS.loginJsGzipBytes },
    ];

    const report = {
      date: new Date().toISOString(),
      cpus: cpuCount,
      cpuModel: cpus()[0]?.model ?? null,
      loadavgAtStart: loadAtStart,
      loadavgAtEnd: loadavg(),
      node: process.version,
      server: "wrangler dev (local workerd), ENVIRONMENT=development",
      connections: CONNECTIONS,
      secondsPerEndpoint: DURATION,
      warmupSeconds: WARMUP,
      healthz,
      home: homeRun,
      homeToHealthzRatio: Math.round(ratio * 1000) / 1000,
      loginJs: js,
      goals: goals.map((g) => ({ ...g, result: g.pass ? "PASS" : "FAIL" })),
      valid: invalid.length === 0,
      problems: invalid,
    };
    mkdirSync(join(ROOT, "artifacts"), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);

    console.log(`
Benchmark (${cpuCount} CPUs: ${report.cpuModel}; ${CONNECTIONS} connections; ${healthz.durationSeconds} s + ${homeRun.durationSeconds} s; wrangler dev)

  ${pad("endpoint", 26)}${lpad("req/s", 10)}${lpad("p50 ms", 9)}${lpad("p99 ms", 9)}${lpad("requests", 11)}${lpad("non-2xx", 9)}
  ${pad("GET /healthz", 26)}${lpad(healthz.rps, 10)}${lpad(healthz.latencyMs.p50, 9)}${lpad(healthz.latencyMs.p99, 9)}${lpad(healthz.requests, 11)}${lpad(healthz.non2xx, 9)}
  ${pad("GET / (signed in)", 26)}${lpad(homeRun.rps, 10)}${lpad(homeRun.latencyMs.p50, 9)}${lpad(homeRun.latencyMs.p99, 9)}${lpad(homeRun.requests, 11)}${lpad(homeRun.non2xx, 9)}
  home / healthz: ${(ratio * 100).toFixed(1)}%

  Login page JavaScript (islands: ${js.islands.join(", ") || "none"})
${js.files.map((f) => `  ${pad(f.path, 40)}${lpad(f.bytes, 8)} B${lpad(f.gzipBytes, 8)} B gz   ${f.why}`).join("\n")}
  ${pad("total", 40)}${lpad(js.totalBytes, 8)} B${lpad(js.totalGzipBytes, 8)} B gz
${js.notes.map((n) => `  note: ${n}`).join("\n")}

  Goals
${goals.map((g) => `  ${g.pass ? "PASS" : "FAIL"}  ${pad(g.goal, 50)} ${g.value}`).join("\n")}

Wrote ${relative(ROOT, OUT)}`);

    if (invalid.length) {
      console.error(`\nbench: the measurement is not valid, too many failed requests:\n  ${invalid.join("\n  ")}\nServer log: ${relative(ROOT, app.logFile)}`);
      process.exitCode = 2;
    }
  } finally {
    await app.stop();
  }
}

try {
  await main();
} catch (err) {
  console.error(`\nbench failed: ${err instanceof BenchError ? err.message : (err?.stack ?? err)}`);
  process.exitCode = 1;
}
