#!/usr/bin/env node
// The events list at scale (issue 17): a community with 1,000 events (upcoming and past, some
// for a group, some with a price, the demo member registered for 100 of them), created through
// the JSON API as the demo owner (8 in flight). Then, signed in as the demo member, autocannon
// against GET /api/v1/events (the member's first page: 50 upcoming events with their counts
// and the member's status) and the page GET /events (branch ev-pages; when it answers 404 the
// row fails and says so), each as a ratio of GET /healthz measured in the same run, in
// alternating halves (healthz, api, page, page, api, healthz) so drift hits them all alike.
// Goal: each at least 50 % of /healthz's requests per second.
//
// scripts/bench.mjs runs `benchEvents(app)` on the bundle (workerd alone, as deployed) as a row
// of `npm run bench`; `node scripts/bench-events.mjs` runs it alone on a fresh bundle and prints
// the figures (and writes artifacts/bench-events.json). Environment: BENCH_DURATION (seconds per
// endpoint, default 10), BENCH_CONNECTIONS (32), BENCH_WARMUP (3), BENCH_EVENTS (1000).
import autocannon from "autocannon";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO } from "./local-db.mjs";
import { ROOT, http, startApp } from "../web/e2e/server.mjs";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
export const EVENTS_GOAL = 0.5;
const DAY = 86_400_000;

async function api(app, cookie, method, path, body) {
  const res = await http(app.port, app.tenantHost, path, {
    method,
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    timeoutMs: 30_000,
  });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return { res, body: res.body ? JSON.parse(res.body) : null };
}

async function signIn(app, who) {
  const { res } = await api(app, null, "POST", "/api/v1/auth/login", { email: who.email, password: who.password });
  const sid = [res.headers["set-cookie"] ?? []].flat().map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean);
  if (!sid) throw new Error("no session cookie in the login answer");
  return `sid=${sid}`;
}

/** Runs `work` over `items`, `inFlight` at a time. */
async function pool(items, inFlight, work) {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** 1,000 events: 800 upcoming over two years, 200 past; every 10th for the group `makers`, every 7th priced; the member goes to 100. */
async function seedEvents(app, owner, member) {
  const now = Date.now();
  const start = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1, 17);
  const specs = Array.from({ length: EVENTS }, (_, i) => {
    const past = i % 5 === 4;
    const at = past ? start - (2 + i) * DAY : start + Math.floor(i * 0.9) * DAY + (i % 3) * 3_600_000;
    return {
      i,
      body: {
        title: `Bench event ${i}`,
        description: `Event **${i}** of the bench: [details](https://example.org/${i}).`,
        type: ["talk", "workshop", "social"][i % 3],
        startsAt: new Date(at).toISOString(),
        endsAt: new Date(at + 2 * 3_600_000).toISOString(),
        location: "Grande salle",
        capacity: i % 4 === 0 ? null : 20 + (i % 30),
        ...(i % 7 === 0 ? { price: { amount: 1500, currency: "EUR" }, taxRate: 20 } : {}),
        ...(i % 10 === 5 ? { group: "makers" } : {}),
      },
      past,
    };
  });
  const ids = [];
  const t0 = performance.now();
  await pool(specs, 8, async (s) => {
    const { body } = await api(app, owner, "POST", "/api/v1/events", s.body);
    if (!s.past && s.i % 8 === 1) ids.push(body.event.id);
  });
  const seedMs = Math.round(performance.now() - t0);
  await pool(ids.slice(0, 100), 8, (id) => api(app, member, "POST", `/api/v1/events/${id}/attend`, {}));
  return { seedMs, registered: Math.min(100, ids.length) };
}

function cannon(app, path, cookie, duration) {
  return autocannon({ url: `http://127.0.0.1:${app.port}${path}`, connections: CONNECTIONS, duration, headers: { host: app.tenantHost, ...(cookie ? { cookie } : {}) }, timeout: 10, skipAggregateResult: true });
}

