// The group chat benchmark (issue acceptance: 100 WebSocket clients in one group, 10 of them
// sending; at least 10,000 deliveries/s with p99 under 100 ms, no message lost or duplicated).
// Run by scripts/bench.mjs against its running app, or alone: `npm run bench:chat` (builds first;
// or `npm run build` then `node scripts/bench-chat.mjs`), which starts its own app.
//
// The app must run with a higher per-user chat rate limit than the human defaults: the app is
// started with the Worker vars in CHAT_APP_ARGS (CHAT_RATE_PER_SECOND, CHAT_BURST).
//
// How: seeds CLIENTS users with sessions straight into the local D1 (`wrangler d1 execute
// --local --persist-to` on the running app's state: no PBKDF2 per account), each joins the open
// group `makers` through POST /api/v1/groups/makers/join, then all open
// GET /api/v1/groups/makers/chat (WebSocket, `ws` package, Host demo.localhost:<port>, the
// session cookie and the page's own Origin, no compression unless BENCH_CHAT_DEFLATE=1) and wait
// for their history. An idle "ping" RTT baseline, a warm-up, then the target stage: SENDERS of the
// clients send {type:"message", text, nonce} at a steady total of RATE messages/s for DURATION
// seconds; every message goes to all CLIENTS (the sender included), so the offered load is
// RATE × CLIENTS deliveries/s. Each text carries its stage, a global index, the sender, the
// sender's sequence number and the send time (this process's clock); every client counts each
// message it receives (duplicates, out of order per sender) and its latency (receive time − send
// time). Meanwhile a few non-sending clients send "ping" (answered "pong" by the runtime without
// waking the Durable Object): the same-run baseline for latency. Then the same at 2× the rate
// (headroom, not a goal). Then a reconnect check: one client disconnects, 20 messages are sent,
// it reconnects with ?since=<the last id it saw> and must get exactly those 20, in order.
//
// Environment: BENCH_CHAT_CLIENTS (100), BENCH_CHAT_SENDERS (10), BENCH_CHAT_RATE (messages/s in
// total, 100), BENCH_CHAT_DURATION (seconds per stage, 10), BENCH_CHAT_WARMUP (seconds, 3),
// BENCH_CHAT_DEFLATE (1 to offer permessage-deflate like a browser; default off).
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { ROOT, http, startApp } from "../web/e2e/server.mjs";

const CLIENTS = Number(process.env.BENCH_CHAT_CLIENTS ?? 100);
const SENDERS = Number(process.env.BENCH_CHAT_SENDERS ?? 10);
const RATE = Number(process.env.BENCH_CHAT_RATE ?? 100);
const DURATION = Number(process.env.BENCH_CHAT_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_CHAT_WARMUP ?? 3);
const DEFLATE = process.env.BENCH_CHAT_DEFLATE === "1";
const GROUP = "makers";
const TENANT_ID = "demo-tenant";
const RECONNECT_MESSAGES = 20;
const STRAGGLER_MS = 5_000;
const PINGERS = Math.min(10, Math.max(0, CLIENTS - SENDERS));
const PING_EVERY_MS = 100; // per pinging client
const CONNECT_IN_FLIGHT = 20;
const OUT = join(ROOT, "artifacts", "bench-chat.json");

// The per-user limit must not be what is measured: 2.5× the per-sender rate of the 2× stage.
const perSenderMax = (2 * RATE) / SENDERS;
const CHAT_RATE_PER_SECOND = Math.max(50, Math.ceil(perSenderMax * 2.5));
const CHAT_BURST = Math.max(100, 2 * CHAT_RATE_PER_SECOND, RECONNECT_MESSAGES * 2);
/** Extra `wrangler dev` arguments the app needs for this benchmark (startApp extraArgs). */
export const CHAT_APP_ARGS = ["--var", `CHAT_RATE_PER_SECOND:${CHAT_RATE_PER_SECOND}`, "--var", `CHAT_BURST:${CHAT_BURST}`];
export const CHAT_GOALS = { deliveriesPerSecond: 10_000, p99Ms: 100 };

