// Bookings at scale (issue 16's acceptance), against a running app (web/e2e/server.mjs `startApp`):
//
//   (a) 1,000 bookings of distinct slots by 100 members through POST /api/v1/bookings: 100
//       members with a session and an active membership on the demo plan "Flex" are seeded
//       straight into the app's local D1 (`wrangler d1 execute --local --persist-to`: no PBKDF2
//       per account), the owner creates 10 rooms through the API, then each member books 10
//       one-hour slots (slot k of room r: tomorrow 00:00 UTC + k hours), BENCH_BOOKING_IN_FLIGHT
//       requests in flight (default 16). Timed from the first request to the last answer;
//       checked: every answer 201, and the calendar (GET /api/v1/bookings as the owner) holds
//       exactly the 1,000 bookings, none twice. Goal: < 5 s.
//   (b) the week view of one resource holding 500 bookings: a room with 5 units gets 100
//       one-hour slots × 5 bookings in the week after next (booked through the API by the
//       members), then autocannon measures, as one of those members, GET /bookings?view=week&
//       resource=…&date=… (the page, bk-pages) and GET /api/v1/bookings?from=&to=&resourceId=
//       (the JSON calendar the page reads), each against GET /healthz measured in the same run,
//       in alternating halves (healthz, api, page, page, api, healthz) so drift hits them alike.
//       Goal: the page keeps ≥ 50 % of /healthz's requests per second. When the page answers
//       404 (not on this branch yet) its row says so and fails; the API row is still measured.
//
// `node scripts/bench-bookings.mjs` runs it alone on its own throw-away app (after `npm run
// build`; BENCH_BOOKING_SERVER=dev|bundle, default bundle: the Worker as deployed, as
// `npm run bench` judges its throughput goals); scripts/bench.mjs runs it as rows of `npm run bench`.
// Environment: BENCH_DURATION (seconds per endpoint, default 10), BENCH_CONNECTIONS (32),
// BENCH_WARMUP (3), BENCH_BOOKING_IN_FLIGHT (16).
import autocannon from "autocannon";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DEMO } from "./demo-seed.mjs";
import { ROOT, http, startApp } from "../web/e2e/server.mjs";

const BIN = join(ROOT, "node_modules", ".bin");
const MEMBERS = 100;
const ROOMS = 10;
const BOOKINGS = 1000;
const WEEK_BOOKINGS = 500;
const WEEK_UNITS = 5;
const IN_FLIGHT = Number(process.env.BENCH_BOOKING_IN_FLIGHT ?? 16);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const BOOKING_GOALS = { thousandBookingsMs: 5_000, weekViewVsHealthz: 0.5 };

