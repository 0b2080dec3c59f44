import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { newId } from "../db/ids";
import { tenants } from "../db/schema";
import { ico, jpeg, png, svg } from "../test/images";
import { resolveHost } from "./hosts";
import { createTenant, setTenantImage } from "./service";

// Storing a community's logo or favicon, the one service behind PUT /tenant/assets/:kind and
// the settings page's uploads, called with plain values.

async function community() {
  const subdomain = `i${newId(8).toLowerCase()}`;
  return createTenant(env, { name: "Image test", subdomain, owner: { email: `owner@${subdomain}.example`, password: "correct horse battery", name: "Olivia Owner" } });
}

const row = (id: string) => directoryDb(env).query.tenants.findFirst({ where: eq(tenants.id, id) });

describe("setTenantImage", () => {
  it("stores the logo under a content-hash key, records it and shows it on the community's host at once", async () => {
    const tenant = await community();
    const host = `${tenant.subdomain}.${env.ROOT_DOMAIN}`;
    // The host cache holds the community as it was.
    const before = await resolveHost(env, host);
    expect(before.kind === "tenant" && before.tenant.logoKey).toBe(null);

    const bytes = png(64, 32);
    const { key, image } = await setTenantImage(env, tenant, "logo", bytes);
    expect(key).toMatch(new RegExp(`^tenants/${tenant.id}/tenant/logo/[0-9a-f]{64}\\.png$`));
    expect(image).toEqual({ type: "image/png", width: 64, height: 32 });
    const object = await env.MEDIA.get(key);
    expect(object?.httpMetadata?.contentType).toBe("image/png");
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytes);
    expect((await row(tenant.id))?.logoKey).toBe(key);
    const after = await resolveHost(env, host);
    expect(after.kind === "tenant" && after.tenant.logoKey).toBe(key);
    // The same bytes again: the same key.
    expect((await setTenantImage(env, tenant, "logo", png(64, 32))).key).toBe(key);
  });

  it("a favicon may be an ICO and leaves the logo alone", async () => {
    const tenant = await community();
    const logo = await setTenantImage(env, tenant, "logo", jpeg());
    const favicon = await setTenantImage(env, tenant, "favicon", ico());
    expect(favicon.image.type).toBe("image/x-icon");
    expect(await row(tenant.id)).toMatchObject({ logoKey: logo.key, faviconKey: favicon.key });
  });

  it("refuses what is not an accepted image, or too big, and records nothing", async () => {
    const tenant = await community();
    await expect(setTenantImage(env, tenant, "logo", svg() as Uint8Array<ArrayBuffer>)).rejects.toMatchObject({ status: 415 });
    await expect(setTenantImage(env, tenant, "favicon", jpeg())).rejects.toMatchObject({ status: 415 });
    await expect(setTenantImage(env, tenant, "logo", png(2, 2, 2 * 1024 * 1024 + 1))).rejects.toMatchObject({ status: 413 });
    await expect(setTenantImage(env, tenant, "logo", png(50_000, 50_000))).rejects.toMatchObject({ status: 422, code: "image_too_large" });
    expect(await row(tenant.id)).toMatchObject({ logoKey: null, faviconKey: null });
    expect((await env.MEDIA.list({ prefix: `tenants/${tenant.id}/` })).objects).toHaveLength(0);
  });
});
