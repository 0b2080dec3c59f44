import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import worker from "..";
import { directoryDb } from "../db/client";
import { groups } from "../db/schema";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { gif, ico, jpeg, png, svg, webpLossless } from "../test/images";
import { RESTORE_WINDOW_MS } from "./service";

type Group = { id: string; slug: string; name: string; joinPolicy: string; questions: { id: string; label: string; required: boolean }[]; branding: Record<string, string | null>; links: { title: string; url: string }[]; memberCount: number; slugChangesLeft: number; role: string | null; deletedAt: string | null };
type Err = { error: { code: string; fields?: Record<string, string> } };

async function createGroup(tenant: TestTenant, body: Record<string, unknown>, cookie = tenant.owner.cookie) {
  const res = await call(tenant.host, "POST", "/api/v1/groups", { cookie, json: body });
  return { res, group: res.status === 201 ? ((await res.json()) as { group: Group }).group : null };
}

describe("groups", () => {
  it("creates a group whose creator is its owner, with approval by default", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "creator@example.org");
    const { res, group } = await createGroup(tenant, { name: "Café Philo", description: "Débats du mardi", questions: [{ label: "Pourquoi ?", required: true }] }, member.cookie);
    expect(res.status).toBe(201);
    expect(group).toMatchObject({ slug: "cafe-philo", name: "Café Philo", joinPolicy: "approval", role: "owner", memberCount: 1, slugChangesLeft: 1, deletedAt: null });
    expect(group!.questions[0]).toMatchObject({ label: "Pourquoi ?", required: true, id: expect.any(String) });
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: member.cookie })).json()) as { groups: unknown[] };
    expect(me.groups).toEqual([{ slug: "cafe-philo", role: "owner" }]);
    // The same name again gets the next free slug.
    expect((await createGroup(tenant, { name: "Café Philo" }, member.cookie)).group!.slug).toBe("cafe-philo-2");
  });

  it("answers 409 slug_taken for a slug in use, 422 for bad input, 401 signed out", async () => {
    const tenant = await makeTenant();
    await createGroup(tenant, { name: "Runners", slug: "runners" });
    const taken = await createGroup(tenant, { name: "Other runners", slug: "runners" });
    expect(taken.res.status).toBe(409);
    expect(((await taken.res.json()) as Err).error.code).toBe("slug_taken");
    const bad = await createGroup(tenant, { name: "x", slug: "Not A Slug!", joinPolicy: "sometimes", links: [{ title: "evil", url: "javascript:alert(1)" }] });
    expect(bad.res.status).toBe(422);
    expect(Object.keys(((await bad.res.json()) as Err).error.fields!).sort()).toEqual(["joinPolicy", "links.0.url", "name", "slug"]);
    expect((await call(tenant.host, "POST", "/api/v1/groups", { json: { name: "Anon" } })).status).toBe(401);
  });

  it("reads a group with branding, links, member count and slug changes left", async () => {
    const tenant = await makeTenant();
    await createGroup(tenant, { name: "Jardin", slug: "jardin", joinPolicy: "open", links: [{ title: "Site", url: "https://jardin.example.org" }] });
    const res = await call(tenant.host, "GET", "/api/v1/groups/jardin");
    expect(res.status).toBe(200);
    const group = (await res.json()) as Group;
    expect(group).toMatchObject({
      slug: "jardin",
      joinPolicy: "open",
      branding: { primaryColor: null, logoUrl: null, coverUrl: null, faviconUrl: null },
      links: [{ title: "Site", url: "https://jardin.example.org" }],
      memberCount: 1,
      slugChangesLeft: 1,
    });
    expect((await call(tenant.host, "GET", "/api/v1/groups/nope")).status).toBe(404);
  });

  it("edits a group (admins and owner only) and changes its slug once; the old slug is dead", async () => {
    const tenant = await makeTenant();
    const owner = await signUpMember(tenant, "gowner@example.org");
    const outsider = await signUpMember(tenant, "outsider@example.org");
    await createGroup(tenant, { name: "Climbing", slug: "climbing", joinPolicy: "open" }, owner.cookie);
    await call(tenant.host, "POST", "/api/v1/groups/climbing/join", { cookie: outsider.cookie, json: {} });
    const asMember = await call(tenant.host, "PATCH", "/api/v1/groups/climbing", { cookie: outsider.cookie, json: { name: "Mine now" } });
    expect(asMember.status).toBe(403);

    const edited = await call(tenant.host, "PATCH", "/api/v1/groups/climbing", {
      cookie: owner.cookie,
      json: { name: "Bouldering", description: "Indoor walls", branding: { primaryColor: "#FF5500" }, links: [{ title: "Gym", url: "http://gym.example.org/x" }], slug: "bouldering" },
    });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { group: Group }).group).toMatchObject({ slug: "bouldering", name: "Bouldering", branding: { primaryColor: "#ff5500" }, slugChangesLeft: 0 });
    expect((await call(tenant.host, "GET", "/api/v1/groups/climbing")).status).toBe(404);
    expect((await call(tenant.host, "GET", "/g/climbing")).status).toBe(404);
    expect((await call(tenant.host, "GET", "/api/v1/groups/bouldering")).status).toBe(200);

    const again = await call(tenant.host, "PATCH", "/api/v1/groups/bouldering", { cookie: owner.cookie, json: { slug: "climbing-again" } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Err).error.code).toBe("slug_locked");
    // The old slug cannot be taken by another group either: old links stay dead.
    expect((await createGroup(tenant, { name: "Climbing 2", slug: "climbing" })).res.status).toBe(409);
    // Tenant admins act as group admins.
    expect((await call(tenant.host, "PATCH", "/api/v1/groups/bouldering", { cookie: tenant.owner.cookie, json: { joinPolicy: "invite" } })).status).toBe(200);
  });

  it("soft-deletes (owner or tenant admin), hides from others, restores within 30 days, then the cron purges", async () => {
    const tenant = await makeTenant();
    const owner = await signUpMember(tenant, "deleter@example.org");
    const member = await signUpMember(tenant, "bystander@example.org");
    const { group } = await createGroup(tenant, { name: "Temporary", slug: "temporary", joinPolicy: "open" }, owner.cookie);
    await call(tenant.host, "POST", "/api/v1/groups/temporary/join", { cookie: member.cookie, json: {} });
    expect((await call(tenant.host, "DELETE", "/api/v1/groups/temporary", { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "DELETE", "/api/v1/groups/temporary", { cookie: owner.cookie })).status).toBe(204);

    expect((await call(tenant.host, "GET", "/api/v1/groups/temporary", { cookie: member.cookie })).status).toBe(404);
    const listed = (await (await call(tenant.host, "GET", "/api/v1/groups", { cookie: member.cookie })).json()) as { items: Group[] };
    expect(listed.items.map((g) => g.slug)).not.toContain("temporary");
    const adminView = await call(tenant.host, "GET", "/api/v1/groups/temporary", { cookie: tenant.owner.cookie });
    expect(adminView.status).toBe(200);
    expect(((await adminView.json()) as Group).deletedAt).toEqual(expect.any(String));
    const adminList = (await (await call(tenant.host, "GET", "/api/v1/groups", { cookie: tenant.owner.cookie })).json()) as { items: Group[] };
    expect(adminList.items.find((g) => g.slug === "temporary")?.deletedAt).toEqual(expect.any(String));

    const restored = await call(tenant.host, "POST", "/api/v1/groups/temporary/restore", { cookie: owner.cookie });
    expect(restored.status).toBe(200);
    expect(((await restored.json()) as { group: Group }).group).toMatchObject({ slug: "temporary", deletedAt: null, memberCount: 2 });

    // Deleted 31 days ago: restore is over, and the cron removes it for good.
    await call(tenant.host, "DELETE", "/api/v1/groups/temporary", { cookie: tenant.owner.cookie });
    await directoryDb(env).update(groups).set({ deletedAt: Date.now() - RESTORE_WINDOW_MS - 60_000 }).where(eq(groups.id, group!.id));
    expect((await call(tenant.host, "POST", "/api/v1/groups/temporary/restore", { cookie: owner.cookie })).status).toBe(410);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await directoryDb(env).select().from(groups).where(eq(groups.id, group!.id))).toEqual([]);
  });

  it("lists groups with cursor pagination", async () => {
    const tenant = await makeTenant();
    for (const name of ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]) await createGroup(tenant, { name });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/groups?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = (await (await call(tenant.host, "GET", url)).json()) as { items: Group[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((g) => g.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);
    expect((await call(tenant.host, "GET", "/api/v1/groups?limit=0")).status).toBe(422);
    expect((await call(tenant.host, "GET", "/api/v1/groups?cursor=%%%")).status).toBe(400);
  });
});

