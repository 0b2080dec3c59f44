import { describe, expect, it } from "vitest";
import { call, makeTenant, setGroupRole, signUpMember, type TestTenant } from "../test/helpers";
import { inviteToken } from "../test/mail";

// Invitations into paid groups (contract, "Paid groups"): a tenant admin's invitation skips the
// plan check, a group admin's does not. Accepting a group admin's invitation joins the paid
// group only with a plan that opens it (else it is skipped, `plan_required`); a new account
// made from such an invitation is not put in the paid group.

type Mine = { items: { id: string }[] };

const groupsOf = async (tenant: TestTenant, cookie: string) => ((await (await call(tenant.host, "GET", "/api/v1/me", { cookie })).json()) as { groups: { slug: string }[] }).groups.map((g) => g.slug).sort();

async function paidCommunity() {
  const tenant = await makeTenant();
  for (const slug of ["residents", "club"]) {
    expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: slug, slug, joinPolicy: "open" } })).status).toBe(201);
  }
  const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Resident", price: { amount: 100, currency: "EUR" }, intervalMonths: 1, groups: ["residents"] } });
  expect(res.status).toBe(201);
  const plan = ((await res.json()) as { plan: { id: string } }).plan;
  // A plain member who administers both groups (joined the paid one with its plan).
  const groupAdmin = await signUpMember(tenant, "group-admin@example.org", "Gina Groupadmin");
  expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: groupAdmin.cookie, json: { planId: plan.id } })).status).toBe(201);
  for (const slug of ["residents", "club"]) {
    expect((await call(tenant.host, "POST", `/api/v1/groups/${slug}/join`, { cookie: groupAdmin.cookie, json: {} })).status).toBe(200);
    await setGroupRole(tenant, slug, groupAdmin.id, "admin");
  }
  const invite = (cookie: string, email: string) => call(tenant.host, "POST", "/api/v1/invitations", { cookie, json: { emails: [email], groups: ["residents", "club"] } });
  const acceptMine = async (cookie: string) => {
    const mine = ((await (await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie })).json()) as Mine).items;
    expect(mine).toHaveLength(1);
    return (await call(tenant.host, "POST", `/api/v1/me/invitations/${mine[0]!.id}/accept`, { cookie })).json();
  };
  return { tenant, plan, groupAdmin, invite, acceptMine };
}

describe("invitations into paid groups", () => {
  it("a group admin's invitation, accepted by a member without the plan, joins the free group and skips the paid one (plan_required); with the plan, both", async () => {
    const { tenant, plan, groupAdmin, invite, acceptMine } = await paidCommunity();
    const without = await signUpMember(tenant, "without-plan@example.org");
    const withPlan = await signUpMember(tenant, "with-plan@example.org");
    expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: withPlan.cookie, json: { planId: plan.id } })).status).toBe(201);
    for (const m of [without, withPlan]) expect((await invite(groupAdmin.cookie, m.email)).status).toBe(200);

    expect(await acceptMine(without.cookie)).toMatchObject({ joined: ["club"], skipped: [{ group: "residents", reason: "plan_required" }] });
    expect(await groupsOf(tenant, without.cookie)).toEqual(["club"]);
    const both = (await acceptMine(withPlan.cookie)) as { joined: string[]; skipped: unknown[] };
    expect([both.joined.sort(), both.skipped]).toEqual([["club", "residents"], []]);
    expect(await groupsOf(tenant, withPlan.cookie)).toEqual(["club", "residents"]);
  });

  it("a new account made from a group admin's invitation link is not put in the paid group; a tenant admin's invitation skips the plan check", async () => {
    const { tenant, groupAdmin, invite } = await paidCommunity();
    expect((await invite(groupAdmin.cookie, "newcomer@example.org")).status).toBe(200);
    const token = await inviteToken(tenant.host, "newcomer@example.org");
    const accepted = await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token, name: "Nina Newcomer", password: "a long enough password" } });
    expect(accepted.status).toBe(201);
    const cookie = accepted.headers.getSetCookie().find((h) => h.startsWith("sid="))!.split(";")[0]!;
    expect(await groupsOf(tenant, cookie)).toEqual(["club"]);

    // The owner invites an existing member without a plan: added to both at once.
    const member = await signUpMember(tenant, "by-owner@example.org");
    const byOwner = await invite(tenant.owner.cookie, member.email);
    expect(await byOwner.json()).toMatchObject({ addedToGroups: [member.email] });
    expect(await groupsOf(tenant, member.cookie)).toEqual(["club", "residents"]);
    // And a new address the owner invites gets both with the new account.
    expect((await invite(tenant.owner.cookie, "owner-guest@example.org")).status).toBe(200);
    const ownerToken = await inviteToken(tenant.host, "owner-guest@example.org");
    const guest = await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token: ownerToken, name: "Otto Guest", password: "a long enough password" } });
    const guestCookie = guest.headers.getSetCookie().find((h) => h.startsWith("sid="))!.split(";")[0]!;
    expect(await groupsOf(tenant, guestCookie)).toEqual(["club", "residents"]);
  });
});
