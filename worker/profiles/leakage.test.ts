import { describe, expect, it } from "vitest";
import { call, joinGroup, makeGroup, makeTenant, signUpMember } from "../test/helpers";

/**
 * An admins-only field, filled in for every member with a distinctive value, must never
 * reach a member: not in any API answer, not in any page, whatever the member asks.
 */
const SECRET_VALUE = "ZZ-ADMIN-ONLY-7f3q";
const SECRET_LABEL = "Risk score (internal)";
const SECRET_KEY = "risk_internal";

describe("admins-only fields never reach members", () => {
  it("is absent from every member-facing route and page", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    await makeGroup(tenant, { name: "Crew", slug: "crew", joinPolicy: "open", questions: [{ label: "Why?", required: false }] }, owner);
    await makeGroup(tenant, { name: "Club", slug: "club", joinPolicy: "approval" }, owner);
    await makeGroup(tenant, { name: "Band", slug: "band", joinPolicy: "open" }, owner);
    // Every flag that could push it out is set: public, filterable, required, asked at sign-up, editable.
    const secret = { key: SECRET_KEY, label: SECRET_LABEL, type: "text", visibility: "admins", editable: true, public: true, filterable: true, required: true, askAtSignup: true };
    expect((await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: owner, json: secret })).status).toBe(201);
    const groupSecret = { ...secret, key: `${SECRET_KEY}_crew`, label: `${SECRET_LABEL} crew`, groups: ["crew"] };
    expect((await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: owner, json: groupSecret })).status).toBe(201);
    expect((await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: owner, json: { key: "city", label: "City", type: "text", visibility: "member", editable: true, public: true, filterable: true } })).status).toBe(201);

    // Signing up does not ask for it (required, but admins-only).
    const member = await signUpMember(tenant, "member@example.org", "Mia Member");
    const other = await signUpMember(tenant, "other@example.org", "Otto Other");
    await joinGroup(tenant, "crew", member.cookie);
    await joinGroup(tenant, "crew", other.cookie);
    for (const m of [member, other]) {
      expect((await call(tenant.host, "PATCH", `/api/v1/members/${m.id}/profile`, { cookie: owner, json: { fields: { [SECRET_KEY]: SECRET_VALUE, [`${SECRET_KEY}_crew`]: SECRET_VALUE, city: "Ghent" } } })).status).toBe(200);
    }
    const threadRes = await call(tenant.host, "POST", "/api/v1/groups/crew/threads", { cookie: member.cookie, json: { title: "Hello crew", body: "Ping @otto" } });
    const threadId = ((await threadRes.json()) as { thread: { id: string } }).thread.id;
    await call(tenant.host, "POST", "/api/v1/groups/crew/messages", { cookie: other.cookie, json: { text: "hi all" } });
    const ownerId = ((await (await call(tenant.host, "GET", "/api/v1/me", { cookie: owner })).json()) as { id: string }).id;
    await call(tenant.host, "PATCH", `/api/v1/members/${ownerId}/profile`, { cookie: owner, json: { fields: { [SECRET_KEY]: SECRET_VALUE } } });
    // The admin does see it (the check below is not vacuous).
    expect(await (await call(tenant.host, "GET", `/api/v1/members/${member.id}/profile`, { cookie: owner })).text()).toContain(SECRET_VALUE);

    const get = (path: string, cookie?: string) => ["GET", path, cookie] as const;
    const requests: (readonly [string, string, string | undefined, unknown?])[] = [
      get("/api/v1/me", member.cookie),
      get("/api/v1/me/profile", member.cookie),
      get("/api/v1/directory", member.cookie),
      get("/api/v1/directory?q=otto", member.cookie),
      get("/api/v1/directory?group=crew", member.cookie),
      get("/api/v1/directory?field.city=ghent", member.cookie),
      get("/api/v1/groups", member.cookie),
      get("/api/v1/groups/crew", member.cookie),
      get("/api/v1/groups/crew/members", member.cookie),
      get("/api/v1/tenant", member.cookie),
      get("/api/v1/profile-fields", member.cookie),
      get(`/api/v1/members/${other.id}/profile`, member.cookie),
      get(`/api/v1/members/${member.id}/profile`, member.cookie),
      get("/api/v1/members/export.csv", member.cookie),
      ["PATCH", "/api/v1/me/profile", member.cookie, { fields: { city: "Bruges" } }],
      ["POST", "/api/v1/groups/club/join", member.cookie, {}],
      get("/", member.cookie),
      get("/me", member.cookie),
      get("/members", member.cookie),
      get("/members?q=otto", member.cookie),
      get("/members?group=crew", member.cookie),
      get("/g/crew", member.cookie),
      get("/g/club", member.cookie),
      get("/g/club/join", member.cookie),
      get("/g/crew/join", member.cookie),
      // The group's discussions and chat (the room knows nothing of profiles; the pages must not either).
      get("/api/v1/groups/crew/threads", member.cookie),
      get(`/api/v1/groups/crew/threads/${threadId}`, member.cookie),
      get("/api/v1/groups/crew/messages", member.cookie),
      get("/api/v1/groups/crew/leaderboard", member.cookie),
      get("/api/v1/groups/crew/online", member.cookie),
      get(`/g/crew/t/${threadId}`, member.cookie),
      get("/g/crew/chat", member.cookie),
      get("/g/crew/leaderboard", member.cookie),
      get("/admin/profile-fields", member.cookie),
      get(`/admin/members/${other.id}/profile`, member.cookie),
      get("/admin/members", member.cookie),
      // Signed out.
      get("/"),
      get("/signup"),
      get("/g/crew/join"),
      get("/g/club/join"),
      get("/members"),
      get("/api/v1/directory"),
    ];
    for (const [method, path, cookie, json] of requests) {
      const res = await call(tenant.host, method, path, { ...(cookie ? { cookie } : {}), ...(json !== undefined ? { json } : {}) });
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
      // The member-facing reads really answer (a 404 would prove nothing).
      if (method === "GET" && cookie === member.cookie && !path.includes("admin") && !path.includes("/profile-fields") && !path.includes("/members/")) expect(res.status, `${method} ${path}`).toBe(200);
      const body = await res.text();
      for (const needle of [SECRET_VALUE, SECRET_LABEL, SECRET_KEY]) {
        expect(body.includes(needle), `${method} ${path} answered ${res.status} containing "${needle}"`).toBe(false);
      }
    }

    // Asking for it by key (guessed): refused like any unknown key, echoing only what was sent.
    for (const [method, path, json] of [
      ["GET", `/api/v1/directory?field.${SECRET_KEY}=x`, undefined],
      ["GET", `/members?field.${SECRET_KEY}=x`, undefined],
      ["PATCH", "/api/v1/me/profile", { fields: { [SECRET_KEY]: "x" } }],
      ["POST", "/api/v1/groups/band/join", { fields: { [SECRET_KEY]: "x" } }],
    ] as const) {
      const res = await call(tenant.host, method, path, { cookie: member.cookie, ...(json ? { json } : {}) });
      const unknown = await call(tenant.host, method, path.replace(SECRET_KEY, "no_such_key"), { cookie: member.cookie, ...(json ? { json: JSON.parse(JSON.stringify(json).replace(SECRET_KEY, "no_such_key")) } : {}) });
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${path} answers like an unknown key`).toBe(unknown.status);
      const body = await res.text();
      const normal = (text: string) => text.replaceAll(SECRET_KEY, "no_such_key").replace(/nonce="[^"]*"/g, "");
      expect(normal(body), `${method} ${path} answers like an unknown key`).toBe(normal(await unknown.text()));
      for (const needle of [SECRET_VALUE, SECRET_LABEL]) expect(body.includes(needle), `${method} ${path} contains "${needle}"`).toBe(false);
    }

    // Pages posted by a member, with the secret smuggled in, answer without it too.
    const form = (body: Record<string, string>) => ({ body: new URLSearchParams(body).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
    for (const [path, body] of [
      ["/me", { name: "Mia Member", bio: "", language: "", [`profile.${SECRET_KEY}`]: "smuggled", "profile.city": "Antwerp" }],
      ["/g/band/join", { mode: "questions", [`answer.profile.${SECRET_KEY}`]: "smuggled" }],
    ] as const) {
      const res = await call(tenant.host, "POST", path, { cookie: member.cookie, ...form(body) });
      expect(res.status, path).toBeLessThan(500);
      const text = await res.text();
      for (const needle of [SECRET_VALUE, SECRET_LABEL]) expect(text.includes(needle), `POST ${path} contains "${needle}"`).toBe(false);
    }
    // Nothing smuggled was stored.
    const seen = (await (await call(tenant.host, "GET", `/api/v1/members/${member.id}/profile`, { cookie: owner })).json()) as { fields: { key: string; value: unknown }[] };
    expect(seen.fields.find((f) => f.key === SECRET_KEY)?.value).toBe(SECRET_VALUE);
  });
});
