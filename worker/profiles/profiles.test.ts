import { describe, expect, it } from "vitest";
import { call, joinGroup, makeGroup, makeTenant, sessionCookie, signUpMember, type TestTenant } from "../test/helpers";
import { gif, png, svg } from "../test/images";

type FieldOut = { key: string; label: string; type: string; value: unknown; editable: boolean; options?: string[] };
type Profile = { name: string; bio: string | null; avatarUrl: string | null; language: string | null; fields: FieldOut[] };
type ErrorOut = { error: { code: string; message: string; fields?: Record<string, string> } };

async function field(tenant: TestTenant, body: Record<string, unknown>, cookie = tenant.owner.cookie) {
  return call(tenant.host, "POST", "/api/v1/profile-fields", { cookie, json: body });
}

const profileOf = async (tenant: TestTenant, cookie: string) => (await (await call(tenant.host, "GET", "/api/v1/me/profile", { cookie })).json()) as Profile;

/** The contract's definitions, one of each kind; the first two serve the profile tests too. */
const COMPANY = { key: "company", label: "Company", type: "text", visibility: "member", editable: true };
const SEATS = { key: "seats", label: "Seats", type: "number", visibility: "member", editable: true };
const BIRTHDAY = { key: "birthday", label: "Birthday", type: "date", visibility: "member", editable: false };
const ADMINS_PLAN = { key: "plan", label: "Plan", type: "select", options: ["Desk", "Office"], visibility: "admins", editable: false };
const NEWSLETTER = { key: "newsletter", label: "Newsletter", type: "boolean", visibility: "member", editable: true };

describe("POST /api/v1/profile-fields", () => {
  it("creates each type for tenant admins (201) and refuses members (403)", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "m@example.org");
    const contract = [COMPANY, SEATS, BIRTHDAY, ADMINS_PLAN, NEWSLETTER];
    for (const body of contract) {
      const res = await field(tenant, body);
      expect(res.status, body.key).toBe(201);
      const { field: created } = (await res.json()) as { field: Record<string, unknown> };
      expect(created).toMatchObject({ key: body.key, label: body.label, type: body.type, visibility: body.visibility, editable: body.editable, groups: [] });
    }
    for (const [key, type, extra] of [
      ["about", "long_text", {}],
      ["skills", "multi_select", { options: ["Design", "Code", "Sales"] }],
      ["site", "url", {}],
      ["phone", "phone", {}],
    ] as const) {
      expect((await field(tenant, { key, label: key, type, visibility: "member", editable: true, ...extra })).status).toBe(201);
    }
    expect((await field(tenant, { key: "x", label: "X", type: "text", visibility: "member", editable: true }, member.cookie)).status).toBe(403);
    expect((await call(tenant.host, "GET", "/api/v1/profile-fields", { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/api/v1/profile-fields", { json: { key: "y", label: "Y", type: "text", visibility: "member", editable: true } })).status).toBe(401);

    const list = (await (await call(tenant.host, "GET", "/api/v1/profile-fields", { cookie: tenant.owner.cookie })).json()) as { items: { key: string }[]; nextCursor: null };
    expect(list.items.map((f) => f.key)).toEqual(["company", "seats", "birthday", "plan", "newsletter", "about", "skills", "site", "phone"]);
    expect(list.nextCursor).toBeNull();
  });

  it("validates the definition: 422 for bad input, 409 for a key taken, never a 500", async () => {
    const tenant = await makeTenant();
    const ok = { key: "company", label: "Company", type: "text", visibility: "member", editable: true };
    expect((await field(tenant, ok)).status).toBe(201);
    expect(((await (await field(tenant, ok)).json()) as ErrorOut).error.code).toBe("key_taken");
    const bad: [Record<string, unknown>, string][] = [
      [{ ...ok, key: "Bad Key" }, "key"],
      [{ ...ok, key: "k2", type: "color" }, "type"],
      [{ ...ok, key: "k3", type: "select" }, "options"],
      [{ ...ok, key: "k4", options: ["a"] }, "options"],
      [{ ...ok, key: "k5", visibility: "everyone" }, "visibility"],
      [{ ...ok, key: "k6", editable: "yes" }, "editable"],
      [{ ...ok, key: "k7", groups: ["no-such-group"] }, "groups"],
      [{ ...ok, key: "k8", label: "" }, "label"],
      [{ ...ok, key: "k9", type: "select", options: ["a", "a"] }, "options"],
    ];
    for (const [body, where] of bad) {
      const res = await field(tenant, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(Object.keys(((await res.json()) as ErrorOut).error.fields ?? {})).toContain(where);
    }
    expect((await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: tenant.owner.cookie, body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: tenant.owner.cookie, json: [] })).status).toBe(422);
  });

  it("edits, reorders and deletes fields (with their values)", async () => {
    const tenant = await makeTenant();
    for (const key of ["a", "b", "c"]) expect((await field(tenant, { key, label: key.toUpperCase(), type: "text", visibility: "member", editable: true })).status).toBe(201);
    const member = await signUpMember(tenant, "m@example.org");
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: { b: "bee" } } })).status).toBe(200);

    const patched = await call(tenant.host, "PATCH", "/api/v1/profile-fields/b", { cookie: tenant.owner.cookie, json: { label: "Bee", editable: false, public: true } });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { field: Record<string, unknown> }).field).toMatchObject({ key: "b", label: "Bee", editable: false, public: true });
    expect((await call(tenant.host, "PATCH", "/api/v1/profile-fields/b", { cookie: tenant.owner.cookie, json: { type: "number" } })).status).toBe(422);
    expect((await call(tenant.host, "PATCH", "/api/v1/profile-fields/nope", { cookie: tenant.owner.cookie, json: { label: "N" } })).status).toBe(404);
    expect((await call(tenant.host, "PATCH", "/api/v1/profile-fields/b", { cookie: member.cookie, json: { label: "N" } })).status).toBe(403);

    const reordered = await call(tenant.host, "POST", "/api/v1/profile-fields/reorder", { cookie: tenant.owner.cookie, json: { keys: ["c", "a"] } });
    expect(((await reordered.json()) as { items: { key: string }[] }).items.map((f) => f.key)).toEqual(["c", "a", "b"]);
    expect((await profileOf(tenant, member.cookie)).fields.map((f) => f.key)).toEqual(["c", "a", "b"]);
    expect((await call(tenant.host, "POST", "/api/v1/profile-fields/reorder", { cookie: tenant.owner.cookie, json: { keys: ["zz"] } })).status).toBe(422);

    expect((await call(tenant.host, "DELETE", "/api/v1/profile-fields/b", { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "DELETE", "/api/v1/profile-fields/b", { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await profileOf(tenant, member.cookie)).fields.map((f) => f.key)).toEqual(["c", "a"]);
    // The key is free again, and the old value did not survive.
    expect((await field(tenant, { key: "b", label: "B", type: "text", visibility: "member", editable: true })).status).toBe(201);
    expect((await profileOf(tenant, member.cookie)).fields.find((f) => f.key === "b")?.value).toBeNull();
  });
});

