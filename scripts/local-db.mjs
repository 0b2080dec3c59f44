// Local development database: migrations and the demo tenant, through wrangler's own local D1.
import { spawnSync } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO, demoSeedStatements } from "./demo-seed.mjs";

const quiet = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" };
/** PERSIST_TO keeps this run's local D1/R2/Durable Object state in another folder (tests, benchmarks). */
export const persistArgs = process.env.PERSIST_TO ? ["--persist-to", process.env.PERSIST_TO] : [];

export function wrangler(args, opts = {}) {
  const res = spawnSync("wrangler", args, { stdio: ["ignore", opts.capture ? "pipe" : "inherit", "inherit"], env: quiet, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed (${res.status})`);
  return res.stdout;
}

/** The vars every local server runs with (wrangler dev through scripts/dev.mjs, and scripts/serve-bundle.mjs). */
export function devVars(rootHost) {
  return { ENVIRONMENT: "development", ROOT_DOMAIN: rootHost, MAIL_TRANSPORT: "dev", SECRETS_KEY: DEV_SECRETS_KEY };
}

/** Seals the Stripe keys communities enter, in development only: production sets its own with `wrangler secret put SECRETS_KEY`. */
export const DEV_SECRETS_KEY = "development-only-secrets-key-never-use-in-production";

export function applyMigrations() {
  wrangler(["d1", "migrations", "apply", "DB", "--local", ...persistArgs]);
}

// Same format as worker/auth/passwords.ts.
function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password.normalize("NFKC"), salt, 100_000, 32, "sha256");
  return `pbkdf2-sha256$100000$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export { DEMO };

/** Idempotent (scripts/demo-seed.mjs): fixed ids and INSERT OR IGNORE, so running it on every start changes nothing the second time. */
export function seedDemo() {
  const sql = demoSeedStatements({ now: Date.now(), ownerHash: hashPassword(DEMO.owner.password), memberHash: hashPassword(DEMO.member.password) }).join("\n");
  const dir = mkdtempSync(join(tmpdir(), "seed-"));
  const file = join(dir, "seed.sql");
  writeFileSync(file, sql);
  wrangler(["d1", "execute", "DB", "--local", ...persistArgs, "--file", file], { capture: true });
}
