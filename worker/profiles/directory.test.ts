import { describe, expect, it } from "vitest";
import { call, defineField, joinGroup, makeGroup, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

type Entry = { userId: string; name: string; bio: string | null; avatarUrl: string | null; fields: { key: string; label: string; type: string; value: unknown }[] };
type Page = { items: Entry[]; nextCursor: string | null };
type ErrorOut = { error: { code: string; message?: string; fields?: Record<string, string> } };

async function community() {
  const tenant = await makeTenant();
  for (const slug of ["crew", "club"]) {
    await makeGroup(tenant, { name: slug, slug, joinPolicy: "open" });
  }
  await defineField(tenant, { key: "city", label: "City", type: "text", public: true, filterable: true });
  await defineField(tenant, { key: "plan", label: "Plan", type: "select", options: ["Desk", "Office"], public: true, filterable: true });
  await defineField(tenant, { key: "skills", label: "Skills", type: "multi_select", options: ["Design", "Code"], public: true, filterable: true });
  await defineField(tenant, { key: "mentor", label: "Mentor", type: "boolean", public: true, filterable: true });
  await defineField(tenant, { key: "seats", label: "Seats", type: "number", public: true, filterable: true });
  await defineField(tenant, { key: "phone", label: "Phone", type: "phone", public: false, filterable: true });
  await defineField(tenant, { key: "secret", label: "Secret", type: "text", visibility: "admins", public: true, filterable: true });
  await defineField(tenant, { key: "boat", label: "Boat", type: "text", public: true, filterable: true, groups: ["crew"] });
  const people = [
    { email: "ada@example.org", name: "Ada Lovelace", fields: { city: "London", plan: "Desk", skills: ["Code"], mentor: true, seats: 2, phone: "+44 20 1234 5678" }, groups: ["crew"], boat: "Analytical" },
    { email: "bob@example.org", name: "Bob Builder", fields: { city: "Leeds", plan: "Office", skills: ["Design", "Code"], mentor: false, seats: 5 }, groups: ["club"] },
    { email: "cy@example.org", name: "Cy Young", fields: { city: "Boston" }, groups: [] },
  ];
  const members: Record<string, { id: string; cookie: string }> = {};
  for (const p of people) {
    const m = await signUpMember(tenant, p.email, p.name);
    members[p.name.split(" ")[0]!.toLowerCase()] = m;
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: m.cookie, json: { fields: p.fields } })).status).toBe(200);
    for (const g of p.groups) await joinGroup(tenant, g, m.cookie);
    if (p.boat) expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: m.cookie, json: { fields: { boat: p.boat } } })).status).toBe(200);
    await call(tenant.host, "PATCH", `/api/v1/members/${m.id}/profile`, { cookie: tenant.owner.cookie, json: { fields: { secret: `SECRET-${p.email}` } } });
  }
  return { tenant, members: members as Record<"ada" | "bob" | "cy", { id: string; cookie: string }> };
}

const list = async (tenant: TestTenant, cookie: string, query = "") => {
  const res = await call(tenant.host, "GET", `/api/v1/directory${query}`, { cookie });
  expect(res.status, query).toBe(200);
  return (await res.json()) as Page;
};
const names = (page: Page) => page.items.map((e) => e.name);

