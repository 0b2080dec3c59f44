import { describe, expect, it } from "vitest";
import { DEMO, demoSeedStatements } from "../../scripts/demo-seed.mjs";
import { DEMO_GUIDES, DEMO_ISSUES, seedDemoHelpdesk } from "../../scripts/demo-helpdesk.mjs";
import type { DemoApi } from "../../scripts/demo-invoices.mjs";
import { hashPassword } from "../auth/passwords";
import { call, env, ROOT, sessionCookie } from "../test/helpers";
import type { GuideSummary, IssueSummary, IssueView } from "./types";

// The demo community's help desk (scripts/demo-helpdesk.mjs, run by `npm start` once the server
// answers), against the test app on the demo host: guides, a public and a private issue with
// comments, read back as the demo member, the owner and another member would.

const HOST = `${DEMO.subdomain}.${ROOT}`;

const api: DemoApi = async (method, path, { json, cookie }) => {
  const res = await call(HOST, method, path, { ...(json === undefined ? {} : { json }), ...(cookie ? { cookie } : {}) });
  const text = await res.text();
  const sid = res.headers.getSetCookie().find((c) => c.startsWith("sid="));
  return { status: res.status, body: text ? JSON.parse(text) : null, cookie: sid ? sid.split(";")[0]! : null };
};

async function login(who: { email: string; password: string }) {
  const res = await call(HOST, "POST", "/api/v1/auth/login", { json: { email: who.email, password: who.password } });
  expect(res.status).toBe(200);
  return sessionCookie(res);
}

const read = async <T>(path: string, cookie: string) => {
  const res = await call(HOST, "GET", path, { cookie });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

describe("demo help desk", () => {
  it("writes guides, a public issue answered and closed, and a private issue answered; a second run adds nothing", async () => {
    const statements = demoSeedStatements({ now: Date.now(), ownerHash: await hashPassword(DEMO.owner.password), memberHash: await hashPassword(DEMO.member.password) });
    await env.DB.batch(statements.map((s: string) => env.DB.prepare(s)));
    const done = await seedDemoHelpdesk(api);
    expect(done).toMatchObject({ seeded: true, guides: DEMO_GUIDES.length });
    expect(await seedDemoHelpdesk(api)).toEqual({ seeded: false });

    const member = await login(DEMO.member);
    const owner = await login(DEMO.owner);
    const guides = (await read<{ items: GuideSummary[] }>("/api/v1/guides", member)).items;
    expect(guides.map((g) => g.title).sort()).toEqual(DEMO_GUIDES.map((g) => g.title).sort());
    expect((await read<{ items: GuideSummary[] }>("/api/v1/guides?q=WI-FI", member)).items.map((g) => g.title)).toEqual(["Se connecter au Wi-Fi"]);

    const mine = (await read<{ items: IssueSummary[] }>("/api/v1/issues", member)).items;
    expect(mine.map((i) => [i.title, i.private, i.status, i.commentCount])).toEqual([
      [DEMO_ISSUES.private.title, true, "open", 1],
      [DEMO_ISSUES.public.title, false, "closed", 2],
    ]);
    const secret = (await read<{ issue: IssueView }>(`/api/v1/issues/${mine[0]!.id}`, member)).issue;
    expect(secret.comments.map((c) => [c.author?.name, c.byAdmin])).toEqual([[DEMO.owner.name, true]]);
    expect((await read<{ items: IssueSummary[] }>("/api/v1/issues", owner)).items).toHaveLength(2);

    // Another member sees the public issue only.
    const signup = await call(HOST, "POST", "/api/v1/auth/signup", { json: { email: "demo-help-other@example.com", password: "a long enough password", name: "Other" } });
    expect(signup.status).toBe(201);
    const other = sessionCookie(signup);
    expect((await read<{ items: IssueSummary[] }>("/api/v1/issues", other)).items.map((i) => i.title)).toEqual([DEMO_ISSUES.public.title]);
    expect((await call(HOST, "GET", `/api/v1/issues/${secret.id}`, { cookie: other })).status).toBe(404);
  });
});
