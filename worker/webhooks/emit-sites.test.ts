import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { groupRoom } from "../room/room";
import { noticeWriter } from "../room/notices";
import { and, eq } from "drizzle-orm";
import { webhookData } from "../openapi/webhooks";
import { describe, expect, it } from "vitest";
import { tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import { call, makeGroup, makeTenant, sessionCookie, signUpMember, type TestTenant } from "../test/helpers";
import { inviteToken } from "../test/mail";
import { eur, getInvoice, issueInvoices } from "../test/invoice-fixtures";
import type { WebhookEventType } from "./types";
import { billingSettingsOf } from "../invoices/settings";
import { createPlan, planInput } from "../plans/service";
import { cancelMembership, startMembership, viewsOf, type Clock } from "../memberships/service";
import { applyMembershipChanges } from "../memberships/job";

// Every event type of the contract is emitted where its change happens, in the batch of the
// change: one delivery per subscribed, enabled endpoint of the community, none otherwise, and
// none for a change that did not happen (a lost race, a replay).

type Hooks = { t: TenantDb; on: string; off: string; disabled: string; other: TenantDb };

/** Endpoints of `tenant`: one subscribed to `type`, one to another type, one subscribed but disabled; and one of another community. */
async function hooks(tenant: TestTenant, type: WebhookEventType): Promise<Hooks> {
  const t = tenantDb(env, tenant);
  const other = tenantDb(env, await makeTenant());
  const add = async (db: TenantDb, events: string[], enabled = true) => {
    const id = newId();
    await db.db.insert(webhookEndpoints).values({ id, tenantId: db.tenantId, url: "https://hooks.example.com/in", events, enabled, secretSealed: "v1.x.y", createdAt: 1, updatedAt: 1 });
    return id;
  };
  // A type no test here emits beside `type`.
  const otherType: WebhookEventType = type === "issue.created" ? "booking.canceled" : "issue.created";
  await add(other, [type]);
  return { t, on: await add(t, [otherType, type]), off: await add(t, [otherType]), disabled: await add(t, [type], false), other };
}

/** The events of `type` queued for the community, as `{endpointId, data}`. */
async function delivered(h: Hooks, type: WebhookEventType) {
  const rows = await h.t.db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, h.t.tenantId), eq(webhookDeliveries.type, type)));
  const others = await h.other.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, h.other.tenantId));
  expect(others).toEqual([]);
  for (const r of rows) expect(r.endpointId).toBe(h.on);
  const data = rows.map((r) => (JSON.parse(r.payload) as { data: Record<string, unknown> }).data);
  // What the OpenAPI document says each type carries (worker/openapi/webhooks.ts) is what is sent.
  for (const d of data) {
    const parsed = webhookData[type].safeParse(d);
    expect(parsed.success, `${type}: ${parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 3))}`).toBe(true);
  }
  return data;
}

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

