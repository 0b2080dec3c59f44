import { describe, expect, it } from "vitest";
import { en } from "../../web/i18n/en";
import { fr } from "../../web/i18n/fr";
import { nl } from "../../web/i18n/nl";
import { call, defineField, form, makeGroup, makeTenant, sessionCookie, signUpMember } from "../test/helpers";
import { png } from "../test/images";
import { VALUE_ERRORS } from "./fields";
import { localizeFields } from "../http/form-errors";

describe("/me", () => {
  it("sends visitors to log in, shows labelled controls for editable fields and read-only text for the others", async () => {
    const tenant = await makeTenant();
    await defineField(tenant, { key: "company", label: "Company", type: "text", public: true });
    await defineField(tenant, { key: "seats", label: "Seats", type: "number" });
    await defineField(tenant, { key: "skills", label: "Skills", type: "multi_select", options: ["Design", "Code"] });
    await defineField(tenant, { key: "vip", label: "VIP", type: "boolean" });
    await defineField(tenant, { key: "since", label: "Member since", type: "date", editable: false });
    const member = await signUpMember(tenant, "m@example.org", "Max Member");
    await call(tenant.host, "PATCH", `/api/v1/members/${member.id}/profile`, { cookie: tenant.owner.cookie, json: { fields: { since: "2021-03-04" } } });

    const out = await call(tenant.host, "GET", "/me");
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login?next=%2Fme");

    const res = await call(tenant.host, "GET", "/me?lang=en", { cookie: member.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const [name, label] of [["name", "Name"], ["bio", "A few words about you"], ["profile.company", "Company"], ["profile.seats", "Seats"], ["profile.vip", "VIP"]]) {
      expect(html, name).toContain(`<label class="label" for="field-${name}">${label}`);
      expect(html, name).toContain(`name="${name}"`);
    }
    expect(html).toContain('name="profile.skills.1" value="Code"');
    expect(html).toContain("<dt>Member since</dt>");
    expect(html).toContain("March 4, 2021");
    expect(html).not.toContain('name="profile.since"');
    expect(html).toContain(en["profile.public_hint"]);
    expect(html).toContain('enctype="multipart/form-data"');
  });

  it("saves the form without JavaScript, and shows errors in the reader's language", async () => {
    const tenant = await makeTenant();
    await defineField(tenant, { key: "seats", label: "Seats", type: "number" });
    await defineField(tenant, { key: "skills", label: "Skills", type: "multi_select", options: ["Design", "Code"] });
    await defineField(tenant, { key: "vip", label: "VIP", type: "boolean" });
    const member = await signUpMember(tenant, "m@example.org", "Max Member");
    const saved = await call(tenant.host, "POST", "/me", {
      cookie: member.cookie,
      ...form([["name", "Max Renamed"], ["bio", "Hi"], ["language", "nl"], ["profile.seats", "3,5"], ["profile.skills", ""], ["profile.skills.0", "Design"], ["profile.skills.1", "Code"], ["profile.vip", "true"]]),
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/me?done=saved");
    const profile = (await (await call(tenant.host, "GET", "/api/v1/me/profile", { cookie: member.cookie })).json()) as { name: string; language: string; fields: { key: string; value: unknown }[] };
    expect(profile.name).toBe("Max Renamed");
    expect(profile.language).toBe("nl");
    expect(profile.fields.map((f) => f.value)).toEqual([3.5, ["Design", "Code"], true]);
    // Unticking every box clears the choice.
    await call(tenant.host, "POST", "/me", { cookie: member.cookie, ...form([["name", "Max Renamed"], ["profile.skills", ""]]) });
    expect(((await (await call(tenant.host, "GET", "/api/v1/me/profile", { cookie: member.cookie })).json()) as { fields: { value: unknown }[] }).fields[1]!.value).toBeNull();

    const wrong = await call(tenant.host, "POST", "/me?lang=fr", { cookie: member.cookie, ...form({ name: "Max", "profile.seats": "beaucoup" }) });
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toContain(fr["profile.error.number"]);
    expect(html).toContain('value="beaucoup"');
  });

  it("uploads a picture from a form, refusing what is not an image", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "m@example.org");
    const body = new FormData();
    body.set("avatar", new File([png(32, 32)], "me.png", { type: "image/png" }));
    const ok = await call(tenant.host, "POST", "/me/avatar", { cookie: member.cookie, body });
    expect(ok.status).toBe(303);
    expect(await (await call(tenant.host, "GET", "/me", { cookie: member.cookie })).text()).toMatch(/<img class="profile-avatar profile-avatar-lg" src="\/media\/tenants\//);
    const bad = new FormData();
    bad.set("avatar", new File(["<svg/>"], "me.svg", { type: "image/svg+xml" }));
    const refused = await call(tenant.host, "POST", "/me/avatar?lang=en", { cookie: member.cookie, body: bad });
    expect(refused.status).toBe(415);
    expect(await refused.text()).toContain(en["profile.photo_wrong_type"]);
    expect((await call(tenant.host, "POST", "/me/avatar/remove", { cookie: member.cookie, ...form({}) })).status).toBe(303);
  });
});

describe("/members (the directory page)", () => {
  it("lists members with public fields, filters by a field, and says so when it is off", async () => {
    const tenant = await makeTenant();
    await defineField(tenant, { key: "plan", label: "Plan", type: "select", options: ["Desk", "Office"], public: true, filterable: true });
    const ada = await signUpMember(tenant, "ada@example.org", "Ada Lovelace");
    const bob = await signUpMember(tenant, "bob@example.org", "Bob Builder");
    await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: ada.cookie, json: { bio: "Engines", fields: { plan: "Desk" } } });
    await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: bob.cookie, json: { fields: { plan: "Office" } } });
    const all = await (await call(tenant.host, "GET", "/members?lang=en", { cookie: bob.cookie })).text();
    expect(all).toContain("Ada Lovelace");
    expect(all).toContain("Engines");
    expect(all).toContain('<label class="label" for="field-field.plan">Plan</label>');
    expect(all).toContain('href="/members"');
    const filtered = await (await call(tenant.host, "GET", "/members?field.plan=Office", { cookie: bob.cookie })).text();
    expect(filtered).toContain("Bob Builder");
    expect(filtered).not.toContain("Ada Lovelace");
    expect((await call(tenant.host, "GET", "/members")).status).toBe(303);

    await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { directory: false } } });
    const off = await call(tenant.host, "GET", "/members?lang=en", { cookie: bob.cookie });
    expect(off.status).toBe(403);
    const offHtml = await off.text();
    expect(offHtml).toContain("does not show a member directory");
    expect(offHtml).not.toContain("Ada Lovelace");
    expect(offHtml).not.toContain('href="/members"');
    const adminView = await call(tenant.host, "GET", "/members?lang=en", { cookie: tenant.owner.cookie });
    expect(adminView.status).toBe(200);
    expect(await adminView.text()).toContain(en["directory.off_admin_notice"]);
  });
});