describe("group assets", () => {
  async function put(tenant: TestTenant, kind: string, bytes: Uint8Array<ArrayBuffer>, type: string, cookie = tenant.owner.cookie) {
    return call(tenant.host, "PUT", `/api/v1/groups/brand/assets/${kind}`, { cookie, body: bytes, headers: { "content-type": type } });
  }

  it("stores PNG, JPEG, WebP, GIF (and ICO favicons), serving the same bytes with the right type and a long cache", async () => {
    const tenant = await makeTenant();
    await createGroup(tenant, { name: "Brand", slug: "brand" });
    for (const [kind, bytes, type] of [["logo", png(64, 64), "image/png"], ["cover", jpeg(1200, 400), "image/jpeg"], ["logo", webpLossless(), "image/webp"], ["cover", gif(), "image/gif"], ["favicon", ico(), "image/x-icon"], ["favicon", png(32, 32), "image/png"]] as const) {
      const res = await put(tenant, kind, bytes, "application/octet-stream");
      expect(res.status, `${kind} ${type}`).toBe(200);
      const { url } = (await res.json()) as { url: string };
      expect(url).toMatch(new RegExp(`^/media/tenants/${tenant.id}/groups/[a-z0-9]+/${kind}/[0-9a-f]{64}\\.`));
      const served = await call(tenant.host, "GET", url);
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).toBe(type);
      expect(served.headers.get("x-content-type-options")).toBe("nosniff");
      expect(served.headers.get("cache-control")).toMatch(/max-age=31536000/);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
      const etag = served.headers.get("etag")!;
      expect((await call(tenant.host, "GET", url, { headers: { "if-none-match": etag } })).status).toBe(304);
    }
    const group = (await (await call(tenant.host, "GET", "/api/v1/groups/brand")).json()) as Group;
    expect(group.branding.logoUrl).toMatch(/\.webp$/);
    expect(group.branding.faviconUrl).toMatch(/\.png$/);
  });

  it("decides the type from the bytes: spoofed headers and SVG get 415", async () => {
    const tenant = await makeTenant();
    await createGroup(tenant, { name: "Brand", slug: "brand" });
    const spoofed = await put(tenant, "logo", new TextEncoder().encode("<?php echo 1; ?> pretending") as Uint8Array<ArrayBuffer>, "image/png");
    expect(spoofed.status).toBe(415);
    expect(((await spoofed.json()) as Err).error.code).toBe("unsupported_media_type");
    expect((await put(tenant, "logo", svg() as Uint8Array<ArrayBuffer>, "image/svg+xml")).status).toBe(415);
    expect((await put(tenant, "logo", svg() as Uint8Array<ArrayBuffer>, "image/png")).status).toBe(415);
    expect((await put(tenant, "favicon", jpeg(), "image/x-icon")).status).toBe(415);
  });

  it("answers 413 over 2 MiB (logo), 5 MiB (cover), 512 KiB (favicon)", async () => {
    const tenant = await makeTenant();
    await createGroup(tenant, { name: "Brand", slug: "brand" });
    expect((await put(tenant, "logo", png(10, 10, 2 * 1024 * 1024 + 1), "image/png")).status).toBe(413);
    expect((await put(tenant, "logo", png(10, 10, 2 * 1024 * 1024), "image/png")).status).toBe(200);
    expect((await put(tenant, "cover", png(10, 10, 5 * 1024 * 1024 + 1), "image/png")).status).toBe(413);
    expect((await put(tenant, "favicon", png(10, 10, 512 * 1024 + 1), "image/png")).status).toBe(413);
    expect((await put(tenant, "banner", png(), "image/png")).status).toBe(404);
  });

  it("only group admins upload, and one tenant's media is not served on another's host", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const member = await signUpMember(a, "nobody@example.org");
    await createGroup(a, { name: "Brand", slug: "brand" });
    expect((await put(a, "logo", png(), "image/png", member.cookie)).status).toBe(403);
    const { url } = (await (await put(a, "logo", png(), "image/png")).json()) as { url: string };
    expect((await call(b.host, "GET", url)).status).toBe(404);
  });
});