describe("member.created: when an account becomes active", () => {
  it("sign-up in an open community: one event with the member, none for a second sign-up with the same email", async () => {
    const tenant = await makeTenant();
    const h = await hooks(tenant, "member.created");
    const m = await signUpMember(tenant, "ann@example.org", "Ann Active");
    expect((await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "ann@example.org", password: "a long enough password", name: "Again" } })).status).toBe(409);
    expect(await delivered(h, "member.created")).toEqual([{ id: m.id, name: "Ann Active", email: "ann@example.org", tenantRole: "member", status: "active", groups: [], createdAt: expect.any(String) }]);
  });

  it("approval: nothing at a pending sign-up, one event at the approval, none for a second approval", async () => {
    const tenant = await makeTenant();
    const h = await hooks(tenant, "member.created");
    expect((await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { signupPolicy: "approval" } })).status).toBe(200);
    const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "pat@example.org", password: "a long enough password", name: "Pat Pending" } });
    const id = (await json<{ user: { id: string } }>(res)).user.id;
    expect(await delivered(h, "member.created")).toEqual([]);
    const both = await Promise.all([1, 2].map(() => call(tenant.host, "POST", `/api/v1/members/${id}/approve`, { cookie: tenant.owner.cookie })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await delivered(h, "member.created")).toEqual([expect.objectContaining({ id, name: "Pat Pending", status: "active" })]);
  });

  it("an admin creates an account in a group: member.created and group.member_joined", async () => {
    const tenant = await makeTenant();
    const h = await hooks(tenant, "member.created");
    const g = await makeGroup(tenant, { slug: "crew", joinPolicy: "open" });
    const joinedHook = await hooks(tenant, "group.member_joined");
    const res = await call(tenant.host, "POST", "/api/v1/members", { cookie: tenant.owner.cookie, json: { name: "Cara Created", email: "cara@example.org", groups: ["crew"] } });
    expect(res.status).toBe(201);
    const id = (await json<{ user: { id: string } }>(res)).user.id;
    expect(await delivered(h, "member.created")).toEqual([expect.objectContaining({ id, name: "Cara Created", groups: ["crew"] })]);
    expect(await delivered(joinedHook, "group.member_joined")).toEqual([{ group: { id: g.id, slug: "crew" }, member: { id, name: "Cara Created" } }]);
  });

  it("an invitation accepted: member.created, invitation.accepted and group.member_joined once; a second accept adds nothing", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { slug: "board", joinPolicy: "invite" });
    const created = await hooks(tenant, "member.created");
    const accepted = await hooks(tenant, "invitation.accepted");
    const joined = await hooks(tenant, "group.member_joined");
    expect((await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: "nina@example.org", groups: ["board"] } })).status).toBe(200);
    const token = await inviteToken(tenant.host, "nina@example.org");
    const answers = await Promise.all([1, 2].map(() => call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token, name: "Nina Newcomer", password: "long enough pass" } })));
    const ok = answers.find((r) => r.status === 201)!;
    expect(answers.map((r) => r.status).sort()).toEqual([201, 404]);
    const id = (await json<{ user: { id: string } }>(ok)).user.id;
    expect(await delivered(created, "member.created")).toEqual([expect.objectContaining({ id, name: "Nina Newcomer", groups: ["board"] })]);
    expect(await delivered(accepted, "invitation.accepted")).toEqual([expect.objectContaining({ email: "nina@example.org", status: "accepted", groups: ["board"] })]);
    expect(await delivered(joined, "group.member_joined")).toEqual([{ group: { id: g.id, slug: "board" }, member: { id, name: "Nina Newcomer" } }]);
    sessionCookie(ok);
  });

  it("an account import: one member.created per account and one group.member_joined per group, in the commit", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { slug: "imported" });
    const created = await hooks(tenant, "member.created");
    const joined = await hooks(tenant, "group.member_joined");
    const csv = "email,name,groups\nia@example.org,Ia One,imported\nib@example.org,Ib Two,\n";
    const body = new FormData();
    body.set("file", new File([csv], "people.csv", { type: "text/csv" }));
    const res = await call(tenant.host, "POST", "/api/v1/members/import", { cookie: tenant.owner.cookie, body });
    expect(res.status).toBe(200);
    const events = await delivered(created, "member.created");
    expect(events.map((e) => [e.email, e.status, e.groups]).sort()).toEqual([
      ["ia@example.org", "active", ["imported"]],
      ["ib@example.org", "active", []],
    ]);
    const ia = events.find((e) => e.email === "ia@example.org")!;
    expect(await delivered(joined, "group.member_joined")).toEqual([{ group: { id: g.id, slug: "imported" }, member: { id: ia.id, name: "Ia One" } }]);
  });
});

describe("group.member_joined: every way into a group", () => {
  it("an open group: one event at the join, none for a second join", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { slug: "open", joinPolicy: "open" });
    const h = await hooks(tenant, "group.member_joined");
    const m = await signUpMember(tenant, "jo@example.org", "Jo Joiner");
    const both = await Promise.all([1, 2].map(() => call(tenant.host, "POST", "/api/v1/groups/open/join", { cookie: m.cookie, json: {} })));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(await delivered(h, "group.member_joined")).toEqual([{ group: { id: g.id, slug: "open" }, member: { id: m.id, name: "Jo Joiner" } }]);
  });

  it("an admin's invitation adds an existing account at once; inviting again adds no event", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { slug: "staff", joinPolicy: "invite" });
    const h = await hooks(tenant, "group.member_joined");
    const m = await signUpMember(tenant, "ex@example.org", "Ex Isting");
    for (let i = 0; i < 2; i++) expect((await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: "ex@example.org", groups: ["staff"] } })).status).toBe(200);
    expect(await delivered(h, "group.member_joined")).toEqual([{ group: { id: g.id, slug: "staff" }, member: { id: m.id, name: "Ex Isting" } }]);
  });

  it("an approved join request: one event when the membership lands, none when approved again", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { slug: "asked", joinPolicy: "approval" });
    const h = await hooks(tenant, "group.member_joined");
    const m = await signUpMember(tenant, "ap@example.org", "Ap Plicant");
    const asked = await call(tenant.host, "POST", "/api/v1/groups/asked/join", { cookie: m.cookie, json: {} });
    expect(asked.status).toBe(202);
    const { requestId } = await json<{ requestId: string }>(asked);
    for (let i = 0; i < 2; i++) expect((await call(tenant.host, "POST", `/api/v1/groups/asked/requests/${requestId}/approve`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect(await delivered(h, "group.member_joined")).toEqual([{ group: { id: g.id, slug: "asked" }, member: { id: m.id, name: "Ap Plicant" } }]);
  });
});

