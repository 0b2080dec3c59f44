import { describe, expect, it } from "vitest";
import { call, form, makeGroup, makeTenant, postForm, sessionCookie, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";

// Paid groups on the pages (issue 14, point 4): the group and join pages offer the plans
// that open a group, choosing one starts the membership and joins in one post (or leaves it
// pending), a member on another plan is sent to /membership, staff join as usual, and the
// member lists show who is in through which plan until the membership ends.

type Plan = { id: string; name: string };
type Membership = { id: string; status: string; cancelsOn: string | null };
type MemberItem = { userId: string; name: string; role: string; plan: { id: string; name: string } | null };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

const makePlan = async (tenant: TestTenant, json: Record<string, unknown>) =>
  (await ok<{ plan: Plan }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { price: { amount: 4999, currency: "EUR" }, intervalMonths: 1, ...json } }), 201)).plan;

/** A community with the group "residents" opened by Resident (no approval) and Vetted (approval), and Flex opening nothing. */
async function paidCommunity(groupBody: Record<string, unknown> = {}) {
  const tenant = await makeTenant();
  await makeGroup(tenant, { name: "Residents", slug: "residents", joinPolicy: "open", ...groupBody });
  const resident = await makePlan(tenant, { name: "Resident", description: "A desk of your own.", price: { amount: 19900, currency: "EUR" }, groups: ["residents"] });
  const vetted = await makePlan(tenant, { name: "Vetted", approvalRequired: true, intervalMonths: 3, price: { amount: 45000, currency: "EUR" }, groups: ["residents"] });
  const flex = await makePlan(tenant, { name: "Flex", price: { amount: 2900, currency: "EUR" } });
  return { tenant, resident, vetted, flex };
}

const page = async (tenant: TestTenant, path: string, cookie?: string) => {
  const res = await call(tenant.host, "GET", path, cookie ? { cookie } : {});
  return { status: res.status, html: await res.text() };
};
const members = async (tenant: TestTenant, cookie = tenant.owner.cookie) =>
  (await ok<{ items: MemberItem[] }>(await call(tenant.host, "GET", "/api/v1/groups/residents/members", { cookie }))).items;
