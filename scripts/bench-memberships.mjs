// The memberships' scheduled job at scale (issue "Member portal I"): 10,000 due membership
// changes across 100 communities — in each, 50 cancellations whose last day has passed and
// 50 plan changes due — with every member in a paid group the changes take them out of.
// Each community's latest invoice day is seeded as run, as the daily cron leaves it: the
// call then times the memberships' job, not the invoice run catching up ten months of
// periods for 5,000 members (about 55,000 charges; scripts/bench-invoices.mjs times runs).
// Seeded straight into the running app's local D1 (`wrangler d1 execute --local
// --persist-to`), then one POST /api/v1/dev/scheduled on the root host runs every job for
// every community; the answer comes once nothing due is left. Timed against a baseline:
// the same call before seeding (every job, nothing due). Then checks through SQL that each
// change happened exactly once and a second run changes nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, http, startApp } from "../web/e2e/server.mjs";

const BIN = join(ROOT, "node_modules", ".bin");
const TENANTS = Number(process.env.BENCH_MEMBERSHIP_TENANTS ?? 100);
const PER_TENANT = Number(process.env.BENCH_MEMBERSHIP_MEMBERS ?? 100);

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

const one = (persistTo, query) => JSON.parse(d1(persistTo, ["--command", query, "--json"]))[0].results[0];

function seedSql(now) {
  const rows = [];
  const values = (table, cols, list) => {
    for (let i = 0; i < list.length; i += 50) rows.push(`INSERT INTO ${table} (${cols}) VALUES ${list.slice(i, i + 50).join(",")};`);
  };
  const tenants = [];
  const users = [];
  const plans = [];
  const groups = [];
  const planGroups = [];
  const groupMembers = [];
  const planMembers = [];
  const invoiceRuns = [];
  // The default invoice day (the 1st) on or before today, in the communities' timezone.
  const lastInvoiceDay = `${new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date(now)).slice(0, 8)}01`;
  for (let t = 0; t < TENANTS; t++) {
    const tid = `bm-t${t}`;
    tenants.push(`('${tid}', 'Bench ${t}', 'bm${t}', 'Europe/Paris', ${now})`);
    invoiceRuns.push(`('${tid}', '${lastInvoiceDay}', ${now})`);
    plans.push(`('${tid}-a', '${tid}', 'A', 1000, 'EUR', ${now}, ${now})`, `('${tid}-b', '${tid}', 'B', 2000, 'EUR', ${now}, ${now})`);
    groups.push(`('${tid}-g', '${tid}', 'paid', 'Paid', '', 'open', '[]', '[]', '${tid}-u0', ${now})`);
    planGroups.push(`('${tid}', '${tid}-a', '${tid}-g')`);
    for (let u = 0; u < PER_TENANT; u++) {
      const uid = `${tid}-u${u}`;
      users.push(`('${uid}', '${tid}', '${uid}@bench.example', 'Member ${u}', 'member', 'active', ${now})`);
      groupMembers.push(`('${tid}', '${tid}-g', '${uid}', '${u === 0 ? "owner" : "member"}', ${now})`);
      // Half end (last day of access long past), half change from A to B (due long ago).
      const ending = u % 2 === 0;
      planMembers.push(
        `('${uid}-m', '${tid}', '${uid}', '${tid}-a', '${ending ? "canceling" : "active"}', '2026-01-01', '2026-01-01', ${ending ? "'2026-01-31'" : "null"}, ${ending ? "null" : `'${tid}-b'`}, ${ending ? "null" : "'2026-02-01'"}, ${now}, ${now})`,
      );
    }
  }
  values("tenants", "id, name, subdomain, timezone, created_at", tenants);
  values("users", "id, tenant_id, email, name, tenant_role, status, created_at", users);
  values("plans", "id, tenant_id, name, price_amount, currency, created_at, updated_at", plans);
  values("groups", "id, tenant_id, slug, name, description, join_policy, questions, links, owner_id, created_at", groups);
  values("plan_groups", "tenant_id, plan_id, group_id", planGroups);
  values("memberships", "tenant_id, group_id, user_id, role, created_at", groupMembers);
  values("invoice_runs", "tenant_id, day, finished_at", invoiceRuns);
  values("plan_memberships", "id, tenant_id, user_id, plan_id, status, starts_on, periods_from, cancels_on, change_plan_id, change_on, created_at, updated_at", planMembers);
  return rows.join("\n");
}

