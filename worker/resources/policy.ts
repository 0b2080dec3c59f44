import type { TenantRole } from "../db/schema";

/**
 * Who may do what with resources and bookings (API.md "Resources and bookings"), as pure
 * functions of (actor, action, switches).
 *
 *   - Owners and admins manage resources, hide resources from single members, see every
 *     booking with its title and member, book for any member past every rule but a taken slot,
 *     and cancel any booking, even inside its cancellation deadline. Viewing as a member they
 *     are members.
 *   - Any signed-in account reads the resources it may book, books, reads its own bookings and
 *     the calendar (others' bookings as busy, without title or name) and cancels its own
 *     bookings before their deadline; whether it has a membership is the service's business.
 *   - The switch `features.bookings` (on by default) off: every member action answers
 *     `feature_disabled` (reads and cancellations included); owners and admins are never stopped.
 */
export type BookingActor = {
  /** null for a visitor who is not signed in. */
  tenantRole: TenantRole | null;
  viewingAsMember?: boolean;
};

export const BOOKING_ACTIONS = [
  "readResources",
  "manageResources",
  "manageHiddenResources",
  "book",
  "bookForMember",
  "readBookings",
  "seeEveryBooking",
  "cancelOwnBooking",
  "cancelAnyBooking",
] as const;
export type BookingAction = (typeof BOOKING_ACTIONS)[number];

export type BookingSwitches = { bookings?: boolean };

export type BookingRefusal = "signed_out" | "not_admin" | "feature_disabled";
export type BookingDecision = { ok: true } | { ok: false; why: BookingRefusal };

const OK: BookingDecision = { ok: true };
const refuse = (why: BookingRefusal): BookingDecision => ({ ok: false, why });

/** An owner or admin acting as one (viewing as a member, they are a member). */
export function actingAdmin(actor: BookingActor): boolean {
  return (actor.tenantRole === "owner" || actor.tenantRole === "admin") && !actor.viewingAsMember;
}

export function decide(actor: BookingActor, action: BookingAction, switches: BookingSwitches = {}): BookingDecision {
  if (actor.tenantRole === null) return refuse("signed_out");
  if (actingAdmin(actor)) return OK;
  switch (action) {
    case "manageResources":
    case "manageHiddenResources":
    case "bookForMember":
    case "seeEveryBooking":
    case "cancelAnyBooking":
      return refuse("not_admin");
    case "readResources":
    case "book":
    case "readBookings":
    case "cancelOwnBooking":
      return switches.bookings === false ? refuse("feature_disabled") : OK;
  }
}

export function may(actor: BookingActor, action: BookingAction, switches?: BookingSwitches): boolean {
  return decide(actor, action, switches).ok;
}
