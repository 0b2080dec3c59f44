import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../index";
import { countingD1 } from "../test/counting";
import { call, joinGroup, makeGroup, makeTenant, signUpMember } from "../test/helpers";

// The group page is the community's most read page: once its reads are warm in an isolate
// (groups, roles, members, plans, events, kept a few seconds and forgotten by writes), a view
// makes no D1 round trip. An uncached read slipping in costs it most of its throughput
// (`npm run bench`), so the count is held here.

async function statementsOf(host: string, path: string, cookie: string): Promise<{ status: number; count: number; sql: string[] }> {
  const counted = countingD1(env.DB);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://${host}${path}`, { headers: { host, cookie } }), { ...env, DB: counted.db }, ctx);
  await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, count: counted.count(), sql: [...counted.sql] };
}

describe("GET /g/{slug} in the steady state", () => {
  it("makes no D1 round trip for the owner or a member, with discussions and an upcoming event on the page", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const member = await signUpMember(tenant, "mia@example.org", "Mia Member");
    await joinGroup(tenant, "makers", member.cookie);
    const thread = await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie: tenant.owner.cookie, json: { title: "Bienvenue", body: "Présentez-vous" } });
    expect(thread.status).toBe(201);
    const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const endsAt = new Date(Date.now() + 7 * 86_400_000 + 7_200_000).toISOString();
    const event = await call(tenant.host, "POST", "/api/v1/events", { cookie: tenant.owner.cookie, json: { title: "Atelier soudure", group: "makers", startsAt, endsAt } });
    expect(event.status).toBe(201);
    for (const cookie of [tenant.owner.cookie, member.cookie]) {
      await statementsOf(tenant.host, "/g/makers", cookie); // warms this isolate's reads
      const steady = await statementsOf(tenant.host, "/g/makers", cookie);
      expect(steady.status).toBe(200);
      expect(steady.sql).toEqual([]);
      expect(steady.count).toBe(0);
    }
  });
});
