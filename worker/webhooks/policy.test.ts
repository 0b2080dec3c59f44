import { describe, expect, it } from "vitest";
import type { TenantRole } from "../db/schema";
import { decideWebhook, WEBHOOK_ACTIONS, type WebhookAction } from "./policy";

/** Every (actor × action), written out independently of the implementation. */
const actors: { name: string; tenantRole: TenantRole | null; viewingAsMember?: boolean }[] = [
  { name: "visitor", tenantRole: null },
  { name: "member", tenantRole: "member" },
  { name: "moderator", tenantRole: "moderator" },
  { name: "admin", tenantRole: "admin" },
  { name: "owner", tenantRole: "owner" },
  { name: "member (as member)", tenantRole: "member", viewingAsMember: true },
  { name: "moderator (as member)", tenantRole: "moderator", viewingAsMember: true },
  { name: "admin (as member)", tenantRole: "admin", viewingAsMember: true },
  { name: "owner (as member)", tenantRole: "owner", viewingAsMember: true },
];

const table: Record<WebhookAction, Record<string, string>> = {
  read: {
    visitor: "signed_out",
    member: "not_admin",
    moderator: "not_admin",
    admin: "ok",
    owner: "ok",
    "member (as member)": "not_admin",
    "moderator (as member)": "not_admin",
    "admin (as member)": "ok",
    "owner (as member)": "ok",
  },
  manage: {
    visitor: "signed_out",
    member: "not_admin",
    moderator: "not_admin",
    admin: "ok",
    owner: "ok",
    "member (as member)": "not_admin",
    "moderator (as member)": "not_admin",
    "admin (as member)": "member_view",
    "owner (as member)": "member_view",
  },
};

describe("webhooks policy: owners and admins only", () => {
  for (const action of WEBHOOK_ACTIONS) {
    for (const actor of actors) {
      it(`${actor.name} × ${action} → ${table[action][actor.name]}`, () => {
        const d = decideWebhook(actor, action);
        expect(d.ok ? "ok" : d.why).toBe(table[action][actor.name]);
      });
    }
  }
});
