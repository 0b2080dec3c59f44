import { env } from "cloudflare:workers";
import { and, eq, like } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import writeExcelFile from "write-excel-file/universal";
import { directoryDb } from "../db/client";
import { devMail, invitations, outbox } from "../db/schema";
import { deliverOutbox } from "../mail/outbox";
import { call, csvFile, importFile, makeGroup, makeTenant, signUpMember } from "../test/helpers";

type RowError = { row: number; email: string; errors: string[] };

async function invitationCount(tenantId: string) {
  return (await directoryDb(env).select().from(invitations).where(eq(invitations.tenantId, tenantId))).length;
}

describe("POST /api/v1/invitations/import", () => {
  it("imports a CSV where file values override the defaults sent with it", async () => {
    const tenant = await makeTenant();
    for (const slug of ["makers", "founders", "staff"]) await makeGroup(tenant, { name: slug, slug, joinPolicy: "invite" });
    const existing = await signUpMember(tenant, "member@example.org");
    const res = await importFile(tenant, csvFile("email,first_name,last_name,language,groups,admin\r\nAda@Example.org,Ada,Lovelace,en,makers|founders,VRAI\r\nbob@example.org,Bob,,,,\r\nmember@example.org,,,,,0\r\n"), { fields: { groups: "staff", language: "nl", tenantRole: "member", message: "Hello!" } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { invited: string[]; addedToGroups: string[]; rows: { email: string; action: string; groups: string[]; tenantRole: string; language: string }[] };
    expect(report.invited).toEqual(["ada@example.org", "bob@example.org"]);
    expect(report.addedToGroups).toEqual(["member@example.org"]);
    const ada = report.rows.find((r) => r.email === "ada@example.org")!;
    expect(ada).toMatchObject({ groups: ["makers", "founders"], tenantRole: "admin", language: "en" });
    const bob = report.rows.find((r) => r.email === "bob@example.org")!;
    expect(bob).toMatchObject({ groups: ["staff"], tenantRole: "member", language: "nl" });
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: existing.cookie })).json()) as { groups: { slug: string }[] };
    expect(me.groups.map((g) => g.slug)).toEqual(["staff"]);
    const bobMail = await directoryDb(env).select().from(outbox).where(eq(outbox.to, "bob@example.org"));
    expect(bobMail).toHaveLength(1);
    expect(bobMail[0]).toMatchObject({ status: expect.stringMatching(/pending|sending|sent/) });
    expect(bobMail[0]!.subject).toMatch(/uitgenodigd/);
  });

  it("reads .xlsx the same way, and the dry run writes nothing", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "makers", slug: "makers", joinPolicy: "invite" });
    const blob = await writeExcelFile([
      ["email", "first_name", "groups", "admin"].map((value) => ({ value })),
      [{ value: "x1@example.org" }, { value: "Xena" }, { value: "makers" }, { value: false }],
      [{ value: "x2@example.org" }, { value: "Xavier" }, { value: "" }, { value: true }],
    ]).toBlob();
    const file = new File([blob], "people.xlsx");
    const dry = await importFile(tenant, file, { query: "?dryRun=1" });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ dryRun: true, invited: ["x1@example.org", "x2@example.org"], rows: [{ row: 2, groups: ["makers"] }, { row: 3, tenantRole: "admin" }] });
    expect(await invitationCount(tenant.id)).toBe(0);
    const real = await importFile(tenant, file);
    expect(((await real.json()) as { invited: string[] }).invited).toHaveLength(2);
    expect(await invitationCount(tenant.id)).toBe(2);
  });

  it("refuses the whole file with 422 naming each bad row: bad email, duplicate (any case), unknown group or language, bad admin", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "makers", slug: "makers", joinPolicy: "invite" });
    const res = await importFile(tenant, csvFile("email;groups;language;admin\ngood@example.org;makers;fr;1\nnot-an-email;;;\nGOOD@example.org;;;\nother@example.org;nowhere;;\nlang@example.org;;english please;\nbool@example.org;;;maybe\n"));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string }; rows: RowError[] };
    expect(body.error.code).toBe("invalid_rows");
    expect(body.rows.map((r) => [r.row, r.errors.join("; ")])).toEqual([
      [3, "This is not a valid email address."],
      [4, "Same email as row 2."],
      [5, 'Unknown group "nowhere".'],
      [6, 'Unknown language code "english please": use a code such as fr, en or nl-BE.'],
      [7, 'The admin column takes TRUE/FALSE, VRAI/FAUX or 1/0, not "maybe".'],
    ]);
    expect(await invitationCount(tenant.id)).toBe(0);
  });

  it("a failure while writing imports nothing: staged rows never become visible nor emailed", async () => {
    const tenant = await makeTenant();
    // At the binding: the staged inserts go through drizzle's batch, the commit through `atomic`.
    const original = env.DB.batch.bind(env.DB);
    let calls = 0;
    const spy = vi.spyOn(env.DB, "batch").mockImplementation(((statements: Parameters<typeof original>[0]) => {
      calls++;
      // Let the staged inserts through, fail the final commit.
      if (calls === 2) return Promise.reject(new Error("D1_ERROR: network connection lost"));
      return original(statements);
    }) as typeof env.DB.batch);
    const res = await importFile(tenant, csvFile("email\nfail1@example.org\nfail2@example.org\n"));
    spy.mockRestore();
    expect(res.status).toBe(500);
    expect(await invitationCount(tenant.id)).toBe(0);
    expect(await directoryDb(env).select().from(outbox).where(and(eq(outbox.tenantId, tenant.id), eq(outbox.to, "fail1@example.org")))).toEqual([]);
    // And the addresses can be invited normally afterwards.
    expect((await importFile(tenant, csvFile("email\nfail1@example.org\n"))).status).toBe(200);
  });

  it("imports 10,000 rows, with every invitation and email written", async () => {
    const tenant = await makeTenant();
    const lines = ["email,first_name"];
    for (let i = 0; i < 10_000; i++) lines.push(`person${i}@example.org,P${i}`);
    const res = await importFile(tenant, csvFile(lines.join("\n")));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { invited: string[] }).invited).toHaveLength(10_000);
    expect(await invitationCount(tenant.id)).toBe(10_000);
    const mails = await directoryDb(env).select({ id: outbox.id }).from(outbox).where(eq(outbox.tenantId, tenant.id));
    expect(mails.length).toBeGreaterThanOrEqual(10_000);
    // Every email goes out through the dev transport, exactly once, even with a second drain running.
    await Promise.all([deliverOutbox(env, { tenantId: tenant.id, limit: 20_000, budgetMs: 60_000 }), deliverOutbox(env, { tenantId: tenant.id, limit: 20_000, budgetMs: 60_000 })]);
    const delivered = await directoryDb(env).select({ id: devMail.id }).from(devMail).where(and(eq(devMail.tenantId, tenant.id), like(devMail.to, "person%")));
    expect(delivered).toHaveLength(10_000);
    const pending = await directoryDb(env).select({ id: outbox.id }).from(outbox).where(and(eq(outbox.tenantId, tenant.id), eq(outbox.status, "pending")));
    expect(pending).toEqual([]);
  }, 120_000);

  it("serves the templates with the contract's header", async () => {
    const tenant = await makeTenant();
    const csvRes = await call(tenant.host, "GET", "/api/v1/invitations/template.csv", { cookie: tenant.owner.cookie });
    expect((await csvRes.text()).replace(/^\ufeff/, "").split("\r\n")[0]).toBe("email,first_name,last_name,language,groups,admin");
    const xlsx = await call(tenant.host, "GET", "/api/v1/invitations/template.xlsx", { cookie: tenant.owner.cookie });
    expect(xlsx.headers.get("content-type")).toMatch(/spreadsheetml/);
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
  });
});