describe("GET and PATCH /api/v1/me/profile", () => {
  async function setup() {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "crew", slug: "crew", joinPolicy: "open" });
    const defs = [
      COMPANY,
      SEATS,
      { key: "since", label: "Member since", type: "date", visibility: "member", editable: false },
      { key: "plan", label: "Plan", type: "select", options: ["Desk", "Office"], visibility: "member", editable: true },
      { key: "vip", label: "VIP", type: "boolean", visibility: "member", editable: true },
      { key: "notes", label: "Internal notes", type: "text", visibility: "admins", editable: true },
      { key: "crew_role", label: "Crew role", type: "text", visibility: "member", editable: true, groups: ["crew"] },
      { key: "skills", label: "Skills", type: "multi_select", options: ["Design", "Code"], visibility: "member", editable: true },
      { key: "site", label: "Website", type: "url", visibility: "member", editable: true },
      { key: "phone", label: "Phone", type: "phone", visibility: "member", editable: true },
      { key: "about", label: "About", type: "long_text", visibility: "member", editable: true },
    ];
    for (const d of defs) expect((await field(tenant, d)).status, d.key).toBe(201);
    const member = await signUpMember(tenant, "m@example.org", "Max Member");
    return { tenant, member };
  }

  it("answers name, bio and the member's fields; admins fields and other groups' fields are absent", async () => {
    const { tenant, member } = await setup();
    const profile = await profileOf(tenant, member.cookie);
    expect(profile).toMatchObject({ name: "Max Member", bio: null });
    expect(profile.fields.map((f) => f.key)).toEqual(["company", "seats", "since", "plan", "vip", "skills", "site", "phone", "about"]);
    expect(profile.fields.find((f) => f.key === "since")).toMatchObject({ label: "Member since", type: "date", value: null, editable: false });
    expect(profile.fields.find((f) => f.key === "plan")).toMatchObject({ options: ["Desk", "Office"], editable: true });
    expect(JSON.stringify(profile)).not.toContain("notes");
    expect(JSON.stringify(profile)).not.toContain("Internal notes");
    // Once in the group, its field appears.
    await joinGroup(tenant, "crew", member.cookie);
    expect((await profileOf(tenant, member.cookie)).fields.map((f) => f.key)).toContain("crew_role");
    expect((await call(tenant.host, "GET", "/api/v1/me/profile")).status).toBe(401);
  });

  it("saves typed values (200) and reads them back", async () => {
    const { tenant, member } = await setup();
    const res = await call(tenant.host, "PATCH", "/api/v1/me/profile", {
      cookie: member.cookie,
      json: { name: "Max Renamed", bio: "Hello there", fields: { company: " Acme ", seats: 3, plan: "Office", vip: false, skills: ["Code", "Design", "Code"], site: "https://acme.example", phone: "+32 470 12 34 56", about: "Line 1\nLine 2" } },
    });
    expect(res.status).toBe(200);
    const profile = (await res.json()) as Profile;
    const value = (key: string) => profile.fields.find((f) => f.key === key)?.value;
    expect(profile.name).toBe("Max Renamed");
    expect(profile.bio).toBe("Hello there");
    expect([value("company"), value("seats"), value("plan"), value("vip"), value("skills"), value("site"), value("about")]).toEqual(["Acme", 3, "Office", false, ["Design", "Code"], "https://acme.example/", "Line 1\nLine 2"]);
    expect((await profileOf(tenant, member.cookie)).fields.find((f) => f.key === "seats")?.value).toBe(3);
    // The new name is the session's at once.
    expect(((await (await call(tenant.host, "GET", "/api/v1/me", { cookie: member.cookie })).json()) as { name: string }).name).toBe("Max Renamed");
    // null clears a value.
    await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: { company: null } } });
    expect((await profileOf(tenant, member.cookie)).fields.find((f) => f.key === "company")?.value).toBeNull();
  });

  it("answers 403 field_not_editable for a read-only field, an admins field, another group's field or an unknown key", async () => {
    const { tenant, member } = await setup();
    for (const key of ["since", "notes", "crew_role", "does_not_exist"]) {
      const res = await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: { [key]: "2024-01-01" } } });
      expect(res.status, key).toBe(403);
      expect(((await res.json()) as ErrorOut).error.code).toBe("field_not_editable");
    }
    // Nothing was written, not even the allowed part of a refused patch.
    const mixed = await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { name: "Sneaky", fields: { company: "Acme", since: "2024-01-01" } } });
    expect(mixed.status).toBe(403);
    const profile = await profileOf(tenant, member.cookie);
    expect(profile.name).toBe("Max Member");
    expect(profile.fields.find((f) => f.key === "company")?.value).toBeNull();
  });

  it("answers 422 with the fields map for a value of the wrong type", async () => {
    const { tenant, member } = await setup();
    const wrong: [string, unknown][] = [
      ["seats", "three"],
      ["seats", "3"],
      ["company", 12],
      ["since", "2024-02-30"],
      ["plan", "Castle"],
      ["vip", "yes"],
      ["skills", "Code"],
      ["skills", ["Juggling"]],
      ["site", "javascript:alert(1)"],
      ["phone", "call me maybe"],
      ["company", "x".repeat(201)],
      ["about", { nested: true }],
    ];
    for (const [key, value] of wrong) {
      if (key === "since") continue; // read-only: 403 comes first (tested above)
      const res = await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: { [key]: value } } });
      expect(res.status, `${key}=${JSON.stringify(value)}`).toBe(422);
      const body = (await res.json()) as ErrorOut;
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.fields?.[`fields.${key}`], key).toBeTruthy();
    }
    // Several wrong values at once: every one is named.
    const res = await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: { seats: "x", vip: 1 } } });
    expect(Object.keys(((await res.json()) as ErrorOut).error.fields ?? {}).sort()).toEqual(["fields.seats", "fields.vip"]);
    // Malformed bodies.
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: [1, 2] } })).status).toBe(422);
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { name: "" } })).status).toBe(422);
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, body: "nope", headers: { "content-type": "text/plain" } })).status).toBe(415);
  });

  it("refuses to clear a required field, but a patch need not repeat it", async () => {
    const { tenant, member } = await setup();
    expect((await field(tenant, { key: "city", label: "City", type: "text", visibility: "member", editable: true, required: true })).status).toBe(201);
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: { company: "Acme" } } })).status).toBe(200);
    const cleared = await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { fields: { city: "" } } });
    expect(cleared.status).toBe(422);
    expect(((await cleared.json()) as ErrorOut).error.fields).toEqual({ "fields.city": "This field is required." });
  });
});

