import { describe, expect, it } from "vitest";
import { formatDay } from "../../web/pages/memberships/membership";
import { defaultBilling } from "../invoices/settings";
import { dayInTimeZone } from "./periods";
import { memberCancelsOn, planChangeOn } from "./service";
import { call, form, getPage, makeTenant, postForm, sessionCookie, signUpMember, type TestTenant } from "../test/helpers";

// The member's membership pages, without JavaScript: /membership (choose, cancel, undo,
// change, billing details), a plan's own page, and choosing a plan at sign-up.

type Plan = { id: string; name: string };
type Membership = { id: string; status: string; plan: { id: string; name: string }; cancelsOn: string | null; scheduledChange: { plan: { id: string }; on: string } | null; billing: { name: string; address: string; taxId: string | null } | null };

async function makePlan(tenant: TestTenant, json: Record<string, unknown>): Promise<Plan> {
  const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { price: { amount: 4999, currency: "EUR" }, intervalMonths: 1, ...json } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { plan: Plan }).plan;
}

async function patchTenant(tenant: TestTenant, json: Record<string, unknown>) {
  const res = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function membershipOf(tenant: TestTenant, cookie: string): Promise<Membership | null> {
  const res = await call(tenant.host, "GET", "/api/v1/me/membership", { cookie });
  return res.status === 404 ? null : ((await res.json()) as Membership);
}

async function page(tenant: TestTenant, path: string, cookie?: string) {
  const res = await getPage(tenant, path, cookie);
  return { status: res.status, html: await res.text() };
}

/** A member on `plan` (active unless the plan needs approval). */
async function memberOn(tenant: TestTenant, email: string, plan: Plan) {
  const member = await signUpMember(tenant, email, "Mia Member");
  const res = await postForm(tenant, "/membership", member.cookie, { planId: plan.id });
  expect(res.status).toBe(303);
  return member;
}

// The community's day (Europe/Paris, the default timezone): between 23:00 and midnight UTC it is already tomorrow there.
const today = () => dayInTimeZone(Date.now(), "Europe/Paris");

describe("/membership without a membership", () => {
  it("sends a visitor to log in, and shows a member the plans they can choose with their terms (not hidden or archived ones)", async () => {
    const tenant = await makeTenant();
    await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { slug: "studio", name: "Studio crew" } });
    await makePlan(tenant, { name: "Resident", description: "A desk of your own.", taxRate: 20, setupFee: { amount: 5000, currency: "EUR" }, noticeDays: 30, credits: { minutes: 150, categories: ["rooms"] }, groups: ["studio"], approvalRequired: true });
    await makePlan(tenant, { name: "Quarterly", intervalMonths: 3 });
    await makePlan(tenant, { name: "Friends only", hidden: true });
    const old = await makePlan(tenant, { name: "Retired plan" });
    await call(tenant.host, "DELETE", `/api/v1/plans/${old.id}`, { cookie: tenant.owner.cookie });
    const visitor = await getPage(tenant, "/membership");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login?next=%2Fmembership");
    const member = await signUpMember(tenant, "chooser@example.org");
    const { status, html } = await page(tenant, "/membership?lang=en", member.cookie);
    expect(status).toBe(200);
    for (const text of ["Resident", "A desk of your own.", "€49.99 per month", "excl. tax (20% tax added)", "€50.00", "30 days", "2 h 30 min per billing period, for rooms", "Studio crew", "Needs approval", "€49.99 every 3 months", "no tax"]) expect(html).toContain(text);
    expect(html).not.toContain("Friends only");
    expect(html).not.toContain("Retired plan");
    const fr = await page(tenant, "/membership?lang=fr", member.cookie);
    expect(fr.html).toMatch(/49,99\s€ par mois/u);
    expect(fr.html).toContain("HT (TVA de 20\u202f% en plus)");
    expect(html).toContain('action="/membership"');
    expect(html).toContain(`value="${today()}"`);
    expect(html).toContain('name="billing.name"');
  });

  it("choosing a plan starts an active membership; a plan that needs approval leaves it pending, explained", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, { name: "Flex" });
    const resident = await makePlan(tenant, { name: "Resident", approvalRequired: true });
    const ann = await signUpMember(tenant, "ann@example.org");
    const chose = await postForm(tenant, "/membership", ann.cookie, { planId: flex.id, startsOn: today(), "billing.name": "Ann SARL", "billing.address": "1 rue de la Paix\nParis", "billing.taxId": "" });
    expect(chose.status).toBe(303);
    expect(chose.headers.get("location")).toBe("/membership?done=chosen");
    expect(await membershipOf(tenant, ann.cookie)).toMatchObject({ status: "active", plan: { id: flex.id }, billing: { name: "Ann SARL", address: "1 rue de la Paix\nParis", taxId: null } });
    const active = await page(tenant, "/membership?done=chosen&lang=en", ann.cookie);
    expect(active.html).toContain("Your membership is set up.");
    expect(active.html).toContain("Active");
    expect(active.html).toContain("Current billing period");
    expect(active.html).toContain("Next invoice");

    const bob = await signUpMember(tenant, "bob@example.org");
    const requested = await postForm(tenant, "/membership", bob.cookie, { planId: resident.id });
    expect(requested.headers.get("location")).toBe("/membership?done=requested");
    expect((await membershipOf(tenant, bob.cookie))?.status).toBe("pending_approval");
    const pending = await page(tenant, "/membership?lang=en", bob.cookie);
    expect(pending.html).toContain("Waiting for approval");
    expect(pending.html).toContain("Until then you have no paid access");
    expect(pending.html).toContain('action="/membership/cancel"');
    expect(pending.html).toContain("Withdraw my request");
    expect(pending.html).not.toContain('action="/membership/change"');
    // Withdrawing the request ends it at once: the plans are offered again, with a word on the one that ended.
    const withdrawn = await postForm(tenant, "/membership/cancel", bob.cookie, {});
    expect(withdrawn.headers.get("location")).toBe("/membership?done=withdrawn");
    expect((await membershipOf(tenant, bob.cookie))?.status).toBe("canceled");
    const again = await page(tenant, "/membership?done=withdrawn&lang=en", bob.cookie);
    expect(again.html).toContain("Your request is withdrawn.");
    expect(again.html).toContain("Your membership on Resident has ended.");
    expect(again.html).toContain(`name="planId" value="${flex.id}"`);
  });

  it("a start day out of range is shown beside its field (422); a second membership is refused on the page (409 membership_exists)", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, { name: "Flex" });
    const member = await signUpMember(tenant, "twice@example.org");
    const late = await postForm(tenant, "/membership?lang=en", member.cookie, { planId: flex.id, startsOn: "2000-01-01" });
    expect(late.status).toBe(422);
    const lateHtml = await late.text();
    expect(lateHtml).toContain("Choose a day from today up to a year ahead.");
    expect(lateHtml).toContain('value="2000-01-01"');
    expect(lateHtml).toMatch(/<details class="plan-choose" open/);
    const halfBilling = await postForm(tenant, "/membership?lang=en", member.cookie, { planId: flex.id, "billing.name": "Only a name" });
    expect(halfBilling.status).toBe(422);
    expect(await halfBilling.text()).toMatch(/id="plan-[^"]+-billing-address-error">/);
    expect((await postForm(tenant, "/membership", member.cookie, { planId: flex.id })).status).toBe(303);
    const again = await postForm(tenant, "/membership?lang=en", member.cookie, { planId: flex.id });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("You already have a membership.");
  });
});

