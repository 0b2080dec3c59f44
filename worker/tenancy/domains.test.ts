import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { runScheduled } from "../cron";
import { directoryDb } from "../db/client";
import { newId } from "../db/ids";
import { domainClaims } from "../db/schema";
import { call, errorCode, makeTenant, sessionCookie, signUpMember, type TestTenant } from "../test/helpers";
import { CLAIM_TTL_MS, CloudflareForSaas, runDomainJobs, setHostnameProviderForTests, txtValues } from "./domains";
import { invalidateTenantHosts, resolveHost } from "./hosts";

afterEach(() => setHostnameProviderForTests(null));

type Rec = { type: string; name: string; value: string };
type DomainJson = { hostname: string; status: string; verification: Rec[]; hostnameStatus: string; certificate: { status: string }; expiresAt: string | null };

let hostCounter = 0;
/** A hostname no other test of this file uses (the directory is shared by the file's tests). */
const uniqueHost = (label: string) => `${label}-${Date.now().toString(36)}${hostCounter++}.example.org`;

/**
 * A stand-in for Cloudflare: the custom_hostnames endpoints (one registration per hostname, 409 on a
 * duplicate, as the real API) and DNS-over-HTTPS TXT answers. Never the network.
 */
function fakeCloudflare() {
  const calls: { method: string; url: string; body: unknown }[] = [];
  type Ch = { id: string; hostname: string; status: string; ssl: { status: string; method: string; validation_records: { status: string; txt_name?: string; txt_value?: string; http_url?: string; http_body?: string }[] } };
  const hostnames = new Map<string, Ch>();
  const txt = new Map<string, string[]>();
  let n = 0;
  const ok = (result: unknown) => Response.json({ success: true, errors: [], messages: [], result });
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url: String(input), body });
    if (url.hostname === "cloudflare-dns.com") {
      const name = url.searchParams.get("name")!;
      return Response.json({ Status: 0, Answer: (txt.get(name) ?? []).map((v) => ({ name, type: 16, TTL: 300, data: `"${v}"` })) });
    }
    if (new Headers(init?.headers).get("authorization") !== "Bearer cf-token") return Response.json({ success: false, errors: [{ code: 10000, message: "Authentication error" }] }, { status: 403 });
    if (method === "POST") {
      if ([...hostnames.values()].some((h) => h.hostname === body.hostname)) {
        return Response.json({ success: false, errors: [{ code: 1406, message: "Duplicate custom hostname found." }] }, { status: 409 });
      }
      const id = `ch-${++n}`;
      const ch: Ch = {
        id,
        hostname: body.hostname,
        status: "pending",
        ssl: { status: "pending_validation", method: body.ssl.method, validation_records: [{ status: "pending", txt_name: `_acme-challenge.${body.hostname}`, txt_value: `acme-${id}` }] },
      };
      hostnames.set(id, ch);
      return ok({ ...ch, ownership_verification: { type: "txt", name: `_cf-custom-hostname.${body.hostname}`, value: `own-${id}` } });
    }
    if (method === "GET" && url.searchParams.has("hostname")) return ok([...hostnames.values()].filter((h) => h.hostname === url.searchParams.get("hostname")));
    const id = url.pathname.split("/").pop()!;
    if (method === "DELETE") {
      hostnames.delete(id);
      return ok({ id });
    }
    const ch = hostnames.get(id);
    if (!ch) return Response.json({ success: false, errors: [{ code: 1436, message: "Custom hostname not found." }] }, { status: 404 });
    return ok({ ...ch, ownership_verification: { type: "txt", name: `_cf-custom-hostname.${ch.hostname}`, value: `own-${id}` } });
  }) as typeof fetch;
  const byHost = (hostname: string) => [...hostnames.values()].find((h) => h.hostname === hostname)!;
  return {
    calls,
    hostnames,
    provider: new CloudflareForSaas("zone-1", "cf-token", fetcher, "customers.communities.test"),
    /** The domain's owner publishes a TXT record. */
    publish: (name: string, value: string) => txt.set(name, [...(txt.get(name) ?? []), value]),
    /** Cloudflare sees the CNAME and issues the certificate. */
    activate: (hostname: string, ssl = "active") => {
      const ch = byHost(hostname);
      ch.status = "active";
      ch.ssl.status = ssl;
    },
  };
}

