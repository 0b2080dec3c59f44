import { describe, expect, it } from "vitest";
import type { TenantRole } from "../db/schema";
import { applies, askedAtSignup, canManageFields, canUseDirectory, memberCanFilter, memberCanSee, mustFill, selfCanEdit, selfCanSee, type FieldRules } from "./policy";

const base: FieldRules = { visibility: "member", editable: true, public: false, required: false, filterable: false, askAtSignup: false, groupIds: [] };
const f = (over: Partial<FieldRules>): FieldRules => ({ ...base, ...over });

describe("who manages fields and uses the directory", () => {
  const rows: [TenantRole | null, boolean, boolean, boolean, boolean][] = [
    // tenantRole, viewingAsMember, manage, directory on, directory off
    [null, false, false, false, false],
    ["member", false, false, true, false],
    ["admin", false, true, true, true],
    ["admin", true, false, true, false],
    ["owner", false, true, true, true],
    ["owner", true, false, true, false],
  ];
  it.each(rows)("%s (viewing as member: %s)", (tenantRole, viewingAsMember, manage, on, off) => {
    expect(canManageFields({ tenantRole, viewingAsMember })).toBe(manage);
    expect(canUseDirectory({ tenantRole, viewingAsMember }, {})).toBe(on);
    expect(canUseDirectory({ tenantRole, viewingAsMember }, { directory: true })).toBe(on);
    expect(canUseDirectory({ tenantRole, viewingAsMember }, { directory: false })).toBe(off);
  });
});

/**
 * Every combination of the flags that matter, against a member in group g1 looking at
 * a member in group g2 (and at themselves). Columns: selfSee, selfEdit, other member in
 * the field's group sees it, member outside the field's groups sees it, filterable, must fill.
 */
type Row = [string, Partial<FieldRules>, boolean, boolean, boolean, boolean, boolean, boolean];
const rows: Row[] = [
  ["member, editable, private", {}, true, true, false, false, false, false],
  ["member, read-only, private", { editable: false }, true, false, false, false, false, false],
  ["member, editable, public", { public: true }, true, true, true, true, false, false],
  ["member, public, filterable", { public: true, filterable: true }, true, true, true, true, true, false],
  ["member, private, filterable (no: private)", { filterable: true }, true, true, false, false, false, false],
  ["member, required", { required: true }, true, true, false, false, false, true],
  ["member, required but read-only (never blocks)", { required: true, editable: false }, true, false, false, false, false, false],
  ["admins, editable flag set", { visibility: "admins", editable: true }, false, false, false, false, false, false],
  ["admins, public and filterable flags set", { visibility: "admins", public: true, filterable: true }, false, false, false, false, false, false],
  ["admins, required", { visibility: "admins", required: true }, false, false, false, false, false, false],
  ["member of g1 only, public", { groupIds: ["g1"], public: true }, true, true, true, false, false, false],
  ["members of g1 or g2, public, filterable", { groupIds: ["g1", "g2"], public: true, filterable: true }, true, true, true, false, true, false],
  ["member of g2 only (not the viewer's), public", { groupIds: ["g2"], public: true }, false, false, false, false, false, false],
  ["member of g1 only, required", { groupIds: ["g1"], required: true }, true, true, false, false, false, true],
  ["member of g2 only, required (does not apply)", { groupIds: ["g2"], required: true }, false, false, false, false, false, false],
];

describe("field visibility and editability", () => {
  const me = ["g1"];
  const other = ["g1", "g2"];
  const outsider: string[] = [];
  it.each(rows)("%s", (_name, over, selfSee, selfEdit, otherSees, outsiderSees, filter, fill) => {
    const field = f(over);
    expect(selfCanSee(field, me)).toBe(selfSee);
    expect(selfCanEdit(field, me)).toBe(selfEdit);
    // `me` (in g1) looks at `other` (in g1 and g2) in the directory.
    expect(memberCanSee(field, other, me)).toBe(otherSees);
    // A viewer in no group: group fields never show, community-wide public ones do.
    expect(memberCanSee(field, other, outsider)).toBe(outsiderSees);
    expect(memberCanFilter(field, me)).toBe(filter);
    expect(mustFill(field, me)).toBe(fill);
  });

  it("never shows an admins field to a member, whatever the groups", () => {
    const field = f({ visibility: "admins", public: true, filterable: true, editable: true, required: true, askAtSignup: true });
    for (const groups of [[], ["g1"], ["g1", "g2"]]) {
      expect(selfCanSee(field, groups)).toBe(false);
      expect(selfCanEdit(field, groups)).toBe(false);
      expect(memberCanSee(field, groups, groups)).toBe(false);
      expect(memberCanFilter(field, groups)).toBe(false);
      expect(mustFill(field, groups)).toBe(false);
    }
    expect(askedAtSignup(field)).toBe(false);
  });

  it("asks community-wide, member-editable, required or flagged fields at sign-up", () => {
    expect(askedAtSignup(f({ required: true }))).toBe(true);
    expect(askedAtSignup(f({ askAtSignup: true }))).toBe(true);
    expect(askedAtSignup(f({}))).toBe(false);
    expect(askedAtSignup(f({ required: true, groupIds: ["g1"] }))).toBe(false);
    expect(askedAtSignup(f({ required: true, editable: false }))).toBe(false);
  });

  it("applies a field to the members of any of its groups", () => {
    expect(applies(f({}), [])).toBe(true);
    expect(applies(f({ groupIds: ["a", "b"] }), ["b"])).toBe(true);
    expect(applies(f({ groupIds: ["a"] }), ["b"])).toBe(false);
  });
});