describe("the days the page announces", () => {
  it("are the service's rules: the end of the first period ending after the notice, the start of the next period (a membership started on the 31st, a notice across February)", () => {
    const billing = defaultBilling("Test");
    const m = { periodsFrom: "2027-01-31" };
    expect(memberCancelsOn(m, { intervalMonths: 1, noticeDays: 30 }, billing, "2027-02-10")).toBe("2027-03-31");
    expect(memberCancelsOn(m, { intervalMonths: 1, noticeDays: 0 }, billing, "2027-02-10")).toBe("2027-02-28");
    expect(memberCancelsOn(m, { intervalMonths: 1, noticeDays: 18 }, billing, "2027-02-10")).toBe("2027-02-28");
    expect(memberCancelsOn(m, { intervalMonths: 1, noticeDays: 19 }, billing, "2027-02-10")).toBe("2027-03-31");
    expect(planChangeOn(m, { intervalMonths: 1 }, billing, "2027-01-31")).toBe("2027-02-01");
    expect(planChangeOn(m, { intervalMonths: 1 }, billing, "2027-02-10")).toBe("2027-03-01");
  });
});

describe("/membership with a membership", () => {
  it("cancel shows the community's message (Markdown, safely) and the exact last day before confirming; cancelling gives that day; undo reverts", async () => {
    const tenant = await makeTenant();
    await patchTenant(tenant, { cancellationMessage: "We are **sad** to see you go. <script>alert(1)</script> [Tell us why](https://example.org/why)" });
    const flex = await makePlan(tenant, { name: "Flex", noticeDays: 20 });
    const member = await memberOn(tenant, "leaver@example.org", flex);
    const before = await page(tenant, "/membership?lang=en", member.cookie);
    expect(before.html).toContain("<strong>sad</strong>");
    expect(before.html).not.toContain("<script>alert(1)");
    expect(before.html).toContain('href="https://example.org/why"');
    const shown = /your last day of access will be ([^.<]+)\./.exec(before.html)?.[1];
    expect(shown).toBeTruthy();
    const canceled = await postForm(tenant, "/membership/cancel", member.cookie, {});
    expect(canceled.headers.get("location")).toBe("/membership?done=canceled");
    const m = await membershipOf(tenant, member.cookie);
    expect(m?.status).toBe("canceling");
    expect(formatDay("en", m!.cancelsOn!)).toBe(shown);
    const after = await page(tenant, "/membership?done=canceled&lang=en", member.cookie);
    expect(after.html).toContain(`Your membership ends on ${shown}`);
    expect(after.html).toContain('action="/membership/undo-cancel"');
    expect(after.html).not.toContain('action="/membership/change"');
    const undone = await postForm(tenant, "/membership/undo-cancel", member.cookie, {});
    expect(undone.headers.get("location")).toBe("/membership?done=cancel_undone");
    expect(await membershipOf(tenant, member.cookie)).toMatchObject({ status: "active", cancelsOn: null });
    // Undo again: the service's refusal, said on the page.
    const twice = await postForm(tenant, "/membership/undo-cancel?lang=en", member.cookie, {});
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("Your membership is not being cancelled.");
  });

  it("change plan shows the other plans and the day it takes effect; the change is scheduled then dropped", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, { name: "Flex" });
    const pro = await makePlan(tenant, { name: "Pro plan", price: { amount: 9900, currency: "EUR" } });
    const member = await memberOn(tenant, "changer@example.org", flex);
    const before = await page(tenant, "/membership?lang=en", member.cookie);
    expect(before.html).toContain('action="/membership/change"');
    expect(before.html).toContain(`value="${pro.id}"`);
    expect(before.html).not.toContain(`name="planId" value="${flex.id}"`);
    const announced = /The new plan starts on (.+?), the first day/.exec(before.html)?.[1];
    const none = await postForm(tenant, "/membership/change?lang=en", member.cookie, {});
    expect(none.status).toBe(422);
    expect(await none.text()).toMatch(/id="field-planId-error"/);
    const changed = await postForm(tenant, "/membership/change", member.cookie, { planId: pro.id });
    expect(changed.headers.get("location")).toBe("/membership?done=change_scheduled");
    const m = await membershipOf(tenant, member.cookie);
    expect(m?.scheduledChange?.plan.id).toBe(pro.id);
    expect(formatDay("en", m!.scheduledChange!.on)).toBe(announced);
    const scheduled = await page(tenant, "/membership?lang=en", member.cookie);
    expect(scheduled.html).toContain(`Pro plan from ${announced}`);
    expect(scheduled.html).toContain('action="/membership/change/drop"');
    const dropped = await postForm(tenant, "/membership/change/drop", member.cookie, {});
    expect(dropped.headers.get("location")).toBe("/membership?done=change_dropped");
    expect((await membershipOf(tenant, member.cookie))?.scheduledChange).toBeNull();
    expect((await page(tenant, "/membership?lang=en", member.cookie)).html).not.toContain('action="/membership/change/drop"');
  });

  it("billing details: a missing field is shown beside it (422), a complete form saves them", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, { name: "Flex" });
    const member = await memberOn(tenant, "payer@example.org", flex);
    const bad = await postForm(tenant, "/membership/billing?lang=en", member.cookie, { "billing.name": "Payer Ltd", "billing.address": "  ", "billing.taxId": "" });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/id="membership-billing-address-error">[^<]+</);
    expect(badHtml).toContain('value="Payer Ltd"');
    const ok = await postForm(tenant, "/membership/billing", member.cookie, { "billing.name": "Payer Ltd", "billing.address": "2 Main Street", "billing.taxId": "FR123" });
    expect(ok.headers.get("location")).toBe("/membership?done=billing_saved");
    expect((await membershipOf(tenant, member.cookie))?.billing).toEqual({ name: "Payer Ltd", address: "2 Main Street", taxId: "FR123" });
    expect((await page(tenant, "/membership?lang=en", member.cookie)).html).toContain("2 Main Street");
  });

  it("each switch off: its button is gone and its POST answers a 403 page; owners are not stopped, but viewing as a member they are", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, { name: "Flex" });
    const pro = await makePlan(tenant, { name: "Pro" });
    const member = await memberOn(tenant, "switched@example.org", flex);
    await patchTenant(tenant, { features: { cancelMembership: false, changeMembership: false, editBillingDetails: false } });
    const { html } = await page(tenant, "/membership?lang=en", member.cookie);
    for (const action of ["/membership/cancel", "/membership/change", "/membership/billing"]) expect(html).not.toContain(`action="${action}"`);
    for (const [path, fields] of [
      ["/membership/cancel", {}],
      ["/membership/undo-cancel", {}],
      ["/membership/change", { planId: pro.id }],
      ["/membership/change/drop", {}],
      ["/membership/billing", { "billing.name": "X", "billing.address": "Y" }],
    ] as const) {
      const res = await postForm(tenant, `${path}?lang=en`, member.cookie, fields);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain("This community does not let members do this themselves.");
    }
    expect((await membershipOf(tenant, member.cookie))?.status).toBe("active");

    // The owner on a plan: not stopped; viewing as a member, exactly a member's view.
    const ownerOn = await postForm(tenant, "/membership", tenant.owner.cookie, { planId: flex.id });
    expect(ownerOn.status).toBe(303);
    const asOwner = await page(tenant, "/membership?lang=en", tenant.owner.cookie);
    expect(asOwner.html).toContain('action="/membership/change"');
    const viewAs = `${tenant.owner.cookie}; view_as=member`;
    const asMember = await page(tenant, "/membership?lang=en", viewAs);
    for (const action of ["/membership/cancel", "/membership/change", "/membership/billing"]) expect(asMember.html).not.toContain(`action="${action}"`);
    expect((await postForm(tenant, "/membership/cancel", viewAs, {})).status).toBe(403);
  });

  it("view as member: an owner's /membership is the member's page, hidden plans stay hidden", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, { name: "Flex" });
    await makePlan(tenant, { name: "Secret deal", hidden: true });
    const member = await signUpMember(tenant, "parity@example.org");
    const strip = (html: string) => (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html).replace(/plan-[A-Za-z0-9_-]+-/g, "plan-ID-");
    const asMember = strip((await page(tenant, "/membership?lang=en", member.cookie)).html);
    const asOwner = strip((await page(tenant, "/membership?lang=en", `${tenant.owner.cookie}; view_as=member`)).html);
    expect(asOwner).toBe(asMember);
    expect(asOwner).not.toContain("Secret deal");
    // On a plan, with the member switches off: the same page again, without any of the three actions.
    await postForm(tenant, "/membership", member.cookie, { planId: flex.id });
    await postForm(tenant, "/membership", tenant.owner.cookie, { planId: flex.id });
    await patchTenant(tenant, { features: { cancelMembership: false, changeMembership: false, editBillingDetails: false } });
    const onPlanMember = strip((await page(tenant, "/membership?lang=en", member.cookie)).html);
    const onPlanOwner = strip((await page(tenant, "/membership?lang=en", `${tenant.owner.cookie}; view_as=member`)).html);
    expect(onPlanOwner).toBe(onPlanMember);
    expect(onPlanOwner).not.toContain("<form");
  });
});