describe("membership.created and membership.canceled", () => {
  const NOW = Date.UTC(2027, 1, 10, 9);
  const at = (today: string, now = NOW): Clock => ({ today, now });
  const setup = async (type: WebhookEventType) => {
    const tenant = await makeTenant();
    const h = await hooks(tenant, type);
    const billing = await billingSettingsOf(h.t);
    const member = async () => (await signUpMember(tenant, `${newId(6)}@example.org`, "Mia Member")).id;
    const plan = await createPlan(h.t, billing, planInput.parse({ name: "Flex", price: { amount: 4999, currency: "EUR" }, intervalMonths: 1, approvalRequired: true }), NOW);
    return { h, billing, member, plan };
  };

  it("created: one event with the membership as GET answers it; a concurrent second one (409) adds none", async () => {
    const { h, billing, member, plan } = await setup("membership.created");
    const userId = await member();
    const tries = await Promise.allSettled([1, 2].map(() => startMembership(h.t, billing, at("2027-02-10"), { userId, planId: plan.id }, "member")));
    const made = tries.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(made).toHaveLength(1);
    const [view] = await viewsOf(h.t, made, billing, "2027-02-10");
    expect(await delivered(h, "membership.created")).toEqual([{ membership: JSON.parse(JSON.stringify(view)) }]);
    expect(view).toMatchObject({ status: "pending_approval", userId });
  });

  it("canceled at once (a pending one declined): one event; cancelling again adds none", async () => {
    const { h, billing, member, plan } = await setup("membership.canceled");
    const pending = await startMembership(h.t, billing, at("2027-02-10"), { userId: await member(), planId: plan.id }, "member");
    const both = await Promise.allSettled([1, 2].map(() => cancelMembership(h.t, billing, at("2027-02-10"), pending)));
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await delivered(h, "membership.canceled")).toEqual([{ membership: expect.objectContaining({ id: pending.id, status: "canceled", cancelsOn: null }) }]);
  });

  it("canceled by the job at the end of the notice: nothing while canceling, one event the day after, none on a re-run", async () => {
    const { h, billing, member, plan } = await setup("membership.canceled");
    const active = await startMembership(h.t, billing, at("2027-02-10"), { userId: await member(), planId: plan.id }, "admin");
    await cancelMembership(h.t, billing, at("2027-02-10"), active, "2027-02-20");
    expect((await applyMembershipChanges(h.t, at("2027-02-20"))).ended).toHaveLength(0);
    expect(await delivered(h, "membership.canceled")).toEqual([]);
    expect((await applyMembershipChanges(h.t, at("2027-02-21"))).ended).toHaveLength(1);
    expect((await applyMembershipChanges(h.t, at("2027-02-21"))).ended).toHaveLength(0);
    expect(await delivered(h, "membership.canceled")).toEqual([{ membership: expect.objectContaining({ id: active.id, status: "canceled", cancelsOn: "2027-02-20", currentPeriod: null }) }]);
  });
});

