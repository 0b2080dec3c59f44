import { describe, expect, it } from "vitest";
import { png, svg } from "../test/images";
import { call, getPage, groupMember, makeGroup, makeTenant, postForm, setGroupRole, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import type { ResourceView } from "./types";

// /admin/resources: the resources' administration pages on the resources service, and the
// resources hidden from one member on that member's admin page.

async function resourceJson(tenant: TestTenant, id: string): Promise<ResourceView> {
  const res = await call(tenant.host, "GET", `/api/v1/resources/${id}`, { cookie: tenant.owner.cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { resource: ResourceView }).resource;
}

async function makePlan(tenant: TestTenant, name: string): Promise<string> {
  const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name, price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { plan: { id: string } }).plan.id;
}

/** A multipart body, as the browser sends the resource form (it carries a file input). */
function multipart(fields: Record<string, string>, image?: File): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  body.set("image", image ?? new File([], "", { type: "application/octet-stream" }));
  return body;
}

/** Creates a resource through the page's form; the id from the redirect to its page. */
async function createThroughForm(tenant: TestTenant, fields: Record<string, string>, image?: File): Promise<string> {
  const res = await call(tenant.host, "POST", "/admin/resources/new", { cookie: tenant.owner.cookie, body: multipart(fields, image) });
  expect(res.status, await res.clone().text()).toBe(303);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/admin\/resources\/[^/?]+\?done=created$/);
  return location.split("/")[3]!.split("?")[0]!;
}

const text = async (res: Response) => ({ status: res.status, html: await res.text() });
const BASIC = { name: "Salle Jade", category: "Meeting rooms", pricePerHour: "30" };

