// Local development database: migrations and the demo tenant, through wrangler's own local D1.
import { spawnSync } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  return { ENVIRONMENT: "development", ROOT_DOMAIN: rootHost, MAIL_TRANSPORT: "dev" };
}

export function applyMigrations() {
  wrangler(["d1", "migrations", "apply", "DB", "--local", ...persistArgs]);
}

// Same format as worker/auth/passwords.ts.
function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password.normalize("NFKC"), salt, 100_000, 32, "sha256");
  return `pbkdf2-sha256$100000$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export const DEMO = {
  subdomain: "demo",
  owner: { email: "owner@demo.example", password: "demo-owner-2026", name: "Camille Martin" },
  member: { email: "member@demo.example", password: "demo-member-2026", name: "Noah Dubois" },
};

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** Idempotent: fixed ids and INSERT OR IGNORE, so running it on every start changes nothing the second time. */
export function seedDemo() {
  const now = Date.now();
  const t = "demo-tenant";
  const sql = [
    `INSERT OR IGNORE INTO tenants (id, name, subdomain, signup_policy, default_language, timezone, primary_color, features, created_at)
     VALUES ('${t}', 'Atelier Commun', 'demo', 'open', 'fr', 'Europe/Paris', '#0f766e', '{}', ${now});`,
    `INSERT OR IGNORE INTO users (id, tenant_id, email, name, password_hash, language, tenant_role, status, email_verified_at, created_at)
     VALUES ('demo-owner', '${t}', ${q(DEMO.owner.email)}, ${q(DEMO.owner.name)}, ${q(hashPassword(DEMO.owner.password))}, 'fr', 'owner', 'active', ${now}, ${now});`,
    `INSERT OR IGNORE INTO users (id, tenant_id, email, name, password_hash, language, tenant_role, status, email_verified_at, created_at)
     VALUES ('demo-member', '${t}', ${q(DEMO.member.email)}, ${q(DEMO.member.name)}, ${q(hashPassword(DEMO.member.password))}, 'en', 'member', 'active', ${now}, ${now});`,
    `INSERT OR IGNORE INTO groups (id, tenant_id, slug, name, description, join_policy, questions, links, owner_id, created_at)
     VALUES ('demo-makers', '${t}', 'makers', 'Makers', ${q("Fabrication numérique, impression 3D et soirées bricolage du jeudi.")}, 'open', '[]', '[]', 'demo-owner', ${now});`,
    `INSERT OR IGNORE INTO groups (id, tenant_id, slug, name, description, join_policy, questions, links, owner_id, created_at)
     VALUES ('demo-founders', '${t}', 'founders', ${q("Cercle des fondateurs")}, ${q("Entraide entre fondatrices et fondateurs de startups du lieu.")}, 'approval',
     ${q(JSON.stringify([{ id: "q1", label: "Sur quel projet travaillez-vous ?", required: true }]))}, '[]', 'demo-owner', ${now});`,
    `INSERT OR IGNORE INTO memberships (tenant_id, group_id, user_id, role, created_at) VALUES ('${t}', 'demo-makers', 'demo-owner', 'owner', ${now});`,
    `INSERT OR IGNORE INTO memberships (tenant_id, group_id, user_id, role, created_at) VALUES ('${t}', 'demo-founders', 'demo-owner', 'owner', ${now});`,
    `INSERT OR IGNORE INTO memberships (tenant_id, group_id, user_id, role, created_at) VALUES ('${t}', 'demo-makers', 'demo-member', 'member', ${now});`,
  ].join("\n");
  const dir = mkdtempSync(join(tmpdir(), "seed-"));
  const file = join(dir, "seed.sql");
  writeFileSync(file, sql);
  wrangler(["d1", "execute", "DB", "--local", ...persistArgs, "--file", file], { capture: true });
}
