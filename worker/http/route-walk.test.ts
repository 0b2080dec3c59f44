import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../app";
import { newSession } from "../auth/sessions";
import { tenantDb } from "../db/client";
import { base64url } from "../db/ids";
import { call, env, joinGroup, makeGroup, makeTenant, ROOT, signUpMember } from "../test/helpers";

/**
 * A walk over every route the app registers (`app.routes`), with junk in path parameters,
 * query parameters, headers and bodies, signed out, as a plain member and as the owner, on a
 * community's host and on the root host. Bad input is always a 4xx: any 5xx is a bug, and the
 * test reports every offender at once.
 */

type Identity = "anon" | "owner" | "member";
type Probe = { method: string; path: string; who: Identity; host?: string; headers?: Record<string, string>; body?: BodyInit; note: string };

const LONG = "x".repeat(3000);
const JUNK_SEGMENTS = [LONG, "%", "%00", "..", "%2e%2e", "%2F..%2F", "ü🙂ñ", "%E0%A4%A", "%FF%FE", "-1", "99999999999999999999999", "<script>", "%0d%0aX: y", "a%20b", "null"];
const QUERY_JUNK = [
  `cursor=${base64url(crypto.getRandomValues(new Uint8Array(40)))}`,
  `cursor=${encodeURIComponent(btoa(JSON.stringify({ name: 1, id: [], rank: "x", at: "x", createdAt: {} })))}`,
  "cursor=%",
  "cursor=c1.AAAA",
  "limit=-1",
  "limit=abc",
  "limit=1e400",
  "limit=99999999999999999999",
  `q=${"é%_".repeat(170)}`,
  "q=%",
  "q=%E0%A4%A",
  "status=zzz",
  "since=x",
  "since=-1",
  "from=x",
  "to=x",
  "until=x",
  "before=x",
  "days=x",
  `group=${LONG}`,
  "token=%",
  `field.city=${"a".repeat(300)}`,
  "field.x=%",
  "next=%0d%0a%2F%2Fevil.test",
  "next=%E0%A4%A",
  "edit=%",
  "done=%",
  "deletePosts=%",
  "lang=%",
  "view=%",
  "page=-1",
  "a=1&a=2&a=3",
];
const ALL_QUERY_JUNK = QUERY_JUNK.join("&");
const WRONG_TYPES = {
  name: 5, email: [], password: {}, title: null, body: 1, slug: {}, emails: "x", groups: "x", role: 7, tenantRole: [], groupRole: {}, text: [], fields: "x",
  language: 5, q: 1, subdomain: 3, owner: "x", token: 1, hostname: [], joinPolicy: 1, questions: "x", answers: [], reason: {}, targetType: 1, targetId: {}, keys: "x",
  key: 1, label: [], type: {}, options: "x", visibility: 1, signupPolicy: 2, defaultLanguage: [], timezone: 1, branding: "x", features: "x", levels: "x", points: "x",
  userId: 1, until: "x", message: [], status: 3, tenantRoleFor: 1, generatePassword: "x", sendEmail: "x", description: [], links: "x",
};
const HUGE_STRINGS = Object.fromEntries(Object.keys(WRONG_TYPES).map((k) => [k, "é".repeat(20_000)]));
const JSON_HEADERS = { "content-type": "application/json" };

function bodies(): { headers: Record<string, string>; body: BodyInit; note: string }[] {
  return [
    { headers: JSON_HEADERS, body: "{", note: "invalid JSON" },
    { headers: JSON_HEADERS, body: '{"name": "\\ud800", "title": "\\udfff", "body": "\\u0000"}', note: "lone surrogates" },
    { headers: JSON_HEADERS, body: "[]", note: "JSON array" },
    { headers: JSON_HEADERS, body: '"x"', note: "JSON string" },
    { headers: JSON_HEADERS, body: "null", note: "JSON null" },
    { headers: JSON_HEADERS, body: "123", note: "JSON number" },
    { headers: JSON_HEADERS, body: JSON.stringify(WRONG_TYPES), note: "wrong types" },
    { headers: JSON_HEADERS, body: JSON.stringify(HUGE_STRINGS), note: "huge strings" },
    { headers: JSON_HEADERS, body: "x".repeat(300 * 1024), note: "big body" },
    { headers: { "content-type": "text/plain" }, body: JSON.stringify({ name: "x" }), note: "JSON as text/plain" },
    { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=%&name=%E0%A4%A&email=%FF&title=" + LONG + "&_csrf=%00", note: "junk form" },
    { headers: { "content-type": "multipart/form-data; boundary=zzz" }, body: "--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n\x00\x01\x02\r\n--zz", note: "broken multipart" },
    { headers: { "content-type": "image/png" }, body: new Uint8Array(2048).fill(7), note: "junk bytes" },
    { headers: {}, body: "", note: "empty, no type" },
  ];
}

const HEADER_JUNK: { headers: Record<string, string>; note: string }[] = [
  { headers: { "accept-language": "***" }, note: "Accept-Language ***" },
  { headers: { "accept-language": "x".repeat(4000) + ";q=abc, *;q=-1" }, note: "Accept-Language huge" },
  { headers: { cookie: `junk=${"%".repeat(6000)}; sid=%E0%A4%A; __Host-sid=` }, note: "huge cookie" },
  { headers: { origin: "null" }, note: "Origin null" },
  { headers: { "if-none-match": '"%"', "x-forwarded-for": "%", "cf-connecting-ip": "not-an-ip" }, note: "odd misc headers" },
  { headers: { "content-type": "application/json", "content-length": "999999999" }, note: "lying content-length" },
];

/** Fills each path parameter: the real value (so the route's code runs) or a junk one. */
function fill(path: string, value: (name: string, pattern: string | undefined) => string): string {
  return path
    .replace(/:([A-Za-z]+)(\{[^}]*\})?/g, (_m, name: string, re: string | undefined) => value(name, re?.slice(1, -1)))
    .replace(/\*$/, value("*", undefined));
}