describe("GET and PATCH /api/v1/members/{userId}/profile", () => {
  it("shows admins every field, lets them set any value by type; 403 for members, 404 across tenants", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "crew", slug: "crew", joinPolicy: "open" });
    await field(tenant, { key: "notes", label: "Notes", type: "text", visibility: "admins", editable: false });
    await field(tenant, { key: "since", label: "Since", type: "date", visibility: "member", editable: false });
    await field(tenant, { key: "crew_role", label: "Crew role", type: "text", visibility: "member", editable: true, groups: ["crew"] });
    const member = await signUpMember(tenant, "m@example.org");
    const other = await signUpMember(tenant, "o@example.org");

    const set = await call(tenant.host, "PATCH", `/api/v1/members/${member.id}/profile`, { cookie: tenant.owner.cookie, json: { fields: { notes: "Pays late", since: "2020-05-01" } } });
    expect(set.status).toBe(200);
    const res = await call(tenant.host, "GET", `/api/v1/members/${member.id}/profile`, { cookie: tenant.owner.cookie });
    expect(res.status).toBe(200);
    const profile = (await res.json()) as { email: string; fields: (FieldOut & { visibility: string; applies: boolean })[] };
    expect(profile.email).toBe("m@example.org");
    expect(profile.fields.map((f) => [f.key, f.value, f.visibility, f.applies])).toEqual([
      ["notes", "Pays late", "admins", true],
      ["since", "2020-05-01", "member", true],
      ["crew_role", null, "member", false],
    ]);
    for (const since of ["soon", "2024-02-30", "2024-13-01", 20200501]) {
      expect((await call(tenant.host, "PATCH", `/api/v1/members/${member.id}/profile`, { cookie: tenant.owner.cookie, json: { fields: { since } } })).status, String(since)).toBe(422);
    }
    expect((await call(tenant.host, "PATCH", `/api/v1/members/${member.id}/profile`, { cookie: tenant.owner.cookie, json: { fields: { nope: "x" } } })).status).toBe(422);
    // The member sees the date the admin set, not the notes.
    const own = await profileOf(tenant, member.cookie);
    expect(own.fields.map((f) => [f.key, f.value])).toEqual([["since", "2020-05-01"]]);

    expect((await call(tenant.host, "GET", `/api/v1/members/${member.id}/profile`, { cookie: other.cookie })).status).toBe(403);
    expect((await call(tenant.host, "GET", `/api/v1/members/${member.id}/profile`, { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "PATCH", `/api/v1/members/${member.id}/profile`, { cookie: other.cookie, json: { fields: { notes: "x" } } })).status).toBe(403);
    expect((await call(tenant.host, "GET", `/api/v1/members/nobody/profile`, { cookie: tenant.owner.cookie })).status).toBe(404);
    const elsewhere = await makeTenant();
    expect((await call(elsewhere.host, "GET", `/api/v1/members/${member.id}/profile`, { cookie: elsewhere.owner.cookie })).status).toBe(404);
    expect((await call(elsewhere.host, "PATCH", `/api/v1/members/${member.id}/profile`, { cookie: elsewhere.owner.cookie, json: { fields: {} } })).status).toBe(404);
    // A field of tenant A cannot be touched from tenant B.
    expect((await call(elsewhere.host, "PATCH", "/api/v1/profile-fields/notes", { cookie: elsewhere.owner.cookie, json: { label: "x" } })).status).toBe(404);
    expect((await call(elsewhere.host, "DELETE", "/api/v1/profile-fields/notes", { cookie: elsewhere.owner.cookie })).status).toBe(404);
  });
});

