import { afterEach, describe, expect, it } from "vitest";
import { call, form, makeTenant, signUpMember } from "../test/helpers";
import { newId } from "../db/ids";
import { CloudflareForSaas, setHostnameProviderForTests } from "./domains";

afterEach(() => setHostnameProviderForTests(null));

/** Pages speak the signed-in person's language unless `?lang=` asks for another. */
const inLang = (path: string, lang: string) => `${path}${path.includes("?") ? "&" : "?"}lang=${lang}`;

/** Cloudflare's custom_hostnames API and DNS-over-HTTPS, answered in memory. */
function fakeCloudflare() {
  const txt = new Map<string, string[]>();
  const state = new Map<string, { hostname: string; status: string; ssl: string }>();
  let n = 0;
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    if (url.hostname === "cloudflare-dns.com") {
      const name = url.searchParams.get("name")!;
      return Response.json({ Status: 0, Answer: (txt.get(name) ?? []).map((v) => ({ name, type: 16, data: `"${v}"` })) });
    }
    const method = init?.method ?? "GET";
    const view = (id: string) => {
      const s = state.get(id)!;
      return {
        id,
        hostname: s.hostname,
        status: s.status,
        ownership_verification: { type: "txt", name: `_cf-custom-hostname.${s.hostname}`, value: `own-${id}` },
        ssl: { status: s.ssl, method: "txt", validation_records: [{ status: "pending", txt_name: `_acme-challenge.${s.hostname}`, txt_value: `acme-${id}` }] },
      };
    };
    if (method === "POST") {
      const body = JSON.parse(String(init!.body)) as { hostname: string };
      const existing = [...state.entries()].find(([, s]) => s.hostname === body.hostname);
      if (existing) return Response.json({ success: false, errors: [{ code: 1406, message: "Duplicate custom hostname found." }] }, { status: 409 });
      const id = `ch-${++n}`;
      state.set(id, { hostname: body.hostname, status: "pending", ssl: "pending_validation" });
      return Response.json({ success: true, result: view(id) });
    }
    if (url.searchParams.has("hostname")) return Response.json({ success: true, result: [...state.keys()].filter((id) => state.get(id)!.hostname === url.searchParams.get("hostname")).map(view) });
    const id = url.pathname.split("/").pop()!;
    if (method === "DELETE") {
      state.delete(id);
      return Response.json({ success: true, result: { id } });
    }
    return Response.json({ success: true, result: view(id) });
  }) as typeof fetch;
  return {
    provider: new CloudflareForSaas("zone-1", "cf-token", fetcher, "customers.communities.test"),
    publish: (name: string, value: string) => txt.set(name, [...(txt.get(name) ?? []), value]),
    activate: (hostname: string) => {
      for (const s of state.values()) if (s.hostname === hostname) Object.assign(s, { status: "active", ssl: "active" });
    },
  };
}

const hostFor = (label: string) => `${label}-${newId(6).toLowerCase()}.example.org`;
const proofIn = (page: string, hostname: string) => new RegExp(`communities-verify=[A-Za-z0-9_-]+`).exec(page.slice(page.indexOf(`_communities-verify.${hostname}`)))?.[0];

