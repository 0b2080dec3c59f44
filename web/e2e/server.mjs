// Starts the app the way `npm start` does (scripts/dev.mjs: migrations, demo seed, `wrangler dev`),
// but on a free port and with its own throw-away local state, so a test or benchmark run never
// touches (or is disturbed by) the developer's `.wrangler/state` or a server already on 8787.
//
// Isolation: PERSIST_TO makes scripts/dev.mjs pass `--persist-to <temp dir>` to every wrangler
// command (migrations, seed, dev server), so they share one fresh directory, removed in stop().
//
// Used by the browser tests (web/e2e/harness.mjs) and the benchmarks (scripts/bench*.mjs).
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "node_modules", ".bin");

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (srv.address());
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One HTTP request to the local server with an explicit Host header (Node does not resolve
 * *.localhost). Resolves to { status, headers, body } (body as a string), never rejects on status.
 */
export function http(port, host, path, { method = "GET", headers = {}, body, timeoutMs = 15_000 } = {}) {
  return new Promise((ok, fail) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method, headers: { host, ...headers }, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", fail);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
    req.on("error", fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Starts `node scripts/dev.mjs` on a free port with isolated state and waits until the demo
 * tenant answers. Returns { port, rootHost, tenantHost, stateDir, logFile, stop(), logTail() }.
 * `server: "bundle"` starts scripts/serve-bundle.mjs instead: the deployable bundle served by
 * workerd directly, without wrangler dev's proxy in front (what the benchmark measures).
 */
export async function startApp({ label = "app", logDir = join(ROOT, "artifacts"), readyTimeoutMs = 180_000, quiet = true, extraArgs = [], server = "dev" } = {}) {
  const port = Number(process.env.E2E_PORT ?? (await freePort()));
  const inspectorPort = await freePort();
  const rootHost = `localhost:${port}`;
  const tenantHost = `demo.localhost:${port}`;

  const stateDir = mkdtempSync(join(tmpdir(), `edge-${label}-`));
  const persistDir = join(stateDir, "state");
  if (!existsSync(join(BIN, "wrangler"))) throw new Error(`${join(BIN, "wrangler")} is missing: run npm ci first`);

  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${label}-server.log`);
  const log = createWriteStream(logFile);
  const tail = [];
  const remember = (chunk) => {
    log.write(chunk);
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) tail.push(line);
    if (tail.length > 80) tail.splice(0, tail.length - 80);
  };

  const env = {
    ...process.env,
    PATH: `${BIN}:${process.env.PATH ?? ""}`,
    PERSIST_TO: persistDir,
    PORT: String(port),
    WRANGLER_SEND_METRICS: "false",
    // Not a TTY: no interactive hotkeys, no prompts.
    CI: process.env.CI ?? "true",
  };
  delete env.HOST_IP;

  const script = server === "bundle" ? "serve-bundle.mjs" : "dev.mjs";
  const child = spawn(join(BIN, "node"), [join(ROOT, "scripts", script), "--inspector-port", String(inspectorPort), ...extraArgs], {
    cwd: ROOT,
    env,
    detached: true, // its own process group, so stop() ends wrangler and workerd too
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (c) => {
    remember(c);
    if (!quiet) process.stdout.write(c);
  });
  child.stderr.on("data", (c) => {
    remember(c);
    if (!quiet) process.stderr.write(c);
  });
  let exited = null;
  const exitPromise = new Promise((r) => child.on("exit", (code, signal) => r((exited = { code, signal }))));

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    process.off("exit", killNow);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (!exited) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      const done = await Promise.race([exitPromise.then(() => true), sleep(8_000).then(() => false)]);
      // dev.mjs may have gone while wrangler/workerd linger: SIGKILL whatever is left of the group.
      await sleep(done ? 500 : 0);
    }
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    await new Promise((r) => log.end(r));
    if (!process.env.KEEP_STATE) rmSync(stateDir, { recursive: true, force: true });
  }
  // Last resort if the parent dies abruptly (uncaught error, process.exit): synchronous group kill.
  function killNow() {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    if (!process.env.KEEP_STATE) {
      try {
        rmSync(stateDir, { recursive: true, force: true });
      } catch {}
    }
  }
  process.on("exit", killNow);
  // The group is detached, so Ctrl-C in a terminal does not reach it: forward the end ourselves.
  function onSignal(signal) {
    killNow();
    process.exit(signal === "SIGINT" ? 130 : 143);
  }
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const logTail = (n = 40) => tail.slice(-n).join("\n");
  const app = { port, rootHost, tenantHost, stateDir, logFile, stop, logTail, pid: child.pid, server };

  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < readyTimeoutMs) {
    if (exited) {
      await stop();
      throw new Error(`the app exited before answering (code ${exited.code}, signal ${exited.signal}); see ${logFile}\n${logTail()}`);
    }
    try {
      const res = await http(port, tenantHost, "/login", { timeoutMs: 5_000 });
      if (res.status === 200) return app;
      last = `GET http://${tenantHost}/login answered ${res.status}`;
    } catch (err) {
      last = String(err?.message ?? err);
    }
    await sleep(500);
  }
  await stop();
  throw new Error(`the app did not answer 200 within ${readyTimeoutMs / 1000} s (${last}); see ${logFile}\n${logTail()}`);
}