class ChatBenchError extends Error {}
const fail = (message) => {
  throw new ChatBenchError(message);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sqlText = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** Percentiles of a typed array (sorted in place). */
function percentiles(arr) {
  const a = arr.sort();
  const n = a.length;
  const q = (p) => (n ? round(a[Math.min(n - 1, Math.floor(p * n))], 2) : null);
  return { n, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: n ? round(a[n - 1], 2) : null };
}

// ---------------------------------------------------------------------------------------------
// Members: users + sessions seeded into the local D1, then each joins the group through the API.

function d1Execute(persistTo, args) {
  const bin = join(ROOT, "node_modules", ".bin");
  const res = spawnSync(join(bin, "wrangler"), ["d1", "execute", "DB", "--local", "--persist-to", persistTo, ...args], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false", CI: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) fail(`wrangler d1 execute ${args.join(" ").slice(0, 100)} failed (${res.status ?? res.signal}):\n${`${res.stderr}\n${res.stdout}`.trim().split("\n").slice(-10).join("\n")}`);
  return res.stdout;
}

async function seedMembers(app, count) {
  const persistTo = join(app.stateDir, "state");
  const hashJson = d1Execute(persistTo, ["--command", "select password_hash from users where id='demo-member'", "--json"]);
  const passwordHash = JSON.parse(hashJson)?.[0]?.results?.[0]?.password_hash;
  if (!passwordHash) fail(`no password_hash for demo-member: ${hashJson.slice(0, 300)}`);
  const now = Date.now();
  const label = `chat${randomBytes(3).toString("hex")}`; // fresh users even if run twice on one state
  const people = Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(4, "0");
    const token = randomBytes(32).toString("base64url");
    return { index: i, id: `bench-${label}-${n}`, email: `bench-${label}-${n}@demo.example`, name: `Bench ${label} ${n}`, token, sessionId: createHash("sha256").update(token).digest("hex") };
  });
  const statements = [];
  for (let i = 0; i < people.length; i += 100) {
    const chunk = people.slice(i, i + 100);
    statements.push(
      `INSERT INTO users (id, tenant_id, email, name, password_hash, language, tenant_role, status, email_verified_at, created_at) VALUES\n${chunk
        .map((p) => `(${sqlText(p.id)}, '${TENANT_ID}', ${sqlText(p.email)}, ${sqlText(p.name)}, ${sqlText(passwordHash)}, 'en', 'member', 'active', ${now}, ${now})`)
        .join(",\n")};`,
      `INSERT INTO sessions (id, tenant_id, user_id, created_at, expires_at) VALUES\n${chunk
        .map((p) => `(${sqlText(p.sessionId)}, '${TENANT_ID}', ${sqlText(p.id)}, ${now}, ${now + 24 * 3600 * 1000})`)
        .join(",\n")};`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-chat-seed-"));
  try {
    writeFileSync(join(dir, "members.sql"), `${statements.join("\n")}\n`);
    d1Execute(persistTo, ["--file", join(dir, "members.sql")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Join through the API (16 in flight), so membership takes the app's own path.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, people.length) }, async () => {
      while (next < people.length) {
        const p = people[next++];
        const res = await http(app.port, app.tenantHost, `/api/v1/groups/${GROUP}/join`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: `sid=${p.token}` },
          body: JSON.stringify({ answers: {} }),
          timeoutMs: 30_000,
        });
        if (res.status !== 200 || JSON.parse(res.body).status !== "member") fail(`${p.id} joining ${GROUP} answered ${res.status}: ${res.body.slice(0, 200)}`);
      }
    }),
  );
  return people;
}

// ---------------------------------------------------------------------------------------------
// Stages: what was sent, and what each client received.

const PREFIX = "bench:";

function newStage(tag, capacity, clientCount) {
  return {
    tag,
    cap: capacity,
    sent: 0,
    sendAt: new Float64Array(capacity),
    senderOf: new Int16Array(capacity),
    seqOf: new Int32Array(capacity),
    accepted: new Uint8Array(capacity), // the sender got its own message back with its nonce
    ids: new Array(capacity).fill(null),
    counts: new Uint8Array(capacity * clientCount), // [g * clients + client]
    lastSeq: new Int32Array(clientCount * SENDERS).fill(-1),
    latency: new Float64Array(capacity * clientCount),
    latN: 0,
    unique: 0,
    duplicates: 0,
    outOfOrder: 0,
    idMismatch: 0,
    nonceMismatch: 0,
    firstSend: null,
    lastSend: null,
    firstDelivery: null,
    lastDelivery: null,
    interval: 0, // ms between two sends of the stage, all senders together
    sending: false,
    inWindow: 0, // unique deliveries received before the send window closed
    sendLag: [],
    pings: [],
    errors: {},
    errorSamples: [],
  };
}

