import { describe, expect, it } from "vitest";
import { DEMO, dayIn, demoSeedStatements } from "../../scripts/demo-seed.mjs";
import { hashPassword } from "../auth/passwords";
import { call, env, ROOT, sessionCookie } from "../test/helpers";

// The demo community `npm start` seeds (scripts/local-db.mjs runs these statements through
// `wrangler d1 execute`): here they run against the test database with its migrations, and
// the result is read back through the API as the demo member and owner would.

const HOST = `${DEMO.subdomain}.${ROOT}`;
const DAY = 86_400_000;

async function seed(now: number) {
  const statements = demoSeedStatements({ now, ownerHash: await hashPassword(DEMO.owner.password), memberHash: await hashPassword(DEMO.member.password) });
  await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
}

/** Every row of every table of the app (D1's own tables aside), ordered, as JSON. */
async function everything(): Promise<Record<string, unknown[]>> {
  const { results: tables } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name").all<{ name: string }>();
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = (await env.DB.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()).results;
  return out;
}

async function login(who: { email: string; password: string }) {
  const res = await call(HOST, "POST", "/api/v1/auth/login", { json: { email: who.email, password: who.password } });
  expect(res.status).toBe(200);
  return sessionCookie(res);
}

async function read<T>(path: string, cookie: string, method = "GET"): Promise<{ status: number; body: T }> {
  const res = await call(HOST, method, path, { cookie, ...(method === "POST" ? { json: {} } : {}) });
  return { status: res.status, body: (await res.json()) as T };
}

type Dashboard = {
  name: string;
  membership: { plan: { id: string; name: string }; status: string } | null;
  welcomeMessage: string | null;
  announcements: { title: string; body: string }[];
  status: { state: string; message: string; from: string | null; until: string | null } | null;
};
type Plan = { id: string; name: string; description: string; price: { amount: number; currency: string }; intervalMonths: number; taxRate: number; approvalRequired: boolean; noticeDays: number; groups: string[] };

describe("the demo community's seed (npm start)", () => {
  it("shows the portal: three plans, the member on Flex for three weeks, the welcome message, an announcement and the banner; a second run changes nothing", async () => {
    const now = Date.now();
    await seed(now);
    const first = await everything();
    // A second `npm start` a day later (new password hashes, a later `now`): not one row changes.
    await seed(now + DAY);
    expect(await everything()).toEqual(first);

    const member = await login(DEMO.member);
    const dashboard = await read<Dashboard>("/api/v1/me/dashboard", member);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatchObject({
      name: DEMO.member.name,
      membership: { plan: { id: DEMO.plans.flex.id, name: "Flex" }, status: "active" },
      welcomeMessage: expect.stringContaining("Bienvenue"),
      announcements: [{ title: DEMO.announcement.title, body: expect.stringContaining("**Jade**") }],
      status: { state: "restricted", message: DEMO.status.message },
    });
    // The banner's window covers now, for a long time.
    const { from, until } = dashboard.body.status!;
    expect(Date.parse(from!)).toBeLessThan(now);
    expect(Date.parse(until!)).toBeGreaterThan(now + 300 * DAY);

    // Three plans in EUR cents, cheapest first: one needs approval, one opens the paid group.
    const plans = await read<{ items: Plan[] }>("/api/v1/plans", member);
    expect(plans.body.items.map((p) => [p.name, p.price, p.intervalMonths, p.approvalRequired, p.groups])).toEqual([
      ["Flex", { amount: 19_000, currency: "EUR" }, 1, false, []],
      ["Résident", { amount: 34_000, currency: "EUR" }, 1, true, []],
      ["Équipe", { amount: 149_000, currency: "EUR" }, 1, false, [DEMO.paidGroup.slug]],
    ]);
    expect(plans.body.items.every((p) => p.taxRate === 20 && p.description.length > 20)).toBe(true);

    // Active since three weeks ago (a day in the community's timezone), in a current period.
    const membership = await read<{ status: string; startedOn: string; currentPeriod: { start: string; end: string } | null; cancelsOn: string | null }>("/api/v1/me/membership", member);
    expect(membership.body).toMatchObject({ status: "active", startedOn: dayIn(now - 21 * DAY, DEMO.timezone), cancelsOn: null, currentPeriod: expect.objectContaining({ start: expect.any(String) }) });

    // The paid group: described, and joined only with the plan that opens it.
    const group = await read<{ name: string; description: string }>(`/api/v1/groups/${DEMO.paidGroup.slug}`, member);
    expect(group.body).toMatchObject({ name: DEMO.paidGroup.name, description: expect.stringContaining("bureau privé") });
    const join = await read<{ error: { code: string }; plans: { id: string; name: string }[] }>(`/api/v1/groups/${DEMO.paidGroup.slug}/join`, member, "POST");
    expect(join.status).toBe(403);
    expect(join.body).toMatchObject({ error: { code: "plan_required" }, plans: [{ id: DEMO.plans.team.id, name: "Équipe" }] });
  });

  it("does not put back what the owner removed: the announcement deleted and the welcome message cleared stay so on the next start", async () => {
    const now = Date.now();
    await seed(now);
    const owner = await login(DEMO.owner);
    expect((await call(HOST, "DELETE", `/api/v1/announcements/${DEMO.announcement.id}`, { cookie: owner })).status).toBe(204);
    expect((await call(HOST, "PATCH", "/api/v1/tenant", { cookie: owner, json: { welcomeMessage: null } })).status).toBe(200);
    await seed(now + DAY);
    const member = await login(DEMO.member);
    const dashboard = await read<Dashboard>("/api/v1/me/dashboard", member);
    expect(dashboard.body).toMatchObject({ welcomeMessage: null, announcements: [], membership: { status: "active" } });
  });
});
