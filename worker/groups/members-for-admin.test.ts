import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { signUp } from "../auth/service";
import { tenantDb } from "../db/client";
import { newId } from "../db/ids";
import { users } from "../db/schema";
import { createTenant } from "../tenancy/service";
import { banMember, joinGroup, membersForAdmin } from "./membership";
import { createGroup, loadGroup } from "./service";

// The group admin page's member list, from the service alone.

describe("membersForAdmin", () => {
  it("lists every member and, for who may ban, the bans; viewing as a member keeps the list and hides the bans", async () => {
    const subdomain = `m${newId(8).toLowerCase()}`;
    const tenant = await createTenant(env, { name: "Members test", subdomain, owner: { email: `owner@${subdomain}.example`, password: "correct horse battery", name: "Olivia Owner" } });
    const t = tenantDb(env, tenant);
    const owner = (await t.db.query.users.findFirst({ where: and(eq(users.tenantId, tenant.id), eq(users.tenantRole, "owner")) }))!;
    await createGroup(t, owner, "everyone", { name: "Club", slug: "club", description: "", joinPolicy: "open", questions: [], links: [] });
    const urls = { base: "https://example.test" };
    const member = (await signUp(t, tenant, { email: "max@example.org", password: "a long enough password", name: "Max" }, urls)).user;
    const banned = (await signUp(t, tenant, { email: "bea@example.org", password: "a long enough password", name: "Bea" }, urls)).user;
    await joinGroup(env, t, await loadGroup(t, "club", member), member, {});
    await banMember(env, t, await loadGroup(t, "club", owner), banned.id, owner);

    const lists = await membersForAdmin(t, await loadGroup(t, "club", owner), "2026-01-01");
    expect(lists.members.map((m) => [m.name, m.role]).sort()).toEqual([
      ["Max", "member"],
      ["Olivia Owner", "owner"],
    ]);
    expect(lists.members[0]).toMatchObject({ joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), avatarUrl: null, email: expect.any(String) });
    expect(lists.bans).toEqual([expect.objectContaining({ userId: banned.id, bannedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })]);

    const asMember = await membersForAdmin(t, await loadGroup(t, "club", owner, true), "2026-01-01");
    expect(asMember.members).toHaveLength(2);
    expect(asMember.bans).toEqual([]);
  });
});
