import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { newId } from "../db/ids";
import { tenants } from "../db/schema";
import { useHandoff } from "./handoff";
import { startCommunity } from "./service";

// The root host's /new form as a plain service: the form's values in, a community and its
// owner's one-time hand-over token out.

const ip = () => `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe("startCommunity", () => {
  it("makes the community and a token that signs its owner in on the new host, once", async () => {
    const subdomain = `s${newId(8).toLowerCase()}`;
    const { tenant, token } = await startCommunity(env, ip(), { name: "Garden club", subdomain, language: "en", owner: { name: "Gina", email: "gina@example.org", password: "a long enough password" } });
    expect(tenant).toMatchObject({ name: "Garden club", subdomain, defaultLanguage: "en" });
    const t = tenantDb(env, tenant);
    expect(await useHandoff(t, token)).toEqual({ sessionToken: expect.any(String) });
    await expect(useHandoff(t, token)).rejects.toMatchObject({ status: 400, code: "invalid_token" });
  });

  it("refuses a form that does not fit (422 naming the fields as the API nests them) and makes nothing", async () => {
    const subdomain = `s${newId(8).toLowerCase()}`;
    await expect(startCommunity(env, ip(), { name: "G", subdomain, owner: { name: "", email: "not an address", password: "short" } })).rejects.toMatchObject({
      status: 422,
      fields: expect.objectContaining({ name: expect.any(String), "owner.email": expect.any(String), "owner.password": expect.any(String) }),
    });
    expect(await directoryDb(env).query.tenants.findFirst({ where: eq(tenants.subdomain, subdomain) })).toBeUndefined();
  });

  it("a subdomain already taken is a 409 subdomain_taken", async () => {
    const subdomain = `s${newId(8).toLowerCase()}`;
    const owner = { name: "Gina", email: "gina@example.org", password: "a long enough password" };
    await startCommunity(env, ip(), { name: "First", subdomain, owner });
    await expect(startCommunity(env, ip(), { name: "Second", subdomain, owner })).rejects.toMatchObject({ status: 409, code: "subdomain_taken" });
  });
});