/** All the state of one benchmark run; one message handler per client, no per-message logging. */
function createHarness(app, people) {
  const stages = new Map();
  const clients = [];
  const unexpectedCloses = [];
  const other = { history: 0, presence: 0, presenceBytes: 0, typing: 0, other: 0, foreign: 0, badFrames: 0, errorsOutsideStages: {} };
  let current = null; // stage receiving error events and pings

  function onChat(c, ev, now) {
    const m = ev.message;
    if (!m || typeof m.text !== "string") {
      other.badFrames++;
      return;
    }
    c.lastId = m.id;
    if (c.collect) c.collect.push({ id: m.id, text: m.text, live: true });
    const text = m.text;
    if (!text.startsWith(PREFIX)) {
      other.foreign++;
      return;
    }
    // bench:<tag> <g> <sender> <seq> <sentAt>
    const parts = text.split(" ");
    const st = stages.get(parts[0].slice(PREFIX.length));
    if (!st) {
      other.foreign++;
      return;
    }
    const g = Number(parts[1]);
    const s = Number(parts[2]);
    const seq = Number(parts[3]);
    if (!(g >= 0 && g < st.sent)) {
      other.foreign++;
      return;
    }
    if (st.ids[g] === null) st.ids[g] = m.id;
    else if (st.ids[g] !== m.id) st.idMismatch++;
    if (ev.nonce !== undefined && c.index === s) {
      if (ev.nonce === `${st.tag}-${g}`) st.accepted[g] = 1;
      else st.nonceMismatch++;
    }
    const k = g * clients.length + c.index;
    if (st.counts[k]++ === 0) {
      st.unique++;
      st.latency[st.latN++] = now - st.sendAt[g];
      if (st.firstDelivery === null) st.firstDelivery = now;
      st.lastDelivery = now;
      if (st.sending || now <= st.lastSend + st.interval) st.inWindow++;
      const ks = c.index * SENDERS + s;
      if (seq < st.lastSeq[ks]) st.outOfOrder++;
      else st.lastSeq[ks] = seq;
    } else {
      st.duplicates++;
      if (st.counts[k] === 255) st.counts[k] = 254;
    }
  }

  function onFrame(c, data, isBinary) {
    const now = performance.now();
    if (!isBinary && data.length === 4 && data.toString() === "pong") {
      const sentAt = c.pingsOut.shift();
      if (sentAt !== undefined && c.pingSink) c.pingSink.push(now - sentAt);
      return;
    }
    let ev;
    try {
      ev = JSON.parse(data);
    } catch {
      other.badFrames++;
      return;
    }
    switch (ev.type) {
      case "message":
        onChat(c, ev, now);
        break;
      case "history":
        other.history++;
        c.historyFrames++;
        if (c.collect) for (const m of ev.messages ?? []) c.collect.push({ id: m.id, text: m.text, live: false });
        if (c.historyAt === null) {
          c.historyAt = now;
          c.onHistory?.();
        }
        break;
      case "presence":
        other.presence++;
        other.presenceBytes += data.length;
        break;
      case "typing":
        other.typing++;
        break;
      case "error": {
        const bucket = current ? current.errors : other.errorsOutsideStages;
        bucket[ev.code] = (bucket[ev.code] ?? 0) + 1;
        if (current && current.errorSamples.length < 5) current.errorSamples.push({ client: c.index, ...ev });
        break;
      }
      default:
        other.other++;
    }
  }

  function connect(c, query = "") {
    const origin = `http://${app.tenantHost}`;
    c.historyAt = null;
    c.historyFrames = 0;
    c.pingsOut = [];
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${app.port}/api/v1/groups/${GROUP}/chat${query}`, {
        headers: { host: app.tenantHost, cookie: `sid=${c.person.token}` },
        origin,
        perMessageDeflate: DEFLATE,
        skipUTF8Validation: true,
        handshakeTimeout: 20_000,
      });
      c.ws = ws;
      let settled = false;
      const timer = setTimeout(() => done(new ChatBenchError(`client ${c.index}: no history within 30 s of connecting`)), 30_000);
      function done(err) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        c.onHistory = null;
        if (err) {
          ws.terminate();
          reject(err);
        } else resolve();
      }
      c.onHistory = () => {
        c.connectMs = c.historyAt - t0;
        done();
      };
      ws.on("open", () => (c.openMs = performance.now() - t0));
      ws.on("message", (data, isBinary) => onFrame(c, data, isBinary));
      ws.on("unexpected-response", (_req, res) => {
        const chunks = [];
        res.on("data", (d) => chunks.push(d));
        res.on("end", () => done(new ChatBenchError(`client ${c.index}: GET /api/v1/groups/${GROUP}/chat answered ${res.statusCode} instead of 101: ${Buffer.concat(chunks).toString().slice(0, 200)}`)));
      });
      ws.on("error", (err) => done(new ChatBenchError(`client ${c.index}: ${err.message}`)));
      ws.on("close", (code, reason) => {
        if (!c.closing) unexpectedCloses.push({ client: c.index, code, reason: reason.toString().slice(0, 100), during: current?.tag ?? null });
        done(new ChatBenchError(`client ${c.index}: closed (${code}) before its history`));
      });
    });
  }

  function close(c) {
    c.closing = true;
    return new Promise((resolve) => {
      if (c.ws.readyState === WebSocket.CLOSED) return resolve();
      const t = setTimeout(() => {
        c.ws.terminate();
        resolve();
      }, 3_000);
      c.ws.once("close", () => {
        clearTimeout(t);
        resolve();
      });
      c.ws.close(1000, "bench done");
    });
  }

  for (const person of people) clients.push({ index: person.index, person, ws: null, lastId: null, collect: null, pingsOut: [], pingSink: null, closing: false });

  function send(c, st, s, seq) {
    const g = st.sent++;
    const now = performance.now();
    st.sendAt[g] = now;
    st.senderOf[g] = s;
    st.seqOf[g] = seq;
    if (st.firstSend === null) st.firstSend = now;
    st.lastSend = now;
    c.ws.send(JSON.stringify({ type: "message", text: `${PREFIX}${st.tag} ${g} ${s} ${seq} ${now.toFixed(2)}`, nonce: `${st.tag}-${g}` }));
    return now;
  }

  /** SENDERS clients send `rate` messages/s in total, evenly spread, for `seconds`; pings meanwhile. */
  async function runStage(tag, rate, seconds, { pingers = PINGERS, expectClients = clients.length } = {}) {
    const perSender = rate / SENDERS;
    const perSenderCount = Math.max(1, Math.round(perSender * seconds));
    const st = newStage(tag, perSenderCount * SENDERS, clients.length);
    stages.set(tag, st);
    current = st;
    const interval = 1000 / perSender;
    st.interval = interval / SENDERS;
    st.sending = true;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    const serverCpu0 = groupCpuSeconds(app.pid);
    const machine0 = machineCpuSeconds();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    loop.enable();
    // Pings from non-sending clients, one outstanding each.
    const pingClients = clients.slice(SENDERS, SENDERS + pingers);
    for (const c of pingClients) {
      c.pingSink = st.pings;
      c.pingsOut = [];
    }
    let pinging = true;
    const pingTimers = pingClients.map((c, i) =>
      setTimeout(function ping() {
        if (!pinging) return;
        if (c.pingsOut.length === 0 && c.ws.readyState === WebSocket.OPEN) {
          c.pingsOut.push(performance.now());
          c.ws.send("ping");
        }
        pingTimers[i] = setTimeout(ping, PING_EVERY_MS);
      }, (i * PING_EVERY_MS) / Math.max(1, pingers)),
    );
    const start = performance.now() + 20;
    await Promise.all(
      clients.slice(0, SENDERS).map(
        (c, s) =>
          new Promise((resolve) => {
            let k = 0;
            const due = (j) => start + (s * interval) / SENDERS + j * interval;
            const tick = () => {
              const now = performance.now();
              while (k < perSenderCount && due(k) <= now) {
                const at = send(c, st, s, k);
                st.sendLag.push(at - due(k));
                k++;
              }
              if (k >= perSenderCount) return resolve();
              setTimeout(tick, Math.max(0, due(k) - performance.now()));
            };
            setTimeout(tick, Math.max(0, due(0) - performance.now()));
          }),
      ),
    );
    const sendWindowEnd = performance.now();
    st.sending = false;
    // Stragglers: until every expected delivery arrived, at most STRAGGLER_MS.
    const expected = st.sent * expectClients;
    while (st.unique < expected && performance.now() - sendWindowEnd < STRAGGLER_MS) await sleep(10);
    pinging = false;
    for (const t of pingTimers) clearTimeout(t);
    for (const c of pingClients) c.pingSink = null;
    loop.disable();
    const wall = (performance.now() - wall0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const server = cpuBetween(serverCpu0, groupCpuSeconds(app.pid), wall);
    const machine1 = machineCpuSeconds();
    const harnessPercent = ((cpu.user + cpu.system) / 1e6 / wall) * 100;
    // Everything the machine did in the stage, in % of one core, and what neither harness nor app did.
    const machineBusy = machine0 && machine1 ? ((machine1.busy - machine0.busy) / wall) * 100 : null;
    st.resources = {
      wallSeconds: round(wall, 2),
      harnessCpuPercent: round(harnessPercent),
      serverCpuPercent: server.total,
      machineBusyPercent: machineBusy === null ? null : round(machineBusy),
      otherProcessesPercent: machineBusy === null || server.total === null ? null : round(Math.max(0, machineBusy - harnessPercent - server.total)),
      serverProcesses: server.processes,
      eventLoopDelayMs: { p50: round(loop.percentile(50) / 1e6, 2), p99: round(loop.percentile(99) / 1e6, 2), max: round(loop.max / 1e6, 2) },
      loadavg: loadavg().map((x) => round(x, 2)),
    };
    current = null;
    return st;
  }

  return { clients, stages, other, unexpectedCloses, connect, close, runStage, send, setCurrent: (st) => (current = st) };
}

/** CPU seconds (user + system) of each process in the app's process group, from /proc: Map pid -> {name, seconds}; null if unavailable. */
function groupCpuSeconds(pgid) {
  try {
    const out = new Map();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${name}/stat`, "utf8");
      } catch {
        continue;
      }
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // pgrp
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      out.set(name, { name: comm, seconds: (Number(fields[11]) + Number(fields[12])) / 100 }); // utime + stime, USER_HZ
    }
    return out;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat; null if unavailable. */
