import { describe, expect, it } from "vitest";
import { parseDecimalAmount } from "../invoices/money";
import { call, getPage, groupMember, makeGroup, makeTenant, postForm, setGroupRole, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import type { PlanView } from "./types";

// /admin/plans: the plans' administration pages, on the plans service.

/** Every field of the form, as a person types it (English decimals unless told). */
const FULL: Record<string, string> = {
  name: "Resident desk",
  description: "A desk **of your own**.",
  price: "49.90",
  intervalMonths: "3",
  taxRate: "20.5",
  approvalRequired: "on",
  hidden: "on",
  noticeDays: "30",
  setupFee: "100",
  creditMinutes: "600",
  creditCategories: "Meeting rooms, Phone booths , ,Desks",
};

async function planJson(tenant: TestTenant, id: string, cookie = tenant.owner.cookie): Promise<PlanView> {
  const res = await call(tenant.host, "GET", `/api/v1/plans/${id}`, { cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { plan: PlanView }).plan;
}

/** Creates a plan through the page's form; the id from the redirect to its page. */
async function createThroughForm(tenant: TestTenant, fields: Record<string, string> | [string, string][]): Promise<string> {
  const res = await call(tenant.host, "POST", "/admin/plans/new", { cookie: tenant.owner.cookie, ...formOf(fields) });
  expect(res.status).toBe(303);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/admin\/plans\/[^/?]+\?done=created$/);
  return location.split("/")[3]!.split("?")[0]!;
}

/** A urlencoded body that may repeat a name (the groups' checkboxes). */
function formOf(fields: Record<string, string> | [string, string][]) {
  return { body: new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
}

const text = async (res: Response) => ({ status: res.status, html: await res.text() });

describe("/admin/plans: who may open it", () => {
  it("a member, a group admin and an owner viewing as a member get 403 on every page and form; a visitor is sent to log in", async () => {
    const tenant = await makeTenant();
    const id = await createThroughForm(tenant, { name: "Flex", price: "10", intervalMonths: "1" });
    await makeGroup(tenant, { slug: "makers", joinPolicy: "open" });
    const member = await signUpMember(tenant, "member@example.org", "Mia Member");
    const groupAdmin = await groupMember(tenant, "makers", "gadmin@example.org", "Gus Groupadmin");
    await setGroupRole(tenant, "makers", groupAdmin.id, "admin");
    const asMember = `${tenant.owner.cookie}; view_as=member`;
    for (const cookie of [member.cookie, groupAdmin.cookie, asMember]) {
      for (const path of ["/admin/plans", "/admin/plans/new", `/admin/plans/${id}`]) expect((await getPage(tenant, path, cookie)).status).toBe(403);
      expect((await postForm(tenant, "/admin/plans/new", cookie, { name: "Sneaky", price: "1", intervalMonths: "1" })).status).toBe(403);
      expect((await postForm(tenant, `/admin/plans/${id}`, cookie, { name: "Renamed", price: "1", intervalMonths: "1" })).status).toBe(403);
      expect((await postForm(tenant, `/admin/plans/${id}/archive`, cookie, {})).status).toBe(403);
      expect((await postForm(tenant, `/admin/plans/${id}/restore`, cookie, {})).status).toBe(403);
    }
    // Viewing as a member, the 403 page carries no admin navigation.
    expect((await text(await getPage(tenant, "/admin/plans?lang=en", asMember))).html).not.toContain('href="/admin/plans/new"');
    const visitor = await getPage(tenant, "/admin/plans");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login?next=%2Fadmin%2Fplans");
    const visitorPost = await call(tenant.host, "POST", `/admin/plans/${id}/archive`, formOf({}));
    expect(visitorPost.status).toBe(303);
    expect(visitorPost.headers.get("location")).toBe("/login?next=%2Fadmin%2Fplans");
    expect((await planJson(tenant, id)).archived).toBe(false);
    expect((await planJson(tenant, id)).name).toBe("Flex");
    // A community admin may.
    await setTenantRole(tenant, member.id, "admin");
    expect((await getPage(tenant, "/admin/plans", member.cookie)).status).toBe(200);
  });
});

describe("/admin/plans: create and edit", () => {
  it("creates a plan with every field, stored exactly (49.90 → 4990), and shows the hidden plan's own link", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "lab", name: "The Lab" });
    await makeGroup(tenant, { slug: "cafe", name: "Café" });
    const form = await text(await getPage(tenant, "/admin/plans/new?lang=en", tenant.owner.cookie));
    expect(form.status).toBe(200);
    expect(form.html).toContain('action="/admin/plans/new"');
    // The currency is the billing settings' (EUR by default), shown beside the amounts, not chosen.
    expect(form.html).toMatch(/name="price"[^>]*\/>\s*<span class="input-suffix"[^>]*>EUR<\/span>/);
    expect(form.html).not.toContain('name="currency"');
    expect(form.html).toContain('value="lab"');
    const id = await createThroughForm(tenant, [...Object.entries(FULL), ["groups", "lab"], ["groups", "cafe"]]);
    expect(await planJson(tenant, id)).toEqual({
      id,
      name: "Resident desk",
      description: "A desk **of your own**.",
      price: { amount: 4990, currency: "EUR" },
      intervalMonths: 3,
      taxRate: 20.5,
      approvalRequired: true,
      hidden: true,
      noticeDays: 30,
      setupFee: { amount: 10000, currency: "EUR" },
      credits: { minutes: 600, categories: ["Meeting rooms", "Phone booths", "Desks"] },
      groups: ["cafe", "lab"],
      archived: false,
    });
    const page = await text(await getPage(tenant, `/admin/plans/${id}?done=created&lang=en`, tenant.owner.cookie));
    expect(page.html).toContain("Plan created.");
    expect(page.html).toMatch(new RegExp(`<input class="input copy-input" id="plan-own-link" type="text" readonly value="http://${tenant.host.replace(/\./g, "\\.")}/membership/plans/${id}"`));
    // The form shows what is stored.
    expect(page.html).toContain('value="49.90"');
    expect(page.html).toContain('value="Meeting rooms, Phone booths, Desks"');
    const fr = await text(await getPage(tenant, `/admin/plans/${id}?lang=fr`, tenant.owner.cookie));
    expect(fr.html).toContain('value="49,90"');
    expect(fr.html).toContain('value="20,5"');
  });

  it("reads decimals exactly, a dot or a comma: amounts floats would round down (4.35, 1,15, 0.29), a French rate", async () => {
    const tenant = await makeTenant();
    // 4.35 × 100 is 434.99999999999994 in binary floating point, 1.15 × 100 is 114.99999999999999, 0.29 × 100 is 28.999999999999996.
    const a = await createThroughForm(tenant, { name: "A", price: "4.35", intervalMonths: "1", setupFee: "0.29", taxRate: "5,5" });
    expect(await planJson(tenant, a)).toMatchObject({ price: { amount: 435 }, setupFee: { amount: 29 }, taxRate: 5.5 });
    const b = await createThroughForm(tenant, { name: "B", price: "1,15", intervalMonths: "12", setupFee: "", taxRate: "", noticeDays: "", creditMinutes: "" });
    expect(await planJson(tenant, b)).toMatchObject({ price: { amount: 115 }, setupFee: { amount: 0 }, taxRate: 0, noticeDays: 0, credits: { minutes: 0, categories: [] } });
    const c = await createThroughForm(tenant, { name: "C", price: "1 200,5", intervalMonths: "1", taxRate: "0.1" });
    expect(await planJson(tenant, c)).toMatchObject({ price: { amount: 120050 }, taxRate: 0.1 });
    expect(parseDecimalAmount("0.1", "EUR")! + parseDecimalAmount("0.2", "EUR")!).toBe(30);
    expect(parseDecimalAmount(".5", "EUR")).toBe(50);
    expect(parseDecimalAmount("7", "JPY")).toBe(7);
    for (const bad of ["", ".", "1.234", "1,2,3", "1.2.3", "-1", "1e3", "12€", "0x10"]) expect(parseDecimalAmount(bad, "EUR")).toBeNull();
    expect(parseDecimalAmount("1.5", "JPY")).toBeNull();
  });

  it("shows each bad input beside its field (422), keeping what was typed", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "POST", "/admin/plans/new?lang=en", {
      cookie: tenant.owner.cookie,
      ...formOf({ name: "  ", price: "12.345", intervalMonths: "13", taxRate: "5.555", noticeDays: "400", setupFee: "abc", creditMinutes: "-5", creditCategories: "x".repeat(61), groups: "nowhere" }),
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    const errorOf = (field: string) => new RegExp(`<p class="field-error" id="field-${field}-error">([^<]*)</p>`).exec(html)?.[1];
    expect(errorOf("name")).toBe("This field is required.");
    expect(errorOf("price")).toBe("Enter an amount in EUR such as 49.90 (at most two decimals).");
    expect(errorOf("setupFee")).toBe("Enter an amount in EUR such as 49.90 (at most two decimals).");
    expect(errorOf("intervalMonths")).toBe("Enter a number of at most 12.");
    expect(errorOf("taxRate")).toBe("Enter a percentage with at most two decimals, such as 21 or 5.5.");
    expect(errorOf("noticeDays")).toBe("Enter a number of at most 365.");
    expect(errorOf("creditMinutes")).toBe("Enter a whole number.");
    expect(errorOf("creditCategories")).toBe("Use at most 60 characters.");
    expect(html).toContain('value="12.345"');
    expect(html).toContain('value="abc"');
    expect(html).toContain('value="13"');
    // In French, the same errors in French.
    const fr = await call(tenant.host, "POST", "/admin/plans/new?lang=fr", { cookie: tenant.owner.cookie, ...formOf({ name: "", price: "12,345", intervalMonths: "0", taxRate: "5,555", creditMinutes: "1.5" }) });
    const frHtml = await fr.text();
    expect(frHtml).toContain('id="field-price-error">Saisissez un montant en EUR, par exemple 49,90 (au plus deux décimales).');
    expect(frHtml).toContain('id="field-intervalMonths-error">Indiquez un nombre d’au moins 1.');
    expect(frHtml).toContain('id="field-taxRate-error">Saisissez un pourcentage avec au plus deux décimales, par exemple 20 ou 5,5.');
    expect(frHtml).toContain('id="field-creditMinutes-error">Saisissez un nombre entier.');
    expect(frHtml).toContain('value="12,345"');
    // Nothing was created.
    const list = await call(tenant.host, "GET", "/api/v1/plans", { cookie: tenant.owner.cookie });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    // A group that is not the community's is refused beside the groups (the service's own check).
    const unknownGroup = await call(tenant.host, "POST", "/admin/plans/new?lang=en", { cookie: tenant.owner.cookie, ...formOf({ name: "G", price: "1", intervalMonths: "1", groups: "nowhere" }) });
    expect(unknownGroup.status).toBe(422);
    expect(await unknownGroup.text()).toMatch(/<p class="field-error" id="field-groups-error">There is no group nowhere\.<\/p>/);
    const tooBig = await call(tenant.host, "POST", "/admin/plans/new?lang=en", { cookie: tenant.owner.cookie, ...formOf({ name: "Big", price: "1000001", intervalMonths: "1", taxRate: "101" }) });
    const bigHtml = await tooBig.text();
    expect(bigHtml).toContain('id="field-price-error">Enter a number of at most 100000000.');
    expect(bigHtml).toContain('id="field-taxRate-error">Enter a number of at most 100.');
  });

  it("edits every field of a plan: groups replaced, an empty setup fee clears it, unchecked boxes turn off; bad input keeps the stored plan", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "lab" });
    await makeGroup(tenant, { slug: "cafe" });
    const id = await createThroughForm(tenant, [...Object.entries(FULL), ["groups", "lab"]]);
    const edit = await text(await getPage(tenant, `/admin/plans/${id}?lang=en`, tenant.owner.cookie));
    expect(edit.html).toContain(`action="/admin/plans/${id}"`);
    expect(edit.html).toMatch(/name="approvalRequired" value="on" checked/);
    const bad = await call(tenant.host, "POST", `/admin/plans/${id}?lang=en`, { cookie: tenant.owner.cookie, ...formOf({ name: "Renamed", price: "free", intervalMonths: "1" }) });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('value="Renamed"');
    expect((await planJson(tenant, id)).name).toBe("Resident desk");
    const res = await call(tenant.host, "POST", `/admin/plans/${id}`, {
      cookie: tenant.owner.cookie,
      ...formOf([
        ["name", "Hot desk"],
        ["description", ""],
        ["price", "19,99"],
        ["intervalMonths", "1"],
        ["taxRate", "21"],
        ["noticeDays", "0"],
        ["setupFee", ""],
        ["creditMinutes", "120"],
        ["creditCategories", "Desks"],
        ["groups", "cafe"],
      ]),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/plans?done=saved");
    expect(await planJson(tenant, id)).toMatchObject({
      name: "Hot desk",
      description: "",
      price: { amount: 1999, currency: "EUR" },
      intervalMonths: 1,
      taxRate: 21,
      approvalRequired: false,
      hidden: false,
      noticeDays: 0,
      setupFee: { amount: 0 },
      credits: { minutes: 120, categories: ["Desks"] },
      groups: ["cafe"],
    });
    // No longer hidden: no own link on its page.
    expect((await text(await getPage(tenant, `/admin/plans/${id}?lang=en`, tenant.owner.cookie))).html).not.toContain('id="plan-own-link"');
    expect((await text(await getPage(tenant, "/admin/plans?done=saved&lang=en", tenant.owner.cookie))).html).toContain("Plan saved.");
    expect((await getPage(tenant, "/admin/plans/nope", tenant.owner.cookie)).status).toBe(404);
  });
});

