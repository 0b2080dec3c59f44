import { describe, expect, it } from "vitest";
import { backfillSearchText } from "../db/search-backfill";
import { call, env, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { fold } from "./search";

type Names = { items: { name: string }[] };
type Invites = { items: { email: string }[] };

async function directoryNames(tenant: TestTenant, cookie: string, q: string): Promise<string[]> {
  const res = await call(tenant.host, "GET", `/api/v1/directory?q=${encodeURIComponent(q)}`, { cookie });
  expect(res.status, q).toBe(200);
  return ((await res.json()) as Names).items.map((i) => i.name).sort();
}

async function invitationEmails(tenant: TestTenant, q: string): Promise<string[]> {
  const res = await call(tenant.host, "GET", `/api/v1/invitations?q=${encodeURIComponent(q)}`, { cookie: tenant.owner.cookie });
  expect(res.status, q).toBe(200);
  return ((await res.json()) as Invites).items.map((i) => i.email).sort();
}

async function adminMembersPage(tenant: TestTenant, q: string): Promise<string> {
  const res = await call(tenant.host, "GET", `/admin/members?q=${encodeURIComponent(q)}`, { cookie: tenant.owner.cookie });
  expect(res.status, q).toBe(200);
  return res.text();
}

describe("fold", () => {
  it("lowercases, strips accents and collapses white space", () => {
    expect(fold("  Élodie \t Dupré ")).toBe("elodie dupre");
    expect(fold("ÇA ŞİR Øre Ñandú")).toBe("ca sir øre nandu");
    expect(fold("50%_off")).toBe("50%_off");
  });
});

describe("search parameters q: at most 100 characters, matched regardless of case and accents", () => {
  it("answers 200 up to 100 characters and 422 beyond, on the directory and the invitations", async () => {
    const tenant = await makeTenant();
    const hundred = "é".repeat(50) + "a%_".repeat(16) + "zz";
    expect(hundred.length).toBe(100);
    for (const path of ["/api/v1/directory", "/api/v1/invitations"]) {
      const ok = await call(tenant.host, "GET", `${path}?q=${encodeURIComponent(hundred)}`, { cookie: tenant.owner.cookie });
      expect(ok.status, path).toBe(200);
      expect(((await ok.json()) as Names).items).toEqual([]);
      const long = await call(tenant.host, "GET", `${path}?q=${encodeURIComponent(hundred + "x")}`, { cookie: tenant.owner.cookie });
      expect(long.status, path).toBe(422);
      expect(((await long.json()) as { error: { code: string; fields: Record<string, string> } }).error).toMatchObject({ code: "validation_failed", fields: { q: expect.any(String) } });
    }
    // The admin members page searches too (a page: the query is cut to 100 characters, never a 5xx).
    expect((await call(tenant.host, "GET", `/admin/members?q=${encodeURIComponent(hundred + "x".repeat(200))}`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await call(tenant.host, "GET", `/admin/invitations?q=${encodeURIComponent(hundred + "x".repeat(200))}`, { cookie: tenant.owner.cookie })).status).toBe(200);
  });

  it("finds Élodie by elodie, ELODIE and élodie, and a name with spaces by its words", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "elodie@example.org", "Élodie  Dupré");
    await signUpMember(tenant, "eloise@example.org", "Eloïse Martin");
    for (const q of ["elodie", "ELODIE", "Élodie", "ÉLODIE", "dupre", "lodie dup", "  Elodie   Dupre "]) {
      expect(await directoryNames(tenant, member.cookie, q), q).toEqual(["Élodie  Dupré"]);
      expect(await adminMembersPage(tenant, q), q).toContain("Élodie  Dupré");
    }
    expect(await directoryNames(tenant, member.cookie, "elo")).toEqual(["Eloïse Martin", "Élodie  Dupré"]);
    // A renamed member is found by the new name only.
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { name: "Zoé Ångström" } })).status).toBe(200);
    expect(await directoryNames(tenant, member.cookie, "elodie")).toEqual([]);
    expect(await directoryNames(tenant, member.cookie, "ZOE ANGSTROM")).toEqual(["Zoé Ångström"]);
    // The admin list also searches emails.
    expect(await adminMembersPage(tenant, "ELOISE@EXAMPLE")).toContain("Eloïse Martin");
  });

  it("filters the directory by a long text field value (no LIKE pattern over 50 bytes): 200, never a 5xx", async () => {
    const tenant = await makeTenant();
    expect((await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: tenant.owner.cookie, json: { key: "city", label: "City", type: "text", visibility: "member", editable: true, public: true, filterable: true } })).status).toBe(201);
    const member = await signUpMember(tenant, "city@example.org", "Cy Citizen");
    const city = "Saint-Rémy-de-Provence, Bouches-du-Rhône, 100% _ sunny";
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: { city } } })).status).toBe(200);
    const res = await call(tenant.host, "GET", `/api/v1/directory?field.city=${encodeURIComponent(city.toUpperCase().replace("É", "é").replace("Ô", "ô"))}`, { cookie: member.cookie });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Names).items.map((i) => i.name)).toEqual(["Cy Citizen"]);
    const long = await call(tenant.host, "GET", `/api/v1/directory?field.city=${"a%_".repeat(60)}`, { cookie: member.cookie });
    expect(long.status).toBe(200);
    expect(((await long.json()) as Names).items).toEqual([]);
  });

  it("takes % and _ literally", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "pct@example.org", "Ann 100% Sure");
    await signUpMember(tenant, "under@example.org", "Bea Under_Score");
    await signUpMember(tenant, "plain@example.org", "Cal Plain");
    expect(await directoryNames(tenant, member.cookie, "%")).toEqual(["Ann 100% Sure"]);
    expect(await directoryNames(tenant, member.cookie, "_")).toEqual(["Bea Under_Score"]);
    expect(await directoryNames(tenant, member.cookie, "a%e")).toEqual([]);
    expect(await adminMembersPage(tenant, "_")).not.toContain("Cal Plain");
    const invited = await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: ["under_score@example.org", "underXscore@example.org"] } });
    expect(invited.status).toBeLessThan(300);
    expect(await invitationEmails(tenant, "under_")).toEqual(["under_score@example.org"]);
    expect(await invitationEmails(tenant, "UNDER")).toEqual(["under_score@example.org", "underxscore@example.org"]);
    expect(await invitationEmails(tenant, "%")).toEqual([]);
  });

  it("finds rows written before search_text existed, and the scheduled backfill folds them", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "old@example.org", "Amélie Old");
    await signUpMember(tenant, "older@example.org", "Bernard Older");
    // As a row inserted by hand or before the migration: no folded copy.
    await env.DB.prepare("update users set search_text = null where tenant_id = ?").bind(tenant.id).run();
    expect(await directoryNames(tenant, member.cookie, "bernard")).toEqual(["Bernard Older"]);
    // Until the backfill reaches them, such rows match on their ASCII-lowercased name (what SQLite's lower() does).
    expect(await directoryNames(tenant, member.cookie, "OLD")).toEqual(["Amélie Old", "Bernard Older"]);
    expect(await directoryNames(tenant, member.cookie, "amelie")).toEqual([]);
    expect(await backfillSearchText(env, { batchSize: 1, batches: 1000 })).toBeGreaterThanOrEqual(3);
    const left = await env.DB.prepare("select count(*) as n from users where tenant_id = ? and search_text is null").bind(tenant.id).first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect(await directoryNames(tenant, member.cookie, "AMELIE")).toEqual(["Amélie Old"]);
    expect(await backfillSearchText(env)).toBe(0);
  });
});
