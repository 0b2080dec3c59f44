import { describe, expect, it } from "vitest";
import { app } from "../app";
import { grants, scopeFor, type Scope } from "./scopes";

/**
 * Every `/api/v1` route and the scope a token needs for it, decided one by one. A new route
 * that is not in this table fails the walk below: its area is then a decision to make here.
 * Routes of the integrations branches (webhooks, the API tokens, the OpenAPI document) are in
 * the table before they are in the app; the walk only requires every app route to be here.
 */
const TABLE: [method: string, path: string, scope: Scope | "refused"][] = [
  ["POST", "/api/v1/tenants", "refused"],
  ["GET", "/api/v1/tenant", "tenant:read"],
  ["PATCH", "/api/v1/tenant", "tenant:write"],
  ["GET", "/api/v1/tenant/domains", "tenant:read"],
  ["POST", "/api/v1/tenant/domains", "tenant:write"],
  ["POST", "/api/v1/tenant/domains/:hostname/verify", "tenant:write"],
  ["DELETE", "/api/v1/tenant/domains/:hostname", "tenant:write"],
  ["GET", "/api/v1/groups/:slug/domains", "groups:read"],
  ["POST", "/api/v1/groups/:slug/domains", "groups:write"],
  ["POST", "/api/v1/groups/:slug/domains/:hostname/verify", "groups:write"],
  ["DELETE", "/api/v1/groups/:slug/domains/:hostname", "groups:write"],
  ["DELETE", "/api/v1/groups/:slug/domains", "groups:write"],
  ["POST", "/api/v1/auth/signup", "refused"],
  ["POST", "/api/v1/auth/login", "refused"],
  ["POST", "/api/v1/auth/logout", "refused"],
  ["POST", "/api/v1/auth/password-reset", "refused"],
  ["POST", "/api/v1/auth/password-reset/confirm", "refused"],
  ["POST", "/api/v1/auth/login-link", "refused"],
  ["POST", "/api/v1/auth/login-link/confirm", "refused"],
  ["GET", "/api/v1/me", "refused"],
  ["POST", "/api/v1/groups", "groups:write"],
  ["GET", "/api/v1/groups", "groups:read"],
  ["GET", "/api/v1/groups/:slug", "groups:read"],
  ["PATCH", "/api/v1/groups/:slug", "groups:write"],
  ["DELETE", "/api/v1/groups/:slug", "groups:write"],
  ["POST", "/api/v1/groups/:slug/restore", "groups:write"],
  ["PUT", "/api/v1/groups/:slug/assets/:kind", "groups:write"],
  ["PUT", "/api/v1/tenant/assets/:kind", "tenant:write"],
  ["POST", "/api/v1/groups/:slug/join", "groups:write"],
  ["POST", "/api/v1/groups/:slug/leave", "groups:write"],
  ["GET", "/api/v1/groups/:slug/requests", "groups:read"],
  ["GET", "/api/v1/groups/:slug/requests/live", "groups:read"],
  ["GET", "/api/v1/groups/:slug/join/live", "groups:read"],
  ["POST", "/api/v1/groups/:slug/requests/approve-all", "groups:write"],
  ["POST", "/api/v1/groups/:slug/requests/:id/approve", "groups:write"],
  ["POST", "/api/v1/groups/:slug/requests/:id/reject", "groups:write"],
  ["GET", "/api/v1/groups/:slug/members", "groups:read"],
  ["PATCH", "/api/v1/groups/:slug/members/:userId", "groups:write"],
  ["DELETE", "/api/v1/groups/:slug/members/:userId", "groups:write"],
  ["POST", "/api/v1/groups/:slug/members/:userId/ban", "groups:write"],
  ["GET", "/api/v1/groups/:slug/bans", "groups:read"],
  ["DELETE", "/api/v1/groups/:slug/bans/:userId", "groups:write"],
  ["GET", "/api/v1/groups/:slug/mentions", "discussions:read"],
  ["GET", "/api/v1/groups/:slug/threads", "discussions:read"],
  ["POST", "/api/v1/groups/:slug/threads", "discussions:write"],
  ["GET", "/api/v1/groups/:slug/threads/:id", "discussions:read"],
  ["PATCH", "/api/v1/groups/:slug/threads/:id", "discussions:write"],
  ["DELETE", "/api/v1/groups/:slug/threads/:id", "discussions:write"],
  ["POST", "/api/v1/groups/:slug/threads/:id/pin", "discussions:write"],
  ["POST", "/api/v1/groups/:slug/threads/:id/replies", "discussions:write"],
  ["PATCH", "/api/v1/groups/:slug/replies/:id", "discussions:write"],
  ["DELETE", "/api/v1/groups/:slug/replies/:id", "discussions:write"],
  ["PUT", "/api/v1/groups/:slug/reactions/:targetType/:targetId/:key", "discussions:write"],
  ["DELETE", "/api/v1/groups/:slug/reactions/:targetType/:targetId/:key", "discussions:write"],
  ["GET", "/api/v1/groups/:slug/chat", "discussions:read"],
  ["GET", "/api/v1/groups/:slug/messages", "discussions:read"],
  ["POST", "/api/v1/groups/:slug/messages", "discussions:write"],
  ["DELETE", "/api/v1/groups/:slug/messages/:id", "discussions:write"],
  ["GET", "/api/v1/groups/:slug/online", "discussions:read"],
  ["POST", "/api/v1/groups/:slug/reports", "discussions:write"],
  ["GET", "/api/v1/groups/:slug/reports", "discussions:read"],
  ["POST", "/api/v1/groups/:slug/reports/:id/dismiss", "discussions:write"],
  ["POST", "/api/v1/groups/:slug/moderation/hide", "discussions:write"],
  ["POST", "/api/v1/groups/:slug/moderation/unhide", "discussions:write"],
  ["POST", "/api/v1/groups/:slug/moderation/delete", "discussions:write"],
  ["GET", "/api/v1/groups/:slug/mutes", "discussions:read"],
  ["POST", "/api/v1/groups/:slug/mutes", "discussions:write"],
  ["DELETE", "/api/v1/groups/:slug/mutes/:userId", "discussions:write"],
  ["GET", "/api/v1/groups/:slug/activity", "discussions:read"],
  ["GET", "/api/v1/groups/:slug/leaderboard", "discussions:read"],
  ["GET", "/api/v1/groups/:slug/gamification", "discussions:read"],
  ["PUT", "/api/v1/groups/:slug/gamification", "discussions:write"],
  ["GET", "/api/v1/invitations/template.csv", "invitations:read"],
  ["GET", "/api/v1/invitations/template.xlsx", "invitations:read"],
  ["POST", "/api/v1/invitations/import", "invitations:write"],
  ["POST", "/api/v1/invitations", "invitations:write"],
  ["GET", "/api/v1/invitations", "invitations:read"],
  ["GET", "/api/v1/invitations/lookup", "refused"],
  ["POST", "/api/v1/invitations/accept", "refused"],
  ["POST", "/api/v1/invitations/accept-as-me", "refused"],
  ["POST", "/api/v1/invitations/decline", "refused"],
  ["GET", "/api/v1/me/invitations", "refused"],
  ["POST", "/api/v1/me/invitations/:id/accept", "refused"],
  ["POST", "/api/v1/me/invitations/:id/decline", "refused"],
  ["POST", "/api/v1/invitations/:id/resend", "invitations:write"],
  ["DELETE", "/api/v1/invitations/:id", "invitations:write"],
  ["POST", "/api/v1/members", "members:write"],
  ["POST", "/api/v1/members/import", "members:write"],
  ["GET", "/api/v1/members/export.csv", "members:read"],
  ["POST", "/api/v1/members/:userId/login-link", "members:write"],
  ["POST", "/api/v1/groups/:slug/members", "groups:write"],
  ["GET", "/api/v1/profile-fields", "profiles:read"],
  ["POST", "/api/v1/profile-fields", "profiles:write"],
  ["POST", "/api/v1/profile-fields/reorder", "profiles:write"],
  ["PATCH", "/api/v1/profile-fields/:key", "profiles:write"],
  ["DELETE", "/api/v1/profile-fields/:key", "profiles:write"],
  ["GET", "/api/v1/me/profile", "refused"],
  ["PATCH", "/api/v1/me/profile", "refused"],
  ["PUT", "/api/v1/me/avatar", "refused"],
  ["DELETE", "/api/v1/me/avatar", "refused"],
  ["GET", "/api/v1/members/:userId/profile", "profiles:read"],
  ["PATCH", "/api/v1/members/:userId/profile", "profiles:write"],
  ["GET", "/api/v1/directory", "profiles:read"],
  ["GET", "/api/v1/members", "members:read"],
  ["POST", "/api/v1/members/:userId/approve", "members:write"],
  ["POST", "/api/v1/members/:userId/decline", "members:write"],
  ["PATCH", "/api/v1/members/:userId", "members:write"],
  ["POST", "/api/v1/members/:userId/suspend", "members:write"],
  ["POST", "/api/v1/members/:userId/unsuspend", "members:write"],
  ["DELETE", "/api/v1/members/:userId", "members:write"],
  ["DELETE", "/api/v1/me", "refused"],
  ["POST", "/api/v1/plans", "memberships:write"],
  ["GET", "/api/v1/plans", "memberships:read"],
  ["GET", "/api/v1/plans/:id", "memberships:read"],
  ["PATCH", "/api/v1/plans/:id", "memberships:write"],
  ["DELETE", "/api/v1/plans/:id", "memberships:write"],
  ["POST", "/api/v1/plans/:id/restore", "memberships:write"],
  ["POST", "/api/v1/me/membership", "refused"],
  ["GET", "/api/v1/me/membership", "refused"],
  ["POST", "/api/v1/me/membership/cancel", "refused"],
  ["POST", "/api/v1/me/membership/undo-cancel", "refused"],
  ["POST", "/api/v1/me/membership/change", "refused"],
  ["DELETE", "/api/v1/me/membership/change", "refused"],
  ["PATCH", "/api/v1/me/membership/billing", "refused"],
  ["GET", "/api/v1/memberships", "memberships:read"],
  ["POST", "/api/v1/memberships", "memberships:write"],
  ["GET", "/api/v1/memberships/:id", "memberships:read"],
  ["POST", "/api/v1/memberships/:id/confirm", "memberships:write"],
  ["POST", "/api/v1/memberships/:id/cancel", "memberships:write"],
  ["POST", "/api/v1/memberships/:id/undo-cancel", "memberships:write"],
  ["POST", "/api/v1/memberships/:id/change", "memberships:write"],
  ["PATCH", "/api/v1/memberships/:id/billing", "memberships:write"],
  ["GET", "/api/v1/billing/settings", "invoices:read"],
  ["PATCH", "/api/v1/billing/settings", "invoices:write"],
  ["POST", "/api/v1/members/:userId/charges", "invoices:write"],
  ["GET", "/api/v1/members/:userId/charges", "invoices:read"],
  ["DELETE", "/api/v1/charges/:id", "invoices:write"],
  ["GET", "/api/v1/me/invoices", "refused"],
  ["GET", "/api/v1/me/invoices/preview", "refused"],
  ["GET", "/api/v1/invoices", "invoices:read"],
  ["GET", "/api/v1/invoices/:id", "invoices:read"],
  ["GET", "/api/v1/invoices/:id/pdf", "invoices:read"],
  ["POST", "/api/v1/invoices/:id/payments", "invoices:write"],
  ["DELETE", "/api/v1/invoices/:id/payments/:paymentId", "invoices:write"],
  ["POST", "/api/v1/invoices/:id/void", "invoices:write"],
  ["GET", "/api/v1/invoices/:id/credit-note/pdf", "invoices:read"],
  ["POST", "/api/v1/invoices/:id/checkout", "invoices:write"],
  ["POST", "/api/v1/payments/stripe/webhook", "refused"],
  ["POST", "/api/v1/announcements", "tenant:write"],
  ["GET", "/api/v1/announcements", "tenant:read"],
  ["PATCH", "/api/v1/announcements/:id", "tenant:write"],
  ["DELETE", "/api/v1/announcements/:id", "tenant:write"],
  ["GET", "/api/v1/me/dashboard", "refused"],
  ["POST", "/api/v1/resources", "bookings:write"],
  ["GET", "/api/v1/resources", "bookings:read"],
  ["GET", "/api/v1/resources/:id", "bookings:read"],
  ["PATCH", "/api/v1/resources/:id", "bookings:write"],
  ["DELETE", "/api/v1/resources/:id", "bookings:write"],
  ["PUT", "/api/v1/resources/:id/image", "bookings:write"],
  ["GET", "/api/v1/members/:userId/hidden-resources", "bookings:read"],
  ["PUT", "/api/v1/members/:userId/hidden-resources", "bookings:write"],
  ["GET", "/api/v1/me/calendar", "refused"],
  ["POST", "/api/v1/me/calendar-token", "refused"],
  ["GET", "/api/v1/me/calendar.ics", "refused"],
  ["GET", "/api/v1/bookings/:file{[^/]+\.ics}", "bookings:read"],
  ["POST", "/api/v1/bookings/preview", "bookings:write"],
  ["POST", "/api/v1/bookings", "bookings:write"],
  ["GET", "/api/v1/me/bookings", "refused"],
  ["GET", "/api/v1/bookings", "bookings:read"],
  ["GET", "/api/v1/bookings/:id", "bookings:read"],
  ["DELETE", "/api/v1/bookings/:id", "bookings:write"],
  ["GET", "/api/v1/guides", "helpdesk:read"],
  ["POST", "/api/v1/guides", "helpdesk:write"],
  ["GET", "/api/v1/guides/:id", "helpdesk:read"],
  ["PATCH", "/api/v1/guides/:id", "helpdesk:write"],
  ["DELETE", "/api/v1/guides/:id", "helpdesk:write"],
  ["GET", "/api/v1/issues", "helpdesk:read"],
  ["POST", "/api/v1/issues", "helpdesk:write"],
  ["GET", "/api/v1/issues/:id", "helpdesk:read"],
  ["PATCH", "/api/v1/issues/:id", "helpdesk:write"],
  ["DELETE", "/api/v1/issues/:id", "helpdesk:write"],
  ["POST", "/api/v1/issues/:id/close", "helpdesk:write"],
  ["POST", "/api/v1/issues/:id/reopen", "helpdesk:write"],
  ["POST", "/api/v1/issues/:id/comments", "helpdesk:write"],
  ["POST", "/api/v1/issues/:id/attachments", "helpdesk:write"],
  ["GET", "/api/v1/issues/:id/attachments/:attachmentId", "helpdesk:read"],
  ["POST", "/api/v1/events", "events:write"],
  ["GET", "/api/v1/events", "events:read"],
  ["GET", "/api/v1/events/:id/attendees.csv", "events:read"],
  ["GET", "/api/v1/events/:id/attendees", "events:read"],
  ["GET", "/api/v1/events/:id", "events:read"],
  ["PATCH", "/api/v1/events/:id", "events:write"],
  ["DELETE", "/api/v1/events/:id", "events:write"],
  ["POST", "/api/v1/events/:id/attend", "events:write"],
  ["DELETE", "/api/v1/events/:id/attend", "events:write"],
  ["GET", "/api/v1/dev/mail", "refused"],
  ["POST", "/api/v1/dev/scheduled", "refused"],
  // Other integrations branches: the webhooks, the tokens themselves, the OpenAPI document.
  ["POST", "/api/v1/webhooks", "webhooks:write"],
  ["GET", "/api/v1/webhooks", "webhooks:read"],
  ["GET", "/api/v1/webhooks/:id", "webhooks:read"],
  ["PATCH", "/api/v1/webhooks/:id", "webhooks:write"],
  ["DELETE", "/api/v1/webhooks/:id", "webhooks:write"],
  ["POST", "/api/v1/webhooks/:id/rotate-secret", "webhooks:write"],
  ["GET", "/api/v1/webhooks/:id/deliveries", "webhooks:read"],
  ["POST", "/api/v1/webhooks/:id/deliveries/:deliveryId/retry", "webhooks:write"],
  ["POST", "/api/v1/webhooks/deliveries/:deliveryId/retry", "webhooks:write"],
  ["POST", "/api/v1/api-tokens", "refused"],
  ["GET", "/api/v1/api-tokens", "refused"],
  ["DELETE", "/api/v1/api-tokens/:id", "refused"],
  ["GET", "/api/v1/openapi.json", "refused"],
];

