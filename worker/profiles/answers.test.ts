import { describe, expect, it } from "vitest";
import { answer, isStrict, noContent } from "../test/answers";
import { call, defineField, joinGroup, makeGroup, makeTenant, signUpMember } from "../test/helpers";
import { png } from "../test/images";
import { adminFieldAnswer, avatarAnswer, directoryAnswer, directoryEntryAnswer, fieldAnswer, fieldListAnswer, memberProfileAnswer, oneFieldAnswer, ownFieldAnswer, ownProfileAnswer } from "./answers";

// The profile routes' answers parsed by their schemas (answers.ts), every route called for real:
// field definitions, the member's own profile and picture, a member's profile for admins, the directory.

describe("profiles: the answers match their schemas", () => {
  it("fields, own profile, picture, a member's profile, the directory", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    await makeGroup(tenant, { slug: "crew", name: "Crew", joinPolicy: "open" });
    const member = await signUpMember(tenant, "pf-answers@example.com", "Pia Profile");
    await joinGroup(tenant, "crew", member.cookie);

    const { field } = await answer(oneFieldAnswer, await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: admin, json: { key: "skills", label: "Skills", type: "multi_select", options: ["wood", "metal"], public: true, filterable: true } }), 201);
    expect(field).toMatchObject({ key: "skills", options: ["wood", "metal"], visibility: "member", groups: [] });
    isStrict(fieldAnswer, field);
    await defineField(tenant, { key: "floor", label: "Floor", type: "number", public: true, groups: ["crew"] });
    await defineField(tenant, { key: "notes", label: "Notes", type: "text", visibility: "admins", editable: false });
    const reordered = await answer(fieldListAnswer, await call(tenant.host, "POST", "/api/v1/profile-fields/reorder", { cookie: admin, json: { keys: ["floor"] } }));
    expect(reordered.items.map((f) => f.key)).toEqual(["floor", "skills", "notes"]);
    expect((await answer(fieldListAnswer, await call(tenant.host, "GET", "/api/v1/profile-fields", { cookie: admin }))).items).toEqual(reordered.items);
    expect((await answer(oneFieldAnswer, await call(tenant.host, "PATCH", "/api/v1/profile-fields/skills", { cookie: admin, json: { label: "What I work with" } }))).field.label).toBe("What I work with");

    const mine = await answer(ownProfileAnswer, await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { bio: "Carpenter", fields: { skills: ["wood"], floor: 2 } } }));
    expect(mine.fields.map((f) => [f.key, f.value])).toEqual([["floor", 2], ["skills", ["wood"]]]);
    isStrict(ownProfileAnswer, mine);
    isStrict(ownFieldAnswer, mine.fields[1]!, ["options"]);
    const { url } = await answer(avatarAnswer, await call(tenant.host, "PUT", "/api/v1/me/avatar", { cookie: member.cookie, body: png(), headers: { "content-type": "image/png" } }));
    expect(url).toMatch(/^\/media\//);
    expect((await answer(ownProfileAnswer, await call(tenant.host, "GET", "/api/v1/me/profile", { cookie: member.cookie }))).avatarUrl).toBe(url);

    const theirs = await answer(memberProfileAnswer, await call(tenant.host, "PATCH", `/api/v1/members/${member.id}/profile`, { cookie: admin, json: { fields: { notes: "Has a key" } } }));
    expect(theirs).toMatchObject({ email: "pf-answers@example.com", status: "active", groups: ["crew"] });
    expect(theirs.fields.find((f) => f.key === "notes")).toMatchObject({ value: "Has a key", visibility: "admins", memberEditable: false, applies: true });
    isStrict(memberProfileAnswer, theirs);
    isStrict(adminFieldAnswer, theirs.fields.find((f) => f.key === "skills")!, ["options"]);
    expect(await answer(memberProfileAnswer, await call(tenant.host, "GET", `/api/v1/members/${member.id}/profile`, { cookie: admin }))).toEqual(theirs);

    const found = await answer(directoryAnswer, await call(tenant.host, "GET", "/api/v1/directory?q=pia&group=crew&field.skills=wood", { cookie: member.cookie }));
    expect(found.items.map((e) => [e.userId, e.avatarUrl])).toEqual([[member.id, url]]);
    isStrict(directoryEntryAnswer, found.items[0]!);

    await noContent(await call(tenant.host, "DELETE", "/api/v1/me/avatar", { cookie: member.cookie }));
    await noContent(await call(tenant.host, "DELETE", "/api/v1/profile-fields/notes", { cookie: admin }));
  });
});
