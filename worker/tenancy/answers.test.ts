import { describe, expect, it } from "vitest";
import { call, makeTenant, randomIp, ROOT } from "../test/helpers";
import { createdTenantAnswer, domainListAnswer, tenantAnswer } from "./answers";

describe("tenancy answers.ts", () => {
  it("parses real tenant creation, settings (public and admin) and domain list answers", async () => {
    const sub = `ans${Date.now().toString(36)}`;
    const created = await call(ROOT, "POST", "/api/v1/tenants", {
      json: { name: "Answers", subdomain: sub, owner: { email: "o@example.com", password: "correct horse battery", name: "O" } },
      headers: randomIp(),
    });
    expect(created.status).toBe(201);
    createdTenantAnswer.parse(await created.json());
    const tenant = await makeTenant();
    const publicView = await call(tenant.host, "GET", "/api/v1/tenant");
    expect(tenantAnswer.strict().parse(await publicView.json()).domains).toBeUndefined();
    const adminView = await call(tenant.host, "GET", "/api/v1/tenant", { cookie: tenant.owner.cookie });
    expect(tenantAnswer.strict().parse(await adminView.json()).domains).toEqual([]);
    const patched = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { status: { state: "restricted", message: "Works" } } });
    expect(patched.status).toBe(200);
    expect(tenantAnswer.strict().parse(await patched.json()).status?.state).toBe("restricted");
    const domains = await call(tenant.host, "GET", "/api/v1/tenant/domains", { cookie: tenant.owner.cookie });
    domainListAnswer.parse(await domains.json());
  });
});
