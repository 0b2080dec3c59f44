import type { GroupRole, TenantRole } from "../db/schema";

/**
 * Who may do what with events (API.md "Events"), as pure functions of (actor, action,
 * switches, target).
 *
 *   - Owners and admins (not viewing as a member) do everything: create, edit and cancel any
 *     event, priced or not, see every event and its attendees; the switch never stops them.
 *   - A group's admins and owner manage that group's events (create, edit, cancel, read the
 *     attendees) as long as the event has no price; a price needs a community admin.
 *   - Any signed-in account reads the events it may see and registers: a group's event only to
 *     that group's members (others get 404, as if it did not exist).
 *   - `features.events` off (on by default): every member route answers `feature_disabled`
 *     (group admins included: they are members of the community), reads and cancellations too.
 *   - Members never create events.
 */
export type EventActor = {
  /** null for a visitor who is not signed in. */
  tenantRole: TenantRole | null;
  viewingAsMember?: boolean;
};

/** The event (or the group an event is created for) an action is about. */
export type EventTarget = {
  /** null: a community-wide event. */
  groupId: string | null;
  /** The actor's role in that group (null: not a member). */
  groupRole: GroupRole | null;
  /** Whether the event has (or would have) a ticket price. */
  priced: boolean;
};

export const EVENT_ACTIONS = ["read", "attend", "manage", "seeAttendees"] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

export type EventSwitches = { events?: boolean };

export type EventRefusal = "signed_out" | "feature_disabled" | "not_found" | "not_admin" | "price_needs_admin";
export type EventDecision = { ok: true } | { ok: false; why: EventRefusal };

const OK: EventDecision = { ok: true };
const refuse = (why: EventRefusal): EventDecision => ({ ok: false, why });

/** An owner or admin acting as one (viewing as a member, they are a member). */
export function actingEventAdmin(actor: EventActor): boolean {
  return (actor.tenantRole === "owner" || actor.tenantRole === "admin") && !actor.viewingAsMember;
}

const groupAdmin = (role: GroupRole | null) => role === "admin" || role === "owner";

/**
 * The decision. Without a target only the actor and the switch are checked (the routes' first
 * gate, before the event is read); with one, its group and price too.
 */
export function decideEvent(actor: EventActor, action: EventAction, switches: EventSwitches = {}, target?: EventTarget): EventDecision {
  if (actor.tenantRole === null) return refuse("signed_out");
  if (actingEventAdmin(actor)) return OK;
  if (switches.events === false) return refuse("feature_disabled");
  if (!target) return OK;
  const inGroup = target.groupId === null || target.groupRole !== null;
  switch (action) {
    case "read":
    case "attend":
      return inGroup ? OK : refuse("not_found");
    case "manage":
      if (target.groupId === null) return refuse("not_admin");
      if (!groupAdmin(target.groupRole)) return inGroup ? refuse("not_admin") : refuse("not_found");
      return target.priced ? refuse("price_needs_admin") : OK;
    case "seeAttendees":
      if (!inGroup) return refuse("not_found");
      return target.groupId !== null && groupAdmin(target.groupRole) ? OK : refuse("not_admin");
  }
}

export function mayEvent(actor: EventActor, action: EventAction, switches?: EventSwitches, target?: EventTarget): boolean {
  return decideEvent(actor, action, switches, target).ok;
}
