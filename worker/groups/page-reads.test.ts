import { describe, expect, it } from "vitest";
import { countedRequest } from "../test/counted-request";
import { call, getPage, joinGroup, makeGroup, makeTenant, signUpMember } from "../test/helpers";

// The group page is the community's most read page: once its reads are warm in an isolate
// (groups, roles, members, plans, events, kept a few seconds and forgotten by writes), a view
// makes no D1 round trip. An uncached read slipping in costs it most of its throughput
// (`npm run bench`), so the count is held here.

async function statementsOf(host: string, path: string, cookie: string): Promise<{ status: number; count: number; sql: string[] }> {
  const { status, counted } = await countedRequest(host, "GET", path, { cookie });
  return { status, count: counted.count(), sql: [...counted.sql] };
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

describe("GET /g/{slug}: the remembered page", () => {
  it("is each reader's own and changes at once: another member, a new thread, a renamed group, another language", async () => {
    // The body is remembered by its inputs (worker/groups/html.ts): everything it reads must be in the key.
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const ann = await signUpMember(tenant, "ann@example.org", "Ann Reader");
    const bob = await signUpMember(tenant, "bob@example.org", "Bob Reader");
    await joinGroup(tenant, "makers", ann.cookie);
    await joinGroup(tenant, "makers", bob.cookie);
    const page = async (cookie: string, path = "/g/makers?lang=en") => {
      const res = await getPage(tenant, path, cookie);
      expect(res.status).toBe(200);
      return (await res.text()).replace(/nonce="[^"]*"/g, "");
    };
    const first = await page(ann.cookie);
    expect(await page(ann.cookie)).toBe(first);
    expect(first).toContain(`"me":{"userId":"${ann.id}","name":"Ann Reader"}`);
    const other = await page(bob.cookie);
    expect(other).toContain(`"me":{"userId":"${bob.id}","name":"Bob Reader"}`);
    expect(other).not.toContain(`"me":{"userId":"${ann.id}"`);
    expect((await call(tenant.host, "POST", "/api/v1/groups/makers/threads", { cookie: bob.cookie, json: { title: "Soudure vendredi", body: "Qui vient ?" } })).status).toBe(201);
    expect(await page(ann.cookie)).toContain("Soudure vendredi");
    expect((await call(tenant.host, "PATCH", "/api/v1/groups/makers", { cookie: tenant.owner.cookie, json: { name: "Makers du jeudi" } })).status).toBe(200);
    expect(await page(ann.cookie)).toContain("Makers du jeudi");
    const fr = await page(ann.cookie, "/g/makers?lang=fr");
    expect(fr).toContain('lang="fr"');
    expect(fr).not.toBe(await page(ann.cookie));
  });
});