function d1(persistTo, args) {
  const res = spawnSync(join(BIN, "wrangler"), ["d1", "execute", "DB", "--local", "--persist-to", persistTo, ...args], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false", CI: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`wrangler d1 execute failed: ${(res.stderr || res.stdout).split("\n").slice(-10).join("\n")}`);
  return res.stdout;
}

const sqlText = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** 100 members with a session each and an active membership on "Flex" (the demo plan), seeded in one file. */
export function seedMembers(app) {
  const now = Date.now();
  const today = new Date(now - 3 * DAY).toISOString().slice(0, 10);
  const people = Array.from({ length: MEMBERS }, (_, i) => {
    const n = String(i).padStart(3, "0");
    const token = randomBytes(32).toString("base64url");
    return { id: `bench-bk-${n}`, email: `bench-bk-${n}@demo.example`, name: `Bench Booker ${n}`, cookie: `sid=${token}`, sessionId: createHash("sha256").update(token).digest("hex") };
  });
  const rows = (list, f) => list.map(f).join(",\n");
  const sql = [
    `INSERT INTO users (id, tenant_id, email, name, password_hash, language, tenant_role, status, email_verified_at, created_at) VALUES\n${rows(people, (p) => `(${sqlText(p.id)}, '${DEMO.tenantId}', ${sqlText(p.email)}, ${sqlText(p.name)}, NULL, 'en', 'member', 'active', ${now}, ${now})`)};`,
    `INSERT INTO sessions (id, tenant_id, user_id, created_at, expires_at) VALUES\n${rows(people, (p) => `(${sqlText(p.sessionId)}, '${DEMO.tenantId}', ${sqlText(p.id)}, ${now}, ${now + 365 * DAY})`)};`,
    `INSERT INTO plan_memberships (id, tenant_id, user_id, plan_id, status, starts_on, periods_from, created_at, confirmed_at, updated_at) VALUES\n${rows(people, (p) => `(${sqlText(`${p.id}-m`)}, '${DEMO.tenantId}', ${sqlText(p.id)}, ${sqlText(DEMO.plans.flex.id)}, 'active', '${today}', '${today}', ${now}, ${now}, ${now})`)};`,
  ].join("\n");
  const dir = mkdtempSync(join(tmpdir(), "bench-bookings-"));
  const file = join(dir, "members.sql");
  writeFileSync(file, `${sql}\n`);
  try {
    d1(join(app.stateDir, "state"), ["--file", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return people;
}

export async function signIn(app) {
  const login = await http(app.port, app.tenantHost, "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: DEMO.owner.email, password: DEMO.owner.password }) });
  if (login.status !== 200) throw new Error(`POST /api/v1/auth/login answered ${login.status}: ${login.body.slice(0, 300)}`);
  const sid = [login.headers["set-cookie"] ?? []].flat().map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean);
  if (!sid) throw new Error("no sid cookie in the login answer");
  return `sid=${sid}`;
}

export async function api(app, cookie, method, path, json, ok = [200, 201]) {
  const res = await http(app.port, app.tenantHost, path, { method, headers: { "content-type": "application/json", cookie }, body: json === undefined ? undefined : JSON.stringify(json), timeoutMs: 60_000 });
  if (!ok.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return res.body ? JSON.parse(res.body) : null;
}

export const room = (app, cookie, name, units) => api(app, cookie, "POST", "/api/v1/resources", { name, category: "Bench", units, pricePerHour: { amount: 1_000, currency: "EUR" } }).then((r) => r.resource.id);

/** Runs `jobs` with at most `inFlight` at once; answers each job's {status, ms}. */
async function pool(jobs, inFlight) {
  const out = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const t0 = performance.now();
      const res = await jobs[i]();
      out[i] = { status: res.status, body: res.status >= 300 ? res.body.slice(0, 200) : "", ms: performance.now() - t0 };
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, jobs.length) }, worker));
  return out;
}

const pct = (sorted, p) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

/** Books `slots` ([{resourceId, from, to, member}]) through POST /api/v1/bookings as each member; the figures. */
export async function bookAll(app, slots) {
  const jobs = slots.map((s) => () =>
    http(app.port, app.tenantHost, "/api/v1/bookings", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: s.member.cookie },
      body: JSON.stringify({ resourceId: s.resourceId, from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString() }),
      timeoutMs: 60_000,
    }),
  );
  const t0 = performance.now();
  const answers = await pool(jobs, IN_FLIGHT);
  const ms = Math.round(performance.now() - t0);
  const statuses = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  const lat = answers.map((a) => a.ms).sort((x, y) => x - y);
  return { ms, statuses, created: statuses[201] ?? 0, firstRefusal: answers.find((a) => a.status !== 201)?.body ?? null, latencyMs: { p50: pct(lat, 50), p99: pct(lat, 99), max: Math.round(lat[lat.length - 1] ?? 0) } };
}

/** The owner's calendar between `from` and `to` (ms), optionally of one resource. */
async function calendarItems(app, cookie, from, to, resourceId) {
  const q = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...(resourceId ? { resourceId } : {}) });
  return (await api(app, cookie, "GET", `/api/v1/bookings?${q}`)).items;
}

function cannon({ port, host, path, cookie, duration }) {
  return autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: CONNECTIONS, duration, headers: { host, ...(cookie ? { cookie } : {}) }, timeout: 10, skipAggregateResult: true });
}