function machineCpuSeconds() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0); // idle + iowait
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return null;
  }
}

/** Per-process and total CPU use between two groupCpuSeconds() readings, in % of one core. */
function cpuBetween(before, after, wallSeconds) {
  if (!before || !after) return { total: null, processes: [] };
  const processes = [];
  for (const [pid, a] of after) {
    const used = a.seconds - (before.get(pid)?.seconds ?? 0);
    if (used > 0) processes.push({ pid: Number(pid), name: a.name, percent: round((used / wallSeconds) * 100) });
  }
  processes.sort((x, y) => y.percent - x.percent);
  return { total: round(processes.reduce((n, p) => n + p.percent, 0)), processes };
}

/** Who is missing what, once a stage is over (counts per client and message). */
function summarize(st, clientCount, { excludeClient = -1, rate, seconds } = {}) {
  let lost = 0;
  let lostMessages = 0;
  const lostByClient = new Map();
  for (let g = 0; g < st.sent; g++) {
    let missing = 0;
    for (let c = 0; c < clientCount; c++) {
      if (c === excludeClient) continue;
      if (st.counts[g * clientCount + c] === 0) {
        missing++;
        lostByClient.set(c, (lostByClient.get(c) ?? 0) + 1);
      }
    }
    lost += missing;
    if (missing) lostMessages++;
  }
  let notAccepted = 0;
  for (let g = 0; g < st.sent; g++) if (!st.accepted[g]) notAccepted++;
  const expected = st.sent * (clientCount - (excludeClient >= 0 ? 1 : 0));
  // The send window as scheduled: N messages at one every `interval` ms take N × interval. (When the
  // harness sends late, the actual span is longer: reported, and a problem past 1%.)
  const window = st.sent ? (st.sent * st.interval) / 1000 : null;
  const actualWindow = st.sent ? (st.lastSend - st.firstSend + st.interval) / 1000 : null;
  const latency = percentiles(st.latency.subarray(0, st.latN));
  const pings = percentiles(Float64Array.from(st.pings));
  const lag = percentiles(Float64Array.from(st.sendLag));
  return {
    stage: st.tag,
    offeredMessagesPerSecond: rate,
    offeredDeliveriesPerSecond: rate * (clientCount - (excludeClient >= 0 ? 1 : 0)),
    seconds,
    sent: st.sent,
    echoedWithNonce: st.sent - notAccepted,
    expectedDeliveries: expected,
    delivered: st.unique,
    lost,
    messagesLostSomewhere: lostMessages,
    clientsMissingSomething: lostByClient.size,
    duplicated: st.duplicates,
    outOfOrder: st.outOfOrder,
    idMismatch: st.idMismatch,
    nonceMismatch: st.nonceMismatch,
    // Unique deliveries over the time from the first send to the last delivery.
    // Unique deliveries over the send window; inWindow: only those received before it closed.
    deliveriesPerSecond: window ? round(st.unique / window) : 0,
    inWindowPerSecond: window ? round(st.inWindow / window) : 0,
    sendWindowSeconds: window ? round(window, 3) : null,
    actualSendWindowSeconds: actualWindow ? round(actualWindow, 3) : null,
    // Last delivery after the last send: how long the room took to drain what it was offered.
    drainMs: st.lastDelivery !== null ? round(st.lastDelivery - st.lastSend, 2) : null,
    latencyMs: latency,
    pingRttMs: pings,
    p99VsPing: pings.p99 ? round(latency.p99 / pings.p99, 1) : null,
    sendLagMs: { p99: lag.p99, max: lag.max },
    errors: st.errors,
    errorSamples: st.errorSamples,
    resources: st.resources,
  };
}

