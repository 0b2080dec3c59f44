// Serves the Worker the way it is deployed, straight from workerd, without `wrangler dev`.
//
// `wrangler dev` puts a proxy Worker, in a workerd process of its own, in front of the app (it
// holds requests while the code reloads). Under load that proxy costs as much CPU as the app
// itself: on a 2-core machine it, not the Worker, sets the latency tail. The benchmark measures
// the Worker here instead: the bundle `wrangler deploy` would upload (`--dry-run --outdir`), the
// bindings wrangler.toml declares (read by wrangler itself), local D1/R2/Durable Objects in the
// same layout as `wrangler dev --persist-to`, all in one workerd run by wrangler's own Miniflare.
//
// Like scripts/dev.mjs it applies the migrations and seeds the demo tenant first (PERSIST_TO and
// PORT from the environment). Arguments: `--var NAME:VALUE` (as wrangler's), `--inspector-port N`
// (for a CPU profile in DevTools), `--log-level warn|info|...`. Prints "ready <url>" when serving.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { applyMigrations, devVars, seedDemo, wrangler } from "./local-db.mjs";

const ROOT = resolve(import.meta.dirname, "..");
// The Miniflare wrangler runs, whatever version that is (it is wrangler's dependency, not ours).
const { Miniflare, Log, LogLevel, convertV4MiniflareOptions } = createRequire(createRequire(import.meta.url).resolve("wrangler"))("miniflare");
const { unstable_getMiniflareWorkerOptions } = await import("wrangler");

const PORT = Number(process.env.PORT ?? 8787);
const vars = devVars(`localhost:${PORT}`);
let inspectorPort;
let logLevel = LogLevel.WARN;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const [flag, value] = [args[i], args[i + 1]];
  if (flag === "--var" && value?.includes(":")) vars[value.slice(0, value.indexOf(":"))] = value.slice(value.indexOf(":") + 1);
  else if (flag === "--inspector-port") inspectorPort = Number(value);
  else if (flag === "--log-level") logLevel = LogLevel[String(value).toUpperCase()] ?? LogLevel.WARN;
  else throw new Error(`serve-bundle: unknown argument ${flag}`);
  i++;
}

applyMigrations();
seedDemo();

const outDir = mkdtempSync(join(tmpdir(), "edge-bundle-"));
wrangler(["deploy", "--dry-run", "--outdir", outDir], { capture: true });

// modulesRules only matter to a build; the bundle is one ES module.
const { workerOptions: { modulesRules: _rules, ...workerOptions } } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
const persistRoot = join(process.env.PERSIST_TO ?? join(ROOT, ".wrangler", "state"), "v3");
mkdirSync(persistRoot, { recursive: true });
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: process.env.HOST_IP ?? "127.0.0.1",
    port: PORT,
    inspectorPort,
    log: new Log(logLevel),
    // No request for Cloudflare's `request.cf` sample: a fixed placeholder, and no network needed.
    cf: false,
    resourcePersistencePath: persistRoot,
    workers: [
      {
        ...workerOptions,
        name: "edge-communities",
        modules: true,
        modulesRoot: outDir,
        scriptPath: join(outDir, "index.js"),
        bindings: { ...workerOptions.bindings, ...vars },
      },
    ],
  }),
);
const url = await mf.ready;
console.log(`ready ${url}`);

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  await mf.dispose().catch(() => {});
  rmSync(outDir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", close);
process.on("SIGINT", close);
