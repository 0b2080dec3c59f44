import { describe, expect, it } from "vitest";
import { XSS_CORPUS } from "../discussions/xss-corpus";
import { call, makeTenant, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { assertSafeHtml, ok, refused, setFeatures } from "../test/helpdesk";
import type { GuideSummary, GuideView } from "./types";

// The contract's guide rows (API.md "Help desk") through HTTP.

const post = (tenant: TestTenant, cookie: string, json: unknown) => call(tenant.host, "POST", "/api/v1/guides", { cookie, json });
const newGuide = async (tenant: TestTenant, cookie: string, title = "Réserver une salle", body = "Ouvrez **Réservations**.") =>
  (await ok<{ guide: GuideView }>(await post(tenant, cookie, { title, body }), 201)).guide;
const list = async (tenant: TestTenant, cookie: string, query = "") => ok<{ items: GuideSummary[]; nextCursor: string | null }>(await call(tenant.host, "GET", `/api/v1/guides${query}`, { cookie }));

describe("guides: who writes them", () => {
  it("owners and admins create (201, the GET's shape with the rendered body), edit (200) and delete (204) any guide; members read them", async () => {
    const tenant = await makeTenant();
    const admin = await signUpMember(tenant, "guide-admin@example.com", "Ada Admin");
    await setTenantRole(tenant, admin.id, "admin");
    const member = await signUpMember(tenant, "guide-member@example.com", "Max Member");
    const guide = await newGuide(tenant, tenant.owner.cookie, "  Réserver une salle ", "Ouvrez **Réservations**.\r\nPuis choisissez.");
    expect(guide).toEqual({
      id: expect.any(String),
      title: "Réserver une salle",
      body: "Ouvrez **Réservations**.\nPuis choisissez.",
      bodyHtml: "<p>Ouvrez <strong>Réservations</strong>.<br>\nPuis choisissez.</p>\n",
      author: { id: expect.any(String), name: "Olivia Owner" },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      can: { edit: true, delete: true },
    });
    const read = (await ok<{ guide: GuideView }>(await call(tenant.host, "GET", `/api/v1/guides/${guide.id}`, { cookie: member.cookie }))).guide;
    expect(read).toEqual({ ...guide, can: { edit: false, delete: false } });
    const edited = (await ok<{ guide: GuideView }>(await call(tenant.host, "PATCH", `/api/v1/guides/${guide.id}`, { cookie: admin.cookie, json: { title: "Réserver" } }))).guide;
    expect(edited).toMatchObject({ title: "Réserver", body: guide.body, author: guide.author });
    expect((await call(tenant.host, "DELETE", `/api/v1/guides/${guide.id}`, { cookie: admin.cookie })).status).toBe(204);
    expect(await refused(await call(tenant.host, "GET", `/api/v1/guides/${guide.id}`, { cookie: member.cookie }))).toMatchObject({ status: 404, code: "not_found" });
    expect(await refused(await call(tenant.host, "DELETE", `/api/v1/guides/${guide.id}`, { cookie: admin.cookie }))).toMatchObject({ status: 404 });
  });

  it("members (and moderators, who act as members) write nothing while features.memberGuides is off (the default): 403 feature_disabled; 401 signed out", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "guide-m@example.com");
    const moderator = await signUpMember(tenant, "guide-mod@example.com");
    await setTenantRole(tenant, moderator.id, "moderator");
    const guide = await newGuide(tenant, tenant.owner.cookie);
    for (const cookie of [member.cookie, moderator.cookie]) {
      expect(await refused(await post(tenant, cookie, { title: "x", body: "y" }))).toMatchObject({ status: 403, code: "feature_disabled" });
      expect(await refused(await call(tenant.host, "PATCH", `/api/v1/guides/${guide.id}`, { cookie, json: { title: "x" } }))).toMatchObject({ status: 403, code: "feature_disabled" });
      expect(await refused(await call(tenant.host, "DELETE", `/api/v1/guides/${guide.id}`, { cookie }))).toMatchObject({ status: 403, code: "feature_disabled" });
    }
    expect(await refused(await post(tenant, "", { title: "x", body: "y" }))).toMatchObject({ status: 401 });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/guides"))).toMatchObject({ status: 401 });
  });

  it("with features.memberGuides on, members write guides and change only their own; admins change theirs too", async () => {
    const tenant = await makeTenant();
    await setFeatures(tenant, { memberGuides: true });
    const ana = await signUpMember(tenant, "guide-ana@example.com", "Ana");
    const bob = await signUpMember(tenant, "guide-bob@example.com", "Bob");
    await setTenantRole(tenant, bob.id, "moderator");
    const mine = await newGuide(tenant, ana.cookie, "L’imprimante", "Bac 2.");
    expect(mine).toMatchObject({ author: { id: ana.id, name: "Ana" }, can: { edit: true, delete: true } });
    const byOwner = await newGuide(tenant, tenant.owner.cookie);
    expect((await ok<{ guide: GuideView }>(await call(tenant.host, "GET", `/api/v1/guides/${byOwner.id}`, { cookie: ana.cookie }))).guide.can).toEqual({ edit: false, delete: false });
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/guides/${mine.id}`, { cookie: bob.cookie, json: { body: "pwned" } }))).toMatchObject({ status: 403, code: "forbidden" });
    expect(await refused(await call(tenant.host, "DELETE", `/api/v1/guides/${byOwner.id}`, { cookie: ana.cookie }))).toMatchObject({ status: 403, code: "forbidden" });
    expect((await ok<{ guide: GuideView }>(await call(tenant.host, "PATCH", `/api/v1/guides/${mine.id}`, { cookie: ana.cookie, json: { body: "Bac 3." } }))).guide.body).toBe("Bac 3.");
    expect((await ok<{ guide: GuideView }>(await call(tenant.host, "PATCH", `/api/v1/guides/${mine.id}`, { cookie: tenant.owner.cookie, json: { title: "Imprimer" } }))).guide).toMatchObject({ title: "Imprimer", author: { id: ana.id } });
    expect((await call(tenant.host, "DELETE", `/api/v1/guides/${mine.id}`, { cookie: ana.cookie })).status).toBe(204);
    // The switch off again: the author's own guide is frozen for them, not for admins.
    const again = await newGuide(tenant, ana.cookie, "Encore", "x");
    await setFeatures(tenant, { memberGuides: false });
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/guides/${again.id}`, { cookie: ana.cookie, json: { body: "y" } }))).toMatchObject({ status: 403, code: "feature_disabled" });
    expect((await ok<{ guide: GuideView }>(await call(tenant.host, "GET", `/api/v1/guides/${again.id}`, { cookie: ana.cookie }))).guide.can).toEqual({ edit: false, delete: false });
  });
});