async function claim(tenant: TestTenant, hostname: string) {
  return call(tenant.host, "POST", "/api/v1/tenant/domains", { cookie: tenant.owner.cookie, json: { hostname } });
}
async function verify(tenant: TestTenant, hostname: string) {
  return call(tenant.host, "POST", `/api/v1/tenant/domains/${hostname}/verify`, { cookie: tenant.owner.cookie });
}
const proofOf = (d: DomainJson) => d.verification.find((r) => r.name.startsWith("_communities-verify."))!;
describe("custom domains", () => {
  it("lists every DNS record, and serves the tenant only once ownership is proven and both the hostname and its certificate are active", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const tenant = await makeTenant({ name: "Custom Co" });
    const host = uniqueHost("community");
    const res = await claim(tenant, `  ${host.toUpperCase()}. `);
    expect(res.status).toBe(201);
    const domain = (await res.json()) as DomainJson;
    expect(domain).toMatchObject({ hostname: host, status: "pending", hostnameStatus: "pending", certificate: { status: "pending_validation" } });
    expect(cf.calls[0]).toMatchObject({ method: "POST", url: "https://api.cloudflare.com/client/v4/zones/zone-1/custom_hostnames", body: { hostname: host, ssl: { method: "txt", type: "dv" } } });
    // The claim's own proof, the CNAME to the platform, Cloudflare's ownership TXT and the certificate's TXT.
    expect(domain.verification).toEqual([
      { type: "TXT", name: `_communities-verify.${host}`, value: expect.stringMatching(/^communities-verify=/) },
      { type: "CNAME", name: host, value: "customers.communities.test" },
      { type: "TXT", name: `_cf-custom-hostname.${host}`, value: "own-ch-1" },
      { type: "TXT", name: `_acme-challenge.${host}`, value: "acme-ch-1" },
    ]);
    expect(Date.parse(domain.expiresAt!) - Date.now()).toBeGreaterThan(CLAIM_TTL_MS - 60_000);

    expect((await call(host, "GET", "/")).status).toBe(404);
    expect(await (await verify(tenant, host)).json()).toMatchObject({ status: "pending" });

    // Proven, hostname active, certificate still pending: held, not served.
    cf.publish(proofOf(domain).name, proofOf(domain).value);
    cf.activate(host, "pending_validation");
    expect(await (await verify(tenant, host)).json()).toMatchObject({ status: "verified", hostnameStatus: "active", certificate: { status: "pending_validation" } });
    invalidateTenantHosts();
    expect((await call(host, "GET", "/")).status).toBe(404);

    cf.activate(host, "active");
    expect(await (await verify(tenant, host)).json()).toMatchObject({ status: "active", certificate: { status: "active" } });
    const home = await call(host, "GET", "/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Custom Co");
    const login = await call(host, "POST", "/api/v1/auth/login", { json: { email: tenant.owner.email, password: tenant.owner.password } });
    expect(login.status).toBe(200);
    expect((await call(host, "GET", "/api/v1/me", { cookie: sessionCookie(login) })).status).toBe(200);
  });

  it("a pending claim blocks nobody: both tenants get 201, the first to prove it wins, the other's claim ends with 409 domain_taken, a third claim is 409", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const [squatter, owner, third] = await Promise.all([makeTenant(), makeTenant(), makeTenant()]);
    const host = uniqueHost("shared");
    const first = await claim(squatter, host);
    const second = await claim(owner, host);
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = [(await first.json()) as DomainJson, (await second.json()) as DomainJson];
    expect([a.status, b.status]).toEqual(["pending", "pending"]);
    expect(proofOf(a).value).not.toBe(proofOf(b).value);
    // One Cloudflare registration serves both claims.
    expect(cf.hostnames.size).toBe(1);

    // The squatter cannot publish its proof; the real owner does.
    cf.publish(proofOf(b).name, proofOf(b).value);
    const won = await verify(owner, host);
    expect(won.status).toBe(200);
    expect(await won.json()).toMatchObject({ status: "verified" });

    const lost = await verify(squatter, host);
    expect(lost.status).toBe(409);
    expect(await errorCode(lost)).toBe("domain_taken");
    const list = (await (await call(squatter.host, "GET", "/api/v1/tenant/domains", { cookie: squatter.owner.cookie })).json()) as { items: DomainJson[] };
    expect(list.items.find((d) => d.hostname === host)?.status).toBe("ended");

    const late = await claim(third, host);
    expect(late.status).toBe(409);
    expect(await errorCode(late)).toBe("domain_taken");
    // The loser cannot reclaim it either while it is held.
    expect((await claim(squatter, host)).status).toBe(409);
  });

  it("several tenants claiming one new hostname at the same moment all get 201 pending, over one Cloudflare registration", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const tenants = await Promise.all([makeTenant(), makeTenant(), makeTenant()]);
    const host = uniqueHost("crowd");
    const answers = await Promise.all(tenants.map((t) => claim(t, host)));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(cf.hostnames.size).toBe(1);
    const rows = await directoryDb(env).select().from(domainClaims).where(eq(domainClaims.hostname, host));
    expect(rows.map((r) => r.status)).toEqual(["pending", "pending", "pending"]);
    expect(new Set(rows.map((r) => r.providerId)).size).toBe(1);
    // Registration deleted at Cloudflare meanwhile: a check registers it again.
    cf.hostnames.clear();
    expect((await verify(tenants[0]!, host)).status).toBe(200);
    expect(cf.hostnames.size).toBe(1);
  });

  it("two proven claims verified at the same moment: exactly one wins", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const [a, b] = await Promise.all([makeTenant(), makeTenant()]);
    const host = uniqueHost("race");
    const da = (await (await claim(a, host)).json()) as DomainJson;
    const db = (await (await claim(b, host)).json()) as DomainJson;
    cf.publish(proofOf(da).name, proofOf(da).value);
    cf.publish(proofOf(db).name, proofOf(db).value);
    const results = await Promise.all([verify(a, host), verify(b, host), verify(a, host), verify(b, host)]);
    const winners = new Set<string>();
    for (const [i, r] of results.entries()) if (r.status === 200) winners.add(i % 2 === 0 ? "a" : "b");
    expect(winners.size).toBe(1);
    const holders = await directoryDb(env).select().from(domainClaims).where(and(eq(domainClaims.hostname, host), eq(domainClaims.status, "verified")));
    expect(holders).toHaveLength(1);
  });

  it("unverified claims expire after 7 days through the scheduled job, which is idempotent; an expired claim never serves and can start over", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const tenant = await makeTenant();
    const host = uniqueHost("stale");
    const fresh = uniqueHost("fresh");
    expect((await claim(tenant, host)).status).toBe(201);
    const t0 = Date.now();
    const db = directoryDb(env);
    await db.update(domainClaims).set({ createdAt: t0 - CLAIM_TTL_MS - 1000 }).where(eq(domainClaims.hostname, host));
    expect((await claim(tenant, fresh)).status).toBe(201);

    // The claim made 7 days ago expires, the one made just now does not.
    const report = await runScheduled(env, t0);
    expect(report.domains.expired).toBe(1);
    const rows = await db.select().from(domainClaims).where(eq(domainClaims.tenantId, tenant.id));
    expect(Object.fromEntries(rows.map((r) => [r.hostname, r.status]))).toEqual({ [host]: "expired", [fresh]: "pending" });
    // Its Cloudflare registration is released once no live claim uses it.
    // (The run also checks other tests' claims, so only these two hostnames are looked at.)
    const registered = [...cf.hostnames.values()].map((h) => h.hostname);
    expect(registered).toContain(fresh);
    expect(registered).not.toContain(host);
    // The same `now` again changes nothing.
    expect((await runScheduled(env, t0)).domains.expired).toBe(0);
    expect((await runDomainJobs(env, t0 + CLAIM_TTL_MS + 60_000, { tenantId: tenant.id })).expired).toBe(1);

    // Even a proof published later does not revive an expired claim.
    const listed = (await (await call(tenant.host, "GET", "/api/v1/tenant/domains", { cookie: tenant.owner.cookie })).json()) as { items: DomainJson[] };
    const stale = listed.items.find((d) => d.hostname === host)!;
    cf.publish(proofOf(stale).name, proofOf(stale).value);
    expect(await (await verify(tenant, host)).json()).toMatchObject({ status: "expired" });
    expect((await resolveHost(env, host)).kind).toBe("unknown");

    // Claiming again starts a new claim with a new proof.
    const again = await claim(tenant, host);
    expect(again.status).toBe(201);
    const restarted = (await again.json()) as DomainJson;
    expect(restarted.status).toBe("pending");
    expect(proofOf(restarted).value).not.toBe(proofOf(stale).value);
  });

  it("the scheduled job polls pending hostnames at Cloudflare in bounded chunks and activates them", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const tenant = await makeTenant();
    const hosts = [uniqueHost("poll"), uniqueHost("poll"), uniqueHost("poll")];
    for (const h of hosts) {
      const d = (await (await claim(tenant, h)).json()) as DomainJson;
      cf.publish(proofOf(d).name, proofOf(d).value);
      cf.activate(h);
    }
    const before = cf.calls.length;
    const first = await runDomainJobs(env, Date.now(), { tenantId: tenant.id, batch: 2 });
    expect(first).toMatchObject({ checked: 2, activated: 2 });
    // Each check: one DNS lookup and one Cloudflare read.
    expect(cf.calls.length - before).toBe(4);
    const second = await runDomainJobs(env, Date.now(), { tenantId: tenant.id, batch: 2 });
    expect(second).toMatchObject({ checked: 1, activated: 1 });
    for (const h of hosts) expect((await resolveHost(env, h)).kind).toBe("tenant");
    expect((await runDomainJobs(env, Date.now(), { tenantId: tenant.id, batch: 2 })).checked).toBe(0);
  });

  it("host lookup never serves a pending or verified claim, only an active one", async () => {
    const tenant = await makeTenant();
    const db = directoryDb(env);
    const host = uniqueHost("lookup");
    const id = newId();
    const now = Date.now();
    await db.insert(domainClaims).values({ id, hostname: host, tenantId: tenant.id, groupId: null, status: "pending", proofName: "n", proofValue: "v", hostnameStatus: "active", sslStatus: "active", createdAt: now });
    for (const status of ["pending", "verified", "ended", "expired", "active"] as const) {
      await db.update(domainClaims).set({ status }).where(eq(domainClaims.id, id));
      invalidateTenantHosts();
      expect((await resolveHost(env, host)).kind, status).toBe(status === "active" ? "tenant" : "unknown");
    }
  });

  it("removing a claim releases the Cloudflare registration only when no other live claim uses it", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const [a, b] = await Promise.all([makeTenant(), makeTenant()]);
    const host = uniqueHost("remove");
    await claim(a, host);
    await claim(b, host);
    expect((await call(a.host, "DELETE", `/api/v1/tenant/domains/${host}`, { cookie: a.owner.cookie })).status).toBe(204);
    expect(cf.hostnames.size).toBe(1);
    expect((await call(b.host, "DELETE", `/api/v1/tenant/domains/${host}`, { cookie: b.owner.cookie })).status).toBe(204);
    expect(cf.hostnames.size).toBe(0);
    expect((await call(b.host, "DELETE", `/api/v1/tenant/domains/${host}`, { cookie: b.owner.cookie })).status).toBe(404);
  });

  it("refuses members, malformed hostnames and the platform's own domain", async () => {
    const tenant = await makeTenant();
    const member = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "m@example.org", password: "ten chars!!", name: "M" } });
    const asMember = await call(tenant.host, "POST", "/api/v1/tenant/domains", { cookie: sessionCookie(member), json: { hostname: "x.example.org" } });
    expect(asMember.status).toBe(403);
    for (const hostname of ["localhost", "-bad.example.org", "a..b.org", "http://x.org", "x.communities.test"]) {
      const res = await call(tenant.host, "POST", "/api/v1/tenant/domains", { cookie: tenant.owner.cookie, json: { hostname } });
      expect(res.status, hostname).toBe(422);
    }
  });

  it("group domains follow the same rules and resolve the group once active", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const [tenant, other] = await Promise.all([makeTenant(), makeTenant()]);
    const created = await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Runners", slug: "runners" } });
    expect(created.status).toBe(201);
    const member = await signUpMember(tenant, `runner-${newId(4)}@example.org`);
    const host = uniqueHost("run");

    const path = "/api/v1/groups/runners/domains";
    expect((await call(tenant.host, "POST", path, { cookie: member.cookie, json: { hostname: host } })).status).toBe(403);
    const mine = await call(tenant.host, "POST", path, { cookie: tenant.owner.cookie, json: { hostname: host } });
    expect(mine.status).toBe(201);
    const theirs = await claim(other, host);
    expect(theirs.status).toBe(201);
    const d = (await mine.json()) as DomainJson;
    expect(d).toMatchObject({ status: "pending" });

    cf.publish(proofOf(d).name, proofOf(d).value);
    cf.activate(host);
    const verified = await call(tenant.host, "POST", `${path}/${host}/verify`, { cookie: tenant.owner.cookie });
    expect(await verified.json()).toMatchObject({ status: "active" });
    const match = await resolveHost(env, host);
    expect(match.kind === "tenant" && match.group?.slug).toBe("runners");
    expect(await errorCode(await verify(other, host))).toBe("domain_taken");
    expect((await claim(other, host)).status).toBe(409);

    const listed = (await (await call(tenant.host, "GET", path, { cookie: tenant.owner.cookie })).json()) as { items: DomainJson[] };
    expect(listed.items.map((i) => i.hostname)).toEqual([host]);
    expect((await call(tenant.host, "DELETE", path, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await resolveHost(env, host)).kind).toBe("unknown");
  });

  it("reads TXT answers split in several strings", () => {
    expect(txtValues({ Answer: [{ type: 16, data: '"communities-verify=ab" "cd"' }, { type: 5, data: "x." }] })).toEqual(["communities-verify=abcd"]);
  });
});