// ---------------------------------------------------------------------------------------------

/** Runs the chat benchmark against a running app (started with CHAT_APP_ARGS). */
export async function benchChat(app, { log = (line) => console.log(line) } = {}) {
  if (SENDERS > CLIENTS) fail(`BENCH_CHAT_SENDERS (${SENDERS}) > BENCH_CHAT_CLIENTS (${CLIENTS})`);
  const out = {
    config: {
      clients: CLIENTS,
      senders: SENDERS,
      rate: RATE,
      seconds: DURATION,
      warmupSeconds: WARMUP,
      group: GROUP,
      pingClients: PINGERS,
      pingEveryMs: PING_EVERY_MS,
      permessageDeflate: DEFLATE,
      client: "ws (Node) in this process",
      appVars: { CHAT_RATE_PER_SECOND, CHAT_BURST },
      cpus: cpus().length,
      loadavgAtStart: loadavg().map((x) => round(x, 2)),
    },
  };
  let t0 = performance.now();
  const people = await seedMembers(app, CLIENTS);
  out.seedAndJoinMs = Math.round(performance.now() - t0);
  log(`bench chat: ${CLIENTS} users seeded and joined ${GROUP} in ${out.seedAndJoinMs} ms; connecting ${CLIENTS} WebSockets (${CONNECT_IN_FLIGHT} at a time) ...`);

  const h = createHarness(app, people);
  try {
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECT_IN_FLIGHT }, async () => {
        while (next < h.clients.length) await h.connect(h.clients[next++]);
      }),
    );
    const connectMs = percentiles(Float64Array.from(h.clients.map((c) => c.connectMs)));
    out.connect = { allMs: Math.round(performance.now() - t0), toHistoryMs: connectMs, historyFrames: h.other.history };
    await sleep(1_000); // presence traffic of the connections settles
    out.connect.presenceFrames = h.other.presence;
    out.connect.presenceBytes = h.other.presenceBytes;
    log(
      `bench chat: ${CLIENTS} connected with history in ${out.connect.allMs} ms (to history p50 ${connectMs.p50} ms, p99 ${connectMs.p99} ms); ${h.other.presence} presence frames (${Math.round(h.other.presenceBytes / 1024)} KiB) received`,
    );

    // Idle baseline: pings only.
    const idle = newStage("idle", 1, CLIENTS);
    h.setCurrent(idle);
    const pingers = h.clients.slice(SENDERS, SENDERS + PINGERS);
    for (let i = 0; i < 20; i++) {
      for (const c of pingers) {
        c.pingSink = idle.pings;
        c.pingsOut.push(performance.now());
        c.ws.send("ping");
      }
      await sleep(PING_EVERY_MS);
    }
    for (const c of pingers) c.pingSink = null;
    h.setCurrent(null);
    out.idlePingRttMs = percentiles(Float64Array.from(idle.pings));

    if (WARMUP > 0) {
      log(`bench chat: warm-up, ${RATE} messages/s for ${WARMUP} s ...`);
      const w = await h.runStage("warmup", RATE, WARMUP);
      out.warmup = summarize(w, CLIENTS, { rate: RATE, seconds: WARMUP });
    }
    out.stages = [];
    for (const [tag, rate] of [
      ["target", RATE],
      ["double", 2 * RATE],
    ]) {
      await sleep(1_000);
      if (h.unexpectedCloses.length) break; // reported in problems; the figures would mean nothing
      const line = `bench chat: ${tag}: ${SENDERS} senders, ${rate} messages/s to ${CLIENTS} clients (${(rate * CLIENTS).toLocaleString("en")} deliveries/s offered) for ${DURATION} s ... `;
      const st = await h.runStage(tag, rate, DURATION);
      const s = summarize(st, CLIENTS, { rate, seconds: DURATION });
      out.stages.push(s);
      log(
        `${line}${s.deliveriesPerSecond.toLocaleString("en")} deliveries/s (${s.inWindowPerSecond.toLocaleString("en")}/s within the window, drained ${s.drainMs} ms after), p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms; lost ${s.lost}, duplicated ${s.duplicated}; ping p99 ${s.pingRttMs.p99} ms`,
      );
    }

    // Reconnect: one client away, RECONNECT_MESSAGES sent, back with ?since=<last id it saw>.
    await sleep(500);
    if (!h.unexpectedCloses.length) out.reconnect = await reconnectCheck(h);
    if (out.reconnect) log(
      `bench chat: reconnect with ?since=: ${out.reconnect.received}/${RECONNECT_MESSAGES} missed messages back${out.reconnect.inOrder ? " in order" : " OUT OF ORDER"}, ${out.reconnect.duplicated} duplicated, ${out.reconnect.extra} others`,
    );
  } finally {
    out.unexpectedCloses = h.unexpectedCloses;
    out.otherFrames = { ...h.other };
    await Promise.all(h.clients.filter((c) => c.ws).map((c) => h.close(c)));
  }
  out.config.loadavgAtEnd = loadavg().map((x) => round(x, 2));
  out.problems = problemsOf(out);
  return out;
}