describe("GET /api/v1/directory", () => {
  it("lists members with their public fields only, never an admins field", async () => {
    const { tenant, members } = await community();
    const page = await list(tenant, members.cy.cookie);
    expect(names(page)).toEqual(["Ada Lovelace", "Bob Builder", "Cy Young", "Olivia Owner"]);
    expect(page.nextCursor).toBeNull();
    const ada = page.items.find((e) => e.name === "Ada Lovelace")!;
    // Cy is in no group: the crew's "boat" is not shown to them; phone is not public.
    expect(ada.fields.map((f) => [f.key, f.value])).toEqual([["city", "London"], ["plan", "Desk"], ["skills", ["Code"]], ["mentor", true], ["seats", 2]]);
    const text = JSON.stringify(page);
    expect(text).not.toContain("SECRET-");
    expect(text).not.toContain("secret");
    expect(text).not.toContain("+44 20");
    // A crew member sees the crew's public field on a crew member.
    const seenByAda = await list(tenant, members.ada.cookie, "?q=ada");
    expect(seenByAda.items[0]!.fields.find((f) => f.key === "boat")?.value).toBe("Analytical");
    expect((await call(tenant.host, "GET", "/api/v1/directory")).status).toBe(401);
  });

  it("searches by name and filters by filterable fields of every type", async () => {
    const { tenant, members } = await community();
    const c = members.cy.cookie;
    expect(names(await list(tenant, c, "?q=bui"))).toEqual(["Bob Builder"]);
    expect(names(await list(tenant, c, "?q=zz"))).toEqual([]);
    expect(names(await list(tenant, c, "?field.city=lond"))).toEqual(["Ada Lovelace"]);
    expect(names(await list(tenant, c, "?field.plan=Office"))).toEqual(["Bob Builder"]);
    expect(names(await list(tenant, c, "?field.skills=Code"))).toEqual(["Ada Lovelace", "Bob Builder"]);
    expect(names(await list(tenant, c, "?field.skills=Design"))).toEqual(["Bob Builder"]);
    expect(names(await list(tenant, c, "?field.mentor=true"))).toEqual(["Ada Lovelace"]);
    expect(names(await list(tenant, c, "?field.mentor=false"))).toEqual(["Bob Builder"]);
    expect(names(await list(tenant, c, "?field.seats=5"))).toEqual(["Bob Builder"]);
    expect(names(await list(tenant, c, "?field.skills=Code&field.plan=Desk"))).toEqual(["Ada Lovelace"]);
    expect(names(await list(tenant, c, "?field.city=&q=cy"))).toEqual(["Cy Young"]);
    // Not filterable for a member: private, admins-only, unknown, or another group's field; bad values.
    for (const q of ["?field.phone=%2B44", "?field.secret=SECRET", "?field.nope=x", "?field.boat=Ana", "?field.seats=five", "?field.plan=Castle", "?field.mentor=maybe"]) {
      const res = await call(tenant.host, "GET", `/api/v1/directory${q}`, { cookie: c });
      expect(res.status, q).toBe(422);
      expect(((await res.json()) as ErrorOut).error.code).toBe("validation_failed");
    }
    // A crew member may filter by the crew's field.
    expect(names(await list(tenant, members.ada.cookie, "?field.boat=ana"))).toEqual(["Ada Lovelace"]);
  });

  it("lists one group's members for its members, pages with limit and cursor", async () => {
    const { tenant, members } = await community();
    // The owner created the groups: they are in both.
    expect(names(await list(tenant, members.ada.cookie, "?group=crew"))).toEqual(["Ada Lovelace", "Olivia Owner"]);
    expect((await call(tenant.host, "GET", "/api/v1/directory?group=crew", { cookie: members.bob.cookie })).status).toBe(403);
    expect((await call(tenant.host, "GET", "/api/v1/directory?group=nope", { cookie: members.bob.cookie })).status).toBe(404);
    expect(names(await list(tenant, tenant.owner.cookie, "?group=club&q=b"))).toEqual(["Bob Builder"]);

    const first = await list(tenant, members.cy.cookie, "?limit=2");
    expect(names(first)).toEqual(["Ada Lovelace", "Bob Builder"]);
    const second = await list(tenant, members.cy.cookie, `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(names(second)).toEqual(["Cy Young", "Olivia Owner"]);
    expect(second.nextCursor).toBeNull();
    expect((await call(tenant.host, "GET", "/api/v1/directory?cursor=garbage", { cookie: members.cy.cookie })).status).toBe(400);
    expect((await call(tenant.host, "GET", "/api/v1/directory?limit=0", { cookie: members.cy.cookie })).status).toBe(422);
  });

  it("is closed to members (403) when the community turns it off, and stays within the tenant", async () => {
    const { tenant, members } = await community();
    expect((await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { directory: false } } })).status).toBe(200);
    const res = await call(tenant.host, "GET", "/api/v1/directory", { cookie: members.ada.cookie });
    expect(res.status).toBe(403);
    // The contract's code for every switched-off tab, with the directory's own message.
    expect(((await res.json()) as ErrorOut).error).toMatchObject({ code: "feature_disabled", message: "The member directory is turned off in this community." });
    expect((await call(tenant.host, "GET", "/api/v1/directory", { cookie: tenant.owner.cookie })).status).toBe(200);
    const elsewhere = await makeTenant();
    expect(names(await list(elsewhere, elsewhere.owner.cookie))).toEqual(["Olivia Owner"]);
  });
});

describe("member export", () => {
  it("adds the bio and every profile field, admins-only ones included, formula-safe", async () => {
    const { tenant, members } = await community();
    await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: members.cy.cookie, json: { bio: "=HYPERLINK(\"http://evil\")", fields: { city: "-1+2" } } });
    const csv = await (await call(tenant.host, "GET", "/api/v1/members/export.csv", { cookie: tenant.owner.cookie })).text();
    const [header, ...rows] = csv.replace(/^\ufeff/, "").trim().split("\r\n");
    expect(header).toBe("email,name,language,role,status,groups,extra_info,joined_at,bio,profile.city,profile.plan,profile.skills,profile.mentor,profile.seats,profile.phone,profile.secret,profile.boat");
    const ada = rows.find((r) => r.startsWith("ada@example.org"))!;
    expect(ada).toContain(",London,Desk,Code,true,2,'+44 20 1234 5678,SECRET-ada@example.org,Analytical");
    const cy = rows.find((r) => r.startsWith("cy@example.org"))!;
    expect(cy).toContain(`"'=HYPERLINK(""http://evil"")",'-1+2,`);
    expect((await call(tenant.host, "GET", "/api/v1/members/export.csv", { cookie: members.ada.cookie })).status).toBe(403);
  });
});