/** A route with its parameter names erased (`/plans/:id` and `/plans/:planId` are one route). */
const shape = (method: string, path: string) => `${method} ${path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, ":")}`;
const decided = new Map(TABLE.map(([m, p, s]) => [shape(m, p), s]));

/** A concrete path for a route pattern: every parameter becomes a plausible value. */
const concrete = (path: string) => path.replace(/:file\{[^}]*\}/g, "abc.ics").replace(/:[A-Za-z]+/g, "abc123");

describe("scopeFor: the scope every API route needs", () => {
  it("decides every /api/v1 route of the app on purpose (the table), on its pattern and on a concrete path", () => {
    const routes = [...new Set(app.routes.filter((r) => r.path.startsWith("/api/v1") && r.method !== "ALL").map((r) => `${r.method} ${r.path}`))];
    expect(routes.length).toBeGreaterThan(150);
    const undecided: string[] = [];
    const wrong: string[] = [];
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const expected = decided.get(shape(method, path));
      if (expected === undefined) {
        undecided.push(route);
        continue;
      }
      for (const p of [path, concrete(path)]) {
        const got = scopeFor(method, p);
        if (got !== expected) wrong.push(`${method} ${p}: ${got}, table says ${expected}`);
      }
    }
    expect(undecided, `routes with no decision in the table of scopes.test.ts:\n${undecided.join("\n")}`).toEqual([]);
    expect(wrong).toEqual([]);
  });

  it("answers the table for every row, routes of other branches included", () => {
    for (const [method, path, scope] of TABLE) {
      expect(scopeFor(method, path), `${method} ${path}`).toBe(scope);
      expect(scopeFor(method, concrete(path)), `${method} ${concrete(path)}`).toBe(scope);
    }
  });

  it("reads need :read (GET and HEAD, any case), every other method :write", () => {
    expect(scopeFor("GET", "/api/v1/plans/abc")).toBe("memberships:read");
    expect(scopeFor("HEAD", "/api/v1/plans/abc")).toBe("memberships:read");
    expect(scopeFor("get", "/api/v1/plans")).toBe("memberships:read");
    for (const m of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) expect(scopeFor(m, "/api/v1/plans/abc")).toBe("memberships:write");
  });

  it("refuses /me, /auth, /api-tokens, development, the platform, pages and anything outside an area", () => {
    for (const p of [
      "/api/v1/me",
      "/api/v1/me/",
      "/api/v1/me/profile",
      "/api/v1/auth/login",
      "/api/v1/api-tokens",
      "/api/v1/api-tokens/abc",
      "/api/v1/dev/mail",
      "/api/v1/tenants",
      "/api/v1",
      "/api/v1/",
      "/api/v1/nothing-here",
      "/api/v1/plans/../me",
      "/api/v2/plans",
      "/admin/plans",
      "/",
    ]) {
      expect(scopeFor("GET", p), p).toBe("refused");
      expect(scopeFor("POST", p), p).toBe("refused");
    }
  });

  it("matches whole segments only, and ignores a query string and a trailing slash", () => {
    expect(scopeFor("GET", "/api/v1/meetings")).toBe("refused");
    expect(scopeFor("GET", "/api/v1/members-extra")).toBe("refused");
    expect(scopeFor("GET", "/api/v1/plans?limit=5")).toBe("memberships:read");
    expect(scopeFor("GET", "/api/v1/plans/")).toBe("memberships:read");
    expect(scopeFor("GET", "/api/v1/groups/threads")).toBe("groups:read");
    expect(scopeFor("GET", "/api/v1/groups/walk/threads")).toBe("discussions:read");
  });

  it("write includes read, never the other way, and never another area", () => {
    expect(grants(["memberships:write"], "memberships:read")).toBe(true);
    expect(grants(["memberships:read"], "memberships:write")).toBe(false);
    expect(grants(["invoices:write"], "memberships:read")).toBe(false);
  });
});