/** Runs against a started app (web/e2e/server.mjs `startApp`, the demo seeded); answers the figures. */
export async function benchEvents(app) {
  const owner = await signIn(app, DEMO.owner);
  const member = await signIn(app, DEMO.member);
  process.stdout.write(`bench: creating ${EVENTS} events through POST /api/v1/events ... `);
  const seeded = await seedEvents(app, owner, member);
  console.log(`${seeded.seedMs} ms; the member registered for ${seeded.registered}`);

  // What is measured must be the real answers.
  const list = await api(app, member, "GET", "/api/v1/events");
  if (list.body.items.length !== 50 || !list.body.nextCursor) throw new Error(`GET /api/v1/events answered ${list.body.items.length} items (expected a full page of 50 and a cursor)`);
  const page = await http(app.port, app.tenantHost, "/events", { headers: { cookie: member } });
  const pageProblem = page.status === 200 ? (page.body.includes("Bench event") ? null : "GET /events answered 200 without the events listed") : `GET /events answered ${page.status}${page.status === 404 ? ": the page is not there (branch ev-pages builds it)" : ""}`;
  if (pageProblem) console.error(`bench: ${pageProblem}; the page is not measured`);

  const targets = { healthz: ["/healthz", null], api: ["/api/v1/events", member], ...(pageProblem ? {} : { page: ["/events", member] }) };
  const names = Object.keys(targets);
  console.log(`bench: warming up (${WARMUP} s each)`);
  for (const name of [...names].reverse()) await cannon(app, targets[name][0], targets[name][1], WARMUP);
  const half = Math.max(1, DURATION / 2);
  const raw = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of [...names, ...[...names].reverse()]) {
    process.stdout.write(`bench: ${name} (${targets[name][0]}) for ${half} s ... `);
    const r = await cannon(app, targets[name][0], targets[name][1], half);
    raw[name].push(r);
    console.log(`${Math.round(r.totalCompletedRequests / r.duration)} req/s`);
  }
  const combine = (name) => {
    const runs = raw[name];
    const merged = autocannon.aggregateResult(runs, { url: `http://${app.tenantHost}${targets[name][0]}`, connections: CONNECTIONS });
    const total = runs.reduce((n, r) => n + r.totalCompletedRequests, 0);
    const secs = runs.reduce((n, r) => n + r.duration, 0);
    return { path: targets[name][0], rps: Math.round((total / secs) * 10) / 10, requests: total, p50: merged.latency.p50, p99: merged.latency.p99, non2xx: merged.non2xx, errors: merged.errors + merged.timeouts };
  };
  const healthz = combine("healthz");
  const apiRun = combine("api");
  const pageRun = pageProblem ? null : combine("page");
  const problems = [healthz, apiRun, ...(pageRun ? [pageRun] : [])].filter((s) => s.non2xx + s.errors > Math.max(5, s.requests * 0.01)).map((s) => `${s.path}: ${s.non2xx} non-2xx, ${s.errors} errors of ${s.requests}`);
  return {
    events: EVENTS,
    cpus: cpus().length,
    connections: CONNECTIONS,
    seeded,
    healthz,
    api: apiRun,
    page: pageRun,
    pageProblem,
    apiToHealthz: healthz.rps > 0 ? apiRun.rps / healthz.rps : 0,
    pageToHealthz: pageRun && healthz.rps > 0 ? pageRun.rps / healthz.rps : 0,
    problems,
  };
}

/** The rows of `npm run bench` (goal: each at least 50 % of /healthz). */
export function eventsGoals(r, error) {
  const cause = error ? ` (${String(error).slice(0, 60)})` : "";
  return [
    {
      goal: `events API (${EVENTS.toLocaleString("en")} events) rps >= 50% of healthz`,
      value: r ? `${(r.apiToHealthz * 100).toFixed(1)}% (${r.api.rps} vs ${r.healthz.rps} req/s, p99 ${r.api.p99} ms, ${r.cpus} CPUs)` : `not measured${cause}`,
      pass: !!r && r.apiToHealthz >= EVENTS_GOAL && r.problems.length === 0,
    },
    {
      goal: `events page /events rps >= 50% of healthz`,
      value: r ? (r.page ? `${(r.pageToHealthz * 100).toFixed(1)}% (${r.page.rps} req/s, p99 ${r.page.p99} ms)` : `not measured: ${r.pageProblem}`) : `not measured${cause}`,
      pass: !!r && !!r.page && r.pageToHealthz >= EVENTS_GOAL,
    },
  ];
}

async function main() {
  const load = loadavg()[0];
  console.log(`bench: events, ${cpus().length} CPUs (load average ${load.toFixed(2)}), ${CONNECTIONS} connections, ${DURATION} s per endpoint; starting the bundle in workerd`);
  const app = await startApp({ label: "bench-events", server: "bundle", extraArgs: ["--log-level", "warn"] });
  let result;
  try {
    result = await benchEvents(app);
  } finally {
    await app.stop();
  }
  mkdirSync(join(ROOT, "artifacts"), { recursive: true });
  writeFileSync(join(ROOT, "artifacts", "bench-events.json"), JSON.stringify(result, null, 2));
  for (const g of eventsGoals(result, null)) console.log(`  ${g.pass ? "PASS" : "FAIL"}  ${g.goal}: ${g.value}`);
  if (result.problems.length) console.log(`  problems: ${result.problems.join("; ")}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  });
}
