import { atLeast, type GroupActor } from "../groups/policy";
import type { GroupRole } from "../db/schema";

/**
 * Who may do what in a group's discussions and chat, as pure functions of the actor.
 * Members read, post, react and report; moderators also pin, hide, delete others'
 * content, mute and handle reports; group admins (and tenant admins acting as such)
 * see the activity view and set the levels. A banned or departed person can do nothing.
 * Editing and deleting one's own posts is checked by the room, which knows the author.
 */
export const DISCUSSION_ACTIONS = ["read", "post", "react", "report", "moderate", "viewActivity", "configureLevels"] as const;
export type DiscussionAction = (typeof DISCUSSION_ACTIONS)[number];

const NEEDS: Record<DiscussionAction, GroupRole> = {
  read: "member",
  post: "member",
  react: "member",
  report: "member",
  moderate: "moderator",
  viewActivity: "admin",
  configureLevels: "admin",
};

export function canDiscuss(actor: GroupActor, action: DiscussionAction): boolean {
  if (actor.tenantRole === null || actor.banned) return false;
  return atLeast(actor, NEEDS[action]);
}