describe("booking.created and booking.canceled", () => {
  const DAY = 24 * 3_600_000;
  const slotAt = (days: number, hour: number) => {
    const d = new Date(Date.now() + days * DAY);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour)).toISOString();
  };
  const setup = async () => {
    const tenant = await makeTenant();
    const created = await hooks(tenant, "booking.created");
    const canceled = await hooks(tenant, "booking.canceled");
    const plan = (await json<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } }))).plan;
    const resource = (await json<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Salle Lovelace", category: "rooms", pricePerHour: { amount: 2000, currency: "EUR" } } }))).resource;
    const member = async (email: string, name: string) => {
      const m = await signUpMember(tenant, email, name);
      expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: m.cookie, json: { planId: plan.id } })).status).toBe(201);
      return m;
    };
    return { tenant, created, canceled, resource, member };
  };

  it("two members race for one slot: one booking, one booking.created; its cancel twice: one booking.canceled", async () => {
    const { tenant, created, canceled, resource, member } = await setup();
    const [ana, bob] = await Promise.all([member("ana@example.org", "Ana Booker"), member("bob@example.org", "Bob Booker")]);
    const slot = { resourceId: resource.id, from: slotAt(7, 9), to: slotAt(7, 10) };
    const answers = await Promise.all([ana, bob].map((m) => call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: slot })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = answers[0]!.status === 201 ? ana : bob;
    const { booking } = await json<{ booking: { id: string } }>(answers.find((r) => r.status === 201)!);
    const view = await json<{ booking: Record<string, unknown> }>(await call(tenant.host, "GET", `/api/v1/bookings/${booking.id}`, { cookie: tenant.owner.cookie }));
    expect(await delivered(created, "booking.created")).toEqual([{ booking: { ...view.booking, mine: false } }]);
    expect(view.booking).toMatchObject({ member: { id: winner.id, name: winner === ana ? "Ana Booker" : "Bob Booker" } });
    const gone = await Promise.all([1, 2].map(() => call(tenant.host, "DELETE", `/api/v1/bookings/${booking.id}`, { cookie: winner.cookie })));
    // Both may read it before either deletes (then both answer 204): one delete happens, one event.
    expect(gone.map((r) => r.status)).toContain(204);
    expect(await delivered(canceled, "booking.canceled")).toEqual([{ booking: { ...view.booking, mine: false } }]);
  });

  it("a weekly series: one booking.created per occurrence, with the series id", async () => {
    const { tenant, created, resource, member } = await setup();
    const m = await member("sy@example.org", "Sy Series");
    const res = await call(tenant.host, "POST", "/api/v1/bookings", { cookie: m.cookie, json: { resourceId: resource.id, from: slotAt(7, 9), to: slotAt(7, 10), repeat: { every: "week", count: 3 } } });
    expect(res.status).toBe(201);
    const events = await delivered(created, "booking.created");
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => (e.booking as { seriesId: string }).seriesId)).size).toBe(1);
  });
});

describe("event.registered and issue.created", () => {
  const inDays = (days: number, hour: number) => {
    const d = new Date(Date.now() + days * 24 * 3_600_000);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour)).toISOString();
  };

  it("event.registered: {event, member, status} with the status and counts the registration made; a second registration adds none", async () => {
    const tenant = await makeTenant();
    const h = await hooks(tenant, "event.registered");
    const created = await call(tenant.host, "POST", "/api/v1/events", { cookie: tenant.owner.cookie, json: { title: "Soirée pizza", startsAt: inDays(7, 18), endsAt: inDays(7, 21), capacity: 1 } });
    expect(created.status).toBe(201);
    const { event } = await json<{ event: { id: string } }>(created);
    const ann = await signUpMember(tenant, "ann@example.org", "Ann Early");
    const ben = await signUpMember(tenant, "ben@example.org", "Ben Late");
    const twice = await Promise.all([1, 2].map(() => call(tenant.host, "POST", `/api/v1/events/${event.id}/attend`, { cookie: ann.cookie })));
    expect(twice.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await call(tenant.host, "POST", `/api/v1/events/${event.id}/attend`, { cookie: ben.cookie })).status).toBe(201);
    const events = await delivered(h, "event.registered");
    expect(events).toHaveLength(2);
    expect(events.map((e) => [e.member, e.status, (e.event as { going: number }).going, (e.event as { waitlisted: number }).waitlisted])).toEqual(
      expect.arrayContaining([
        [{ id: ann.id, name: "Ann Early" }, "going", 1, 0],
        [{ id: ben.id, name: "Ben Late" }, "waitlisted", 1, 1],
      ]),
    );
    const view = await json<{ event: Record<string, unknown> }>(await call(tenant.host, "GET", `/api/v1/events/${event.id}`, { cookie: tenant.owner.cookie }));
    expect(events.find((e) => e.status === "waitlisted")!.event).toEqual({ ...view.event, myStatus: null });
  });

  it("issue.created: the issue as GET answers it; a replay with the same Idempotency-Key adds none", async () => {
    const tenant = await makeTenant();
    const h = await hooks(tenant, "issue.created");
    const ana = await signUpMember(tenant, "ana@example.org", "Ana Asker");
    const send = () => call(tenant.host, "POST", "/api/v1/issues", { cookie: ana.cookie, json: { title: "Wifi down", body: "Since **noon**." }, headers: { "idempotency-key": "wifi-1" } });
    const first = await send();
    expect(first.status).toBe(201);
    await send();
    const { issue } = await json<{ issue: { id: string } }>(first);
    const view = await json<{ issue: Record<string, unknown> }>(await call(tenant.host, "GET", `/api/v1/issues/${issue.id}`, { cookie: tenant.owner.cookie }));
    expect(await delivered(h, "issue.created")).toEqual([{ issue: { ...view.issue, unread: true } }]);
    expect(view.issue).toMatchObject({ title: "Wifi down", author: { id: ana.id, name: "Ana Asker" }, mine: false });
  });
});

