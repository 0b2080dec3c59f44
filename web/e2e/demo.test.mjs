// The demo community as `npm start` seeds it (scripts/local-db.mjs, scripts/demo-seed.mjs), on the
// real path: `wrangler d1 execute` on the app's local state, before `wrangler dev` starts.
//   - the demo member's dashboard (GET /api/v1/me/dashboard) shows the portal: their plan "Flex"
//     (active), the welcome message, the announcement for everyone and the status banner;
//   - the three plans, the paid group `bureaux` refusing the member (403 plan_required, "Équipe");
//   - the seed run a second time on the same state (a second `npm start`) neither fails nor adds
//     a plan, a membership or an announcement;
//   - the demo invoices, issued by the invoice run once the server answers (scripts/demo-invoices.mjs):
//     the member's first invoice paid, the next open, and a next-invoice preview;
//   - the demo help desk (scripts/demo-helpdesk.mjs): four guides, a public and a private issue.
// Runs first in the suite, before other files change the demo community.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, describe } from "node:test";
import { DEMO, ROOT, apiLogin, app, json, postJson, ready, steps, tenantHttp } from "./harness.mjs";

describe("The demo community's member portal, as npm start seeds it", () => {
  const step = steps();
  let member, owner;
  const get = async (path, sid) => {
    const res = await tenantHttp(path, { headers: { cookie: `sid=${sid}` } });
    assert.equal(res.status, 200, `GET ${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
    return json(res);
  };
  before(async () => {
    ready();
    member = await apiLogin(DEMO.member.email, DEMO.member.password);
    owner = await apiLogin(DEMO.owner.email, DEMO.owner.password);
  });

  step("GET /api/v1/me/dashboard as the demo member: plan Flex (active), welcome message, one announcement, the restricted banner", async () => {
    const dashboard = await get("/api/v1/me/dashboard", member);
    assert.equal(dashboard.name, DEMO.member.name);
    assert.deepEqual(dashboard.membership, { plan: { id: DEMO.plans.flex.id, name: "Flex" }, status: "active" });
    assert.match(dashboard.welcomeMessage ?? "", /Bienvenue/);
    assert.deepEqual(dashboard.announcements.map((a) => a.title), [DEMO.announcement.title]);
    assert.equal(dashboard.status?.state, "restricted");
    assert.equal(dashboard.status?.message, DEMO.status.message);
  });

  step("three plans (one needs approval, one opens the paid group); the member started three weeks ago; the paid group asks for Équipe", async () => {
    const plans = (await get("/api/v1/plans", member)).items;
    assert.deepEqual(plans.map((p) => [p.name, p.price.amount, p.price.currency, p.approvalRequired, p.groups]), [
      ["Flex", 19_000, "EUR", false, []],
      ["Résident", 34_000, "EUR", true, []],
      ["Équipe", 149_000, "EUR", false, [DEMO.paidGroup.slug]],
    ]);
    const membership = await get("/api/v1/me/membership", member);
    assert.equal(membership.status, "active");
    const days = (Date.now() - Date.parse(`${membership.startedOn}T12:00:00Z`)) / 86_400_000;
    assert(days > 19 && days < 23, `started on ${membership.startedOn}`);
    const join = await postJson(`/api/v1/groups/${DEMO.paidGroup.slug}/join`, {}, member);
    assert.equal(join.status, 403, join.body);
    assert.equal(json(join).error.code, "plan_required");
    assert.deepEqual(json(join).plans.map((p) => p.name), ["Équipe"]);
  });

  step("the demo invoices (issued by the run on past invoice days once the server answered): one paid, one open, a preview", async () => {
    let mine = [];
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      mine = (await get("/api/v1/me/invoices", member)).items;
      if (mine.length >= 2) break;
    }
    assert.deepEqual(mine.map((i) => i.status), ["open", "paid"]);
    assert.equal(mine[1].payments[0]?.method, "bank_transfer");
    assert.equal(mine[0].balance.amount, mine[0].total.amount);
    assert.match(mine[0].number, /^AC\d{4}-\d{4}$/);
    const preview = await get("/api/v1/me/invoices/preview", member);
    assert(preview.lines.length >= 1 && preview.total.amount > 0, JSON.stringify(preview));
  });

  // help-api: the demo help desk (scripts/demo-helpdesk.mjs), written once the invoices are.
  step("the demo help desk (written through the API once the server answered): guides, a public and a private issue", async () => {
    let guides = [];
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      guides = (await get("/api/v1/guides", member)).items;
      if (guides.length >= 4 && (await get("/api/v1/issues", member)).items.length >= 2) break;
    }
    assert.equal(guides.length, 4);
    const issues = (await get("/api/v1/issues", member)).items;
    assert.deepEqual(issues.map((i) => [i.private, i.status]), [[true, "open"], [false, "closed"]]);
    assert.equal((await get(`/api/v1/issues/${issues[0].id}`, member)).issue.comments.length, 1);
  });

  step("the seed run again on the same state (a second npm start): no failure, nothing added", async () => {
    const count = async () => ({
      plans: (await get("/api/v1/plans", owner)).items.length,
      memberships: (await get("/api/v1/memberships", owner)).items.length,
      announcements: (await get("/api/v1/announcements", owner)).items.length,
    });
    const before = await count();
    assert.deepEqual(before, { plans: 3, memberships: 1, announcements: 1 });
    const again = spawnSync(process.execPath, ["--input-type=module", "-e", 'import { seedDemo } from "./scripts/local-db.mjs"; seedDemo();'], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`, PERSIST_TO: join(app.stateDir, "state") },
      encoding: "utf8",
    });
    assert.equal(again.status, 0, `the second seed failed: ${again.stderr.slice(-500)}`);
    assert.deepEqual(await count(), before);
    assert.equal((await get("/api/v1/me/dashboard", member)).announcements.length, 1);
  });
});