describe("/admin/resources: who may open it", () => {
  it("a member, a group admin and an owner viewing as a member get 403 on every page and form; a visitor is sent to log in; a community admin may", async () => {
    const tenant = await makeTenant();
    const id = await createThroughForm(tenant, BASIC);
    await makeGroup(tenant, { slug: "makers", joinPolicy: "open" });
    const member = await signUpMember(tenant, "member@example.org", "Mia Member");
    const groupAdmin = await groupMember(tenant, "makers", "gadmin@example.org", "Gus Groupadmin");
    await setGroupRole(tenant, "makers", groupAdmin.id, "admin");
    const asMember = `${tenant.owner.cookie}; view_as=member`;
    for (const cookie of [member.cookie, groupAdmin.cookie, asMember]) {
      for (const path of ["/admin/resources", "/admin/resources/new", `/admin/resources/${id}`]) expect((await getPage(tenant, path, cookie)).status).toBe(403);
      expect((await postForm(tenant, "/admin/resources/new", cookie, BASIC)).status).toBe(403);
      expect((await postForm(tenant, `/admin/resources/${id}`, cookie, { ...BASIC, name: "Renamed" })).status).toBe(403);
      expect((await postForm(tenant, `/admin/resources/${id}/delete`, cookie, {})).status).toBe(403);
      expect((await postForm(tenant, `/admin/members/${member.id}/hidden-resources`, cookie, { resourceIds: id })).status).toBe(403);
    }
    expect((await text(await getPage(tenant, "/admin/resources?lang=en", asMember))).html).not.toContain('href="/admin/resources/new"');
    const visitor = await getPage(tenant, "/admin/resources");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login?next=%2Fadmin%2Fresources");
    const visitorPost = await call(tenant.host, "POST", `/admin/resources/${id}/delete`, { body: new URLSearchParams().toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(visitorPost.status).toBe(303);
    expect(visitorPost.headers.get("location")).toBe("/login?next=%2Fadmin%2Fresources");
    const still = await resourceJson(tenant, id);
    expect(still.name).toBe("Salle Jade");
    expect((await call(tenant.host, "GET", "/api/v1/members/" + member.id + "/hidden-resources", { cookie: tenant.owner.cookie }).then((r) => r.json())) as unknown).toEqual({ resourceIds: [] });
    await setTenantRole(tenant, member.id, "admin");
    expect((await getPage(tenant, "/admin/resources", member.cookie)).status).toBe(200);
  });

  it("an unknown resource is the 404 page", async () => {
    const tenant = await makeTenant();
    expect((await getPage(tenant, "/admin/resources/nope", tenant.owner.cookie)).status).toBe(404);
    expect((await postForm(tenant, "/admin/resources/nope", tenant.owner.cookie, BASIC)).status).toBe(404);
    expect((await postForm(tenant, "/admin/resources/nope/delete", tenant.owner.cookie, {})).status).toBe(404);
  });
});

describe("/admin/resources: create, edit, list", () => {
  it("creates a resource with every field (French decimals, 9h30 and 24:00 in the hours, two windows a day, a price per plan, a picture), stored exactly", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, "Flex");
    const team = await makePlan(tenant, "Team");
    const id = await createThroughForm(
      tenant,
      {
        name: "Salle Hopper",
        category: "Meeting rooms",
        description: "Huit places, un écran.",
        units: "2",
        capacity: "8",
        pricePerHour: "30,50",
        [`planPrices.${flex}`]: "15",
        [`planPrices.${team}`]: "",
        taxRate: "5,5",
        minMinutes: "30",
        maxMinutes: "240",
        cutoffHours: "2",
        cancellationHours: "24",
        "hours.1.0.from": "9h30",
        "hours.1.0.to": "12:00",
        "hours.1.1.from": "14:00",
        "hours.1.1.to": "18:00",
        "hours.6.0.from": "10:00",
        "hours.6.0.to": "24:00",
        "hours.7.1.from": "00:00",
        "hours.7.1.to": "06:00",
        hidden: "on",
      },
      new File([png(64, 48)], "room.png", { type: "image/png" }),
    );
    const r = await resourceJson(tenant, id);
    expect(r).toMatchObject({
      name: "Salle Hopper",
      category: "Meeting rooms",
      description: "Huit places, un écran.",
      units: 2,
      capacity: 8,
      pricePerHour: { amount: 3050, currency: "EUR" },
      planPrices: { [flex]: { amount: 1500, currency: "EUR" } },
      taxRate: 5.5,
      minMinutes: 30,
      maxMinutes: 240,
      cutoffHours: 2,
      cancellationHours: 24,
      openingHours: [
        { day: 1, from: "09:30", to: "12:00" },
        { day: 1, from: "14:00", to: "18:00" },
        { day: 6, from: "10:00", to: "24:00" },
        { day: 7, from: "00:00", to: "06:00" },
      ],
      hidden: true,
    });
    expect(r.image).toMatch(new RegExp(`^/media/tenants/${tenant.id}/resources/${id}/image/[0-9a-f]{64}\\.png$`));
    expect(Object.keys(r.planPrices)).toEqual([flex]);

    // Its page shows it back as stored, in the reader's language; Monday has its two windows and one empty row.
    const page = await text(await getPage(tenant, `/admin/resources/${id}?done=created&lang=fr`, tenant.owner.cookie));
    expect(page.status).toBe(200);
    expect(page.html).toContain("Ressource créée.");
    expect(page.html).toContain('value="30,50"');
    expect(page.html).toContain('value="5,5"');
    expect(page.html).toContain(`name="planPrices.${flex}" type="text" value="15,00"`);
    expect(page.html).toMatch(/name="hours\.1\.2\.from" value inputmode/);
    expect(page.html).toMatch(/name="hours\.6\.0\.to" value="24:00"/);
    expect(page.html).toContain(r.image!);
    expect(page.html).toContain('enctype="multipart/form-data"');
  });

  it("lists resources with category, units, capacity, price in the community's currency, a hidden badge and a thumbnail", async () => {
    const tenant = await makeTenant();
    const jade = await createThroughForm(tenant, { ...BASIC, capacity: "8", hidden: "on" }, new File([png(10, 10)], "jade.png", { type: "image/png" }));
    await createThroughForm(tenant, { name: "Desk 1", category: "Desks", pricePerHour: "4.5", units: "6" });
    const en = await text(await getPage(tenant, "/admin/resources?lang=en", tenant.owner.cookie));
    expect(en.status).toBe(200);
    expect(en.html).toContain("Salle Jade");
    expect(en.html).toContain("Desk 1");
    expect(en.html).toContain("€30.00 per hour");
    expect(en.html).toContain("€4.50 per hour");
    expect(en.html).toContain("8 people");
    expect(en.html).toContain(">Hidden<");
    expect(en.html).toContain((await resourceJson(tenant, jade)).image!);
    expect(en.html).toContain("table-stack-lg");
    expect(en.html).toContain('class="admin-nav-link is-active" href="/admin/resources"');
    // Desks come before meeting rooms (by category).
    expect(en.html.indexOf("Desk 1")).toBeLessThan(en.html.indexOf("Salle Jade"));
    const fr = await text(await getPage(tenant, "/admin/resources?lang=fr", tenant.owner.cookie));
    expect(fr.html).toContain("30,00\u00a0€ de l’heure");
    const nl = await text(await getPage(tenant, "/admin/resources?lang=nl", tenant.owner.cookie));
    expect(nl.html).toContain("per uur");
    // The category field suggests the categories in use.
    const form = await text(await getPage(tenant, "/admin/resources/new?lang=en", tenant.owner.cookie));
    expect(form.html).toContain('list="resource-categories"');
    expect(form.html).toMatch(/<datalist id="resource-categories"><option value="Desks"><\/option><option value="Meeting rooms"><\/option><\/datalist>/);
  });

  it("edits a resource: clearing optional fields and every window stores nulls (bookable at any time), and the plan price goes", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, "Flex");
    const id = await createThroughForm(tenant, { ...BASIC, capacity: "4", minMinutes: "30", [`planPrices.${flex}`]: "10", "hours.2.0.from": "08:00", "hours.2.0.to": "20:00" });
    const res = await postForm(tenant, `/admin/resources/${id}`, tenant.owner.cookie, { name: "Salle Jade II", category: "Meeting rooms", pricePerHour: "32", units: "", capacity: "", minMinutes: "", [`planPrices.${flex}`]: "" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/resources?done=saved");
    expect(await resourceJson(tenant, id)).toMatchObject({ name: "Salle Jade II", pricePerHour: { amount: 3200 }, units: 1, capacity: null, minMinutes: null, planPrices: {}, openingHours: null, hidden: false, image: null });
    expect((await text(await getPage(tenant, "/admin/resources?done=saved&lang=en", tenant.owner.cookie))).html).toContain("Resource saved.");
  });

  it("refuses bad input with each error beside its field and what was typed kept (422), storing nothing", async () => {
    const tenant = await makeTenant();
    const flex = await makePlan(tenant, "Flex");
    const res = await call(tenant.host, "POST", "/admin/resources/new?lang=en", {
      cookie: tenant.owner.cookie,
      body: multipart(
        {
          name: "",
          category: "Desks",
          pricePerHour: "12.345",
          [`planPrices.${flex}`]: "abc",
          taxRate: "101",
          units: "0",
          capacity: "many",
          minMinutes: "120",
          maxMinutes: "60",
          "hours.1.0.from": "18:00",
          "hours.1.0.to": "09:00",
          "hours.2.0.from": "25:00",
          "hours.2.0.to": "26:00",
          "hours.3.1.from": "09:00",
          "hours.3.1.to": "",
        },
        new File([svg()], "room.png", { type: "image/png" }),
      ),
    });
    const { status, html } = await text(res);
    expect(status).toBe(422);
    const errorOf = (id: string) => new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(html)?.[1];
    expect(errorOf("field-name")).toBe("This field is required.");
    expect(errorOf("field-pricePerHour")).toContain("Enter an amount in EUR");
    expect(errorOf(`field-planPrices.${flex}`)).toContain("Enter an amount in EUR");
    expect(errorOf("field-taxRate")).toBeTruthy();
    expect(errorOf("field-units")).toBeTruthy();
    expect(errorOf("field-capacity")).toBe("Enter a whole number.");
    expect(errorOf("field-1-0")).toBe("The end must come after the start.");
    expect(errorOf("field-2-0")).toBe("Write times as HH:MM, from 00:00 to 24:00.");
    expect(errorOf("field-3-1")).toBe("Fill in both times, or neither.");
    expect(errorOf("field-image")).toContain("format isn't accepted");
    expect(html).toContain('value="12.345"');
    expect(html).toContain('value="25:00"');
    expect(html).toContain('value="Desks"');
    const list = (await (await call(tenant.host, "GET", "/api/v1/resources", { cookie: tenant.owner.cookie })).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    // min > max: refused beside the longest duration.
    const order = await text(await postForm(tenant, "/admin/resources/new?lang=en", tenant.owner.cookie, { ...BASIC, minMinutes: "120", maxMinutes: "60" }));
    expect(order.status).toBe(422);
    expect(order.html).toMatch(/id="field-maxMinutes-error"[^>]*>[^<]+</);
  });

  it("a refused picture on an edit changes nothing; a good one replaces it", async () => {
    const tenant = await makeTenant();
    const id = await createThroughForm(tenant, BASIC);
    const refused = await call(tenant.host, "POST", `/admin/resources/${id}`, { cookie: tenant.owner.cookie, body: multipart({ ...BASIC, name: "Changed" }, new File([svg()], "x.png", { type: "image/png" })) });
    expect(refused.status).toBe(422);
    expect(await resourceJson(tenant, id)).toMatchObject({ name: "Salle Jade", image: null });
    const ok = await call(tenant.host, "POST", `/admin/resources/${id}`, { cookie: tenant.owner.cookie, body: multipart(BASIC, new File([png(20, 20)], "x.png", { type: "image/png" })) });
    expect(ok.status).toBe(303);
    expect((await resourceJson(tenant, id)).image).toMatch(/^\/media\//);
  });
});

describe("/admin/resources: delete", () => {
  it("deletes a resource without bookings to come; one with a future booking is refused with a clear message (409) and stays", async () => {
    const tenant = await makeTenant();
    const free = await createThroughForm(tenant, BASIC);
    const busy = await createThroughForm(tenant, { ...BASIC, name: "Salle Busy" });
    const from = new Date(Date.now() + 3 * 86_400_000);
    from.setUTCMinutes(0, 0, 0);
    const booked = await call(tenant.host, "POST", "/api/v1/bookings", { cookie: tenant.owner.cookie, json: { resourceId: busy, from: from.toISOString(), to: new Date(from.getTime() + 3_600_000).toISOString() } });
    expect(booked.status).toBe(201);

    const ok = await postForm(tenant, `/admin/resources/${free}/delete`, tenant.owner.cookie, {});
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/admin/resources?done=deleted");
    expect((await call(tenant.host, "GET", `/api/v1/resources/${free}`, { cookie: tenant.owner.cookie })).status).toBe(404);

    const refused = await text(await postForm(tenant, `/admin/resources/${busy}/delete?lang=en`, tenant.owner.cookie, {}));
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("This resource has bookings to come: cancel them first, then delete it.");
    expect(refused.html).toContain('value="Salle Busy"');
    const fr = await text(await postForm(tenant, `/admin/resources/${busy}/delete?lang=fr`, tenant.owner.cookie, {}));
    expect(fr.html).toContain("Cette ressource a des réservations à venir\u202f: annulez-les d’abord");
    expect((await resourceJson(tenant, busy)).name).toBe("Salle Busy");
  });
});

describe("the resources hidden from one member, on their admin page", () => {
  it("lists every resource with checkboxes; saving hides the checked ones from that member alone (404 to them), unchecking shows them again", async () => {
    const tenant = await makeTenant();
    const jade = await createThroughForm(tenant, BASIC);
    const desk = await createThroughForm(tenant, { name: "Desk 1", category: "Desks", pricePerHour: "5" });
    const member = await signUpMember(tenant, "mia@example.org", "Mia Member");
    const other = await signUpMember(tenant, "otto@example.org", "Otto Other");

    const page = await text(await getPage(tenant, `/admin/members/${member.id}/profile?lang=en`, tenant.owner.cookie));
    expect(page.status).toBe(200);
    expect(page.html).toContain("Resources hidden from this member");
    expect(page.html).toContain(`action="/admin/members/${member.id}/hidden-resources"`);
    expect(page.html).toContain(`name="resourceIds" value="${jade}"`);
    expect(page.html).toContain(`name="resourceIds" value="${desk}"`);

    const saved = await postForm(tenant, `/admin/members/${member.id}/hidden-resources`, tenant.owner.cookie, { sent: "1", resourceIds: jade });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/admin/members/${member.id}/profile?done=hidden_resources#hidden-resources`);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${jade}`, { cookie: member.cookie })).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${jade}`, { cookie: other.cookie })).status).toBe(200);
    const back = await text(await getPage(tenant, `/admin/members/${member.id}/profile?done=hidden_resources&lang=en`, tenant.owner.cookie));
    expect(back.html).toContain("Hidden resources saved.");
    expect(back.html).toMatch(new RegExp(`name="resourceIds" value="${jade}" checked`));
    expect(back.html).not.toMatch(new RegExp(`name="resourceIds" value="${desk}" checked`));

    // Nothing checked: nothing hidden.
    expect((await postForm(tenant, `/admin/members/${member.id}/hidden-resources`, tenant.owner.cookie, { sent: "1" })).status).toBe(303);
    expect((await call(tenant.host, "GET", `/api/v1/resources/${jade}`, { cookie: member.cookie })).status).toBe(200);
  });

  it("an unknown resource is refused beside the list (422); an unknown member is the 404 page; a community without resources says so", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "mia@example.org", "Mia Member");
    const empty = await text(await getPage(tenant, `/admin/members/${member.id}/profile?lang=en`, tenant.owner.cookie));
    expect(empty.html).toContain("The community has no resources yet.");
    await createThroughForm(tenant, BASIC);
    const refused = await text(await postForm(tenant, `/admin/members/${member.id}/hidden-resources?lang=en`, tenant.owner.cookie, { resourceIds: "nope" }));
    expect(refused.status).toBe(422);
    expect(refused.html).toMatch(/id="resource-member-hidden-error"[^>]*>[^<]+</);
    expect(refused.html).toContain("Resources hidden from this member");
    expect((await postForm(tenant, "/admin/members/nobody/hidden-resources", tenant.owner.cookie, { resourceIds: "x" })).status).toBe(404);
  });
});