describe("/admin/plans: the list, archive and restore", () => {
  it("lists every plan with its price, tax, approval, visibility, groups and members; archive hides it from members, restore brings it back", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "lab", name: "The Lab" });
    const monthly = await createThroughForm(tenant, { name: "Monthly", price: "49.90", intervalMonths: "1", taxRate: "20", groups: "lab" });
    const quarterly = await createThroughForm(tenant, { name: "Quarterly", price: "120", intervalMonths: "3", approvalRequired: "on", hidden: "on" });
    const member = await signUpMember(tenant, "on-plan@example.org", "Pia Plan");
    const other = await signUpMember(tenant, "also@example.org", "Ole Other");
    for (const m of [member, other]) expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: m.cookie, json: { planId: monthly } })).status).toBe(201);
    // A request waiting for approval is not a member on the plan yet.
    const waiting = await signUpMember(tenant, "waiting@example.org", "Wes Waiting");
    const pending = await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: waiting.cookie, json: { planId: quarterly } });
    expect(((await pending.json()) as { membership: { status: string } }).membership.status).toBe("pending_approval");
    const list = await text(await getPage(tenant, "/admin/plans?lang=en", tenant.owner.cookie));
    expect(list.status).toBe(200);
    expect(list.html).toContain('class="table table-stack-lg plans-table"');
    expect(list.html).toContain("€49.90 per month");
    expect(list.html).toContain("€120.00 every 3 months");
    expect(list.html).toContain("The Lab");
    const rowOf = (name: string) => list.html.slice(list.html.indexOf(`>${name}</a>`)).split("</tr>")[0]!;
    expect(rowOf("Monthly")).toMatch(/data-label="Members">2<\/td>/);
    expect(rowOf("Quarterly")).toMatch(/data-label="Members">0<\/td>/);
    expect(rowOf("Quarterly")).toContain('<span class="badge badge-warning">Approval required</span>');
    expect(rowOf("Quarterly")).toContain('<span class="badge badge-quiet">Hidden</span>');
    expect(rowOf("Monthly")).not.toContain("badge");
    expect(list.html).toContain("20%");
    expect(list.html).not.toContain("Archived plans");
    const fr = await text(await getPage(tenant, "/admin/plans?lang=fr", tenant.owner.cookie));
    expect(fr.html).toContain("49,90\u00a0€ par mois");
    expect(fr.html).toContain("120,00\u00a0€ tous les 3 mois");

    const archived = await postForm(tenant, `/admin/plans/${monthly}/archive`, tenant.owner.cookie, {});
    expect(archived.status).toBe(303);
    expect(archived.headers.get("location")).toBe("/admin/plans?done=archived");
    const offered = async () => ((await (await call(tenant.host, "GET", "/api/v1/plans", { cookie: member.cookie })).json()) as { items: { id: string }[] }).items.map((p) => p.id);
    expect(await offered()).toEqual([]);
    // Members on it keep it.
    const mine = await call(tenant.host, "GET", "/api/v1/me/membership", { cookie: member.cookie });
    expect(((await mine.json()) as { plan: { id: string } }).plan.id).toBe(monthly);
    const after = await text(await getPage(tenant, "/admin/plans?done=archived&lang=en", tenant.owner.cookie));
    expect(after.html).toContain("Plan archived: nobody new can choose it.");
    expect(after.html).toContain("Archived plans");
    const archivedSection = after.html.slice(after.html.indexOf("Archived plans"));
    expect(archivedSection).toContain(`action="/admin/plans/${monthly}/restore"`);
    expect(after.html).not.toContain(`action="/admin/plans/${monthly}/archive"`);
    expect(after.html).toContain(`action="/admin/plans/${quarterly}/archive"`);

    const restored = await postForm(tenant, `/admin/plans/${monthly}/restore`, tenant.owner.cookie, {});
    expect(restored.headers.get("location")).toBe("/admin/plans?done=restored");
    expect(await offered()).toEqual([monthly]);
    expect((await text(await getPage(tenant, "/admin/plans?lang=en", tenant.owner.cookie))).html).not.toContain("Archived plans");
    expect((await postForm(tenant, "/admin/plans/nope/archive", tenant.owner.cookie, {})).status).toBe(404);
  });

  it("an empty list says so and offers to create the first plan; the edit page of an archived plan offers restore", async () => {
    const tenant = await makeTenant();
    const empty = await text(await getPage(tenant, "/admin/plans?lang=en", tenant.owner.cookie));
    expect(empty.html).toContain("No plans yet.");
    expect(empty.html).toContain('href="/admin/plans/new"');
    expect(empty.html).toMatch(/class="mask-icon admin-nav-icon admin-nav-icon-plans"/);
    const id = await createThroughForm(tenant, { name: "Old", price: "5", intervalMonths: "1" });
    await postForm(tenant, `/admin/plans/${id}/archive`, tenant.owner.cookie, {});
    const page = await text(await getPage(tenant, `/admin/plans/${id}?lang=en`, tenant.owner.cookie));
    expect(page.html).toContain("Nobody new can choose this plan; members on it keep it.");
    expect(page.html).toContain(`action="/admin/plans/${id}/restore"`);
  });
});