/** Throughput of each target in alternating halves, with their ratio to /healthz. */
async function throughput(app, targets) {
  const names = Object.keys(targets);
  for (const name of [...names].reverse()) await cannon({ ...targets[name], port: app.port, host: app.tenantHost, duration: WARMUP });
  const half = Math.max(1, DURATION / 2);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of [...names, ...[...names].reverse()]) {
    process.stdout.write(`bench: ${name} for ${half} s ... `);
    const r = await cannon({ ...targets[name], port: app.port, host: app.tenantHost, duration: half });
    runs[name].push(r);
    console.log(`${Math.round(r.totalCompletedRequests / r.duration)} req/s`);
  }
  const out = {};
  for (const name of names) {
    const merged = autocannon.aggregateResult(runs[name], { url: `http://${app.tenantHost}${targets[name].path}`, connections: CONNECTIONS });
    const total = runs[name].reduce((n, r) => n + r.totalCompletedRequests, 0);
    const secs = runs[name].reduce((n, r) => n + r.duration, 0);
    out[name] = { path: targets[name].path, requests: total, rps: Math.round((total / secs) * 10) / 10, latencyMs: { p50: merged.latency.p50, p99: merged.latency.p99 }, non2xx: merged.non2xx, errors: merged.errors, timeouts: merged.timeouts };
  }
  for (const name of names) out[name].toHealthz = out.healthz.rps > 0 ? Math.round((out[name].rps / out.healthz.rps) * 1000) / 1000 : 0;
  return out;
}

/** The Monday 00:00 UTC of the week after next (a day in Europe/Paris too: the page's `date`). */
function weekAfterNext(now) {
  const d = new Date(now);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY;
  return monday + 14 * DAY;
}

/** Runs both parts against a started app; answers the figures. */
export async function benchBookings(app) {
  const owner = await signIn(app);
  const t0 = performance.now();
  const people = seedMembers(app);
  const seedMs = Math.round(performance.now() - t0);
  const rooms = [];
  for (let r = 0; r < ROOMS; r++) rooms.push(await room(app, owner, `Bench room ${r + 1}`, 1));

  // (a) 1,000 distinct slots: booking i is member i % 100 in room i % 10 at hour ⌊i / 10⌋ from tomorrow 00:00 UTC.
  const start = Math.ceil(Date.now() / DAY) * DAY + DAY;
  const slots = Array.from({ length: BOOKINGS }, (_, i) => ({ resourceId: rooms[i % ROOMS], member: people[i % MEMBERS], from: start + Math.floor(i / ROOMS) * HOUR, to: start + (Math.floor(i / ROOMS) + 1) * HOUR }));
  process.stdout.write(`bench: ${BOOKINGS} bookings of distinct slots by ${MEMBERS} members in ${ROOMS} rooms, ${IN_FLIGHT} in flight ... `);
  const thousand = await bookAll(app, slots);
  // Only the bench's rooms: the demo community's own bookings may fall in the same days.
  const listed = (await calendarItems(app, owner, start, start + (BOOKINGS / ROOMS) * HOUR)).filter((b) => rooms.includes(b.resource.id));
  const ids = new Set(listed.map((b) => b.id));
  const perSlot = new Set(listed.map((b) => `${b.resource.id}@${b.from}`));
  thousand.listed = listed.length;
  thousand.verified = thousand.created === BOOKINGS && listed.length === BOOKINGS && ids.size === BOOKINGS && perSlot.size === BOOKINGS;
  console.log(`${(thousand.ms / 1000).toFixed(2)} s (${JSON.stringify(thousand.statuses)}; calendar lists ${listed.length}${thousand.verified ? "" : ", NOT VERIFIED"})`);

  // (b) one room with 5 units and 500 bookings in one week (100 one-hour slots × 5).
  const weekRoom = await room(app, owner, "Bench week room", WEEK_UNITS);
  const monday = weekAfterNext(Date.now());
  const weekSlots = Array.from({ length: WEEK_BOOKINGS }, (_, i) => ({ resourceId: weekRoom, member: people[i % MEMBERS], from: monday + Math.floor(i / WEEK_UNITS) * HOUR, to: monday + (Math.floor(i / WEEK_UNITS) + 1) * HOUR }));
  process.stdout.write(`bench: ${WEEK_BOOKINGS} bookings of one ${WEEK_UNITS}-unit room in one week ... `);
  const week = await bookAll(app, weekSlots);
  const inWeek = await calendarItems(app, owner, monday, monday + 7 * DAY, weekRoom);
  console.log(`${(week.ms / 1000).toFixed(2)} s (${JSON.stringify(week.statuses)}; its week lists ${inWeek.length})`);
  if (inWeek.length !== WEEK_BOOKINGS) throw new Error(`the week of the room lists ${inWeek.length} bookings, expected ${WEEK_BOOKINGS}`);

  const viewer = people[0];
  const date = new Date(monday).toISOString().slice(0, 10);
  const apiPath = `/api/v1/bookings?${new URLSearchParams({ from: new Date(monday).toISOString(), to: new Date(monday + 7 * DAY).toISOString(), resourceId: weekRoom })}`;
  const pagePath = `/bookings?view=week&resource=${encodeURIComponent(weekRoom)}&date=${date}`;
  const asMember = await http(app.port, app.tenantHost, apiPath, { headers: { cookie: viewer.cookie } });
  if (asMember.status !== 200 || JSON.parse(asMember.body).items.length !== WEEK_BOOKINGS) throw new Error(`GET ${apiPath} as a member answered ${asMember.status} with ${asMember.status === 200 ? JSON.parse(asMember.body).items.length : "?"} items`);
  const page = await http(app.port, app.tenantHost, pagePath, { headers: { cookie: viewer.cookie } });
  const pageProblem = page.status === 200 ? null : page.status === 404 ? "GET /bookings answered 404: the calendar page (bk-pages) is not on this branch" : `GET ${pagePath} answered ${page.status}`;
  if (pageProblem) console.log(`bench: ${pageProblem}; measuring the JSON calendar only`);
  const targets = { healthz: { path: "/healthz" }, api: { path: apiPath, cookie: viewer.cookie }, ...(pageProblem ? {} : { page: { path: pagePath, cookie: viewer.cookie } }) };
  const measured = await throughput(app, targets);
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    server: app.server,
    connections: CONNECTIONS,
    secondsPerEndpoint: DURATION,
    seedMs,
    thousand,
    week: { bookings: inWeek.length, bookMs: week.ms, statuses: week.statuses, pagePath, apiPath, pageProblem, ...measured },
  };
}

