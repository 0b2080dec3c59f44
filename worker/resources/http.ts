import { requireUser } from "../auth/sessions";
import type { Tenant, User } from "../db/schema";
import { requireTenant } from "../http/context";
import { forbidden } from "../http/errors";
import { guard } from "../http/validate";
import { decide, may, type BookingAction, type BookingActor } from "./policy";

// The HTTP side of resources and bookings: the policy's refusals as the contract's errors.

/** The JSON API's actor: its role (the API does not read the view-as cookie). */
export const bookingActor = (user: Pick<User, "tenantRole">): BookingActor => ({ tenantRole: user.tenantRole });

/** 403 with the contract's code when the policy refuses. */
export function assertMayBook(user: Pick<User, "tenantRole">, action: BookingAction, tenant: Pick<Tenant, "features">): void {
  const d = decide(bookingActor(user), action, tenant.features);
  if (d.ok) return;
  if (d.why === "feature_disabled") throw forbidden("feature_disabled", "This community has turned bookings off.");
  throw forbidden("forbidden", "Only community owners and admins can do this.");
}

/** Whether the user acts as an owner or admin here (sees everything, books for anyone, past every rule). */
export const isBookingAdmin = (user: Pick<User, "tenantRole">) => may(bookingActor(user), "seeEveryBooking");

/** Before the body is read: signed in (401) and allowed `action` (403), in that order. */
export const allowedTo = (action: BookingAction) =>
  guard((c) => {
    const tenant = requireTenant(c);
    assertMayBook(requireUser(c), action, tenant);
  });
