import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { domains, groups, memberships } from "../db/schema";
import { call, makeTenant, sessionCookie } from "../test/helpers";
import { CloudflareForSaas, setHostnameProviderForTests } from "./domains";
import { invalidateTenantHosts } from "./hosts";
import { eq } from "drizzle-orm";

afterEach(() => setHostnameProviderForTests(null));

type DomainJson = { hostname: string; status: string; verification: { type: string; name: string; value: string } };

/** A stand-in for the Cloudflare API: records calls, answers like the custom_hostnames endpoints. */
function fakeCloudflare() {
  const calls: { method: string; url: string; body: unknown }[] = [];
  const state = new Map<string, string>();
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    if (new Headers(init?.headers).get("authorization") !== "Bearer cf-token") return Response.json({ success: false, errors: [{ code: 10000, message: "Authentication error" }] }, { status: 403 });
    if (method === "POST") {
      const id = `ch-${state.size + 1}`;
      state.set(id, "pending");
      return Response.json({ success: true, result: { id, status: "pending", ownership_verification: { type: "txt", name: `_cf-custom-hostname.${body.hostname}`, value: `v-${id}` } } });
    }
    const id = url.split("/").pop()!;
    return Response.json({ success: true, result: { id, status: state.get(id) ?? "pending" } });
  }) as typeof fetch;
  return { calls, state, provider: new CloudflareForSaas("zone-1", "cf-token", fetcher) };
}

describe("custom domains", () => {
  it("a tenant admin adds a hostname, gets a TXT record, and the domain serves the tenant once verified", async () => {
    const cf = fakeCloudflare();
    setHostnameProviderForTests(cf.provider);
    const tenant = await makeTenant({ name: "Custom Co" });
    const res = await call(tenant.host, "POST", "/api/v1/tenant/domains", { cookie: tenant.owner.cookie, json: { hostname: "Community.Custom-Co.org." } });
    expect(res.status).toBe(201);
    const domain = (await res.json()) as DomainJson;
    expect(domain).toMatchObject({ hostname: "community.custom-co.org", status: "pending", verification: { type: "TXT", name: "_cf-custom-hostname.community.custom-co.org", value: "v-ch-1" }, cname: null });
    expect(cf.calls[0]).toMatchObject({ method: "POST", url: "https://api.cloudflare.com/client/v4/zones/zone-1/custom_hostnames", body: { hostname: "community.custom-co.org", ssl: { method: "txt", type: "dv" } } });

    // Pending: the host serves nothing yet.
    expect((await call("community.custom-co.org", "GET", "/")).status).toBe(404);
    const stillPending = await call(tenant.host, "POST", "/api/v1/tenant/domains/community.custom-co.org/verify", { cookie: tenant.owner.cookie });
    expect(await stillPending.json()).toMatchObject({ status: "pending" });

    cf.state.set("ch-1", "active");
    const verified = await call(tenant.host, "POST", "/api/v1/tenant/domains/community.custom-co.org/verify", { cookie: tenant.owner.cookie });
    expect(await verified.json()).toMatchObject({ status: "active" });
    const home = await call("community.custom-co.org", "GET", "/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Custom Co");
    // Sessions work on the custom domain too, bound to the same tenant.
    const login = await call("community.custom-co.org", "POST", "/api/v1/auth/login", { json: { email: tenant.owner.email, password: tenant.owner.password } });
    expect(login.status).toBe(200);
    expect((await call("community.custom-co.org", "GET", "/api/v1/me", { cookie: sessionCookie(login) })).status).toBe(200);
  });

  it("answers 409 when another tenant holds the hostname", async () => {
    setHostnameProviderForTests(fakeCloudflare().provider);
    const a = await makeTenant();
    const b = await makeTenant();
    expect((await call(a.host, "POST", "/api/v1/tenant/domains", { cookie: a.owner.cookie, json: { hostname: "shared.example.org" } })).status).toBe(201);
    const taken = await call(b.host, "POST", "/api/v1/tenant/domains", { cookie: b.owner.cookie, json: { hostname: "shared.example.org" } });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { error: { code: string } }).error.code).toBe("domain_taken");
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

  it("a domain attached to a group resolves that group", async () => {
    const tenant = await makeTenant();
    const db = directoryDb(env);
    const now = Date.now();
    const groupId = `${tenant.id}-runners`;
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: tenant.owner.cookie })).json()) as { id: string };
    await db.batch([
      db.insert(groups).values({ id: groupId, tenantId: tenant.id, slug: "runners", name: "Runners", ownerId: me.id, createdAt: now, primaryColor: "#ff5500" }),
      db.insert(memberships).values({ tenantId: tenant.id, groupId, userId: me.id, role: "owner", createdAt: now }),
      db.insert(domains).values({ hostname: "run.example.org", tenantId: tenant.id, groupId, status: "active", verificationName: "n", verificationValue: "v", createdAt: now, verifiedAt: now }),
    ]);
    invalidateTenantHosts();
    const { resolveHost } = await import("./hosts");
    const match = await resolveHost(env, "run.example.org");
    expect(match.kind === "tenant" && match.group?.slug).toBe("runners");
    await db.update(domains).set({ status: "pending" }).where(eq(domains.hostname, "run.example.org"));
    invalidateTenantHosts();
    expect((await resolveHost(env, "run.example.org")).kind).toBe("unknown");
  });
});