describe("invoice.issued and invoice.paid", () => {
  it("issued: one event per invoice of the run, with its number; the same run again issues and emits nothing", async () => {
    const tenant = await makeTenant();
    const h = await hooks(tenant, "invoice.issued");
    const [ann, ben] = [await signUpMember(tenant, "ann@example.org", "Ann"), await signUpMember(tenant, "ben@example.org", "Ben")];
    const invoices = await issueInvoices(tenant, [{ userId: ann.id, amount: 8000, taxRate: 21 }, { userId: ben.id, amount: 1000 }]);
    expect((await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: "2026-07-01T08:00:00Z" } })).status).toBe(200);
    const events = await delivered(h, "invoice.issued");
    expect(events).toHaveLength(2);
    for (const invoice of invoices) expect(events).toContainEqual(await getInvoice(tenant, invoice.id));
  });

  it("paid: nothing for a partial payment, one event when the balance reaches 0 (of two racing payments, the one that lands), none after", async () => {
    const tenant = await makeTenant();
    const h = await hooks(tenant, "invoice.paid");
    const ann = await signUpMember(tenant, "ann@example.org", "Ann");
    const [invoice] = await issueInvoices(tenant, [{ userId: ann.id, amount: 8000, taxRate: 21 }]);
    const pay = (amount: number, extra: Record<string, unknown> = {}) => call(tenant.host, "POST", `/api/v1/invoices/${invoice!.id}/payments`, { cookie: tenant.owner.cookie, json: { amount: eur(amount), method: "bank_transfer", ...extra } });
    expect((await pay(4000)).status).toBe(201);
    expect(await delivered(h, "invoice.paid")).toEqual([]);
    // 9680 − 4000: two at once, one lands (the other is an overpayment).
    const both = await Promise.all([pay(5680), pay(5680)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await pay(1)).status).toBe(409);
    const paid = await getInvoice(tenant, invoice!.id);
    expect(paid).toMatchObject({ status: "paid" });
    expect(await delivered(h, "invoice.paid")).toEqual([paid]);
  });
});

describe("group.join_requested: in the batch that lands the room's requests in D1", () => {
  it("nothing at the request (the room records it), one event per request when the alarm lands them, none when that batch is written again", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { slug: "queue", joinPolicy: "approval" });
    const h = await hooks(tenant, "group.join_requested");
    const [ann, ben] = [await signUpMember(tenant, "ann@example.org", "Ann Asks"), await signUpMember(tenant, "ben@example.org", "Ben Asks")];
    for (const m of [ann, ben]) expect((await call(tenant.host, "POST", "/api/v1/groups/queue/join", { cookie: m.cookie, json: {} })).status).toBe(202);
    // Asking again answers the pending request: no second notice.
    expect((await call(tenant.host, "POST", "/api/v1/groups/queue/join", { cookie: ann.cookie, json: {} })).status).toBe(202);
    expect(await delivered(h, "group.join_requested")).toEqual([]);
    const room = groupRoom(env, tenant.id, g.id);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    const expected = [
      { group: { id: g.id, slug: "queue" }, member: { id: ann.id, name: "Ann Asks" } },
      { group: { id: g.id, slug: "queue" }, member: { id: ben.id, name: "Ben Asks" } },
    ];
    expect(await delivered(h, "group.join_requested")).toEqual(expected);
    // A retried batch (its answer lost) writes the same rows: nothing new.
    await noticeWriter.write(env, { tenantId: tenant.id, groupId: g.id, batch: 1, requests: [{ name: "Ann Asks", userId: ann.id }, { name: "Ben Asks", userId: ben.id }], reports: [] });
    await runDurableObjectAlarm(room);
    expect(await delivered(h, "group.join_requested")).toEqual(expected);
  });
});
