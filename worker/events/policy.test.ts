import { describe, expect, it } from "vitest";
import { EVENT_ACTIONS, decideEvent, type EventAction, type EventActor, type EventTarget } from "./policy";

/** Every (actor × action × target × switch) of events, the expected answers written out as tables. */
type Col = "visitor" | "member" | "moderator" | "admin" | "owner" | "admin (as member)";
const COLS: Record<Col, EventActor> = {
  visitor: { tenantRole: null },
  member: { tenantRole: "member" },
  moderator: { tenantRole: "moderator" },
  admin: { tenantRole: "admin" },
  owner: { tenantRole: "owner" },
  "admin (as member)": { tenantRole: "admin", viewingAsMember: true },
};
type Row = "no target" | "community" | "community, priced" | "group: outsider" | "group: member" | "group: admin" | "group: owner" | "group admin, priced";
const TARGETS: Record<Row, EventTarget | undefined> = {
  "no target": undefined,
  community: { groupId: null, groupRole: null, priced: false },
  "community, priced": { groupId: null, groupRole: null, priced: true },
  "group: outsider": { groupId: "g", groupRole: null, priced: false },
  "group: member": { groupId: "g", groupRole: "member", priced: false },
  "group: admin": { groupId: "g", groupRole: "admin", priced: false },
  "group: owner": { groupId: "g", groupRole: "owner", priced: false },
  "group admin, priced": { groupId: "g", groupRole: "admin", priced: true },
};

const ok = "ok";
/** What a non-admin actor (member or moderator, or an admin viewing as a member) gets, by target. */
const MEMBER: Record<EventAction, Record<Row, string>> = {
  read: { "no target": ok, community: ok, "community, priced": ok, "group: outsider": "not_found", "group: member": ok, "group: admin": ok, "group: owner": ok, "group admin, priced": ok },
  attend: { "no target": ok, community: ok, "community, priced": ok, "group: outsider": "not_found", "group: member": ok, "group: admin": ok, "group: owner": ok, "group admin, priced": ok },
  manage: {
    "no target": ok,
    community: "not_admin",
    "community, priced": "not_admin",
    "group: outsider": "not_found",
    "group: member": "not_admin",
    "group: admin": ok,
    "group: owner": ok,
    "group admin, priced": "price_needs_admin",
  },
  seeAttendees: {
    "no target": ok,
    community: "not_admin",
    "community, priced": "not_admin",
    "group: outsider": "not_found",
    "group: member": "not_admin",
    "group: admin": ok,
    "group: owner": ok,
    "group admin, priced": ok,
  },
};

function expected(col: Col, action: EventAction, row: Row, switchOn: boolean): string {
  if (col === "visitor") return "signed_out";
  if (col === "admin" || col === "owner") return ok;
  if (!switchOn) return "feature_disabled";
  return MEMBER[action][row];
}

describe("events policy: the full table", () => {
  for (const switchOn of [true, false]) {
    for (const action of EVENT_ACTIONS) {
      it(`${action} with features.events ${switchOn ? "on" : "off"}`, () => {
        const got: Record<string, Record<string, string>> = {};
        const want: Record<string, Record<string, string>> = {};
        for (const col of Object.keys(COLS) as Col[]) {
          got[col] = {};
          want[col] = {};
          for (const row of Object.keys(TARGETS) as Row[]) {
            const d = decideEvent(COLS[col], action, { events: switchOn }, TARGETS[row]);
            got[col]![row] = d.ok ? ok : d.why;
            want[col]![row] = expected(col, action, row, switchOn);
          }
        }
        expect(got).toEqual(want);
      });
    }
  }

  it("the switch is on by default", () => {
    expect(decideEvent({ tenantRole: "member" }, "read", {})).toEqual({ ok: true });
    expect(decideEvent({ tenantRole: "member" }, "read", { events: false })).toEqual({ ok: false, why: "feature_disabled" });
  });
});