describe("domains pages", () => {
  it("a community admin adds a hostname through the form, sees every DNS record and the state, verifies and removes it", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const tenant = await makeTenant();
    const cookie = tenant.owner.cookie;
    const hostname = hostFor("club");

    const empty = await call(tenant.host, "GET", inLang("/admin/domains", "en"), { cookie });
    expect(empty.status).toBe(200);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain('action="/admin/domains"');
    expect(emptyHtml).toContain('href="/admin/domains"');
    expect(emptyHtml).toContain("No custom domain yet.");

    const added = await call(tenant.host, "POST", "/admin/domains", form({ hostname: hostname.toUpperCase() }, cookie));
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe("/admin/domains?done=added");

    const page = await (await call(tenant.host, "GET", inLang("/admin/domains?done=added", "en"), { cookie })).text();
    expect(page).toContain("Domain added");
    expect(page).toContain(hostname);
    expect(page).toContain("Awaiting verification");
    for (const record of [`_communities-verify.${hostname}`, `_cf-custom-hostname.${hostname}`, "own-ch-1", `_acme-challenge.${hostname}`, "acme-ch-1", "customers.communities.test"]) expect(page).toContain(record);
    expect(page).toContain('class="copyable"');
    expect(page).toContain(`action="/admin/domains/${hostname}/verify"`);
    expect(page).toContain(`action="/admin/domains/${hostname}/remove"`);
    expect(page).toContain("pending_validation");

    // Not yet published: checked, still pending.
    const checked = await call(tenant.host, "POST", `/admin/domains/${hostname}/verify`, form({}, cookie));
    expect(checked.headers.get("location")).toBe("/admin/domains?done=checked");

    cf.publish(`_communities-verify.${hostname}`, proofIn(page, hostname)!);
    const verified = await call(tenant.host, "POST", `/admin/domains/${hostname}/verify`, form({}, cookie));
    expect(verified.headers.get("location")).toBe("/admin/domains?done=verified");
    expect(await (await call(tenant.host, "GET", inLang("/admin/domains", "en"), { cookie })).text()).toContain("Ownership verified");

    cf.activate(hostname);
    const active = await call(tenant.host, "POST", `/admin/domains/${hostname}/verify`, form({}, cookie));
    expect(active.headers.get("location")).toBe("/admin/domains?done=active");
    const activePage = await (await call(tenant.host, "GET", inLang("/admin/domains", "en"), { cookie })).text();
    expect(activePage).toContain(`https://${hostname}/`);
    expect(activePage).not.toContain("DNS records to create");

    const removed = await call(tenant.host, "POST", `/admin/domains/${hostname}/remove`, form({}, cookie));
    expect(removed.headers.get("location")).toBe("/admin/domains?done=removed");
    expect(await (await call(tenant.host, "GET", inLang("/admin/domains", "en"), { cookie })).text()).toContain("No custom domain yet.");
  });

  it("shows refusals on the form in the reader's language: a malformed hostname, one another community holds", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const [a, b] = await Promise.all([makeTenant(), makeTenant()]);
    const bad = await call(a.host, "POST", inLang("/admin/domains", "fr"), form({ hostname: "http://nope" }, a.owner.cookie));
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Saisissez un nom d’hôte");
    expect(badHtml).toContain('value="http://nope"');

    const hostname = hostFor("held");
    await call(a.host, "POST", "/admin/domains", form({ hostname }, a.owner.cookie));
    // A pending claim blocks nobody.
    expect((await call(b.host, "POST", "/admin/domains", form({ hostname }, b.owner.cookie))).status).toBe(303);
    const pageA = await (await call(a.host, "GET", "/admin/domains", { cookie: a.owner.cookie })).text();
    cf.publish(`_communities-verify.${hostname}`, proofIn(pageA, hostname)!);
    await call(a.host, "POST", `/admin/domains/${hostname}/verify`, form({}, a.owner.cookie));

    const lost = await call(b.host, "POST", inLang(`/admin/domains/${hostname}/verify`, "nl"), form({}, b.owner.cookie));
    expect(lost.status).toBe(409);
    const lostHtml = await lost.text();
    expect(lostHtml).toContain("Een andere community gebruikt deze hostnaam al.");
    expect(lostHtml).toContain("Geclaimd door een andere community");
  });

  it("members cannot open it; signed-out visitors are sent to log in", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, `m-${newId(4)}@example.org`);
    expect((await call(tenant.host, "GET", "/admin/domains", { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/admin/domains", form({ hostname: "x.example.org" }, member.cookie))).status).toBe(403);
    const out = await call(tenant.host, "GET", "/admin/domains");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login?next=%2Fadmin%2Fdomains");
  });

  it("a group's admin manages the group's own domain from its settings; other members cannot", async () => {
    setHostnameProviderForTests(fakeCloudflare().provider);
    const tenant = await makeTenant();
    const groupAdmin = await signUpMember(tenant, `ga-${newId(4)}@example.org`, "Gina Admin");
    const created = await call(tenant.host, "POST", "/api/v1/groups", { cookie: groupAdmin.cookie, json: { name: "Club Vélo", slug: "velo" } });
    expect(created.status).toBe(201);
    const other = await signUpMember(tenant, `o-${newId(4)}@example.org`);

    const settings = await (await call(tenant.host, "GET", inLang("/admin/groups/velo", "fr"), { cookie: groupAdmin.cookie })).text();
    expect(settings).toContain('href="/admin/groups/velo/domains"');

    const hostname = hostFor("velo");
    const added = await call(tenant.host, "POST", "/admin/groups/velo/domains", form({ hostname }, groupAdmin.cookie));
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe("/admin/groups/velo/domains?done=added");
    const page = await call(tenant.host, "GET", inLang("/admin/groups/velo/domains", "fr"), { cookie: groupAdmin.cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(hostname);
    expect(html).toContain("Enregistrements DNS à créer");
    expect(html).toContain(`action="/admin/groups/velo/domains/${hostname}/verify"`);

    // The community's page lists it too (tenant admins see every claim of the community).
    const community = await (await call(tenant.host, "GET", inLang("/admin/domains", "en"), { cookie: tenant.owner.cookie })).text();
    expect(community).toContain(hostname);
    expect(community).toContain("For the group <a href=\"/admin/groups/velo/domains\">Club Vélo</a>");

    expect((await call(tenant.host, "GET", "/admin/groups/velo/domains", { cookie: other.cookie })).status).toBe(403);
    expect((await call(tenant.host, "POST", `/admin/groups/velo/domains/${hostname}/remove`, form({}, other.cookie))).status).toBe(403);
    const removed = await call(tenant.host, "POST", `/admin/groups/velo/domains/${hostname}/remove`, form({}, groupAdmin.cookie));
    expect(removed.headers.get("location")).toBe("/admin/groups/velo/domains?done=removed");
  });
});