describe("sign-up and join pages ask the required fields", () => {
  it("/signup asks community-wide required fields and keeps what was typed", async () => {
    const tenant = await makeTenant();
    await defineField(tenant, { key: "city", label: "City", type: "text", required: true });
    await defineField(tenant, { key: "notes", label: "Notes", type: "text", visibility: "admins", required: true });
    const page = await (await call(tenant.host, "GET", "/signup?lang=en")).text();
    expect(page).toContain('<label class="label" for="field-profile.city">City');
    expect(page).not.toContain("Notes");
    const base = { name: "New Person", email: "new@example.org", password: "a long enough password", language: "en" };
    const missing = await call(tenant.host, "POST", "/signup?lang=en", form(base));
    expect(missing.status).toBe(422);
    const html = await missing.text();
    expect(html).toContain(en["field.required"]);
    expect(html).toContain('value="New Person"');
    const ok = await call(tenant.host, "POST", "/signup", form({ ...base, "profile.city": "Ghent" }));
    expect(ok.status).toBe(303);
    const profile = (await (await call(tenant.host, "GET", "/api/v1/me/profile", { cookie: sessionCookie(ok) })).json()) as { fields: { key: string; value: unknown }[] };
    expect(profile.fields).toMatchObject([{ key: "city", value: "Ghent" }]);
  });

  it("the join page shows the group's required fields and joins once they are filled", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Crew", slug: "crew", joinPolicy: "open" });
    await defineField(tenant, { key: "boat", label: "Boat", type: "select", options: ["Sloop", "Ketch"], required: true, groups: ["crew"] });
    const member = await signUpMember(tenant, "m@example.org");
    const page = await (await call(tenant.host, "GET", "/g/crew/join?lang=en", { cookie: member.cookie })).text();
    expect(page).toContain(en["join.profile_title"]);
    expect(page).toContain('name="answer.profile.boat"');
    expect(page).toContain('<label class="label" for="field-answer.profile.boat">Boat (required)</label>');
    // A visitor signing up through the join page sees it too (a group field, asked as an answer).
    expect(await (await call(tenant.host, "GET", "/g/crew/join")).text()).toContain('name="answer.profile.boat"');

    const refused = await call(tenant.host, "POST", "/g/crew/join?lang=en", { cookie: member.cookie, ...form({ mode: "questions" }) });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(en["field.required"]);
    const joined = await call(tenant.host, "POST", "/g/crew/join", { cookie: member.cookie, ...form({ mode: "questions", "answer.profile.boat": "Ketch" }) });
    expect(joined.status).toBe(303);
    const profile = (await (await call(tenant.host, "GET", "/api/v1/me/profile", { cookie: member.cookie })).json()) as { fields: { key: string; value: unknown }[] };
    expect(profile.fields).toMatchObject([{ key: "boat", value: "Ketch" }]);
  });

  it("a visitor signs up and joins in one form, with the sign-up and the group's fields", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Crew", slug: "crew", joinPolicy: "open" });
    await defineField(tenant, { key: "city", label: "City", type: "text", required: true });
    await defineField(tenant, { key: "boat", label: "Boat", type: "text", required: true, groups: ["crew"] });
    const page = await (await call(tenant.host, "GET", "/g/crew/join")).text();
    expect(page).toContain('name="profile.city"');
    expect(page).toContain('name="answer.profile.boat"');
    const res = await call(tenant.host, "POST", "/g/crew/join", {
      ...form({ mode: "signup", name: "Vi Visitor", email: "vi@example.org", password: "a long enough password", "profile.city": "Ghent", "answer.profile.boat": "Sloop" }),
    });
    expect(res.status).toBe(303);
    const profile = (await (await call(tenant.host, "GET", "/api/v1/me/profile", { cookie: sessionCookie(res) })).json()) as { fields: { key: string; value: unknown }[] };
    expect(profile.fields.map((f) => [f.key, f.value])).toEqual([["city", "Ghent"], ["boat", "Sloop"]]);
  });
});