async function tick(app) {
  const t0 = performance.now();
  const res = await http(app.port, app.rootHost, "/api/v1/dev/scheduled", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ at: new Date().toISOString() }),
    timeoutMs: 120_000,
  });
  if (res.status !== 200) throw new Error(`POST /api/v1/dev/scheduled answered ${res.status}: ${res.body.slice(0, 300)}`);
  return Math.round(performance.now() - t0);
}

/** Runs against a started app (web/e2e/server.mjs `startApp`); answers the figures. */
export async function benchMemberships(app) {
  const persistTo = join(app.stateDir, "state");
  const baselineMs = await tick(app);
  const dir = mkdtempSync(join(tmpdir(), "bench-memberships-"));
  const file = join(dir, "seed.sql");
  writeFileSync(file, seedSql(Date.now()));
  const t0 = performance.now();
  d1(persistTo, ["--file", file]);
  rmSync(dir, { recursive: true, force: true });
  const seedMs = Math.round(performance.now() - t0);
  const due = TENANTS * PER_TENANT;
  process.stdout.write(`bench: seeded ${due} due membership changes in ${TENANTS} communities in ${seedMs} ms; POST /api/v1/dev/scheduled (root host) ... `);
  const runMs = await tick(app);
  console.log(`${runMs} ms (the same call with nothing due: ${baselineMs} ms)`);
  const after = one(
    persistTo,
    `select (select count(*) from plan_memberships where tenant_id like 'bm-t%' and status = 'canceled') as canceled,
            (select count(*) from plan_memberships where tenant_id like 'bm-t%' and status = 'active' and plan_id like '%-b' and change_plan_id is null and periods_from = '2026-02-01') as changed,
            (select count(*) from memberships where tenant_id like 'bm-t%') as groupMembers,
            (select count(*) from memberships where tenant_id like 'bm-t%' and role = 'owner') as owners`,
  );
  const state = `select max(updated_at) as last, (select count(*) from memberships where tenant_id like 'bm-t%') as groupMembers from plan_memberships where tenant_id like 'bm-t%'`;
  const before = one(persistTo, state);
  const secondRunMs = await tick(app);
  const again = one(persistTo, state);
  const expected = { canceled: due / 2, changed: due / 2, groupMembers: TENANTS, owners: TENANTS };
  const ok = after.canceled === expected.canceled && after.changed === expected.changed && after.groupMembers === expected.groupMembers && after.owners === expected.owners;
  return { due, tenants: TENANTS, seedMs, baselineMs, runMs, secondRunMs, after, expected, ok, secondRunChanged: again.last !== before.last || again.groupMembers !== before.groupMembers };
}

/** The row of `npm run bench`'s summary (and of the run alone). */
export function membershipGoal(r, error) {
  return {
    goal: "membership job: 10,000 due changes in 100 tenants < 10 s",
    value: r
      ? `${(r.runMs / 1000).toFixed(2)} s (nothing due: ${(r.baselineMs / 1000).toFixed(2)} s); ${r.after.canceled} ended, ${r.after.changed} changed${r.ok ? "" : " (NOT VERIFIED)"}${r.secondRunChanged ? ", second run changed rows" : ""}`
      : `not measured${error ? ` (${error.slice(0, 60)})` : ""}`,
    pass: !!r && r.runMs < 10_000 && r.ok && !r.secondRunChanged,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(`bench: the memberships' job alone on wrangler dev, ${cpus().length} CPUs, load ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const app = await startApp({ label: "bench-memberships", extraArgs: ["--log-level", "warn"] });
  try {
    const r = await benchMemberships(app);
    console.log(JSON.stringify(r, null, 2));
    const g = membershipGoal(r, null);
    console.log(`${g.pass ? "PASS" : "FAIL"}  ${g.goal}  ${g.value}`);
  } catch (err) {
    console.error(`bench failed: ${err?.stack ?? err}`);
    process.exitCode = 1;
  } finally {
    await app.stop();
  }
}
