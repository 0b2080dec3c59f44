import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findUserByEmail, userGroups } from "../auth/service";
import { directoryDb, tenantDb } from "../db/client";
import { groups, memberships, users } from "../db/schema";
import { groupCards } from "../groups/queries";
import { deliverOutbox } from "../mail/outbox";
import { listDomains } from "./domains";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

/** Gives a tenant the very same data as any other: same member email, same group slug. */
async function sameData(tenant: TestTenant, label: string) {
  const member = await signUpMember(tenant, "twin@example.org", `Twin of ${label}`);
  const db = directoryDb(env);
  const groupId = `${tenant.id}-g`;
  const now = Date.now();
  await db.batch([
    db.insert(groups).values({ id: groupId, tenantId: tenant.id, slug: "book-club", name: `Book club ${label}`, ownerId: member.id, createdAt: now }),
    db.insert(memberships).values({ tenantId: tenant.id, groupId, userId: member.id, role: "owner", createdAt: now }),
  ]);
  await call(tenant.host, "POST", "/api/v1/tenant/domains", { cookie: tenant.owner.cookie, json: { hostname: `club-${label.toLowerCase()}.example.org` } });
  return member;
}

describe("tenant isolation", () => {
  it("two tenants with identical data each see only their own, through every API and repository", async () => {
    const a = await makeTenant({ name: "Tenant A" });
    const b = await makeTenant({ name: "Tenant B" });
    const memberA = await sameData(a, "A");
    const memberB = await sameData(b, "B");

    // Through HTTP.
    const meA = (await (await call(a.host, "GET", "/api/v1/me", { cookie: memberA.cookie })).json()) as { name: string; groups: unknown[] };
    const meB = (await (await call(b.host, "GET", "/api/v1/me", { cookie: memberB.cookie })).json()) as { name: string; groups: unknown[] };
    expect(meA).toMatchObject({ name: "Twin of A", groups: [{ slug: "book-club", role: "owner" }] });
    expect(meB).toMatchObject({ name: "Twin of B", groups: [{ slug: "book-club", role: "owner" }] });
    const homeA = await (await call(a.host, "GET", "/", { cookie: memberA.cookie })).text();
    expect(homeA).toContain("Book club A");
    expect(homeA).not.toContain("Book club B");
    const settingsA = (await (await call(a.host, "GET", "/api/v1/tenant", { cookie: a.owner.cookie })).json()) as { domains: { hostname: string }[] };
    expect(settingsA.domains.map((d) => d.hostname)).toEqual(["club-a.example.org"]);

    await deliverOutbox(env);
    const mailA = (await (await call(a.host, "GET", "/api/v1/dev/mail?to=twin@example.org")).json()) as { subject: string }[];
    expect(mailA).toHaveLength(1);
    expect(mailA[0]!.subject).toContain("Tenant A");

    // Through the repository functions, which take the tenant first.
    const ta = tenantDb(env, { id: a.id });
    const tb = tenantDb(env, { id: b.id });
    expect((await findUserByEmail(ta, "twin@example.org"))?.id).toBe(memberA.id);
    expect((await findUserByEmail(tb, "twin@example.org"))?.id).toBe(memberB.id);
    expect(await userGroups(ta, memberB.id)).toEqual([]);
    expect((await groupCards(ta, memberA.id)).map((g) => g.name)).toEqual(["Book club A"]);
    expect((await groupCards(tb, memberA.id)).map((g) => [g.name, g.role])).toEqual([["Book club B", null]]);
    expect((await listDomains(tb)).map((d) => d.hostname)).toEqual(["club-b.example.org"]);

    // Both really are in the one database.
    const all = await directoryDb(env).select().from(users);
    expect(all.filter((u) => u.email === "twin@example.org").length).toBeGreaterThanOrEqual(2);
  });

  it("a member of A cannot sign in, reset or read anything on B", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const member = await signUpMember(a, "only-a@example.org");
    expect((await call(b.host, "POST", "/api/v1/auth/login", { json: { email: member.email, password: member.password } })).status).toBe(401);
    expect((await call(b.host, "GET", "/api/v1/me", { cookie: member.cookie })).status).toBe(401);
    expect((await call(b.host, "PATCH", "/api/v1/tenant", { cookie: a.owner.cookie, json: { name: "Taken over" } })).status).toBe(401);
    const settingsB = (await (await call(b.host, "GET", "/api/v1/tenant")).json()) as { name: string };
    expect(settingsB.name).not.toBe("Taken over");
  });
});
