import { describe, expect, it } from "vitest";
import { tenantDb } from "../db/client";
import { newId } from "../db/ids";
import { users } from "../db/schema";
import { billingSettingsOf } from "../invoices/settings";
import { planRow } from "../plans/service";
import { addDays } from "./periods";
import { clockOf, memberCancelsOn, membershipById, startMembership } from "./service";
import { call, env, getPage, makeTenant, postForm, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";

// /admin/memberships, the community admins' pages over the memberships service: who may open
// them, the list's filters, and every form's success and refusal, without JavaScript.

type Membership = { id: string; status: string; startedOn: string; cancelsOn: string | null; scheduledChange: { plan: { id: string }; on: string } | null; billing: { name: string; address: string; taxId: string | null } | null };

async function makePlan(tenant: TestTenant, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name, price: { amount: 4999, currency: "EUR" }, intervalMonths: 1, ...extra } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { plan: { id: string } }).plan.id;
}

/** A member who chose `planId` themselves (pending when the plan asks for approval). */
async function memberOn(tenant: TestTenant, email: string, name: string, planId: string) {
  const member = await signUpMember(tenant, email, name);
  const res = await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId } });
  expect(res.status, await res.clone().text()).toBe(201);
  return { ...member, membership: ((await res.json()) as { membership: Membership }).membership };
}

