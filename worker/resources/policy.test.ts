import { describe, expect, it } from "vitest";
import { BOOKING_ACTIONS, decide, type BookingAction, type BookingActor } from "./policy";

/** Every (actor × action × switch) of resources and bookings, the expected answers written out as tables. */
type Col = "visitor" | "member" | "moderator" | "admin" | "owner" | "admin (as member)" | "owner (as member)";
const COLS: Record<Col, BookingActor> = {
  visitor: { tenantRole: null },
  member: { tenantRole: "member" },
  moderator: { tenantRole: "moderator" },
  admin: { tenantRole: "admin" },
  owner: { tenantRole: "owner" },
  "admin (as member)": { tenantRole: "admin", viewingAsMember: true },
  "owner (as member)": { tenantRole: "owner", viewingAsMember: true },
};
const ok = "ok";
const signedIn: Record<Col, string> = { visitor: "signed_out", member: ok, moderator: ok, admin: ok, owner: ok, "admin (as member)": ok, "owner (as member)": ok };
const adminsOnly: Record<Col, string> = {
  visitor: "signed_out",
  member: "not_admin",
  moderator: "not_admin",
  admin: ok,
  owner: ok,
  "admin (as member)": "not_admin",
  "owner (as member)": "not_admin",
};
const switchedOff: Record<Col, string> = {
  visitor: "signed_out",
  member: "feature_disabled",
  moderator: "feature_disabled",
  admin: ok,
  owner: ok,
  "admin (as member)": "feature_disabled",
  "owner (as member)": "feature_disabled",
};

const ON: Record<BookingAction, Record<Col, string>> = {
  readResources: signedIn,
  manageResources: adminsOnly,
  manageHiddenResources: adminsOnly,
  book: signedIn,
  bookForMember: adminsOnly,
  readBookings: signedIn,
  seeEveryBooking: adminsOnly,
  cancelOwnBooking: signedIn,
  cancelAnyBooking: adminsOnly,
};
const OFF: Record<BookingAction, Record<Col, string>> = {
  ...ON,
  readResources: switchedOff,
  book: switchedOff,
  readBookings: switchedOff,
  cancelOwnBooking: switchedOff,
};

const answer = (actor: BookingActor, action: BookingAction, bookings?: boolean) => {
  const d = decide(actor, action, bookings === undefined ? {} : { bookings });
  return d.ok ? ok : d.why;
};

describe("bookings policy", () => {
  for (const [label, table, bookings] of [["switch absent (on)", ON, undefined], ["switch on", ON, true], ["switch off", OFF, false]] as const) {
    it(`every actor × action, ${label}`, () => {
      for (const action of BOOKING_ACTIONS) {
        for (const [col, actor] of Object.entries(COLS) as [Col, BookingActor][]) {
          expect(`${action} / ${col}: ${answer(actor, action, bookings)}`).toBe(`${action} / ${col}: ${table[action][col]}`);
        }
      }
    });
  }
});