const myMembership = (tenant: TestTenant, cookie: string) => call(tenant.host, "GET", "/api/v1/me/membership", { cookie });
const planRadios = (html: string) => [...html.matchAll(/<input class="choice-input" type="radio" id="plan-[^"]+" name="planId" value="([^"]+)"/g)].map((m) => m[1]);

describe("a paid group's pages", () => {
  it("the join page offers its plans (name, price per interval, description, approval) to a member without one; the group page says which plans include it, to everyone", async () => {
    const { tenant, resident, vetted } = await paidCommunity();
    const member = await signUpMember(tenant, "offers@example.com");
    const join = await page(tenant, "/g/residents/join?lang=en", member.cookie);
    expect(join.status).toBe(200);
    expect(planRadios(join.html)).toEqual([resident.id, vetted.id]);
    expect(join.html).toContain("€199.00 per month");
    expect(join.html).toContain("€450.00 every 3 months");
    expect(join.html).toContain("A desk of your own.");
    expect(join.html).toContain("Needs approval");
    expect(join.html).toContain("Start my membership and join");
    // No plain join form without a plan.
    expect(join.html).not.toContain(">Join<");

    const group = await page(tenant, "/g/residents?lang=en", member.cookie);
    expect(group.html).toContain("Included in the plans Resident and Vetted");
    expect(group.html).toContain("Choose a plan to join");
    expect(group.html).toContain(`name="planId" value="${resident.id}"`);
    expect(group.html).not.toContain('action="/g/residents/join"><button type="submit" class="btn btn-primary btn-lg"');
    const visitor = await page(tenant, "/g/residents?lang=fr");
    expect(visitor.html).toContain("Inclus dans les formules Resident et Vetted");
    // The plain join post (the old button) shows the plans too, not a crash or a bare error.
    const plain = await postForm(tenant, "/g/residents/join?lang=en", member.cookie, { mode: "questions" });
    expect(plain.status).toBe(403);
    expect(planRadios(await plain.text())).toEqual([resident.id, vetted.id]);
  });

  it("choosing a plan without approval starts the membership (today) and joins the group in one post", async () => {
    const { tenant, resident } = await paidCommunity();
    const member = await signUpMember(tenant, "choose@example.com", "Chloé Choose");
    const res = await postForm(tenant, "/g/residents/join", member.cookie, { mode: "plans", planId: resident.id });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/g/residents");
    expect(await ok<Membership & { plan: Plan; startedOn: string }>(await myMembership(tenant, member.cookie))).toMatchObject({ status: "active", plan: { id: resident.id } });
    expect((await members(tenant)).find((m) => m.userId === member.id)).toMatchObject({ role: "member", plan: { id: resident.id, name: "Resident" } });
  });

  it("a plan that needs approval: pending page, not in the group; once an admin confirms, the join works", async () => {
    const { tenant, vetted } = await paidCommunity();
    const member = await signUpMember(tenant, "vetted@example.com", "Vera Vetted");
    const res = await postForm(tenant, "/g/residents/join?lang=en", member.cookie, { mode: "plans", planId: vetted.id });
    expect(res.status).toBe(202);
    const body = await res.text();
    expect(body).toContain("Your membership is waiting for confirmation");
    expect(body).toContain("You will be able to join Residents once yours is confirmed.");
    expect(body).toContain('href="/membership"');
    const membership = await ok<Membership>(await myMembership(tenant, member.cookie));
    expect(membership.status).toBe("pending_approval");
    expect((await members(tenant)).map((m) => m.userId)).not.toContain(member.id);
    // The pages say so on a later visit too.
    expect((await page(tenant, "/g/residents/join?lang=en", member.cookie)).html).toContain("Your membership is waiting for confirmation");
    const group = await page(tenant, "/g/residents?lang=en", member.cookie);
    expect(group.html).toContain("You will be able to join once it is confirmed.");
    expect(group.html).not.toContain('name="planId"');
    // Posting again changes nothing.
    expect((await postForm(tenant, "/g/residents/join", member.cookie, { mode: "plans", planId: vetted.id })).status).toBe(202);

    await ok(await call(tenant.host, "POST", `/api/v1/memberships/${membership.id}/confirm`, { cookie: tenant.owner.cookie }));
    const after = await page(tenant, "/g/residents/join?lang=en", member.cookie);
    expect(planRadios(after.html)).toEqual([]);
    expect(after.html).toContain('name="mode" value="questions"');
    const joined = await postForm(tenant, "/g/residents/join", member.cookie, { mode: "questions" });
    expect(joined.status).toBe(303);
    expect((await members(tenant)).find((m) => m.userId === member.id)?.plan).toEqual({ id: vetted.id, name: "Vetted" });
  });

  it("a member on another plan is sent to /membership to change it (409 membership_exists shown, nothing started)", async () => {
    const { tenant, resident, flex } = await paidCommunity();
    const member = await signUpMember(tenant, "flex@example.com");
    await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: flex.id } }), 201);
    const join = await page(tenant, "/g/residents/join?lang=en", member.cookie);
    expect(join.html).toContain("This group comes with other plans");
    expect(join.html).toContain("Your membership is on the plan Flex");
    expect(join.html).toContain('href="/membership"');
    expect(planRadios(join.html)).toEqual([]);
    expect((await page(tenant, "/g/residents?lang=en", member.cookie)).html).toContain("Your plan (Flex) does not include this group.");
    // A stale page posting a plan: the same explanation, with the contract's 409.
    const res = await postForm(tenant, "/g/residents/join?lang=en", member.cookie, { mode: "plans", planId: resident.id });
    expect(res.status).toBe(409);
    const body = await res.text();
    expect(body).toContain("Change my plan");
    expect(body).toContain('href="/membership"');
    expect(await ok<{ plan: Plan; status: string }>(await myMembership(tenant, member.cookie))).toMatchObject({ status: "active", plan: { id: flex.id } });
    expect((await members(tenant)).map((m) => m.userId)).not.toContain(member.id);
  });

  it("a plan that does not open the group (or an unknown one) is refused beside the choice, starting nothing", async () => {
    const { tenant, flex } = await paidCommunity();
    const member = await signUpMember(tenant, "wrong@example.com");
    for (const planId of [flex.id, "nope"]) {
      const res = await postForm(tenant, "/g/residents/join?lang=en", member.cookie, { mode: "plans", planId });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('id="field-planId-error"');
    }
    expect((await myMembership(tenant, member.cookie)).status).toBe(404);
  });

  it("a missing answer to the group's question starts no membership", async () => {
    const { tenant, resident } = await paidCommunity({ joinPolicy: "approval", questions: [{ label: "Why?", required: true }] });
    const member = await signUpMember(tenant, "answers@example.com");
    const join = await page(tenant, "/g/residents/join?lang=en", member.cookie);
    expect(join.html).toContain("Start my membership and ask to join");
    const res = await postForm(tenant, "/g/residents/join", member.cookie, { mode: "plans", planId: resident.id });
    expect(res.status).toBe(422);
    expect((await myMembership(tenant, member.cookie)).status).toBe(404);
  });

  it("owners, admins and community moderators see the normal join and join without a plan", async () => {
    const { tenant } = await paidCommunity();
    const admin = await signUpMember(tenant, "admin@example.com");
    const moderator = await signUpMember(tenant, "moderator@example.com");
    await setTenantRole(tenant, admin.id, "admin");
    await setTenantRole(tenant, moderator.id, "moderator");
    for (const who of [admin, moderator]) {
      const join = await page(tenant, "/g/residents/join?lang=en", who.cookie);
      expect(planRadios(join.html)).toEqual([]);
      expect(join.html).toContain('name="mode" value="questions"');
      expect((await page(tenant, "/g/residents?lang=en", who.cookie)).html).not.toContain("Choose a plan to join");
      expect((await postForm(tenant, "/g/residents/join", who.cookie, { mode: "questions" })).status).toBe(303);
    }
    expect((await members(tenant)).filter((m) => m.plan === null).length).toBe(3);
  });

  it("a visitor signs up on the join page, then chooses the plan (the session kept), then is in", async () => {
    const { tenant, resident } = await paidCommunity();
    const signup = await call(tenant.host, "POST", "/g/residents/join?lang=en", form({ mode: "signup", name: "Nora New", email: "nora@example.com", password: "a long enough password", language: "en" }));
    expect(signup.status).toBe(403);
    const cookie = sessionCookie(signup);
    const body = await signup.text();
    expect(planRadios(body)).toContain(resident.id);
    expect(body).not.toContain("This group is open to members on one of its plans.");
    const res = await postForm(tenant, "/g/residents/join", cookie, { mode: "plans", planId: resident.id });
    expect(res.status).toBe(303);
    expect((await members(tenant)).find((m) => m.name === "Nora New")?.plan).toEqual({ id: resident.id, name: "Resident" });
    // The visitor's page says the group comes with plans.
    expect((await page(tenant, "/g/residents/join?lang=en")).html).toContain("Once you are signed in, you choose your plan.");
  });

  it("a visitor who chose a plan on the group page signs up and is in, in one post", async () => {
    const { tenant, resident } = await paidCommunity();
    const join = await page(tenant, `/g/residents/join?plan=${resident.id}&lang=en`);
    expect(join.html).toContain(`<input type="hidden" name="planId" value="${resident.id}"`);
    const res = await call(tenant.host, "POST", "/g/residents/join", form({ mode: "signup", planId: resident.id, name: "Otto One", email: "otto@example.com", password: "a long enough password", language: "en" }));
    expect(res.status).toBe(303);
    expect(await ok<{ status: string }>(await myMembership(tenant, sessionCookie(res)))).toMatchObject({ status: "active" });
    expect((await members(tenant)).find((m) => m.name === "Otto One")?.plan).toEqual({ id: resident.id, name: "Resident" });
  });

  it("the member lists show the plan: the API, the group page and its admin page, in one query for the page", async () => {
    const { tenant, resident } = await paidCommunity();
    const member = await signUpMember(tenant, "listed@example.com", "Lina Listed");
    expect((await postForm(tenant, "/g/residents/join", member.cookie, { mode: "plans", planId: resident.id })).status).toBe(303);
    const items = await members(tenant, member.cookie);
    expect(items.map((m) => [m.name, m.plan?.name ?? null])).toEqual([
      [expect.any(String), null],
      ["Lina Listed", "Resident"],
    ]);
    expect((await page(tenant, "/g/residents?lang=en", member.cookie)).html).toMatch(/<span class="member-name">Lina Listed<\/span>\s*<span class="badge badge-plan"[^>]*>\s*<span class="sr-only">Plan <\/span>Resident/);
    expect((await page(tenant, "/admin/groups/residents/members?lang=en")).status).toBe(303);
    const admin = await page(tenant, "/admin/groups/residents/members?lang=en", tenant.owner.cookie);
    expect(admin.html).toMatch(/Lina Listed<\/span>\s*<span class="badge badge-plan"[^>]*>\s*<span class="sr-only">Plan <\/span>Resident/);
  });

  it("when the membership ends (an admin's cancel on today, the job the next day) the member leaves the group and its lists", async () => {
    const { tenant, resident } = await paidCommunity();
    const member = await signUpMember(tenant, "leaving@example.com", "Leo Leaving");
    expect((await postForm(tenant, "/g/residents/join", member.cookie, { mode: "plans", planId: resident.id })).status).toBe(303);
    const membership = await ok<Membership & { startedOn: string }>(await myMembership(tenant, member.cookie));
    const today = membership.startedOn;
    const canceled = await ok<{ membership: Membership }>(await call(tenant.host, "POST", `/api/v1/memberships/${membership.id}/cancel`, { cookie: tenant.owner.cookie, json: { on: today } }));
    expect(canceled.membership).toMatchObject({ status: "canceling", cancelsOn: today });
    // Still in through its last day.
    await ok(await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: `${today}T12:00:00Z` } }));
    expect((await members(tenant)).map((m) => m.name)).toContain("Leo Leaving");
    const next = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString();
    await ok(await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: next } }));
    expect((await members(tenant)).map((m) => m.name)).not.toContain("Leo Leaving");
    expect((await page(tenant, "/admin/groups/residents/members?lang=en", tenant.owner.cookie)).html).not.toContain("Leo Leaving");
    expect((await page(tenant, "/g/residents?lang=en", tenant.owner.cookie)).html).not.toContain("Leo Leaving");
    // Back to the plans: the ended membership lets them choose again.
    expect(planRadios((await page(tenant, "/g/residents/join?lang=en", member.cookie)).html)).toContain(resident.id);
  });
});