describe("admin pages", () => {
  it("creates, edits, reorders and deletes fields from forms; members are refused", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    const member = await signUpMember(tenant, "m@example.org");
    const list = await (await call(tenant.host, "GET", "/admin/profile-fields?lang=en", { cookie: owner })).text();
    expect(list).toContain('href="/admin/profile-fields"');
    expect(list).toContain(en["admin.nav.profile_fields"]);
    expect((await call(tenant.host, "GET", "/admin/profile-fields", { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/admin/profile-fields", { cookie: member.cookie, ...form({ key: "x", label: "X", type: "text" }) })).status).toBe(403);

    const create = (body: Record<string, string>) => call(tenant.host, "POST", "/admin/profile-fields?lang=en", { cookie: owner, ...form(body) });
    expect((await create({ key: "plan", label: "Plan", type: "select", options: "Desk\nOffice\n", visibility: "member", editable: "on", public: "on", filterable: "on" })).status).toBe(303);
    expect((await create({ key: "notes", label: "Notes", type: "long_text", options: "", visibility: "admins" })).status).toBe(303);
    const bad = await create({ key: "Bad Key", label: "", type: "select", options: "" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('value="Bad Key"');
    const fields = (await (await call(tenant.host, "GET", "/api/v1/profile-fields", { cookie: owner })).json()) as { items: Record<string, unknown>[] };
    expect(fields.items).toMatchObject([
      { key: "plan", options: ["Desk", "Office"], visibility: "member", editable: true, public: true, filterable: true, required: false },
      { key: "notes", visibility: "admins", editable: false, public: false },
    ]);
    const edit = await (await call(tenant.host, "GET", "/admin/profile-fields/plan?lang=en", { cookie: owner })).text();
    expect(edit).toContain(en["admin.fields.delete"]);
    expect((await call(tenant.host, "POST", "/admin/profile-fields/plan", { cookie: owner, ...form({ label: "Desk plan", options: "Desk\nOffice\nNomad", visibility: "member", required: "on" }) })).status).toBe(303);
    expect((await call(tenant.host, "POST", "/admin/profile-fields/notes/move", { cookie: owner, ...form({ direction: "up" }) })).status).toBe(303);
    const after = (await (await call(tenant.host, "GET", "/api/v1/profile-fields", { cookie: owner })).json()) as { items: Record<string, unknown>[] };
    expect(after.items).toMatchObject([{ key: "notes" }, { key: "plan", label: "Desk plan", options: ["Desk", "Office", "Nomad"], required: true, editable: false, public: false }]);
    expect((await call(tenant.host, "POST", "/admin/profile-fields/notes/delete", { cookie: owner, ...form({}) })).status).toBe(303);
    expect((await call(tenant.host, "GET", "/admin/profile-fields/notes", { cookie: owner })).status).toBe(404);

    // The directory switch.
    expect((await call(tenant.host, "POST", "/admin/profile-fields/directory", { cookie: owner, ...form({ directory: "off" }) })).status).toBe(303);
    expect((await call(tenant.host, "GET", "/api/v1/directory", { cookie: member.cookie })).status).toBe(403);
    expect((await call(tenant.host, "POST", "/admin/profile-fields/directory", { cookie: owner, ...form({ directory: "on" }) })).status).toBe(303);
    expect((await call(tenant.host, "GET", "/api/v1/directory", { cookie: member.cookie })).status).toBe(200);
  });

  it("shows and edits every field of a member, linked from the members list", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    await defineField(tenant, { key: "notes", label: "Notes", type: "text", visibility: "admins" });
    await defineField(tenant, { key: "seats", label: "Seats", type: "number", editable: false });
    const member = await signUpMember(tenant, "m@example.org", "Max Member");
    expect(await (await call(tenant.host, "GET", "/admin/members", { cookie: owner })).text()).toContain(`href="/admin/members/${member.id}/profile"`);
    const page = await (await call(tenant.host, "GET", `/admin/members/${member.id}/profile?lang=en`, { cookie: owner })).text();
    expect(page).toContain('name="profile.notes"');
    expect(page).toContain('name="profile.seats"');
    expect(page).toContain(en["admin.member_profile.admins_only"]);
    expect(page).toContain(en["admin.member_profile.read_only"]);
    const saved = await call(tenant.host, "POST", `/admin/members/${member.id}/profile`, { cookie: owner, ...form({ name: "Max Member", bio: "", "profile.notes": "Pays on time", "profile.seats": "4" }) });
    expect(saved.status).toBe(303);
    const seen = (await (await call(tenant.host, "GET", `/api/v1/members/${member.id}/profile`, { cookie: owner })).json()) as { fields: { key: string; value: unknown }[] };
    expect(seen.fields.map((f) => f.value)).toEqual(["Pays on time", 4]);
    const wrong = await call(tenant.host, "POST", `/admin/members/${member.id}/profile`, { cookie: owner, ...form({ name: "Max Member", "profile.seats": "four" }) });
    expect(wrong.status).toBe(422);
    expect((await call(tenant.host, "GET", `/admin/members/${member.id}/profile`, { cookie: member.cookie })).status).toBe(403);
    const elsewhere = await makeTenant();
    expect((await call(elsewhere.host, "GET", `/admin/members/${member.id}/profile`, { cookie: elsewhere.owner.cookie })).status).toBe(404);
  });
});

describe("catalogs", () => {
  it("translates every value error in fr, en and nl", () => {
    for (const lang of ["fr", "en", "nl"] as const) {
      const out = localizeFields(lang, Object.fromEntries(Object.values(VALUE_ERRORS).map((m) => [m, m])));
      for (const [message, text] of Object.entries(out)) expect(text, `${lang}: ${message}`).not.toBe(message);
    }
    for (const key of Object.keys(en).filter((k) => k.startsWith("profile.") || k.startsWith("directory.") || k.startsWith("admin.fields."))) {
      expect(fr[key as keyof typeof fr], key).toBeTruthy();
      expect(nl[key as keyof typeof nl], key).toBeTruthy();
    }
  });
});