async function reconnectCheck(h) {
  const away = h.clients[h.clients.length - 1];
  const sender = h.clients[0];
  const lastId = away.lastId;
  if (!lastId) fail(`client ${away.index} saw no message before the reconnect check`);
  await h.close(away);
  away.closing = false;
  const st = newStage("reconnect", RECONNECT_MESSAGES, h.clients.length);
  h.stages.set("reconnect", st);
  h.setCurrent(st);
  for (let i = 0; i < RECONNECT_MESSAGES; i++) {
    h.send(sender, st, 0, i);
    await sleep(5);
  }
  // Stored before broadcast: once the sender has its own 20 back, they are all stored.
  const deadline = performance.now() + STRAGGLER_MS;
  while (st.accepted.reduce((a, b) => a + b, 0) < RECONNECT_MESSAGES && performance.now() < deadline) await sleep(10);
  const echoed = st.accepted.reduce((a, b) => a + b, 0);
  away.collect = [];
  await h.connect(away, `?since=${encodeURIComponent(lastId)}`);
  await sleep(1_000); // history may come in several frames; live messages after it
  h.setCurrent(null);
  const got = away.collect;
  away.collect = null;
  const wanted = st.ids.slice(0, st.sent);
  const mine = got.filter((m) => m.text.startsWith(`${PREFIX}reconnect `));
  const seen = new Set();
  let duplicated = 0;
  for (const m of mine) {
    if (seen.has(m.id)) duplicated++;
    seen.add(m.id);
  }
  const received = wanted.filter((id) => id && seen.has(id)).length;
  const order = mine.map((m) => Number(m.text.split(" ")[1]));
  const inOrder = order.every((g, i) => i === 0 || g > order[i - 1]);
  const others = summarize(st, h.clients.length, { excludeClient: away.index, rate: null, seconds: null });
  return {
    sinceId: lastId,
    sent: st.sent,
    echoed,
    received,
    duplicated,
    inOrder,
    extra: got.length - mine.length,
    fromHistory: mine.filter((m) => !m.live).length,
    live: mine.filter((m) => m.live).length,
    othersLost: others.lost,
    othersDuplicated: others.duplicated,
    pass: echoed === RECONNECT_MESSAGES && received === RECONNECT_MESSAGES && mine.length === RECONNECT_MESSAGES && inOrder && got.length === mine.length,
  };
}