/** The rows of `npm run bench`'s goals. */
export function bookingGoals(r, error) {
  const not = `not measured${error ? ` (${String(error).slice(0, 60)})` : ""}`;
  const w = r?.week;
  return [
    {
      goal: "1,000 bookings (distinct slots, 100 members) < 5 s",
      value: r ? `${(r.thousand.ms / 1000).toFixed(2)} s, ${r.thousand.created} created, p99 ${r.thousand.latencyMs.p99} ms (${IN_FLIGHT} in flight)${r.thousand.verified ? "" : " (NOT VERIFIED)"}` : not,
      pass: !!r && r.thousand.ms < BOOKING_GOALS.thousandBookingsMs && r.thousand.verified,
    },
    {
      goal: "week view, 500 bookings: page rps >= 50% of healthz",
      value: !w ? not : w.page ? `${(w.page.toHealthz * 100).toFixed(1)}% (${w.page.rps} vs ${w.healthz.rps} req/s, p99 ${w.page.latencyMs.p99} ms)` : `${w.pageProblem}`,
      pass: !!w?.page && w.page.toHealthz >= BOOKING_GOALS.weekViewVsHealthz && w.page.non2xx === 0,
    },
    {
      goal: "week, 500 bookings: GET /api/v1/bookings vs healthz",
      value: w ? `${(w.api.toHealthz * 100).toFixed(1)}% (${w.api.rps} vs ${w.healthz.rps} req/s, p99 ${w.api.latencyMs.p99} ms)` : not,
      pass: !!w && w.api.toHealthz >= BOOKING_GOALS.weekViewVsHealthz && w.api.non2xx === 0,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const server = process.env.BENCH_BOOKING_SERVER ?? "bundle";
  console.log(`bench: bookings alone on ${server}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), load ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const app = await startApp({ label: "bench-bookings", server, extraArgs: ["--log-level", "warn"] });
  try {
    const r = await benchBookings(app);
    console.log(JSON.stringify(r, null, 2));
    for (const g of bookingGoals(r, null)) console.log(`${g.pass ? "PASS" : "FAIL"}  ${g.goal}  ${g.value}`);
  } catch (err) {
    console.error(`bench failed: ${err?.stack ?? err}`);
    process.exitCode = 1;
  } finally {
    await app.stop();
  }
}
