import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { newId } from "../db/ids";
import { invitations, users, type Tenant } from "../db/schema";
import { createGroup, createGroupSchema } from "../groups/service";
import { ApiError } from "../http/errors";
import { parseWith } from "../http/validate";
import { createTenant, createTenantSchema } from "../tenancy/service";
import { commitImport, stageImport, stagedImportReport } from "./import";
import type { InviteChoices, Inviter } from "./service";

// The import without JavaScript as services: no request, no Hono, only D1 and R2.

const NO_CHOICES: InviteChoices = { groups: [], tenantRole: "", groupRole: "", language: "", message: "" };

async function community(): Promise<{ tenant: Tenant; owner: Inviter; t: ReturnType<typeof tenantDb> }> {
  const subdomain = `s${newId(10)}`;
  const tenant = await createTenant(env, parseWith(createTenantSchema, { name: "Staging", subdomain, owner: { email: `owner@${subdomain}.example`, password: "correct horse battery", name: "Olivia Owner" } }));
  const t = tenantDb(env, tenant);
  const user = (await t.db.select().from(users).where(and(eq(users.tenantId, tenant.id), eq(users.tenantRole, "owner"))))[0]!;
  await createGroup(t, user, tenant.groupCreation, parseWith(createGroupSchema, { name: "Crew", slug: "crew", joinPolicy: "invite" }));
  return { tenant, t, owner: { user, actsAsTenantAdmin: true } };
}

const csv = (text: string, name = "list.csv") => new File([text], name, { type: "text/csv" });

async function refusal(run: () => Promise<unknown>): Promise<ApiError> {
  const err = await run().then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

const invitationsOf = (t: ReturnType<typeof tenantDb>) => t.db.select().from(invitations).where(eq(invitations.tenantId, t.tenantId));

describe("stageImport", () => {
  it("plans the file with its defaults and keeps it in R2 for its importer, writing no invitation", async () => {
    const { t, owner } = await community();
    const staged = await stageImport(env, t, owner, csv("email,groups\nnew1@example.org,crew\nnew2@example.org,\n"), { ...NO_CHOICES, groupRole: "member" });
    expect(staged.fileName).toBe("list.csv");
    expect(staged.plan.map((r) => [r.email, r.action, r.groups])).toEqual([
      ["new1@example.org", "invite", ["crew"]],
      ["new2@example.org", "invite", []],
    ]);
    expect(await invitationsOf(t)).toHaveLength(0);
    const object = await env.MEDIA.get(`tenants/${t.tenantId}/imports/${staged.id}`);
    expect(object?.customMetadata).toMatchObject({ kind: "csv", name: "list.csv", by: owner.user.id });
    expect(JSON.parse(object!.customMetadata!.defaults!)).toMatchObject({ groups: [], tenantRole: "member", groupRole: "member" });
  });

  it("refuses no file (422 on file), a file too large (413), bad defaults (422) and rows to fix (their rows), staging nothing", async () => {
    const { t, owner } = await community();
    const none = await refusal(() => stageImport(env, t, owner, null, NO_CHOICES));
    expect([none.status, Object.keys(none.fields ?? {})]).toEqual([422, ["file"]]);
    expect((await refusal(() => stageImport(env, t, owner, csv(""), NO_CHOICES))).status).toBe(422);
    const big = await refusal(() => stageImport(env, t, owner, csv("x".repeat(8 * 1024 * 1024 + 1)), NO_CHOICES));
    expect([big.status, big.code]).toEqual([413, "payload_too_large"]);
    const role = await refusal(() => stageImport(env, t, owner, csv("email\na@example.org\n"), { ...NO_CHOICES, tenantRole: "king" }));
    expect([role.status, Object.keys(role.fields ?? {})]).toEqual([422, ["tenantRole"]]);
    const rows = await refusal(() => stageImport(env, t, owner, csv("email\nok@example.org\nbroken\n"), NO_CHOICES));
    expect(rows.code).toBe("invalid_rows");
    expect(rows.rows?.map((r) => [r.row, r.email])).toEqual([[3, "broken"]]);
    expect((await env.MEDIA.list({ prefix: `tenants/${t.tenantId}/imports/` })).objects).toHaveLength(0);
  });
});

describe("commitImport", () => {
  it("sends a staged import once, planned again, and keeps its report for its importer only", async () => {
    const { tenant, t, owner } = await community();
    const staged = await stageImport(env, t, owner, csv("email,groups\nnew1@example.org,crew\nnew2@example.org,\n"), NO_CHOICES);
    const { id, report } = await commitImport(env, t, tenant, owner, staged.id);
    expect(id).toBe(staged.id);
    expect(report.invited.sort()).toEqual(["new1@example.org", "new2@example.org"]);
    expect((await invitationsOf(t)).map((i) => i.status)).toEqual(["pending", "pending"]);

    const csvReport = await stagedImportReport(env, tenant.id, owner, id);
    expect(csvReport).toContain("new1@example.org,invite,,crew,FALSE");
    // Sent once: a second commit is a 404 and writes nothing more.
    expect((await refusal(() => commitImport(env, t, tenant, owner, id))).status).toBe(404);
    expect(await invitationsOf(t)).toHaveLength(2);
    // Anyone else (another admin of the same community) finds neither the import nor its report.
    const other: Inviter = { user: { ...owner.user, id: newId() }, actsAsTenantAdmin: true };
    expect((await refusal(() => stagedImportReport(env, tenant.id, other, id))).status).toBe(404);
  });

  it("plans again at sending: an address invited since the preview is left alone", async () => {
    const { tenant, t, owner } = await community();
    const first = await stageImport(env, t, owner, csv("email\nsame@example.org\n"), NO_CHOICES);
    const second = await stageImport(env, t, owner, csv("email\nsame@example.org\n"), NO_CHOICES);
    expect(second.plan[0]!.action).toBe("invite");
    await commitImport(env, t, tenant, owner, first.id);
    const { report } = await commitImport(env, t, tenant, owner, second.id);
    expect(report.invited).toEqual([]);
    expect(await invitationsOf(t)).toHaveLength(1);
  });

  it("is a 404 for another importer's upload, an unknown id, or an id that is not ours, before any report exists", async () => {
    const { tenant, t, owner } = await community();
    const staged = await stageImport(env, t, owner, csv("email\na@example.org\n"), NO_CHOICES);
    const other: Inviter = { user: { ...owner.user, id: newId() }, actsAsTenantAdmin: true };
    for (const [who, id] of [
      [other, staged.id],
      [owner, newId()],
      [owner, "../../other-tenant/x"],
    ] as const) {
      expect((await refusal(() => commitImport(env, t, tenant, who, id))).status).toBe(404);
    }
    expect((await refusal(() => stagedImportReport(env, tenant.id, owner, staged.id))).status).toBe(404);
    expect(await invitationsOf(t)).toHaveLength(0);
  });
});