const encodeJunk = (v: string) => v.replace(/\//g, "%2F").replace(/\?/g, "%3F").replace(/#/g, "%23");

describe("route walk: no input gets a 5xx", () => {
  it("walks every route with junk paths, queries, headers and bodies, as nobody, a member and the owner, on a community and the root host", async () => {
    const started = Date.now();
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "walker@example.org", "Walker Member");
    const owner = tenant.owner.cookie;
    await makeGroup(tenant, { name: "Walk", slug: "walk", joinPolicy: "open" }, owner);
    await joinGroup(tenant, "walk", member.cookie);
    const thread = (await (await call(tenant.host, "POST", "/api/v1/groups/walk/threads", { cookie: owner, json: { title: "Hello", body: "First" } })).json()) as { thread: { id: string } };
    const reply = (await (await call(tenant.host, "POST", `/api/v1/groups/walk/threads/${thread.thread.id}/replies`, { cookie: member.cookie, json: { body: "Hi" } })).json()) as { reply: { id: string } };
    await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: owner, json: { key: "city", label: "City", type: "text", visibility: "member", editable: true, public: true, filterable: true } });
    const invited = (await (await call(tenant.host, "POST", "/api/v1/invitations", { cookie: owner, json: { emails: ["walk-invite@example.org"] } })).json()) as unknown;
    const invitationId = JSON.stringify(invited).match(/"id":"([a-z0-9]+)"/)?.[1] ?? "none";

    const real: Record<string, string> = {
      slug: "walk",
      userId: member.id,
      rid: reply.reply.id,
      hostname: "walk.example.org",
      kind: "logo",
      targetType: "thread",
      targetId: thread.thread.id,
      key: "city",
      token: "x",
      name: "x.js",
      action: "hide",
      decision: "approve",
      "*": "x",
    };
    const realValue = (path: string) => (name: string, pattern: string | undefined) => {
      if (name === "key" && path.includes("/reactions/")) return "like";
      if (name === "id") return path.includes("/invitations/") ? invitationId : path.includes("/members/") ? member.id : thread.thread.id;
      if (pattern && real[name] && !new RegExp(`^(?:${pattern})$`).test(real[name]!)) return pattern.split("|")[0]!;
      return real[name] ?? "x";
    };

    // Each route gets fresh sessions, so a route that signs out or removes someone does not blind the rest.
    const ownerId = ((await (await call(tenant.host, "GET", "/api/v1/me", { cookie: owner })).json()) as { id: string }).id;
    const t = tenantDb(env, { id: tenant.id });
    async function cookies(): Promise<Record<Identity, string | undefined>> {
      const [o, m] = await Promise.all([newSession(t, ownerId), newSession(t, member.id)]);
      await t.db.batch([o.insert]);
      // A destructive route (removal, DELETE /me) may have deleted the member: then the walk goes on without them.
      const memberLeft = await t.db.batch([m.insert]).then(
        () => true,
        () => false,
      );
      return { anon: undefined, owner: `sid=${o.token}`, member: memberLeft ? `sid=${m.token}` : undefined };
    }

    const routes = [...new Map(app.routes.filter((r) => ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method)).map((r) => [`${r.method} ${r.path}`, r])).values()];
    // Destructive routes last: the others then run against a community that still has its group, thread and member.
    const destructive = (r: { method: string; path: string }) => r.method === "DELETE" || /\/(delete|remove|ban|leave|logout|revoke|reject|restore|view-as)$/.test(r.path);
    routes.sort((a, b) => Number(destructive(a)) - Number(destructive(b)));

    const offenders: string[] = [];
    let sent = 0;
    async function send(p: Probe, jar: Record<Identity, string | undefined>) {
      const headers = new Headers(p.headers);
      headers.set("host", p.host ?? tenant.host);
      const jarCookie = jar[p.who];
      if (jarCookie) headers.set("cookie", headers.has("cookie") ? `${headers.get("cookie")}; ${jarCookie}` : jarCookie);
      let res: Response;
      try {
        const hasBody = p.body !== undefined && p.method !== "GET";
        res = await exports.default.fetch(new Request(`http://${tenant.host}${p.path}`, { method: p.method, headers, redirect: "manual", ...(hasBody ? { body: p.body } : {}) }));
      } catch (err) {
        offenders.push(`THROWN ${p.method} ${p.path.slice(0, 160)} as ${p.who} (${p.note}): ${String(err).slice(0, 200)}`);
        return;
      }
      sent++;
      if (res.status >= 500) {
        const text = (await res.text()).slice(0, 160).replace(/\s+/g, " ");
        offenders.push(`${res.status} ${p.method} ${p.path.slice(0, 160)} as ${p.who} on ${p.host ?? "tenant"} (${p.note}): ${text}`);
      } else {
        await res.body?.cancel();
      }
    }

    const timings: [number, string][] = [];
    for (const [n, route] of routes.entries()) {
      const routeStarted = Date.now();
      const jar = await cookies();
      const path = route.path;
      const realPath = fill(path, realValue(path));
      const probes: Probe[] = [];
      const hasParams = /[:*]/.test(path);
      const withBody = route.method !== "GET" && route.method !== "DELETE";
      const ids: Identity[] = ["owner", "member", "anon"];
      // Path parameters: the junk values in turn (a rotating half as the owner, one each as the others);
      // every value reaches dozens of routes, and every route gets several values.
      if (hasParams) {
        JUNK_SEGMENTS.forEach((j, i) => {
          const junkPath = fill(path, () => encodeJunk(j));
          const slot = (i + n) % JUNK_SEGMENTS.length;
          const who: Identity | null = slot % 2 === 0 ? "owner" : slot === 1 ? "member" : slot === 3 ? "anon" : null;
          if (who) probes.push({ method: route.method, path: junkPath, who, note: `path ${j.slice(0, 20)}` });
        });
      }
      // Query parameters: all at once for everyone; one at a time on reads, a rotating sixth of them per route
      // for the owner and another sixth for the member (every one of them still reaches dozens of routes).
      for (const who of ids) probes.push({ method: route.method, path: `${realPath}?${ALL_QUERY_JUNK}`, who, note: "all query junk" });
      if (route.method === "GET") {
        QUERY_JUNK.forEach((q, i) => {
          const slot = (i + n) % 6;
          if (slot < 2) probes.push({ method: route.method, path: `${realPath}?${q}`, who: slot === 0 ? "owner" : "member", note: `query ${q.slice(0, 30)}` });
        });
      }
      // Bodies: the kinds in turn, most as the owner, some as the member and signed out.
      if (withBody || route.method === "DELETE") {
        for (const [i, b] of bodies().entries()) {
          const slot = (i + n) % 14;
          for (const who of ids) if ((who === "owner" && slot < 9) || (who === "member" && slot % 4 === 1) || (who === "anon" && slot === 13)) probes.push({ method: route.method, path: realPath, who, headers: b.headers, body: b.body, note: `body: ${b.note}` });
        }
      }
      // Headers: two of the junk sets per route, in turn.
      for (const k of [n % HEADER_JUNK.length, (n + 3) % HEADER_JUNK.length]) {
        const h = HEADER_JUNK[k]!;
        probes.push({ method: route.method, path: realPath, who: k % 2 ? "member" : "owner", headers: h.headers, ...(withBody ? { body: "{}" } : {}), note: h.note });
      }
      // Other hosts: the root host, and two unknown or malformed hosts in turn.
      const hosts = [`nobody.${ROOT}`, `${tenant.host.toUpperCase()}.`, `${tenant.host}:99999`, "%", "a..b", "x".repeat(300), "ü.example"];
      for (const host of [ROOT, hosts[n % hosts.length]!, hosts[(n + 4) % hosts.length]!]) {
        probes.push({ method: route.method, path: realPath, who: "anon", host, note: `host ${host.slice(0, 20)}` });
      }
      // The root host with junk, signed out and with a community's session cookie (meaningless there).
      probes.push({ method: route.method, path: `${realPath}?${ALL_QUERY_JUNK}`, who: n % 2 ? "anon" : "owner", host: ROOT, ...(withBody ? { headers: JSON_HEADERS, body: JSON.stringify(WRONG_TYPES) } : {}), note: "root host junk" });
      probes.push({ method: route.method, path: realPath, who: "owner", host: ROOT, note: "root host, community cookie" });

      // Non-destructive probes run 6 at a time; destructive routes one by one, in order.
      const width = destructive(route) ? 1 : 8;
      for (let i = 0; i < probes.length; i += width) await Promise.all(probes.slice(i, i + width).map((p) => send(p, jar)));
      timings.push([Date.now() - routeStarted, `${route.method} ${route.path} (${probes.length})`]);
    }
    console.log("slowest routes:", timings.sort((a, b) => b[0] - a[0]).slice(0, 8).map(([ms, r]) => `${r} ${ms} ms`).join("; "));

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`route walk: ${routes.length} routes, ${sent} requests in ${seconds} s`);
    expect(routes.length).toBeGreaterThan(100);
    expect(offenders, `${offenders.length} answers were 5xx (or threw):\n${offenders.join("\n")}`).toEqual([]);
  }, 600_000);
});