describe("a plan's own page", () => {
  it("serves a hidden plan's link (choose form for a member, sign-up and log-in links for a visitor); an archived or unknown plan is 404", async () => {
    const tenant = await makeTenant();
    const hidden = await makePlan(tenant, { name: "Friends only", hidden: true, description: "For friends." });
    const visitor = await page(tenant, `/membership/plans/${hidden.id}?lang=en`);
    expect(visitor.status).toBe(200);
    expect(visitor.html).toContain("Friends only");
    expect(visitor.html).toContain(`href="/signup?plan=${hidden.id}"`);
    expect(visitor.html).toContain(`href="/login?next=%2Fmembership%2Fplans%2F${hidden.id}"`);
    const member = await signUpMember(tenant, "friend@example.org");
    const asMember = await page(tenant, `/membership/plans/${hidden.id}?lang=en`, member.cookie);
    expect(asMember.html).toContain(`action="/membership/plans/${hidden.id}"`);
    const bad = await postForm(tenant, `/membership/plans/${hidden.id}?lang=en`, member.cookie, { startsOn: "1999-12-31" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Choose a day from today up to a year ahead.");
    const chose = await postForm(tenant, `/membership/plans/${hidden.id}`, member.cookie, {});
    expect(chose.headers.get("location")).toBe("/membership?done=chosen");
    expect((await membershipOf(tenant, member.cookie))?.plan.id).toBe(hidden.id);
    expect((await page(tenant, `/membership/plans/${hidden.id}?lang=en`, member.cookie)).html).toContain("This is your current plan.");

    const old = await makePlan(tenant, { name: "Retired" });
    await call(tenant.host, "DELETE", `/api/v1/plans/${old.id}`, { cookie: tenant.owner.cookie });
    expect((await page(tenant, `/membership/plans/${old.id}`, member.cookie)).status).toBe(404);
    expect((await page(tenant, "/membership/plans/nope")).status).toBe(404);
    const late = await postForm(tenant, `/membership/plans/${old.id}?lang=en`, (await signUpMember(tenant, "late@example.org")).cookie, {});
    expect(late.status).toBe(404);
  });
});

describe("sign-up with a plan", () => {
  it("offers the visible plans (and a hidden one its link names), with billing details; without plans the form is as before", async () => {
    const tenant = await makeTenant();
    const plain = await page(tenant, "/signup?lang=en");
    expect(plain.html).not.toContain('name="planId"');
    expect(plain.html).not.toContain("billing.name");
    const flex = await makePlan(tenant, { name: "Flex" });
    const hidden = await makePlan(tenant, { name: "Friends only", hidden: true });
    const offered = await page(tenant, "/signup?lang=en");
    expect(offered.html).toContain(`name="planId" value="${flex.id}"`);
    expect(offered.html).toMatch(/name="planId" value="none" checked/);
    expect(offered.html).toContain("No plan now");
    expect(offered.html).toContain('name="billing.address"');
    expect(offered.html).not.toContain("Friends only");
    const linked = await page(tenant, `/signup?plan=${hidden.id}&lang=en`);
    expect(linked.html).toContain("Friends only");
    expect(linked.html).toMatch(new RegExp(`name="planId" value="${hidden.id}" checked`));
  });

  it("signing up on a plan that needs approval lands on the membership page saying the request is pending", async () => {
    const tenant = await makeTenant();
    const resident = await makePlan(tenant, { name: "Resident", approvalRequired: true });
    const res = await call(tenant.host, "POST", "/signup?lang=en", form({ name: "Nina New", email: "nina@example.org", password: "a long enough password", language: "en", planId: resident.id, "billing.name": "Nina", "billing.address": "3 Elm Road" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/membership?done=requested");
    const cookie = sessionCookie(res);
    expect(await membershipOf(tenant, cookie)).toMatchObject({ status: "pending_approval", plan: { id: resident.id }, billing: { name: "Nina", address: "3 Elm Road" } });
    const landed = await page(tenant, "/membership?done=requested&lang=en", cookie);
    expect(landed.html).toContain("Your request is sent.");
    expect(landed.html).toContain("Waiting for approval");
  });

  it("no plan now signs up without a membership; an unknown plan or half billing details come back beside their fields, no account made", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, { name: "Flex" });
    const none = await call(tenant.host, "POST", "/signup", form({ name: "Ned", email: "ned@example.org", password: "a long enough password", planId: "none", "billing.name": "ignored" }));
    expect(none.status).toBe(303);
    expect(none.headers.get("location")).toBe("/");
    expect(await membershipOf(tenant, sessionCookie(none))).toBeNull();
    const unknown = await call(tenant.host, "POST", "/signup?lang=en", form({ name: "Una", email: "una@example.org", password: "a long enough password", planId: "nope" }));
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toMatch(/id="field-planId-error">This plan cannot be chosen\./);
    const una = await call(tenant.host, "POST", "/signup", form({ name: "Una", email: "una@example.org", password: "a long enough password", planId: "none" }));
    expect(una.status).toBe(303);
    const half = await call(tenant.host, "POST", "/signup?lang=en", form({ name: "Hal", email: "hal@example.org", password: "a long enough password", planId: flex.id, "billing.name": "Hal" }));
    expect(half.status).toBe(422);
    const halfHtml = await half.text();
    expect(halfHtml).toMatch(/id="signup-billing-address-error"/);
    expect(halfHtml).toMatch(new RegExp(`name="planId" value="${flex.id}" checked`));
    const active = await call(tenant.host, "POST", "/signup", form({ name: "Hal", email: "hal@example.org", password: "a long enough password", planId: flex.id }));
    expect(active.headers.get("location")).toBe("/membership?done=chosen");
    expect((await membershipOf(tenant, sessionCookie(active)))?.status).toBe("active");
  });
});