describe("group-specific and required fields", () => {
  it("shows a group's fields only to its members and asks the required ones at joining", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "crew", slug: "crew", joinPolicy: "open" });
    await makeGroup(tenant, { name: "club", slug: "club", joinPolicy: "approval" });
    await field(tenant, { key: "crew_role", label: "Crew role", type: "select", options: ["Deck", "Galley"], visibility: "member", editable: true, groups: ["crew"], required: true });
    await field(tenant, { key: "club_note", label: "Club note", type: "text", visibility: "member", editable: true, groups: ["club"] });
    const member = await signUpMember(tenant, "m@example.org");
    expect((await profileOf(tenant, member.cookie)).fields).toEqual([]);

    const refused = await call(tenant.host, "POST", "/api/v1/groups/crew/join", { cookie: member.cookie, json: {} });
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as ErrorOut;
    expect(body.error.code).toBe("profile_incomplete");
    expect(body.error.fields).toEqual({ "fields.crew_role": "This field is required." });
    expect((await call(tenant.host, "POST", "/api/v1/groups/crew/join", { cookie: member.cookie, json: { fields: { crew_role: "Pirate" } } })).status).toBe(422);
    expect((await call(tenant.host, "POST", "/api/v1/groups/crew/join", { cookie: member.cookie, json: { fields: { club_note: "x", crew_role: "Deck" } } })).status).toBe(403);
    const joined = await call(tenant.host, "POST", "/api/v1/groups/crew/join", { cookie: member.cookie, json: { fields: { crew_role: "Deck" } } });
    expect(joined.status).toBe(200);
    expect((await profileOf(tenant, member.cookie)).fields.map((f) => [f.key, f.value, f.editable])).toEqual([["crew_role", "Deck", true]]);
    // An approval group: the check comes before the request.
    const second = await signUpMember(tenant, "s@example.org");
    expect((await call(tenant.host, "POST", "/api/v1/groups/club/join", { cookie: second.cookie, json: {} })).status).toBe(202);
    // A community-wide required field added later is asked at the next join.
    await field(tenant, { key: "city", label: "City", type: "text", visibility: "member", editable: true, required: true });
    await makeGroup(tenant, { name: "band", slug: "band", joinPolicy: "open" });
    const band = await call(tenant.host, "POST", "/api/v1/groups/band/join", { cookie: member.cookie, json: {} });
    expect(((await band.json()) as ErrorOut).error.fields).toEqual({ "fields.city": "This field is required." });
    expect((await call(tenant.host, "POST", "/api/v1/groups/band/join", { cookie: member.cookie, json: { fields: { city: "Ghent" } } })).status).toBe(200);
  });

  it("asks community-wide required fields at sign-up (API), typed, and accepts nothing else", async () => {
    const tenant = await makeTenant();
    await field(tenant, { key: "city", label: "City", type: "text", visibility: "member", editable: true, required: true });
    await field(tenant, { key: "seats", label: "Seats", type: "number", visibility: "member", editable: true, askAtSignup: true });
    await field(tenant, { key: "notes", label: "Notes", type: "text", visibility: "admins", editable: true });
    const base = { email: "new@example.org", password: "a long enough password", name: "New" };
    const missing = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: base });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as ErrorOut).error).toMatchObject({ code: "profile_incomplete", fields: { "fields.city": "This field is required." } });
    expect((await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { ...base, fields: { city: "Ghent", seats: "two" } } })).status).toBe(422);
    expect((await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { ...base, fields: { city: "Ghent", notes: "x" } } })).status).toBe(403);
    const ok = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { ...base, fields: { city: "Ghent", seats: 2 } } });
    expect(ok.status).toBe(201);
    const profile = await profileOf(tenant, sessionCookie(ok));
    expect(profile.fields.map((f) => [f.key, f.value])).toEqual([["city", "Ghent"], ["seats", 2]]);
  });
});

describe("avatar", () => {
  it("stores a picture checked from its bytes, with the branding's limits", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "m@example.org");
    const put = (bytes: Uint8Array<ArrayBuffer>, type = "image/png") => call(tenant.host, "PUT", "/api/v1/me/avatar", { cookie: member.cookie, body: bytes, headers: { "content-type": type } });
    const res = await put(png(64, 64));
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    const served = await call(tenant.host, "GET", url);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect((await profileOf(tenant, member.cookie)).avatarUrl).toBe(url);
    expect((await put(gif(4, 4), "image/png")).status).toBe(200);
    expect((await put(svg(), "image/png")).status).toBe(415);
    expect((await put(png(10_000, 10))).status).toBe(422);
    expect((await put(png(2, 2, 2 * 1024 * 1024 + 1))).status).toBe(413);
    expect((await call(tenant.host, "DELETE", "/api/v1/me/avatar", { cookie: member.cookie })).status).toBe(204);
    expect((await profileOf(tenant, member.cookie)).avatarUrl).toBeNull();
    expect((await call(tenant.host, "PUT", "/api/v1/me/avatar", { body: png(), headers: { "content-type": "image/png" } })).status).toBe(401);
  });
});