async function membership(tenant: TestTenant, id: string): Promise<Membership> {
  const res = await call(tenant.host, "GET", `/api/v1/memberships/${id}`, { cookie: tenant.owner.cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { membership: Membership }).membership;
}

const html = async (res: Response) => (await res.text()).replace(/\u00a0|\u202f/g, " ");
const page = async (tenant: TestTenant, path: string, cookie = tenant.owner.cookie) => {
  const res = await getPage(tenant, path, cookie);
  return { status: res.status, html: await html(res) };
};
const post = (tenant: TestTenant, path: string, fields: Record<string, string>, cookie = tenant.owner.cookie) => postForm(tenant, path, cookie, fields);
const today = (_tenant: TestTenant) => clockOf({ timezone: "Europe/Paris" }).today; // every test community keeps the default timezone
/** The rows of the list's table (the approval queue above it is not a table). */
const tableOf = (text: string) => text.slice(text.indexOf('<table class="table table-stack-sm memberships-table"'), text.indexOf("</table>"));

describe("/admin/memberships: who may open it", () => {
  it("sends a visitor to log in, refuses members and moderators (403), and an admin viewing as a member gets no admin page", async () => {
    const tenant = await makeTenant();
    const plan = await makePlan(tenant, "Flex");
    const m = await memberOn(tenant, "nosy@example.org", "Nosy", plan);
    const moderator = await signUpMember(tenant, "mod@example.org", "Mo Derator");
    await setTenantRole(tenant, moderator.id, "moderator");
    const visitor = await getPage(tenant, "/admin/memberships");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login?next=%2Fadmin%2Fmemberships");
    for (const cookie of [m.cookie, moderator.cookie, `${tenant.owner.cookie}; view_as=member`]) {
      expect((await getPage(tenant, "/admin/memberships", cookie)).status).toBe(403);
      expect((await getPage(tenant, `/admin/memberships/${m.membership.id}`, cookie)).status).toBe(403);
      expect((await post(tenant, `/admin/memberships/${m.membership.id}/cancel`, {}, cookie)).status).toBe(403);
      expect((await post(tenant, "/admin/memberships", { email: "nosy@example.org", planId: plan }, cookie)).status).toBe(403);
    }
    expect((await membership(tenant, m.membership.id)).status).toBe("active");
    // A community admin (not only the owner) opens it; another community's membership is a 404.
    const admin = await signUpMember(tenant, "admin@example.org", "Ada Admin");
    await setTenantRole(tenant, admin.id, "admin");
    expect((await getPage(tenant, "/admin/memberships", admin.cookie)).status).toBe(200);
    const other = await makeTenant();
    expect((await getPage(other, `/admin/memberships/${m.membership.id}`, other.owner.cookie)).status).toBe(404);
  });
});

describe("/admin/memberships: the list", () => {
  it("puts the requests waiting for approval first, filters by status and plan, searches names and emails regardless of accents", async () => {
    const tenant = await makeTenant();
    const approval = await makePlan(tenant, "Resident", { approvalRequired: true });
    const flex = await makePlan(tenant, "Flex");
    const pending = await memberOn(tenant, "pat@example.org", "Pat Pending", approval);
    const active = await memberOn(tenant, "elodie@example.org", "Élodie Dupré", flex);
    const leaving = await memberOn(tenant, "lea@example.org", "Léa Leaving", flex);
    expect((await post(tenant, `/admin/memberships/${leaving.membership.id}/cancel`, {})).status).toBe(303);

    const all = await page(tenant, "/admin/memberships?lang=en");
    expect(all.status).toBe(200);
    // The queue comes before the list, with its count and its two buttons.
    expect(all.html).toMatch(/Waiting for approval <span class="tab-count">1<\/span>/);
    expect(all.html.indexOf("membership-queue")).toBeLessThan(all.html.indexOf("memberships-list-title"));
    expect(all.html).toContain(`action="/admin/memberships/${pending.membership.id}/confirm"`);
    expect(all.html).toContain(`action="/admin/memberships/${pending.membership.id}/cancel"`);
    // Every admin page counts them beside the navigation's entry (in the one query the navigation already made).
    const elsewhere = await page(tenant, "/admin/members?lang=en");
    expect(elsewhere.html).toMatch(/Memberships\s*<span class="tab-count"[^>]*>1<span class="sr-only"> 1 membership waiting for approval<\/span>/);
    // The status filter offers the waiting ones first.
    expect(all.html).toMatch(/<select[^>]*name="status"[^>]*>\s*<option value="pending_approval"[^>]*>Waiting for approval \(1\)<\/option>\s*<option value="active"/);
    const table = tableOf(all.html);
    for (const name of ["Pat Pending", "Élodie Dupré", "Léa Leaving"]) expect(table).toContain(name);
    expect(table).toContain(`href="/admin/members/${active.id}/profile"`);
    expect(table).toContain("elodie@example.org");
    expect(table).toContain("Ending");
    expect(table).toContain("Ends after");

    const only = async (query: string) => tableOf((await page(tenant, `/admin/memberships?lang=en&${query}`)).html);
    expect(await only("status=active")).toContain("Élodie Dupré");
    expect(await only("status=active")).not.toContain("Léa Leaving");
    expect(await only("status=canceling")).toContain("Léa Leaving");
    expect(await only("status=canceling")).not.toContain("Élodie Dupré");
    expect(await only("status=pending_approval")).toContain("Pat Pending");
    expect(await only("status=canceled")).toBe("");
    expect(await only(`plan=${approval}`)).toContain("Pat Pending");
    expect(await only(`plan=${approval}`)).not.toContain("Élodie Dupré");
    expect(await only("q=ELODIE%20dupre")).toContain("Élodie Dupré");
    expect(await only("q=ELODIE%20dupre")).not.toContain("Léa Leaving");
    expect(await only("q=lea%40example")).toContain("Léa Leaving");
    expect(await only("q=lea%40example")).not.toContain("Élodie Dupré");
    // The same search through the JSON API.
    const api = await call(tenant.host, "GET", "/api/v1/memberships?q=%C3%A9lodie", { cookie: tenant.owner.cookie });
    expect(((await api.json()) as { items: { member: { name: string } }[] }).items.map((i) => i.member.name)).toEqual(["Élodie Dupré"]);
  });

  it("pages with a next-page link that keeps the filters (no JavaScript); a made-up cursor is a 400 page", async () => {
    const tenant = await makeTenant();
    const plan = await makePlan(tenant, "Flex");
    const t = tenantDb(env, { id: tenant.id });
    const billing = await billingSettingsOf(t);
    const clock = clockOf({ timezone: "Europe/Paris" });
    for (let i = 0; i < 52; i++) {
      const id = newId();
      await t.db.insert(users).values({ id, tenantId: tenant.id, email: `m${i}@example.org`, name: `Member ${String(i).padStart(2, "0")}`, tenantRole: "member", status: "active", createdAt: Date.now() });
      await startMembership(t, billing, { ...clock, now: clock.now + i }, { userId: id, planId: plan }, "admin");
    }
    const first = await page(tenant, "/admin/memberships?lang=en&status=active");
    const next = /<a class="btn btn-secondary btn-sm pager-next" href="([^"]+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toMatch(/^\/admin\/memberships\?status=active&cursor=/);
    expect(tableOf(first.html)).toContain("Member 51");
    expect(tableOf(first.html)).not.toContain("Member 01");
    const second = await page(tenant, `${next}&lang=en`);
    expect(tableOf(second.html)).toContain("Member 00");
    expect(tableOf(second.html)).toContain("Member 01");
    expect(tableOf(second.html)).not.toContain("Member 51");
    expect(second.html).not.toContain("pager-next");
    expect(second.html).toContain("First page");
    expect((await page(tenant, "/admin/memberships?cursor=made-up")).status).toBe(400);
  });
});