function problemsOf(out) {
  const problems = [];
  for (const s of [out.warmup, ...(out.stages ?? [])].filter(Boolean)) {
    const errs = Object.entries(s.errors);
    if (errs.length) problems.push(`${s.stage}: error events ${errs.map(([k, v]) => `${k}×${v}`).join(", ")}${s.errors.rate_limited ? " (rate_limited: the app's CHAT_* vars are too low for the harness)" : ""}`);
    if (s.echoedWithNonce !== s.sent) problems.push(`${s.stage}: ${s.sent - s.echoedWithNonce} of ${s.sent} sent messages never came back to their sender with its nonce`);
    if (s.outOfOrder || s.idMismatch || s.nonceMismatch) problems.push(`${s.stage}: ${s.outOfOrder} out of order, ${s.idMismatch} id mismatches, ${s.nonceMismatch} nonce mismatches`);
    if (s.actualSendWindowSeconds > s.sendWindowSeconds * 1.01) problems.push(`${s.stage}: the harness took ${s.actualSendWindowSeconds} s to send what was scheduled over ${s.sendWindowSeconds} s: it offered less than the rate`);
    if (s.resources?.eventLoopDelayMs.p99 > 20) problems.push(`${s.stage}: the harness's event loop lagged (p99 ${s.resources.eventLoopDelayMs.p99} ms): latencies include harness delay`);
  }
  const busy = (out.stages ?? []).find((s) => s.resources?.otherProcessesPercent > 25);
  if (busy) problems.push(`other processes used ${busy.resources.otherProcessesPercent}% of a core during ${busy.stage}: the machine was not quiet, latencies include waiting for a CPU`);
  if (out.unexpectedCloses?.length) {
    const c = out.unexpectedCloses;
    problems.push(
      `${c.length} sockets closed by the server (codes ${[...new Set(c.map((x) => x.code))].join(", ")}, first during ${c[0].during ?? "no stage"}); the stages after it were not run. Code 1006 from every socket at once: wrangler dev reloads the Worker when a source file changes; run on a tree nobody is editing`,
    );
  }
  if (Object.keys(out.otherFrames?.errorsOutsideStages ?? {}).length) problems.push(`error events outside the stages: ${JSON.stringify(out.otherFrames.errorsOutsideStages)}`);
  if (out.otherFrames?.badFrames) problems.push(`${out.otherFrames.badFrames} frames that were not JSON events`);
  return problems;
}

/** PASS/FAIL lines, in the shape scripts/bench.mjs prints. */
export function chatGoals(result, error = null) {
  const t = result?.stages?.find((s) => s.stage === "target");
  const na = `not measured${error ? ` (${String(error).split("\n")[0].slice(0, 60)})` : ""}`;
  return [
    {
      goal: `chat: >= ${CHAT_GOALS.deliveriesPerSecond.toLocaleString("en")} deliveries/s, ${CLIENTS} clients`, value: t ? `${t.deliveriesPerSecond.toLocaleString("en")}/s over ${t.sendWindowSeconds} s, drained +${Math.round(t.drainMs)} ms${t.lost ? `, ${t.lost} lost` : ""}` : na,
      pass: !!t && t.deliveriesPerSecond >= CHAT_GOALS.deliveriesPerSecond && t.lost === 0,
    },
    { goal: `chat: delivery p99 < ${CHAT_GOALS.p99Ms} ms`, value: t ? `${t.latencyMs.p99} ms (ping p99 ${t.pingRttMs.p99} ms)` : na, pass: !!t && t.latencyMs.p99 < CHAT_GOALS.p99Ms },
    { goal: "chat: no delivery lost", value: t ? `${t.lost} lost of ${t.expectedDeliveries.toLocaleString("en")}` : na, pass: !!t && t.lost === 0 && t.echoedWithNonce === t.sent },
    { goal: "chat: no delivery duplicated", value: t ? `${t.duplicated} duplicated` : na, pass: !!t && t.duplicated === 0 && t.idMismatch === 0 },
    {
      goal: `chat: ?since= reconnect: the ${RECONNECT_MESSAGES} missed, in order`,
      value: result?.reconnect ? `${result.reconnect.received}/${RECONNECT_MESSAGES}, ${result.reconnect.duplicated} dup., ${result.reconnect.extra} other, ${result.reconnect.inOrder ? "in order" : "OUT OF ORDER"}` : na,
      pass: !!result?.reconnect?.pass,
    },
  ];
}