describe("guides: search and pages", () => {
  it("?q= matches title or body regardless of case and accents, literally (% and _ are text); ordered by title; paged with a cursor", async () => {
    const tenant = await makeTenant();
    const cookie = tenant.owner.cookie;
    await newGuide(tenant, cookie, "Réserver une salle", "Choisissez un créneau.");
    await newGuide(tenant, cookie, "Le Wi-Fi", "Le mot de passe est à l’accueil ; 100% fiable.");
    await newGuide(tenant, cookie, "Accès le week-end", "Badge ÉLODIE requis.");
    await newGuide(tenant, cookie, "Zéro déchet", "Trier_les_déchets.");
    const titles = async (q: string) => (await list(tenant, cookie, `?q=${encodeURIComponent(q)}`)).items.map((g) => g.title);
    expect(await titles("")).toEqual(["Accès le week-end", "Le Wi-Fi", "Réserver une salle", "Zéro déchet"]);
    expect(await titles("RESERVER")).toEqual(["Réserver une salle"]);
    expect(await titles("creneau")).toEqual(["Réserver une salle"]);
    expect(await titles("élodie")).toEqual(["Accès le week-end"]);
    expect(await titles("  acces   LE ")).toEqual(["Accès le week-end"]);
    expect(await titles("100%")).toEqual(["Le Wi-Fi"]);
    expect(await titles("%")).toEqual(["Le Wi-Fi"]);
    expect(await titles("_les_")).toEqual(["Zéro déchet"]);
    expect(await titles("nothing like this")).toEqual([]);
    const first = await list(tenant, cookie, "?limit=3");
    expect(first.items.map((g) => g.title)).toEqual(["Accès le week-end", "Le Wi-Fi", "Réserver une salle"]);
    expect(first.items[1]).toEqual({ id: expect.any(String), title: "Le Wi-Fi", excerpt: "Le mot de passe est à l’accueil ; 100% fiable.", author: { id: expect.any(String), name: "Olivia Owner" }, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const second = await list(tenant, cookie, `?limit=3&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ items: [{ title: "Zéro déchet" }], nextCursor: null });
    expect(await refused(await call(tenant.host, "GET", `/api/v1/guides?q=${"a".repeat(101)}`, { cookie }))).toMatchObject({ status: 422, fields: { q: expect.any(String) } });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/guides?cursor=nope", { cookie }))).toMatchObject({ status: 400, code: "invalid_cursor" });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/guides?limit=0", { cookie }))).toMatchObject({ status: 422 });
  });

  it("bad input is a 4xx: 422 with fields, 400 malformed JSON, 415, unknown ids 404; another community's guide is 404", async () => {
    const tenant = await makeTenant();
    const cookie = tenant.owner.cookie;
    expect(await refused(await post(tenant, cookie, { title: "", body: " " }))).toMatchObject({ status: 422, code: "validation_failed", fields: { title: expect.any(String), body: expect.any(String) } });
    expect(await refused(await post(tenant, cookie, { title: "x".repeat(201), body: "x".repeat(20_001) }))).toMatchObject({ status: 422, fields: { title: expect.any(String), body: expect.any(String) } });
    expect(await refused(await post(tenant, cookie, { title: 1, body: [], extra: true }))).toMatchObject({ status: 422, fields: { title: expect.any(String), body: expect.any(String), extra: expect.any(String) } });
    expect(await refused(await post(tenant, cookie, "just a string"))).toMatchObject({ status: 422 });
    expect(await refused(await call(tenant.host, "POST", "/api/v1/guides", { cookie, body: "{", headers: { "content-type": "application/json" } }))).toMatchObject({ status: 400, code: "malformed_json" });
    expect((await call(tenant.host, "POST", "/api/v1/guides", { cookie, body: "title=x", headers: { "content-type": "text/plain" } })).status).toBe(415);
    const max = await newGuide(tenant, cookie, "x".repeat(200), "y".repeat(20_000));
    expect(max.title).toHaveLength(200);
    for (const id of ["nope", "x".repeat(3000), "%E0%A4%A", "..", "%00"]) {
      const res = await call(tenant.host, "GET", `/api/v1/guides/${id}`, { cookie });
      expect(res.status, id).toBe(404);
      expect((await call(tenant.host, "PATCH", `/api/v1/guides/${id}`, { cookie, json: { title: "x" } })).status, id).toBe(404);
    }
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/guides/${max.id}`, { cookie, json: { title: "" } }))).toMatchObject({ status: 422 });
    const other = await makeTenant();
    expect((await call(other.host, "GET", `/api/v1/guides/${max.id}`, { cookie: other.owner.cookie })).status).toBe(404);
    expect((await call(other.host, "DELETE", `/api/v1/guides/${max.id}`, { cookie: other.owner.cookie })).status).toBe(404);
    expect((await list(other, other.owner.cookie)).items).toEqual([]);
  });

  it("the XSS corpus through guides: bodies rendered by the discussions' renderer stay inert, titles stay text in JSON", async () => {
    const tenant = await makeTenant();
    await setFeatures(tenant, { memberGuides: true });
    const member = await signUpMember(tenant, "guide-xss@example.com");
    const quarter = Math.ceil(XSS_CORPUS.length / 4);
    for (let i = 0; i < XSS_CORPUS.length; i += quarter) {
      const body = XSS_CORPUS.slice(i, i + quarter).join("\n\n");
      const guide = await newGuide(tenant, member.cookie, XSS_CORPUS[i]!.slice(0, 200), body);
      assertSafeHtml(guide.bodyHtml);
      expect(guide.title).toBe(XSS_CORPUS[i]!.slice(0, 200).trim());
      const read = (await ok<{ guide: GuideView }>(await call(tenant.host, "GET", `/api/v1/guides/${guide.id}`, { cookie: tenant.owner.cookie }))).guide;
      assertSafeHtml(read.bodyHtml);
    }
    // Excerpts are the plain text that was written (never HTML): pages escape them like any text.
    const excerpts = (await list(tenant, member.cookie)).items.map((g) => g.excerpt);
    expect(excerpts.some((e) => e.includes("<script>alert(1)</script>"))).toBe(true);
  });
});