describe("/admin/memberships/{id}: the admin's actions", () => {
  it("shows everything the API answers, and confirms a request (409 shown when it is no longer pending)", async () => {
    const tenant = await makeTenant();
    const plan = await makePlan(tenant, "Resident", { approvalRequired: true });
    const m = await memberOn(tenant, "pat@example.org", "Pat Pending", plan);
    const before = await page(tenant, `/admin/memberships/${m.membership.id}?lang=en`);
    expect(before.status).toBe(200);
    expect(before.html).toContain("Pat Pending");
    expect(before.html).toContain("Resident");
    expect(before.html).toContain("€49.99 a month");
    expect(before.html).toContain("Waiting for approval");
    expect(before.html).toContain("Decline the request");
    const res = await post(tenant, `/admin/memberships/${m.membership.id}/confirm`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/admin/memberships/${m.membership.id}?done=confirmed`);
    expect((await membership(tenant, m.membership.id)).status).toBe("active");
    const after = await page(tenant, `/admin/memberships/${m.membership.id}?done=confirmed&lang=en`);
    expect(after.html).toContain("Membership confirmed.");
    expect(after.html).toContain("Current period");
    expect(after.html).not.toContain("Decline the request");
    const again = await post(tenant, `/admin/memberships/${m.membership.id}/confirm?lang=en`, {});
    expect(again.status).toBe(409);
    expect(await html(again)).toContain("This membership is no longer waiting for approval.");
  });

  it("declines a request (a pending membership's cancel), from the list's queue back to the list", async () => {
    const tenant = await makeTenant();
    const plan = await makePlan(tenant, "Resident", { approvalRequired: true });
    const m = await memberOn(tenant, "dee@example.org", "Dee Declined", plan);
    const res = await post(tenant, `/admin/memberships/${m.membership.id}/cancel`, { from: "list" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/memberships?done=declined");
    expect((await membership(tenant, m.membership.id)).status).toBe("canceled");
    const list = await page(tenant, "/admin/memberships?done=declined&lang=en");
    expect(list.html).toContain("Request declined.");
    expect(list.html).not.toContain("membership-queue");
    expect((await page(tenant, `/admin/memberships/${m.membership.id}?lang=en`)).html).toContain("This membership has ended.");
  });

  it("cancels on a chosen day (the member's rule by default; 422 before today, beside the field), then undoes it", async () => {
    const tenant = await makeTenant();
    const plan = await makePlan(tenant, "Flex", { noticeDays: 30 });
    const m = await memberOn(tenant, "ann@example.org", "Ann Active", plan);
    const t = tenantDb(env, { id: tenant.id });
    const rule = memberCancelsOn(await membershipById(t, m.membership.id), (await planRow(t, plan))!, await billingSettingsOf(t), today(tenant));
    const form = await page(tenant, `/admin/memberships/${m.membership.id}?lang=en`);
    expect(form.html).toMatch(new RegExp(`<input class="input" id="field-on" name="on" type="date" value="${rule}"`));
    expect(form.html).toContain("days of notice");

    const early = await post(tenant, `/admin/memberships/${m.membership.id}/cancel?lang=en`, { on: "2000-01-01" });
    expect(early.status).toBe(422);
    const refused = await html(early);
    expect(refused).toMatch(/<p class="field-error" id="field-on-error">Choose today or a later day.<\/p>/);
    expect(refused).toContain('value="2000-01-01"');
    expect((await membership(tenant, m.membership.id)).status).toBe("active");

    const on = addDays(today(tenant), 3);
    const res = await post(tenant, `/admin/memberships/${m.membership.id}/cancel`, { on });
    expect(res.headers.get("location")).toBe(`/admin/memberships/${m.membership.id}?done=canceled`);
    expect(await membership(tenant, m.membership.id)).toMatchObject({ status: "canceling", cancelsOn: on });
    const canceling = await page(tenant, `/admin/memberships/${m.membership.id}?lang=en`);
    expect(canceling.html).toContain("Undo the cancellation");
    expect(canceling.html).toContain("Change the last day");

    // Today is allowed to an admin; then the undo.
    expect((await post(tenant, `/admin/memberships/${m.membership.id}/cancel`, { on: today(tenant) })).status).toBe(303);
    expect((await membership(tenant, m.membership.id)).cancelsOn).toBe(today(tenant));
    const undo = await post(tenant, `/admin/memberships/${m.membership.id}/undo-cancel`, {});
    expect(undo.headers.get("location")).toBe(`/admin/memberships/${m.membership.id}?done=undone`);
    expect(await membership(tenant, m.membership.id)).toMatchObject({ status: "active", cancelsOn: null });
    const twice = await post(tenant, `/admin/memberships/${m.membership.id}/undo-cancel?lang=en`, {});
    expect(twice.status).toBe(409);
    expect(await html(twice)).toContain("This membership is not being cancelled.");
  });

  it("schedules a plan change (default day or a chosen one; refusals beside their field), replaces and drops it", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, "Flex");
    const fixed = await makePlan(tenant, "Fixed desk", { price: { amount: 25000, currency: "EUR" }, hidden: true });
    const m = await memberOn(tenant, "cara@example.org", "Cara Change", flex);
    const path = `/admin/memberships/${m.membership.id}`;
    expect((await page(tenant, `${path}?lang=en`)).html).toContain(`<option value="${fixed}"`);

    const same = await post(tenant, `${path}/change?lang=en`, { planId: flex, changeOn: "" });
    expect(same.status).toBe(422);
    expect(await html(same)).toMatch(/id="field-planId-error">This is already the current plan.</);
    const past = await post(tenant, `${path}/change?lang=en`, { planId: fixed, changeOn: today(tenant) });
    expect(past.status).toBe(422);
    expect(await html(past)).toMatch(/id="field-changeOn-error">Choose a day after today.</);

    const res = await post(tenant, `${path}/change`, { planId: fixed, changeOn: "" });
    expect(res.headers.get("location")).toBe(`${path}?done=changed`);
    const scheduled = (await membership(tenant, m.membership.id)).scheduledChange;
    expect(scheduled?.plan.id).toBe(fixed);
    expect(scheduled!.on > today(tenant)).toBe(true);
    const shown = await page(tenant, `${path}?lang=en`);
    expect(shown.html).toContain("To Fixed desk on");
    expect(shown.html).toContain("Replace the scheduled change");

    const later = addDays(today(tenant), 45);
    expect((await post(tenant, `${path}/change`, { planId: fixed, changeOn: later })).status).toBe(303);
    expect((await membership(tenant, m.membership.id)).scheduledChange?.on).toBe(later);

    const drop = await post(tenant, `${path}/drop-change`, {});
    expect(drop.headers.get("location")).toBe(`${path}?done=dropped`);
    expect((await membership(tenant, m.membership.id)).scheduledChange).toBeNull();
    expect((await page(tenant, `${path}?done=dropped&lang=en`)).html).toContain("Scheduled change removed.");
  });

  it("edits the billing details (a missing name is refused beside its field)", async () => {
    const tenant = await makeTenant();
    const plan = await makePlan(tenant, "Flex");
    const m = await memberOn(tenant, "bill@example.org", "Bill Billing", plan);
    const path = `/admin/memberships/${m.membership.id}`;
    const empty = await post(tenant, `${path}/billing?lang=en`, { name: " ", address: "1 rue de la Paix, Paris", taxId: "" });
    expect(empty.status).toBe(422);
    const refused = await html(empty);
    expect(refused).toMatch(/id="field-name-error">/);
    expect(refused).toContain("1 rue de la Paix, Paris");
    const res = await post(tenant, `${path}/billing`, { name: "Atelier Bill SARL", address: "1 rue de la Paix\n75002 Paris", taxId: "FR12345678901" });
    expect(res.headers.get("location")).toBe(`${path}?done=billing`);
    expect((await membership(tenant, m.membership.id)).billing).toEqual({ name: "Atelier Bill SARL", address: "1 rue de la Paix\n75002 Paris", taxId: "FR12345678901" });
    const shown = await page(tenant, `${path}?done=billing&lang=en`);
    expect(shown.html).toContain("Billing details saved.");
    expect(shown.html).toContain("VAT number: FR12345678901");
    expect((await post(tenant, `${path}/billing`, { name: "Bill", address: "Somewhere", taxId: "" })).status).toBe(303);
    expect((await membership(tenant, m.membership.id)).billing).toEqual({ name: "Bill", address: "Somewhere", taxId: null });
  });

  it("the members' switches never stop an admin: cancel, change and billing still work with all three off", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, "Flex");
    const other = await makePlan(tenant, "Other");
    const m = await memberOn(tenant, "sw@example.org", "Sam Switch", flex);
    const off = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { cancelMembership: false, changeMembership: false, editBillingDetails: false } } });
    expect(off.status).toBe(200);
    expect((await call(tenant.host, "POST", "/api/v1/me/membership/cancel", { cookie: m.cookie })).status).toBe(403);
    const path = `/admin/memberships/${m.membership.id}`;
    expect((await post(tenant, `${path}/change`, { planId: other, changeOn: "" })).status).toBe(303);
    expect((await post(tenant, `${path}/billing`, { name: "Sam", address: "Here", taxId: "" })).status).toBe(303);
    expect((await post(tenant, `${path}/cancel`, { on: "" })).status).toBe(303);
    expect((await membership(tenant, m.membership.id)).status).toBe("canceling");
  });
});

describe("/admin/memberships: assigning a plan", () => {
  it("puts a member chosen by email on a plan from any day, confirmed; 409 membership_exists and an unknown email shown beside the email", async () => {
    const tenant = await makeTenant();
    const plan = await makePlan(tenant, "Resident", { approvalRequired: true });
    const member = await signUpMember(tenant, "new@example.org", "Nina New");
    const form = await page(tenant, "/admin/memberships?lang=en");
    expect(form.html).toContain('<form class="form membership-assign-form" method="post" action="/admin/memberships">');

    const unknown = await post(tenant, "/admin/memberships?lang=en", { email: "nobody@example.org", planId: plan, startsOn: "" });
    expect(unknown.status).toBe(422);
    const unknownHtml = await html(unknown);
    expect(unknownHtml).toMatch(/id="field-email-error">No member of this community has this email.</);
    expect(unknownHtml).toMatch(/<details class="membership-assign-details" open/);

    const startsOn = addDays(today(tenant), -40);
    const res = await post(tenant, "/admin/memberships", { email: " NEW@example.org ", planId: plan, startsOn });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    const id = /^\/admin\/memberships\/([^?]+)\?done=assigned$/.exec(location)?.[1];
    expect(id).toBeTruthy();
    expect(await membership(tenant, id!)).toMatchObject({ status: "active", startedOn: startsOn });
    const mine = await call(tenant.host, "GET", "/api/v1/me/membership", { cookie: member.cookie });
    expect(((await mine.json()) as Membership).id).toBe(id);

    const twice = await post(tenant, "/admin/memberships?lang=en", { email: "new@example.org", planId: plan, startsOn: "" });
    expect(twice.status).toBe(409);
    const twiceHtml = await html(twice);
    expect(twiceHtml).toMatch(/id="field-email-error">This member already has a membership. Open it to change its plan.</);
    expect(twiceHtml).toContain(`<a href="/admin/memberships/${id}">Open their membership</a>`);
  });

  it("is in French, English and Dutch", async () => {
    const tenant = await makeTenant();
    const plan = await makePlan(tenant, "Flex");
    const m = await memberOn(tenant, "lang@example.org", "Lou Lang", plan);
    expect((await page(tenant, "/admin/memberships?lang=fr")).html).toContain("Attribuer une formule");
    expect((await page(tenant, "/admin/memberships?lang=nl")).html).toContain("Een lid een formule geven");
    const fr = await page(tenant, `/admin/memberships/${m.membership.id}?lang=fr`);
    expect(fr.html).toContain("Résilier l’abonnement");
    expect(fr.html).toContain("49,99 € par mois");
  });
});