/** The human-readable part of the summary. */
export function chatSummary(result, error = null) {
  if (!result) return `  Group chat: not measured: ${error}`;
  const c = result.config;
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  const rows = [result.warmup, ...(result.stages ?? [])].filter(Boolean).map(
    (s) =>
      `  ${pad(s.stage, 8)}${lpad(s.offeredMessagesPerSecond, 6)}${lpad(s.deliveriesPerSecond.toLocaleString("en"), 10)}${lpad(s.inWindowPerSecond.toLocaleString("en"), 11)}${lpad(Math.round(s.drainMs), 7)}${lpad(s.latencyMs.p50, 8)}${lpad(s.latencyMs.p99, 8)}${lpad(s.latencyMs.max, 9)}${lpad(s.pingRttMs.p50, 8)}${lpad(s.pingRttMs.p99, 8)}${lpad(`${s.delivered}/${s.expectedDeliveries}`, 15)}${lpad(s.lost, 6)}${lpad(s.duplicated, 6)}${lpad(s.outOfOrder, 6)}${lpad(Object.values(s.errors).reduce((a, b) => a + b, 0), 5)}`,
  );
  const r = result.reconnect;
  const t = result.stages?.find((x) => x.stage === "target");
  return `  Group chat (${c.clients} WebSocket clients in ${c.group}, ${c.senders} sending; ${c.seconds} s per stage; ${c.cpus} CPUs shared by clients and server; load average at start ${c.loadavgAtStart.join(" ")})
  app started with --var CHAT_RATE_PER_SECOND:${c.appVars.CHAT_RATE_PER_SECOND} --var CHAT_BURST:${c.appVars.CHAT_BURST} (per-user limit above the harness's rate); client: ${c.client}, permessage-deflate ${c.permessageDeflate ? "on" : "off"}
  connect: ${c.clients} sockets to history in ${result.connect.allMs} ms (each p50 ${result.connect.toHistoryMs.p50} ms, p99 ${result.connect.toHistoryMs.p99} ms); ${result.connect.presenceFrames} presence frames, ${Math.round(result.connect.presenceBytes / 1024)} KiB
  idle ping RTT p50 ${result.idlePingRttMs.p50} ms, p99 ${result.idlePingRttMs.p99} ms (${result.idlePingRttMs.n} pings)

  ${pad("stage", 8)}${lpad("msg/s", 6)}${lpad("deliv./s", 10)}${lpad("in window", 11)}${lpad("drain", 7)}${lpad("p50 ms", 8)}${lpad("p99 ms", 8)}${lpad("max ms", 9)}${lpad("ping50", 8)}${lpad("ping99", 8)}${lpad("delivered", 15)}${lpad("lost", 6)}${lpad("dup", 6)}${lpad("order", 6)}${lpad("err", 5)}
${rows.join("\n")}
  deliv./s = unique deliveries ÷ send window (as scheduled: equals the offered rate when none is lost); in window = only those received before it closed;
  drain = ms from the last send to the last delivery (a room that keeps up drains at once); latency = receive − send on one clock; ping = "ping" answered "pong" by the runtime
  CPU, % of one core (${c.cpus} cores = ${c.cpus * 100}%), harness / app / other processes: ${[result.warmup, ...(result.stages ?? [])]
    .filter(Boolean)
    .map((s) => `${s.stage} ${s.resources.harnessCpuPercent} / ${s.resources.serverCpuPercent ?? "?"} / ${s.resources.otherProcessesPercent ?? "?"}`)
    .join(", ")}
${t ? `  target: p99 delivery / p99 ping ${t.p99VsPing ?? "?"}×; send lag p99 ${t.sendLagMs.p99} ms; harness event loop delay p99 ${t.resources.eventLoopDelayMs.p99} ms; load average after ${t.resources.loadavg.join(" ")}
  target: server CPU by process (% of a core) ${t.resources.serverProcesses.map((p) => `${p.name} ${p.pid} ${p.percent}%`).join(", ") || "?"}\n` : ""}  reconnect: ${r ? `${r.received}/${r.sent} back after ?since= (${r.fromHistory} in history, ${r.live} live), ${r.duplicated} duplicated, ${r.extra} other messages, ${r.inOrder ? "in order" : "OUT OF ORDER"}; the ${c.clients - 1} others: ${r.othersLost} lost, ${r.othersDuplicated} duplicated` : "not run"}${
    result.problems.length ? `\n${result.problems.map((p) => `  problem: ${p}`).join("\n")}` : ""
  }`;
}

// ---------------------------------------------------------------------------------------------
// Alone: `node scripts/bench-chat.mjs` (after `npm run build`).

async function main() {
  console.log(`bench chat: starting the app (isolated state, ${CHAT_APP_ARGS.join(" ")}), ${cpus().length} CPUs`);
  const app = await startApp({ label: "bench-chat", extraArgs: ["--log-level", "warn", ...CHAT_APP_ARGS] });
  let result = null;
  let error = null;
  try {
    result = await benchChat(app);
  } catch (err) {
    error = err instanceof ChatBenchError ? err.message : String(err?.stack ?? err);
  } finally {
    await app.stop();
  }
  const goals = chatGoals(result, error);
  mkdirSync(join(ROOT, "artifacts"), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ date: new Date().toISOString(), cpuModel: cpus()[0]?.model ?? null, node: process.version, chat: result ?? { error }, goals: goals.map((g) => ({ ...g, result: g.pass ? "PASS" : "FAIL" })) }, null, 2)}\n`);
  console.log(`\n${chatSummary(result, error)}\n\n  Goals\n${goals.map((g) => `  ${g.pass ? "PASS" : "FAIL"}  ${g.goal.padEnd(50)} ${g.value}`).join("\n")}\n\nWrote ${relative(ROOT, OUT)}`);
  if (error) {
    console.error(`\nbench chat could not run: ${error}\nServer log: ${relative(ROOT, app.logFile)}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
